//! Operators: unary, binary (operand typing from each other and from context), ternary, casts.

use crate::check::codes;
use crate::check::env::{Checker, FnCtx};
use crate::check::expr::{is_flexible, mk};
use crate::check::hir::{self, ExprKind as H};
use crate::check::types::Type;
use crate::diagnostics::Diagnostic;
use crate::source::Span;
use crate::syntax::ast::{self, BinaryOp, ExprKind as A, UnaryOp};

/// True when the operator's result has its operands' type (arithmetic, bitwise, shifts).
pub fn result_is_operand(op: BinaryOp) -> bool {
    use BinaryOp::*;
    matches!(
        op,
        Add | Sub | Mul | Div | Rem | BitAnd | BitOr | BitXor | Shl | Shr
    )
}

/// True when `op` applies to two operands of type `ty` (§6).
pub fn op_accepts(op: BinaryOp, ty: &Type) -> bool {
    use BinaryOp::*;
    match op {
        Add => ty.is_numeric() || *ty == Type::String,
        Sub | Mul | Div | Rem => ty.is_numeric(),
        BitAnd | BitOr | BitXor => ty.is_integer() || *ty == Type::Bool,
        Shl | Shr => ty.is_integer(),
        Eq | Ne => ty.is_numeric() || matches!(ty, Type::Bool | Type::String),
        Lt | Le | Gt | Ge => ty.is_numeric() || *ty == Type::String,
        And | Or => *ty == Type::Bool,
    }
}

fn op_help(op: BinaryOp, ty: &Type) -> Option<&'static str> {
    use BinaryOp::*;
    match (op, ty) {
        (And | Or, t) if t.is_integer() => {
            Some("`&&` and `||` need `bool`; for bits use `&` or `|`")
        }
        (Add, Type::Array(_)) => {
            Some("arrays have a fixed length; build a new one with `new T[n]`")
        }
        (Eq | Ne, Type::Array(_) | Type::Struct(_)) => {
            Some("arrays and structs have no `==`; compare their elements or fields")
        }
        (Add | Sub | Mul | Div | Rem | Lt | Le | Gt | Ge, Type::Bool) => {
            Some("booleans are not numbers; convert with `b as i64` if you need 0/1")
        }
        _ => None,
    }
}

impl Checker {
    /// Checks `a` and `b` so a literal on either side takes the other side's type.
    pub fn operand_pair(
        &mut self,
        cx: &mut FnCtx,
        a: &ast::Expr,
        b: &ast::Expr,
        outer: Option<&Type>,
    ) -> (hir::Expr, hir::Expr) {
        let hint = |h: &hir::Expr| (h.ty != Type::Error).then(|| h.ty.clone());
        if is_flexible(a) && !is_flexible(b) {
            let hb = self.expr(cx, b, outer);
            let ta = hint(&hb).or_else(|| outer.cloned());
            let ha = self.expr(cx, a, ta.as_ref());
            (ha, hb)
        } else {
            let ha = self.expr(cx, a, outer);
            let tb = hint(&ha).or_else(|| outer.cloned());
            let hb = self.expr(cx, b, tb.as_ref());
            (ha, hb)
        }
    }

