//! Scalar function kernels of §8: `abs round floor ceil sqrt` on numbers, `lower upper length
//! substr concat` on text (characters, not bytes, as DuckDB), `coalesce`, and `year month day`
//! on ISO `YYYY-MM-DD` text (null when the text is not a valid date).

use super::arith::{operand, unary_num};
use super::eval::Value;
use super::internal;
use super::num::Num;
use super::select::select;
use super::vector::{Operand, prim_col, validity_of};
use crate::dataflow::builder::StringBuilder;
use crate::dataflow::column::{Column, StringColumn};
use crate::dataflow::error::Result;
use crate::dataflow::expr::functions::Func;
use crate::dataflow::expr::typed::Scalar;
use crate::dataflow::memory::MemoryAccount;
use crate::dataflow::types::DataType;
use crate::dispatch_num;

/// A text operand: a column or a constant.
enum Text {
    Col(StringColumn, Option<Vec<bool>>),
    Const(String),
}

impl Text {
    fn of(v: &Value) -> Result<Option<Text>> {
        match v {
            Value::Col(c @ Column::Utf8(s)) => Ok(Some(Text::Col(s.clone(), validity_of(c)))),
            Value::Const(Scalar::Str(s)) => Ok(Some(Text::Const(s.clone()))),
            Value::Const(Scalar::Null) => Ok(None),
            _ => Err(internal("text function on a non-text value")),
        }
    }

    fn get(&self, i: usize) -> Option<&str> {
        match self {
            Text::Col(s, valid) => {
                if valid.as_ref().is_some_and(|v| !v[i]) {
                    None
                } else {
                    Some(s.value(i))
                }
            }
            Text::Const(s) => Some(s),
        }
    }
}

fn int_at(op: &Option<(Operand<i64>, Option<Vec<bool>>)>, i: usize) -> Option<i64> {
    let (o, valid) = op.as_ref()?;
    if valid.as_ref().is_some_and(|v| !v[i]) {
        return None;
    }
    Some(match o {
        Operand::Slice(s) => s[i],
        Operand::Scalar(x) => *x,
    })
}

fn round_t<T: Num>(a: &Value, digits: Option<&Value>, n: usize) -> Result<Column> {
    let Some(d) = digits else {
        return unary_num::<T>(a, n, |x| {
            if T::IS_FLOAT {
                T::from_f64(round_half_away(x.to_f64(), 0))
            } else {
                x
            }
        });
    };
    let d_op = if d.is_null_const() {
        None
    } else {
        Some((operand::<i64>(d)?, d.validity()))
    };
    let x_op = operand::<T>(a)?;
    let xv = a.validity();
    let mut out = Vec::with_capacity(n);
    let mut valid = Vec::with_capacity(n);
    for i in 0..n {
        let x = match x_op {
            Operand::Slice(s) => s[i],
            Operand::Scalar(x) => x,
        };
        let dg = int_at(&d_op, i);
        valid.push(dg.is_some() && xv.as_ref().is_none_or(|v| v[i]));
        let dg = dg.unwrap_or(0).clamp(-30, 30) as i32;
        out.push(if T::IS_FLOAT {
            T::from_f64(round_half_away(x.to_f64(), dg))
        } else if dg >= 0 {
            x
        } else {
            let p = 10f64.powi(-dg);
            T::from_f64((x.to_f64() / p).round() * p)
        });
    }
    prim_col(&out, Some(valid))
}

/// Rounds the exact value of `x` half away from zero to `digits` decimals (what DuckDB 2 does):
/// `round(-3.05, 1)` is -3.0, because the double nearest -3.05 is -3.04999…
fn round_half_away(x: f64, digits: i32) -> f64 {
    if digits == 0 {
        return x.round();
    }
    // 10^k is exact for k <= 22, so the residuals below are exact; beyond that (or when the
    // scaled value overflows) the plain product is the best available answer.
    let k = digits.unsigned_abs() as i32;
    let p = 10f64.powi(k);
    let scaled = if digits > 0 { x * p } else { x / p };
    if !scaled.is_finite() {
        return x;
    }
    let mut r = scaled.round();
    if k <= 22 && (scaled - scaled.trunc()).abs() == 0.5 {
        // The scaled value looks like a tie, but it is rounded: the exact residual says on
        // which side of the tie the true value lies (zero: a real tie, away from zero).
        let residual = if digits > 0 {
            x.mul_add(p, -scaled)
        } else {
            (-scaled).mul_add(p, x)
        };
        if residual != 0.0 {
            r = if residual > 0.0 {
                scaled.ceil()
            } else {
                scaled.floor()
            };
        }
    }
    let out = if digits > 0 { r / p } else { r * p };
    if out.is_finite() { out } else { x }
}

