//! Native built-ins of §7 (and the project extensions `byte_at`, `from_bytes`, `string_find`)
//! called by `CALL_BUILTIN`; the §8 table built-ins are forwarded to the dataflow bridge.

use super::dataflow;
use super::ops::{self, MathFn, f32_of, f64_of, slot_f32, slot_f64};
use super::state::Runtime;
use super::trap::{Trap, TrapKind};
use crate::bytecode::BuiltinOp;

/// Whether `op` may allocate heap objects (the interpreter offers a collection first).
pub fn allocates(op: BuiltinOp) -> bool {
    op.ret().is_some_and(|t| !t.is_scalar())
}

fn math(op: BuiltinOp) -> Option<(MathFn, bool)> {
    use BuiltinOp as B;
    Some(match op {
        B::SqrtF64 => (MathFn::Sqrt, true),
        B::SinF64 => (MathFn::Sin, true),
        B::CosF64 => (MathFn::Cos, true),
        B::TanF64 => (MathFn::Tan, true),
        B::ExpF64 => (MathFn::Exp, true),
        B::LogF64 => (MathFn::Log, true),
        B::FloorF64 => (MathFn::Floor, true),
        B::CeilF64 => (MathFn::Ceil, true),
        B::RoundF64 => (MathFn::Round, true),
        B::FabsF64 | B::AbsF64 => (MathFn::Fabs, true),
        B::SqrtF32 => (MathFn::Sqrt, false),
        B::SinF32 => (MathFn::Sin, false),
        B::CosF32 => (MathFn::Cos, false),
        B::TanF32 => (MathFn::Tan, false),
        B::ExpF32 => (MathFn::Exp, false),
        B::LogF32 => (MathFn::Log, false),
        B::FloorF32 => (MathFn::Floor, false),
        B::CeilF32 => (MathFn::Ceil, false),
        B::RoundF32 => (MathFn::Round, false),
        B::FabsF32 | B::AbsF32 => (MathFn::Fabs, false),
        _ => return None,
    })
}

/// Calls `op` on argument slots `args` (already type-checked by the verifier). Returns the
/// result slot, or `None` for a built-in that returns nothing.
pub fn call(rt: &mut Runtime, op: BuiltinOp, args: &[u64]) -> Result<Option<u64>, Trap> {
    use BuiltinOp as B;
    let arg = |i: usize| args.get(i).copied().unwrap_or(0);
    if let Some((f, is_f64)) = math(op) {
        return Ok(Some(if is_f64 {
            slot_f64(f.apply_f64(f64_of(arg(0))))
        } else {
            slot_f32(f.apply_f32(f32_of(arg(0))))
        }));
    }
    let v = match op {
        B::PowF64 => slot_f64(f64_of(arg(0)).powf(f64_of(arg(1)))),
        B::PowF32 => slot_f32(f32_of(arg(0)).powf(f32_of(arg(1)))),
        B::AbsI8 => ops::abs_i8(arg(0)),
        B::AbsI16 => ops::abs_i16(arg(0)),
        B::AbsI32 => ops::abs_i32(arg(0)),
        B::AbsI64 => ops::abs_i64(arg(0)),
        B::MinI8 | B::MinI16 | B::MinI32 | B::MinI64 => ops::min_int(arg(0), arg(1)),
        B::MaxI8 | B::MaxI16 | B::MaxI32 | B::MaxI64 => ops::max_int(arg(0), arg(1)),
        B::MinF32 => ops::min_f32(arg(0), arg(1)),
        B::MaxF32 => ops::max_f32(arg(0), arg(1)),
        B::MinF64 => ops::min_f64(arg(0), arg(1)),
        B::MaxF64 => ops::max_f64(arg(0), arg(1)),
        B::Clock => slot_f64(rt.clock_start.elapsed().as_secs_f64()),
        B::Assert => {
            if arg(0) == 0 {
                let msg = rt.heap.str(arg(1));
                return Err(Trap::new(
                    TrapKind::AssertionFailed,
                    format!("assertion failed: {msg}"),
                ));
            }
            return Ok(None);
        }
        B::Substr => substr(rt, arg(0), arg(1) as i64, arg(2) as i64)?,
        B::ParseI64 => ops::parse_i64(rt.heap.str(arg(0)))? as u64,
        B::ParseF64 => slot_f64(ops::parse_f64(rt.heap.str(arg(0)))?),
        B::ByteAt => {
            let s = rt.heap.str(arg(0)).as_bytes();
            let i = arg(1);
            match s.get(i as usize) {
                Some(&byte) => byte as u64,
                None => {
                    return Err(Trap::new(
                        TrapKind::IndexOutOfBounds,
                        format!(
                            "byte_at: index out of bounds: the index is {} but the length is {}",
                            i as i64,
                            s.len()
                        ),
                    ));
                }
            }
        }
        B::FromBytes => from_bytes(rt, arg(0))?,
        B::StringFind => string_find(rt.heap.str(arg(0)), rt.heap.str(arg(1)), arg(2) as i64),
        _ => return dataflow::builtin(rt, op, args),
    };
    Ok(Some(v))
}

