//! Tests of spilling: a sort and an aggregate over more data than a small budget give the same
//! result as without a budget, leave no temporary files, and trap naming the operator when
//! spilling cannot help.

use std::collections::VecDeque;

use super::aggregate::{AggSpec, AggregateOp};
use super::batch::{BATCH_SIZE, Batch, BoxOp, Operator};
use super::sort::{SortOp, SortSpec};
use super::spill::tests::with_spill_dir;
use crate::dataflow::column::{Column, ValueRef};
use crate::dataflow::error::Result;
use crate::dataflow::expr::functions::AggFunc;
use crate::dataflow::expr::kernels::{CompiledExpr, compile};
use crate::dataflow::expr::typed::{TExpr, TKind};
use crate::dataflow::memory::{MemoryAccount, MemoryBudget};
use crate::dataflow::types::DataType;

const NAMES: [&str; 3] = ["k", "s", "v"];
const TYPES: [DataType; 3] = [DataType::I64, DataType::Utf8, DataType::F64];

/// Replays batches.
struct Source(VecDeque<Batch>);

impl Operator for Source {
    fn next(&mut self) -> Option<Result<Batch>> {
        self.0.pop_front().map(Ok)
    }
}

/// `batches` batches of: `k` = a pseudo-random key in `0..keys` (null every 97th row), `s` =
/// the row number as text with a unicode suffix, `v` = a float.
fn source(batches: usize, keys: i64) -> BoxOp {
    let mut out = VecDeque::new();
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    for b in 0..batches {
        let mut k = Vec::new();
        let mut s = Vec::new();
        let mut v = Vec::new();
        for i in 0..BATCH_SIZE {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let row = b * BATCH_SIZE + i;
            k.push((!row.is_multiple_of(97)).then_some((x % keys as u64) as i64));
            s.push(format!("r{row}é"));
            v.push((x % 1000) as f64 / 8.0);
        }
        let s: Vec<Option<&str>> = s.iter().map(|t| Some(t.as_str())).collect();
        let cols = vec![
            Column::from_options(&k),
            Column::from_strs(&s),
            Column::from_values(&v),
        ];
        out.push_back(Batch::new(cols, BATCH_SIZE));
    }
    Box::new(Source(out))
}

fn col(name: &str) -> CompiledExpr {
    let i = NAMES.iter().position(|n| *n == name).unwrap();
    let e = TExpr {
        kind: TKind::Column(name.into()),
        ty: TYPES[i],
    };
    compile(&e, &NAMES).unwrap()
}

fn rows(op: &mut dyn Operator) -> Result<Vec<String>> {
    let mut out = Vec::new();
    while let Some(b) = op.next() {
        let b = b?;
        for i in 0..b.len {
            let cells: Vec<String> = b
                .columns
                .iter()
                .map(|c| match c.value(i) {
                    ValueRef::Null => "null".to_string(),
                    v => format!("{v:?}"),
                })
                .collect();
            out.push(cells.join(","));
        }
    }
    Ok(out)
}

fn sort_op(budget: &MemoryBudget, batches: usize) -> SortOp {
    let specs = vec![SortSpec {
        expr: col("k"),
        descending: true,
        nulls_first: false,
    }];
    SortOp::new(
        source(batches, 50),
        specs,
        TYPES.to_vec(),
        None,
        MemoryAccount::new(budget, "sort"),
    )
}

#[test]
fn external_sort_matches_the_in_memory_sort_and_cleans_up() {
    with_spill_dir(|dir| {
        let mut plain = sort_op(&MemoryBudget::unlimited(), 24);
        let want = rows(&mut plain).unwrap();
        assert_eq!(plain.spilled_runs(), 0);
        assert_eq!(want.len(), 24 * BATCH_SIZE);
        let budget = MemoryBudget::with_limit(512 * 1024);
        let mut small = sort_op(&budget, 24);
        let mut got = Vec::new();
        while let Some(b) = small.next() {
            if got.is_empty() {
                // The runs are on disk while the merge reads them.
                assert!(std::fs::read_dir(dir).unwrap().count() >= 2);
            }
            let b = b.unwrap();
            got.extend(rows(&mut Source(VecDeque::from([b]))).unwrap());
        }
        assert!(small.spilled_runs() >= 2, "{}", small.spilled_runs());
        // Same order, ties included (the sort is stable across runs).
        assert_eq!(got, want);
        assert!(budget.peak() <= 512 * 1024);
        drop(small);
        assert_eq!(budget.used(), 0);
    });
}

#[test]
fn a_batch_larger_than_the_budget_is_a_sort_error_and_leaves_no_file() {
    with_spill_dir(|_| {
        let budget = MemoryBudget::with_limit(8 * 1024);
        let err = rows(&mut sort_op(&budget, 3)).unwrap_err().to_string();
        assert!(err.starts_with("memory limit exceeded in sort"), "{err}");
    });
}

fn agg(func: AggFunc, arg: Option<&str>, out: DataType) -> AggSpec {
    AggSpec {
        func,
        arg: arg.map(col),
        out,
        name: format!("{func:?}"),
    }
}

fn agg_op(budget: &MemoryBudget, key: &str, keys: i64, distinct_only: bool) -> AggregateOp {
    let aggs = if distinct_only {
        vec![agg(AggFunc::CountDistinct, Some("s"), DataType::I64)]
    } else {
        vec![
            agg(AggFunc::CountStar, None, DataType::I64),
            agg(AggFunc::Sum, Some("v"), DataType::F64),
            agg(AggFunc::CountDistinct, Some("k"), DataType::I64),
            agg(AggFunc::Min, Some("s"), DataType::Utf8),
            agg(AggFunc::Avg, Some("v"), DataType::F64),
        ]
    };
    let key_cols = if key.is_empty() {
        vec![]
    } else {
        vec![col(key)]
    };
    AggregateOp::new(
        source(20, keys),
        key_cols,
        aggs,
        &MemoryAccount::new(budget, "aggregate"),
    )
}

#[test]
fn spilling_aggregate_matches_the_in_memory_one() {
    for key in ["k", "s"] {
        with_spill_dir(|_| {
            let mut plain = agg_op(&MemoryBudget::unlimited(), key, 20_000, false);
            let mut want = rows(&mut plain).unwrap();
            assert_eq!(plain.spilled_partitions(), 0);
            let budget = MemoryBudget::with_limit(256 * 1024);
            let mut small = agg_op(&budget, key, 20_000, false);
            let mut got = rows(&mut small).unwrap();
            assert!(small.spilled_partitions() > 0, "key {key} did not spill");
            assert!(want.len() > 10_000, "{}", want.len());
            want.sort();
            got.sort();
            assert_eq!(got, want, "key {key}");
            drop(small);
            assert_eq!(budget.used(), 0);
        });
    }
}

#[test]
fn a_group_too_big_for_the_budget_is_an_aggregate_error() {
    with_spill_dir(|_| {
        // One group whose `count(distinct s)` set outgrows the budget: spilling cannot help.
        let budget = MemoryBudget::with_limit(128 * 1024);
        let err = rows(&mut agg_op(&budget, "", 1, true))
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("memory limit exceeded in aggregate"),
            "{err}"
        );
        // Few groups, each with a large set: the groups spill, then one group still does not fit.
        let err = rows(&mut agg_op(&budget, "k", 3, true))
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("memory limit exceeded in aggregate"),
            "{err}"
        );
        assert_eq!(budget.used(), 0);
    });
}
