//! Pure operation semantics (§6) on 64-bit register slots, apart from dispatch.
//!
//! Register encoding (ISA.md): integers sign-extended to 64 bits, `f64` as its bits, `f32` as its
//! bits in the low 32 bits, `bool` as 0/1. An integer op at width W computes at W bits (wrapping)
//! and re-sign-extends, so every result is again a canonical slot. Because inputs are canonical,
//! integer comparisons at every width are plain `i64` comparisons, and `& | ^` need no re-extension.

use std::cmp::Ordering;

use super::trap::{Trap, TrapKind};

/// The trap for integer `/` or `%` by zero.
pub fn division_by_zero() -> Trap {
    Trap::new(TrapKind::DivisionByZero, "division by zero")
}

macro_rules! int_ops {
    ($t:ty, $add:ident, $sub:ident, $mul:ident, $div:ident, $rem:ident, $shl:ident, $shr:ident,
     $neg:ident, $abs:ident, $sext:ident) => {
        #[doc = concat!("Re-sign-extends the low bits of `v` as `", stringify!($t), "` (wrapping cast).")]
        #[inline(always)]
        pub fn $sext(v: u64) -> u64 {
            v as $t as i64 as u64
        }
        #[doc = concat!("Wrapping `+` on `", stringify!($t), "`.")]
        #[inline(always)]
        pub fn $add(a: u64, b: u64) -> u64 {
            (a as $t).wrapping_add(b as $t) as i64 as u64
        }
        #[doc = concat!("Wrapping `-` on `", stringify!($t), "`.")]
        #[inline(always)]
        pub fn $sub(a: u64, b: u64) -> u64 {
            (a as $t).wrapping_sub(b as $t) as i64 as u64
        }
        #[doc = concat!("Wrapping `*` on `", stringify!($t), "`.")]
        #[inline(always)]
        pub fn $mul(a: u64, b: u64) -> u64 {
            (a as $t).wrapping_mul(b as $t) as i64 as u64
        }
        #[doc = concat!("`/` on `", stringify!($t), "`: truncates; traps on 0; `MIN / -1 == MIN`.")]
        #[inline(always)]
        pub fn $div(a: u64, b: u64) -> Result<u64, Trap> {
            if b as $t == 0 {
                return Err(division_by_zero());
            }
            Ok((a as $t).wrapping_div(b as $t) as i64 as u64)
        }
        #[doc = concat!("`%` on `", stringify!($t), "`: sign of the dividend; traps on 0; `MIN % -1 == 0`.")]
        #[inline(always)]
        pub fn $rem(a: u64, b: u64) -> Result<u64, Trap> {
            if b as $t == 0 {
                return Err(division_by_zero());
            }
            Ok((a as $t).wrapping_rem(b as $t) as i64 as u64)
        }
        #[doc = concat!("`<<` on `", stringify!($t), "`; the count is masked to width - 1.")]
        #[inline(always)]
        pub fn $shl(a: u64, b: u64) -> u64 {
            (a as $t).wrapping_shl(b as u32) as i64 as u64
        }
        #[doc = concat!("Arithmetic `>>` on `", stringify!($t), "`; the count is masked to width - 1.")]
        #[inline(always)]
        pub fn $shr(a: u64, b: u64) -> u64 {
            (a as $t).wrapping_shr(b as u32) as i64 as u64
        }
        #[doc = concat!("Wrapping unary `-` on `", stringify!($t), "`.")]
        #[inline(always)]
        pub fn $neg(a: u64) -> u64 {
            (a as $t).wrapping_neg() as i64 as u64
        }
        #[doc = concat!("`abs` on `", stringify!($t), "`; wraps: `abs(MIN) == MIN`.")]
        #[inline(always)]
        pub fn $abs(a: u64) -> u64 {
            (a as $t).wrapping_abs() as i64 as u64
        }
    };
}

int_ops!(
    i8, add_i8, sub_i8, mul_i8, div_i8, rem_i8, shl_i8, shr_i8, neg_i8, abs_i8, sext_i8
);
int_ops!(
    i16, add_i16, sub_i16, mul_i16, div_i16, rem_i16, shl_i16, shr_i16, neg_i16, abs_i16, sext_i16
);
int_ops!(
    i32, add_i32, sub_i32, mul_i32, div_i32, rem_i32, shl_i32, shr_i32, neg_i32, abs_i32, sext_i32
);
int_ops!(
    i64, add_i64, sub_i64, mul_i64, div_i64, rem_i64, shl_i64, shr_i64, neg_i64, abs_i64, sext_i64
);

