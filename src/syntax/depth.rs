//! Nesting limits checked on the token stream before parsing, so that no input can build an
//! AST deep enough to overflow the stack of the recursive passes (drop, checker, lowering).
//!
//! Two limits: brackets `( [ {` may nest [`MAX_BRACKETS`] deep, and the *estimated AST depth*
//! may not exceed [`MAX_DEPTH`]. The estimate counts, for every open bracket on the path, the
//! nesting operators seen since the last `;` or `,` at that level (binary and unary operators,
//! `as`, `?`, `.`, `new`, `else`, `->`, and a bracket that follows an operand, i.e. a call, an index,
//! a struct literal or `T[]`). Every AST node on a root-to-leaf path stems from one such token
//! or from an enclosing bracket, so the estimate bounds the real depth.

use super::lexer::{Spanned, Token};
use crate::diagnostics::Diagnostic;
use crate::source::{FileId, Span};

/// Deepest allowed nesting of brackets.
pub const MAX_BRACKETS: usize = 256;
/// Deepest allowed estimated syntax-tree depth.
pub const MAX_DEPTH: usize = 512;

/// Code of the "nesting too deep" error.
pub const NESTING_TOO_DEEP: &str = "E0022";

struct Frame {
    /// Offset of the opening bracket (0 for the file level).
    open: usize,
    /// Nesting operators counted at this level since the last separator.
    ops: usize,
}

/// Returns the "nesting too deep" error for the first place where `tokens` exceed a limit.
pub fn check(file: FileId, tokens: &[Spanned<'_>]) -> Option<Diagnostic> {
    let mut frames = vec![Frame { open: 0, ops: 0 }];
    // Sum of `ops + 1` over all frames.
    let mut total = 1;
    let mut prev: Option<&Token<'_>> = None;
    for (i, (l, tok, r)) in tokens.iter().enumerate() {
        let mut count_op = false;
        match tok {
            Token::LParen | Token::LBracket | Token::LBrace => {
                count_op = prev.is_some_and(ends_operand);
                frames.push(Frame { open: *l, ops: 0 });
                total += 1;
                if frames.len() - 1 > MAX_BRACKETS {
                    return Some(too_many_brackets(file, *l, *r, &frames));
                }
            }
            Token::RParen | Token::RBracket | Token::RBrace => {
                if frames.len() > 1 {
                    let frame = frames.pop().expect("more than one frame");
                    total -= frame.ops + 1;
                }
                // A block statement ended: the next statement starts afresh.
                let next = tokens.get(i + 1).map(|t| &t.1);
                if *tok == Token::RBrace && next.is_none_or(starts_statement) {
                    let top = frames.last_mut().expect("the file frame stays");
                    total -= top.ops;
                    top.ops = 0;
                }
            }
            Token::Semi | Token::Comma => {
                let top = frames.last_mut().expect("the file frame stays");
                total -= top.ops;
                top.ops = 0;
            }
            t => count_op = nests(t),
        }
        if count_op {
            // The operator belongs to the level that encloses it (the frame below a new one).
            let at = if matches!(tok, Token::LParen | Token::LBracket | Token::LBrace) {
                frames.len() - 2
            } else {
                frames.len() - 1
            };
            frames[at].ops += 1;
            total += 1;
            if total > MAX_DEPTH {
                return Some(too_deep(file, *l, *r));
            }
        }
        prev = Some(tok);
    }
    None
}

/// Tokens that add a level to the syntax tree around what follows or precedes them.
fn nests(tok: &Token<'_>) -> bool {
    use Token::*;
    matches!(
        tok,
        Plus | Minus
            | Star
            | Slash
            | Percent
            | Amp
            | Pipe
            | Caret
            | Tilde
            | Bang
            | AndAnd
            | OrOr
            | EqEq
            | NotEq
            | Lt
            | Le
            | Gt
            | Ge
            | Shl
            | Shr
            | As
            | Question
            | Dot
            | New
            | Else
            | Arrow
    )
}

/// Tokens after which a bracket continues an operand (call, index, struct literal, `T[]`).
fn ends_operand(tok: &Token<'_>) -> bool {
    use Token::*;
    matches!(
        tok,
        Ident(_)
            | Int(_)
            | Float(_)
            | Str(_)
            | BadLit
            | True
            | False
            | RParen
            | RBracket
            | RBrace
            | I8
            | I16
            | I32
            | I64
            | F32
            | F64
            | Bool
            | StringKw
            | TableRef
            | NodeRef
    )
}

/// Tokens that can only begin a new statement or item after a `}` (never continue an
/// expression), so the operator count of the enclosing level may restart.
fn starts_statement(tok: &Token<'_>) -> bool {
    use Token::*;
    matches!(
        tok,
        Ident(_)
            | If
            | While
            | For
            | Return
            | Break
            | Continue
            | Fn
            | Struct
            | Const
            | Import
            | RBrace
            | Semi
            | I8
            | I16
            | I32
            | I64
            | F32
            | F64
            | Bool
            | StringKw
            | TableRef
            | NodeRef
    )
}

fn too_many_brackets(file: FileId, l: usize, r: usize, frames: &[Frame]) -> Diagnostic {
    let outer = frames[1].open;
    Diagnostic::error(
        NESTING_TOO_DEEP,
        format!("brackets nested more than {MAX_BRACKETS} deep"),
        Span::new(file, l, r),
        "this bracket is too deep",
    )
    .with_label(
        Span::new(file, outer, outer + 1),
        "the outermost open bracket",
    )
    .with_help("split the expression or the code into smaller functions")
}

fn too_deep(file: FileId, l: usize, r: usize) -> Diagnostic {
    Diagnostic::error(
        NESTING_TOO_DEEP,
        "expression or statement nested too deeply",
        Span::new(file, l, r),
        format!("more than {MAX_DEPTH} nested operations at this point"),
    )
    .with_help("split it using intermediate variables or smaller functions")
}
