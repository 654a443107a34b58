//! Threaded dispatch: how a handler continues with the next instruction, and the `handlers!`
//! macro that writes a module's handlers and registers them in the dispatch tables.
//!
//! A handler ends by fetching the next instruction's opcode and calling its handler in tail
//! position with the same five arguments. Optimised builds compile that call to a sibling jump
//! (`jmp *table(,%op,8)`): dispatch is replicated into every handler and the hot state (`ip`,
//! `code`, the window, the context, the budget word) stays in argument registers. Correctness
//! does not depend on it: see [`Exit`] for what bounds the native stack when calls are real.

use super::{Ctx, EXACT_TABLE, Exit, FAST_TABLE};
use crate::bytecode::Instr;
use crate::vm::frame::Window;
use crate::vm::trap::{Trap, TrapKind};

/// Jumps to the handler of the instruction at `ip`.
///
/// # Safety
///
/// The [`Handler`](super::Handler) contract for `ip`, `code`, `w` and `cx`.
#[inline(always)]
pub(super) unsafe fn dispatch<'r, const EXACT: bool>(
    ip: *const Instr,
    code: *const Instr,
    w: Window<'r>,
    cx: &mut Ctx<'r>,
    n: usize,
) -> Exit {
    let table = if EXACT { &EXACT_TABLE } else { &FAST_TABLE };
    // SAFETY: `ip` points at an instruction (the contract). Indexing by a `u8` cannot leave the
    // 256 entries.
    let op = unsafe { (*ip).op } as u8;
    // SAFETY: the contract holds for the handler called (the same arguments).
    unsafe { table[op as usize](ip, code, w, cx, n) }
}

/// Continues with the instruction at `ip` after a straight-line instruction. In the exact
/// tables this counts the instruction and pauses when the chunk is used up; the fast tables do
/// no budget work here (see [`transfer`]).
///
/// # Safety
///
/// The [`Handler`](super::Handler) contract for `ip` (the verifier proves an instruction that
/// falls through is never the last of its function).
#[inline(always)]
pub(super) unsafe fn next<'r, const EXACT: bool>(
    ip: *const Instr,
    code: *const Instr,
    w: Window<'r>,
    cx: &mut Ctx<'r>,
    n: usize,
) -> Exit {
    if EXACT {
        if n == 0 {
            return pause(ip, w, cx, 0);
        }
        // SAFETY: as for this function.
        unsafe { dispatch::<EXACT>(ip, code, w, cx, n - 1) }
    } else {
        // SAFETY: as for this function.
        unsafe { dispatch::<EXACT>(ip, code, w, cx, n) }
    }
}

/// Continues at `to` after a control transfer (a taken jump, a call or a return) by the
/// instruction before `from`; `code` is the function `to` belongs to.
///
/// The fast tables account for instructions here only: the budget word `n` is kept such that
/// `8 × executed − 8 × limit == ip_next − n` (wrapping), where `ip_next` is one past the last
/// executed instruction. Straight-line instructions advance both sides by 8, so only a transfer
/// adjusts `n` (by `to − from`), and it pauses once `executed >= limit`.
///
/// # Safety
///
/// The [`Handler`](super::Handler) contract for `to` and `code`.
#[inline(always)]
pub(super) unsafe fn transfer<'r, const EXACT: bool>(
    from: *const Instr,
    to: *const Instr,
    code: *const Instr,
    w: Window<'r>,
    cx: &mut Ctx<'r>,
    n: usize,
) -> Exit {
    if EXACT {
        // SAFETY: as for this function.
        unsafe { next::<EXACT>(to, code, w, cx, n) }
    } else {
        let spent = (from as usize).wrapping_sub(n) as isize >= 0;
        let n = n.wrapping_add(to as usize).wrapping_sub(from as usize);
        if spent {
            return pause(to, w, cx, n);
        }
        // SAFETY: as for this function.
        unsafe { dispatch::<EXACT>(to, code, w, cx, n) }
    }
}

/// Leaves the handlers with `exit`: gives the window back and records where the driver resumes
/// (`ip`) and the budget word left (`n`).
#[inline(always)]
fn leave<'r>(ip: *const Instr, w: Window<'r>, cx: &mut Ctx<'r>, n: usize, exit: Exit) -> Exit {
    cx.regs.give_back(w);
    cx.resume = ip;
    cx.left = n;
    // Opaque, so the handlers keep their call of an exit a tail call (a known constant result
    // would make them call, then return the constant: a stack frame in every handler).
    std::hint::black_box(exit)
}

/// Leaves the handlers with the chunk used up: the driver resumes at `ip`.
#[cold]
#[inline(never)]
pub(super) fn pause<'r>(ip: *const Instr, w: Window<'r>, cx: &mut Ctx<'r>, n: usize) -> Exit {
    leave(ip, w, cx, n, Exit::Yield)
}

