//! Handlers of the register-to-register value operations: integer and float arithmetic,
//! bitwise operations, comparisons producing a bool, and casts. The semantics are the pure
//! functions of [`crate::vm::ops`].

use super::dispatch::{error_of, handlers};
use crate::vm::ops::{self, IntWidth};

/// `R[a] := f(R[b], R[c])`.
macro_rules! bin {
    ($f:path) => {
        |i, w| w[i.a as usize] = $f(w[i.b as usize], w[i.c as usize])
    };
}
/// `R[a] := f(R[b], imm)` (imm sign-extended to 64 bits).
macro_rules! bin_ri {
    ($f:path) => {
        |i, w| w[i.a as usize] = $f(w[i.b as usize], i.imm as i64 as u64)
    };
}
/// `R[a] := f(R[b])`.
macro_rules! un {
    ($f:expr) => {
        |i, w| w[i.a as usize] = $f(w[i.b as usize])
    };
}
/// `R[a] := R[b] op R[c]` on integers (signed: registers hold sign-extended values).
macro_rules! cmp {
    ($op:tt) => {
        |i, w| w[i.a as usize] = ((w[i.b as usize] as i64) $op (w[i.c as usize] as i64)) as u64
    };
}
/// `R[a] := R[b] op imm`.
macro_rules! cmp_ri {
    ($op:tt) => {
        |i, w| w[i.a as usize] = ((w[i.b as usize] as i64) $op (i.imm as i64)) as u64
    };
}
/// `R[a] := f(R[b], R[c])` for a float comparison.
macro_rules! fcmp {
    ($f:path) => {
        |i, w| w[i.a as usize] = $f(w[i.b as usize], w[i.c as usize]) as u64
    };
}
/// `/` and `%` on width `$t`: in line unless the divisor is zero (`div!(trap f)` builds that
/// T0001 out of line).
macro_rules! div {
    ($f:path, $t:ty) => {
        |i, w, _| {
            // The same test as in `$f`, so its error branch folds away.
            if w[i.c as usize] as $t == 0 {
                return None;
            }
            w[i.a as usize] = $f(w[i.b as usize], w[i.c as usize]).ok()?;
            Some(())
        }
    };
    (trap $f:path) => {
        |i, w, _| error_of($f(w[i.b as usize], w[i.c as usize]))
    };
}
/// `R[a] := f(R[b], imm)` for `/` and `%` by a constant (the verifier proved imm non-zero).
macro_rules! div_ri {
    ($f:path) => {
        |i, w| w[i.a as usize] = $f(w[i.b as usize], i.imm)
    };
}
/// `R[a] := f(R[b], width)` for float-to-integer casts.
macro_rules! to_int {
    ($f:path, $width:ident) => {
        |i, w| w[i.a as usize] = $f(w[i.b as usize], IntWidth::$width)
    };
}

