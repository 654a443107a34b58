//! SQL typing of parsed expressions against an input schema (§8).
//!
//! Rules (DuckDB's where §8 is silent): integers of different widths promote to the wider;
//! an integer with a float promotes to `f64` (`f32` with `f32` stays `f32`); an integer literal
//! takes the integer type of the other operand when it fits, otherwise `i64`; `null` takes the
//! type of its context (`i64` when there is none); integer `/` is integer division. Comparisons
//! need both sides numeric, both text or both bool. `like` needs a constant text pattern.

use std::ops::Range;

use super::ast::{BinaryOp, Expr, ExprKind, Literal, TypeName, UnaryOp};
use super::functions::Func;
use super::typed::{ArithOp, CmpOp, Scalar, TExpr, TKind};
use crate::dataflow::types::DataType;

/// A typing error: a message and the byte range inside the expression text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TypeError {
    /// Byte range inside the text.
    pub range: Range<usize>,
    /// What is wrong (an unknown column lists the available ones).
    pub message: String,
}

/// What typing needs from an input schema.
pub trait ColumnLookup {
    /// The type of column `name`, if present.
    fn column_type(&self, name: &str) -> Option<DataType>;
    /// All column names, in order (for error messages).
    fn column_names(&self) -> Vec<String>;
}

impl ColumnLookup for [(String, DataType)] {
    fn column_type(&self, name: &str) -> Option<DataType> {
        self.iter().find(|(n, _)| n == name).map(|(_, t)| *t)
    }
    fn column_names(&self) -> Vec<String> {
        self.iter().map(|(n, _)| n.clone()).collect()
    }
}

/// The error message for an unknown column (without the operator context).
pub fn unknown_column_message(name: &str, context: &str, schema: &dyn ColumnLookup) -> String {
    format!(
        "unknown column \"{name}\" in {context}; available columns: {}",
        schema.column_names().join(", ")
    )
}

type TResult = Result<TExpr, TypeError>;

fn err<T>(range: &Range<usize>, message: impl Into<String>) -> Result<T, TypeError> {
    Err(TypeError {
        range: range.clone(),
        message: message.into(),
    })
}

/// True for the integer types.
pub fn is_int(t: &DataType) -> bool {
    matches!(
        t,
        DataType::I8 | DataType::I16 | DataType::I32 | DataType::I64
    )
}

/// True for the float types.
pub fn is_float(t: &DataType) -> bool {
    matches!(t, DataType::F32 | DataType::F64)
}

/// True for integers and floats.
pub fn is_numeric(t: &DataType) -> bool {
    is_int(t) || is_float(t)
}

fn int_rank(t: &DataType) -> u8 {
    match t {
        DataType::I8 => 1,
        DataType::I16 => 2,
        DataType::I32 => 3,
        _ => 4,
    }
}

/// The common type of two numeric types, `None` when one is not numeric.
pub fn numeric_common(a: &DataType, b: &DataType) -> Option<DataType> {
    if !is_numeric(a) || !is_numeric(b) {
        return None;
    }
    Some(if is_int(a) && is_int(b) {
        if int_rank(a) >= int_rank(b) { *a } else { *b }
    } else if *a == DataType::F32 && *b == DataType::F32 {
        DataType::F32
    } else {
        DataType::F64
    })
}

/// The common type of two types for comparison, `case` and `coalesce`.
pub fn unify(a: &DataType, b: &DataType) -> Option<DataType> {
    if a == b {
        return Some(*a);
    }
    numeric_common(a, b)
}

fn type_name_to_data_type(t: TypeName) -> DataType {
    match t {
        TypeName::I8 => DataType::I8,
        TypeName::I16 => DataType::I16,
        TypeName::I32 => DataType::I32,
        TypeName::I64 => DataType::I64,
        TypeName::F32 => DataType::F32,
        TypeName::F64 => DataType::F64,
        TypeName::Bool => DataType::Bool,
        TypeName::String => DataType::Utf8,
    }
}

/// Converts a schema type name to a data type.
pub fn data_type_of(t: TypeName) -> DataType {
    type_name_to_data_type(t)
}

