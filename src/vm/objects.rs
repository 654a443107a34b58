//! Object operations the dispatch loop delegates to: strings, arrays, structs, printing.
//! Kept out of `interp.rs` so the loop stays small; each helper is `#[inline]` where hot.

use super::format::{self, FmtCtx};
use super::heap::{Heap, OBJECT_OVERHEAD};
use super::ops;
use super::state::Runtime;
use super::trap::{Trap, TrapKind};
use crate::bytecode::VType;

/// The trap for a handle that names no object of the expected kind (impossible after
/// verification; reported instead of panicking).
#[cold]
pub fn bad_handle(what: &str) -> Trap {
    Trap::new(TrapKind::Internal, format!("invalid {what} handle"))
}

#[cold]
fn out_of_bounds(i: u64, len: usize) -> Trap {
    Trap::new(
        TrapKind::IndexOutOfBounds,
        format!(
            "index out of bounds: the index is {} but the length is {len}",
            i as i64
        ),
    )
}

/// `a[i]`: traps T0002 outside `0..len`.
#[inline(always)]
pub fn array_get(heap: &Heap, h: u64, i: u64) -> Result<u64, Trap> {
    let elems = heap.array_elems(h).ok_or_else(|| bad_handle("array"))?;
    // A negative index becomes a huge usize and fails the same check.
    match elems.get(i as usize) {
        Some(&v) => Ok(v),
        None => Err(out_of_bounds(i, elems.len())),
    }
}

/// `a[i] = v`: traps T0002 outside `0..len`.
#[inline(always)]
pub fn array_set(heap: &mut Heap, h: u64, i: u64, v: u64) -> Result<(), Trap> {
    let elems = heap.array_elems_mut(h).ok_or_else(|| bad_handle("array"))?;
    let len = elems.len();
    match elems.get_mut(i as usize) {
        Some(slot) => {
            *slot = v;
            Ok(())
        }
        None => Err(out_of_bounds(i, len)),
    }
}

/// `len(a)`.
#[inline]
pub fn array_len(heap: &Heap, h: u64) -> Result<u64, Trap> {
    Ok(heap
        .array_elems(h)
        .ok_or_else(|| bad_handle("array"))?
        .len() as u64)
}

/// `p.f`.
#[inline(always)]
pub fn get_field(heap: &Heap, h: u64, field: i32) -> Result<u64, Trap> {
    heap.struct_fields(h)
        .and_then(|s| s.get(field as usize))
        .copied()
        .ok_or_else(|| bad_handle("struct"))
}

/// `p.f = v`.
#[inline(always)]
pub fn set_field(heap: &mut Heap, h: u64, field: i32, v: u64) -> Result<(), Trap> {
    let slot = heap
        .struct_fields_mut(h)
        .and_then(|s| s.get_mut(field as usize))
        .ok_or_else(|| bad_handle("struct"))?;
    *slot = v;
    Ok(())
}

/// A struct literal from field slots.
pub fn struct_new(rt: &mut Runtime, id: i32, fields: &[u64]) -> Result<u64, Trap> {
    rt.heap.alloc_struct(id as u32, fields)
}

/// The element type of the array type `T[ty]`.
fn elem_type(rt: &Runtime, ty: i32) -> Result<&VType, Trap> {
    match rt.module.types.get(ty as usize) {
        Some(VType::Array(elem)) => Ok(elem),
        _ => Err(Trap::new(
            TrapKind::Internal,
            format!("type #{ty} is not an array type"),
        )),
    }
}

/// `new E[n]` for the array type `T[ty]`.
pub fn array_new(rt: &mut Runtime, ty: i32, n: u64) -> Result<u64, Trap> {
    let elem = elem_type(rt, ty)?.clone();
    rt.new_array(&elem, n as i64)
}

/// An array literal of type `T[ty]` from element slots.
#[inline]
pub fn array_lit(rt: &mut Runtime, ty: i32, elems: &[u64]) -> Result<u64, Trap> {
    let refs = !elem_type(rt, ty)?.is_scalar();
    rt.heap.alloc_array(refs, elems)
}

/// The bytes an allocation of a string of `len` bytes accounts for.
pub fn str_cost(len: usize) -> usize {
    len + OBJECT_OVERHEAD
}

/// `a + b` on strings.
pub fn concat(rt: &mut Runtime, a: u64, b: u64) -> Result<u64, Trap> {
    let (la, lb) = (rt.heap.str(a).len(), rt.heap.str(b).len());
    if lb == 0 {
        return Ok(a);
    }
    if la == 0 {
        return Ok(b);
    }
    rt.heap.concat(a, b)
}

/// String comparison by bytes (§6).
#[inline]
pub fn str_cmp(heap: &Heap, a: u64, b: u64, op: ops::CmpOp) -> u64 {
    ops::from_bool(op.test(ops::cmp_bytes(
        heap.str(a).as_bytes(),
        heap.str(b).as_bytes(),
    )))
}

/// A formatting context over the runtime's heap and module.
pub fn fmt_ctx(rt: &Runtime) -> FmtCtx<'_> {
    FmtCtx {
        heap: &rt.heap,
        structs: &rt.module.structs,
        foreign: super::dataflow::format_foreign,
    }
}

fn pool_type(rt: &Runtime, ty: i32) -> Result<&VType, Trap> {
    rt.module
        .types
        .get(ty as usize)
        .ok_or_else(|| Trap::new(TrapKind::Internal, format!("no type #{ty}")))
}

/// `to_string(v)` for `v` of type `T[ty]`.
pub fn to_string(rt: &mut Runtime, ty: i32, v: u64) -> Result<u64, Trap> {
    let s = match pool_type(rt, ty)? {
        VType::Str => return Ok(v),
        // The common case in string building: digits straight into the heap, no buffers.
        VType::I8 | VType::I16 | VType::I32 | VType::I64 => {
            let mut buf = [0u8; format::INT_TEXT_MAX];
            return rt.heap.alloc_ascii(format::int_text(&mut buf, v as i64));
        }
        t => fmt_ctx(rt).to_string(t, v),
    };
    rt.new_str(&s)
}

/// `print` of a value of type `T[ty]` (no separator or newline).
pub fn print_value(rt: &mut Runtime, ty: i32, v: u64) -> Result<(), Trap> {
    let mut buf = std::mem::take(&mut rt.out.buf);
    let printed = pool_type(rt, ty).map(|t| fmt_ctx(rt).write(&mut buf, t, v));
    rt.out.buf = buf;
    printed
}

/// `print` of a string (its bytes).
#[inline]
pub fn print_str(rt: &mut Runtime, v: u64) {
    let s = rt.heap.str(v);
    rt.out.buf.extend_from_slice(s.as_bytes());
}

/// `print` of an integer.
#[inline]
pub fn print_int(rt: &mut Runtime, v: u64) {
    format::write_int(&mut rt.out.buf, v as i64);
}
