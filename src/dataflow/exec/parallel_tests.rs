//! Tests of the parallel scan pipelines: aggregates, `distinct`, joins (probe stages and build
//! sides) and sort inputs split across threads give the same rows, in the same order, as on
//! one thread.

use super::agg_radix::Switch;
use super::aggregate::AggregateOp;
use super::batch::{BoxOp, next_dense};
use super::columns::concat;
use super::parallel::{PARTS, ScanSplit};
use super::physical::PhysicalBuilder;
use crate::dataflow::column::Column;
use crate::dataflow::engine::{Dag, run_with};
use crate::dataflow::error::Result;
use crate::dataflow::expr::kernels::CompiledExpr;
use crate::dataflow::memory::{MemoryAccount, MemoryBudget};
use crate::dataflow::plan::NodeId;
use crate::dataflow::table::Table;
use crate::dataflow::types::DataType;

/// 20,000 rows (several batches per part): `k` small int key with nulls, `t` text key with
/// nulls and non-ASCII, `a`/`b` a pair of ints, `v` floats that are multiples of 1/8 (so sums
/// are exact in any order) with NaN and nulls, `s` text values.
fn table() -> Table {
    let n = 20_000usize;
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let (mut k, mut t, mut a, mut b, mut v, mut s) =
        (vec![], vec![], vec![], vec![], vec![], vec![]);
    let words = ["ä", "b", "", "long key text", "c"];
    for i in 0..n {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        k.push((i % 89 != 0).then_some((x % 37) as i64));
        t.push((i % 61 != 0).then_some(words[(x >> 8) as usize % words.len()]));
        a.push(Some((x >> 16) as i64 % 300));
        b.push((i % 101 != 0).then_some((x >> 24) as i64 % 7));
        let f = ((x >> 32) % 4000) as f64 / 8.0 - 100.0;
        v.push(if i % 997 == 0 {
            None
        } else if i % 1999 == 0 {
            Some(f64::NAN)
        } else {
            Some(f)
        });
        s.push(format!("s{}", (x >> 40) % 500));
    }
    let s: Vec<Option<&str>> = s.iter().map(|x| Some(x.as_str())).collect();
    Table::from_columns(vec![
        ("k", Column::from_options(&k)),
        ("t", Column::from_strs(&t)),
        ("a", Column::from_options(&a)),
        ("b", Column::from_options(&b)),
        ("v", Column::from_options(&v)),
        ("s", Column::from_strs(&s)),
    ])
    .unwrap()
}

/// Runs `n` of `dag` on one thread and split across threads; both tables.
fn both(dag: &Dag, n: NodeId) -> Result<(Table, Table)> {
    let (plan, _) = dag.optimized(n)?;
    let budget = MemoryBudget::unlimited();
    Ok((
        run_with(&plan, &budget, usize::MAX)?,
        run_with(&plan, &budget, 0)?,
    ))
}

fn assert_same(seq: &Table, par: &Table, tolerance: f64) {
    assert!(seq.num_rows() > 0);
    assert_same_rows(seq, par, tolerance);
}

/// Like [`assert_same`], also for empty tables. A zero tolerance compares floats bit for bit
/// (NaN equals NaN).
fn assert_same_rows(seq: &Table, par: &Table, tolerance: f64) {
    assert_eq!(seq.schema(), par.schema());
    assert_eq!(seq.num_rows(), par.num_rows());
    for c in 0..seq.num_columns() {
        for r in 0..seq.num_rows() {
            let (x, y) = (seq.value(r, c).unwrap(), par.value(r, c).unwrap());
            match (x.as_f64(), y.as_f64()) {
                (Some(p), Some(q)) if p.is_nan() || q.is_nan() => {
                    assert!(p.is_nan() && q.is_nan(), "row {r} col {c}: {x:?} vs {y:?}")
                }
                (Some(p), Some(q)) if tolerance > 0.0 => assert!(
                    (p - q).abs() <= tolerance * p.abs().max(1.0),
                    "row {r} col {c}: {x:?} vs {y:?}"
                ),
                _ => assert_eq!(x, y, "row {r} col {c}"),
            }
        }
    }
}

