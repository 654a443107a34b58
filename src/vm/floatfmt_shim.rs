//! Temporary stand-in for `crate::dataflow::floatfmt` (the TABLES helper's shortest round-trip
//! float formatter) with the same signatures; removed when the `tables` branch is merged.
//! Rust's `Debug` for floats already prints the shortest round-trip text with a `.` or an
//! exponent (`1.0`, `1e300`, `-2.5e-7`) and `NaN`/`inf`/`-inf`, as §7 asks.

/// `x` as §7 prints an `f64`.
pub fn format_f64(x: f64) -> String {
    format!("{x:?}")
}

/// `x` as §7 prints an `f32`.
pub fn format_f32(x: f32) -> String {
    format!("{x:?}")
}
