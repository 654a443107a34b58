//! The dataflow engine: columnar tables, expressions, the lazy DAG, optimizer, operators and I/O.

// Tables, their layout, serialisation, printing and I/O (the `tables` part).
pub mod arena;
pub mod bitmap;
pub mod buffer;
pub mod builder;
pub mod column;
pub mod error;
pub mod fbs;
pub mod floatfmt;
pub mod format;
pub mod io;
pub mod memory;
pub mod table;
pub mod types;

// Expressions, the lazy DAG, the optimizer and execution (the `dfexec` part).
pub mod engine;
pub mod exec;
pub mod expr;
pub mod optimize;
pub mod plan;
pub mod plan_io;

pub mod validate;
