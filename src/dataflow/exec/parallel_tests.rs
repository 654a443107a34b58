//! Tests of the parallel scan pipelines: aggregates, `distinct`, joins (probe stages and build
//! sides) and sort inputs split across threads give the same rows, in the same order, as on
//! one thread.

use crate::dataflow::column::Column;
use crate::dataflow::engine::{Dag, run_with};
use crate::dataflow::error::Result;
use crate::dataflow::memory::MemoryBudget;
use crate::dataflow::plan::NodeId;
use crate::dataflow::table::Table;

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
    assert_eq!(seq.schema(), par.schema());
    assert_eq!(seq.num_rows(), par.num_rows());
    assert!(seq.num_rows() > 0);
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
fn count_distinct_stays_on_one_thread_and_is_correct() {
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
