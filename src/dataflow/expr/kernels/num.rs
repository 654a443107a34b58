//! The numeric element trait the kernels are generic over (`i8 … i64`, `f32`, `f64`), so each
//! kernel is one monomorphised loop per type with no per-row type dispatch.

use std::cmp::Ordering;

use crate::dataflow::column::NativeType;
use crate::dataflow::expr::typed::Scalar;

/// A numeric column element.
pub trait Num: NativeType + Copy {
    /// True for `f32`/`f64`.
    const IS_FLOAT: bool;
    /// `a + b` (integers wrap).
    fn add(a: Self, b: Self) -> Self;
    /// `a - b` (integers wrap).
    fn sub(a: Self, b: Self) -> Self;
    /// `a * b` (integers wrap).
    fn mul(a: Self, b: Self) -> Self;
    /// `a / b`; integers: truncating, `None` (null) when `b` is zero, `MIN / -1` wraps;
    /// floats: IEEE (`x / 0.0` is ±inf or NaN), as DuckDB.
    fn div(a: Self, b: Self) -> Option<Self>;
    /// `a % b` with the sign of `a`; integers: `None` when `b` is zero; floats: IEEE.
    fn rem(a: Self, b: Self) -> Option<Self>;
    /// `-a` (integers wrap).
    fn neg(a: Self) -> Self;
    /// `abs(a)` (integers wrap: `abs(MIN)` is `MIN`).
    fn abs(a: Self) -> Self;
    /// SQL ordering: floats put NaN after every number and NaN equals NaN.
    fn sql_cmp(a: Self, b: Self) -> Ordering;
    /// An integer whose order is [`Self::sql_cmp`]'s (`-0.0` and `0.0` equal, every NaN the
    /// largest): comparing these compiles to a compare-and-set instead of the branches of a
    /// float `partial_cmp`, which mispredict on unsorted data.
    fn order_key(self) -> i64;
    /// Widening to `i64` (floats truncate toward zero, saturating; NaN is 0).
    fn to_i64(self) -> i64;
    /// Conversion to `f64`.
    fn to_f64(self) -> f64;
    /// From `i64`, wrapping to the width (floats round to nearest).
    fn from_i64(v: i64) -> Self;
    /// From `f64`, truncating toward zero and saturating for integers (NaN is 0).
    fn from_f64(v: f64) -> Self;
    /// The constant of a literal of this type.
    fn from_scalar(s: &Scalar) -> Self {
        match s {
            Scalar::Int(i) => Self::from_i64(*i),
            Scalar::Float(f) => Self::from_f64(*f),
            Scalar::Bool(b) => Self::from_i64(*b as i64),
            _ => Self::from_i64(0),
        }
    }
}

macro_rules! int_num {
    ($t:ty) => {
        impl Num for $t {
            const IS_FLOAT: bool = false;
            #[inline]
            fn add(a: Self, b: Self) -> Self {
                a.wrapping_add(b)
            }
            #[inline]
            fn sub(a: Self, b: Self) -> Self {
                a.wrapping_sub(b)
            }
            #[inline]
            fn mul(a: Self, b: Self) -> Self {
                a.wrapping_mul(b)
            }
            #[inline]
            fn div(a: Self, b: Self) -> Option<Self> {
                if b == 0 {
                    None
                } else {
                    Some(a.wrapping_div(b))
                }
            }
            #[inline]
            fn rem(a: Self, b: Self) -> Option<Self> {
                if b == 0 {
                    None
                } else {
                    Some(a.wrapping_rem(b))
                }
            }
            #[inline]
            fn neg(a: Self) -> Self {
                a.wrapping_neg()
            }
            #[inline]
            fn abs(a: Self) -> Self {
                a.wrapping_abs()
            }
            #[inline]
            fn sql_cmp(a: Self, b: Self) -> Ordering {
                a.cmp(&b)
            }
            #[inline]
            fn order_key(self) -> i64 {
                self as i64
            }
            #[inline]
            fn to_i64(self) -> i64 {
                self as i64
            }
            #[inline]
            fn to_f64(self) -> f64 {
                self as f64
            }
            #[inline]
            fn from_i64(v: i64) -> Self {
                v as $t
            }
            #[inline]
            fn from_f64(v: f64) -> Self {
                v as $t
            }
        }
    };
}
int_num!(i8);
int_num!(i16);
int_num!(i32);
int_num!(i64);

