//! A rough timing of TPC-H-like pipelines (ignored by default; run with
//! `CARGO_PROFILE_DEV_OPT_LEVEL=3 cargo test --test dataflow_perf -- --ignored --nocapture`).
use std::time::Instant;

use theta::dataflow::column::Column;
use theta::dataflow::engine::Dag;
use theta::dataflow::memory::MemoryBudget;
use theta::dataflow::table::Table;

#[test]
#[ignore]
fn lineitem_like_pipelines() {
    let n = 2_000_000usize;
    let mut seed = 42u64;
    let mut rnd = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let orderkey: Vec<i64> = (0..n).map(|i| (i / 4) as i64).collect();
    let qty: Vec<f64> = (0..n).map(|_| (rnd() % 50 + 1) as f64).collect();
    let price: Vec<f64> = (0..n).map(|_| (rnd() % 100_000) as f64 / 100.0).collect();
    let disc: Vec<f64> = (0..n).map(|_| (rnd() % 11) as f64 / 100.0).collect();
    let flag: Vec<Option<&str>> = (0..n)
        .map(|_| Some(["A", "N", "R"][(rnd() % 3) as usize]))
        .collect();
    let ship: Vec<i32> = (0..n).map(|_| (rnd() % 2500) as i32).collect();
    let li = Table::from_columns(vec![
        ("l_orderkey", Column::from_values(&orderkey)),
        ("l_quantity", Column::from_values(&qty)),
        ("l_extendedprice", Column::from_values(&price)),
        ("l_discount", Column::from_values(&disc)),
        ("l_returnflag", Column::from_strs(&flag)),
        ("l_shipdate", Column::from_values(&ship)),
    ])
    .unwrap();
    let m = n / 4;
    let okey: Vec<i64> = (0..m as i64).collect();
    let cust: Vec<i64> = (0..m).map(|_| (rnd() % 50_000) as i64).collect();
    let orders = Table::from_columns(vec![
        ("o_orderkey", Column::from_values(&okey)),
        ("o_custkey", Column::from_values(&cust)),
    ])
    .unwrap();
    let budget = MemoryBudget::unlimited();

    let mut g = Dag::new();
    let s = g.scan(li.clone());
    let f = g.filter(s, "l_shipdate <= 2400").unwrap();
    let a = g
        .aggregate(
            f,
            &["l_returnflag"],
            &[
                "sum(l_quantity) as sq",
                "sum(l_extendedprice * (1 - l_discount)) as rev",
                "avg(l_discount) as ad",
                "count(*) as c",
            ],
        )
        .unwrap();
    let t0 = Instant::now();
    let r = g.materialize(a, &budget).unwrap();
    println!("Q1-like: {:?} ({} groups)", t0.elapsed(), r.num_rows());

    let mut g = Dag::new();
    let s = g.scan(li);
    let o = g.scan(orders);
    let j = g.join(s, o, "l_orderkey = o_orderkey", "inner").unwrap();
    let a = g
        .aggregate(j, &["o_custkey"], &["sum(l_extendedprice) as rev"])
        .unwrap();
    let top = g.sort(a, &["rev desc"]).unwrap();
    let l = g.limit(top, 10, 0).unwrap();
    let t0 = Instant::now();
    let r = g.materialize(l, &budget).unwrap();
    println!(
        "join+group+topN: {:?} ({} rows)",
        t0.elapsed(),
        r.num_rows()
    );
}
