//! The optimizer rules, each a verb-noun name and a rewrite over a [`Plan`].

mod cse;
mod fold_constants;
mod fuse;
mod limit;
mod push_down_filter;
mod push_down_projection;

use super::Plan;

/// One optimizer rule.
pub trait Rule {
    /// The rule's name (verb-noun), as shown in traces and docs.
    fn name(&self) -> &'static str;
    /// Rewrites `plan` once; returns true when anything changed.
    fn apply(&self, plan: &mut Plan) -> bool;
}

pub use cse::EliminateCommonSubplans;
pub use fold_constants::FoldConstants;
pub use fuse::FuseFilterProjectMap;
pub use limit::{PushDownLimit, SortLimitToTopN};
pub use push_down_filter::PushDownFilter;
pub use push_down_projection::PushDownProjection;

/// Every rule, in the order a pass applies them.
pub fn all_rules() -> Vec<Box<dyn Rule>> {
    vec![
        Box::new(FoldConstants),
        Box::new(EliminateCommonSubplans),
        Box::new(FuseFilterProjectMap),
        Box::new(PushDownFilter),
        Box::new(SortLimitToTopN),
        Box::new(PushDownLimit),
        Box::new(PushDownProjection),
    ]
}