/// Leaves the handlers with trap `t`, raised by the instruction before `ip`.
#[cold]
#[inline(never)]
pub(super) fn trap<'r>(
    ip: *const Instr,
    w: Window<'r>,
    cx: &mut Ctx<'r>,
    n: usize,
    t: Trap,
) -> Exit {
    cx.trap = Some(t);
    leave(ip, w, cx, n, Exit::Trap)
}

/// Leaves the handlers with the trap already stored in `cx.trap`, raised by the instruction
/// before `ip`.
#[cold]
#[inline(never)]
pub(super) fn trapped<'r>(ip: *const Instr, w: Window<'r>, cx: &mut Ctx<'r>, n: usize) -> Exit {
    leave(ip, w, cx, n, Exit::Trap)
}

/// Leaves the handlers with the entry function's result `v` (returned by the instruction
/// before `ip`).
#[cold]
#[inline(never)]
pub(super) fn done<'r>(
    ip: *const Instr,
    w: Window<'r>,
    cx: &mut Ctx<'r>,
    n: usize,
    v: u64,
) -> Exit {
    cx.result = v;
    leave(ip, w, cx, n, Exit::Done)
}

/// The handler of the table entries past the last opcode. A loaded module holds only known
/// opcodes (an [`Instr`]'s opcode is a decoded [`crate::bytecode::Opcode`]), so it is
/// unreachable; it traps cleanly anyway.
///
/// # Safety
///
/// The [`Handler`](super::Handler) contract.
pub(super) unsafe fn unknown<'r, const EXACT: bool>(
    ip: *const Instr,
    _code: *const Instr,
    w: Window<'r>,
    cx: &mut Ctx<'r>,
    n: usize,
) -> Exit {
    // SAFETY: `ip` points at an instruction (the contract), so one past it is in bounds.
    let (op, ip) = unsafe { ((*ip).op as u8, ip.add(1)) };
    let t = Trap::new(TrapKind::Internal, format!("unknown opcode {op}"));
    trap(ip, w, cx, n, t)
}

/// Reads the instruction at `ip` field by field: unused fields cost nothing, and separate byte
/// loads keep the compiler from extracting fields out of one wide load through high-byte
/// registers (which need callee-saved registers, so a stack frame in every handler).
///
/// # Safety
///
/// `ip` points at an instruction.
#[inline(always)]
pub(super) unsafe fn fetch(ip: *const Instr) -> Instr {
    // SAFETY: the contract of this function.
    unsafe {
        Instr {
            op: (*ip).op,
            a: (*ip).a,
            b: (*ip).b,
            c: (*ip).c,
            imm: (*ip).imm,
        }
    }
}

/// Runs a register-only operation (helps closure type inference).
#[inline(always)]
pub(super) fn value_op(f: impl FnOnce(Instr, &mut Window), ins: Instr, w: &mut Window) {
    f(ins, w)
}

/// Runs an operation that uses the machine and may trap (helps closure type inference).
#[inline(always)]
pub(super) fn machine_op<'r>(
    f: impl FnOnce(Instr, &mut Window, &mut Ctx<'r>) -> Result<(), Trap>,
    ins: Instr,
    w: &mut Window,
    cx: &mut Ctx<'r>,
) -> Result<(), Trap> {
    f(ins, w, cx)
}

/// Runs the fast path of an operation that may trap: `None` means it would trap (helps closure
/// type inference).
#[inline(always)]
pub(super) fn checked_op<'r>(
    f: impl FnOnce(Instr, &mut Window, &mut Ctx<'r>) -> Option<()>,
    ins: Instr,
    w: &mut Window,
    cx: &mut Ctx<'r>,
) -> Option<()> {
    f(ins, w, cx)
}

/// Builds the trap of the instruction before `ip` with `why` and leaves the handlers. Out of
/// line, so the trap's construction (and its stack space) stays out of the handler, which then
/// needs no stack frame; the instruction is read again here so that the handler's fast path
/// need not keep its fields.
///
/// # Safety
///
/// `ip` is one past an instruction (of the running function, the [`Handler`](super::Handler)
/// contract).
#[cold]
#[inline(never)]
pub(super) unsafe fn fail<'r>(
    ip: *const Instr,
    w: Window<'r>,
    cx: &mut Ctx<'r>,
    n: usize,
    why: fn(Instr, &Window, &mut Ctx<'_>) -> Trap,
) -> Exit {
    // SAFETY: the contract of this function.
    let ins = unsafe { fetch(ip.sub(1)) };
    let t = why(ins, &w, cx);
    trap(ip, w, cx, n, t)
}

/// The error of `r` (an internal error if it succeeded: a fast path and its trap disagreed).
pub(super) fn error_of<T>(r: Result<T, Trap>) -> Trap {
    r.err().unwrap_or_else(|| {
        Trap::new(
            TrapKind::Internal,
            "an operation failed in line but not out of line",
        )
    })
}