handlers! {
    AddI8 => value(bin!(ops::add_i8));
    AddI16 => value(bin!(ops::add_i16));
    AddI32 => value(bin!(ops::add_i32));
    AddI64 => value(bin!(ops::add_i64));
    SubI8 => value(bin!(ops::sub_i8));
    SubI16 => value(bin!(ops::sub_i16));
    SubI32 => value(bin!(ops::sub_i32));
    SubI64 => value(bin!(ops::sub_i64));
    MulI8 => value(bin!(ops::mul_i8));
    MulI16 => value(bin!(ops::mul_i16));
    MulI32 => value(bin!(ops::mul_i32));
    MulI64 => value(bin!(ops::mul_i64));
    DivI8 => checked(div!(ops::div_i8, i8), div!(trap ops::div_i8));
    DivI16 => checked(div!(ops::div_i16, i16), div!(trap ops::div_i16));
    DivI32 => checked(div!(ops::div_i32, i32), div!(trap ops::div_i32));
    DivI64 => checked(div!(ops::div_i64, i64), div!(trap ops::div_i64));
    RemI8 => checked(div!(ops::rem_i8, i8), div!(trap ops::rem_i8));
    RemI16 => checked(div!(ops::rem_i16, i16), div!(trap ops::rem_i16));
    RemI32 => checked(div!(ops::rem_i32, i32), div!(trap ops::rem_i32));
    RemI64 => checked(div!(ops::rem_i64, i64), div!(trap ops::rem_i64));
    ShlI8 => value(bin!(ops::shl_i8));
    ShlI16 => value(bin!(ops::shl_i16));
    ShlI32 => value(bin!(ops::shl_i32));
    ShlI64 => value(bin!(ops::shl_i64));
    ShrI8 => value(bin!(ops::shr_i8));
    ShrI16 => value(bin!(ops::shr_i16));
    ShrI32 => value(bin!(ops::shr_i32));
    ShrI64 => value(bin!(ops::shr_i64));
    NegI8 => value(un!(ops::neg_i8));
    NegI16 => value(un!(ops::neg_i16));
    NegI32 => value(un!(ops::neg_i32));
    NegI64 => value(un!(ops::neg_i64));

    AddI8Ri => value(bin_ri!(ops::add_i8));
    AddI16Ri => value(bin_ri!(ops::add_i16));
    AddI32Ri => value(bin_ri!(ops::add_i32));
    AddI64Ri => value(bin_ri!(ops::add_i64));
    SubI8Ri => value(bin_ri!(ops::sub_i8));
    SubI16Ri => value(bin_ri!(ops::sub_i16));
    SubI32Ri => value(bin_ri!(ops::sub_i32));
    SubI64Ri => value(bin_ri!(ops::sub_i64));
    MulI8Ri => value(bin_ri!(ops::mul_i8));
    MulI16Ri => value(bin_ri!(ops::mul_i16));
    MulI32Ri => value(bin_ri!(ops::mul_i32));
    MulI64Ri => value(bin_ri!(ops::mul_i64));
    ShlI8Ri => value(bin_ri!(ops::shl_i8));
    ShlI16Ri => value(bin_ri!(ops::shl_i16));
    ShlI32Ri => value(bin_ri!(ops::shl_i32));
    ShlI64Ri => value(bin_ri!(ops::shl_i64));
    ShrI8Ri => value(bin_ri!(ops::shr_i8));
    ShrI16Ri => value(bin_ri!(ops::shr_i16));
    ShrI32Ri => value(bin_ri!(ops::shr_i32));
    ShrI64Ri => value(bin_ri!(ops::shr_i64));
    DivI8Ri => value(div_ri!(ops::div_ri_i8));
    DivI16Ri => value(div_ri!(ops::div_ri_i16));
    DivI32Ri => value(div_ri!(ops::div_ri_i32));
    DivI64Ri => value(div_ri!(ops::div_ri_i64));
    RemI8Ri => value(div_ri!(ops::rem_ri_i8));
    RemI16Ri => value(div_ri!(ops::rem_ri_i16));
    RemI32Ri => value(div_ri!(ops::rem_ri_i32));
    RemI64Ri => value(div_ri!(ops::rem_ri_i64));

    And => value(bin!(ops::and));
    Or => value(bin!(ops::or));
    Xor => value(bin!(ops::xor));
    AndRi => value(bin_ri!(ops::and));
    OrRi => value(bin_ri!(ops::or));
    XorRi => value(bin_ri!(ops::xor));
    BitNot => value(un!(ops::not_int));
    NotBool => value(un!(ops::not_bool));
    Eq => value(cmp!(==));
    Ne => value(cmp!(!=));
    Lt => value(cmp!(<));
    Le => value(cmp!(<=));
    Gt => value(cmp!(>));
    Ge => value(cmp!(>=));
    EqRi => value(cmp_ri!(==));
    NeRi => value(cmp_ri!(!=));
    LtRi => value(cmp_ri!(<));
    LeRi => value(cmp_ri!(<=));
    GtRi => value(cmp_ri!(>));
    GeRi => value(cmp_ri!(>=));

    AddF32 => value(bin!(ops::add_f32));
    SubF32 => value(bin!(ops::sub_f32));
    MulF32 => value(bin!(ops::mul_f32));
    DivF32 => value(bin!(ops::div_f32));
    RemF32 => value(bin!(ops::rem_f32));
    NegF32 => value(un!(ops::neg_f32));
    AddF64 => value(bin!(ops::add_f64));
    SubF64 => value(bin!(ops::sub_f64));
    MulF64 => value(bin!(ops::mul_f64));
    DivF64 => value(bin!(ops::div_f64));
    RemF64 => value(bin!(ops::rem_f64));
    NegF64 => value(un!(ops::neg_f64));
    SqrtF64 => value(un!(ops::sqrt_f64));
    EqF32 => value(fcmp!(ops::cmp_f32::eq));
    NeF32 => value(fcmp!(ops::cmp_f32::ne));
    LtF32 => value(fcmp!(ops::cmp_f32::lt));
    LeF32 => value(fcmp!(ops::cmp_f32::le));
    GtF32 => value(fcmp!(ops::cmp_f32::gt));
    GeF32 => value(fcmp!(ops::cmp_f32::ge));
    EqF64 => value(fcmp!(ops::cmp_f64::eq));
    NeF64 => value(fcmp!(ops::cmp_f64::ne));
    LtF64 => value(fcmp!(ops::cmp_f64::lt));
    LeF64 => value(fcmp!(ops::cmp_f64::le));
    GtF64 => value(fcmp!(ops::cmp_f64::gt));
    GeF64 => value(fcmp!(ops::cmp_f64::ge));

    CastToI8 => value(un!(ops::sext_i8));
    CastToI16 => value(un!(ops::sext_i16));
    CastToI32 => value(un!(ops::sext_i32));
    CastToI64 => value(un!(|v| v));
    CastIntF32 => value(un!(ops::int_to_f32));
    CastIntF64 => value(un!(ops::int_to_f64));
    CastF32I8 => value(to_int!(ops::f32_to_int, I8));
    CastF32I16 => value(to_int!(ops::f32_to_int, I16));
    CastF32I32 => value(to_int!(ops::f32_to_int, I32));
    CastF32I64 => value(to_int!(ops::f32_to_int, I64));
    CastF64I8 => value(to_int!(ops::f64_to_int, I8));
    CastF64I16 => value(to_int!(ops::f64_to_int, I16));
    CastF64I32 => value(to_int!(ops::f64_to_int, I32));
    CastF64I64 => value(to_int!(ops::f64_to_int, I64));
    CastF32F64 => value(un!(ops::f32_to_f64));
    CastF64F32 => value(un!(ops::f64_to_f32));
}
