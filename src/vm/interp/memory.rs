//! Handlers of moves and constants, and of the memory operations that stay in line: string
//! lengths, array and struct field access, globals and spill slots.

use super::dispatch::{error_of, handlers};
use crate::vm::objects as obj;
use crate::vm::state::Runtime;

/// `R[a] := R[b][R[c]]`: the in-line path and the trap (T0002 or a bad handle).
macro_rules! array_get {
    () => {
        |i, w, cx| {
            let elems = cx.m.rt.heap.array_elems(w[i.b as usize])?;
            // A negative index becomes a huge usize and fails the same check.
            w[i.a as usize] = *elems.get(w[i.c as usize] as usize)?;
            Some(())
        }
    };
    (trap) => {
        |i, w, cx| {
            error_of(obj::array_get(
                &cx.m.rt.heap,
                w[i.b as usize],
                w[i.c as usize],
            ))
        }
    };
}
/// `R[a][R[b]] := R[c]` (every element kind: the slot holds the value as is).
macro_rules! array_set {
    () => {
        |i, w, cx| {
            let elems = cx.m.rt.heap.array_elems_mut(w[i.a as usize])?;
            *elems.get_mut(w[i.b as usize] as usize)? = w[i.c as usize];
            Some(())
        }
    };
    (trap) => {
        |i, w, cx| {
            let (h, k, v) = (w[i.a as usize], w[i.b as usize], w[i.c as usize]);
            error_of(obj::array_set(&mut cx.m.rt.heap, h, k, v))
        }
    };
}
/// `R[a] := R[b].field(imm)`.
macro_rules! get_field {
    () => {
        |i, w, cx| {
            let fields = cx.m.rt.heap.struct_fields(w[i.b as usize])?;
            w[i.a as usize] = *fields.get(i.imm as usize)?;
            Some(())
        }
    };
    (trap) => {
        |i, w, cx| error_of(obj::get_field(&cx.m.rt.heap, w[i.b as usize], i.imm))
    };
}
/// `R[b].field(imm) := R[c]`.
macro_rules! set_field {
    () => {
        |i, w, cx| {
            let fields = cx.m.rt.heap.struct_fields_mut(w[i.b as usize])?;
            *fields.get_mut(i.imm as usize)? = w[i.c as usize];
            Some(())
        }
    };
    (trap) => {
        |i, w, cx| {
            let (h, v) = (w[i.b as usize], w[i.c as usize]);
            error_of(obj::set_field(&mut cx.m.rt.heap, h, i.imm, v))
        }
    };
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

    ArrayLen => checked(
        |i, w, cx| {
            w[i.a as usize] = cx.m.rt.heap.array_elems(w[i.b as usize])?.len() as u64;
            Some(())
        },
        |i, w, cx| error_of(obj::array_len(&cx.m.rt.heap, w[i.b as usize]))
    );
    StrLen => machine(|i, w, cx| {
        w[i.a as usize] = cx.m.rt.heap.str_len(w[i.b as usize]) as u64;
        Ok(())
    });
    ArrayGetI8 => checked(array_get!(), array_get!(trap));
    ArrayGetI16 => checked(array_get!(), array_get!(trap));
    ArrayGetI32 => checked(array_get!(), array_get!(trap));
    ArrayGetI64 => checked(array_get!(), array_get!(trap));
    ArrayGetF32 => checked(array_get!(), array_get!(trap));
    ArrayGetF64 => checked(array_get!(), array_get!(trap));
    ArrayGetBool => checked(array_get!(), array_get!(trap));
    ArrayGetRef => checked(array_get!(), array_get!(trap));
    ArraySetI8 => checked(array_set!(), array_set!(trap));
    ArraySetI16 => checked(array_set!(), array_set!(trap));
    ArraySetI32 => checked(array_set!(), array_set!(trap));
    ArraySetI64 => checked(array_set!(), array_set!(trap));
    ArraySetF32 => checked(array_set!(), array_set!(trap));
    ArraySetF64 => checked(array_set!(), array_set!(trap));
    ArraySetBool => checked(array_set!(), array_set!(trap));
    ArraySetRef => checked(array_set!(), array_set!(trap));
    GetFieldI8 => checked(get_field!(), get_field!(trap));
    GetFieldI16 => checked(get_field!(), get_field!(trap));
    GetFieldI32 => checked(get_field!(), get_field!(trap));
    GetFieldI64 => checked(get_field!(), get_field!(trap));
    GetFieldF32 => checked(get_field!(), get_field!(trap));
    GetFieldF64 => checked(get_field!(), get_field!(trap));
    GetFieldBool => checked(get_field!(), get_field!(trap));
    GetFieldRef => checked(get_field!(), get_field!(trap));
    SetFieldI8 => checked(set_field!(), set_field!(trap));
    SetFieldI16 => checked(set_field!(), set_field!(trap));
    SetFieldI32 => checked(set_field!(), set_field!(trap));
    SetFieldI64 => checked(set_field!(), set_field!(trap));
    SetFieldF32 => checked(set_field!(), set_field!(trap));
    SetFieldF64 => checked(set_field!(), set_field!(trap));
    SetFieldBool => checked(set_field!(), set_field!(trap));
    SetFieldRef => checked(set_field!(), set_field!(trap));

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