#[test]
fn grouped_aggregates_match_one_thread_in_first_seen_order() {
    let aggs = [
        "count(*) as n",
        "count(v) as nv",
        "sum(a) as sa",
        "sum(v) as sv",
        "avg(a) as aa",
        "avg(v) as av",
        "min(a) as mina",
        "max(v) as maxv",
        "min(v) as minv",
        "min(s) as mins",
        "max(s) as maxs",
    ];
    for keys in [&["k"][..], &["t"], &["a", "b"], &["t", "k"], &["s", "v"]] {
        let mut dag = Dag::new();
        let scan = dag.scan(table());
        let f = dag.filter(scan, "a <> 5").unwrap();
        let g = dag.aggregate(f, keys, &aggs).unwrap();
        let (seq, par) = both(&dag, g).unwrap();
        assert!(seq.num_rows() > 1, "{keys:?}");
        assert_same(&seq, &par, 0.0);
    }
}

#[test]
fn variance_merges_within_rounding() {
    let mut dag = Dag::new();
    let scan = dag.scan(table());
    let m = dag.map(scan, &["a * 1.5 as w"]).unwrap();
    let g = dag
        .aggregate(
            m,
            &["b"],
            &["variance(w) as var", "stddev(w) as sd", "sum(w) as s"],
        )
        .unwrap();
    let (seq, par) = both(&dag, g).unwrap();
    assert_same(&seq, &par, 1e-9);
}

#[test]
fn keyless_aggregate_over_a_selective_or_empty_filter() {
    for pred in ["k = 3 and v < 50.0", "k > 1000"] {
        let mut dag = Dag::new();
        let scan = dag.scan(table());
        let f = dag.filter(scan, pred).unwrap();
        let g = dag
            .aggregate(
                f,
                &[] as &[&str],
                &["count(*) as n", "sum(v * 2) as s", "max(s) as m"],
            )
            .unwrap();
        let (seq, par) = both(&dag, g).unwrap();
        assert_eq!(par.num_rows(), 1);
        assert_same(&seq, &par, 0.0);
    }
}

#[test]
fn distinct_of_a_projection_keeps_first_occurrences_in_order() {
    for cols in [&["a", "b"][..], &["t"], &["k", "t", "v"]] {
        let mut dag = Dag::new();
        let scan = dag.scan(table());
        let p = dag.project(scan, cols).unwrap();
        let d = dag.distinct(p).unwrap();
        let (seq, par) = both(&dag, d).unwrap();
        assert_same(&seq, &par, 0.0);
    }
}

#[test]
fn count_distinct_runs_in_parallel_and_matches_one_thread() {
    let mut dag = Dag::new();
    let scan = dag.scan(table());
    let g = dag
        .aggregate(scan, &["b"], &["count(distinct a) as n"])
        .unwrap();
    let (seq, par) = both(&dag, g).unwrap();
    assert_same(&seq, &par, 0.0);
}

/// 300 rows keyed like [`table`]'s columns: `dk` (0..45, each twice, some null), `dt` (the
/// text keys, with nulls), `db` (0..7), `dv` an int, `dname` text.
fn dimension() -> Table {
    let n = 300usize;
    let words = ["ä", "b", "", "long key text", "zz"];
    let dk: Vec<Option<i64>> = (0..n)
        .map(|i| (i % 17 != 0).then_some((i % 150 / 2 % 45) as i64))
        .collect();
    let dt: Vec<Option<&str>> = (0..n)
        .map(|i| (i % 23 != 0).then_some(words[i % words.len()]))
        .collect();
    let db: Vec<Option<i64>> = (0..n).map(|i| Some((i % 7) as i64)).collect();
    let dv: Vec<Option<i64>> = (0..n).map(|i| Some((i * 37 % 300) as i64)).collect();
    let names: Vec<String> = (0..n).map(|i| format!("n{}", i % 13)).collect();
    let dname: Vec<Option<&str>> = names.iter().map(|s| Some(s.as_str())).collect();
    Table::from_columns(vec![
        ("dk", Column::from_options(&dk)),
        ("dt", Column::from_strs(&dt)),
        ("db", Column::from_options(&db)),
        ("dv", Column::from_options(&dv)),
        ("dname", Column::from_strs(&dname)),
    ])
    .unwrap()
}

