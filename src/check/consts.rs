//! `const` evaluation (§4): constants are checked like expressions, then folded to literals with
//! the run time's semantics (wrapping integers, `f32` rounding, masked shifts).

use crate::check::codes;
use crate::check::env::{Checker, ConstId, ConstState, FnCtx};
use crate::check::hir::{Expr, ExprKind as H};
use crate::check::literal::wrap_int;
use crate::check::types::Type;
use crate::diagnostics::Diagnostic;
use crate::source::Span;
use crate::syntax::ast::{BinaryOp, Item, UnaryOp};

/// Why an expression did not fold.
#[derive(Debug, PartialEq)]
pub enum FoldError {
    /// This part is not a constant expression.
    NotConst(Span),
    /// Division or remainder by zero at this span.
    DivZero(Span),
    /// Already reported (an expression of `Type::Error`).
    Silent,
}

impl Checker {
    /// The folded value of constant `c` (evaluating it on first use); `None` after an error.
    pub fn const_value(&mut self, c: ConstId, use_span: Span) -> Option<H> {
        match &self.consts[c].state {
            ConstState::Done(v) => return v.clone(),
            ConstState::InProgress => {
                let name = self.consts[c].name.clone();
                self.report(
                    Diagnostic::error(
                        codes::CONST_CYCLE,
                        format!("constant `{name}` depends on its own value"),
                        use_span,
                        "used while it is being computed",
                    )
                    .with_help("break the cycle by writing one of the values as a literal"),
                );
                return None;
            }
            ConstState::Pending => {}
        }
        self.consts[c].state = ConstState::InProgress;
        let (module, item, ty) = (
            self.consts[c].module,
            self.consts[c].item,
            self.consts[c].ty.clone(),
        );
        let ast = self.modules[module].ast.clone();
        let Some(Item::Const(decl)) = ast.items.get(item) else {
            self.consts[c].state = ConstState::Done(None);
            return None;
        };
        let mut cx = FnCtx::new(module, None);
        cx.in_const = true;
        let h = self.expr_expect(&mut cx, &decl.init, &ty);
        let value = if ty == Type::Error || h.ty == Type::Error {
            None
        } else {
            match fold(&h) {
                Ok(v) => Some(v),
                Err(FoldError::NotConst(span)) => {
                    self.report(
                        Diagnostic::error(
                            codes::NOT_CONST,
                            "this is not a constant expression",
                            span,
                            "computed at run time",
                        )
                        .with_note(
                            "a constant may only use literals, other constants and operators (§4)",
                        )
                        .with_help("declare a global variable instead: drop `const`"),
                    );
                    None
                }
                Err(FoldError::DivZero(span)) => {
                    self.report(Diagnostic::error(
                        codes::CONST_DIV_ZERO,
                        "division by zero in a constant",
                        span,
                        "this divisor is zero",
                    ));
                    None
                }
                Err(FoldError::Silent) => None,
            }
        };
        self.consts[c].state = ConstState::Done(value.clone());
        value
    }
}

/// Folds a typed expression made of literals and operators into a literal.
pub fn fold(e: &Expr) -> Result<H, FoldError> {
    if e.ty == Type::Error {
        return Err(FoldError::Silent);
    }
    match &e.kind {
        H::Int(_) | H::Float(_) | H::Bool(_) | H::Str(_) => Ok(e.kind.clone()),
        H::Unary { op, operand } => {
            let v = fold(operand)?;
            Ok(match (op, v) {
                (UnaryOp::Neg, H::Int(i)) => H::Int(wrap_int(i.wrapping_neg(), &e.ty)),
                (UnaryOp::Neg, H::Float(f)) => H::Float(-f),
                (UnaryOp::Not, H::Bool(b)) => H::Bool(!b),
                (UnaryOp::BitNot, H::Int(i)) => H::Int(wrap_int(!i, &e.ty)),
                _ => return Err(FoldError::NotConst(e.span)),
            })
        }
        H::Binary { op, lhs, rhs } => {
            let l = fold(lhs)?;
            let r = fold(rhs)?;
            binary(*op, l, r, &lhs.ty, rhs.span).ok_or(FoldError::NotConst(e.span))?
        }
        H::Ternary {
            cond,
            then_expr,
            else_expr,
        } => match fold(cond)? {
            H::Bool(true) => fold(then_expr),
            H::Bool(false) => fold(else_expr),
            _ => Err(FoldError::NotConst(e.span)),
        },
        H::Cast(inner) => {
            let v = fold(inner)?;
            cast(v, &e.ty).ok_or(FoldError::NotConst(e.span))
        }
        _ => Err(FoldError::NotConst(e.span)),
    }
}

