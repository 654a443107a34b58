//! Comparison kernels for numbers (SQL float order: NaN last, NaN = NaN), text (by bytes) and
//! booleans (`false < true`).

use std::cmp::Ordering;

use super::arith::operand;
use super::eval::Value;
use super::internal;
use super::num::Num;
use super::vector::{and_validity, binary_map, bool_col, bool_values};
use crate::dataflow::column::Column;
use crate::dataflow::error::Result;
use crate::dataflow::expr::typed::{CmpOp, Scalar};
use crate::dataflow::optimize::fold::cmp_holds;
use crate::dataflow::types::DataType;
use crate::dispatch_num;

fn cmp_t<T: Num>(op: CmpOp, a: &Value, b: &Value, n: usize) -> Result<Vec<bool>> {
    let (x, y) = (operand::<T>(a)?, operand::<T>(b)?);
    // One loop per operator so the comparison is a single instruction in the loop body.
    Ok(match op {
        CmpOp::Eq => binary_map(x, y, n, |a, b| T::sql_cmp(a, b) == Ordering::Equal),
        CmpOp::Ne => binary_map(x, y, n, |a, b| T::sql_cmp(a, b) != Ordering::Equal),
        CmpOp::Lt => binary_map(x, y, n, |a, b| T::sql_cmp(a, b) == Ordering::Less),
        CmpOp::Le => binary_map(x, y, n, |a, b| T::sql_cmp(a, b) != Ordering::Greater),
        CmpOp::Gt => binary_map(x, y, n, |a, b| T::sql_cmp(a, b) == Ordering::Greater),
        CmpOp::Ge => binary_map(x, y, n, |a, b| T::sql_cmp(a, b) != Ordering::Less),
    })
}

fn cmp_str(op: CmpOp, a: &Value, b: &Value, n: usize) -> Result<Vec<bool>> {
    let get = |v: &Value| -> Result<Result<crate::dataflow::column::StringColumn, String>> {
        match v {
            Value::Col(Column::Utf8(c)) => Ok(Ok(c.clone())),
            Value::Const(Scalar::Str(s)) => Ok(Err(s.clone())),
            _ => Err(internal("text comparison on a non-text value")),
        }
    };
    let (x, y) = (get(a)?, get(b)?);
    let mut out = Vec::with_capacity(n);
    match (&x, &y) {
        (Ok(x), Ok(y)) => {
            for i in 0..n {
                out.push(cmp_holds(op, x.value_bytes(i).cmp(y.value_bytes(i))));
            }
        }
        (Ok(x), Err(s)) => {
            for i in 0..n {
                out.push(cmp_holds(op, x.value_bytes(i).cmp(s.as_bytes())));
            }
        }
        (Err(s), Ok(y)) => {
            for i in 0..n {
                out.push(cmp_holds(op, s.as_bytes().cmp(y.value_bytes(i))));
            }
        }
        (Err(s), Err(t)) => out.resize(n, cmp_holds(op, s.cmp(t))),
    }
    Ok(out)
}

fn bools(v: &Value, n: usize) -> Result<Vec<bool>> {
    match v {
        Value::Col(Column::Bool(c)) => Ok(bool_values(c)),
        Value::Const(Scalar::Bool(b)) => Ok(vec![*b; n]),
        _ => Err(internal("bool comparison on a non-bool value")),
    }
}

/// `a op b` where both operands have type `ty`.
pub fn compare(op: CmpOp, a: &Value, b: &Value, ty: DataType, n: usize) -> Result<Value> {
    if a.is_null_const() || b.is_null_const() {
        return Ok(Value::Const(Scalar::Null));
    }
    let out = match ty {
        DataType::Utf8 => cmp_str(op, a, b, n)?,
        DataType::Bool => {
            let (x, y) = (bools(a, n)?, bools(b, n)?);
            x.iter()
                .zip(&y)
                .map(|(x, y)| cmp_holds(op, x.cmp(y)))
                .collect()
        }
        _ => dispatch_num!(ty, cmp_t(op, a, b, n), Err(internal("bad comparison type")))?,
    };
    Ok(Value::Col(bool_col(
        &out,
        and_validity(a.validity(), b.validity()),
    )?))
}
