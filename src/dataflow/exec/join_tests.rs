//! Tests of the hash join operator: every join kind gives the same rows in the same order on
//! one thread and on two, over probe batches with and without selections, and an inner join
//! matches a nested-loop reference row for row.

use std::collections::VecDeque;

use super::batch::{BATCH_SIZE, Batch, BoxOp, Operator};
use super::join::{JoinOp, JoinSpec};
use crate::dataflow::column::Column;
use crate::dataflow::error::Result;
use crate::dataflow::expr::kernels::{CompiledExpr, compile};
use crate::dataflow::expr::parser::JoinKind;
use crate::dataflow::expr::typed::{CmpOp, TExpr, TKind};
use crate::dataflow::memory::MemoryAccount;
use crate::dataflow::types::DataType;

/// Replays batches.
struct Source(VecDeque<Batch>);

impl Operator for Source {
    fn next(&mut self) -> Option<Result<Batch>> {
        self.0.pop_front().map(Ok)
    }
}

/// Rows of `(k, v)`: `k` pseudo-random in `0..keys` (null every 89th row), `v` = `row % 100`.
fn rows(n: usize, keys: u64, seed: u64) -> Vec<(Option<i64>, i64)> {
    let mut x = seed;
    (0..n)
        .map(|row| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let k = (!row.is_multiple_of(89)).then_some((x % keys) as i64);
            (k, (row % 100) as i64)
        })
        .collect()
}

/// Batches of `rows`; every odd batch carries a selection dropping rows `i % 3 == 0`.
fn source(rows: &[(Option<i64>, i64)], selections: bool) -> BoxOp {
    let mut out = VecDeque::new();
    for (b, chunk) in rows.chunks(BATCH_SIZE).enumerate() {
        let k: Vec<Option<i64>> = chunk.iter().map(|r| r.0).collect();
        let v: Vec<i64> = chunk.iter().map(|r| r.1).collect();
        let mut batch = Batch::new(
            vec![Column::from_options(&k), Column::from_values(&v)],
            chunk.len(),
        );
        if selections && b % 2 == 1 {
            batch.selection = Some((0..chunk.len() as u32).filter(|i| i % 3 != 0).collect());
        }
        out.push_back(batch);
    }
    Box::new(Source(out))
}

/// The live rows of `rows` as `source` presents them.
fn live(rows: &[(Option<i64>, i64)], selections: bool) -> Vec<(Option<i64>, i64)> {
    rows.iter()
        .enumerate()
        .filter(|(i, _)| {
            !selections || (i / BATCH_SIZE).is_multiple_of(2) || !(i % BATCH_SIZE).is_multiple_of(3)
        })
        .map(|(_, r)| *r)
        .collect()
}

fn column(name: &str, names: &[&str]) -> CompiledExpr {
    let e = TExpr {
        kind: TKind::Column(name.into()),
        ty: DataType::I64,
    };
    compile(&e, names).unwrap()
}

fn spec(kind: JoinKind, build_left: bool, residual: bool) -> JoinSpec {
    let joined = ["k", "v", "k2", "v2"];
    let res = TExpr {
        kind: TKind::Cmp(
            CmpOp::Lt,
            Box::new(TExpr {
                kind: TKind::Column("v".into()),
                ty: DataType::I64,
            }),
            Box::new(TExpr {
                kind: TKind::Column("v2".into()),
                ty: DataType::I64,
            }),
        ),
        ty: DataType::Bool,
    };
    JoinSpec {
        kind,
        build_left,
        left_keys: vec![column("k", &["k", "v"])],
        right_keys: vec![column("k", &["k", "v"])],
        residual: residual.then(|| compile(&res, &joined).unwrap()),
        left_types: vec![DataType::I64; 2],
        right_types: vec![DataType::I64; 2],
    }
}

/// Every output row as text, in output order.
fn collect(op: &mut dyn Operator) -> Vec<String> {
    let mut out = Vec::new();
    while let Some(b) = op.next() {
        let b = b.unwrap().compact().unwrap();
        for i in 0..b.len {
            let row: Vec<String> = b
                .columns
                .iter()
                .map(|c| format!("{:?}", c.value(i)))
                .collect();
            out.push(row.join(","));
        }
    }
    out
}

fn run(
    kind: JoinKind,
    build_left: bool,
    residual: bool,
    threads: usize,
    left: &[(Option<i64>, i64)],
    right: &[(Option<i64>, i64)],
) -> Vec<String> {
    let mut op = JoinOp::with_threads(
        spec(kind, build_left, residual),
        source(left, true),
        source(right, false),
        MemoryAccount::unlimited(),
        threads,
    );
    collect(&mut op)
}

#[test]
fn two_threads_give_the_same_rows_in_the_same_order_for_every_kind() {
    // 40 probe batches (enough rows for rounds to be split) against a build side with
    // duplicate and null keys.
    let left = rows(40 * BATCH_SIZE + 17, 6000, 0x2545_F491_4F6C_DD1D);
    let right = rows(5000, 8000, 0x9E37_79B9_7F4A_7C15);
    let cases = [
        (JoinKind::Inner, false),
        (JoinKind::Inner, true),
        (JoinKind::Left, false),
        (JoinKind::Right, true),
        (JoinKind::Full, false),
        (JoinKind::Semi, false),
        (JoinKind::Anti, false),
    ];
    for (kind, build_left) in cases {
        for residual in [false, true] {
            let one = run(kind, build_left, residual, 1, &left, &right);
            let two = run(kind, build_left, residual, 2, &left, &right);
            assert!(!one.is_empty(), "{kind:?} produced no rows");
            assert_eq!(
                one, two,
                "{kind:?} build_left={build_left} residual={residual}"
            );
        }
    }
}

#[test]
fn inner_join_matches_a_nested_loop_reference() {
    let left = rows(12 * BATCH_SIZE + 5, 3000, 7);
    let right = rows(2500, 4000, 11);
    for threads in [1, 2] {
        let got = run(JoinKind::Inner, false, true, threads, &left, &right);
        let mut want = Vec::new();
        for &(lk, lv) in &live(&left, true) {
            for &(rk, rv) in &right {
                if let (Some(l), Some(r)) = (lk, rk)
                    && l == r
                    && lv < rv
                {
                    want.push(format!("I64({l}),I64({lv}),I64({r}),I64({rv})"));
                }
            }
        }
        assert!(want.len() > 100);
        assert_eq!(got, want);
    }
}

#[test]
fn semi_join_passes_probe_columns_through_under_a_selection() {
    let left = rows(3 * BATCH_SIZE, 50, 3);
    let right = rows(10, 50, 5);
    let mut op = JoinOp::with_threads(
        spec(JoinKind::Semi, false, false),
        source(&left, true),
        source(&right, false),
        MemoryAccount::unlimited(),
        1,
    );
    let mut seen = 0;
    while let Some(b) = op.next() {
        let b = b.unwrap();
        // Not gathered: full-length columns with the matching rows selected.
        assert_eq!(b.columns[0].len(), b.len);
        assert!(b.selection.as_ref().is_some_and(|s| s.len() < b.len));
        seen += b.num_rows();
    }
    let keys: Vec<Option<i64>> = right.iter().map(|r| r.0).collect();
    let want = live(&left, true)
        .iter()
        .filter(|r| r.0.is_some() && keys.contains(&r.0))
        .count();
    assert_eq!(seen, want);
}