macro_rules! int_div_ri {
    ($t:ty, $div:ident, $rem:ident) => {
        #[doc = concat!("`/` on `", stringify!($t), "` by the immediate of `DIV_*_RI` (non-zero after verification; 0 reads as 0 rather than panicking).")]
        #[inline(always)]
        pub fn $div(a: u64, imm: i32) -> u64 {
            match imm as $t {
                0 => 0,
                d => (a as $t).wrapping_div(d) as i64 as u64,
            }
        }
        #[doc = concat!("`%` on `", stringify!($t), "` by the immediate of `REM_*_RI` (non-zero after verification; 0 reads as 0 rather than panicking).")]
        #[inline(always)]
        pub fn $rem(a: u64, imm: i32) -> u64 {
            match imm as $t {
                0 => 0,
                d => (a as $t).wrapping_rem(d) as i64 as u64,
            }
        }
    };
}

int_div_ri!(i8, div_ri_i8, rem_ri_i8);
int_div_ri!(i16, div_ri_i16, rem_ri_i16);
int_div_ri!(i32, div_ri_i32, rem_ri_i32);
int_div_ri!(i64, div_ri_i64, rem_ri_i64);

/// The step of the fused loop opcodes (`INCR_J*`): the counter plus the `c` byte read as
/// `i8`, wrapping at i64 exactly like `ADD_I64_RI`; the opcode stores it and then compares it.
#[inline(always)]
pub fn loop_step(counter: u64, step: u8) -> u64 {
    add_i64(counter, step as i8 as i64 as u64)
}

/// The bound of an `INCR_J*_RI` opcode: the `b` byte read as `i8`.
#[inline(always)]
pub fn small_bound(b: u8) -> i64 {
    b as i8 as i64
}

/// `&` on any integer width (canonical inputs give a canonical result) or on `bool`.
#[inline(always)]
pub fn and(a: u64, b: u64) -> u64 {
    a & b
}
/// `|` on any integer width or on `bool`.
#[inline(always)]
pub fn or(a: u64, b: u64) -> u64 {
    a | b
}
/// `^` on any integer width or on `bool`.
#[inline(always)]
pub fn xor(a: u64, b: u64) -> u64 {
    a ^ b
}
/// `~` on any integer width (the complement of a sign-extended value is sign-extended).
#[inline(always)]
pub fn not_int(a: u64) -> u64 {
    !a
}
/// `!` on `bool`.
#[inline(always)]
pub fn not_bool(a: u64) -> u64 {
    a ^ 1
}

/// Signed integer comparison at any width (slots are sign-extended).
#[inline(always)]
pub fn cmp_int(a: u64, b: u64) -> Ordering {
    (a as i64).cmp(&(b as i64))
}
/// `min` on any integer width.
#[inline(always)]
pub fn min_int(a: u64, b: u64) -> u64 {
    (a as i64).min(b as i64) as u64
}
/// `max` on any integer width.
#[inline(always)]
pub fn max_int(a: u64, b: u64) -> u64 {
    (a as i64).max(b as i64) as u64
}

/// Boolean as a slot.
#[inline(always)]
pub fn from_bool(b: bool) -> u64 {
    b as u64
}

// ---- floats ----------------------------------------------------------------------------------

/// An `f64` slot's value.
#[inline(always)]
pub fn f64_of(v: u64) -> f64 {
    f64::from_bits(v)
}
/// An `f64` as a slot.
#[inline(always)]
pub fn slot_f64(x: f64) -> u64 {
    x.to_bits()
}
/// An `f32` slot's value (its bits are the low 32 bits of the slot).
#[inline(always)]
pub fn f32_of(v: u64) -> f32 {
    f32::from_bits(v as u32)
}
/// An `f32` as a slot (upper 32 bits zero).
#[inline(always)]
pub fn slot_f32(x: f32) -> u64 {
    x.to_bits() as u64
}

macro_rules! float_binops {
    ($get:ident, $put:ident, $($name:ident => $op:tt),*) => {
        $(
            #[doc = concat!("IEEE `", stringify!($op), "` via `", stringify!($get), "`.")]
            #[inline(always)]
            pub fn $name(a: u64, b: u64) -> u64 {
                $put($get(a) $op $get(b))
            }
        )*
    };
}
float_binops!(f64_of, slot_f64, add_f64 => +, sub_f64 => -, mul_f64 => *, div_f64 => /, rem_f64 => %);
float_binops!(f32_of, slot_f32, add_f32 => +, sub_f32 => -, mul_f32 => *, div_f32 => /, rem_f32 => %);

