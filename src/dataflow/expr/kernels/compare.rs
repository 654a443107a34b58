//! Comparison kernels for numbers (SQL float order: NaN last, NaN = NaN), text (by bytes) and
//! booleans (`false < true`). Results are written straight into bitmap words, 64 rows at a time.

use std::cmp::Ordering;

use super::arith::operand;
use super::eval::Value;
use super::internal;
use super::num::Num;
use super::vector::{bitmap_with, bits_indexed, bits_operands, bool_col_bits, bool_values};
use crate::dataflow::column::{Column, StringColumn};
use crate::dataflow::error::Result;
use crate::dataflow::expr::typed::{CmpOp, Scalar};
use crate::dataflow::optimize::fold::cmp_holds;
use crate::dataflow::types::DataType;
use crate::dispatch_num;

/// Expands `$body` once per comparison operator with `$holds` bound to a closure telling
/// whether an [`Ordering`] satisfies `$op`, so each operator gets its own tight loop.
macro_rules! with_op {
    ($op:expr, |$holds:ident| $body:expr) => {
        match $op {
            $crate::dataflow::expr::typed::CmpOp::Eq => {
                let $holds = |o: ::std::cmp::Ordering| o == ::std::cmp::Ordering::Equal;
                $body
            }
            $crate::dataflow::expr::typed::CmpOp::Ne => {
                let $holds = |o: ::std::cmp::Ordering| o != ::std::cmp::Ordering::Equal;
                $body
            }
            $crate::dataflow::expr::typed::CmpOp::Lt => {
                let $holds = |o: ::std::cmp::Ordering| o == ::std::cmp::Ordering::Less;
                $body
            }
            $crate::dataflow::expr::typed::CmpOp::Le => {
                let $holds = |o: ::std::cmp::Ordering| o != ::std::cmp::Ordering::Greater;
                $body
            }
            $crate::dataflow::expr::typed::CmpOp::Gt => {
                let $holds = |o: ::std::cmp::Ordering| o == ::std::cmp::Ordering::Greater;
                $body
            }
            $crate::dataflow::expr::typed::CmpOp::Ge => {
                let $holds = |o: ::std::cmp::Ordering| o != ::std::cmp::Ordering::Less;
                $body
            }
        }
    };
}
pub(super) use with_op;

/// A text constant prepared for fast comparison: its bytes and, when it has at least 8, its
/// first 8 bytes as a big-endian integer (so most rows are decided by one integer compare; ISO
/// dates such as `'1994-01-01'` are the typical case).
#[derive(Clone, Copy)]
pub struct TextKey<'a> {
    bytes: &'a [u8],
    prefix: Option<u64>,
}

/// The first 8 bytes of `v` as a big-endian integer, when it has that many.
#[inline]
fn prefix8(v: &[u8]) -> Option<u64> {
    v.first_chunk::<8>().map(|p| u64::from_be_bytes(*p))
}

impl<'a> TextKey<'a> {
    /// Prepares `bytes`.
    pub fn new(bytes: &'a [u8]) -> Self {
        TextKey {
            bytes,
            prefix: prefix8(bytes),
        }
    }

    /// `v` compared with the key by bytes (exactly `v.cmp(key)`): when both have 8 bytes or
    /// more, their first 8 compare as big-endian integers in the same order as bytewise, and
    /// only equal prefixes look at the rest.
    #[inline]
    pub fn cmp_value(&self, v: &[u8]) -> Ordering {
        if let (Some(kp), Some(vp)) = (self.prefix, prefix8(v)) {
            if vp != kp {
                return vp.cmp(&kp);
            }
            return v[8..].cmp(&self.bytes[8..]);
        }
        v.cmp(self.bytes)
    }
}

/// Row access into a text column with the offsets and bytes looked up once.
#[derive(Clone, Copy)]
pub struct TextRows<'a> {
    offsets: &'a [i32],
    data: &'a [u8],
}