/// Wraps `e` in a cast to `to` unless it already has that type (literals convert in place).
pub fn cast_to(e: TExpr, to: &DataType) -> TExpr {
    if e.ty == *to {
        return e;
    }
    if let TKind::Literal(s) = &e.kind {
        match (s, to) {
            (Scalar::Null, _) => return TExpr::literal(Scalar::Null, *to),
            (Scalar::Int(v), t) if is_float(t) => {
                return TExpr::literal(Scalar::Float(*v as f64), *to);
            }
            (Scalar::Int(v), t) if is_int(t) && int_fits(*v, t) => {
                return TExpr::literal(Scalar::Int(*v), *to);
            }
            _ => {}
        }
    }
    TExpr {
        kind: TKind::Cast(Box::new(e)),
        ty: *to,
    }
}

/// True when `v` fits in integer type `t`.
pub fn int_fits(v: i64, t: &DataType) -> bool {
    match t {
        DataType::I8 => i8::try_from(v).is_ok(),
        DataType::I16 => i16::try_from(v).is_ok(),
        DataType::I32 => i32::try_from(v).is_ok(),
        _ => true,
    }
}

fn is_context_free_literal(e: &Expr) -> bool {
    matches!(e.kind, ExprKind::Literal(Literal::Int(_) | Literal::Null))
}

/// Types `e` against `schema`; `context` names the operator for error messages (`filter`).
pub fn type_expr(e: &Expr, schema: &dyn ColumnLookup, context: &str) -> TResult {
    Typer { schema, context }.ty(e, None)
}

/// Types a predicate: the result must be `bool`.
pub fn type_predicate(e: &Expr, schema: &dyn ColumnLookup, context: &str) -> TResult {
    let t = type_expr(e, schema, context)?;
    if t.ty != DataType::Bool {
        return err(
            &e.span,
            format!("a predicate must be bool, this expression is {}", t.ty),
        );
    }
    Ok(t)
}

struct Typer<'a> {
    schema: &'a dyn ColumnLookup,
    context: &'a str,
}

