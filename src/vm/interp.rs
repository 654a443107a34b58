//! The interpreter: threaded dispatch over a function's decoded instructions.
//!
//! Every opcode has a handler (`arith`, `branch`, `memory`, `calls`; `cold` for the rare and
//! heavy ones) that runs its instruction, then fetches the next opcode and calls that handler in
//! tail position ([`dispatch`]); optimised builds turn those calls into jumps, so dispatch is
//! replicated per handler and the hot state stays in argument registers. A countdown bounds
//! the chain: after a chunk of instructions a handler returns [`Exit::Yield`] to the driver
//! ([`execute`]), which accounts the budget, prints `--trace` lines, and resumes.
//!
//! No type checks and no tag tests run here: the verifier proved every register's type at every
//! pc. Registers are read through a [`Window`] (a view of 256 registers), so a `u8` register number
//! needs no bounds check. Calls never recurse natively: a call pushes a [`Frame`] and the
//! handlers continue in the callee, so deep Theta recursion is bounded by `max_frames` (T0004),
//! never by the native stack.
//!
//! [`Frame`]: super::frame::Frame

mod arith;
mod branch;
mod calls;
mod cold;
mod dispatch;
mod memory;

use super::frame::{Frame, RegStack, Shape, Window};
use super::state::Machine;
use super::trap::{SourceLoc, TraceFrame, Trap, TrapKind};
use crate::bytecode::{Function, Instr, Module, Opcode, Operand};

/// An opcode's handler: runs the instruction at `ip`, then continues with the next one (by a
/// tail call) until the chunk's budget is used up, the entry function returns or a trap.
///
/// `code` is the running function's first instruction, `w` the running frame's window, and the
/// budget word `n` counts down the chunk (exact tables) or tracks it at control transfers
/// (fast tables, see [`dispatch::transfer`]).
///
/// # Safety
///
/// `ip` points at an instruction of the running function `cx.cur.f` of a module that passed
/// [`crate::bytecode::verify`], and `code` at that function's first instruction; `w` is the
/// window `cx.regs` lent. Handlers fetch instructions without bounds checks on the verifier's
/// guarantees, for every function: its code is non-empty (the entry and a callee start at index
/// 0); every jump target (`Operand::Target`) is in `0..code.len()`; no reachable instruction
/// that can fall through (anything but RET/RET_VOID/TRAP/JMP) is the last one, so `ip + 1` after
/// it, and a return's `ret_pc` (the pc after a CALL/CALL_INDIRECT), are in range. `code` only
/// changes together with `ip` (a call sets both to the callee's start, a return to the caller's
/// start and `ret_pc`), and the module is immutable behind the `Arc` that `execute` holds.
pub(crate) type Handler =
    for<'r, 'c> unsafe fn(*const Instr, *const Instr, Window<'r>, &'c mut Ctx<'r>, usize) -> Exit;

/// A dispatch table: the handler of every opcode byte.
pub(crate) type Table = [Handler; 256];

/// Why the handlers returned to the driver.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum Exit {
    /// The chunk is used up: resume at `Ctx::resume`. This bounds the native stack when the
    /// handlers' tail calls are real calls (unoptimised builds count every instruction).
    Yield,
    /// The entry function returned `Ctx::result`.
    Done,
    /// The instruction before `Ctx::resume` trapped with `Ctx::trap`.
    Trap,
}

/// What the handlers share besides their arguments: the machine, the register stack and the
/// running function, and the slots through which they leave (resume point, budget word, result,
/// trap).
pub(crate) struct Ctx<'r> {
    /// The machine (its `regs` are in `regs` while the run lasts).
    m: &'r mut Machine,
    /// The register stack, which lends the running frame's window.
    regs: RegStack<'r>,
    /// The module being run.
    module: &'r Module,
    /// Its functions.
    funcs: &'r [Function],
    /// What a call needs of each function, by index (compact: no look into `funcs`).
    targets: &'r [CallTarget],
    /// The running function.
    cur: Cur,
    /// Suspended callers (the machine's `frames` while the run lasts).
    frames: Vec<Frame>,
    /// A call goes through the slow path when `frames.len()` reaches this: the smaller of the
    /// frame bound (`Cur::frame_bound`) and `frames.capacity()`, so one compare covers both.
    frame_limit: usize,
    /// The spill stack's length (`m.spills` grows only in `drive` and the call's slow path,
    /// which update this): a call whose callee's spill block would end past it takes the slow
    /// path.
    spill_limit: usize,
    /// Where to resume after an exit (for a trap: one past the trapping instruction).
    resume: *const Instr,
    /// The budget word at the exit.
    left: usize,
    /// The entry function's result.
    result: u64,
    /// The trap of an [`Exit::Trap`].
    trap: Option<Trap>,
}

