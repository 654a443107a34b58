//! `PushDownFilter`: moves a filter below project, map, sort, distinct, union, the key columns
//! of an aggregate, and into the sides of a join its conjuncts only read (the preserved side(s)
//! only, so outer joins keep their meaning); a filter directly over a scan becomes the scan's
//! predicate. The filter node itself is replaced, shared inputs are never changed.

use super::Rule;
use super::fuse::substitute;
use crate::dataflow::expr::parser::JoinKind;
use crate::dataflow::expr::typed::{TExpr, TKind};
use crate::dataflow::optimize::Plan;
use crate::dataflow::plan::node::NamedExpr;
use crate::dataflow::plan::{NodeId, PlanKind};

/// See the module documentation.
pub struct PushDownFilter;

fn and(a: Option<TExpr>, b: TExpr) -> TExpr {
    match a {
        None => b,
        Some(a) => TExpr {
            kind: TKind::And(Box::new(a), Box::new(b)),
            ty: a_ty(),
        },
    }
}

fn a_ty() -> crate::dataflow::types::DataType {
    crate::dataflow::types::DataType::Bool
}

fn filter_over(plan: &mut Plan, input: NodeId, predicate: TExpr) -> NodeId {
    let cols = plan.columns(input).to_vec();
    plan.add(PlanKind::Filter { input, predicate }, cols)
}

/// Tries to push `predicate` (a filter at node `at` over `input`); true when rewritten.
fn push(plan: &mut Plan, at: NodeId, input: NodeId, predicate: &TExpr) -> bool {
    let child = plan.node(input).kind.clone();
    let new_kind = match child {
        PlanKind::Scan {
            table,
            table_columns,
            columns,
            predicate: p0,
        } => {
            // Scan output names are the table's own names, so the predicate carries over as is.
            PlanKind::Scan {
                table,
                table_columns,
                columns,
                predicate: Some(and(p0, predicate.clone())),
            }
        }
        PlanKind::Project { input: c_in, items } => {
            let f = filter_over(plan, c_in, substitute(predicate, &items));
            PlanKind::Project { input: f, items }
        }
        PlanKind::Map { input: c_in, items } => {
            let f = filter_over(plan, c_in, substitute(predicate, &items));
            PlanKind::Map { input: f, items }
        }
        PlanKind::Sort { input: c_in, keys } => PlanKind::Sort {
            input: filter_over(plan, c_in, predicate.clone()),
            keys,
        },
        PlanKind::Distinct { input: c_in } => PlanKind::Distinct {
            input: filter_over(plan, c_in, predicate.clone()),
        },
        PlanKind::Union { left, right, all } => {
            let l = filter_over(plan, left, predicate.clone());
            let r = filter_over(plan, right, predicate.clone());
            PlanKind::Union {
                left: l,
                right: r,
                all,
            }
        }
        PlanKind::Aggregate {
            input: c_in,
            keys,
            aggs,
        } => {
            // Conjuncts over plain-column keys only can be evaluated before grouping.
            let plain: Vec<NamedExpr> = keys
                .iter()
                .filter(|k| matches!(k.expr.kind, TKind::Column(_)))
                .cloned()
                .collect();
            let (down, up): (Vec<TExpr>, Vec<TExpr>) =
                predicate.clone().conjuncts().into_iter().partition(|c| {
                    let used = c.columns();
                    !used.is_empty() && used.iter().all(|n| plain.iter().any(|k| &k.name == n))
                });
            if down.is_empty() {
                return false;
            }
            let down = substitute(&TExpr::conjoin(down).expect("non-empty"), &plain);
            let f = filter_over(plan, c_in, down);
            let cols = plan.columns(input).to_vec();
            let agg = plan.add(
                PlanKind::Aggregate {
                    input: f,
                    keys,
                    aggs,
                },
                cols,
            );
            match TExpr::conjoin(up) {
                Some(rest) => PlanKind::Filter {
                    input: agg,
                    predicate: rest,
                },
                None => plan.node(agg).kind.clone(),
            }
        }
        PlanKind::Join {
            left,
            right,
            kind,
            cond,
        } => {
            let lnames: Vec<String> = plan.columns(left).iter().map(|c| c.name.clone()).collect();
            let (push_left, push_right) = match kind {
                JoinKind::Inner => (true, true),
                JoinKind::Left | JoinKind::Semi | JoinKind::Anti => (true, false),
                JoinKind::Right => (false, true),
                JoinKind::Full => (false, false),
            };
            let mut to_left = Vec::new();
            let mut to_right = Vec::new();
            let mut stay = Vec::new();
            for c in predicate.clone().conjuncts() {
                let used = c.columns();
                if push_left && !used.is_empty() && used.iter().all(|n| lnames.contains(n)) {
                    to_left.push(c);
                } else if push_right
                    && !used.is_empty()
                    && used
                        .iter()
                        .all(|n| cond.orig_name(n).is_some() && !lnames.contains(n))
                {
                    let renamed = c.map_columns(&|n| {
                        let orig = cond.orig_name(n)?;
                        let ty = c.find_column_type(n)?;
                        Some(TExpr {
                            kind: TKind::Column(orig.to_string()),
                            ty,
                        })
                    });
                    to_right.push(renamed);
                } else {
                    stay.push(c);
                }
            }
            if to_left.is_empty() && to_right.is_empty() {
                return false;
            }
            let l = match TExpr::conjoin(to_left) {
                Some(p) => filter_over(plan, left, p),
                None => left,
            };
            let r = match TExpr::conjoin(to_right) {
                Some(p) => filter_over(plan, right, p),
                None => right,
            };
            let cols = plan.columns(input).to_vec();
            let j = plan.add(
                PlanKind::Join {
                    left: l,
                    right: r,
                    kind,
                    cond,
                },
                cols,
            );
            match TExpr::conjoin(stay) {
                Some(rest) => PlanKind::Filter {
                    input: j,
                    predicate: rest,
                },
                None => plan.node(j).kind.clone(),
            }
        }
        _ => return false,
    };
    plan.replace(at, new_kind);
    true
}

impl Rule for PushDownFilter {
    fn name(&self) -> &'static str {
        "PushDownFilter"
    }

    fn apply(&self, plan: &mut Plan) -> bool {
        let n = plan.nodes.len();
        for i in 0..n {
            if let PlanKind::Filter { input, predicate } = plan.nodes[i].kind.clone()
                && push(plan, NodeId(i as u32), input, &predicate)
            {
                return true;
            }
        }
        false
    }
}
