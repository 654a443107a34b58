//! Constant folding of typed expressions (used by the `FoldConstants` rule): operators whose
//! operands are all literals are evaluated with the same semantics as the kernels, and
//! `and`/`or` with a literal side simplify.

use crate::dataflow::expr::typed::{ArithOp, CmpOp, Scalar, TExpr, TKind};
use crate::dataflow::expr::typing::{is_float, is_int};
use crate::dataflow::types::DataType;

/// Folds constant subexpressions of `e`; returns the new expression and whether it changed.
pub fn fold_expr(e: &TExpr) -> (TExpr, bool) {
    let mut changed = false;
    let out = fold(e, &mut changed);
    (out, changed)
}

fn lit(e: &TExpr) -> Option<&Scalar> {
    match &e.kind {
        TKind::Literal(s) => Some(s),
        _ => None,
    }
}

fn fold(e: &TExpr, changed: &mut bool) -> TExpr {
    // Fold children first.
    let e = match &e.kind {
        TKind::Column(_) | TKind::Literal(_) => return e.clone(),
        _ => e.map_children(&mut |c| fold(c, changed)),
    };
    if let Some(x) = fold_node(&e) {
        *changed = true;
        return x;
    }
    e
}

fn null(ty: &DataType) -> TExpr {
    TExpr::literal(Scalar::Null, *ty)
}

fn boolean(b: bool) -> TExpr {
    TExpr::literal(Scalar::Bool(b), DataType::Bool)
}

/// Wraps an integer result at the width of `ty` (the kernels wrap the same way).
pub fn wrap_int(v: i64, ty: &DataType) -> i64 {
    match ty {
        DataType::I8 => v as i8 as i64,
        DataType::I16 => v as i16 as i64,
        DataType::I32 => v as i32 as i64,
        _ => v,
    }
}

fn fold_node(e: &TExpr) -> Option<TExpr> {
    match &e.kind {
        TKind::Neg(x) => match lit(x)? {
            Scalar::Null => Some(null(&e.ty)),
            Scalar::Int(v) => Some(TExpr::literal(
                Scalar::Int(wrap_int(v.wrapping_neg(), &e.ty)),
                e.ty,
            )),
            Scalar::Float(v) => Some(TExpr::literal(Scalar::Float(-v), e.ty)),
            _ => None,
        },
        TKind::Not(x) => match lit(x)? {
            Scalar::Null => Some(null(&DataType::Bool)),
            Scalar::Bool(b) => Some(boolean(!b)),
            _ => None,
        },
        TKind::IsNull(x, negated) => {
            let is_null = matches!(lit(x)?, Scalar::Null);
            Some(boolean(is_null != *negated))
        }
        TKind::And(a, b) => fold_logic(a, b, false),
        TKind::Or(a, b) => fold_logic(a, b, true),
        TKind::Arith(op, a, b) => {
            let (x, y) = (lit(a)?, lit(b)?);
            Some(match (x, y) {
                (Scalar::Null, _) | (_, Scalar::Null) => null(&e.ty),
                (Scalar::Int(x), Scalar::Int(y)) => match arith_int(*op, *x, *y, &e.ty) {
                    Some(v) => TExpr::literal(Scalar::Int(v), e.ty),
                    None => null(&e.ty),
                },
                (Scalar::Float(x), Scalar::Float(y)) => match arith_float(*op, *x, *y) {
                    Some(v) => TExpr::literal(Scalar::Float(v), e.ty),
                    None => null(&e.ty),
                },
                _ => return None,
            })
        }
        TKind::Cmp(op, a, b) => {
            let (x, y) = (lit(a)?, lit(b)?);
            let ord = match (x, y) {
                (Scalar::Null, _) | (_, Scalar::Null) => return Some(null(&DataType::Bool)),
                (Scalar::Int(x), Scalar::Int(y)) => x.partial_cmp(y),
                (Scalar::Float(x), Scalar::Float(y)) => Some(x.total_cmp(y)),
                (Scalar::Str(x), Scalar::Str(y)) => x.as_bytes().partial_cmp(y.as_bytes()),
                (Scalar::Bool(x), Scalar::Bool(y)) => x.partial_cmp(y),
                _ => None,
            }?;
            Some(boolean(cmp_holds(*op, ord)))
        }
        TKind::Cast(x) => {
            let v = lit(x)?;
            let to = &e.ty;
            Some(match v {
                Scalar::Null => null(to),
                Scalar::Int(i) if is_int(to) => TExpr::literal(Scalar::Int(wrap_int(*i, to)), *to),
                Scalar::Int(i) if is_float(to) => {
                    let f = if *to == DataType::F32 {
                        *i as f32 as f64
                    } else {
                        *i as f64
                    };
                    TExpr::literal(Scalar::Float(f), *to)
                }
                Scalar::Float(f) if is_float(to) => {
                    let f = if *to == DataType::F32 {
                        *f as f32 as f64
                    } else {
                        *f
                    };
                    TExpr::literal(Scalar::Float(f), *to)
                }
                Scalar::Float(f) if is_int(to) => {
                    TExpr::literal(Scalar::Int(wrap_int(float_to_int(*f, to), to)), *to)
                }
                _ => return None,
            })
        }
        TKind::Case { whens, otherwise } => {
            // Drop leading branches whose condition is a constant false/null; take a constant true.
            let mut rest = whens.as_slice();
            let mut dropped = false;
            while let Some((c, v)) = rest.first() {
                match lit(c) {
                    Some(Scalar::Bool(true)) => return Some(v.clone()),
                    Some(Scalar::Bool(false) | Scalar::Null) => {
                        rest = &rest[1..];
                        dropped = true;
                    }
                    _ => break,
                }
            }
            if rest.is_empty() {
                return Some((**otherwise).clone());
            }
            dropped.then(|| TExpr {
                kind: TKind::Case {
                    whens: rest.to_vec(),
                    otherwise: otherwise.clone(),
                },
                ty: e.ty,
            })
        }
        _ => None,
    }
}

