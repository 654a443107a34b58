//! The compiler back end: typed HIR to IR, register allocation and bytecode emission.
//!
//! [`lower`] turns each HIR function into an [`ir::IrFunction`] (virtual registers, basic
//! blocks); [`regalloc`] assigns physical registers and spill slots using [`liveness`];
//! `emit` writes the instructions, constants and debug tables of a `bytecode::Module`.

pub mod ir;
pub mod liveness;
pub mod lower;
mod lower_expr;
mod lower_stmt;
pub mod regalloc;

use std::fmt;

/// A limit of the bytecode format was exceeded, or the back end met HIR it cannot handle.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompileError {
    /// Which kind of problem.
    pub kind: CompileErrorKind,
    /// A sentence saying what went wrong, naming the function where possible.
    pub message: String,
}

/// The kinds of [`CompileError`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompileErrorKind {
    /// A format limit: too many constants, functions, registers, instructions …
    Limit,
    /// The HIR broke an invariant the checker promises (a bug in an earlier stage).
    Internal,
}

impl CompileError {
    /// A format-limit error.
    pub fn limit(message: String) -> CompileError {
        CompileError {
            kind: CompileErrorKind::Limit,
            message,
        }
    }

    /// An internal-invariant error.
    pub fn internal(message: String) -> CompileError {
        CompileError {
            kind: CompileErrorKind::Internal,
            message,
        }
    }
}

impl fmt::Display for CompileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            CompileErrorKind::Limit => write!(f, "program too large: {}", self.message),
            CompileErrorKind::Internal => write!(f, "internal compiler error: {}", self.message),
        }
    }
}

impl std::error::Error for CompileError {}
