//! Which order a node's output rows come in, and whether a join can therefore run as a
//! streaming merge join (§8: "sort-merge join when both inputs are sorted on the key").
//!
//! An order is known below a `Sort` or `TopN` and survives order-preserving nodes (filter,
//! project and map where the key columns pass through or are renamed, limit, and merge joins
//! that keep the left input's row order). Everything else (scans, hash joins, aggregates,
//! distinct, unions) has no known order.

use super::node::{JoinCondition, NamedExpr};
use super::{NodeId, PlanKind};
use crate::dataflow::expr::parser::JoinKind;
use crate::dataflow::expr::typed::{TExpr, TKind};
use crate::dataflow::optimize::Plan;
use crate::dataflow::types::DataType;

/// One key of a known output order, written over the node's output columns.
#[derive(Clone, Debug, PartialEq)]
pub struct OrderKey {
    /// The key expression.
    pub expr: TExpr,
    /// Descending.
    pub descending: bool,
}

/// How a merge join reads its keys: the equi pairs in the order both inputs are sorted on.
#[derive(Clone, Debug, PartialEq)]
pub struct MergeKeys {
    /// Indices into [`JoinCondition::equi`], most significant first (covers every pair).
    pub order: Vec<usize>,
    /// Per entry of `order`: both inputs are sorted descending on it.
    pub descending: Vec<bool>,
}

/// The order of node `id`'s output rows (most significant key first; empty when unknown).
pub fn output_order(plan: &Plan, id: NodeId) -> Vec<OrderKey> {
    match &plan.node(id).kind {
        PlanKind::Sort { keys, .. } | PlanKind::TopN { keys, .. } => keys
            .iter()
            .map(|k| OrderKey {
                expr: k.expr.clone(),
                descending: k.descending,
            })
            .collect(),
        PlanKind::Filter { input, .. } | PlanKind::Limit { input, .. } => {
            output_order(plan, *input)
        }
        PlanKind::Project { input, items } => {
            through_items(output_order(plan, *input), items, false)
        }
        PlanKind::Map { input, items } => through_items(output_order(plan, *input), items, true),
        PlanKind::Join {
            left,
            right,
            kind,
            cond,
        } if preserves_left_order(*kind) => {
            let lorder = output_order(plan, *left);
            let rorder = output_order(plan, *right);
            match merge_keys_of(&lorder, &rorder, cond) {
                Some(_) => lorder,
                None => Vec::new(),
            }
        }
        _ => Vec::new(),
    }
}

/// Merge joins of these kinds emit the left input's rows in their input order.
fn preserves_left_order(kind: JoinKind) -> bool {
    matches!(
        kind,
        JoinKind::Inner | JoinKind::Left | JoinKind::Semi | JoinKind::Anti
    )
}

/// The input order rewritten over a project's or map's output; cut at the first key that
/// does not survive (its value is not an output column).
fn through_items(order: Vec<OrderKey>, items: &[NamedExpr], keeps_inputs: bool) -> Vec<OrderKey> {
    let mut out = Vec::new();
    for key in order {
        let renamed = items.iter().find(|it| it.expr == key.expr).map(|it| TExpr {
            kind: TKind::Column(it.name.clone()),
            ty: it.expr.ty,
        });
        let kept = keeps_inputs
            && key
                .expr
                .columns()
                .iter()
                .all(|c| items.iter().all(|it| &it.name != c));
        match renamed {
            Some(e) => out.push(OrderKey {
                expr: e,
                descending: key.descending,
            }),
            None if kept => out.push(key),
            None => break,
        }
    }
    out
}

/// Strips casts that keep the order of their operand (integer widening, integer or `f32` to
/// `f64`): a join key `a as i64` over input sorted on `a` is sorted too.
fn strip_monotone_casts(e: &TExpr) -> &TExpr {
    if let TKind::Cast(inner) = &e.kind {
        let monotone = match (inner.ty, e.ty) {
            (from, to) if from == to => true,
            (from, DataType::F64) => from.is_numeric(),
            (from, to) => int_width(from)
                .zip(int_width(to))
                .is_some_and(|(a, b)| a <= b),
        };
        if monotone {
            return strip_monotone_casts(inner);
        }
    }
    e
}

fn int_width(t: DataType) -> Option<u8> {
    match t {
        DataType::I8 => Some(8),
        DataType::I16 => Some(16),
        DataType::I32 => Some(32),
        DataType::I64 => Some(64),
        _ => None,
    }
}

fn position(order: &[OrderKey], key: &TExpr) -> Option<usize> {
    let key = strip_monotone_casts(key);
    order
        .iter()
        .position(|o| strip_monotone_casts(&o.expr) == key)
}

/// When both inputs of a join are sorted on all of its equality keys (the same keys, in the
/// same order and direction, as a prefix of each input's order), the order to merge them in.
pub fn merge_keys(
    plan: &Plan,
    left: NodeId,
    right: NodeId,
    cond: &JoinCondition,
) -> Option<MergeKeys> {
    if cond.equi.is_empty() {
        return None;
    }
    merge_keys_of(&output_order(plan, left), &output_order(plan, right), cond)
}

fn merge_keys_of(
    lorder: &[OrderKey],
    rorder: &[OrderKey],
    cond: &JoinCondition,
) -> Option<MergeKeys> {
    // Keys compare column against column of one type (the typer casts both sides alike).
    if cond.equi.is_empty() || cond.equi.iter().any(|(l, r)| l.ty != r.ty) {
        return None;
    }
    let n = cond.equi.len();
    if lorder.len() < n || rorder.len() < n {
        return None;
    }
    let mut order = vec![usize::MAX; n];
    for (k, (l, r)) in cond.equi.iter().enumerate() {
        let lp = position(&lorder[..n], l)?;
        let rp = position(&rorder[..n], r)?;
        if lp != rp || order[lp] != usize::MAX || lorder[lp].descending != rorder[rp].descending {
            return None;
        }
        order[lp] = k;
    }
    let descending = lorder[..n].iter().map(|o| o.descending).collect();
    Some(MergeKeys { order, descending })
}
