//! Handlers of calls and returns. They switch the running frame and continue in the callee
//! (or the caller) with a tail call like any other handler, so Theta calls never nest native
//! frames: deep recursion is bounded by `max_frames` (T0004), never by the native stack.

#![allow(non_snake_case)]

use super::dispatch::{done, transfer, trap};
use super::{Ctx, Exit, Table, ensure_spills};
use crate::bytecode::{Instr, Opcode};
use crate::vm::frame::{Frame, WINDOW, Window};
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
    w: &'r mut Window,
    cx: &mut Ctx<'r>,
    n: usize,
) -> Exit {
    // SAFETY: `ip` points at this instruction (the contract); one past it is in bounds.
    let (ins, ip) = unsafe { (*ip, ip.add(1)) };
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
    w: &'r mut Window,
    cx: &mut Ctx<'r>,
    n: usize,
) -> Exit {
    // SAFETY: `ip` points at this instruction (the contract); one past it is in bounds.
    let (ins, ip) = unsafe { (*ip, ip.add(1)) };
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
    w: &'r mut Window,
    cx: &mut Ctx<'r>,
    n: usize,
) -> Exit {
    // SAFETY: `ip` points at this instruction (the contract); one past it is in bounds.
    let (ins, ip) = unsafe { (*ip, ip.add(1)) };
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
    w: &'r mut Window,
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
/// # Safety
///
/// `ip` is one past a call instruction of the running function, whose code starts at `code`;
/// `w` and `cx` as in the [`Handler`](super::Handler) contract.
#[inline(always)]
unsafe fn call<'r, const EXACT: bool>(
    ip: *const Instr,
    code: *const Instr,
    w: &'r mut Window,
    cx: &mut Ctx<'r>,
    n: usize,
    ins: Instr,
    callee: usize,
) -> Exit {
    if cx.m.frames.len() >= cx.cur.frame_bound {
        let t = stack_overflow(cx.m.limits.max_frames, &cx.funcs[callee].name);
        return trap(ip, w, cx, n, t);
    }
    // SAFETY: both point into the running function's code (the contract).
    let ret_pc = unsafe { ip.offset_from(code) } as usize;
    cx.regs.give_back(w);
    let entry = enter(cx, callee, ins, ret_pc);
    let w = cx.regs.lend();
    // SAFETY: `entry` is the callee's first instruction (the verifier proves every function's
    // code non-empty), and the callee is now the running function.
    unsafe { transfer::<EXACT>(ip, entry, entry, w, cx, n) }
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
    w: &'r mut Window,
    cx: &mut Ctx<'r>,
    n: usize,
    v: Option<u64>,
) -> Exit {
    let Some(fr) = cx.m.frames.pop() else {
        return done(ip, w, cx, n, v.unwrap_or(0));
    };
    cx.regs.give_back(w);
    let f = &cx.funcs[fr.func as usize];
    cx.cur.func = fr.func as usize;
    cx.cur.f = f;
    cx.cur.spill_base -= f.num_spill_slots as usize;
    cx.regs.set_base(fr.base);
    let w = cx.regs.lend();
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

/// A call: pushes the caller's frame and makes `callee` the running function, whose window
/// starts right after the caller's registers and receives the arguments `R[b] .. R[b+c-1]` of
/// the call instruction `ins` in r2…; `ret_pc` is the pc after the call. Returns the callee's
/// first instruction. Out of line (the handlers then keep fewer values live) and infallible
/// (the caller checks the frame bound). No window is lent while it runs.
#[inline(never)]
fn enter(cx: &mut Ctx<'_>, callee: usize, ins: Instr, ret_pc: usize) -> *const Instr {
    let cf = &cx.funcs[callee];
    let base = cx.regs.base();
    let n = cx.cur.f.num_registers as usize;
    let new_spill = cx.cur.spill_base + cx.cur.f.num_spill_slots as usize;
    // Grows the stack to `base + n + WINDOW`.
    cx.regs.set_base(base + n);
    let (b, c) = (ins.b as usize, ins.c as usize);
    // One slice covers both windows (`n + WINDOW` slots). The verifier proves
    // `b + c <= n <= WINDOW`, so `b + 3 < n + WINDOW` and every index below is in bounds.
    let regs = &mut cx.regs.slots()[base..base + n + WINDOW];
    if c <= 4 {
        // The common case without a loop: four words are copied whatever `c` is (the callee's
        // registers past its arguments are unwritten until it writes them; the verifier
        // proves it never reads them first). r0 = 0, r1 is scratch.
        let args = [0, 0, regs[b], regs[b + 1], regs[b + 2], regs[b + 3]];
        regs[n..n + 6].copy_from_slice(&args);
    } else {
        regs[n] = 0;
        for i in 0..c {
            regs[n + 2 + i] = regs[b + i];
        }
    }
    let need = new_spill + cf.num_spill_slots as usize;
    if need > cx.m.spills.len() {
        ensure_spills(&mut cx.m.spills, need);
    }
    cx.m.frames.push(Frame {
        func: cx.cur.func as u32,
        ret_pc: ret_pc as u32,
        dst: ins.a as u32,
        base,
    });
    cx.cur.calls += 1;
    cx.cur.func = callee;
    cx.cur.f = cf;
    cx.cur.spill_base = new_spill;
    cf.code.as_ptr()
}

/// The T0004 trap of a call that would exceed `max_frames` (out of line: the call path only
/// compares).
#[cold]
#[inline(never)]
fn stack_overflow(max_frames: usize, callee: &str) -> Trap {
    Trap::new(
        TrapKind::StackOverflow,
        format!("stack overflow: more than {max_frames} nested calls (calling {callee})"),
    )
}