    /// `op operand`; a `-` directly before a literal is part of the literal (§6).
    pub fn unary(
        &mut self,
        cx: &mut FnCtx,
        op: UnaryOp,
        operand: &ast::Expr,
        expected: Option<&Type>,
        span: Span,
    ) -> hir::Expr {
        match (op, &operand.kind) {
            (UnaryOp::Neg, A::Int(v)) => return self.int_literal(*v, true, expected, span),
            (UnaryOp::Neg, A::Float(v)) => return self.float_literal(-*v, expected, span),
            _ => {}
        }
        let (want, ok): (Option<&Type>, fn(&Type) -> bool) = match op {
            UnaryOp::Neg => (expected.filter(|t| t.is_numeric()), Type::is_numeric),
            UnaryOp::Not => (Some(&Type::Bool), |t| *t == Type::Bool),
            UnaryOp::BitNot => (expected.filter(|t| t.is_integer()), Type::is_integer),
        };
        let h = self.expr(cx, operand, want);
        if h.ty == Type::Error {
            return Checker::error_expr(span);
        }
        if !ok(&h.ty) {
            let tname = self.ty_name(&h.ty);
            let (sym, needs) = match op {
                UnaryOp::Neg => ("-", "a number"),
                UnaryOp::Not => ("!", "`bool`"),
                UnaryOp::BitNot => ("~", "an integer"),
            };
            let mut d = Diagnostic::error(
                codes::BAD_OPERATOR,
                format!("cannot apply `{sym}` to a value of type `{tname}`"),
                operand.span,
                format!("`{sym}` needs {needs}, this is `{tname}`"),
            );
            if op == UnaryOp::Not && h.ty.is_integer() {
                d = d.with_help(
                    "there is no integer truthiness: compare with `== 0`, or use `~` for bits",
                );
            } else if op == UnaryOp::BitNot && h.ty == Type::Bool {
                d = d.with_help("use `!` to negate a `bool`");
            }
            self.report(d);
            return Checker::error_expr(span);
        }
        let ty = h.ty.clone();
        mk(
            H::Unary {
                op,
                operand: Box::new(h),
            },
            ty,
            span,
        )
    }

    /// `lhs op rhs`: both operands of one type (§6).
    #[allow(clippy::too_many_arguments)]
    pub fn binary(
        &mut self,
        cx: &mut FnCtx,
        op: BinaryOp,
        lhs: &ast::Expr,
        rhs: &ast::Expr,
        op_span: Span,
        expected: Option<&Type>,
        span: Span,
    ) -> hir::Expr {
        let outer = match op {
            BinaryOp::And | BinaryOp::Or => Some(&Type::Bool),
            _ if result_is_operand(op) => expected,
            _ => None,
        };
        let (l, r) = self.operand_pair(cx, lhs, rhs, outer);
        let fallback = if result_is_operand(op) {
            Type::Error
        } else {
            Type::Bool
        };
        if l.ty == Type::Error || r.ty == Type::Error {
            return mk_binary(op, l, r, fallback, span);
        }
        if l.ty != r.ty {
            let (lt, rt) = (self.ty_name(&l.ty), self.ty_name(&r.ty));
            let mut d = Diagnostic::error(
                codes::OPERAND_MISMATCH,
                format!(
                    "`{}` needs operands of one type, found `{lt}` and `{rt}`",
                    op.symbol()
                ),
                r.span,
                format!("this is `{rt}`"),
            )
            .with_label(l.span, format!("this is `{lt}`"))
            .with_note("there are no implicit conversions (§3)");
            if l.ty.is_numeric() && r.ty.is_numeric() {
                let text = self.snippet(r.span).unwrap_or_else(|| "value".into());
                d = d.with_help(format!("convert one side, e.g. `({text}) as {lt}`"));
            } else if op == BinaryOp::Add && (l.ty == Type::String || r.ty == Type::String) {
                d = d.with_help("convert the other side with `to_string(…)` before concatenating");
            }
            self.report(d);
            return mk_binary(op, l, r, fallback, span);
        }
        if !op_accepts(op, &l.ty) {
            let tname = self.ty_name(&l.ty);
            let mut d = Diagnostic::error(
                codes::BAD_OPERATOR,
                format!("operator `{}` cannot be applied to `{tname}`", op.symbol()),
                op_span,
                format!("not defined for `{tname}`"),
            );
            if let Some(h) = op_help(op, &l.ty) {
                d = d.with_help(h);
            }
            self.report(d);
            return mk_binary(op, l, r, fallback, span);
        }
        let ty = if result_is_operand(op) {
            l.ty.clone()
        } else {
            Type::Bool
        };
        mk_binary(op, l, r, ty, span)
    }