fn float_fn<T: Num>(a: &Value, n: usize, f: fn(f64) -> f64) -> Result<Column> {
    unary_num::<T>(a, n, |x| {
        if T::IS_FLOAT {
            T::from_f64(f(x.to_f64()))
        } else {
            x
        }
    })
}

fn abs_t<T: Num>(a: &Value, n: usize) -> Result<Column> {
    unary_num::<T>(a, n, T::abs)
}

fn floor_t<T: Num>(a: &Value, n: usize) -> Result<Column> {
    float_fn::<T>(a, n, f64::floor)
}

fn ceil_t<T: Num>(a: &Value, n: usize) -> Result<Column> {
    float_fn::<T>(a, n, f64::ceil)
}

fn text_map(a: &Value, n: usize, mut f: impl FnMut(&str, &mut String)) -> Result<Value> {
    let Some(t) = Text::of(a)? else {
        return Ok(Value::Const(Scalar::Null));
    };
    let mut b = StringBuilder::new(MemoryAccount::unlimited());
    let mut buf = String::new();
    for i in 0..n {
        match t.get(i) {
            None => b.append_null(),
            Some(s) => {
                buf.clear();
                f(s, &mut buf);
                b.append_value(&buf);
            }
        }
    }
    Ok(Value::Col(b.finish()?))
}

fn text_to_int(a: &Value, n: usize, f: impl Fn(&str) -> Option<i64>) -> Result<Value> {
    let Some(t) = Text::of(a)? else {
        return Ok(Value::Const(Scalar::Null));
    };
    let mut out = Vec::with_capacity(n);
    let mut valid = Vec::with_capacity(n);
    for i in 0..n {
        let v = t.get(i).and_then(&f);
        valid.push(v.is_some());
        out.push(v.unwrap_or(0));
    }
    Ok(Value::Col(prim_col(&out, Some(valid))?))
}

/// Parses `YYYY-MM-DD` (optionally followed by a time) into (year, month, day).
pub fn parse_date(s: &str) -> Option<(i64, i64, i64)> {
    let b = s.trim().as_bytes();
    if b.len() < 10
        || b[4] != b'-'
        || b[7] != b'-'
        || (b.len() > 10 && b[10] != b' ' && b[10] != b'T')
    {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let t = &b[r];
        if !t.iter().all(u8::is_ascii_digit) {
            return None;
        }
        std::str::from_utf8(t).ok()?.parse().ok()
    };
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if !(1..=12).contains(&m) || d < 1 || d > days[(m - 1) as usize] {
        return None;
    }
    Some((y, m, d))
}

type IntArg<'a> = Option<(Operand<'a, i64>, Option<Vec<bool>>)>;

fn int_arg(v: &Value) -> Result<IntArg<'_>> {
    if v.is_null_const() {
        Ok(None)
    } else {
        Ok(Some((operand::<i64>(v)?, v.validity())))
    }
}

fn substr(args: &[Value], n: usize) -> Result<Value> {
    let op = int_arg;
    let Some(t) = Text::of(&args[0])? else {
        return Ok(Value::Const(Scalar::Null));
    };
    let start = op(&args[1])?;
    let count = match args.get(2) {
        Some(c) => Some(op(c)?),
        None => None,
    };
    let mut b = StringBuilder::new(MemoryAccount::unlimited());
    for i in 0..n {
        let s = t.get(i);
        let st = int_at(&start, i);
        let cnt = match &count {
            None => Some(i64::MAX),
            Some(c) => int_at(c, i),
        };
        let (Some(s), Some(st), Some(cnt)) = (s, st, cnt) else {
            b.append_null();
            continue;
        };
        // DuckDB semantics: a negative start counts from the end; a negative count takes the
        // characters before start. Positions are 1-based characters, clipped to the string.
        let len = s.chars().count() as i64;
        let st = if st < 0 { len + st + 1 } else { st };
        let (lo, hi) = if cnt >= 0 {
            (st, st.saturating_add(cnt))
        } else {
            (st.saturating_add(cnt), st)
        };
        let (from, end) = (lo.max(1), hi.min(len + 1));
        if end <= from {
            b.append_value("");
            continue;
        }
        let skip = (from - 1) as usize;
        let take = (end - from) as usize;
        let bstart = s.char_indices().nth(skip).map_or(s.len(), |(p, _)| p);
        let rest = &s[bstart..];
        let bend = rest.char_indices().nth(take).map_or(rest.len(), |(p, _)| p);
        b.append_value(&rest[..bend]);
    }
    Ok(Value::Col(b.finish()?))
}

