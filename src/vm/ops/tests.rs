//! Unit tests of the pure op semantics (§6): wrapping at each width, division traps, `MIN / -1`,
//! shift masking, saturating casts, `f32` rounding, byte-wise string comparison.

use super::*;

/// Reference wrap of an exact (i128) result to `bits`, sign-extended to an i64 slot.
fn wrap(x: i128, bits: u32) -> u64 {
    let m = 1i128 << bits;
    let mut r = x.rem_euclid(m);
    if r >= m / 2 {
        r -= m;
    }
    r as i64 as u64
}

/// Edge values of a width: MIN, MIN+1, -1, 0, 1, MAX-1, MAX and a few in between.
fn edges(bits: u32) -> Vec<i64> {
    let min = if bits == 64 {
        i64::MIN
    } else {
        -(1i64 << (bits - 1))
    };
    let max = if bits == 64 {
        i64::MAX
    } else {
        (1i64 << (bits - 1)) - 1
    };
    vec![
        min,
        min + 1,
        min / 2,
        -7,
        -2,
        -1,
        0,
        1,
        2,
        3,
        7,
        max / 2,
        max - 1,
        max,
    ]
}

type Bin = fn(u64, u64) -> u64;
type BinT = fn(u64, u64) -> Result<u64, Trap>;
/// Width and its `+ - * / % << >>` operations.
type WidthOps = (u32, Bin, Bin, Bin, BinT, BinT, Bin, Bin);

fn widths() -> [WidthOps; 4] {
    [
        (8, add_i8, sub_i8, mul_i8, div_i8, rem_i8, shl_i8, shr_i8),
        (
            16, add_i16, sub_i16, mul_i16, div_i16, rem_i16, shl_i16, shr_i16,
        ),
        (
            32, add_i32, sub_i32, mul_i32, div_i32, rem_i32, shl_i32, shr_i32,
        ),
        (
            64, add_i64, sub_i64, mul_i64, div_i64, rem_i64, shl_i64, shr_i64,
        ),
    ]
}

fn check_pair(bits: u32, ops: &WidthOps, a: i64, b: i64) {
    let (_, add, sub, mul, div, rem, shl, shr) = *ops;
    let (sa, sb) = (a as u64, b as u64);
    let (xa, xb) = (a as i128, b as i128);
    assert_eq!(add(sa, sb), wrap(xa + xb, bits), "{a}+{b} @{bits}");
    assert_eq!(sub(sa, sb), wrap(xa - xb, bits), "{a}-{b} @{bits}");
    assert_eq!(mul(sa, sb), wrap(xa * xb, bits), "{a}*{b} @{bits}");
    if b == 0 {
        assert_eq!(div(sa, sb).unwrap_err().kind, TrapKind::DivisionByZero);
        assert_eq!(rem(sa, sb).unwrap_err().kind, TrapKind::DivisionByZero);
    } else {
        // i128 `/` truncates toward zero and `%` has the dividend's sign, as §6 requires;
        // wrapping the exact quotient gives MIN / -1 == MIN.
        assert_eq!(div(sa, sb).unwrap(), wrap(xa / xb, bits), "{a}/{b} @{bits}");
        assert_eq!(rem(sa, sb).unwrap(), wrap(xa % xb, bits), "{a}%{b} @{bits}");
    }
    let count = (b as u64 & (bits as u64 - 1)) as u32;
    assert_eq!(shl(sa, sb), wrap(xa << count, bits), "{a}<<{b} @{bits}");
    assert_eq!(shr(sa, sb), wrap(xa >> count, bits), "{a}>>{b} @{bits}");
}

#[test]
fn i8_exhaustive_against_reference() {
    let ops = widths()[0];
    for a in -128i64..=127 {
        for b in -128i64..=127 {
            check_pair(8, &ops, a, b);
        }
    }
}

#[test]
fn all_widths_edge_values_against_reference() {
    for ops in widths() {
        let e = edges(ops.0);
        for &a in &e {
            for &b in &e {
                check_pair(ops.0, &ops, a, b);
            }
        }
    }
}

#[test]
fn pseudo_random_pairs_against_reference() {
    // xorshift: deterministic, covers the i16/i32/i64 interior.
    let mut s = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        s
    };
    for ops in widths() {
        for _ in 0..20_000 {
            let a = wrap(next() as i64 as i128, ops.0) as i64;
            let b = wrap(next() as i64 as i128, ops.0) as i64;
            check_pair(ops.0, &ops, a, b);
        }
    }
}