/// Unary `-` on `f64` (flips the sign bit, also of NaN and zero).
#[inline(always)]
pub fn neg_f64(a: u64) -> u64 {
    slot_f64(-f64_of(a))
}
/// `sqrt` on `f64` (one `sqrtsd`).
#[inline(always)]
pub fn sqrt_f64(a: u64) -> u64 {
    slot_f64(f64_of(a).sqrt())
}
/// Unary `-` on `f32`.
#[inline(always)]
pub fn neg_f32(a: u64) -> u64 {
    slot_f32(-f32_of(a))
}

/// IEEE comparisons on `f64`; every comparison with NaN is false except `!=`.
pub mod cmp_f64 {
    use super::f64_of;
    /// `a == b`
    #[inline(always)]
    pub fn eq(a: u64, b: u64) -> bool {
        f64_of(a) == f64_of(b)
    }
    /// `a != b`
    #[inline(always)]
    pub fn ne(a: u64, b: u64) -> bool {
        f64_of(a) != f64_of(b)
    }
    /// `a < b`
    #[inline(always)]
    pub fn lt(a: u64, b: u64) -> bool {
        f64_of(a) < f64_of(b)
    }
    /// `a <= b`
    #[inline(always)]
    pub fn le(a: u64, b: u64) -> bool {
        f64_of(a) <= f64_of(b)
    }
    /// `a > b`
    #[inline(always)]
    pub fn gt(a: u64, b: u64) -> bool {
        f64_of(a) > f64_of(b)
    }
    /// `a >= b`
    #[inline(always)]
    pub fn ge(a: u64, b: u64) -> bool {
        f64_of(a) >= f64_of(b)
    }
}

/// IEEE comparisons on `f32`.
pub mod cmp_f32 {
    use super::f32_of;
    /// `a == b`
    #[inline(always)]
    pub fn eq(a: u64, b: u64) -> bool {
        f32_of(a) == f32_of(b)
    }
    /// `a != b`
    #[inline(always)]
    pub fn ne(a: u64, b: u64) -> bool {
        f32_of(a) != f32_of(b)
    }
    /// `a < b`
    #[inline(always)]
    pub fn lt(a: u64, b: u64) -> bool {
        f32_of(a) < f32_of(b)
    }
    /// `a <= b`
    #[inline(always)]
    pub fn le(a: u64, b: u64) -> bool {
        f32_of(a) <= f32_of(b)
    }
    /// `a > b`
    #[inline(always)]
    pub fn gt(a: u64, b: u64) -> bool {
        f32_of(a) > f32_of(b)
    }
    /// `a >= b`
    #[inline(always)]
    pub fn ge(a: u64, b: u64) -> bool {
        f32_of(a) >= f32_of(b)
    }
}

// ---- casts (§6 `as`) -------------------------------------------------------------------------

/// An integer width, for casts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IntWidth {
    /// `i8`
    I8,
    /// `i16`
    I16,
    /// `i32`
    I32,
    /// `i64`
    I64,
}

/// Integer → integer (also `bool` → integer): wraps to the target width.
#[inline(always)]
pub fn int_to_int(v: u64, to: IntWidth) -> u64 {
    match to {
        IntWidth::I8 => sext_i8(v),
        IntWidth::I16 => sext_i16(v),
        IntWidth::I32 => sext_i32(v),
        IntWidth::I64 => v,
    }
}

/// `f64` → integer: truncates toward zero, saturates at the target's range, NaN → 0.
/// (Rust's `as` from float to int has exactly these semantics.)
#[inline(always)]
pub fn f64_to_int(v: u64, to: IntWidth) -> u64 {
    let x = f64_of(v);
    match to {
        IntWidth::I8 => x as i8 as i64 as u64,
        IntWidth::I16 => x as i16 as i64 as u64,
        IntWidth::I32 => x as i32 as i64 as u64,
        IntWidth::I64 => x as i64 as u64,
    }
}

/// `f32` → integer: truncates toward zero, saturates, NaN → 0.
#[inline(always)]
pub fn f32_to_int(v: u64, to: IntWidth) -> u64 {
    let x = f32_of(v);
    match to {
        IntWidth::I8 => x as i8 as i64 as u64,
        IntWidth::I16 => x as i16 as i64 as u64,
        IntWidth::I32 => x as i32 as i64 as u64,
        IntWidth::I64 => x as i64 as u64,
    }
}

/// Integer (any width, canonical) → `f64`, rounding to nearest (ties to even).
#[inline(always)]
pub fn int_to_f64(v: u64) -> u64 {
    slot_f64(v as i64 as f64)
}
/// Integer → `f32`, rounding to nearest in one step (no double rounding through `f64`).
#[inline(always)]
pub fn int_to_f32(v: u64) -> u64 {
    slot_f32(v as i64 as f32)
}
/// `f64` → `f32`: rounds to nearest; out of range becomes ±inf.
#[inline(always)]
pub fn f64_to_f32(v: u64) -> u64 {
    slot_f32(f64_of(v) as f32)
}
/// `f32` → `f64`: exact.
#[inline(always)]
pub fn f32_to_f64(v: u64) -> u64 {
    slot_f64(f32_of(v) as f64)
}

