//! Handlers of calls and returns. They switch the running frame and continue in the callee
//! (or the caller) with a tail call like any other handler, so Theta calls never nest native
//! frames: deep recursion is bounded by `max_frames` (T0004), never by the native stack.

#![allow(non_snake_case)]

use super::dispatch::{done, fetch, transfer, trap};
use super::{Ctx, Exit, Table, ensure_spills};
use crate::bytecode::{Instr, Opcode};
use crate::vm::frame::{Frame, Window};
use crate::vm::trap::{Trap, TrapKind};

/// Puts the call and return handlers into a dispatch table.
pub(super) const fn register<const EXACT: bool>(table: &mut Table) {
    table[Opcode::Call as usize] = Call::<EXACT>;
    table[Opcode::CallIndirect as usize] = CallIndirect::<EXACT>;
    table[Opcode::Ret as usize] = Ret::<EXACT>;
    table[Opcode::RetVoid as usize] = RetVoid::<EXACT>;
}

/// The handler of [`CALL`](Opcode::Call).
///
/// # Safety
///
/// The [`Handler`](super::Handler) contract.
pub(super) unsafe fn Call<'r, const EXACT: bool>(
    ip: *const Instr,
    code: *const Instr,
    w: Window<'r>,
    cx: &mut Ctx<'r>,
    n: usize,
) -> Exit {
    // SAFETY: `ip` points at this instruction (the contract); one past it is in bounds.
    let (ins, ip) = unsafe { (fetch(ip), ip.add(1)) };
    // SAFETY: `ip` is one past a call in `code` (the contract).
    unsafe { call::<EXACT>(ip, code, w, cx, n, ins, ins.imm as usize) }
}

/// The handler of [`CALL_INDIRECT`](Opcode::CallIndirect): traps T0005 on the null function.
///
/// # Safety
///
/// The [`Handler`](super::Handler) contract.
pub(super) unsafe fn CallIndirect<'r, const EXACT: bool>(
    ip: *const Instr,
    code: *const Instr,
    w: Window<'r>,
    cx: &mut Ctx<'r>,
    n: usize,
) -> Exit {
    // SAFETY: `ip` points at this instruction (the contract); one past it is in bounds.
    let (ins, ip) = unsafe { (fetch(ip), ip.add(1)) };
    let target = w[ins.imm as u8 as usize];
    if target >= cx.funcs.len() as u64 {
        let t = Trap::new(
            TrapKind::InvalidFunction,
            "call of a null function value (a global read before its initialiser ran)",
        );
        return trap(ip, w, cx, n, t);
    }
    // SAFETY: `ip` is one past a call in `code` (the contract).
    unsafe { call::<EXACT>(ip, code, w, cx, n, ins, target as usize) }
}

/// The handler of [`RET`](Opcode::Ret).
///
/// # Safety
///
/// The [`Handler`](super::Handler) contract.
pub(super) unsafe fn Ret<'r, const EXACT: bool>(
    ip: *const Instr,
    _code: *const Instr,
    w: Window<'r>,
    cx: &mut Ctx<'r>,
    n: usize,
) -> Exit {
    // SAFETY: `ip` points at this instruction (the contract); one past it is in bounds.
    let (ins, ip) = unsafe { (fetch(ip), ip.add(1)) };
    let v = w[ins.b as usize];
    // SAFETY: the contract.
    unsafe { ret::<EXACT>(ip, w, cx, n, Some(v)) }
}

/// The handler of [`RET_VOID`](Opcode::RetVoid).
///
/// # Safety
///
/// The [`Handler`](super::Handler) contract.
pub(super) unsafe fn RetVoid<'r, const EXACT: bool>(
    ip: *const Instr,
    _code: *const Instr,
    w: Window<'r>,
    cx: &mut Ctx<'r>,
    n: usize,
) -> Exit {
    // SAFETY: `ip` points at this instruction (the contract); one past it is in bounds.
    let ip = unsafe { ip.add(1) };
    // SAFETY: the contract.
    unsafe { ret::<EXACT>(ip, w, cx, n, None) }
}

