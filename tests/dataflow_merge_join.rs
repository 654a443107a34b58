//! Sort-merge join (§8: "sort-merge join when both inputs are sorted on the key"): the planner
//! picks it when both inputs come sorted on the join keys, and its results equal the hash
//! join's on random inputs with duplicate and null keys, for every join kind.
#[path = "dataflow/common.rs"]
mod common;

use common::dump;
use theta::dataflow::column::Column;
use theta::dataflow::engine::{Dag, NodeId};
use theta::dataflow::memory::MemoryBudget;
use theta::dataflow::table::Table;

const KINDS: [&str; 6] = ["inner", "left", "right", "full", "semi", "anti"];

/// xorshift64*: a small deterministic generator so failures reproduce from the seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

const WORDS: [&str; 5] = ["a", "b", "é", "zz", ""];

/// A table `k` (i64 or i32), `k2` (text), `v` (i64 row id, also used by residuals), with
/// ~15% null keys and `domain` distinct key values (so keys repeat); `k2` takes about
/// `3 * k2_domain` values.
fn table(
    rng: &mut Rng,
    rows: usize,
    domain: u64,
    k2_domain: u64,
    narrow: bool,
    id_base: i64,
) -> Table {
    let mut k = Vec::new();
    let mut k2 = Vec::new();
    let mut v = Vec::new();
    for i in 0..rows {
        k.push((rng.below(100) >= 15).then(|| rng.below(domain) as i64 - 2));
        k2.push((rng.below(100) >= 10).then(|| {
            let w = WORDS[rng.below(3) as usize];
            match rng.below(k2_domain) {
                0 => w.to_string(),
                n => format!("{w}{n}"),
            }
        }));
        v.push(id_base + i as i64);
    }
    let kcol = if narrow {
        Column::from_options(&k.iter().map(|x| x.map(|y| y as i32)).collect::<Vec<_>>())
    } else {
        Column::from_options(&k)
    };
    Table::from_columns(vec![
        ("k", kcol),
        (
            "k2",
            Column::from_strs(&k2.iter().map(|x| x.as_deref()).collect::<Vec<_>>()),
        ),
        (
            "v",
            Column::from_options(&v.into_iter().map(Some).collect::<Vec<_>>()),
        ),
    ])
    .unwrap()
}

fn rows(t: &Table) -> Vec<String> {
    dump(t).lines().skip(1).map(str::to_string).collect()
}

fn sorted_rows(t: &Table) -> Vec<String> {
    let mut r = rows(t);
    r.sort();
    r
}

struct Case {
    on: &'static str,
    left_sort: &'static [&'static str],
    right_sort: &'static [&'static str],
}

const CASES: [Case; 5] = [
    Case {
        on: "k = k_right",
        left_sort: &["k"],
        right_sort: &["k"],
    },
    Case {
        on: "k_right = k and k2 = k2_right",
        left_sort: &["k nulls first", "k2 desc"],
        right_sort: &["k", "k2 desc nulls last"],
    },
    Case {
        on: "k = k_right and v % 3 <> v_right % 2",
        left_sort: &["k desc"],
        right_sort: &["k desc nulls last"],
    },
    Case {
        on: "k2 = k2_right and k = k_right",
        left_sort: &["k2", "k", "v"],
        right_sort: &["k2 nulls first", "k"],
    },
    Case {
        on: "k2 = k2_right and v < v_right",
        left_sort: &["k2"],
        right_sort: &["k2"],
    },
];

fn join_both_ways(l: &Table, r: &Table, case: &Case, kind: &str) -> (Table, Table, Table) {
    let budget = MemoryBudget::unlimited();
    let mut g = Dag::new();
    let ls = g.scan(l.clone());
    let rs = g.scan(r.clone());
    let hash = g.join(ls, rs, case.on, kind).unwrap();
    let lsort = g.sort(ls, case.left_sort).unwrap();
    let rsort = g.sort(rs, case.right_sort).unwrap();
    let merge = g.join(lsort, rsort, case.on, kind).unwrap();
    let hx = g.explain(hash).unwrap();
    let mx = g.explain(merge).unwrap();
    assert!(hx.contains("HashJoin"), "{hx}");
    assert!(mx.starts_with("MergeJoin"), "{}: {mx}", case.on);
    let run = |n: NodeId| g.materialize(n, &budget).unwrap_or_else(|e| panic!("{e}"));
    (run(hash), run(merge), run(lsort))
}