fn concat(args: &[Value], n: usize) -> Result<Value> {
    let texts = args.iter().map(Text::of).collect::<Result<Vec<_>>>()?;
    let mut b = StringBuilder::new(MemoryAccount::unlimited());
    let mut buf = String::new();
    for i in 0..n {
        buf.clear();
        for t in texts.iter().flatten() {
            if let Some(s) = t.get(i) {
                buf.push_str(s);
            }
        }
        b.append_value(&buf);
    }
    Ok(Value::Col(b.finish()?))
}

fn coalesce(args: &[Value], ty: DataType, n: usize) -> Result<Value> {
    let valids: Vec<Option<Vec<bool>>> = args.iter().map(Value::validity).collect();
    let last = (args.len() - 1) as u32;
    let choice: Vec<u32> = (0..n)
        .map(|i| {
            args.iter()
                .zip(&valids)
                .position(|(a, v)| !a.is_null_const() && v.as_ref().is_none_or(|m| m[i]))
                .map_or(last, |p| p as u32)
        })
        .collect();
    Ok(Value::Col(select(&choice, args, ty, n)?))
}

/// Calls scalar function `f` on evaluated arguments of types `tys`; the result has type `ty`.
pub fn call(f: Func, args: &[Value], tys: &[DataType], ty: DataType, n: usize) -> Result<Value> {
    let first_null = args.first().is_some_and(Value::is_null_const);
    let bad = || Err(internal(format!("{} on a bad type", f.name())));
    match f {
        Func::Coalesce => return coalesce(args, ty, n),
        Func::Concat => return concat(args, n),
        _ if first_null => return Ok(Value::Const(Scalar::Null)),
        _ => {}
    }
    let a = &args[0];
    let col = match f {
        Func::Abs => dispatch_num!(tys[0], abs_t(a, n), bad())?,
        Func::Floor => dispatch_num!(tys[0], floor_t(a, n), bad())?,
        Func::Ceil => dispatch_num!(tys[0], ceil_t(a, n), bad())?,
        Func::Round => dispatch_num!(tys[0], round_t(a, args.get(1), n), bad())?,
        Func::Sqrt => {
            let x = operand::<f64>(a)?;
            let valid = a.validity();
            let mut out = Vec::with_capacity(n);
            let mut ok = Vec::with_capacity(n);
            for i in 0..n {
                let v = match x {
                    Operand::Slice(s) => s[i],
                    Operand::Scalar(v) => v,
                };
                ok.push((v.is_nan() || v >= 0.0) && valid.as_ref().is_none_or(|m| m[i]));
                out.push(v.sqrt());
            }
            prim_col(&out, Some(ok))?
        }
        Func::Lower => {
            return text_map(a, n, |s, out| {
                out.extend(s.chars().flat_map(char::to_lowercase))
            });
        }
        Func::Upper => {
            return text_map(a, n, |s, out| {
                out.extend(s.chars().flat_map(char::to_uppercase))
            });
        }
        Func::Length => return text_to_int(a, n, |s| Some(s.chars().count() as i64)),
        Func::Year => return text_to_int(a, n, |s| parse_date(s).map(|d| d.0)),
        Func::Month => return text_to_int(a, n, |s| parse_date(s).map(|d| d.1)),
        Func::Day => return text_to_int(a, n, |s| parse_date(s).map(|d| d.2)),
        Func::Substr => return substr(args, n),
        Func::Coalesce | Func::Concat => return Err(internal("unreachable function")),
    };
    Ok(Value::Col(col))
}