/// `substr(s, start, count)`: bytes `start..start+count`; traps T0009 outside the string or
/// when either end is not on a UTF-8 character boundary.
fn substr(rt: &mut Runtime, h: u64, start: i64, count: i64) -> Result<u64, Trap> {
    let s = rt.heap.str(h);
    let len = s.len();
    let end = start.checked_add(count);
    let range = match end {
        Some(end) if start >= 0 && count >= 0 && end as u64 <= len as u64 => {
            start as usize..end as usize
        }
        _ => {
            return Err(Trap::new(
                TrapKind::StringRange,
                format!(
                    "substr: range start {start} count {count} is outside the string of length {len}"
                ),
            ));
        }
    };
    let Some(piece) = s.get(range.clone()) else {
        return Err(Trap::new(
            TrapKind::StringRange,
            format!(
                "substr: byte range {}..{} is not on UTF-8 character boundaries",
                range.start, range.end
            ),
        ));
    };
    if piece.len() == len {
        return Ok(h);
    }
    if piece.is_empty() {
        return Ok(rt.empty_str);
    }
    rt.heap.alloc_substr(h, range.start, range.end)
}

/// `from_bytes(b: i64[])`: each element must be in `0..=255` and the bytes valid UTF-8.
fn from_bytes(rt: &mut Runtime, h: u64) -> Result<u64, Trap> {
    let arr = rt
        .heap
        .array(h)
        .ok_or_else(|| super::objects::bad_handle("array"))?;
    let mut bytes = Vec::with_capacity(arr.elems.len());
    for (i, &v) in arr.elems.iter().enumerate() {
        let v = v as i64;
        let Ok(byte) = u8::try_from(v) else {
            return Err(Trap::new(
                TrapKind::InvalidUtf8,
                format!("from_bytes: element {i} is {v}, not a byte (0..=255)"),
            ));
        };
        bytes.push(byte);
    }
    let s = String::from_utf8(bytes).map_err(|e| {
        Trap::new(
            TrapKind::InvalidUtf8,
            format!(
                "from_bytes: invalid UTF-8 at byte offset {}",
                e.utf8_error().valid_up_to()
            ),
        )
    })?;
    rt.heap.alloc_str(&s)
}

/// `string_find(s, needle, from)`: the first byte offset `>= from` where `needle` occurs, or -1.
/// A negative `from` counts as 0; `from` past the end finds nothing (except an empty needle at
/// `len`).
fn string_find(s: &str, needle: &str, from: i64) -> u64 {
    let from = from.max(0) as u64;
    if from > s.len() as u64 {
        return -1i64 as u64;
    }
    let hay = &s.as_bytes()[from as usize..];
    let n = needle.as_bytes();
    if n.is_empty() {
        return from;
    }
    hay.windows(n.len())
        .position(|w| w == n)
        .map_or(-1i64 as u64, |p| from + p as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_find_cases() {
        assert_eq!(string_find("hello", "l", 0), 2);
        assert_eq!(string_find("hello", "l", 3), 3);
        assert_eq!(string_find("hello", "l", 4) as i64, -1);
        assert_eq!(string_find("hello", "", 5), 5);
        assert_eq!(string_find("hello", "", 6) as i64, -1);
        assert_eq!(string_find("hello", "he", -3), 0);
        assert_eq!(string_find("", "x", 0) as i64, -1);
    }
}