fn binary(op: BinaryOp, l: H, r: H, ty: &Type, rspan: Span) -> Option<Result<H, FoldError>> {
    use BinaryOp::*;
    let out = match (l, r) {
        (H::Int(a), H::Int(b)) => {
            let bits = ty.int_bits()?;
            let w = |v: i64| H::Int(wrap_int(v, ty));
            match op {
                Add => w(a.wrapping_add(b)),
                Sub => w(a.wrapping_sub(b)),
                Mul => w(a.wrapping_mul(b)),
                Div | Rem if b == 0 => return Some(Err(FoldError::DivZero(rspan))),
                Div => w(a.wrapping_div(b)),
                Rem => w(a.wrapping_rem(b)),
                BitAnd => w(a & b),
                BitOr => w(a | b),
                BitXor => w(a ^ b),
                Shl => w(a.wrapping_shl(b as u32 & (bits - 1))),
                Shr => w(a >> (b as u32 & (bits - 1))),
                Eq => H::Bool(a == b),
                Ne => H::Bool(a != b),
                Lt => H::Bool(a < b),
                Le => H::Bool(a <= b),
                Gt => H::Bool(a > b),
                Ge => H::Bool(a >= b),
                And | Or => return None,
            }
        }
        (H::Float(a), H::Float(b)) => {
            let round = |v: f64| H::Float(if *ty == Type::F32 { v as f32 as f64 } else { v });
            match op {
                Add => round(a + b),
                Sub => round(a - b),
                Mul => round(a * b),
                Div => round(a / b),
                Rem => round(a % b),
                Eq => H::Bool(a == b),
                Ne => H::Bool(a != b),
                Lt => H::Bool(a < b),
                Le => H::Bool(a <= b),
                Gt => H::Bool(a > b),
                Ge => H::Bool(a >= b),
                _ => return None,
            }
        }
        (H::Bool(a), H::Bool(b)) => H::Bool(match op {
            And | BitAnd => a && b,
            Or | BitOr => a || b,
            BitXor | Ne => a != b,
            Eq => a == b,
            _ => return None,
        }),
        (H::Str(a), H::Str(b)) => match op {
            Add => H::Str(a + &b),
            Eq => H::Bool(a == b),
            Ne => H::Bool(a != b),
            Lt => H::Bool(a.as_bytes() < b.as_bytes()),
            Le => H::Bool(a.as_bytes() <= b.as_bytes()),
            Gt => H::Bool(a.as_bytes() > b.as_bytes()),
            Ge => H::Bool(a.as_bytes() >= b.as_bytes()),
            _ => return None,
        },
        _ => return None,
    };
    Some(Ok(out))
}

/// `v as to` with §6 semantics.
fn cast(v: H, to: &Type) -> Option<H> {
    Some(match v {
        H::Int(i) if to.is_integer() => H::Int(wrap_int(i, to)),
        H::Int(i) if *to == Type::F32 => H::Float(i as f32 as f64),
        H::Int(i) if *to == Type::F64 => H::Float(i as f64),
        // Rust's float → integer `as` truncates toward zero and saturates, NaN → 0 (§6).
        H::Float(f) => match to {
            Type::I8 => H::Int(f as i8 as i64),
            Type::I16 => H::Int(f as i16 as i64),
            Type::I32 => H::Int(f as i32 as i64),
            Type::I64 => H::Int(f as i64),
            Type::F32 => H::Float(f as f32 as f64),
            Type::F64 => H::Float(f),
            _ => return None,
        },
        H::Bool(b) if to.is_integer() => H::Int(i64::from(b)),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(kind: H, ty: Type) -> Expr {
        Expr {
            kind,
            ty,
            span: Span::default(),
        }
    }

    fn bin(op: BinaryOp, a: Expr, b: Expr, ty: Type) -> Expr {
        lit(
            H::Binary {
                op,
                lhs: Box::new(a),
                rhs: Box::new(b),
            },
            ty,
        )
    }

    fn int(v: i64, ty: Type) -> Expr {
        lit(H::Int(v), ty)
    }

    #[test]
    fn integers_wrap_at_their_width() {
        let e = bin(
            BinaryOp::Add,
            int(127, Type::I8),
            int(1, Type::I8),
            Type::I8,
        );
        assert!(matches!(fold(&e), Ok(H::Int(-128))));
        let e = bin(
            BinaryOp::Div,
            int(-128, Type::I8),
            int(-1, Type::I8),
            Type::I8,
        );
        assert!(matches!(fold(&e), Ok(H::Int(-128))));
        let e = bin(
            BinaryOp::Rem,
            int(i64::MIN, Type::I64),
            int(-1, Type::I64),
            Type::I64,
        );
        assert!(matches!(fold(&e), Ok(H::Int(0))));
        let e = bin(
            BinaryOp::Shl,
            int(1, Type::I32),
            int(33, Type::I32),
            Type::I32,
        );
        assert!(matches!(fold(&e), Ok(H::Int(2))));
        let e = bin(
            BinaryOp::Shr,
            int(-16, Type::I8),
            int(2, Type::I8),
            Type::I8,
        );
        assert!(matches!(fold(&e), Ok(H::Int(-4))));
        let e = bin(
            BinaryOp::Div,
            int(-7, Type::I64),
            int(2, Type::I64),
            Type::I64,
        );
        assert!(matches!(fold(&e), Ok(H::Int(-3))));
    }

    #[test]
    fn division_by_zero_is_reported() {
        let e = bin(
            BinaryOp::Rem,
            int(1, Type::I64),
            int(0, Type::I64),
            Type::I64,
        );
        assert!(matches!(fold(&e), Err(FoldError::DivZero(_))));
    }

    #[test]
    fn casts_follow_section_6() {
        assert!(matches!(
            cast(H::Float(1e10), &Type::I32),
            Some(H::Int(2147483647))
        ));
        assert!(matches!(
            cast(H::Float(f64::NAN), &Type::I64),
            Some(H::Int(0))
        ));
        assert!(matches!(cast(H::Float(-2.9), &Type::I64), Some(H::Int(-2))));
        assert!(matches!(cast(H::Int(300), &Type::I8), Some(H::Int(44))));
        assert!(matches!(cast(H::Bool(true), &Type::I16), Some(H::Int(1))));
    }

    #[test]
    fn strings_concatenate_and_non_constants_fail() {
        let s = |t: &str| lit(H::Str(t.into()), Type::String);
        let e = bin(BinaryOp::Add, s("a"), s("b"), Type::String);
        assert!(matches!(fold(&e), Ok(H::Str(t)) if t == "ab"));
        let call = lit(H::Global(crate::check::hir::GlobalId(0)), Type::I64);
        assert!(matches!(fold(&call), Err(FoldError::NotConst(_))));
    }
}
