//! Literal values against their types (§6): range checks, wrapping and `f32` rounding.

use crate::check::types::Type;

/// The value of an integer literal with `magnitude` (negated when `negative`) in integer type
/// `ty`, or `None` when it does not fit. `-128` fits `i8`, `128` does not.
pub fn int_value(magnitude: u64, negative: bool, ty: &Type) -> Option<i64> {
    let bits = ty.int_bits()?;
    let max = (1u64 << (bits - 1)) - 1;
    if negative {
        if magnitude > max + 1 {
            return None;
        }
        Some((magnitude as i64).wrapping_neg())
    } else if magnitude > max {
        None
    } else {
        Some(magnitude as i64)
    }
}

/// Wraps `v` to the width of integer type `ty` and sign-extends it back to `i64` (two's
/// complement, as the run time does).
pub fn wrap_int(v: i64, ty: &Type) -> i64 {
    match ty {
        Type::I8 => v as i8 as i64,
        Type::I16 => v as i16 as i64,
        Type::I32 => v as i32 as i64,
        _ => v,
    }
}

/// The value of a float literal in float type `ty` (rounded to nearest for `f32`), or `None`
/// when a finite literal overflows the type.
pub fn float_value(v: f64, ty: &Type) -> Option<f64> {
    let r = if *ty == Type::F32 { v as f32 as f64 } else { v };
    if v.is_finite() && !r.is_finite() {
        None
    } else {
        Some(r)
    }
}

/// Inclusive range of integer type `ty`, for messages.
pub fn int_range(ty: &Type) -> Option<(i64, i64)> {
    let bits = ty.int_bits()?;
    let min = i64::MIN >> (64 - bits);
    let max = i64::MAX >> (64 - bits);
    Some((min, max))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_ranges() {
        assert_eq!(int_value(127, false, &Type::I8), Some(127));
        assert_eq!(int_value(128, false, &Type::I8), None);
        assert_eq!(int_value(128, true, &Type::I8), Some(-128));
        assert_eq!(int_value(129, true, &Type::I8), None);
        assert_eq!(int_value(65535, false, &Type::I16), None);
        assert_eq!(int_value(1 << 31, true, &Type::I32), Some(i32::MIN as i64));
        assert_eq!(
            int_value(i64::MAX as u64, false, &Type::I64),
            Some(i64::MAX)
        );
        assert_eq!(int_value(1 << 63, false, &Type::I64), None);
        assert_eq!(int_value(1 << 63, true, &Type::I64), Some(i64::MIN));
        assert_eq!(int_value(1, false, &Type::F64), None);
    }

    #[test]
    fn wrapping_and_ranges() {
        assert_eq!(wrap_int(200, &Type::I8), -56);
        assert_eq!(wrap_int(65536 + 5, &Type::I16), 5);
        assert_eq!(wrap_int(-1, &Type::I64), -1);
        assert_eq!(int_range(&Type::I8), Some((-128, 127)));
        assert_eq!(int_range(&Type::I64), Some((i64::MIN, i64::MAX)));
    }

    #[test]
    fn floats_round_to_f32() {
        assert_eq!(float_value(0.1, &Type::F32), Some(0.1f32 as f64));
        assert_eq!(float_value(0.1, &Type::F64), Some(0.1));
        assert_eq!(float_value(1e300, &Type::F32), None);
        assert_eq!(float_value(1e300, &Type::F64), Some(1e300));
    }
}