#[test]
fn min_div_minus_one_wraps_and_rem_is_zero() {
    assert_eq!(
        div_i8(i8::MIN as i64 as u64, -1i64 as u64).unwrap(),
        i8::MIN as i64 as u64
    );
    assert_eq!(rem_i8(i8::MIN as i64 as u64, -1i64 as u64).unwrap(), 0);
    assert_eq!(
        div_i16(i16::MIN as i64 as u64, -1i64 as u64).unwrap(),
        i16::MIN as i64 as u64
    );
    assert_eq!(rem_i16(i16::MIN as i64 as u64, -1i64 as u64).unwrap(), 0);
    assert_eq!(
        div_i32(i32::MIN as i64 as u64, -1i64 as u64).unwrap(),
        i32::MIN as i64 as u64
    );
    assert_eq!(rem_i32(i32::MIN as i64 as u64, -1i64 as u64).unwrap(), 0);
    assert_eq!(
        div_i64(i64::MIN as u64, -1i64 as u64).unwrap(),
        i64::MIN as u64
    );
    assert_eq!(rem_i64(i64::MIN as u64, -1i64 as u64).unwrap(), 0);
}

#[test]
fn division_truncates_and_remainder_has_dividend_sign() {
    let s = |x: i64| x as u64;
    assert_eq!(div_i64(s(-7), s(2)).unwrap(), s(-3));
    assert_eq!(rem_i64(s(-7), s(2)).unwrap(), s(-1));
    assert_eq!(rem_i64(s(7), s(-2)).unwrap(), s(1));
    assert_eq!(div_i32(s(7), s(-2)).unwrap(), s(-3));
    assert_eq!(div_i64(s(1), 0).unwrap_err().message, "division by zero");
}

#[test]
fn wrapping_examples_per_width() {
    let s = |x: i64| x as u64;
    assert_eq!(add_i8(s(127), s(1)), s(-128));
    assert_eq!(add_i16(s(32767), s(1)), s(-32768));
    assert_eq!(add_i32(s(i32::MAX as i64), s(1)), s(i32::MIN as i64));
    assert_eq!(add_i64(s(i64::MAX), s(1)), s(i64::MIN));
    assert_eq!(mul_i8(s(16), s(16)), s(0));
    assert_eq!(sub_i8(s(-128), s(1)), s(127));
    assert_eq!(neg_i8(s(-128)), s(-128));
    assert_eq!(neg_i32(s(5)), s(-5));
    assert_eq!(abs_i8(s(-128)), s(-128));
    assert_eq!(abs_i64(s(i64::MIN)), s(i64::MIN));
    assert_eq!(abs_i16(s(-300)), s(300));
}

#[test]
fn shift_counts_are_masked() {
    let s = |x: i64| x as u64;
    assert_eq!(shl_i8(s(1), s(8)), s(1)); // 8 & 7 == 0
    assert_eq!(shl_i8(s(1), s(7)), s(-128));
    assert_eq!(shl_i32(s(1), s(33)), s(2));
    assert_eq!(shl_i64(s(1), s(64)), s(1));
    assert_eq!(shl_i64(s(1), s(-1)), s(i64::MIN)); // -1 & 63 == 63
    assert_eq!(shr_i16(s(-32768), s(15)), s(-1)); // arithmetic
    assert_eq!(shr_i16(s(-32768), s(16)), s(-32768)); // 16 & 15 == 0
    assert_eq!(shr_i64(s(-8), s(1)), s(-4));
}

#[test]
fn bitwise_and_comparisons_on_canonical_slots() {
    let s = |x: i64| x as u64;
    assert_eq!(not_int(s(0)), s(-1));
    assert_eq!(not_int(s(-128)), s(127)); // i8: ~MIN == MAX, still canonical
    assert_eq!(and(s(-1), s(0x0F)), s(0x0F));
    assert_eq!(xor(s(-1), s(-1)), 0);
    assert_eq!(not_bool(1), 0);
    assert_eq!(not_bool(0), 1);
    assert_eq!(cmp_int(s(-1), s(1)), Ordering::Less);
    assert_eq!(min_int(s(-5), s(3)), s(-5));
    assert_eq!(max_int(s(-5), s(3)), s(3));
}

