//! Three-valued `and`, `or` and `not`: `false and null` is false, `true or null` is true, any
//! other combination with null is null.

use super::eval::Value;
use super::internal;
use super::vector::{bool_col, bool_col_bits, bool_values, validity_of};
use crate::dataflow::bitmap::Bitmap;
use crate::dataflow::buffer::Buffer;
use crate::dataflow::column::Column;
use crate::dataflow::error::Result;
use crate::dataflow::expr::typed::Scalar;

/// Values and validity of a bool operand (`valid` all true when it has no nulls).
fn parts(v: &Value, n: usize) -> Result<(Vec<bool>, Vec<bool>)> {
    match v {
        Value::Col(c @ Column::Bool(b)) => Ok((
            bool_values(b),
            validity_of(c).unwrap_or_else(|| vec![true; n]),
        )),
        Value::Const(Scalar::Bool(b)) => Ok((vec![*b; n], vec![true; n])),
        Value::Const(Scalar::Null) => Ok((vec![false; n], vec![false; n])),
        _ => Err(internal("logic on a non-bool value")),
    }
}

/// The packed values of a bool column without nulls.
fn packed_no_nulls(v: &Value) -> Option<Vec<u8>> {
    match v {
        Value::Col(Column::Bool(b)) if b.null_count() == 0 => Some(b.values().to_packed_bytes()),
        _ => None,
    }
}

/// A bool column from packed bytes of `n` bits, without nulls.
fn from_packed(bytes: &[u8], n: usize) -> Result<Value> {
    let bits = Bitmap::try_new(Buffer::from_slice(bytes), 0, n)
        .ok_or_else(|| internal("packed bitmap too short"))?;
    Ok(Value::Col(bool_col_bits(bits, None)?))
}

/// `a and b` (`is_or` false) or `a or b` (`is_or` true).
pub fn and_or(is_or: bool, a: &Value, b: &Value, n: usize) -> Result<Value> {
    // A constant side decides the result or passes the other side through, nulls included
    // (`false and x` is false, `true and x` is x; dually for `or`).
    for (k, other) in [(a, b), (b, a)] {
        if let Value::Const(Scalar::Bool(k)) = k
            && matches!(other, Value::Col(Column::Bool(_)))
        {
            return Ok(if *k == is_or {
                Value::Const(Scalar::Bool(*k))
            } else {
                other.clone()
            });
        }
    }
    // Without nulls, a byte (8 rows) at a time.
    if let (Some(mut x), Some(y)) = (packed_no_nulls(a), packed_no_nulls(b)) {
        for (x, y) in x.iter_mut().zip(&y) {
            *x = if is_or { *x | *y } else { *x & *y };
        }
        return from_packed(&x, n);
    }
    let (av, ava) = parts(a, n)?;
    let (bv, bva) = parts(b, n)?;
    let mut vals = Vec::with_capacity(n);
    let mut valid = Vec::with_capacity(n);
    for i in 0..n {
        let (x, xv, y, yv) = (av[i], ava[i], bv[i], bva[i]);
        if is_or {
            let decided = (xv && x) || (yv && y);
            vals.push(decided || (x && y));
            valid.push(decided || (xv && yv));
        } else {
            let decided = (xv && !x) || (yv && !y);
            vals.push(!decided && x && y);
            valid.push(decided || (xv && yv));
        }
    }
    Ok(Value::Col(bool_col(&vals, Some(valid))?))
}

/// `not a`.
pub fn not(a: &Value, n: usize) -> Result<Value> {
    match a {
        Value::Const(Scalar::Bool(b)) => Ok(Value::Const(Scalar::Bool(!b))),
        Value::Const(_) => Ok(Value::Const(Scalar::Null)),
        Value::Col(Column::Bool(b)) if b.null_count() == 0 => {
            let mut x = b.values().to_packed_bytes();
            x.iter_mut().for_each(|x| *x = !*x);
            from_packed(&x, n)
        }
        Value::Col(c @ Column::Bool(b)) => {
            let vals: Vec<bool> = bool_values(b).into_iter().take(n).map(|x| !x).collect();
            Ok(Value::Col(bool_col(&vals, validity_of(c))?))
        }
        _ => Err(internal("not on a non-bool value")),
    }
}
