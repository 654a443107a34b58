//! The optimizer's working copy of a plan: the nodes reachable from one root, children first.

use std::collections::HashMap;

use crate::dataflow::expr::parser::JoinKind;
use crate::dataflow::plan::{Node, NodeId, PlanColumn, PlanKind};

/// An arena of nodes in topological order (inputs before users) with one root.
#[derive(Clone, Debug)]
pub struct Plan {
    /// The nodes; a node's inputs always have smaller ids.
    pub nodes: Vec<Node>,
    /// The node whose result is wanted.
    pub root: NodeId,
}

impl Plan {
    /// Copies the nodes reachable from `root` out of `all`.
    pub fn extract(all: &[Node], root: NodeId) -> Plan {
        let mut p = Plan {
            nodes: all.to_vec(),
            root,
        };
        p.compact();
        p
    }

    /// The node with id `id`.
    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id.index()]
    }

    /// Output columns of `id`.
    pub fn columns(&self, id: NodeId) -> &[PlanColumn] {
        &self.nodes[id.index()].columns
    }

    /// Appends a node and returns its id.
    pub fn add(&mut self, kind: PlanKind, columns: Vec<PlanColumn>) -> NodeId {
        self.nodes.push(Node { kind, columns });
        NodeId((self.nodes.len() - 1) as u32)
    }

    /// Replaces node `id` (its output columns must stay the same set of names and types).
    pub fn replace(&mut self, id: NodeId, kind: PlanKind) {
        self.nodes[id.index()].kind = kind;
    }

    /// Recomputes every node's output columns from its inputs, bottom-up (after a rule
    /// narrowed a scan, pass-through nodes above it narrow too).
    pub fn recompute_columns(&mut self) {
        for i in 0..self.nodes.len() {
            let cols = |id: NodeId, nodes: &[Node]| nodes[id.index()].columns.clone();
            let new = match &self.nodes[i].kind {
                PlanKind::Scan {
                    table_columns,
                    columns,
                    ..
                } => columns.iter().map(|&c| table_columns[c].clone()).collect(),
                PlanKind::Filter { input, .. }
                | PlanKind::Limit { input, .. }
                | PlanKind::Sort { input, .. }
                | PlanKind::TopN { input, .. }
                | PlanKind::Distinct { input } => cols(*input, &self.nodes),
                PlanKind::Union { left, .. } => cols(*left, &self.nodes),
                PlanKind::Map { input, items } => crate::dataflow::plan::build::map_columns(
                    &self.nodes[input.index()].columns,
                    items,
                ),
                PlanKind::Join {
                    left,
                    right,
                    kind,
                    cond,
                } => {
                    let mut out = cols(*left, &self.nodes);
                    if !matches!(kind, JoinKind::Semi | JoinKind::Anti) {
                        for c in &self.nodes[right.index()].columns {
                            let name = cond.joined_name(&c.name).unwrap_or(&c.name).to_string();
                            out.push(PlanColumn { name, ty: c.ty });
                        }
                    }
                    out
                }
                PlanKind::Project { .. } | PlanKind::Aggregate { .. } => continue,
            };
            self.nodes[i].columns = new;
        }
    }

    /// How many nodes use each node as an input (the root counts one extra).
    pub fn parent_counts(&self) -> Vec<usize> {
        let mut counts = vec![0; self.nodes.len()];
        for n in &self.nodes {
            for i in n.kind.inputs() {
                counts[i.index()] += 1;
            }
        }
        counts[self.root.index()] += 1;
        counts
    }

    /// Drops unreachable nodes and renumbers the rest in post-order from the root, so inputs
    /// come first again after rules appended nodes.
    pub fn compact(&mut self) {
        let mut order = Vec::new();
        let mut state: HashMap<NodeId, bool> = HashMap::new();
        // Iterative post-order DFS (a deep plan must not overflow the stack).
        let mut stack = vec![(self.root, false)];
        while let Some((id, expanded)) = stack.pop() {
            if expanded {
                if state.get(&id) != Some(&true) {
                    state.insert(id, true);
                    order.push(id);
                }
                continue;
            }
            if state.contains_key(&id) {
                continue;
            }
            state.insert(id, false);
            stack.push((id, true));
            for i in self.nodes[id.index()].kind.inputs().into_iter().rev() {
                if !state.contains_key(&i) {
                    stack.push((i, false));
                }
            }
        }
        let mut remap = HashMap::new();
        let mut nodes = Vec::with_capacity(order.len());
        for old in order {
            let n = &self.nodes[old.index()];
            let kind = n.kind.with_inputs(&mut |i| remap[&i]);
            remap.insert(old, NodeId(nodes.len() as u32));
            nodes.push(Node {
                kind,
                columns: n.columns.clone(),
            });
        }
        self.root = remap[&self.root];
        self.nodes = nodes;
    }
}