// ---- strings ---------------------------------------------------------------------------------

/// String comparison by bytes (§6).
#[inline]
pub fn cmp_bytes(a: &[u8], b: &[u8]) -> Ordering {
    a.cmp(b)
}

/// Applies a comparison operator to an [`Ordering`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmpOp {
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl CmpOp {
    /// Whether `ord` satisfies the operator.
    #[inline(always)]
    pub fn test(self, ord: Ordering) -> bool {
        match self {
            CmpOp::Eq => ord == Ordering::Equal,
            CmpOp::Ne => ord != Ordering::Equal,
            CmpOp::Lt => ord == Ordering::Less,
            CmpOp::Le => ord != Ordering::Greater,
            CmpOp::Gt => ord == Ordering::Greater,
            CmpOp::Ge => ord != Ordering::Less,
        }
    }
}

// ---- §7 math on floats -----------------------------------------------------------------------

/// The one-argument float functions of §7.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MathFn {
    /// `sqrt`
    Sqrt,
    /// `sin`
    Sin,
    /// `cos`
    Cos,
    /// `tan`
    Tan,
    /// `exp`
    Exp,
    /// `log` (natural)
    Log,
    /// `floor`
    Floor,
    /// `ceil`
    Ceil,
    /// `round`: halves away from zero
    Round,
    /// `fabs`
    Fabs,
}

impl MathFn {
    /// Applies the function to an `f64`.
    pub fn apply_f64(self, x: f64) -> f64 {
        match self {
            MathFn::Sqrt => x.sqrt(),
            MathFn::Sin => x.sin(),
            MathFn::Cos => x.cos(),
            MathFn::Tan => x.tan(),
            MathFn::Exp => x.exp(),
            MathFn::Log => x.ln(),
            MathFn::Floor => x.floor(),
            MathFn::Ceil => x.ceil(),
            MathFn::Round => x.round(),
            MathFn::Fabs => x.abs(),
        }
    }

    /// Applies the function to an `f32` (computed in `f32`).
    pub fn apply_f32(self, x: f32) -> f32 {
        match self {
            MathFn::Sqrt => x.sqrt(),
            MathFn::Sin => x.sin(),
            MathFn::Cos => x.cos(),
            MathFn::Tan => x.tan(),
            MathFn::Exp => x.exp(),
            MathFn::Log => x.ln(),
            MathFn::Floor => x.floor(),
            MathFn::Ceil => x.ceil(),
            MathFn::Round => x.round(),
            MathFn::Fabs => x.abs(),
        }
    }
}

/// `min` on `f64`: IEEE minNum (a NaN operand yields the other operand).
#[inline]
pub fn min_f64(a: u64, b: u64) -> u64 {
    slot_f64(f64_of(a).min(f64_of(b)))
}
/// `max` on `f64`: IEEE maxNum.
#[inline]
pub fn max_f64(a: u64, b: u64) -> u64 {
    slot_f64(f64_of(a).max(f64_of(b)))
}
/// `min` on `f32`.
#[inline]
pub fn min_f32(a: u64, b: u64) -> u64 {
    slot_f32(f32_of(a).min(f32_of(b)))
}
/// `max` on `f32`.
#[inline]
pub fn max_f32(a: u64, b: u64) -> u64 {
    slot_f32(f32_of(a).max(f32_of(b)))
}

// ---- §7 parsing ------------------------------------------------------------------------------

/// `parse_i64`: optional `+`/`-` then decimal digits, nothing else (no spaces, no `_`, no hex),
/// as Rust's `i64::from_str`. Out of range is an error. Returns the trap naming the text.
pub fn parse_i64(s: &str) -> Result<i64, Trap> {
    s.parse::<i64>().map_err(|_| {
        Trap::new(
            TrapKind::ParseError,
            format!("parse_i64: invalid integer text {s:?}"),
        )
    })
}

/// `parse_f64`: Rust's `f64::from_str` grammar — decimal (`1`, `1.5`, `.5`, `5.`, `1e9`, `-2.5E-3`),
/// `inf`/`infinity`/`nan` in any case with an optional sign. No surrounding spaces. Returns the trap
/// naming the text.
pub fn parse_f64(s: &str) -> Result<f64, Trap> {
    s.parse::<f64>().map_err(|_| {
        Trap::new(
            TrapKind::ParseError,
            format!("parse_f64: invalid float text {s:?}"),
        )
    })
}

#[cfg(test)]
mod tests;