macro_rules! float_num {
    ($t:ty) => {
        impl Num for $t {
            const IS_FLOAT: bool = true;
            #[inline]
            fn add(a: Self, b: Self) -> Self {
                a + b
            }
            #[inline]
            fn sub(a: Self, b: Self) -> Self {
                a - b
            }
            #[inline]
            fn mul(a: Self, b: Self) -> Self {
                a * b
            }
            #[inline]
            fn div(a: Self, b: Self) -> Option<Self> {
                Some(a / b)
            }
            #[inline]
            fn rem(a: Self, b: Self) -> Option<Self> {
                Some(a % b)
            }
            #[inline]
            fn neg(a: Self) -> Self {
                -a
            }
            #[inline]
            fn abs(a: Self) -> Self {
                a.abs()
            }
            #[inline]
            fn sql_cmp(a: Self, b: Self) -> Ordering {
                match a.partial_cmp(&b) {
                    Some(o) => o,
                    None => a.is_nan().cmp(&b.is_nan()),
                }
            }
            #[inline]
            fn order_key(self) -> i64 {
                // `+ 0.0` turns -0.0 into 0.0; negative values flip their magnitude bits so
                // that larger magnitudes order lower.
                let v = self as f64 + 0.0;
                let bits = v.to_bits() as i64;
                let key = if bits < 0 { bits ^ i64::MAX } else { bits };
                if v.is_nan() { i64::MAX } else { key }
            }
            #[inline]
            fn to_i64(self) -> i64 {
                self as i64
            }
            #[inline]
            fn to_f64(self) -> f64 {
                self as f64
            }
            #[inline]
            fn from_i64(v: i64) -> Self {
                v as $t
            }
            #[inline]
            fn from_f64(v: f64) -> Self {
                v as $t
            }
        }
    };
}
float_num!(f32);
float_num!(f64);

/// Calls `$f::<T>($args)` with `T` the Rust type of numeric `DataType` `$ty`; evaluates `$other`
/// for non-numeric types.
#[macro_export]
macro_rules! dispatch_num {
    ($ty:expr, $f:ident ( $($arg:expr),* ), $other:expr) => {
        match $ty {
            $crate::dataflow::types::DataType::I8 => $f::<i8>($($arg),*),
            $crate::dataflow::types::DataType::I16 => $f::<i16>($($arg),*),
            $crate::dataflow::types::DataType::I32 => $f::<i32>($($arg),*),
            $crate::dataflow::types::DataType::I64 => $f::<i64>($($arg),*),
            $crate::dataflow::types::DataType::F32 => $f::<f32>($($arg),*),
            $crate::dataflow::types::DataType::F64 => $f::<f64>($($arg),*),
            _ => $other,
        }
    };
}

#[cfg(test)]
mod order_key_tests {
    use super::Num;

    #[test]
    fn order_keys_order_like_sql_cmp() {
        let f = [
            f64::NEG_INFINITY,
            -1e300,
            -2.0,
            -1.0,
            -f64::MIN_POSITIVE,
            -0.0,
            0.0,
            5e-324,
            1.0,
            2.5,
            f64::INFINITY,
            f64::NAN,
            -f64::NAN,
        ];
        for &a in &f {
            for &b in &f {
                assert_eq!(
                    a.order_key().cmp(&b.order_key()),
                    f64::sql_cmp(a, b),
                    "{a} {b}"
                );
                let (x, y) = (a as f32, b as f32);
                assert_eq!(
                    x.order_key().cmp(&y.order_key()),
                    f32::sql_cmp(x, y),
                    "{x} {y}"
                );
            }
        }
        let i = [i64::MIN, -5, 0, 7, i64::MAX];
        for &a in &i {
            for &b in &i {
                assert_eq!(a.order_key().cmp(&b.order_key()), a.cmp(&b));
            }
        }
    }
}
