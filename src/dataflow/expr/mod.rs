//! Dataflow expressions (§8): lexer, parser, AST, SQL typing and vectorized kernels.

pub mod ast;
pub mod functions;
pub mod kernels;
pub mod lexer;
pub mod parser;
pub mod typed;
pub mod typing;