#[test]
fn float_to_int_truncates_saturates_and_nan_is_zero() {
    let f = slot_f64;
    let s = |x: i64| x as u64;
    assert_eq!(f64_to_int(f(2.9), IntWidth::I64), s(2));
    assert_eq!(f64_to_int(f(-2.9), IntWidth::I64), s(-2));
    assert_eq!(f64_to_int(f(1e300), IntWidth::I64), s(i64::MAX));
    assert_eq!(f64_to_int(f(-1e300), IntWidth::I64), s(i64::MIN));
    assert_eq!(f64_to_int(f(f64::NAN), IntWidth::I64), 0);
    assert_eq!(
        f64_to_int(f(f64::INFINITY), IntWidth::I32),
        s(i32::MAX as i64)
    );
    assert_eq!(f64_to_int(f(300.0), IntWidth::I8), s(127));
    assert_eq!(f64_to_int(f(-300.0), IntWidth::I8), s(-128));
    assert_eq!(f64_to_int(f(-40000.5), IntWidth::I16), s(-32768));
    assert_eq!(f32_to_int(slot_f32(f32::NAN), IntWidth::I8), 0);
    assert_eq!(f32_to_int(slot_f32(-1.5), IntWidth::I16), s(-1));
    assert_eq!(f32_to_int(slot_f32(3e9), IntWidth::I32), s(i32::MAX as i64));
    assert_eq!(
        f32_to_int(slot_f32(f32::NEG_INFINITY), IntWidth::I64),
        s(i64::MIN)
    );
}

#[test]
fn int_to_int_wraps() {
    let s = |x: i64| x as u64;
    assert_eq!(int_to_int(s(300), IntWidth::I8), s(44));
    assert_eq!(int_to_int(s(-129), IntWidth::I8), s(127));
    assert_eq!(int_to_int(s(65535), IntWidth::I16), s(-1));
    assert_eq!(int_to_int(s(1 << 40), IntWidth::I32), 0);
    assert_eq!(int_to_int(s(-5), IntWidth::I64), s(-5));
    assert_eq!(int_to_int(1, IntWidth::I8), 1); // bool as i8
}

#[test]
fn int_to_float_rounds_to_nearest_once() {
    // 2^53 + 1 is not representable in f64: ties to even gives 2^53.
    assert_eq!(
        f64_of(int_to_f64(((1i64 << 53) + 1) as u64)),
        9007199254740992.0
    );
    assert_eq!(f64_of(int_to_f64(-3i64 as u64)), -3.0);
    // i64 -> f32 directly: 2^24 + 1 rounds to 2^24 (even); and a value where going through f64
    // first would double-round: 2^60 + 2^36 + 1 → nearest f32 is 2^60 + 2^37.
    assert_eq!(f32_of(int_to_f32(((1i64 << 24) + 1) as u64)), 16777216.0);
    let v = (1i64 << 60) + (1i64 << 36) + 1;
    assert_eq!(
        f32_of(int_to_f32(v as u64)),
        ((1i64 << 60) + (1i64 << 37)) as f32
    );
    assert_eq!(int_to_f32(0) >> 32, 0, "f32 slot keeps the upper half zero");
}

#[test]
fn f32_arithmetic_rounds_in_f32() {
    let a = slot_f32(0.1);
    let b = slot_f32(0.2);
    assert_eq!(f32_of(add_f32(a, b)), 0.1f32 + 0.2f32);
    assert_eq!(f32_of(add_f32(a, b)), 0.3f32); // in f32, 0.1 + 0.2 == 0.3
    assert_ne!(f64_of(add_f64(slot_f64(0.1), slot_f64(0.2))), 0.3);
    assert_eq!(
        f32_of(mul_f32(slot_f32(16777216.0), slot_f32(1.0))),
        16777216.0
    );
    assert_eq!(
        f32_of(add_f32(slot_f32(16777216.0), slot_f32(1.0))),
        16777216.0
    );
    assert_eq!(f64_of(f32_to_f64(slot_f32(0.1))), 0.1f32 as f64);
    assert_eq!(f32_of(f64_to_f32(slot_f64(1e300))), f32::INFINITY);
    assert_eq!(f32_of(div_f32(slot_f32(1.0), slot_f32(0.0))), f32::INFINITY);
    assert!(f32_of(rem_f32(slot_f32(1.0), slot_f32(0.0))).is_nan());
    assert_eq!(
        f32_of(neg_f32(slot_f32(0.0))).to_bits(),
        (-0.0f32).to_bits()
    );
    assert_eq!(neg_f32(slot_f32(1.0)) >> 32, 0);
}