const JOIN_KINDS: [&str; 6] = ["inner", "left", "right", "full", "semi", "anti"];
const JOIN_CONDITIONS: [&str; 3] = ["k = dk", "k = dk and a > dv", "t = dt and b = db"];

#[test]
fn aggregates_over_joins_match_one_thread() {
    for kind in JOIN_KINDS {
        for on in JOIN_CONDITIONS {
            let mut dag = Dag::new();
            // Two batches a part.
            let fact = dag.scan(table().slice(0, 8192));
            let fact = dag.filter(fact, "a <> 5").unwrap();
            let dim = dag.scan(dimension());
            let j = dag.join(fact, dim, on, kind).unwrap();
            let aggs: &[&str] = if matches!(kind, "semi" | "anti") {
                &["count(*) as n", "sum(a) as sa", "max(s) as ms"]
            } else {
                &[
                    "count(*) as n",
                    "sum(a) as sa",
                    "count(dv) as nd",
                    "max(dname) as md",
                ]
            };
            let g = dag.aggregate(j, &["b", "t"], aggs).unwrap();
            let (seq, par) = both(&dag, g).unwrap();
            assert_same(&seq, &par, 0.0);
        }
    }
}

#[test]
fn join_outputs_sorted_or_materialized_match_one_thread() {
    for kind in JOIN_KINDS {
        for on in JOIN_CONDITIONS {
            let mut dag = Dag::new();
            // Just over two batches, so both ranges have rows (the split is cut at a batch
            // boundary); few rows, since the outputs are large and compared cell by cell.
            let fact = dag.scan(table().slice(0, 4200));
            let dim = dag.scan(dimension());
            let j = dag.join(fact, dim, on, kind).unwrap();
            let (seq, par) = both(&dag, j).unwrap();
            assert_same(&seq, &par, 0.0);
            let sorted = if matches!(kind, "semi" | "anti") {
                dag.sort(j, &["s", "a desc"]).unwrap()
            } else {
                dag.sort(j, &["dname desc", "s", "a desc"]).unwrap()
            };
            let (seq, par) = both(&dag, sorted).unwrap();
            assert_same(&seq, &par, 0.0);
        }
    }
}

/// TPC-H Q5's shape: the fact table probes a join whose build side is itself a split
/// pipeline with a probe stage, then a second join on two keys, then an aggregate.
#[test]
fn chained_joins_with_a_joined_build_side_match_one_thread() {
    let mut dag = Dag::new();
    let other = dag.scan(table());
    let other = dag.filter(other, "v < -80.0").unwrap();
    let other = dag.map(other, &["a as oa", "k as ok", "s as os"]).unwrap();
    let other = dag.project(other, &["oa", "ok", "os"]).unwrap();
    let dim = dag.scan(dimension());
    let dim = dag.filter(dim, "dv < 200").unwrap();
    let built = dag.join(other, dim, "ok = dk", "inner").unwrap();
    let built = dag.project(built, &["oa", "ok", "dname", "db"]).unwrap();
    let fact = dag.scan(table());
    let fact = dag.project(fact, &["k", "a", "b", "v"]).unwrap();
    let first = dag.join(fact, built, "a = oa", "inner").unwrap();
    let dim2 = dag.scan(dimension());
    let dim2 = dag
        .project(dim2, &["dk as k2", "db as b2", "dv as v2"])
        .unwrap();
    let second = dag.join(first, dim2, "k = k2 and b = b2", "inner").unwrap();
    let g = dag
        .aggregate(second, &["dname"], &["count(*) as n", "sum(v2) as s"])
        .unwrap();
    let (seq, par) = both(&dag, g).unwrap();
    assert!(seq.num_rows() > 1);
    assert_same(&seq, &par, 0.0);
}

/// A join read by two consumers (which runs once, outside any split pipeline) gives the
/// one-thread result.
#[test]
fn a_shared_join_gives_the_one_thread_result() {
    let mut dag = Dag::new();
    let fact = dag.scan(table());
    let dim = dag.scan(dimension());
    let j = dag.join(fact, dim, "k = dk", "inner").unwrap();
    let by_b = dag.aggregate(j, &["b"], &["count(*) as n"]).unwrap();
    let by_b2 = dag.aggregate(j, &["b"], &["sum(a) as n"]).unwrap();
    let u = dag.union_all(by_b, by_b2).unwrap();
    let (seq, par) = both(&dag, u).unwrap();
    assert_same(&seq, &par, 0.0);
}

