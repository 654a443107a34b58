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
    let (callee, ip) = unsafe { ((*ip).imm as usize, ip.add(1)) };
    // SAFETY: `ip` is one past a call in `code` (the contract).
    unsafe { call::<EXACT>(ip, code, w, cx, n, callee) }
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
    let (imm, ip) = unsafe { ((*ip).imm, ip.add(1)) };
    let target = w[imm as u8 as usize];
    if target >= cx.targets.len() as u64 {
        return null_function(ip, w, cx, n);
    }
    // SAFETY: `ip` is one past a call in `code` (the contract).
    unsafe { call::<EXACT>(ip, code, w, cx, n, target as usize) }
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

/// The argument words a call copies whatever its argument count (see
/// [`RegStack::push_unchecked`](crate::vm::frame::RegStack::push_unchecked)): the call's fast
/// path requires the register stack to extend this far past the callee's window.
const COPIED_ARGS: usize = 4;

/// Calls function `callee` (an index below `targets.len()`) from the call instruction before
/// `ip` in `code`, and continues at the callee's first instruction.
///
/// The common case runs in line with no native call (so the handler needs no stack frame):
/// anything that needs work first (the frame bound, growing the call, register or spill stack,
/// more than four arguments) goes through [`call_slow`], which then comes back here. The
/// instruction's fields are read where they are used, not kept in registers across the checks.
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
    callee: usize,
) -> Exit {
    // SAFETY: `ip` is one past the call instruction (the contract).
    let ins = unsafe { ip.sub(1) };
    let depth = cx.frames.len();
    let caller = cx.cur.shape;
    // SAFETY (here and below): `ins` points at the call instruction.
    if depth >= cx.frame_limit
        || unsafe { (*ins).c } > 4
        || !cx
            .regs
            .fits(cx.regs.base() + caller.num_registers as usize + COPIED_ARGS)
        || cx.cur.spill_base
            + caller.num_spill_slots as usize
            + cx.targets[callee].shape.num_spill_slots as usize
            > cx.spill_limit
    {
        // SAFETY: the contract of this function.
        return unsafe { call_slow::<EXACT>(ip, code, w, cx, n) };
    }
    // SAFETY: the contract of this function, and the call needs no more work (checked above).
    unsafe { enter::<EXACT>(ip, code, w, cx, n, callee) }
}

/// Makes the call of [`call`] once it needs no more work. A separate function reached by a
/// jump (its six arguments are registers), so that nothing stays live from the checks: each
/// half then fits in the caller-saved registers and neither needs a stack frame.
///
/// # Safety
///
/// As for [`call`], and the call needs no more work: `frames.len() < frame_limit`, at most
/// four arguments, the callee's spill block fits, and so does a register window at
/// `COPIED_ARGS` past the callee's base.
#[inline(never)]
unsafe fn enter<'r, const EXACT: bool>(
    ip: *const Instr,
    code: *const Instr,
    w: Window<'r>,
    cx: &mut Ctx<'r>,
    n: usize,
    callee: usize,
) -> Exit {
    // SAFETY (here and below): `ip` is one past the call instruction (the contract).
    let ins = unsafe { ip.sub(1) };
    let depth = cx.frames.len();
    // SAFETY: `depth < frame_limit <= capacity` (the contract; `frame_limit` is never above
    // the capacity, see `Ctx`), so the slot is allocated, and it is initialised before the
    // length covers it. (`push` would keep a growth call, which needs a stack frame, in line.)
    // Field by field, each stored as soon as it is read.
    unsafe {
        let slot = cx.frames.as_mut_ptr().add(depth);
        (&raw mut (*slot).ret).write(ip);
        (&raw mut (*slot).code).write(code);
        (&raw mut (*slot).caller).write(cx.cur.shape);
        (&raw mut (*slot).dst).write((*ins).a as u32);
        cx.frames.set_len(depth + 1);
    }
    cx.cur.spill_base += cx.cur.shape.num_spill_slots as usize;
    // SAFETY: `w` is the lent window (the contract); the stack extends a window past
    // `base + num_registers + COPIED_ARGS` (the contract), as `push_unchecked` requires.
    let w = unsafe {
        let b = (*ins).b;
        cx.regs
            .push_unchecked(w, cx.cur.shape.num_registers as usize, b)
    };
    // SAFETY: `callee < targets.len()` (the contract of `call`).
    let to = unsafe { cx.targets.get_unchecked(callee) };
    cx.cur.shape = to.shape;
    cx.cur.calls += 1;
    let entry = to.code;
    // SAFETY: `entry` is the callee's first instruction (the verifier proves every function's
    // code non-empty), and the callee is now the running function.
    unsafe { transfer::<EXACT>(ip, entry, entry, w, cx, n) }
}

