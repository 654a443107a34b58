//! Theta: a statically typed, C-like procedural + dataflow language, its compiler and its VM.
//!
//! The pipeline, one module a stage (see `docs/architecture.md`):
//! source → [`syntax`] (lexer, parser, AST) → [`check`] (names, types, typed HIR) →
//! [`compile`] (IR, register allocation, emission) → [`bytecode`] (module format, verifier) →
//! [`vm`] (interpreter, runtime, host API), with [`dataflow`] as the table engine.

pub mod atomic_file;
pub mod builtins;
pub mod bytecode;
pub mod check;
pub mod compile;
pub mod dataflow;
pub mod diagnostics;
pub mod generated;
pub mod source;
pub mod stdlib;
pub mod syntax;
pub mod vm;

pub use vm::Vm;