/// `materialize` of a filtered, computed projection reads it on both threads, in order.
#[test]
fn a_filtered_map_at_the_root_matches_one_thread() {
    let mut dag = Dag::new();
    let scan = dag.scan(table());
    let f = dag.filter(scan, "k < 20 and t <> 'b'").unwrap();
    let m = dag.map(f, &["a * 2 + b as w", "upper(s) as u"]).unwrap();
    let (seq, par) = both(&dag, m).unwrap();
    assert_same(&seq, &par, 0.0);
}

/// 30,000 rows with many groups (to run the partitioned aggregate, `agg_radix.rs`): `g` an int
/// key of 9,000 values with nulls, `gt` a text key of 6,000 values (nulls, non-ASCII, ""), `p`/`q`
/// a pair with about 12,000 combinations (some beyond the `i32` range, some null), `f` a float
/// key of 1,500 values with NaN, 0.0 and -0.0, `x` ints, `y` floats whose sums depend on the
/// summation order, `s` text values, `big` ints whose per-group sums overflow, `sg` a sparse int
/// key of 9,000 values (hashed, unlike `g`, whose dense values use the grouper's direct index).
fn wide_table() -> Table {
    let n = 30_000usize;
    let mut r: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = || {
        r ^= r << 13;
        r ^= r >> 7;
        r ^= r << 17;
        r
    };
    let (mut g, mut gt, mut p, mut q, mut f, mut x, mut y, mut s, mut big, mut sg) = (
        vec![],
        vec![],
        vec![],
        vec![],
        vec![],
        vec![],
        vec![],
        vec![],
        vec![],
        vec![],
    );
    for i in 0..n {
        let a = next();
        g.push((i % 53 != 0).then_some((a % 9000) as i64));
        sg.push((i % 59 != 0).then_some((a % 9000) as i64 * 1_000_003 - 4_500_000_000));
        gt.push(match a % 6000 {
            0 => None,
            1 => Some(String::new()),
            k if k % 7 == 0 => Some(format!("é{k}")),
            k => Some(format!("key {k}")),
        });
        let b = next();
        p.push(match b % 400 {
            0 => None,
            1 => Some(1i64 << 40),
            k => Some(k as i64 * 1000),
        });
        q.push((b % 71 != 0).then_some(((b >> 20) % 30) as i64 - 3));
        f.push(match (b >> 30) % 1500 {
            0 => f64::NAN,
            1 => -0.0,
            2 => 0.0,
            k => k as f64 / 3.0,
        });
        x.push((i % 97 != 0).then_some((next() % 100_000) as i64 - 50_000));
        y.push((i % 89 != 0).then_some((next() % 1_000_000) as f64 / 7.0 - 1e4));
        s.push(format!("s{}", next() % 1000));
        big.push(4_000_000_000_000_000_000i64);
    }
    let gt: Vec<Option<&str>> = gt.iter().map(|t| t.as_deref()).collect();
    let s: Vec<Option<&str>> = s.iter().map(|t| Some(t.as_str())).collect();
    Table::from_columns(vec![
        ("g", Column::from_options(&g)),
        ("gt", Column::from_strs(&gt)),
        ("p", Column::from_options(&p)),
        ("q", Column::from_options(&q)),
        ("f", Column::from_values(&f)),
        ("x", Column::from_options(&x)),
        ("y", Column::from_options(&y)),
        ("s", Column::from_strs(&s)),
        ("big", Column::from_values(&big)),
        ("sg", Column::from_options(&sg)),
    ])
    .unwrap()
}

/// Runs `n` of `dag` split across threads, aggregates and distincts switching to partitions
/// at `switch`.
fn run_split(dag: &Dag, n: NodeId, switch: Switch) -> Result<Table> {
    let (plan, _) = dag.optimized(n)?;
    let budget = MemoryBudget::unlimited();
    let mut op = PhysicalBuilder::new(&plan, &budget)
        .with_min_parallel_rows(0)
        .with_radix_switch(switch)
        .build_collected(plan.root)?;
    collect(
        &mut op,
        &plan
            .columns(plan.root)
            .iter()
            .map(|c| (c.name.as_str(), c.ty))
            .collect::<Vec<_>>(),
    )
}