/// Saturating float → integer conversion at the width of `to` (NaN → 0), as §6.
pub fn float_to_int(f: f64, to: &DataType) -> i64 {
    match to {
        DataType::I8 => f as i8 as i64,
        DataType::I16 => f as i16 as i64,
        DataType::I32 => f as i32 as i64,
        _ => f as i64,
    }
}

fn fold_logic(a: &TExpr, b: &TExpr, is_or: bool) -> Option<TExpr> {
    // The absorbing value (false for and, true for or) wins even over null.
    let absorbing = Scalar::Bool(is_or);
    let identity = Scalar::Bool(!is_or);
    if lit(a) == Some(&absorbing) || lit(b) == Some(&absorbing) {
        return Some(boolean(is_or));
    }
    if lit(a) == Some(&identity) {
        return Some(b.clone());
    }
    if lit(b) == Some(&identity) {
        return Some(a.clone());
    }
    if matches!(lit(a), Some(Scalar::Null)) && matches!(lit(b), Some(Scalar::Null)) {
        return Some(null(&DataType::Bool));
    }
    None
}

/// Whether comparison `op` holds for operands ordered `ord`.
pub fn cmp_holds(op: CmpOp, ord: std::cmp::Ordering) -> bool {
    use std::cmp::Ordering::*;
    match op {
        CmpOp::Eq => ord == Equal,
        CmpOp::Ne => ord != Equal,
        CmpOp::Lt => ord == Less,
        CmpOp::Le => ord != Greater,
        CmpOp::Gt => ord == Greater,
        CmpOp::Ge => ord != Less,
    }
}

/// Integer arithmetic with the kernels' semantics: wraps at the type's width, `/` and `%` by
/// zero give `None` (null).
pub fn arith_int(op: ArithOp, x: i64, y: i64, ty: &DataType) -> Option<i64> {
    let v = match op {
        ArithOp::Add => x.wrapping_add(y),
        ArithOp::Sub => x.wrapping_sub(y),
        ArithOp::Mul => x.wrapping_mul(y),
        ArithOp::Div if y == 0 => return None,
        ArithOp::Div => x.wrapping_div(y),
        ArithOp::Rem if y == 0 => return None,
        ArithOp::Rem => x.wrapping_rem(y),
    };
    Some(wrap_int(v, ty))
}

/// Float arithmetic with the kernels' semantics (IEEE: division by zero is ±inf or NaN).
pub fn arith_float(op: ArithOp, x: f64, y: f64) -> Option<f64> {
    Some(match op {
        ArithOp::Add => x + y,
        ArithOp::Sub => x - y,
        ArithOp::Mul => x * y,
        ArithOp::Div => x / y,
        ArithOp::Rem => x % y,
    })
}
