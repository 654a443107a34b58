//! `EliminateCommonSubplans`: two nodes that compute the same thing from the same inputs (the
//! same table object, the same expressions) become one node with two users; execution then
//! computes a node with several users once (see `exec::shared`).

use std::collections::HashMap;
use std::sync::Arc;

use super::Rule;
use crate::dataflow::optimize::Plan;
use crate::dataflow::plan::{NodeId, PlanKind};

/// See the module documentation.
pub struct EliminateCommonSubplans;

/// A structural key: equal keys mean equal results.
fn key(kind: &PlanKind) -> String {
    match kind {
        PlanKind::Scan {
            table,
            columns,
            predicate,
            ..
        } => {
            format!("Scan {:p} {columns:?} {predicate:?}", Arc::as_ptr(table))
        }
        other => format!("{other:?}"),
    }
}

impl Rule for EliminateCommonSubplans {
    fn name(&self) -> &'static str {
        "EliminateCommonSubplans"
    }

    fn apply(&self, plan: &mut Plan) -> bool {
        let mut first: HashMap<String, NodeId> = HashMap::new();
        let mut remap: HashMap<NodeId, NodeId> = HashMap::new();
        for i in 0..plan.nodes.len() {
            let id = NodeId(i as u32);
            let kind = plan.nodes[i]
                .kind
                .with_inputs(&mut |x| *remap.get(&x).unwrap_or(&x));
            let k = key(&kind);
            match first.get(&k) {
                Some(&orig) if plan.nodes[orig.index()].columns == plan.nodes[i].columns => {
                    remap.insert(id, orig);
                }
                _ => {
                    first.insert(k, id);
                }
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
