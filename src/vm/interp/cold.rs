//! The out-of-line handler: every opcode without a handler of its own (allocation, strings,
//! printing, built-in calls, dataflow) goes through [`cold_op`], so the hot handlers stay small.

#![allow(non_snake_case)]

use super::dispatch::{fetch, next, trapped};
use super::{Ctx, Exit};
use crate::bytecode::{BuiltinOp, Function, Instr, Module, Opcode};
use crate::vm::builtins;
use crate::vm::dataflow;
use crate::vm::format;
use crate::vm::frame::{Registers, WINDOW, Window, window};
use crate::vm::objects::{self as obj, str_cost};
use crate::vm::ops::{self, CmpOp};
use crate::vm::state::Machine;
use crate::vm::trap::{Trap, TrapKind};

/// The handler of every opcode that has none of its own: runs [`cold_op`] with the whole
/// register stack, then continues.
///
/// # Safety
///
/// The [`Handler`](super::Handler) contract.
pub(super) unsafe fn Cold<'r, const EXACT: bool>(
    ip: *const Instr,
    code: *const Instr,
    w: Window<'r>,
    cx: &mut Ctx<'r>,
    n: usize,
) -> Exit {
    // SAFETY: `ip` points at this instruction (the contract); one past it is in bounds.
    let (ins, ip) = unsafe { (fetch(ip), ip.add(1)) };
    cx.regs.give_back(w);
    let ok = run(cx, ins);
    let w = cx.regs.lend();
    if ok {
        // SAFETY: `TRAP`, the only cold terminator, always fails; every other cold opcode
        // falls through (see `next`).
        unsafe { next::<EXACT>(ip, code, w, cx, n) }
    } else {
        trapped(ip, w, cx, n)
    }
}

/// Runs [`cold_op`] on the whole register stack (no window is lent); on a trap, stores it in
/// `cx.trap` and returns false. The trap never passes through the handler, whose dispatch then
/// stays a tail call (a `Result<(), Trap>` there would live in its stack frame).
#[inline(never)]
fn run(cx: &mut Ctx<'_>, ins: Instr) -> bool {
    let base = cx.regs.base();
    let spill_base = cx.cur.spill_base;
    let f = cx.function();
    match cold_op(cx.m, cx.regs.slots(), cx.module, f, ins, base, spill_base) {
        Ok(()) => true,
        Err(t) => {
            cx.trap = Some(t);
            false
        }
    }
}