impl Typer<'_> {
    fn ty(&self, e: &Expr, hint: Option<&DataType>) -> TResult {
        match &e.kind {
            ExprKind::Column(name) => match self.schema.column_type(name) {
                Some(ty) => Ok(TExpr {
                    kind: TKind::Column(name.clone()),
                    ty,
                }),
                None => err(
                    &e.span,
                    unknown_column_message(name, self.context, self.schema),
                ),
            },
            ExprKind::Literal(l) => Ok(literal(l, hint)),
            ExprKind::Unary(UnaryOp::Neg, x) => {
                let x = self.ty(x, hint)?;
                if !is_numeric(&x.ty) {
                    return err(&e.span, format!("cannot negate a {} value", x.ty));
                }
                let ty = x.ty;
                Ok(TExpr {
                    kind: TKind::Neg(Box::new(x)),
                    ty,
                })
            }
            ExprKind::Unary(UnaryOp::Not, x) => {
                let x = self.bool_operand(x, "not")?;
                Ok(TExpr {
                    kind: TKind::Not(Box::new(x)),
                    ty: DataType::Bool,
                })
            }
            ExprKind::Binary(op, a, b) => self.binary(*op, a, b, &e.span),
            ExprKind::IsNull { expr, negated } => {
                let x = self.ty(expr, None)?;
                Ok(TExpr {
                    kind: TKind::IsNull(Box::new(x), *negated),
                    ty: DataType::Bool,
                })
            }
            ExprKind::Between {
                expr,
                low,
                high,
                negated,
            } => {
                let ge = self.binary(BinaryOp::Ge, expr, low, &e.span)?;
                let le = self.binary(BinaryOp::Le, expr, high, &e.span)?;
                let both = TExpr {
                    kind: TKind::And(Box::new(ge), Box::new(le)),
                    ty: DataType::Bool,
                };
                Ok(negate_if(both, *negated))
            }
            ExprKind::InList {
                expr,
                list,
                negated,
            } => {
                let mut acc: Option<TExpr> = None;
                for item in list {
                    let eq = self.binary(BinaryOp::Eq, expr, item, &item.span)?;
                    acc = Some(match acc {
                        None => eq,
                        Some(a) => TExpr {
                            kind: TKind::Or(Box::new(a), Box::new(eq)),
                            ty: DataType::Bool,
                        },
                    });
                }
                match acc {
                    Some(a) => Ok(negate_if(a, *negated)),
                    None => err(&e.span, "`in` needs at least one value"),
                }
            }
            ExprKind::Like {
                expr,
                pattern,
                negated,
            } => {
                let x = self.ty(expr, Some(&DataType::Utf8))?;
                if x.ty != DataType::Utf8 {
                    return err(&expr.span, format!("`like` needs text, found {}", x.ty));
                }
                let ExprKind::Literal(Literal::Str(p)) = &pattern.kind else {
                    return err(
                        &pattern.span,
                        "the pattern of `like` must be a 'text' literal",
                    );
                };
                Ok(TExpr {
                    kind: TKind::Like {
                        expr: Box::new(x),
                        pattern: p.clone(),
                        negated: *negated,
                    },
                    ty: DataType::Bool,
                })
            }
            ExprKind::Case { whens, otherwise } => self.case(whens, otherwise.as_deref(), hint),
            ExprKind::Cast { expr, to } => {
                let to = type_name_to_data_type(*to);
                let x = self.ty(expr, Some(&to))?;
                Ok(if x.ty == to {
                    x
                } else {
                    TExpr {
                        kind: TKind::Cast(Box::new(x)),
                        ty: to,
                    }
                })
            }
            ExprKind::Call {
                name,
                args,
                distinct,
                star,
            } => {
                if super::functions::is_aggregate_name(name) {
                    return err(
                        &e.span,
                        format!("aggregate `{name}` is only allowed in aggregate items"),
                    );
                }
                if *distinct || *star {
                    return err(&e.span, format!("`{name}` does not take `distinct` or `*`"));
                }
                let Some(func) = Func::from_name(name) else {
                    return err(&e.span, format!("unknown function `{name}`"));
                };
                self.call(func, args, &e.span)
            }
        }
    }

    fn bool_operand(&self, e: &Expr, what: &str) -> TResult {
        let x = self.ty(e, Some(&DataType::Bool))?;
        if x.ty != DataType::Bool {
            return err(
                &e.span,
                format!("`{what}` needs bool operands, found {}", x.ty),
            );
        }
        Ok(x)
    }

    /// Types two operands so that a bare integer literal or null adopts the other's type.
    fn pair(&self, a: &Expr, b: &Expr) -> Result<(TExpr, TExpr), TypeError> {
        if is_context_free_literal(a) && !is_context_free_literal(b) {
            let tb = self.ty(b, None)?;
            let ta = self.ty(a, Some(&tb.ty))?;
            Ok((ta, tb))
        } else {
            let ta = self.ty(a, None)?;
            let tb = self.ty(b, Some(&ta.ty))?;
            Ok((ta, tb))
        }
    }

    fn binary(&self, op: BinaryOp, a: &Expr, b: &Expr, span: &Range<usize>) -> TResult {
        if matches!(op, BinaryOp::And | BinaryOp::Or) {
            let ta = self.bool_operand(a, op.symbol())?;
            let tb = self.bool_operand(b, op.symbol())?;
            let kind = if op == BinaryOp::And {
                TKind::And(Box::new(ta), Box::new(tb))
            } else {
                TKind::Or(Box::new(ta), Box::new(tb))
            };
            return Ok(TExpr {
                kind,
                ty: DataType::Bool,
            });
        }
        let (ta, tb) = self.pair(a, b)?;
        if op.is_comparison() {
            let Some(common) = unify(&ta.ty, &tb.ty) else {
                return err(span, format!("cannot compare {} with {}", ta.ty, tb.ty));
            };
            let cmp = match op {
                BinaryOp::Eq => CmpOp::Eq,
                BinaryOp::Ne => CmpOp::Ne,
                BinaryOp::Lt => CmpOp::Lt,
                BinaryOp::Le => CmpOp::Le,
                BinaryOp::Gt => CmpOp::Gt,
                _ => CmpOp::Ge,
            };
            let (ta, tb) = (cast_to(ta, &common), cast_to(tb, &common));
            return Ok(TExpr {
                kind: TKind::Cmp(cmp, Box::new(ta), Box::new(tb)),
                ty: DataType::Bool,
            });
        }
        let Some(common) = numeric_common(&ta.ty, &tb.ty) else {
            let hint = if ta.ty == DataType::Utf8 && tb.ty == DataType::Utf8 && op == BinaryOp::Add
            {
                " (use concat(a, b) for text)"
            } else {
                ""
            };
            return err(
                span,
                format!(
                    "operator `{}` needs numbers, found {} and {}{hint}",
                    op.symbol(),
                    ta.ty,
                    tb.ty
                ),
            );
        };
        let arith = match op {
            BinaryOp::Add => ArithOp::Add,
            BinaryOp::Sub => ArithOp::Sub,
            BinaryOp::Mul => ArithOp::Mul,
            BinaryOp::Div => ArithOp::Div,
            _ => ArithOp::Rem,
        };
        let (ta, tb) = (cast_to(ta, &common), cast_to(tb, &common));
        Ok(TExpr {
            kind: TKind::Arith(arith, Box::new(ta), Box::new(tb)),
            ty: common,
        })
    }

    fn case(
        &self,
        whens: &[(Expr, Expr)],
        otherwise: Option<&Expr>,
        hint: Option<&DataType>,
    ) -> TResult {
        let mut conds = Vec::new();
        let mut values = Vec::new();
        let mut ty: Option<DataType> = None;
        // Non-literal branches first so literals can adopt their type.
        let all_values: Vec<&Expr> = whens.iter().map(|(_, v)| v).chain(otherwise).collect();
        for v in all_values.iter().filter(|v| !is_context_free_literal(v)) {
            let tv = self.ty(v, hint)?;
            ty = Some(match &ty {
                None => tv.ty,
                Some(t) => unify(t, &tv.ty).ok_or_else(|| TypeError {
                    range: v.span.clone(),
                    message: format!("case branches have different types: {t} and {}", tv.ty),
                })?,
            });
        }
        let hint_ty = ty.or_else(|| hint.cloned());
        for (c, v) in whens {
            conds.push(self.bool_operand(c, "when")?);
            values.push(self.ty(v, hint_ty.as_ref())?);
        }
        let other = match otherwise {
            Some(o) => self.ty(o, hint_ty.as_ref())?,
            None => literal(&Literal::Null, hint_ty.as_ref()),
        };
        let mut result = ty.unwrap_or(other.ty);
        for v in values.iter().chain(std::iter::once(&other)) {
            result = unify(&result, &v.ty).unwrap_or(result);
        }
        let whens = conds
            .into_iter()
            .zip(values.into_iter().map(|v| cast_to(v, &result)))
            .collect();
        Ok(TExpr {
            kind: TKind::Case {
                whens,
                otherwise: Box::new(cast_to(other, &result)),
            },
            ty: result,
        })
    }

    fn call(&self, func: Func, args: &[Expr], span: &Range<usize>) -> TResult {
        let arity_ok = match func {
            Func::Round => (1..=2).contains(&args.len()),
            Func::Substr => args.len() == 3 || args.len() == 2,
            Func::Coalesce | Func::Concat => !args.is_empty(),
            _ => args.len() == 1,
        };
        if !arity_ok {
            return err(
                span,
                format!("wrong number of arguments to `{}`", func.name()),
            );
        }
        let mut targs = Vec::new();
        for a in args {
            targs.push(self.ty(a, None)?);
        }
        let numeric = |i: usize, targs: &[TExpr]| -> Result<DataType, TypeError> {
            if is_numeric(&targs[i].ty) {
                Ok(targs[i].ty)
            } else {
                err(
                    &args[i].span,
                    format!("`{}` needs a number, found {}", func.name(), targs[i].ty),
                )
            }
        };
        let text = |i: usize, targs: &[TExpr]| -> Result<(), TypeError> {
            if targs[i].ty == DataType::Utf8 {
                Ok(())
            } else {
                err(
                    &args[i].span,
                    format!("`{}` needs text, found {}", func.name(), targs[i].ty),
                )
            }
        };
        let int = |i: usize, targs: &mut Vec<TExpr>| -> Result<(), TypeError> {
            if is_int(&targs[i].ty) {
                let t =
                    std::mem::replace(&mut targs[i], TExpr::literal(Scalar::Null, DataType::I64));
                targs[i] = cast_to(t, &DataType::I64);
                Ok(())
            } else {
                err(
                    &args[i].span,
                    format!("`{}` needs an integer, found {}", func.name(), targs[i].ty),
                )
            }
        };
        let ty = match func {
            Func::Abs | Func::Floor | Func::Ceil => numeric(0, &targs)?,
            Func::Round => {
                if targs.len() == 2 {
                    int(1, &mut targs)?;
                }
                numeric(0, &targs)?
            }
            Func::Sqrt => {
                numeric(0, &targs)?;
                let a = targs.remove(0);
                targs.insert(0, cast_to(a, &DataType::F64));
                DataType::F64
            }
            Func::Lower | Func::Upper => {
                text(0, &targs)?;
                DataType::Utf8
            }
            Func::Length | Func::Year | Func::Month | Func::Day => {
                text(0, &targs)?;
                DataType::I64
            }
            Func::Substr => {
                text(0, &targs)?;
                for i in 1..targs.len() {
                    int(i, &mut targs)?;
                }
                DataType::Utf8
            }
            Func::Concat => {
                targs = targs
                    .into_iter()
                    .map(|a| cast_to(a, &DataType::Utf8))
                    .collect();
                DataType::Utf8
            }
            Func::Coalesce => {
                let mut t: Option<DataType> = None;
                for (a, src) in targs.iter().zip(args) {
                    if is_context_free_literal(src) {
                        continue;
                    }
                    t = Some(match t {
                        None => a.ty,
                        Some(t) => unify(&t, &a.ty).ok_or_else(|| TypeError {
                            range: src.span.clone(),
                            message: format!(
                                "coalesce arguments have different types: {t} and {}",
                                a.ty
                            ),
                        })?,
                    });
                }
                let t = t.unwrap_or(DataType::I64);
                let mut out = Vec::new();
                for (a, src) in targs.into_iter().zip(args) {
                    let a = if is_context_free_literal(src) {
                        self.ty(src, Some(&t))?
                    } else {
                        a
                    };
                    out.push(cast_to(a, &t));
                }
                targs = out;
                t
            }
        };
        Ok(TExpr {
            kind: TKind::Call(func, targs),
            ty,
        })
    }
}

fn negate_if(e: TExpr, negated: bool) -> TExpr {
    if negated {
        TExpr {
            kind: TKind::Not(Box::new(e)),
            ty: DataType::Bool,
        }
    } else {
        e
    }
}

fn literal(l: &Literal, hint: Option<&DataType>) -> TExpr {
    match l {
        Literal::Null => TExpr::literal(Scalar::Null, hint.cloned().unwrap_or(DataType::I64)),
        Literal::Bool(b) => TExpr::literal(Scalar::Bool(*b), DataType::Bool),
        Literal::Int(v) => {
            let ty = match hint {
                Some(t) if is_int(t) && int_fits(*v, t) => *t,
                _ => DataType::I64,
            };
            TExpr::literal(Scalar::Int(*v), ty)
        }
        Literal::Float(v) => {
            let ty = if hint == Some(&DataType::F32) {
                DataType::F32
            } else {
                DataType::F64
            };
            TExpr::literal(Scalar::Float(*v), ty)
        }
        Literal::Str(s) => TExpr::literal(Scalar::Str(s.clone()), DataType::Utf8),
    }
}
