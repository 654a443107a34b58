//! "Return on every path" (§5) over the typed tree. A loop whose condition is the constant
//! `true` (or absent, in `for`) and that has no `break` of its own never falls through, so
//! `while (true) { … return x; … }` needs no return after it.

use crate::check::hir::{ExprKind, Stmt, StmtKind as S};

/// True when control cannot reach the end of `stmts`.
pub fn never_falls_through(stmts: &[Stmt]) -> bool {
    stmts.iter().any(stmt_diverges)
}

fn stmt_diverges(s: &Stmt) -> bool {
    match &s.kind {
        S::Return(_) => true,
        S::Block(b) => never_falls_through(b),
        S::If {
            then_body,
            else_body,
            ..
        } => never_falls_through(then_body) && never_falls_through(else_body),
        S::While { cond, body } => is_true(Some(cond)) && !breaks(body),
        S::For { cond, body, .. } => is_true(cond.as_ref()) && !breaks(body),
        _ => false,
    }
}

fn is_true(cond: Option<&crate::check::hir::Expr>) -> bool {
    match cond {
        None => true,
        Some(e) => matches!(e.kind, ExprKind::Bool(true)),
    }
}

/// True when `stmts` contain a `break` of the enclosing loop (not of a nested one).
fn breaks(stmts: &[Stmt]) -> bool {
    stmts.iter().any(|s| match &s.kind {
        S::Break => true,
        S::Block(b) => breaks(b),
        S::If {
            then_body,
            else_body,
            ..
        } => breaks(then_body) || breaks(else_body),
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::hir::Expr;
    use crate::check::types::Type;
    use crate::source::Span;

    fn st(kind: S) -> Stmt {
        Stmt {
            kind,
            span: Span::default(),
        }
    }

    fn boolean(b: bool) -> Expr {
        Expr {
            kind: ExprKind::Bool(b),
            ty: Type::Bool,
            span: Span::default(),
        }
    }

    #[test]
    fn if_needs_both_branches() {
        let only_then = st(S::If {
            cond: boolean(false),
            then_body: vec![st(S::Return(None))],
            else_body: vec![],
        });
        assert!(!never_falls_through(&[only_then]));
        let both = st(S::If {
            cond: boolean(false),
            then_body: vec![st(S::Return(None))],
            else_body: vec![st(S::Block(vec![st(S::Return(None))]))],
        });
        assert!(never_falls_through(&[both]));
    }

    #[test]
    fn infinite_loops_without_break_diverge() {
        let forever = st(S::While {
            cond: boolean(true),
            body: vec![],
        });
        assert!(never_falls_through(&[forever]));
        let with_break = st(S::While {
            cond: boolean(true),
            body: vec![st(S::If {
                cond: boolean(true),
                then_body: vec![st(S::Break)],
                else_body: vec![],
            })],
        });
        assert!(!never_falls_through(&[with_break]));
        let nested_break = st(S::For {
            init: vec![],
            cond: None,
            step: vec![],
            body: vec![st(S::While {
                cond: boolean(true),
                body: vec![st(S::Break)],
            })],
        });
        assert!(never_falls_through(&[nested_break]));
        let conditional = st(S::While {
            cond: boolean(false),
            body: vec![st(S::Return(None))],
        });
        assert!(!never_falls_through(&[conditional]));
    }
}
