//! Handlers of the jumps: unconditional, on a bool, and the fused compare-and-branch forms.

// `JNLT_F64`… are defined as `!(a < b)` (taken on NaN), which is exactly what this lint flags.
#![allow(clippy::neg_cmp_op_on_partial_ord)]

use super::dispatch::handlers;
use crate::vm::ops;

/// Integer compare-and-branch on two registers.
macro_rules! jcmp {
    ($op:tt) => {
        |i, w| (w[i.b as usize] as i64) $op (w[i.c as usize] as i64)
    };
}
/// Integer compare-and-branch on a register and the small constant `c` (read as `i8`).
macro_rules! jcmp_ri {
    ($op:tt) => {
        |i, w| (w[i.b as usize] as i64) $op (i.c as i8 as i64)
    };
}
/// Float compare-and-branch (`$of` reads the register as `f32` or `f64`).
macro_rules! fjump {
    ($of:ident, $op:tt) => {
        |i, w| ops::$of(w[i.b as usize]) $op ops::$of(w[i.c as usize])
    };
}
/// Fused loop step (`INCR_J*`): `R[a] += c as i8` (wrapping like `ADD_I64_RI`), then compare the
/// new counter with R[b] (`reg`) or with the `b` byte read as `i8` (`small`).
macro_rules! incr_jump {
    ($op:tt, reg) => {
        |i, w| {
            let counter = ops::loop_step(w[i.a as usize], i.c);
            w[i.a as usize] = counter;
            (counter as i64) $op (w[i.b as usize] as i64)
        }
    };
    ($op:tt, small) => {
        |i, w| {
            let counter = ops::loop_step(w[i.a as usize], i.c);
            w[i.a as usize] = counter;
            (counter as i64) $op ops::small_bound(i.b)
        }
    };
}
/// Fused loop step by a register (`ADD_J*`): `R[a] += R[c]` (wrapping like `ADD_I64`), then
/// compare the new counter with R[b].
macro_rules! add_jump {
    ($op:tt) => {
        |i, w| {
            let counter = ops::add_i64(w[i.a as usize], w[i.c as usize]);
            w[i.a as usize] = counter;
            (counter as i64) $op (w[i.b as usize] as i64)
        }
    };
}
/// Negated float compare-and-branch: also taken when either operand is NaN.
macro_rules! fjump_not {
    ($of:ident, $op:tt) => {
        |i, w| !(ops::$of(w[i.b as usize]) $op ops::$of(w[i.c as usize]))
    };
}

handlers! {
    Jmp => branch(|_, _| true);
    JTrue => branch(|i, w| w[i.b as usize] != 0);
    JFalse => branch(|i, w| w[i.b as usize] == 0);
    Jeq => branch(jcmp!(==));
    Jne => branch(jcmp!(!=));
    Jlt => branch(jcmp!(<));
    Jle => branch(jcmp!(<=));
    Jgt => branch(jcmp!(>));
    Jge => branch(jcmp!(>=));
    JeqRi => branch(jcmp_ri!(==));
    JneRi => branch(jcmp_ri!(!=));
    JltRi => branch(jcmp_ri!(<));
    JleRi => branch(jcmp_ri!(<=));
    JgtRi => branch(jcmp_ri!(>));
    JgeRi => branch(jcmp_ri!(>=));
    JeqF64 => branch(fjump!(f64_of, ==));
    JneF64 => branch(fjump!(f64_of, !=));
    JltF64 => branch(fjump!(f64_of, <));
    JleF64 => branch(fjump!(f64_of, <=));
    JnltF64 => branch(fjump_not!(f64_of, <));
    JnleF64 => branch(fjump_not!(f64_of, <=));
    JeqF32 => branch(fjump!(f32_of, ==));
    JneF32 => branch(fjump!(f32_of, !=));
    JltF32 => branch(fjump!(f32_of, <));
    JleF32 => branch(fjump!(f32_of, <=));
    JnltF32 => branch(fjump_not!(f32_of, <));
    JnleF32 => branch(fjump_not!(f32_of, <=));
    IncrJlt => branch(incr_jump!(<, reg));
    IncrJle => branch(incr_jump!(<=, reg));
    IncrJgt => branch(incr_jump!(>, reg));
    IncrJge => branch(incr_jump!(>=, reg));
    IncrJltRi => branch(incr_jump!(<, small));
    IncrJleRi => branch(incr_jump!(<=, small));
    IncrJgtRi => branch(incr_jump!(>, small));
    IncrJgeRi => branch(incr_jump!(>=, small));
    AddJlt => branch(add_jump!(<));
    AddJle => branch(add_jump!(<=));
    AddJgt => branch(add_jump!(>));
    AddJge => branch(add_jump!(>=));
}
