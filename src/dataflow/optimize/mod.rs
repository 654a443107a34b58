//! The optimizer: named rules (verb-noun, as DataFusion) rewritten over a copy of the plan and
//! run to a fixed point with a pass cap.
//!
//! A rule only ever replaces the node it looks at (adding new nodes for the replacement's
//! inputs); it never mutates a node another parent may share, so sharing stays correct.

pub mod fold;
mod plan;
mod rules;

pub use fold::fold_expr;
pub use plan::Plan;
pub use rules::{Rule, all_rules};

/// The most passes over all rules before the optimizer stops, fixed point or not.
pub const PASS_CAP: usize = 16;

/// Optimizes `plan` with every rule to a fixed point; returns the names of the rules that fired,
/// in order (one entry per firing).
pub fn optimize(plan: &mut Plan) -> Vec<&'static str> {
    optimize_with(plan, &all_rules())
}

/// Optimizes with the given rules only.
pub fn optimize_with(plan: &mut Plan, rules: &[Box<dyn Rule>]) -> Vec<&'static str> {
    let mut fired = Vec::new();
    for _ in 0..PASS_CAP {
        let mut changed = false;
        for rule in rules {
            if rule.apply(plan) {
                plan.compact();
                fired.push(rule.name());
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    fired
}
