//! `EliminateCommonSubplans`: two nodes that compute the same thing from the same inputs (the
//! same table object, the same expressions) become one node with two users; execution then
//! computes a node with several users once (see `exec::shared`).

use std::collections::HashMap;

use super::Rule;
use crate::dataflow::optimize::Plan;
use crate::dataflow::plan::{NodeId, PlanKind};

/// See the module documentation.
pub struct EliminateCommonSubplans;

/// A structural key: equal keys (plus [`same_table`]) mean equal results.
fn key(kind: &PlanKind) -> String {
    match kind {
        PlanKind::Scan {
            columns, predicate, ..
        } => format!("Scan {columns:?} {predicate:?}"),
        other => format!("{other:?}"),
    }
}

/// For two scans: whether they read the same table object; true for other nodes.
fn same_table(a: &PlanKind, b: &PlanKind) -> bool {
    match (a, b) {
        (PlanKind::Scan { table: x, .. }, PlanKind::Scan { table: y, .. }) => x.ptr_eq(y),
        _ => true,
    }
}

impl Rule for EliminateCommonSubplans {
    fn name(&self) -> &'static str {
        "EliminateCommonSubplans"
    }

    fn apply(&self, plan: &mut Plan) -> bool {
        let mut first: HashMap<String, Vec<NodeId>> = HashMap::new();
        let mut remap: HashMap<NodeId, NodeId> = HashMap::new();
        for i in 0..plan.nodes.len() {
            let id = NodeId(i as u32);
            let kind = plan.nodes[i]
                .kind
                .with_inputs(&mut |x| *remap.get(&x).unwrap_or(&x));
            let k = key(&kind);
            let same = first.get(&k).and_then(|cands| {
                cands.iter().copied().find(|&orig| {
                    plan.nodes[orig.index()].columns == plan.nodes[i].columns
                        && same_table(&plan.nodes[orig.index()].kind, &kind)
                })
            });
            match same {
                Some(orig) => {
                    remap.insert(id, orig);
                }
                None => first.entry(k).or_default().push(id),
            }
            plan.nodes[i].kind = kind;
        }
        if remap.is_empty() {
            return false;
        }
        if let Some(r) = remap.get(&plan.root) {
            plan.root = *r;
        }
        true
    }
}