/// The running function and what only calls, returns and out-of-line instructions need.
struct Cur {
    /// Its index and frame size.
    shape: Shape,
    /// Its spill base.
    spill_base: usize,
    /// Calls made so far.
    calls: u64,
    /// A call traps T0004 when it would make the call stack (suspended callers plus the
    /// running function) reach `max_frames`: one compare against this bound.
    frame_bound: usize,
}

/// What a call needs of its callee, in one 24-byte entry per function.
#[derive(Clone, Copy, Debug)]
struct CallTarget {
    /// The callee's first instruction.
    code: *const Instr,
    /// Its index and frame size.
    shape: Shape,
}

impl CallTarget {
    /// The entry of function `func`.
    fn of(func: usize, f: &Function) -> CallTarget {
        CallTarget {
            code: f.code.as_ptr(),
            shape: Shape {
                func: func as u32,
                num_registers: u32::from(f.num_registers),
                num_spill_slots: f.num_spill_slots,
            },
        }
    }
}

impl<'r> Ctx<'r> {
    /// The running function.
    fn function(&self) -> &'r Function {
        &self.funcs[self.cur.shape.func as usize]
    }
}

/// Builds a dispatch table: unknown bytes trap, known opcodes default to the out-of-line
/// handler, and each handler module registers its own.
const fn table<const EXACT: bool>() -> Table {
    let mut t: Table = [dispatch::unknown::<EXACT> as Handler; 256];
    let mut op = 0;
    while op < Opcode::ALL.len() {
        t[op] = cold::Cold::<EXACT>;
        op += 1;
    }
    arith::register::<EXACT>(&mut t);
    branch::register::<EXACT>(&mut t);
    memory::register::<EXACT>(&mut t);
    calls::register::<EXACT>(&mut t);
    t
}

/// The handlers that count every instruction (a budget, `--trace`, unoptimised builds).
static EXACT_TABLE: Table = table::<true>();
/// The handlers that account instructions only at control transfers (no budget).
static FAST_TABLE: Table = table::<false>();

/// Instructions per chunk when every instruction is counted: bounds the native stack depth
/// when tail calls are real calls (unoptimised builds), and costs one return to the driver per
/// chunk.
const EXACT_CHUNK: u64 = 1024;
/// Instructions per chunk in the fast tables (only used in optimised builds, where every
/// handler's dispatch is a jump): large enough that returns to the driver cost nothing
/// measurable, small enough that the native stack would stay bounded (a chunk plus one
/// straight-line run) even if some handler's tail call were compiled as a call.
const FAST_CHUNK: u64 = 4096;

/// Runs function `entry` with `args` (placed in r2…) to completion on an empty call stack.
/// Returns the returned slot (0 for `RET_VOID`). `fuel` is the remaining instruction budget and
/// is decremented by the instructions executed.
///
/// `EXACT` checks the budget at every instruction (needed when a budget is set, so the trap
/// happens at exactly the instruction that exceeds it, and for `--trace`). Without it, optimised
/// builds run the fast handlers: they still count instructions exactly, but only at control
/// transfers (see [`dispatch::transfer`]), and the budget (then unlimited) is not checked.
/// `TRACE` prints every instruction (chunks of one instruction).
///
/// # Safety
///
/// `m.rt.module` must have passed [`crate::bytecode::verify`]: the handlers fetch instructions
/// without bounds checks on the verifier's guarantees (see [`Handler`]).
pub(crate) unsafe fn execute<const TRACE: bool, const EXACT: bool>(
    m: &mut Machine,
    entry: u32,
    args: &[u64],
    fuel: &mut u64,
) -> Result<u64, Trap> {
    // SAFETY: the caller's contract.
    if EXACT || TRACE || cfg!(debug_assertions) {
        unsafe { drive::<TRACE, true>(m, entry, args, fuel) }
    } else {
        unsafe { drive::<false, false>(m, entry, args, fuel) }
    }
}

