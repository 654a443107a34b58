//! The dataflow engine: columnar tables, expressions, the lazy DAG, optimizer, operators and I/O.
pub mod expr;
pub mod optimize;
pub mod plan;
pub mod validate;