/// Inner, left, semi and anti merge joins emit the left rows in the left input's order.
fn assert_left_order(out: &Table, sorted_left: &Table) {
    let vi = out
        .schema()
        .fields()
        .iter()
        .position(|f| f.name == "v")
        .unwrap();
    let mut seen: Vec<i64> = Vec::new();
    for r in 0..out.num_rows() {
        let v = out.column(vi).unwrap().as_i64_slice().unwrap()[r];
        if seen.last() != Some(&v) {
            seen.push(v);
        }
    }
    let order = sorted_left.column(2).unwrap().as_i64_slice().unwrap();
    let mut it = order.iter();
    for v in &seen {
        assert!(it.any(|x| x == v), "left row {v} out of order");
    }
}

fn check(seed: u64, lrows: usize, rrows: usize, domain: u64, k2_domain: u64) {
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let l = table(&mut rng, lrows, domain, k2_domain, false, 0);
    let r = table(&mut rng, rrows, domain, k2_domain, true, 1_000_000);
    for case in &CASES {
        for kind in KINDS {
            let (hash, merge, lsorted) = join_both_ways(&l, &r, case, kind);
            assert_eq!(
                sorted_rows(&hash),
                sorted_rows(&merge),
                "seed {seed} {kind} join on {}",
                case.on
            );
            if matches!(kind, "inner" | "left" | "semi" | "anti") {
                assert_left_order(&merge, &lsorted);
            }
        }
    }
}

#[test]
fn merge_join_equals_hash_join_on_small_random_inputs() {
    for seed in 1..60 {
        let mut rng = Rng(seed);
        let lrows = rng.below(30) as usize;
        let rrows = rng.below(30) as usize;
        check(seed, lrows, rrows, 1 + rng.below(8), 1 + rng.below(2));
    }
}

#[test]
fn merge_join_equals_hash_join_across_batches_and_long_runs() {
    // Runs of one key longer than a batch (2048 rows) on both sides, and many small runs.
    check(101, 4500, 6, 2, 400);
    check(102, 6, 4300, 2, 400);
    check(103, 4100, 2500, 3000, 3000);
}

#[test]
fn merge_join_on_empty_and_all_null_inputs() {
    let empty = Table::from_columns(vec![
        ("k", Column::from_options::<i64>(&[])),
        ("k2", Column::from_strs(&[])),
        ("v", Column::from_options::<i64>(&[])),
    ])
    .unwrap();
    let nulls = Table::from_columns(vec![
        ("k", Column::from_options::<i64>(&[None, None])),
        ("k2", Column::from_strs(&[None, Some("a")])),
        ("v", Column::from_values(&[1i64, 2])),
    ])
    .unwrap();
    for (l, r) in [(&empty, &nulls), (&nulls, &empty), (&nulls, &nulls)] {
        for kind in KINDS {
            let (hash, merge, _) = join_both_ways(l, r, &CASES[0], kind);
            assert_eq!(sorted_rows(&hash), sorted_rows(&merge), "{kind}");
        }
    }
    // Null keys never match: a full join of two all-null inputs keeps all four rows apart.
    let (_, merge, _) = join_both_ways(&nulls, &nulls, &CASES[0], "full");
    assert_eq!(merge.num_rows(), 4);
}

#[test]
fn order_survives_filter_map_project_and_limit() {
    let mut rng = Rng(7);
    let l = table(&mut rng, 50, 6, 1, false, 0);
    let r = table(&mut rng, 40, 6, 1, false, 100);
    let mut g = Dag::new();
    let ls = g.scan(l);
    let rs = g.scan(r);
    let a = g.sort(ls, &["k"]).unwrap();
    let a = g.filter(a, "v > 3").unwrap();
    let a = g.map(a, &["v * 2 as v2"]).unwrap();
    let b = g.sort(rs, &["k"]).unwrap();
    let b = g.project(b, &["k as rk", "v as w"]).unwrap();
    let b = g.limit(b, 30, 2).unwrap();
    let j = g.join(a, b, "rk = k", "left").unwrap();
    let x = g.explain(j).unwrap();
    assert!(x.starts_with("MergeJoin left keys=[k = rk]"), "{x}");
    // A merge join's left-ordered output feeds a second merge join.
    let c = g.sort(rs, &["k"]).unwrap();
    let j2 = g.join(j, c, "k = k_right", "inner").unwrap();
    let x2 = g.explain(j2).unwrap();
    assert!(x2.starts_with("MergeJoin inner"), "{x2}");
    // Sorted on a different key, or in another direction: hash join.
    let d = g.sort(rs, &["k desc"]).unwrap();
    let j3 = g.join(a, d, "k = k_right", "inner").unwrap();
    assert!(g.explain(j3).unwrap().starts_with("HashJoin"));
    let e = g.sort(rs, &["v"]).unwrap();
    let j4 = g.join(a, e, "k = k_right", "inner").unwrap();
    assert!(g.explain(j4).unwrap().starts_with("HashJoin"));
}