impl<'a> TextRows<'a> {
    /// Views `c`.
    pub fn new(c: &'a StringColumn) -> Self {
        TextRows {
            offsets: c.offsets(),
            data: c.data_buffer().as_slice(),
        }
    }

    /// The offsets and the value bytes.
    pub fn parts(&self) -> (&'a [i32], &'a [u8]) {
        (self.offsets, self.data)
    }

    /// The bytes of row `i` (`i` below the column's length).
    #[inline]
    pub fn get(&self, i: usize) -> &'a [u8] {
        &self.data[self.offsets[i] as usize..self.offsets[i + 1] as usize]
    }
}

fn cmp_t<T: Num>(op: CmpOp, a: &Value, b: &Value, words: &mut [u64], n: usize) -> Result<()> {
    let (x, y) = (operand::<T>(a)?, operand::<T>(b)?);
    with_op!(op, |holds| bits_operands(words, x, y, n, |a, b| holds(
        T::sql_cmp(a, b)
    )));
    Ok(())
}

fn cmp_str(op: CmpOp, a: &Value, b: &Value, words: &mut [u64], n: usize) -> Result<()> {
    fn get(v: &Value) -> Result<std::result::Result<&StringColumn, &String>> {
        match v {
            Value::Col(Column::Utf8(c)) => Ok(Ok(c)),
            Value::Const(Scalar::Str(s)) => Ok(Err(s)),
            _ => Err(internal("text comparison on a non-text value")),
        }
    }
    match (get(a)?, get(b)?) {
        (Ok(x), Ok(y)) => {
            let (x, y) = (TextRows::new(x), TextRows::new(y));
            with_op!(op, |holds| bits_indexed(words, n, |i| holds(
                x.get(i).cmp(y.get(i))
            )));
        }
        (Ok(x), Err(s)) => {
            let (x, k) = (TextRows::new(x), TextKey::new(s.as_bytes()));
            with_op!(op, |holds| bits_indexed(words, n, |i| holds(
                k.cmp_value(x.get(i))
            )));
        }
        (Err(s), Ok(y)) => {
            let (y, k) = (TextRows::new(y), TextKey::new(s.as_bytes()));
            with_op!(op, |holds| bits_indexed(words, n, |i| holds(
                k.cmp_value(y.get(i)).reverse()
            )));
        }
        (Err(s), Err(t)) => {
            let bit = cmp_holds(op, s.cmp(t));
            bits_indexed(words, n, |_| bit);
        }
    }
    Ok(())
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
    let mut failed = None;
    let bits = bitmap_with(n, |words| {
        let r = match ty {
            DataType::Utf8 => cmp_str(op, a, b, words, n),
            DataType::Bool => bools(a, n).and_then(|x| {
                let y = bools(b, n)?;
                bits_indexed(words, n, |i| cmp_holds(op, x[i].cmp(&y[i])));
                Ok(())
            }),
            _ => dispatch_num!(
                ty,
                cmp_t(op, a, b, words, n),
                Err(internal("bad comparison type"))
            ),
        };
        failed = r.err();
    })?;
    if let Some(e) = failed {
        return Err(e);
    }
    let valid = super::vector::and_validity(a.validity(), b.validity());
    Ok(Value::Col(bool_col_bits(bits, valid)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_key_orders_like_bytes() {
        let keys = [
            "",
            "1994",
            "1994-01-01",
            "1994-01-0",
            "1994-01-01x",
            "abcdefgh",
            "é",
        ];
        let vals = [
            "",
            "1993-12-31",
            "1994-01-01",
            "1994-01-02",
            "1994-01-0",
            "1994-01-011",
            "1995",
            "abcdefgg",
            "abcdefgh",
            "abcdefghi",
            "zz",
            "é",
            "éé",
        ];
        for k in keys {
            let key = TextKey::new(k.as_bytes());
            for v in vals {
                assert_eq!(
                    key.cmp_value(v.as_bytes()),
                    v.as_bytes().cmp(k.as_bytes()),
                    "{v} vs {k}"
                );
            }
        }
    }
}