/// Evaluates a branch condition, which may also write registers (a fused
/// increment-and-branch), and helps closure type inference.
#[inline(always)]
pub(super) fn branch_op(
    f: impl FnOnce(Instr, &mut Window) -> bool,
    ins: Instr,
    w: &mut Window,
) -> bool {
    f(ins, w)
}

/// Defines one handler per line, named after its opcode, and `register`, which puts them
/// into a dispatch table. Each line is `Opcode => kind(closure);` with kind
///
/// - `value(|ins, w| …)`: an operation on registers only; falls through;
/// - `machine(|ins, w, cx| … Ok(()))`: uses the machine ([`Ctx`]) and may trap; falls through;
/// - `checked(|ins, w, cx| … Some(()), |ins, w, cx| trap)`: uses the machine; the first
///   closure is the fast path and returns `None` where the operation traps, the second builds
///   that trap (out of line, see [`fail`]); falls through;
/// - `branch(|ins, w| cond)`: jumps to `imm` when `cond` holds, else falls through (`cond` may
///   also write registers, for fused operations).
///
/// Adding a handler for a new opcode is one line here (the table is built from `register`).
macro_rules! handlers {
    ($($Op:ident => $kind:ident($($f:expr),+);)*) => {
        $( $crate::vm::interp::dispatch::handler!($kind $Op $($f),+); )*

        /// Puts this module's handlers into a dispatch table.
        pub(super) const fn register<const EXACT: bool>(table: &mut $crate::vm::interp::Table) {
            $( table[$crate::bytecode::Opcode::$Op as usize] = $Op::<EXACT>; )*
        }
    };
}
pub(super) use handlers;

/// One handler of [`handlers!`].
macro_rules! handler {
    ($kind:ident $Op:ident $($f:expr),+) => {
        #[doc = concat!("The handler of [`", stringify!($Op), "`](crate::bytecode::Opcode::", stringify!($Op), ").")]
        ///
        /// # Safety
        ///
        /// The [`Handler`](crate::vm::interp::Handler) contract.
        #[allow(non_snake_case)]
        pub(super) unsafe fn $Op<'r, const EXACT: bool>(
            ip: *const $crate::bytecode::Instr,
            code: *const $crate::bytecode::Instr,
            mut w: $crate::vm::frame::Window<'r>,
            cx: &mut $crate::vm::interp::Ctx<'r>,
            n: usize,
        ) -> $crate::vm::interp::Exit {
            use $crate::vm::interp::dispatch as d;
            // SAFETY: `ip` points at this instruction (the contract), so one past it is at most
            // one past the end of `code`.
            let (ins, ip) = unsafe { (d::fetch(ip), ip.add(1)) };
            $crate::vm::interp::dispatch::handler!(@body $kind ($($f),+), ins, ip, code, w, cx, n, d)
        }
    };
    (@body value ($f:expr), $ins:ident, $ip:ident, $code:ident, $w:ident, $cx:ident, $n:ident, $d:ident) => {{
        $d::value_op($f, $ins, &mut $w);
        // SAFETY: this opcode falls through (see `next`).
        unsafe { $d::next::<EXACT>($ip, $code, $w, $cx, $n) }
    }};
    (@body machine ($f:expr), $ins:ident, $ip:ident, $code:ident, $w:ident, $cx:ident, $n:ident, $d:ident) => {{
        match $d::machine_op($f, $ins, &mut $w, $cx) {
            // SAFETY: this opcode falls through (see `next`).
            Ok(()) => unsafe { $d::next::<EXACT>($ip, $code, $w, $cx, $n) },
            Err(t) => $d::trap($ip, $w, $cx, $n, t),
        }
    }};
    (@body checked ($fast:expr, $slow:expr), $ins:ident, $ip:ident, $code:ident, $w:ident, $cx:ident, $n:ident, $d:ident) => {{
        if $d::checked_op($fast, $ins, &mut $w, $cx).is_some() {
            // SAFETY: this opcode falls through (see `next`).
            unsafe { $d::next::<EXACT>($ip, $code, $w, $cx, $n) }
        } else {
            // SAFETY: `ip` is one past this instruction.
            unsafe { $d::fail($ip, $w, $cx, $n, $slow) }
        }
    }};
    (@body branch ($f:expr), $ins:ident, $ip:ident, $code:ident, $w:ident, $cx:ident, $n:ident, $d:ident) => {{
        if $d::branch_op($f, $ins, &mut $w) {
            // SAFETY: a jump target is in `0..code.len()` (the verifier, see `Handler`).
            let to = unsafe { $code.add($ins.imm as usize) };
            // SAFETY: `to` is an instruction of the running function.
            unsafe { $d::transfer::<EXACT>($ip, to, $code, $w, $cx, $n) }
        } else {
            // SAFETY: a conditional branch falls through (see `next`).
            unsafe { $d::next::<EXACT>($ip, $code, $w, $cx, $n) }
        }
    }};
}
pub(super) use handler;