#[test]
fn float_comparisons_follow_ieee() {
    let n = slot_f64(f64::NAN);
    let one = slot_f64(1.0);
    assert!(!cmp_f64::eq(n, n));
    assert!(cmp_f64::ne(n, n));
    assert!(!cmp_f64::lt(n, one) && !cmp_f64::ge(n, one));
    assert!(cmp_f64::eq(slot_f64(0.0), slot_f64(-0.0)));
    assert!(cmp_f64::le(one, one) && cmp_f64::gt(slot_f64(2.0), one));
    let m = slot_f32(f32::NAN);
    assert!(!cmp_f32::eq(m, m) && cmp_f32::ne(m, m));
    assert!(cmp_f32::lt(slot_f32(1.0), slot_f32(2.0)));
    assert_eq!(f64_of(min_f64(n, one)), 1.0);
    assert_eq!(f32_of(max_f32(slot_f32(-1.0), slot_f32(2.0))), 2.0);
}

#[test]
fn strings_compare_by_bytes() {
    assert_eq!(cmp_bytes(b"abc", b"abd"), Ordering::Less);
    assert_eq!(cmp_bytes(b"ab", b"abc"), Ordering::Less);
    assert_eq!(cmp_bytes(b"Z", b"a"), Ordering::Less);
    assert_eq!(cmp_bytes("é".as_bytes(), b"z"), Ordering::Greater);
    assert!(CmpOp::Le.test(Ordering::Equal) && !CmpOp::Lt.test(Ordering::Equal));
    assert!(CmpOp::Ne.test(Ordering::Less) && CmpOp::Ge.test(Ordering::Greater));
}

#[test]
fn math_functions() {
    assert_eq!(MathFn::Round.apply_f64(2.5), 3.0);
    assert_eq!(MathFn::Round.apply_f64(-2.5), -3.0);
    assert_eq!(MathFn::Floor.apply_f64(-1.5), -2.0);
    assert_eq!(MathFn::Ceil.apply_f32(-1.5), -1.0);
    assert_eq!(MathFn::Sqrt.apply_f32(4.0), 2.0);
    assert!(MathFn::Log.apply_f64(-1.0).is_nan());
    assert_eq!(MathFn::Fabs.apply_f64(-0.5), 0.5);
}

#[test]
fn parsing_accepts_rust_grammar_and_traps_with_text() {
    assert_eq!(parse_i64("-42").unwrap(), -42);
    assert_eq!(parse_i64("+7").unwrap(), 7);
    for bad in [
        "",
        " 1",
        "1 ",
        "0x10",
        "1_000",
        "9223372036854775808",
        "abc",
    ] {
        let t = parse_i64(bad).unwrap_err();
        assert_eq!(t.kind, TrapKind::ParseError);
        assert!(t.message.contains(&format!("{bad:?}")), "{}", t.message);
    }
    assert_eq!(parse_f64("2.5e-3").unwrap(), 2.5e-3);
    assert_eq!(parse_f64("1").unwrap(), 1.0);
    assert_eq!(parse_f64("-inf").unwrap(), f64::NEG_INFINITY);
    assert!(parse_f64("NaN").unwrap().is_nan());
    for bad in ["", "1.0.0", " 1.0", "1e", "abc"] {
        assert_eq!(parse_f64(bad).unwrap_err().kind, TrapKind::ParseError);
    }
}

#[test]
fn loop_step_wraps_like_add_i64_ri() {
    for start in edges(64) {
        for step in [i8::MIN, -7, -1, 0, 1, 2, 100, i8::MAX] {
            let want = add_i64(start as u64, step as i64 as u64);
            assert_eq!(
                loop_step(start as u64, step as u8),
                want,
                "{start} + {step}"
            );
        }
    }
    assert_eq!(loop_step(i64::MAX as u64, 1) as i64, i64::MIN);
    assert_eq!(loop_step(i64::MIN as u64, (-1i8) as u8) as i64, i64::MAX);
    assert_eq!(loop_step(5, (-128i8) as u8) as i64, -123);
    assert_eq!(small_bound(0x80), -128);
    assert_eq!(small_bound(0x7f), 127);
    assert_eq!(small_bound(0xff), -1);
}