/// [`call`] when the call needs work first: traps T0004 at the frame bound, else grows the
/// call, register and spill stacks and makes the call (one with more than four arguments in
/// full here). It takes only the handler's arguments (so `call` reaches it by a jump) and
/// reads the call instruction again.
///
/// # Safety
///
/// `ip` is one past a call instruction of the running function, whose callee is valid (a
/// CALL_INDIRECT's function value was checked); otherwise as for [`call`].
#[cold]
#[inline(never)]
unsafe fn call_slow<'r, const EXACT: bool>(
    ip: *const Instr,
    code: *const Instr,
    w: Window<'r>,
    cx: &mut Ctx<'r>,
    n: usize,
) -> Exit {
    // SAFETY: the contract of this function.
    let ins = unsafe { fetch(ip.sub(1)) };
    let callee = if ins.op == Opcode::Call {
        ins.imm as usize
    } else {
        w[ins.imm as u8 as usize] as usize
    };
    if cx.frames.len() >= cx.cur.frame_bound {
        let t = stack_overflow(cx.m.limits.max_frames, &cx.funcs[callee].name);
        return trap(ip, w, cx, n, t);
    }
    cx.frames.reserve(1);
    cx.frame_limit = cx.cur.frame_bound.min(cx.frames.capacity());
    let caller = cx.cur.shape;
    cx.regs.give_back(w);
    cx.regs
        .grow_for(cx.regs.base() + caller.num_registers as usize + COPIED_ARGS);
    let w = cx.regs.lend();
    let to = cx.targets[callee];
    let spill_base = cx.cur.spill_base + caller.num_spill_slots as usize;
    ensure_spills(
        &mut cx.m.spills,
        spill_base + to.shape.num_spill_slots as usize,
    );
    cx.spill_limit = cx.m.spills.len();
    if ins.c <= 4 {
        // SAFETY: the contract of this function; the call now needs no more work.
        return unsafe { call::<EXACT>(ip, code, w, cx, n, callee) };
    }
    cx.frames.push(Frame {
        ret: ip,
        code,
        caller,
        dst: ins.a as u32,
    });
    let w = cx.regs.push(w, caller.num_registers as usize, ins.b, ins.c);
    cx.cur.calls += 1;
    cx.cur.shape = to.shape;
    cx.cur.spill_base = spill_base;
    // SAFETY: as in `call`.
    unsafe { transfer::<EXACT>(ip, to.code, to.code, w, cx, n) }
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
    let Some(depth) = cx.frames.len().checked_sub(1) else {
        return done(ip, w, cx, n, v.unwrap_or(0));
    };
    // The frame's fields are read where they are used (a copy of the whole frame would hold
    // them all in registers at once). SAFETY: `depth` is below the length, so the slot is
    // allocated and initialised; `Frame` is `Copy` (nothing to drop), and after `set_len` the
    // slot stays untouched until the next push, which comes after the last read here.
    let fr = unsafe {
        cx.frames.set_len(depth);
        cx.frames.as_ptr().add(depth)
    };
    // SAFETY (reads of `fr`): as above. `w` is the lent window (the contract), and the
    // caller's window, which fitted when it called, is `num_registers` below it.
    let mut w = unsafe {
        cx.regs
            .pop_unchecked(w, (*fr).caller.num_registers as usize)
    };
    if let Some(v) = v {
        // r0 is the constant zero: a call with no result register (or a void callee) writes
        // there, and r0 is restored right after.
        w[unsafe { (*fr).dst } as u8 as usize] = v;
        w[0] = 0;
    }
    cx.cur.spill_base -= unsafe { (*fr).caller.num_spill_slots } as usize;
    cx.cur.shape = unsafe { (*fr).caller };
    // SAFETY: `ret` is the instruction after the call that pushed this frame, in the caller's
    // code starting at `code` (the verifier proves a call is never the last instruction), and
    // the caller is now the running function.
    unsafe { transfer::<EXACT>(ip, (*fr).ret, (*fr).code, w, cx, n) }
}

/// Leaves the handlers with the T0005 trap of a call of the null function value. Out of line:
/// building the trap in the handler would give it a stack frame.
#[cold]
#[inline(never)]
fn null_function<'r>(ip: *const Instr, w: Window<'r>, cx: &mut Ctx<'r>, n: usize) -> Exit {
    let t = Trap::new(
        TrapKind::InvalidFunction,
        "call of a null function value (a global read before its initialiser ran)",
    );
    trap(ip, w, cx, n, t)
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
