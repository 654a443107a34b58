//! Theta's float text (§7): the shortest digits that read back to the same value, always with a
//! `.` or an exponent, `NaN`, `inf`, `-inf`. Exponent form when the decimal exponent is below -4
//! or at least 16 (as JavaScript and Python `repr` do), written without `+` or leading zeros:
//! `1e300`, `-2.5e-7`, `1e16`, `0.0001`, `1234.5`.

/// Formats an `f64` as Theta prints it.
pub fn format_f64(x: f64) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf".into() } else { "-inf".into() };
    }
    // `{:e}` gives the shortest round-trip digits in scientific form, e.g. `-2.5e-7`.
    layout(&format!("{x:e}"))
}

/// Formats an `f32` as Theta prints it (shortest digits that read back as the same `f32`).
pub fn format_f32(x: f32) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf".into() } else { "-inf".into() };
    }
    layout(&format!("{x:e}"))
}

/// Lays out Rust's scientific form `[-]d[.ddd]e[-]x` in Theta's style.
fn layout(sci: &str) -> String {
    let (neg, rest) = match sci.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, sci),
    };
    let (mantissa, exp) = rest.split_once('e').unwrap_or((rest, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let mut out = String::with_capacity(digits.len() + 8);
    if neg {
        out.push('-');
    }
    if !(-4..16).contains(&exp) {
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        out.push('e');
        out.push_str(&exp.to_string());
    } else if exp >= 0 {
        let int_len = exp as usize + 1;
        if digits.len() <= int_len {
            out.push_str(&digits);
            out.extend(std::iter::repeat_n('0', int_len - digits.len()));
            out.push_str(".0");
        } else {
            out.push_str(&digits[..int_len]);
            out.push('.');
            out.push_str(&digits[int_len..]);
        }
    } else {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', (-exp - 1) as usize));
        out.push_str(&digits);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_examples() {
        // §7: `1.0`, `0.1`, `1e300`, `-2.5e-7`, `NaN`, `inf`, `-inf`.
        assert_eq!(format_f64(1.0), "1.0");
        assert_eq!(format_f64(0.1), "0.1");
        assert_eq!(format_f64(1e300), "1e300");
        assert_eq!(format_f64(-2.5e-7), "-2.5e-7");
        assert_eq!(format_f64(f64::NAN), "NaN");
        assert_eq!(format_f64(f64::INFINITY), "inf");
        assert_eq!(format_f64(f64::NEG_INFINITY), "-inf");
    }

    #[test]
    fn positional_range_and_thresholds() {
        assert_eq!(format_f64(0.0), "0.0");
        assert_eq!(format_f64(-0.0), "-0.0");
        assert_eq!(format_f64(1234.5), "1234.5");
        assert_eq!(format_f64(-3.0), "-3.0");
        assert_eq!(format_f64(100.0), "100.0");
        assert_eq!(format_f64(0.0001), "0.0001");
        assert_eq!(format_f64(0.00012), "0.00012");
        assert_eq!(format_f64(0.00001), "1e-5");
        assert_eq!(format_f64(1e15), "1000000000000000.0");
        assert_eq!(format_f64(9999999999999998.0), "9999999999999998.0");
        assert_eq!(format_f64(1e16), "1e16");
        assert_eq!(format_f64(1.5e16), "1.5e16");
        assert_eq!(format_f64(123456789012345680.0), "1.2345678901234568e17");
        assert_eq!(format_f64(0.1 + 0.2), "0.30000000000000004");
        assert_eq!(format_f64(f64::MAX), "1.7976931348623157e308");
        assert_eq!(format_f64(f64::MIN_POSITIVE), "2.2250738585072014e-308");
        assert_eq!(format_f64(5e-324), "5e-324");
        assert_eq!(format_f64(-1e-5), "-1e-5");
    }

    #[test]
    fn f32_uses_f32_shortest_digits() {
        assert_eq!(format_f32(0.1), "0.1");
        assert_eq!(format_f32(1.0), "1.0");
        assert_eq!(format_f32(16777216.0), "16777216.0");
        assert_eq!(format_f32(f32::MAX), "3.4028235e38");
        assert_eq!(format_f32(1e-7), "1e-7");
        assert_eq!(format_f32(f32::NAN), "NaN");
        assert_eq!(format_f32(f32::NEG_INFINITY), "-inf");
        assert_eq!(format_f32(-0.0), "-0.0");
    }

    #[test]
    fn always_reads_back_and_has_point_or_exponent() {
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..20_000 {
            // xorshift over all bit patterns: covers subnormals, huge and tiny magnitudes.
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let f = f64::from_bits(x);
            if !f.is_finite() {
                continue;
            }
            let s = format_f64(f);
            assert!(s.contains('.') || s.contains('e'), "{s}");
            assert_eq!(s.parse::<f64>().unwrap().to_bits(), f.to_bits(), "{s}");
            let g = f32::from_bits(x as u32);
            if g.is_finite() {
                let s = format_f32(g);
                assert!(s.contains('.') || s.contains('e'), "{s}");
                assert_eq!(s.parse::<f32>().unwrap().to_bits(), g.to_bits(), "{s}");
            }
        }
    }
}
