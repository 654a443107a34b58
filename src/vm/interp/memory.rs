//! Handlers of moves and constants, and of the memory operations that stay in line: array
//! and struct field access, globals and spill slots.

use super::dispatch::handlers;
use crate::vm::objects as obj;
use crate::vm::state::Runtime;

/// `R[a] := f(heap, R[b], x)?` (an array or field read; traps on a bad index).
macro_rules! get {
    ($f:path, $x:ident) => {
        |i, w, cx| {
            w[i.a as usize] = $f(&cx.m.rt.heap, w[i.b as usize], get!(@$x i, w))?;
            Ok(())
        }
    };
    (@reg $i:ident, $w:ident) => { $w[$i.c as usize] };
    (@imm $i:ident, $w:ident) => { $i.imm };
}

handlers! {
    Nop => value(|_, _| {});
    Mov => value(|i, w| w[i.a as usize] = w[i.b as usize]);
    LoadImm => value(|i, w| w[i.a as usize] = i.imm as i64 as u64);
    LoadF32 => value(|i, w| w[i.a as usize] = i.imm as u32 as u64);
    LoadConstI64 => machine(|i, w, cx| {
        w[i.a as usize] = cx.module.consts_i64[i.imm as usize] as u64;
        Ok(())
    });
    LoadConstF64 => machine(|i, w, cx| {
        w[i.a as usize] = cx.module.consts_f64[i.imm as usize].to_bits();
        Ok(())
    });
    LoadConstStr => value(|i, w| w[i.a as usize] = Runtime::const_str(i.imm as u32));
    LoadFunc => value(|i, w| w[i.a as usize] = i.imm as u32 as u64);

    ArrayLen => machine(|i, w, cx| {
        w[i.a as usize] = obj::array_len(&cx.m.rt.heap, w[i.b as usize])?;
        Ok(())
    });
    ArrayGetI8 => machine(get!(obj::array_get, reg));
    ArrayGetI16 => machine(get!(obj::array_get, reg));
    ArrayGetI32 => machine(get!(obj::array_get, reg));
    ArrayGetI64 => machine(get!(obj::array_get, reg));
    ArrayGetF32 => machine(get!(obj::array_get, reg));
    ArrayGetF64 => machine(get!(obj::array_get, reg));
    ArrayGetBool => machine(get!(obj::array_get, reg));
    ArrayGetRef => machine(get!(obj::array_get, reg));
    ArraySetI8 => machine(array_set);
    ArraySetI16 => machine(array_set);
    ArraySetI32 => machine(array_set);
    ArraySetI64 => machine(array_set);
    ArraySetF32 => machine(array_set);
    ArraySetF64 => machine(array_set);
    ArraySetBool => machine(array_set);
    ArraySetRef => machine(array_set);
    GetFieldI8 => machine(get!(obj::get_field, imm));
    GetFieldI16 => machine(get!(obj::get_field, imm));
    GetFieldI32 => machine(get!(obj::get_field, imm));
    GetFieldI64 => machine(get!(obj::get_field, imm));
    GetFieldF32 => machine(get!(obj::get_field, imm));
    GetFieldF64 => machine(get!(obj::get_field, imm));
    GetFieldBool => machine(get!(obj::get_field, imm));
    GetFieldRef => machine(get!(obj::get_field, imm));
    SetFieldI8 => machine(set_field);
    SetFieldI16 => machine(set_field);
    SetFieldI32 => machine(set_field);
    SetFieldI64 => machine(set_field);
    SetFieldF32 => machine(set_field);
    SetFieldF64 => machine(set_field);
    SetFieldBool => machine(set_field);
    SetFieldRef => machine(set_field);

    GetGlobal => machine(|i, w, cx| {
        w[i.a as usize] = cx.m.globals[i.imm as usize];
        Ok(())
    });
    SetGlobal => machine(|i, w, cx| {
        cx.m.globals[i.imm as usize] = w[i.b as usize];
        Ok(())
    });
    Spill => machine(|i, w, cx| {
        cx.m.spills[cx.cur.spill_base + i.imm as usize] = w[i.b as usize];
        Ok(())
    });
    Reload => machine(|i, w, cx| {
        w[i.a as usize] = cx.m.spills[cx.cur.spill_base + i.imm as usize];
        Ok(())
    });
}

/// `R[a][R[b]] := R[c]` (every element kind: the slot holds the value as is).
#[inline(always)]
fn array_set(
    i: crate::bytecode::Instr,
    w: &mut crate::vm::frame::Window,
    cx: &mut super::Ctx<'_>,
) -> Result<(), crate::vm::trap::Trap> {
    obj::array_set(
        &mut cx.m.rt.heap,
        w[i.a as usize],
        w[i.b as usize],
        w[i.c as usize],
    )
}

/// `R[b].field(imm) := R[c]`.
#[inline(always)]
fn set_field(
    i: crate::bytecode::Instr,
    w: &mut crate::vm::frame::Window,
    cx: &mut super::Ctx<'_>,
) -> Result<(), crate::vm::trap::Trap> {
    obj::set_field(&mut cx.m.rt.heap, w[i.b as usize], i.imm, w[i.c as usize])
}
