//! The logical dataflow plan: nodes in an arena, their creation from §8 arguments, and explain.

pub mod build;
pub mod explain;
pub mod node;

pub use node::{Node, NodeId, PlanColumn, PlanKind};
