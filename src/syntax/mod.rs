//! Lexing and parsing: source text to the untyped [`ast`].

pub mod ast;