/// The rare or heavy instructions, out of line so that the hot handlers stay small and keep
/// their state in registers. `regs` is the whole register stack and `base`/`spill_base` locate
/// the current frame (for the collector's roots).
#[cold]
#[inline(never)]
fn cold_op(
    m: &mut Machine,
    regs: &mut [u64],
    module: &Module,
    f: &Function,
    ins: Instr,
    base: usize,
    spill_base: usize,
) -> Result<(), Trap> {
    let (a, b, c) = (ins.a as usize, ins.b as usize, ins.c as usize);
    let mut w: &mut Registers = window(regs, base);
    // Before an allocation of about `$extra` bytes: collect garbage if the heap wants it. Every
    // live handle is in a register, spill slot or global at this point (built-ins allocate only
    // after this check, from arguments that are still in registers).
    macro_rules! gc_point {
        ($extra:expr) => {
            if m.rt.heap.wants_collection($extra) {
                let top = base + f.num_registers as usize;
                let stop = spill_base + f.num_spill_slots as usize;
                m.rt.heap
                    .collect([&regs[..top], &m.spills[..stop], &m.globals[..]]);
                w = window(regs, base);
            }
        };
    }
    // For allocations whose size the interpreter cannot estimate (a `to_string` result,
    // `new S[n]` filling in default structs): when the memory limit refuses them, collect
    // once and retry, so T0008 only fires when the request does not fit after a collection
    // (§10). The retried operations only allocate; a failed first attempt leaves garbage.
    macro_rules! gc_retry {
        ($e:expr) => {
            match $e {
                Ok(v) => v,
                Err(t) if t.kind == TrapKind::MemoryLimitExceeded => {
                    let top = base + f.num_registers as usize;
                    let stop = spill_base + f.num_spill_slots as usize;
                    m.rt.heap
                        .collect([&regs[..top], &m.spills[..stop], &m.globals[..]]);
                    w = window(regs, base);
                    $e?
                }
                Err(t) => return Err(t),
            }
        };
    }
    match ins.op {
        Opcode::Trap => {
            let msg = module
                .strings
                .get(ins.imm as usize)
                .map_or("explicit trap", |s| s.as_str());
            return Err(Trap::new(TrapKind::Explicit, msg));
        }
        Opcode::Concat => {
            let n = m.rt.heap.str(w[b]).len() + m.rt.heap.str(w[c]).len();
            gc_point!(str_cost(n));
            w[a] = obj::concat(&mut m.rt, w[b], w[c])?;
        }
        Opcode::ConcatN => {
            let parts = b..(b + c).min(WINDOW);
            let n = w[parts.clone()]
                .iter()
                .fold(0usize, |n, &h| n.saturating_add(m.rt.heap.str(h).len()));
            gc_point!(str_cost(n));
            w[a] = m.rt.heap.concat_many(&w[parts])?;
        }
        Opcode::StrEq => w[a] = obj::str_cmp(&m.rt.heap, w[b], w[c], CmpOp::Eq),
        Opcode::StrNe => w[a] = obj::str_cmp(&m.rt.heap, w[b], w[c], CmpOp::Ne),
        Opcode::StrLt => w[a] = obj::str_cmp(&m.rt.heap, w[b], w[c], CmpOp::Lt),
        Opcode::StrLe => w[a] = obj::str_cmp(&m.rt.heap, w[b], w[c], CmpOp::Le),
        Opcode::StrGt => w[a] = obj::str_cmp(&m.rt.heap, w[b], w[c], CmpOp::Gt),
        Opcode::StrGe => w[a] = obj::str_cmp(&m.rt.heap, w[b], w[c], CmpOp::Ge),
        Opcode::ToString => {
            gc_point!(64);
            w[a] = gc_retry!(obj::to_string(&mut m.rt, ins.imm, w[b]));
        }
        Opcode::ArrayNew => {
            let n = (w[b] as i64).max(0) as usize;
            gc_point!(n.saturating_mul(8));
            w[a] = gc_retry!(obj::array_new(&mut m.rt, ins.imm, w[b]));
        }
        Opcode::ArrayLit => {
            gc_point!(c * 8);
            w[a] = obj::array_lit(&mut m.rt, ins.imm, &w[b..(b + c).min(WINDOW)])?;
        }
        Opcode::StructNew => {
            gc_point!(c * 8);
            w[a] = obj::struct_new(&mut m.rt, ins.imm, &w[b..(b + c).min(WINDOW)])?;
        }
        Opcode::StructNewDefault => {
            gc_point!(64);
            w[a] = gc_retry!(m.rt.default_struct(ins.imm as u32, 0));
        }
        Opcode::CallBuiltin => {
            let Some(&op) = module.builtins.get(ins.imm as usize) else {
                return Err(Trap::new(
                    TrapKind::Internal,
                    format!("no builtin #{}", ins.imm),
                ));
            };
            if builtins::allocates(op) {
                gc_point!(64);
            }
            let mut args = [0u64; 4];
            let n = c.min(4);
            args[..n].copy_from_slice(&w[b..b + n]);
            // Pure string results (their size is unknown up front) may retry after a
            // collection; other built-ins have effects and must not run twice.
            let v = if matches!(
                op,
                BuiltinOp::Substr | BuiltinOp::FromBytes | BuiltinOp::TableGetStr
            ) {
                gc_retry!(builtins::call(&mut m.rt, op, &args[..n]))
            } else {
                builtins::call(&mut m.rt, op, &args[..n])?
            };
            if let (Some(v), true) = (v, a != 0) {
                w[a] = v;
            }
        }
        Opcode::PrintInt => obj::print_int(&mut m.rt, w[b]),
        Opcode::PrintF32 => format::write_f32(&mut m.rt.out.buf, ops::f32_of(w[b])),
        Opcode::PrintF64 => format::write_f64(&mut m.rt.out.buf, ops::f64_of(w[b])),
        Opcode::PrintBool => {
            m.rt.out
                .buf
                .extend_from_slice(if w[b] != 0 { b"true" } else { b"false" })
        }
        Opcode::PrintStr => obj::print_str(&mut m.rt, w[b]),
        Opcode::PrintValue => obj::print_value(&mut m.rt, ins.imm, w[b])?,
        Opcode::PrintSpace => m.rt.out.buf.push(b' '),
        Opcode::PrintNewline => {
            m.rt.out.buf.push(b'\n');
            m.rt.out.maybe_flush()?;
        }
        Opcode::DfNode => {
            gc_point!(64);
            let args: Vec<u64> = w[b..(b + c).min(WINDOW)].to_vec();
            w[a] = dataflow::node(&mut m.rt, ins.imm, &args)?;
        }
        Opcode::DfMaterialize => {
            gc_point!(64);
            w[a] = dataflow::materialize(&mut m.rt, w[b])?;
        }
        Opcode::DfExplain => {
            gc_point!(64);
            w[a] = dataflow::explain(&mut m.rt, w[b])?;
        }
        op => {
            return Err(Trap::new(
                TrapKind::Internal,
                format!("{} reached the out-of-line path", op.mnemonic()),
            ));
        }
    }
    Ok(())
}
