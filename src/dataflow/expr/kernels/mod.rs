//! Vectorized kernels: a typed expression is compiled once per operator into a tree whose
//! column references are input indices; evaluating it runs one tight, monomorphised loop per
//! node over a whole batch (up to 2048 rows), with validity carried as masks.

pub mod arith;
pub mod cast;
pub mod compare;
pub mod eval;
pub mod like;
pub mod logic;
pub mod num;
pub mod refine;
pub mod select;
pub mod strings;
pub mod vector;

pub use eval::{CompiledExpr, Value, compile};

use crate::dataflow::error::DataflowError;

/// An internal-invariant error (a bug, reported instead of panicking).
pub fn internal(msg: impl std::fmt::Display) -> DataflowError {
    DataflowError::Plan {
        message: format!("internal error in the dataflow engine: {msg}"),
    }
}
