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
