//! `PushDownProjection`: computes which columns each node's users need (top-down, the union
//! over all users) and narrows scans to the table columns that are needed; map items nobody
//! reads are dropped as well.

use std::collections::HashSet;

use super::Rule;
use crate::dataflow::optimize::Plan;
use crate::dataflow::plan::build::map_columns;
use crate::dataflow::plan::node::PlanColumn;
use crate::dataflow::plan::{NodeId, PlanKind};

/// See the module documentation.
pub struct PushDownProjection;

type Needed = HashSet<String>;

fn all(cols: &[PlanColumn]) -> Needed {
    cols.iter().map(|c| c.name.clone()).collect()
}

/// The columns node `kind` reads from each input, given the columns needed from its output.
fn input_needs(plan: &Plan, kind: &PlanKind, out: &Needed) -> Vec<Needed> {
    let add = |set: &mut Needed, e: &crate::dataflow::expr::typed::TExpr| {
        set.extend(e.columns());
    };
    match kind {
        PlanKind::Scan { .. } => Vec::new(),
        PlanKind::Filter { predicate, .. } => {
            let mut s = out.clone();
            add(&mut s, predicate);
            vec![s]
        }
        PlanKind::Project { items, .. } => {
            let mut s = Needed::new();
            items.iter().for_each(|i| add(&mut s, &i.expr));
            vec![s]
        }
        PlanKind::Map { items, .. } => {
            let mut s: Needed = out
                .iter()
                .filter(|n| !items.iter().any(|i| &i.name == *n))
                .cloned()
                .collect();
            items
                .iter()
                .filter(|i| out.contains(&i.name))
                .for_each(|i| add(&mut s, &i.expr));
            vec![s]
        }
        PlanKind::Join {
            left, right, cond, ..
        } => {
            let lnames = all(plan.columns(*left));
            let mut l: Needed = out
                .iter()
                .filter(|n| lnames.contains(*n))
                .cloned()
                .collect();
            let mut r: Needed = plan
                .columns(*right)
                .iter()
                .filter(|c| cond.joined_name(&c.name).is_some_and(|j| out.contains(j)))
                .map(|c| c.name.clone())
                .collect();
            for (a, b) in &cond.equi {
                add(&mut l, a);
                add(&mut r, b);
            }
            if let Some(res) = &cond.residual {
                for n in res.columns() {
                    if lnames.contains(&n) {
                        l.insert(n);
                    } else if let Some(o) = cond.orig_name(&n) {
                        r.insert(o.to_string());
                    }
                }
            }
            vec![l, r]
        }
        PlanKind::Aggregate { keys, aggs, .. } => {
            let mut s = Needed::new();
            keys.iter().for_each(|k| add(&mut s, &k.expr));
            aggs.iter()
                .filter_map(|a| a.arg.as_ref())
                .for_each(|e| add(&mut s, e));
            vec![s]
        }
        PlanKind::Sort { keys, .. } | PlanKind::TopN { keys, .. } => {
            let mut s = out.clone();
            keys.iter().for_each(|k| add(&mut s, &k.expr));
            vec![s]
        }
        PlanKind::Limit { .. } => vec![out.clone()],
        PlanKind::Distinct { input } => vec![all(plan.columns(*input))],
        PlanKind::Union { left, right, .. } => {
            vec![all(plan.columns(*left)), all(plan.columns(*right))]
        }
    }
}

impl Rule for PushDownProjection {
    fn name(&self) -> &'static str {
        "PushDownProjection"
    }

    fn apply(&self, plan: &mut Plan) -> bool {
        let n = plan.nodes.len();
        let mut needed: Vec<Needed> = vec![Needed::new(); n];
        needed[plan.root.index()] = all(plan.columns(plan.root));
        // Users have larger ids than their inputs: walk from the top down.
        for i in (0..n).rev() {
            let kind = plan.nodes[i].kind.clone();
            let needs = input_needs(plan, &kind, &needed[i]);
            for (input, s) in kind.inputs().into_iter().zip(needs) {
                needed[input.index()].extend(s);
            }
        }
        let mut changed = false;
        for (i, need) in needed.iter().enumerate() {
            match plan.nodes[i].kind.clone() {
                PlanKind::Scan {
                    table,
                    table_columns,
                    columns,
                    predicate,
                } => {
                    let mut want = need.clone();
                    if let Some(p) = &predicate {
                        want.extend(p.columns());
                    }
                    let keep: Vec<usize> = columns
                        .iter()
                        .copied()
                        .filter(|c| want.contains(&table_columns[*c].name))
                        .collect();
                    if keep.len() < columns.len() {
                        plan.nodes[i].columns =
                            keep.iter().map(|c| table_columns[*c].clone()).collect();
                        plan.replace(
                            NodeId(i as u32),
                            PlanKind::Scan {
                                table,
                                table_columns,
                                columns: keep,
                                predicate,
                            },
                        );
                        changed = true;
                    }
                }
                PlanKind::Map { input, items } => {
                    let keep: Vec<_> = items
                        .iter()
                        .filter(|it| need.contains(&it.name))
                        .cloned()
                        .collect();
                    if keep.len() < items.len() {
                        let in_cols = plan.columns(input).to_vec();
                        // Drop unneeded items; an item that replaced a column now drops it too.
                        let cols = map_columns(&in_cols, &keep);
                        let dropped: Vec<&String> = items
                            .iter()
                            .filter(|it| !need.contains(&it.name))
                            .map(|it| &it.name)
                            .collect();
                        let replaced_dropped: Vec<&String> = dropped
                            .into_iter()
                            .filter(|n| in_cols.iter().any(|c| &&c.name == n))
                            .collect();
                        if !replaced_dropped.is_empty() {
                            // Keeping the stale input column would change its type: leave as is.
                            continue;
                        }
                        plan.nodes[i].columns = cols;
                        plan.replace(NodeId(i as u32), PlanKind::Map { input, items: keep });
                        changed = true;
                    }
                }
                _ => {}
            }
        }
        if changed {
            plan.recompute_columns();
        }
        changed
    }
}
