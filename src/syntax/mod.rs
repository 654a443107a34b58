//! Lexing and parsing: source text to the untyped [`ast`].
//!
//! [`parse_source`] is the entry point; lexical errors use codes E0001–E0011 and syntax errors
//! E0020–E0024 (listed in `docs/errors.md`).

mod actions;
pub mod ast;
pub mod depth;
pub mod lexer;
pub mod literal;
pub mod parser;
pub mod sexpr;

pub use lexer::{Token, tokenize};
pub use literal::{LexError, LexErrorKind};
pub use parser::{invalid_utf8_diagnostic, parse_bytes, parse_source};
