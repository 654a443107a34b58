//! The logical dataflow plan: nodes in an arena, their creation from §8 arguments, and explain.

pub mod aggregate;
pub mod build;
pub mod explain;
pub mod node;
pub mod order;

pub use node::{Node, NodeId, PlanColumn, PlanKind};
