//! Arithmetic kernels: `+ - * / %` and negation over one numeric type (integers wrap; division
//! or remainder by zero is null, as DuckDB).

use super::eval::Value;
use super::internal;
use super::num::Num;
use super::vector::{Operand, and_validity, binary_into, binary_map, prim_col_with};
use crate::dataflow::column::Column;
use crate::dataflow::error::Result;
use crate::dataflow::expr::typed::{ArithOp, Scalar};
use crate::dataflow::types::DataType;
use crate::dispatch_num;

/// The values of a numeric column or constant as an operand.
pub fn operand<T: Num>(v: &Value) -> Result<Operand<'_, T>> {
    match v {
        Value::Col(c) => T::from_column(c)
            .map(|p| Operand::Slice(p.values()))
            .ok_or_else(|| {
                internal(format!(
                    "expected a {} column, found {}",
                    T::DATA_TYPE,
                    c.data_type()
                ))
            }),
        Value::Const(s) => Ok(Operand::Scalar(T::from_scalar(s))),
    }
}

fn arith_t<T: Num>(op: ArithOp, a: &Value, b: &Value, n: usize) -> Result<Column> {
    let (x, y) = (operand::<T>(a)?, operand::<T>(b)?);
    let mut valid = and_validity(a.validity(), b.validity());
    match op {
        // Written straight into the column's aligned buffer.
        ArithOp::Add => prim_col_with(n, valid, |out| binary_into(out, x, y, T::add)),
        ArithOp::Sub => prim_col_with(n, valid, |out| binary_into(out, x, y, T::sub)),
        ArithOp::Mul => prim_col_with(n, valid, |out| binary_into(out, x, y, T::mul)),
        ArithOp::Div | ArithOp::Rem => {
            let f = if op == ArithOp::Div { T::div } else { T::rem };
            let r: Vec<Option<T>> = binary_map(x, y, n, f);
            if r.iter().any(Option::is_none) {
                let v = valid.get_or_insert_with(|| vec![true; n]);
                v.iter_mut().zip(&r).for_each(|(ok, x)| *ok &= x.is_some());
            }
            prim_col_with(n, valid, |out| {
                out.iter_mut()
                    .zip(&r)
                    .for_each(|(o, x)| *o = x.unwrap_or_default())
            })
        }
    }
}

/// `a op b` where both have numeric type `ty`.
pub fn arith(op: ArithOp, a: &Value, b: &Value, ty: DataType, n: usize) -> Result<Value> {
    if a.is_null_const() || b.is_null_const() {
        return Ok(Value::Const(Scalar::Null));
    }
    let col = dispatch_num!(
        ty,
        arith_t(op, a, b, n),
        Err(internal("arithmetic on a non-number"))
    )?;
    Ok(Value::Col(col))
}

fn neg_t<T: Num>(a: &Value, n: usize) -> Result<Column> {
    unary_num(a, n, T::neg)
}

/// `-a` for numeric type `ty`.
pub fn neg(a: &Value, ty: DataType, n: usize) -> Result<Value> {
    if a.is_null_const() {
        return Ok(Value::Const(Scalar::Null));
    }
    Ok(Value::Col(dispatch_num!(
        ty,
        neg_t(a, n),
        Err(internal("negation of a non-number"))
    )?))
}

/// Applies `f` to every value of a numeric operand (used by abs/floor/ceil/round).
pub fn unary_num<T: Num>(a: &Value, n: usize, f: impl Fn(T) -> T) -> Result<Column> {
    let x = operand::<T>(a)?;
    prim_col_with(n, a.validity(), |out| match x {
        Operand::Slice(x) => out.iter_mut().zip(&x[..n]).for_each(|(o, &v)| *o = f(v)),
        Operand::Scalar(x) => out.fill(f(x)),
    })
}
