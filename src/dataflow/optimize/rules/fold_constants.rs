//! `FoldConstants`: evaluates constant subexpressions; a filter whose predicate folds to `true`
//! disappears, one that folds to `false` or `null` becomes `Limit 0`.

use super::Rule;
use crate::dataflow::expr::typed::{Scalar, TExpr, TKind};
use crate::dataflow::optimize::{Plan, fold_expr};
use crate::dataflow::plan::PlanKind;

/// See the module documentation.
pub struct FoldConstants;

fn fold_all(exprs: &mut [&mut TExpr]) -> bool {
    let mut changed = false;
    for e in exprs.iter_mut() {
        let (new, c) = fold_expr(e);
        if c {
            **e = new;
            changed = true;
        }
    }
    changed
}

impl Rule for FoldConstants {
    fn name(&self) -> &'static str {
        "FoldConstants"
    }

    fn apply(&self, plan: &mut Plan) -> bool {
        let mut changed = false;
        for i in 0..plan.nodes.len() {
            let mut kind = plan.nodes[i].kind.clone();
            let mut exprs: Vec<&mut TExpr> = Vec::new();
            match &mut kind {
                PlanKind::Scan { predicate, .. } => exprs.extend(predicate.as_mut()),
                PlanKind::Filter { predicate, .. } => exprs.push(predicate),
                PlanKind::Project { items, .. } | PlanKind::Map { items, .. } => {
                    exprs.extend(items.iter_mut().map(|i| &mut i.expr))
                }
                PlanKind::Join { cond, .. } => exprs.extend(cond.residual.as_mut()),
                PlanKind::Aggregate { keys, aggs, .. } => {
                    exprs.extend(keys.iter_mut().map(|i| &mut i.expr));
                    exprs.extend(aggs.iter_mut().filter_map(|a| a.arg.as_mut()));
                }
                PlanKind::Sort { keys, .. } | PlanKind::TopN { keys, .. } => {
                    exprs.extend(keys.iter_mut().map(|k| &mut k.expr))
                }
                _ => {}
            }
            let mut node_changed = fold_all(&mut exprs);
            // A scan predicate or a filter that folded to a constant.
            match &mut kind {
                PlanKind::Filter { input, predicate } => match &predicate.kind {
                    TKind::Literal(Scalar::Bool(true)) => {
                        let inner = plan.nodes[input.index()].kind.clone();
                        kind = inner;
                        node_changed = true;
                    }
                    TKind::Literal(Scalar::Bool(false) | Scalar::Null) => {
                        kind = PlanKind::Limit {
                            input: *input,
                            count: 0,
                            offset: 0,
                        };
                        node_changed = true;
                    }
                    _ => {}
                },
                PlanKind::Scan { predicate, .. } => {
                    if let Some(TExpr {
                        kind: TKind::Literal(Scalar::Bool(true)),
                        ..
                    }) = predicate
                    {
                        *predicate = None;
                        node_changed = true;
                    }
                }
                PlanKind::Join { cond, .. } => {
                    if let Some(TExpr {
                        kind: TKind::Literal(Scalar::Bool(true)),
                        ..
                    }) = &cond.residual
                    {
                        cond.residual = None;
                        node_changed = true;
                    }
                }
                _ => {}
            }
            if node_changed {
                plan.replace(crate::dataflow::plan::NodeId(i as u32), kind);
                changed = true;
            }
        }
        changed
    }
}