/// All rows of `op` as a table with columns `cols`.
fn collect(op: &mut BoxOp, cols: &[(&str, DataType)]) -> Result<Table> {
    let mut batches = Vec::new();
    while let Some(b) = next_dense(op) {
        batches.push(b?);
    }
    let account = MemoryAccount::unlimited();
    let mut columns = Vec::new();
    for (i, (name, ty)) in cols.iter().enumerate() {
        let parts: Vec<&Column> = batches.iter().map(|b| &b.columns[i]).collect();
        columns.push((*name, concat(&parts, *ty, &account)?));
    }
    Table::from_columns(columns)
}

/// Switch settings that partition from the first batch, after a few batches (the second thread
/// holding batches read before the decision), never (the first thread decides after 4,096 rows,
/// before reaching the group count) and never at all.
const SWITCHES: [Switch; 4] = [
    Switch::ALWAYS,
    Switch {
        groups: 5000,
        rows: 1 << 20,
    },
    Switch {
        groups: 5000,
        rows: 4096,
    },
    Switch::NEVER,
];

#[test]
fn many_groups_aggregate_like_one_thread_whether_partitioned_or_not() {
    let aggs = [
        "count(*) as n",
        "count(y) as ny",
        "sum(x) as sx",
        "sum(y) as sy",
        "avg(x) as ax",
        "avg(y) as ay",
        "min(x) as minx",
        "max(x) as maxx",
        "min(y) as miny",
        "max(y) as maxy",
        "min(s) as mins",
        "max(s) as maxs",
        "variance(y) as vy",
        "stddev(y) as sdy",
    ];
    let keysets: [&[&str]; 9] = [
        &["g"],
        &["sg"],
        &["sg", "q"],
        &["gt"],
        &["p", "q"],
        &["gt", "g"],
        &["f"],
        &["g", "gt", "p"],
        &["f", "gt", "q"],
    ];
    for keys in keysets {
        let mut dag = Dag::new();
        let scan = dag.scan(wide_table());
        let filtered = dag.filter(scan, "x <> 7 and q <> 4").unwrap();
        let g = dag.aggregate(filtered, keys, &aggs).unwrap();
        let (plan, _) = dag.optimized(g).unwrap();
        let seq = run_with(&plan, &MemoryBudget::unlimited(), usize::MAX).unwrap();
        assert!(seq.num_rows() > 1000, "{keys:?}");
        for switch in SWITCHES {
            let par = run_split(&dag, g, switch).unwrap();
            // Partitioned, each group folds its rows in the one-thread order: floats match
            // bit for bit. Merged tables add partial float sums.
            let tolerance = if switch == Switch::ALWAYS { 0.0 } else { 1e-9 };
            assert_same(&seq, &par, tolerance);
        }
    }
}

#[test]
fn keyless_aggregates_never_partition() {
    let mut dag = Dag::new();
    let scan = dag.scan(wide_table());
    let g = dag
        .aggregate(scan, &[] as &[&str], &["count(*) as n", "sum(x) as sx"])
        .unwrap();
    let none = dag.filter(scan, "x > 1000000").unwrap();
    let empty = dag
        .aggregate(none, &[] as &[&str], &["count(*) as n"])
        .unwrap();
    for n in [g, empty] {
        let (plan, _) = dag.optimized(n).unwrap();
        let seq = run_with(&plan, &MemoryBudget::unlimited(), usize::MAX).unwrap();
        assert_eq!(seq.num_rows(), 1);
        for switch in SWITCHES {
            assert_same(&seq, &run_split(&dag, n, switch).unwrap(), 0.0);
        }
    }
}

#[test]
fn sparse_int_keys_switch_part_way() {
    let t = wide_table();
    let sg = t.schema().index_of("sg").unwrap();
    let (_, want) = distinct_of(&t, sg, Switch::NEVER);
    // 9,000 hashed values: past 5,000 the first range switches, unless it decided first.
    for (switch, partitions) in SWITCHES.into_iter().zip([true, true, false, false]) {
        let (did, got) = distinct_of(&t, sg, switch);
        assert_eq!(did, partitions, "{switch:?}");
        assert_same(&want, &got, 0.0);
    }
}

