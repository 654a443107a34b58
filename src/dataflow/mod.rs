//! The dataflow engine: columnar tables, expressions, the lazy DAG, optimizer, operators and I/O.
mod dtype_shim;
pub mod expr;
pub mod validate;
pub use dtype_shim::{DataType, Table};
pub mod optimize;
pub mod plan;
