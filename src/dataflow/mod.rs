//! The dataflow engine: columnar tables, expressions, the lazy DAG, optimizer, operators and I/O.
pub mod expr;
pub mod validate;
