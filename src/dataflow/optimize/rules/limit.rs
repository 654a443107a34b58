//! `SortLimitToTopN` (a limit over a sort becomes a bounded-heap top-N) and `PushDownLimit`
//! (a limit moves below project/map, merges with a limit below it, and copies a bound into
//! both sides of a `union_all`).

use super::Rule;
use crate::dataflow::optimize::Plan;
use crate::dataflow::plan::{NodeId, PlanKind};

/// See the module documentation.
pub struct SortLimitToTopN;

/// See the module documentation.
pub struct PushDownLimit;

impl Rule for SortLimitToTopN {
    fn name(&self) -> &'static str {
        "SortLimitToTopN"
    }

    fn apply(&self, plan: &mut Plan) -> bool {
        let counts = plan.parent_counts();
        for i in 0..plan.nodes.len() {
            let PlanKind::Limit {
                input,
                count,
                offset,
            } = plan.nodes[i].kind.clone()
            else {
                continue;
            };
            if counts[input.index()] != 1 {
                continue;
            }
            if let PlanKind::Sort { input: s_in, keys } = plan.nodes[input.index()].kind.clone() {
                plan.replace(
                    NodeId(i as u32),
                    PlanKind::TopN {
                        input: s_in,
                        keys,
                        count,
                        offset,
                    },
                );
                return true;
            }
        }
        false
    }
}

/// True when `id` yields at most `bound` rows because of a limit (possibly under project/map).
fn is_bounded(plan: &Plan, id: NodeId, bound: u64) -> bool {
    match &plan.node(id).kind {
        PlanKind::Limit {
            count, offset: 0, ..
        } => *count <= bound,
        PlanKind::Project { input, .. } | PlanKind::Map { input, .. } => {
            is_bounded(plan, *input, bound)
        }
        _ => false,
    }
}

impl Rule for PushDownLimit {
    fn name(&self) -> &'static str {
        "PushDownLimit"
    }

    fn apply(&self, plan: &mut Plan) -> bool {
        let counts = plan.parent_counts();
        for i in 0..plan.nodes.len() {
            let PlanKind::Limit {
                input,
                count,
                offset,
            } = plan.nodes[i].kind.clone()
            else {
                continue;
            };
            let child = plan.nodes[input.index()].kind.clone();
            let shared = counts[input.index()] != 1;
            match child {
                PlanKind::Project { input: c_in, items } | PlanKind::Map { input: c_in, items }
                    if !shared =>
                {
                    let is_map = matches!(plan.nodes[input.index()].kind, PlanKind::Map { .. });
                    let cols = plan.columns(c_in).to_vec();
                    let lim = plan.add(
                        PlanKind::Limit {
                            input: c_in,
                            count,
                            offset,
                        },
                        cols,
                    );
                    let k = if is_map {
                        PlanKind::Map { input: lim, items }
                    } else {
                        PlanKind::Project { input: lim, items }
                    };
                    plan.replace(NodeId(i as u32), k);
                    return true;
                }
                PlanKind::Limit {
                    input: c_in,
                    count: c2,
                    offset: o2,
                } => {
                    // Skip o2, keep c2; then skip offset, keep count.
                    let new_offset = o2.saturating_add(offset);
                    let new_count = count.min(c2.saturating_sub(offset));
                    plan.replace(
                        NodeId(i as u32),
                        PlanKind::Limit {
                            input: c_in,
                            count: new_count,
                            offset: new_offset,
                        },
                    );
                    return true;
                }
                PlanKind::Union {
                    left,
                    right,
                    all: true,
                } if !shared => {
                    let bound = count.saturating_add(offset);
                    let (lb, rb) = (
                        is_bounded(plan, left, bound),
                        is_bounded(plan, right, bound),
                    );
                    if lb && rb {
                        continue;
                    }
                    let lc = plan.columns(left).to_vec();
                    let rc = plan.columns(right).to_vec();
                    let l2 = if lb {
                        left
                    } else {
                        plan.add(
                            PlanKind::Limit {
                                input: left,
                                count: bound,
                                offset: 0,
                            },
                            lc,
                        )
                    };
                    let r2 = if rb {
                        right
                    } else {
                        plan.add(
                            PlanKind::Limit {
                                input: right,
                                count: bound,
                                offset: 0,
                            },
                            rc,
                        )
                    };
                    let ucols = plan.columns(input).to_vec();
                    let u = plan.add(
                        PlanKind::Union {
                            left: l2,
                            right: r2,
                            all: true,
                        },
                        ucols,
                    );
                    plan.replace(
                        NodeId(i as u32),
                        PlanKind::Limit {
                            input: u,
                            count,
                            offset,
                        },
                    );
                    return true;
                }
                _ => {}
            }
        }
        false
    }
}