/// [`execute`] with the exact (`COUNT_ALL`) or fast dispatch tables.
///
/// # Safety
///
/// As for [`execute`].
unsafe fn drive<const TRACE: bool, const COUNT_ALL: bool>(
    m: &mut Machine,
    entry: u32,
    args: &[u64],
    fuel: &mut u64,
) -> Result<u64, Trap> {
    let module = m.rt.module.clone();
    let funcs = &module.functions[..];
    let Some(f) = funcs.get(entry as usize) else {
        return Err(Trap::new(
            TrapKind::HostCall,
            format!("no function #{entry}"),
        ));
    };
    let targets: Vec<CallTarget> = funcs
        .iter()
        .enumerate()
        .map(|(i, f)| CallTarget::of(i, f))
        .collect();
    let mut frames = std::mem::take(&mut m.frames);
    frames.clear();
    let frame_bound = m.limits.max_frames.saturating_sub(1);
    let mut slots = std::mem::take(&mut m.regs);
    let mut cx = Ctx {
        regs: RegStack::new(&mut slots),
        cur: Cur {
            shape: targets[entry as usize].shape,
            spill_base: 0,
            calls: 0,
            frame_bound,
        },
        m,
        module: &module,
        funcs,
        targets: &targets,
        frame_limit: frame_bound.min(frames.capacity()),
        frames,
        spill_limit: 0,
        resume: f.code.as_ptr(),
        left: 0,
        result: 0,
        trap: None,
    };
    {
        let mut w = cx.regs.lend();
        w[0] = 0;
        for (i, &a) in args.iter().enumerate().take(14) {
            w[2 + i] = a;
        }
        cx.regs.give_back(w);
    }
    ensure_spills(&mut cx.m.spills, f.num_spill_slots as usize);
    cx.spill_limit = cx.m.spills.len();
    let table = if COUNT_ALL { &EXACT_TABLE } else { &FAST_TABLE };

    let mut fuel_left = *fuel;
    let mut traced = (
        entry as usize,
        0,
        f.code
            .first()
            .copied()
            .unwrap_or(Instr::new(Opcode::Nop, 0, 0, 0, 0)),
    );
    let result: Result<u64, Trap> = loop {
        if COUNT_ALL && fuel_left == 0 {
            break Err(Trap::new(
                TrapKind::InstructionBudgetExhausted,
                "instruction budget exhausted",
            ));
        }
        let ip = cx.resume;
        let code = cx.function().code.as_ptr();
        if TRACE {
            // SAFETY: `ip` is an instruction of the running function, whose code starts at
            // `code` (see `Handler`).
            traced = (
                cx.cur.shape.func as usize,
                unsafe { ip.offset_from(code) } as usize,
                unsafe { *ip },
            );
        }
        let limit = if TRACE {
            1
        } else {
            fuel_left.min(if COUNT_ALL { EXACT_CHUNK } else { FAST_CHUNK })
        } as usize;
        let n = if COUNT_ALL {
            limit - 1
        } else {
            (ip as usize).wrapping_add(limit * std::mem::size_of::<Instr>())
        };
        let w = cx.regs.lend();
        // SAFETY: `ip` is the running function's next instruction, `code` its start, and `w`
        // its window (`resume` is kept so by every exit); the module is verified (the caller's
        // contract).
        let exit = unsafe { table[(*ip).op as usize](ip, code, w, &mut cx, n) };
        let executed = if COUNT_ALL {
            (limit - cx.left) as u64
        } else {
            let over = (cx.resume as usize).wrapping_sub(cx.left) as isize;
            (limit as isize + over / std::mem::size_of::<Instr>() as isize) as u64
        };
        fuel_left = fuel_left.saturating_sub(executed);
        match exit {
            Exit::Yield => {
                if TRACE {
                    let w = cx.regs.lend();
                    trace_line(&module, traced, Some(&w));
                    cx.regs.give_back(w);
                }
            }
            Exit::Done => break Ok(cx.result),
            Exit::Trap => {
                break Err(cx
                    .trap
                    .take()
                    .unwrap_or_else(|| Trap::new(TrapKind::Internal, "trap exit without a trap")));
            }
        }
    };
    if TRACE {
        // The instruction that left the loop (a return from the entry frame or a trap).
        trace_line(&module, traced, None);
    }
    let (func, calls) = (cx.cur.shape.func as usize, cx.cur.calls);
    // SAFETY: `resume` points into (or one past) the running function's code.
    let pc = unsafe { cx.resume.offset_from(cx.function().code.as_ptr()) } as usize;
    let frames = std::mem::take(&mut cx.frames);
    m.frames = frames;
    m.regs = slots;
    m.stats.instructions += *fuel - fuel_left;
    m.stats.calls += calls;
    *fuel = fuel_left;
    result.map_err(|t| locate(m, &module, t, func, pc.saturating_sub(1)))
}

/// Grows the spill stack to at least `n` slots.
#[cold]
#[inline(never)]
fn ensure_spills(spills: &mut Vec<u64>, n: usize) {
    if spills.len() < n {
        spills.resize(n.max(spills.len() * 2), 0);
    }
}

/// The source position of `pc` in function `func`.
fn position(module: &Module, func: usize, pc: usize) -> Option<SourceLoc> {
    let e = module.functions.get(func)?.debug.position(pc as u32)?;
    Some(SourceLoc {
        file: module
            .source_files
            .get(e.file as usize)
            .cloned()
            .unwrap_or_else(|| "<unknown>".into()),
        line: e.line,
        column: e.col,
    })
}