/// Calls function `callee` (an index below `funcs.len()`) from the call instruction `ins`,
/// whose successor is `ip` in `code`, and continues at the callee's first instruction.
///
/// The common case runs in line with no native call (so the handler needs no stack frame):
/// anything that needs work first (the frame bound, growing the call, register or spill stack)
/// goes through [`call_slow`], which then comes back here.
///
/// # Safety
///
/// `ip` is one past a call instruction of the running function, whose code starts at `code`;
/// `w` and `cx` as in the [`Handler`](super::Handler) contract.
#[inline(always)]
unsafe fn call<'r, const EXACT: bool>(
    ip: *const Instr,
    code: *const Instr,
    w: Window<'r>,
    cx: &mut Ctx<'r>,
    n: usize,
    ins: Instr,
    callee: usize,
) -> Exit {
    let cf = &cx.funcs[callee];
    let f = cx.cur.f;
    let regs = f.num_registers as usize;
    let spill_base = cx.cur.spill_base + f.num_spill_slots as usize;
    let frames = &cx.m.frames;
    if frames.len() >= cx.cur.frame_bound
        || frames.len() == frames.capacity()
        || !cx.regs.fits(cx.regs.base() + regs)
        || spill_base + cf.num_spill_slots as usize > cx.m.spills.len()
    {
        // SAFETY: the contract of this function.
        return unsafe { call_slow::<EXACT>(ip, code, w, cx, n, ins, callee) };
    }
    // SAFETY: both point into the running function's code (the contract).
    let ret_pc = unsafe { ip.offset_from(code) } as u32;
    cx.m.frames.push(Frame {
        func: cx.cur.func as u32,
        ret_pc,
        dst: ins.a as u32,
        base: cx.regs.base(),
    });
    let w = cx.regs.push(w, regs, ins.b, ins.c);
    cx.cur.calls += 1;
    cx.cur.func = callee;
    cx.cur.f = cf;
    cx.cur.spill_base = spill_base;
    let entry = cf.code.as_ptr();
    // SAFETY: `entry` is the callee's first instruction (the verifier proves every function's
    // code non-empty), and the callee is now the running function.
    unsafe { transfer::<EXACT>(ip, entry, entry, w, cx, n) }
}

/// [`call`] when the call needs work first: traps T0004 at the frame bound, else grows the
/// call, register and spill stacks and makes the call.
///
/// # Safety
///
/// As for [`call`].
#[cold]
#[inline(never)]
unsafe fn call_slow<'r, const EXACT: bool>(
    ip: *const Instr,
    code: *const Instr,
    w: Window<'r>,
    cx: &mut Ctx<'r>,
    n: usize,
    ins: Instr,
    callee: usize,
) -> Exit {
    if cx.m.frames.len() >= cx.cur.frame_bound {
        let t = stack_overflow(cx.m.limits.max_frames, &cx.funcs[callee].name);
        return trap(ip, w, cx, n, t);
    }
    cx.m.frames.reserve(1);
    let f = cx.cur.f;
    cx.regs.give_back(w);
    cx.regs.grow_for(cx.regs.base() + f.num_registers as usize);
    let w = cx.regs.lend();
    let need = cx.cur.spill_base + (f.num_spill_slots + cx.funcs[callee].num_spill_slots) as usize;
    ensure_spills(&mut cx.m.spills, need);
    // SAFETY: the contract of this function; the call now needs no more work.
    unsafe { call::<EXACT>(ip, code, w, cx, n, ins, callee) }
}

/// Returns `v` (`None`: nothing) to the caller and continues after its call, or leaves the
/// handlers from the entry frame.
///
/// # Safety
///
/// `ip` is one past the return instruction; `w` and `cx` as in the
/// [`Handler`](super::Handler) contract.
#[inline(always)]
unsafe fn ret<'r, const EXACT: bool>(
    ip: *const Instr,
    w: Window<'r>,
    cx: &mut Ctx<'r>,
    n: usize,
    v: Option<u64>,
) -> Exit {
    let Some(fr) = cx.m.frames.pop() else {
        return done(ip, w, cx, n, v.unwrap_or(0));
    };
    let f = &cx.funcs[fr.func as usize];
    cx.cur.func = fr.func as usize;
    cx.cur.f = f;
    cx.cur.spill_base -= f.num_spill_slots as usize;
    // The caller's window fitted when it called.
    let mut w = cx.regs.slide(w, fr.base);
    if let Some(v) = v {
        // r0 is the constant zero: a call with no result register (or a void callee) writes
        // there, and r0 is restored right after.
        w[fr.dst as u8 as usize] = v;
        w[0] = 0;
    }
    let code = f.code.as_ptr();
    // SAFETY: `ret_pc` is the pc after the call that pushed this frame, in the caller's code
    // (the verifier proves a call is never the last instruction).
    let to = unsafe { code.add(fr.ret_pc as usize) };
    // SAFETY: `to` is an instruction of the caller, now the running function.
    unsafe { transfer::<EXACT>(ip, to, code, w, cx, n) }
}

/// The T0004 trap of a call that would exceed `max_frames`.
#[cold]
#[inline(never)]
fn stack_overflow(max_frames: usize, callee: &str) -> Trap {
    Trap::new(
        TrapKind::StackOverflow,
        format!("stack overflow: more than {max_frames} nested calls (calling {callee})"),
    )
}
