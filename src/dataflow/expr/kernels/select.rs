//! Per-row choice between several values (`case`, `coalesce`) and broadcasting constants.

use super::arith::operand;
use super::eval::Value;
use super::internal;
use super::num::Num;
use super::vector::{Operand, bool_col, bool_values, prim_col};
use crate::dataflow::builder::StringBuilder;
use crate::dataflow::column::Column;
use crate::dataflow::error::Result;
use crate::dataflow::expr::typed::Scalar;
use crate::dataflow::memory::MemoryAccount;
use crate::dataflow::types::DataType;
use crate::dispatch_num;

/// A column of `n` copies of `s` (all null for a null constant).
pub fn broadcast(s: &Scalar, ty: DataType, n: usize) -> Result<Column> {
    if *s == Scalar::Null {
        return Ok(Column::new_null(ty, n));
    }
    select(&vec![0; n], &[Value::Const(s.clone())], ty, n)
}

/// Row validity of a value as "is valid" flags for row `i`.
fn valid_at(v: &Value, valid: &Option<Vec<bool>>, i: usize) -> bool {
    !v.is_null_const() && valid.as_ref().is_none_or(|m| m[i])
}

fn select_num<T: Num>(choice: &[u32], values: &[Value], n: usize) -> Result<Column> {
    let ops: Vec<Option<Operand<T>>> = values
        .iter()
        .map(|v| {
            if v.is_null_const() {
                Ok(None)
            } else {
                operand::<T>(v).map(Some)
            }
        })
        .collect::<Result<_>>()?;
    let valids: Vec<Option<Vec<bool>>> = values.iter().map(Value::validity).collect();
    let mut out = Vec::with_capacity(n);
    let mut valid = Vec::with_capacity(n);
    for (i, &c) in choice.iter().enumerate().take(n) {
        let c = c as usize;
        let v = match ops[c] {
            Some(Operand::Slice(s)) => s[i],
            Some(Operand::Scalar(x)) => x,
            None => T::default(),
        };
        out.push(v);
        valid.push(valid_at(&values[c], &valids[c], i));
    }
    prim_col(&out, Some(valid))
}

fn select_bool(choice: &[u32], values: &[Value], n: usize) -> Result<Column> {
    let vals: Vec<Option<Vec<bool>>> = values
        .iter()
        .map(|v| match v {
            Value::Col(Column::Bool(b)) => Ok(Some(bool_values(b))),
            Value::Const(Scalar::Bool(b)) => Ok(Some(vec![*b; n])),
            Value::Const(Scalar::Null) => Ok(None),
            _ => Err(internal("bool choice over a non-bool value")),
        })
        .collect::<Result<_>>()?;
    let valids: Vec<Option<Vec<bool>>> = values.iter().map(Value::validity).collect();
    let mut out = Vec::with_capacity(n);
    let mut valid = Vec::with_capacity(n);
    for (i, &c) in choice.iter().enumerate().take(n) {
        let c = c as usize;
        out.push(vals[c].as_ref().is_some_and(|v| v[i]));
        valid.push(valid_at(&values[c], &valids[c], i));
    }
    bool_col(&out, Some(valid))
}

fn select_str(choice: &[u32], values: &[Value], n: usize) -> Result<Column> {
    let mut b = StringBuilder::new(MemoryAccount::unlimited());
    for (i, &c) in choice.iter().enumerate().take(n) {
        match &values[c as usize] {
            Value::Col(Column::Utf8(s)) => b.append_option(s.get(i)),
            Value::Const(Scalar::Str(s)) => b.append_value(s),
            Value::Const(Scalar::Null) => b.append_null(),
            _ => return Err(internal("text choice over a non-text value")),
        }
    }
    b.finish()
}

/// Row `i` of the result is row `i` of `values[choice[i]]`; all values have type `ty`.
pub fn select(choice: &[u32], values: &[Value], ty: DataType, n: usize) -> Result<Column> {
    match ty {
        DataType::Bool => select_bool(choice, values, n),
        DataType::Utf8 => select_str(choice, values, n),
        _ => dispatch_num!(
            ty,
            select_num(choice, values, n),
            Err(internal("bad select type"))
        ),
    }
}