/// Fills in the trap's location and stack trace (innermost first) from the call stack.
fn locate(m: &Machine, module: &Module, mut trap: Trap, func: usize, pc: usize) -> Trap {
    let name = |f: usize| {
        module
            .functions
            .get(f)
            .map_or_else(|| format!("#{f}"), |f| f.name.clone())
    };
    trap.location = position(module, func, pc);
    trap.stack.push(TraceFrame {
        function: name(func),
        location: trap.location.clone(),
    });
    for fr in m.frames.iter().rev() {
        let caller = fr.caller.func as usize;
        let ret_pc = module
            .functions
            .get(caller)
            .map_or(0, |f| fr.ret_pc(&f.code));
        trap.stack.push(TraceFrame {
            function: name(caller),
            location: position(module, caller, ret_pc.saturating_sub(1)),
        });
    }
    trap
}

/// One `--trace` line: function, pc, source line, the instruction and the register it wrote
/// (`w` is the window after the instruction; `None` when it left the loop).
fn trace_line(module: &Module, (func, pc, ins): (usize, usize, Instr), w: Option<&Window>) {
    let f = &module.functions[func];
    let line = f
        .debug
        .position(pc as u32)
        .map_or(String::new(), |e| format!(" line {}", e.line));
    let written = match w {
        Some(w)
            if ins.op.operands()[0] == Operand::Dst
                && !matches!(ins.op, Opcode::Call | Opcode::CallIndirect) =>
        {
            let v = w[ins.a as usize];
            format!("  ; r{} = {} ({:#x})", ins.a, v as i64, v)
        }
        _ => String::new(),
    };
    eprintln!(
        "[{}:{pc}{line}] {} {} {} {} {}{written}",
        f.name,
        ins.op.mnemonic(),
        ins.a,
        ins.b,
        ins.c,
        ins.imm
    );
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    const PROGRAM: &str = "
        struct P { x: f64, n: i64 }
        fn fib(n: i64) -> i64 {
            if (n < 2) { return n; }
            return fib(n - 1) + fib(n - 2);
        }
        fn work(k: i64) -> i64 {
            i64 s = 0;
            i64[] a = new i64[64];
            P p = P { x: 0.5, n: 0 };
            string t = \"\";
            for (i64 i = 0; i < k; i++) {
                a[i % 64] = a[(i + 1) % 64] + i;
                p.x = p.x * 1.5;
                if (p.x > 10.0) { p.x = p.x / 7.0; p.n = p.n + 1; }
                if (i % 100 == 0) { t = t + to_string(i); }
                s += a[i % 64] % 1000;
            }
            return s + fib(12) + p.n + len(t);
        }
    ";

    /// Runs `work(k)` with the exact or the fast tables: (result, instructions, calls).
    fn run(module: &Arc<Module>, fast: bool, k: i64) -> (Result<u64, String>, u64, u64) {
        let mut m = Machine::new(module.clone());
        m.reset().unwrap();
        let entry = module.functions.iter().position(|f| f.name == "work");
        let entry = entry.unwrap() as u32;
        let mut fuel = u64::MAX;
        // SAFETY: the module was verified when it was built (see the test).
        let r = unsafe {
            if fast {
                drive::<false, false>(&mut m, entry, &[k as u64], &mut fuel)
            } else {
                drive::<false, true>(&mut m, entry, &[k as u64], &mut fuel)
            }
        };
        let r = r.map_err(|t| t.to_string());
        (r, m.stats.instructions, m.stats.calls)
    }

    /// The fast tables (which only optimised builds choose) count instructions at control
    /// transfers only; they must agree exactly with the exact tables, across loops, calls,
    /// memory and out-of-line operations, and over many chunks. Unoptimised test builds make
    /// every tail call a real call, so this runs on a thread with a large stack: the native
    /// depth is bounded by a chunk plus one straight-line run.
    #[test]
    fn fast_and_exact_tables_count_the_same_instructions() {
        let module = crate::compile::compile_source("t.theta", PROGRAM).unwrap();
        crate::bytecode::verify(&module).unwrap();
        let module = Arc::new(module);
        std::thread::Builder::new()
            .stack_size(256 << 20)
            .spawn(move || {
                for k in [0, 1, 5, 3000] {
                    let exact = run(&module, false, k);
                    let fast = run(&module, true, k);
                    assert!(exact.0.is_ok(), "{exact:?}");
                    assert_eq!(exact, fast, "work({k})");
                    assert!(exact.1 > 10 * k as u64);
                }
            })
            .unwrap()
            .join()
            .unwrap();
    }
}