#[test]
fn computed_keys_and_shared_subexpressions_partition_like_one_thread() {
    let mut dag = Dag::new();
    let scan = dag.scan(wide_table());
    let g = dag
        .aggregate(
            scan,
            &["g % 4000 as k", "upper(gt) as u"],
            &[
                "sum(x + g % 4000) as s",
                "count(*) as n",
                "max(y * 2.0) as m",
            ],
        )
        .unwrap();
    let (plan, _) = dag.optimized(g).unwrap();
    let seq = run_with(&plan, &MemoryBudget::unlimited(), usize::MAX).unwrap();
    for switch in SWITCHES {
        assert_same(&seq, &run_split(&dag, g, switch).unwrap(), 0.0);
    }
}

#[test]
fn many_group_distincts_keep_first_occurrences_in_order() {
    for cols in [
        &["g", "gt"][..],
        &["p", "q"],
        &["f"],
        &["gt"],
        &["q", "f", "g"],
    ] {
        let mut dag = Dag::new();
        let scan = dag.scan(wide_table());
        let filtered = dag.filter(scan, "x > -40000").unwrap();
        let p = dag.project(filtered, cols).unwrap();
        let d = dag.distinct(p).unwrap();
        let (plan, _) = dag.optimized(d).unwrap();
        let seq = run_with(&plan, &MemoryBudget::unlimited(), usize::MAX).unwrap();
        for switch in SWITCHES {
            assert_same(&seq, &run_split(&dag, d, switch).unwrap(), 0.0);
        }
    }
}

#[test]
fn many_group_count_distincts_and_joins_match_one_thread() {
    let mut dag = Dag::new();
    let scan = dag.scan(wide_table());
    let g = dag
        .aggregate(
            scan,
            &["g"],
            &[
                "count(distinct s) as ds",
                "count(distinct q) as dq",
                "sum(x) as sx",
            ],
        )
        .unwrap();
    let (plan, _) = dag.optimized(g).unwrap();
    let seq = run_with(&plan, &MemoryBudget::unlimited(), usize::MAX).unwrap();
    assert!(seq.num_rows() > 1000);
    for switch in SWITCHES {
        // count(distinct) states cannot be merged: without partitions, the first range's table
        // absorbs the second range's batches.
        assert_same(&seq, &run_split(&dag, g, switch).unwrap(), 0.0);
    }
    // An aggregate with many groups over a probe stage.
    let mut dag = Dag::new();
    let fact = dag.scan(wide_table());
    let fact = dag.map(fact, &["g % 45 as gk", "g", "x", "y"]).unwrap();
    let dim = dag.scan(dimension());
    let j = dag.join(fact, dim, "gk = dk", "left").unwrap();
    let g = dag
        .aggregate(
            j,
            &["g", "dname"],
            &["sum(x) as sx", "max(dv) as mdv", "sum(y) as sy"],
        )
        .unwrap();
    let (plan, _) = dag.optimized(g).unwrap();
    let seq = run_with(&plan, &MemoryBudget::unlimited(), usize::MAX).unwrap();
    assert!(seq.num_rows() > 1000);
    for switch in SWITCHES {
        let tolerance = if switch == Switch::ALWAYS { 0.0 } else { 1e-9 };
        assert_same(&seq, &run_split(&dag, g, switch).unwrap(), tolerance);
    }
}

