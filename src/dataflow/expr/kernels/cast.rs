//! `x as T`: numeric conversions as §6 (integer narrowing wraps, float → integer truncates and
//! saturates, NaN → 0), `bool` ↔ numbers as 0/1 (non-zero is true), text → number/bool parses
//! (null when it does not parse, like DuckDB's TRY_CAST), anything → text.

use super::arith::operand;
use super::eval::Value;
use super::internal;
use super::num::Num;
use super::vector::{Operand, bool_col, bool_values, prim_col, validity_of};
use crate::dataflow::builder::StringBuilder;
use crate::dataflow::column::Column;
use crate::dataflow::error::Result;
use crate::dataflow::expr::typed::Scalar;
use crate::dataflow::memory::MemoryAccount;
use crate::dataflow::types::DataType;
use crate::dispatch_num;

fn conv<T: Num, U: Num>(x: T) -> U {
    if T::IS_FLOAT {
        U::from_f64(x.to_f64())
    } else {
        U::from_i64(x.to_i64())
    }
}

fn num_to_num<T: Num, U: Num>(a: &Value, n: usize) -> Result<Column> {
    let out: Vec<U> = match operand::<T>(a)? {
        Operand::Slice(x) => x[..n].iter().map(|&v| conv::<T, U>(v)).collect(),
        Operand::Scalar(x) => vec![conv::<T, U>(x); n],
    };
    prim_col(&out, a.validity())
}

fn from_num<T: Num>(a: &Value, to: DataType, n: usize) -> Result<Column> {
    match to {
        DataType::I8 => num_to_num::<T, i8>(a, n),
        DataType::I16 => num_to_num::<T, i16>(a, n),
        DataType::I32 => num_to_num::<T, i32>(a, n),
        DataType::I64 => num_to_num::<T, i64>(a, n),
        DataType::F32 => num_to_num::<T, f32>(a, n),
        DataType::F64 => num_to_num::<T, f64>(a, n),
        DataType::Bool => {
            let out: Vec<bool> = match operand::<T>(a)? {
                Operand::Slice(x) => x[..n].iter().map(|&v| v.to_f64() != 0.0).collect(),
                Operand::Scalar(x) => vec![x.to_f64() != 0.0; n],
            };
            bool_col(&out, a.validity())
        }
        DataType::Utf8 => {
            let mut b = StringBuilder::new(MemoryAccount::unlimited());
            let valid = a.validity();
            let mut buf = String::new();
            let op = operand::<T>(a)?;
            for i in 0..n {
                if valid.as_ref().is_some_and(|v| !v[i]) {
                    b.append_null();
                    continue;
                }
                let x = match op {
                    Operand::Slice(s) => s[i],
                    Operand::Scalar(x) => x,
                };
                buf.clear();
                if T::IS_FLOAT {
                    format_float(x.to_f64(), T::DATA_TYPE == DataType::F32, &mut buf);
                } else {
                    use std::fmt::Write;
                    let _ = write!(buf, "{}", x.to_i64());
                }
                b.append_value(&buf);
            }
            b.finish()
        }
    }
}

/// Formats a float as §7 prints it (shortest round-trip text, always with `.` or an exponent).
pub fn format_float(x: f64, is_f32: bool, out: &mut String) {
    use std::fmt::Write;
    let _ = if is_f32 {
        write!(out, "{:?}", x as f32)
    } else {
        write!(out, "{x:?}")
    };
}

fn bools_as(a: &Value, n: usize) -> Result<Vec<bool>> {
    match a {
        Value::Col(Column::Bool(b)) => Ok(bool_values(b)),
        Value::Const(Scalar::Bool(b)) => Ok(vec![*b; n]),
        _ => Err(internal("bool cast of a non-bool value")),
    }
}

fn from_bool(a: &Value, to: DataType, n: usize) -> Result<Column> {
    let vals = bools_as(a, n)?;
    let as_i64: Vec<i64> = vals.iter().map(|&b| b as i64).collect();
    let ints = Value::Col(prim_col(&as_i64, a.validity())?);
    match to {
        DataType::Utf8 => {
            let mut b = StringBuilder::new(MemoryAccount::unlimited());
            let valid = a.validity();
            for (i, v) in vals.iter().enumerate() {
                if valid.as_ref().is_some_and(|m| !m[i]) {
                    b.append_null();
                } else {
                    b.append_value(if *v { "true" } else { "false" });
                }
            }
            b.finish()
        }
        DataType::Bool => bool_col(&vals, a.validity()),
        _ => from_num::<i64>(&ints, to, n),
    }
}

fn from_str(a: &Value, to: DataType, n: usize) -> Result<Column> {
    let col = a.clone().into_column(DataType::Utf8, n)?;
    let Column::Utf8(s) = &col else {
        return Err(internal("text cast of a non-text value"));
    };
    let valid = validity_of(&col);
    let mut ok = vec![true; n];
    macro_rules! parse_num {
        ($t:ty) => {{
            let mut out: Vec<$t> = Vec::with_capacity(n);
            for i in 0..n {
                let parsed = if valid.as_ref().is_some_and(|m| !m[i]) {
                    None
                } else {
                    s.value(i).trim().parse::<$t>().ok()
                };
                ok[i] = parsed.is_some();
                out.push(parsed.unwrap_or_default());
            }
            prim_col(&out, Some(ok))
        }};
    }
    match to {
        DataType::I8 => parse_num!(i8),
        DataType::I16 => parse_num!(i16),
        DataType::I32 => parse_num!(i32),
        DataType::I64 => parse_num!(i64),
        DataType::F32 => parse_num!(f32),
        DataType::F64 => parse_num!(f64),
        DataType::Bool => {
            let mut out = Vec::with_capacity(n);
            for i in 0..n {
                let v = match s.value(i).trim().to_ascii_lowercase().as_str() {
                    "true" | "t" | "1" => Some(true),
                    "false" | "f" | "0" => Some(false),
                    _ => None,
                };
                ok[i] = v.is_some() && valid.as_ref().is_none_or(|m| m[i]);
                out.push(v.unwrap_or(false));
            }
            bool_col(&out, Some(ok))
        }
        DataType::Utf8 => Ok(col.clone()),
    }
}

/// Converts `a` of type `from` to `to`.
pub fn cast(a: &Value, from: DataType, to: DataType, n: usize) -> Result<Value> {
    if a.is_null_const() {
        return Ok(Value::Const(Scalar::Null));
    }
    if from == to {
        return Ok(a.clone());
    }
    let col = match from {
        DataType::Bool => from_bool(a, to, n)?,
        DataType::Utf8 => from_str(a, to, n)?,
        _ => dispatch_num!(from, from_num(a, to, n), Err(internal("bad cast source")))?,
    };
    Ok(Value::Col(col))
}