    /// `cond ? a : b`
    pub fn ternary(
        &mut self,
        cx: &mut FnCtx,
        cond: &ast::Expr,
        a: &ast::Expr,
        b: &ast::Expr,
        expected: Option<&Type>,
        span: Span,
    ) -> hir::Expr {
        let c = self.condition(cx, cond, "`?:`");
        let (t, e) = self.operand_pair(cx, a, b, expected);
        let ty = if t.ty == Type::Error || e.ty == Type::Error {
            Type::Error
        } else if t.ty != e.ty {
            let (tt, et) = (self.ty_name(&t.ty), self.ty_name(&e.ty));
            self.report(
                Diagnostic::error(
                    codes::TYPE_MISMATCH,
                    format!("the branches of `?:` have different types: `{tt}` and `{et}`"),
                    e.span,
                    format!("this is `{et}`"),
                )
                .with_label(t.span, format!("this is `{tt}`")),
            );
            Type::Error
        } else {
            t.ty.clone()
        };
        mk(
            H::Ternary {
                cond: Box::new(c),
                then_expr: Box::new(t),
                else_expr: Box::new(e),
            },
            ty,
            span,
        )
    }

    /// A condition: must be `bool` (no integer truthiness, §3).
    pub fn condition(&mut self, cx: &mut FnCtx, e: &ast::Expr, what: &str) -> hir::Expr {
        let h = self.expr(cx, e, Some(&Type::Bool));
        if h.ty != Type::Bool && h.ty != Type::Error {
            let tname = self.ty_name(&h.ty);
            let mut d = Diagnostic::error(
                codes::NOT_BOOL,
                format!("the condition of {what} must be `bool`, found `{tname}`"),
                e.span,
                format!("this is `{tname}`"),
            );
            if h.ty.is_numeric() {
                let text = self.snippet(e.span).unwrap_or_else(|| "x".into());
                d = d.with_help(format!(
                    "there is no integer truthiness: write `{text} != 0`"
                ));
            }
            self.report(d);
        }
        h
    }

    /// `e as T`: numeric ↔ numeric and `bool` → integer (§6).
    pub fn cast(
        &mut self,
        cx: &mut FnCtx,
        e: &ast::Expr,
        te: &ast::TypeExpr,
        span: Span,
    ) -> hir::Expr {
        let target = self.resolve_type(cx.module, te);
        let h = self.expr(cx, e, None);
        if h.ty == Type::Error || target == Type::Error {
            return Checker::error_expr(span);
        }
        let ok = (h.ty.is_numeric() && target.is_numeric())
            || (h.ty == Type::Bool && target.is_integer());
        if !ok {
            let (from, to) = (self.ty_name(&h.ty), self.ty_name(&target));
            let text = self.snippet(e.span).unwrap_or_else(|| "x".into());
            let mut d = Diagnostic::error(
                codes::BAD_CAST,
                format!("cannot cast `{from}` to `{to}`"),
                span,
                "`as` converts only between numeric types, and `bool` to integers",
            );
            d = match (&h.ty, &target) {
                (_, Type::String) => d.with_help(format!("use `to_string({text})`")),
                (Type::String, t) if t.is_integer() => {
                    d.with_help(format!("use `parse_i64({text})`"))
                }
                (Type::String, t) if t.is_float() => {
                    d.with_help(format!("use `parse_f64({text})`"))
                }
                (f, Type::Bool) if f.is_numeric() => {
                    d.with_help(format!("compare instead: `{text} != 0`"))
                }
                _ => d,
            };
            self.report(d);
            return Checker::error_expr(span);
        }
        mk(H::Cast(Box::new(h)), target, span)
    }
}

fn mk_binary(op: BinaryOp, l: hir::Expr, r: hir::Expr, ty: Type, span: Span) -> hir::Expr {
    mk(
        H::Binary {
            op,
            lhs: Box::new(l),
            rhs: Box::new(r),
        },
        ty,
        span,
    )
}
