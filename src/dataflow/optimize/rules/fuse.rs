//! `FuseFilterProjectMap`: merges adjacent filters (`and`), and adjacent project/map nodes into
//! one by substituting the inner items into the outer ones. Only fuses into an inner node that
//! has no other user, so shared work is not duplicated.

use super::Rule;
use crate::dataflow::expr::typed::{TExpr, TKind};
use crate::dataflow::optimize::Plan;
use crate::dataflow::plan::node::NamedExpr;
use crate::dataflow::plan::{NodeId, PlanKind};

/// See the module documentation.
pub struct FuseFilterProjectMap;

/// Replaces references to `items` by their expressions.
pub fn substitute(e: &TExpr, items: &[NamedExpr]) -> TExpr {
    e.map_columns(&|c| items.iter().find(|i| i.name == c).map(|i| i.expr.clone()))
}

fn fuse_pair(outer: &PlanKind, inner: &PlanKind) -> Option<PlanKind> {
    match (outer, inner) {
        (
            PlanKind::Filter { predicate: p2, .. },
            PlanKind::Filter {
                input,
                predicate: p1,
            },
        ) => Some(PlanKind::Filter {
            input: *input,
            predicate: TExpr {
                kind: TKind::And(Box::new(p1.clone()), Box::new(p2.clone())),
                ty: p1.ty,
            },
        }),
        (
            PlanKind::Project { items: outer, .. },
            PlanKind::Project {
                input,
                items: inner,
            },
        )
        | (
            PlanKind::Project { items: outer, .. },
            PlanKind::Map {
                input,
                items: inner,
            },
        ) => {
            let items = outer
                .iter()
                .map(|o| NamedExpr {
                    expr: substitute(&o.expr, inner),
                    name: o.name.clone(),
                })
                .collect();
            Some(PlanKind::Project {
                input: *input,
                items,
            })
        }
        (
            PlanKind::Map { items: outer, .. },
            PlanKind::Map {
                input,
                items: inner,
            },
        ) => {
            let mut items: Vec<NamedExpr> = inner.clone();
            for o in outer {
                let new = NamedExpr {
                    expr: substitute(&o.expr, inner),
                    name: o.name.clone(),
                };
                match items.iter_mut().find(|i| i.name == o.name) {
                    Some(slot) => *slot = new,
                    None => items.push(new),
                }
            }
            Some(PlanKind::Map {
                input: *input,
                items,
            })
        }
        (
            PlanKind::Map { items: outer, .. },
            PlanKind::Project {
                input,
                items: inner,
            },
        ) => {
            let mut items: Vec<NamedExpr> = inner.clone();
            for o in outer {
                let new = NamedExpr {
                    expr: substitute(&o.expr, inner),
                    name: o.name.clone(),
                };
                match items.iter_mut().find(|i| i.name == o.name) {
                    Some(slot) => *slot = new,
                    None => items.push(new),
                }
            }
            Some(PlanKind::Project {
                input: *input,
                items,
            })
        }
        _ => None,
    }
}

impl Rule for FuseFilterProjectMap {
    fn name(&self) -> &'static str {
        "FuseFilterProjectMap"
    }

    fn apply(&self, plan: &mut Plan) -> bool {
        let counts = plan.parent_counts();
        let mut changed = false;
        for i in 0..plan.nodes.len() {
            let outer = &plan.nodes[i].kind;
            let inputs = outer.inputs();
            let [input] = inputs.as_slice() else { continue };
            if counts[input.index()] != 1 {
                continue;
            }
            if let Some(k) = fuse_pair(outer, &plan.nodes[input.index()].kind) {
                plan.replace(NodeId(i as u32), k);
                changed = true;
                // The inner node is now unused; stop to let compact() renumber first.
                break;
            }
        }
        changed
    }
}