#[test]
fn empty_inputs_and_errors_are_the_one_thread_ones_when_partitioned() {
    let mut dag = Dag::new();
    let scan = dag.scan(wide_table());
    let none = dag.filter(scan, "x > 1000000").unwrap();
    let g = dag.aggregate(none, &["g", "gt"], &["sum(y) as s"]).unwrap();
    let (plan, _) = dag.optimized(g).unwrap();
    let seq = run_with(&plan, &MemoryBudget::unlimited(), usize::MAX).unwrap();
    assert_eq!(seq.num_rows(), 0);
    for switch in SWITCHES {
        assert_same_rows(&seq, &run_split(&dag, g, switch).unwrap(), 0.0);
    }
    // Per-group sums of `big` overflow i64 on one thread; so they do partitioned.
    let mut dag = Dag::new();
    let scan = dag.scan(wide_table());
    let g = dag.aggregate(scan, &["g"], &["sum(big) as s"]).unwrap();
    let (plan, _) = dag.optimized(g).unwrap();
    let want = run_with(&plan, &MemoryBudget::unlimited(), usize::MAX).unwrap_err();
    for switch in SWITCHES {
        let got = run_split(&dag, g, switch).unwrap_err();
        assert_eq!(got.to_string(), want.to_string());
    }
}

/// The distinct rows of column `col` of `t` with the switch at `switch`: whether the parallel
/// aggregate partitioned, and its rows.
fn distinct_of(t: &Table, col: usize, switch: Switch) -> (bool, Table) {
    let ty = t.schema().fields()[col].data_type;
    let split = ScanSplit::new(t.clone(), vec![col], None, Vec::new(), PARTS);
    let account = MemoryAccount::unlimited();
    let keys = vec![CompiledExpr::column(0, ty)];
    let mut op = AggregateOp::parallel(split, keys, Vec::new(), &account).with_switch(switch);
    let mut rows = Vec::new();
    while let Some(b) = super::batch::Operator::next(&mut op) {
        rows.push(b.unwrap());
    }
    let parts: Vec<&Column> = rows.iter().map(|b| &b.columns[0]).collect();
    let out = Table::from_columns(vec![("k", concat(&parts, ty, &account).unwrap())]).unwrap();
    (op.partitioned(), out)
}

#[test]
fn the_first_range_switches_exactly_at_the_group_threshold() {
    // Keys k0..k6143 in the first range (each twice), k6144..k9143 in the second: the first
    // range's table ends with 6,144 hashed groups (texts are hashed into a dictionary).
    let names: Vec<String> = (0..24_576usize)
        .map(|i| {
            format!(
                "k{}",
                if i < 12_288 {
                    i % 6144
                } else {
                    6144 + (i - 12_288) % 3000
                }
            )
        })
        .collect();
    let keys: Vec<Option<&str>> = names.iter().map(|s| Some(s.as_str())).collect();
    let t = Table::from_columns(vec![("k", Column::from_strs(&keys))]).unwrap();
    let want: Vec<String> = (0..9144).map(|k| format!("k{k}")).collect();
    let want: Vec<Option<&str>> = want.iter().map(|s| Some(s.as_str())).collect();
    let expect = Table::from_columns(vec![("k", Column::from_strs(&want))]).unwrap();
    for (groups, rows, partitioned) in [
        (6144, usize::MAX, true),
        (6145, usize::MAX, false),
        (6143, usize::MAX, true),
        (1, usize::MAX, true),
        // Decided after the first batch (2,048 rows, 2,048 groups).
        (3000, 2048, false),
        (2048, 2048, true),
    ] {
        let (did, got) = distinct_of(&t, 0, Switch { groups, rows });
        assert_eq!(did, partitioned, "groups {groups} rows {rows}");
        assert_same(&expect, &got, 0.0);
    }
}

/// The partitioned path's scattered rows (keys, arguments and a sequence number a row) are
/// charged to the query's budget, so `--stats` reports them in the peak.
#[test]
fn partitioned_rows_are_charged_to_the_budget() {
    let mut dag = Dag::new();
    let scan = dag.scan(wide_table());
    let g = dag
        .aggregate(scan, &["gt", "sg"], &["sum(x) as sx"])
        .unwrap();
    let (plan, _) = dag.optimized(g).unwrap();
    let budget = MemoryBudget::unlimited();
    let mut op = PhysicalBuilder::new(&plan, &budget)
        .with_min_parallel_rows(0)
        .with_radix_switch(Switch::ALWAYS)
        .build_collected(plan.root)
        .unwrap();
    while let Some(b) = next_dense(&mut op) {
        b.unwrap();
    }
    // 30,000 rows of an int key, an int argument and a sequence number: 720,000 bytes at least.
    assert!(budget.peak() >= 30_000 * 3 * 8, "peak {}", budget.peak());
}
