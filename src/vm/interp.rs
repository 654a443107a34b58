//! The dispatch loop: `loop { match op }` over a function's decoded instructions.
//!
//! No type checks and no tag tests run here: the verifier proved every register's type at every
//! pc. Registers are read through a [`Window`] (`&mut [u64; 256]`), so a `u8` register number
//! needs no bounds check and there is no `unsafe`. Calls never recurse natively: a call pushes a
//! [`Frame`] and switches the loop's locals to the callee, so deep Theta recursion is bounded by
//! `max_frames` (T0004), never by the native stack.

use super::builtins;
use super::dataflow;
use super::frame::{Frame, WINDOW, Window, window};
use super::objects::{self as obj, str_cost};
use super::ops::{self, CmpOp, IntWidth};
use super::state::{Machine, Runtime};
use super::trap::{SourceLoc, TraceFrame, Trap, TrapKind};
use crate::bytecode::{BuiltinOp, Function, Instr, Module, Opcode, Operand};

/// Runs function `entry` with `args` (placed in r2…) to completion on an empty call stack.
/// Returns the returned slot (0 for `RET_VOID`). `fuel` is the remaining instruction budget and
/// is decremented by the instructions executed.
///
/// `EXACT` checks the budget before every instruction (needed when a budget is set, so the trap
/// happens at exactly the instruction that exceeds it, and for `--trace`). Without it the loop
/// does no per-instruction work for the budget: it still counts instructions exactly, but only
/// at control transfers (a taken jump, a call, a return), by accumulating the length of each
/// straight-line run `pc - run_start`; the budget (then unlimited) is not checked.
// `JNLT_F64`… are defined as `!(a < b)` (taken on NaN), which is exactly what that lint flags.
#[allow(clippy::neg_cmp_op_on_partial_ord)]
///
/// # Safety
///
/// `m.rt.module` must have passed [`crate::bytecode::verify`]: the loop fetches instructions
/// without bounds checks on the verifier's guarantee that control never leaves a function's code.
pub(crate) unsafe fn execute<const TRACE: bool, const EXACT: bool>(
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
    m.frames.clear();
    // The running function: read only at calls, returns and out-of-line instructions, so it
    // lives in memory and the dispatch loop keeps `ip`, `code` and `w` in machine registers.
    let mut cur = Cur {
        func: entry as usize,
        f,
        base: 0,
        spill_base: 0,
        calls: 0,
        frame_bound: m.limits.max_frames.saturating_sub(1),
    };
    // `code` is the running function's first instruction and `ip` the next one to execute;
    // both always point into (or, for `ip`, one past) the running function's `code`.
    let mut code: *const Instr = f.code.as_ptr();
    let mut ip: *const Instr = code;
    let mut fuel_left = *fuel;
    // Not EXACT: 8 × instructions executed so far = `ran + ip` (wrapping, in bytes; `ran`
    // absorbs every control transfer as `ip_before - ip_after`).
    let mut ran: usize = 0usize.wrapping_sub(ip as usize);
    if m.regs.len() < WINDOW {
        m.regs.resize(WINDOW, 0);
    }
    m.regs[0] = 0;
    for (i, &a) in args.iter().enumerate().take(14) {
        m.regs[2 + i] = a;
    }
    ensure_spills(&mut m.spills, f.num_spill_slots as usize);
    let mut w: &mut Window = window(&mut m.regs, 0);

    let mut traced = (
        cur.func,
        0,
        f.code
            .first()
            .copied()
            .unwrap_or(Instr::new(Opcode::Nop, 0, 0, 0, 0)),
    );
    let result: Result<u64, Trap> = loop {
        if EXACT {
            if fuel_left == 0 {
                break Err(Trap::new(
                    TrapKind::InstructionBudgetExhausted,
                    "instruction budget exhausted",
                ));
            }
            fuel_left -= 1;
        }
        // SAFETY: `ip` points at an instruction of the running function's `code` here.
        // `execute`'s contract is that the module passed the verifier, which proves, for every
        // function: its code is non-empty (the entry and a call's callee start at index 0);
        // every jump target (`Operand::Target`) is in `0..code.len()`; no reachable
        // instruction that can fall through (anything but RET/RET_VOID/TRAP/JMP) is the last
        // one, so `ip + 1` after it, and a return's `ret_pc` (the pc after a
        // CALL/CALL_INDIRECT), are in range. `code` only ever changes together with `ip` (a
        // call sets both to the callee's start, a return to the caller's start and `ret_pc`),
        // and the module is immutable behind its `Arc` (held by `module`) while the loop runs.
        let ins = unsafe { *ip };
        if TRACE {
            // SAFETY: `ip` and `code` point into the same `code` vector (see above).
            traced = (cur.func, unsafe { ip.offset_from(code) } as usize, ins);
        }
        // SAFETY: at most one past the end of `code` (see above).
        ip = unsafe { ip.add(1) };
        let a = ins.a as usize;
        let b = ins.b as usize;
        let c = ins.c as usize;
        // On an error: leave the loop with the trap (ip already points past the instruction).
        macro_rules! tri {
            ($e:expr) => {
                match $e {
                    Ok(v) => v,
                    Err(e) => break Err(e),
                }
            };
        }
        macro_rules! bin {
            ($f:path) => {
                w[ins.a as usize] = $f(w[ins.b as usize], w[ins.c as usize])
            };
        }
        macro_rules! bin_trap {
            ($f:path) => {
                w[ins.a as usize] = tri!($f(w[ins.b as usize], w[ins.c as usize]))
            };
        }
        macro_rules! bin_ri {
            ($f:path) => {
                w[ins.a as usize] = $f(w[ins.b as usize], ins.imm as i64 as u64)
            };
        }
        macro_rules! un {
            ($f:expr) => {
                w[ins.a as usize] = $f(w[ins.b as usize])
            };
        }
        macro_rules! cmp {
            ($op:tt) => {
                w[ins.a as usize] = ((w[ins.b as usize] as i64) $op (w[ins.c as usize] as i64)) as u64
            };
        }
        macro_rules! cmp_ri {
            ($op:tt) => {
                w[ins.a as usize] = ((w[ins.b as usize] as i64) $op (ins.imm as i64)) as u64
            };
        }
        macro_rules! fcmp {
            ($f:path) => {
                w[ins.a as usize] = $f(w[ins.b as usize], w[ins.c as usize]) as u64
            };
        }
        // Moves `ip` to `$t` (a pointer into the running function's code), with the run
        // accounting of the non-EXACT loop.
        macro_rules! transfer {
            ($t:expr) => {{
                let t: *const Instr = $t;
                if !EXACT {
                    ran = ran.wrapping_add(ip as usize).wrapping_sub(t as usize);
                }
                ip = t;
            }};
        }
        // A taken jump to pc `$t`.
        macro_rules! goto {
            ($t:expr) => {{
                // SAFETY: a jump target is in `0..code.len()` (the verifier, see the fetch).
                transfer!(unsafe { code.add($t as usize) })
            }};
        }
        macro_rules! jcmp {
            ($op:tt) => {
                if (w[ins.b as usize] as i64) $op (w[ins.c as usize] as i64) {
                    goto!(ins.imm);
                }
            };
        }
        macro_rules! jcmp_ri {
            ($op:tt) => {
                if (w[ins.b as usize] as i64) $op (ins.c as i8 as i64) {
                    goto!(ins.imm);
                }
            };
        }
        macro_rules! incr_jump {
            ($op:tt, $bound:expr) => {{
                let counter = ops::loop_step(w[a], ins.c);
                w[a] = counter;
                if (counter as i64) $op $bound {
                    goto!(ins.imm);
                }
            }};
        }
        macro_rules! fjump {
            ($of:ident, $op:tt) => {
                if ops::$of(w[ins.b as usize]) $op ops::$of(w[ins.c as usize]) {
                    goto!(ins.imm);
                }
            };
        }
        macro_rules! fjump_not {
            ($of:ident, $op:tt) => {
                if !(ops::$of(w[ins.b as usize]) $op ops::$of(w[ins.c as usize])) {
                    goto!(ins.imm);
                }
            };
        }
        // Switches the loop to the callee `$callee` (see `enter`).
        macro_rules! call {
            ($callee:expr) => {{
                let callee: usize = $callee;
                if m.frames.len() >= cur.frame_bound {
                    break Err(stack_overflow(m.limits.max_frames, &funcs[callee].name));
                }
                // SAFETY: `ip` is one past the call instruction, inside `code` (see the fetch).
                let ret_pc = unsafe { ip.offset_from(code) } as usize;
                let entry = enter(m, &funcs[callee], &mut cur, callee, ins, ret_pc);
                transfer!(entry);
                code = entry;
                w = window(&mut m.regs, cur.base);
            }};
        }
        // Returns `$v` (None: nothing) to the caller, or leaves the loop from the entry frame.
        macro_rules! ret {
            ($v:expr) => {{
                let v: Option<u64> = $v;
                match m.frames.pop() {
                    None => break Ok(v.unwrap_or(0)),
                    Some(fr) => {
                        cur.func = fr.func as usize;
                        cur.f = &funcs[cur.func];
                        code = cur.f.code.as_ptr();
                        // SAFETY: `ret_pc` is the pc after the CALL that pushed this frame, in
                        // the caller's code (see the fetch).
                        transfer!(unsafe { code.add(fr.ret_pc as usize) });
                        cur.base = fr.base;
                        cur.spill_base -= cur.f.num_spill_slots as usize;
                        w = window(&mut m.regs, cur.base);
                        if let Some(v) = v {
                            // r0 is the constant zero: a call with no result register (or a
                            // void callee) writes there, and r0 is restored below.
                            w[fr.dst as u8 as usize] = v;
                            w[0] = 0;
                        }
                    }
                }
            }};
        }
        match ins.op {
            Opcode::Nop => {}
            Opcode::Mov => w[a] = w[b],
            Opcode::LoadImm => w[a] = ins.imm as i64 as u64,
            Opcode::LoadF32 => w[a] = ins.imm as u32 as u64,
            Opcode::LoadConstI64 => w[a] = module.consts_i64[ins.imm as usize] as u64,
            Opcode::LoadConstF64 => w[a] = module.consts_f64[ins.imm as usize].to_bits(),
            Opcode::LoadConstStr => w[a] = Runtime::const_str(ins.imm as u32),
            Opcode::LoadFunc => w[a] = ins.imm as u32 as u64,
            Opcode::Jmp => goto!(ins.imm),
            Opcode::JTrue => {
                if w[b] != 0 {
                    goto!(ins.imm)
                }
            }
            Opcode::JFalse => {
                if w[b] == 0 {
                    goto!(ins.imm)
                }
            }
            Opcode::Ret => ret!(Some(w[b])),
            Opcode::RetVoid => ret!(None),

            Opcode::AddI8 => bin!(ops::add_i8),
            Opcode::AddI16 => bin!(ops::add_i16),
            Opcode::AddI32 => bin!(ops::add_i32),
            Opcode::AddI64 => bin!(ops::add_i64),
            Opcode::SubI8 => bin!(ops::sub_i8),
            Opcode::SubI16 => bin!(ops::sub_i16),
            Opcode::SubI32 => bin!(ops::sub_i32),
            Opcode::SubI64 => bin!(ops::sub_i64),
            Opcode::MulI8 => bin!(ops::mul_i8),
            Opcode::MulI16 => bin!(ops::mul_i16),
            Opcode::MulI32 => bin!(ops::mul_i32),
            Opcode::MulI64 => bin!(ops::mul_i64),
            Opcode::DivI8 => bin_trap!(ops::div_i8),
            Opcode::DivI16 => bin_trap!(ops::div_i16),
            Opcode::DivI32 => bin_trap!(ops::div_i32),
            Opcode::DivI64 => bin_trap!(ops::div_i64),
            Opcode::RemI8 => bin_trap!(ops::rem_i8),
            Opcode::RemI16 => bin_trap!(ops::rem_i16),
            Opcode::RemI32 => bin_trap!(ops::rem_i32),
            Opcode::RemI64 => bin_trap!(ops::rem_i64),
            Opcode::ShlI8 => bin!(ops::shl_i8),
            Opcode::ShlI16 => bin!(ops::shl_i16),
            Opcode::ShlI32 => bin!(ops::shl_i32),
            Opcode::ShlI64 => bin!(ops::shl_i64),
            Opcode::ShrI8 => bin!(ops::shr_i8),
            Opcode::ShrI16 => bin!(ops::shr_i16),
            Opcode::ShrI32 => bin!(ops::shr_i32),
            Opcode::ShrI64 => bin!(ops::shr_i64),
            Opcode::NegI8 => un!(ops::neg_i8),
            Opcode::NegI16 => un!(ops::neg_i16),
            Opcode::NegI32 => un!(ops::neg_i32),
            Opcode::NegI64 => un!(ops::neg_i64),

            Opcode::AddI8Ri => bin_ri!(ops::add_i8),
            Opcode::AddI16Ri => bin_ri!(ops::add_i16),
            Opcode::AddI32Ri => bin_ri!(ops::add_i32),
            Opcode::AddI64Ri => bin_ri!(ops::add_i64),
            Opcode::SubI8Ri => bin_ri!(ops::sub_i8),
            Opcode::SubI16Ri => bin_ri!(ops::sub_i16),
            Opcode::SubI32Ri => bin_ri!(ops::sub_i32),
            Opcode::SubI64Ri => bin_ri!(ops::sub_i64),
            Opcode::MulI8Ri => bin_ri!(ops::mul_i8),
            Opcode::MulI16Ri => bin_ri!(ops::mul_i16),
            Opcode::MulI32Ri => bin_ri!(ops::mul_i32),
            Opcode::MulI64Ri => bin_ri!(ops::mul_i64),
            Opcode::ShlI8Ri => bin_ri!(ops::shl_i8),
            Opcode::ShlI16Ri => bin_ri!(ops::shl_i16),
            Opcode::ShlI32Ri => bin_ri!(ops::shl_i32),
            Opcode::ShlI64Ri => bin_ri!(ops::shl_i64),
            Opcode::ShrI8Ri => bin_ri!(ops::shr_i8),
            Opcode::ShrI16Ri => bin_ri!(ops::shr_i16),
            Opcode::ShrI32Ri => bin_ri!(ops::shr_i32),
            Opcode::ShrI64Ri => bin_ri!(ops::shr_i64),

            Opcode::And => bin!(ops::and),
            Opcode::Or => bin!(ops::or),
            Opcode::Xor => bin!(ops::xor),
            Opcode::BitNot => un!(ops::not_int),
            Opcode::NotBool => un!(ops::not_bool),
            Opcode::Eq => cmp!(==),
            Opcode::Ne => cmp!(!=),
            Opcode::Lt => cmp!(<),
            Opcode::Le => cmp!(<=),
            Opcode::Gt => cmp!(>),
            Opcode::Ge => cmp!(>=),
            Opcode::EqRi => cmp_ri!(==),
            Opcode::NeRi => cmp_ri!(!=),
            Opcode::LtRi => cmp_ri!(<),
            Opcode::LeRi => cmp_ri!(<=),
            Opcode::GtRi => cmp_ri!(>),
            Opcode::GeRi => cmp_ri!(>=),
            Opcode::Jeq => jcmp!(==),
            Opcode::Jne => jcmp!(!=),
            Opcode::Jlt => jcmp!(<),
            Opcode::Jle => jcmp!(<=),
            Opcode::Jgt => jcmp!(>),
            Opcode::Jge => jcmp!(>=),
            Opcode::JeqRi => jcmp_ri!(==),
            Opcode::JneRi => jcmp_ri!(!=),
            Opcode::JltRi => jcmp_ri!(<),
            Opcode::JleRi => jcmp_ri!(<=),
            Opcode::JgtRi => jcmp_ri!(>),
            Opcode::JgeRi => jcmp_ri!(>=),

            Opcode::AddF32 => bin!(ops::add_f32),
            Opcode::SubF32 => bin!(ops::sub_f32),
            Opcode::MulF32 => bin!(ops::mul_f32),
            Opcode::DivF32 => bin!(ops::div_f32),
            Opcode::RemF32 => bin!(ops::rem_f32),
            Opcode::NegF32 => un!(ops::neg_f32),
            Opcode::AddF64 => bin!(ops::add_f64),
            Opcode::SubF64 => bin!(ops::sub_f64),
            Opcode::MulF64 => bin!(ops::mul_f64),
            Opcode::DivF64 => bin!(ops::div_f64),
            Opcode::RemF64 => bin!(ops::rem_f64),
            Opcode::NegF64 => un!(ops::neg_f64),
            Opcode::EqF32 => fcmp!(ops::cmp_f32::eq),
            Opcode::NeF32 => fcmp!(ops::cmp_f32::ne),
            Opcode::LtF32 => fcmp!(ops::cmp_f32::lt),
            Opcode::LeF32 => fcmp!(ops::cmp_f32::le),
            Opcode::GtF32 => fcmp!(ops::cmp_f32::gt),
            Opcode::GeF32 => fcmp!(ops::cmp_f32::ge),
            Opcode::EqF64 => fcmp!(ops::cmp_f64::eq),
            Opcode::NeF64 => fcmp!(ops::cmp_f64::ne),
            Opcode::LtF64 => fcmp!(ops::cmp_f64::lt),
            Opcode::LeF64 => fcmp!(ops::cmp_f64::le),
            Opcode::GtF64 => fcmp!(ops::cmp_f64::gt),
            Opcode::GeF64 => fcmp!(ops::cmp_f64::ge),

            Opcode::CastToI8 => un!(ops::sext_i8),
            Opcode::CastToI16 => un!(ops::sext_i16),
            Opcode::CastToI32 => un!(ops::sext_i32),
            Opcode::CastToI64 => w[a] = w[b],
            Opcode::CastIntF32 => un!(ops::int_to_f32),
            Opcode::CastIntF64 => un!(ops::int_to_f64),
            Opcode::CastF32I8 => w[a] = ops::f32_to_int(w[b], IntWidth::I8),
            Opcode::CastF32I16 => w[a] = ops::f32_to_int(w[b], IntWidth::I16),
            Opcode::CastF32I32 => w[a] = ops::f32_to_int(w[b], IntWidth::I32),
            Opcode::CastF32I64 => w[a] = ops::f32_to_int(w[b], IntWidth::I64),
            Opcode::CastF64I8 => w[a] = ops::f64_to_int(w[b], IntWidth::I8),
            Opcode::CastF64I16 => w[a] = ops::f64_to_int(w[b], IntWidth::I16),
            Opcode::CastF64I32 => w[a] = ops::f64_to_int(w[b], IntWidth::I32),
            Opcode::CastF64I64 => w[a] = ops::f64_to_int(w[b], IntWidth::I64),
            Opcode::CastF32F64 => un!(ops::f32_to_f64),
            Opcode::CastF64F32 => un!(ops::f64_to_f32),

            Opcode::ArrayLen => w[a] = tri!(obj::array_len(&m.rt.heap, w[b])),
            Opcode::ArrayGetI8
            | Opcode::ArrayGetI16
            | Opcode::ArrayGetI32
            | Opcode::ArrayGetI64
            | Opcode::ArrayGetF32
            | Opcode::ArrayGetF64
            | Opcode::ArrayGetBool
            | Opcode::ArrayGetRef => w[a] = tri!(obj::array_get(&m.rt.heap, w[b], w[c])),
            Opcode::ArraySetI8
            | Opcode::ArraySetI16
            | Opcode::ArraySetI32
            | Opcode::ArraySetI64
            | Opcode::ArraySetF32
            | Opcode::ArraySetF64
            | Opcode::ArraySetBool
            | Opcode::ArraySetRef => tri!(obj::array_set(&mut m.rt.heap, w[a], w[b], w[c])),

            Opcode::GetFieldI8
            | Opcode::GetFieldI16
            | Opcode::GetFieldI32
            | Opcode::GetFieldI64
            | Opcode::GetFieldF32
            | Opcode::GetFieldF64
            | Opcode::GetFieldBool
            | Opcode::GetFieldRef => w[a] = tri!(obj::get_field(&m.rt.heap, w[b], ins.imm)),
            Opcode::SetFieldI8
            | Opcode::SetFieldI16
            | Opcode::SetFieldI32
            | Opcode::SetFieldI64
            | Opcode::SetFieldF32
            | Opcode::SetFieldF64
            | Opcode::SetFieldBool
            | Opcode::SetFieldRef => tri!(obj::set_field(&mut m.rt.heap, w[b], ins.imm, w[c])),

            Opcode::GetGlobal => w[a] = m.globals[ins.imm as usize],
            Opcode::SetGlobal => m.globals[ins.imm as usize] = w[b],
            Opcode::Spill => m.spills[cur.spill_base + ins.imm as usize] = w[b],
            Opcode::Reload => w[a] = m.spills[cur.spill_base + ins.imm as usize],

            Opcode::Call => call!(ins.imm as usize),
            Opcode::CallIndirect => {
                let target = w[ins.imm as u8 as usize];
                if target >= funcs.len() as u64 {
                    break Err(Trap::new(
                        TrapKind::InvalidFunction,
                        "call of a null function value (a global read before its initialiser ran)",
                    ));
                }
                call!(target as usize)
            }
            // The verifier proved imm a non-zero value of the type: no trap is possible.
            Opcode::DivI8Ri => w[a] = ops::div_ri_i8(w[b], ins.imm),
            Opcode::DivI16Ri => w[a] = ops::div_ri_i16(w[b], ins.imm),
            Opcode::DivI32Ri => w[a] = ops::div_ri_i32(w[b], ins.imm),
            Opcode::DivI64Ri => w[a] = ops::div_ri_i64(w[b], ins.imm),
            Opcode::RemI8Ri => w[a] = ops::rem_ri_i8(w[b], ins.imm),
            Opcode::RemI16Ri => w[a] = ops::rem_ri_i16(w[b], ins.imm),
            Opcode::RemI32Ri => w[a] = ops::rem_ri_i32(w[b], ins.imm),
            Opcode::RemI64Ri => w[a] = ops::rem_ri_i64(w[b], ins.imm),
            // Fused loop step: `R[a] += c as i8`, then compare with R[b] (or `b as i8`).
            Opcode::IncrJlt => incr_jump!(<, w[b] as i64),
            Opcode::IncrJle => incr_jump!(<=, w[b] as i64),
            Opcode::IncrJgt => incr_jump!(>, w[b] as i64),
            Opcode::IncrJge => incr_jump!(>=, w[b] as i64),
            Opcode::IncrJltRi => incr_jump!(<, ops::small_bound(ins.b)),
            Opcode::IncrJleRi => incr_jump!(<=, ops::small_bound(ins.b)),
            Opcode::IncrJgtRi => incr_jump!(>, ops::small_bound(ins.b)),
            Opcode::IncrJgeRi => incr_jump!(>=, ops::small_bound(ins.b)),
            Opcode::AndRi => bin_ri!(ops::and),
            Opcode::OrRi => bin_ri!(ops::or),
            Opcode::XorRi => bin_ri!(ops::xor),
            Opcode::JeqF64 => fjump!(f64_of, ==),
            Opcode::JneF64 => fjump!(f64_of, !=),
            Opcode::JltF64 => fjump!(f64_of, <),
            Opcode::JleF64 => fjump!(f64_of, <=),
            Opcode::JnltF64 => fjump_not!(f64_of, <),
            Opcode::JnleF64 => fjump_not!(f64_of, <=),
            Opcode::JeqF32 => fjump!(f32_of, ==),
            Opcode::JneF32 => fjump!(f32_of, !=),
            Opcode::JltF32 => fjump!(f32_of, <),
            Opcode::JleF32 => fjump!(f32_of, <=),
            Opcode::JnltF32 => fjump_not!(f32_of, <),
            Opcode::JnleF32 => fjump_not!(f32_of, <=),
            // Everything else is rare or heavy (allocation, strings, printing, built-ins,
            // dataflow): out of line, so the hot loop keeps its state in registers.
            _ => {
                tri!(cold_op(m, &module, cur.f, ins, cur.base, cur.spill_base));
                w = window(&mut m.regs, cur.base);
            }
        }
        if TRACE {
            trace_line(&module, traced, Some(&*w));
        }
    };
    if TRACE {
        // The instruction that left the loop (a return from the entry frame or a trap).
        trace_line(&module, traced, None);
    }
    if !EXACT {
        let executed = (ran.wrapping_add(ip as usize) / std::mem::size_of::<Instr>()) as u64;
        fuel_left = fuel_left.saturating_sub(executed);
    }
    m.stats.instructions += *fuel - fuel_left;
    m.stats.calls += cur.calls;
    *fuel = fuel_left;
    // SAFETY: `ip` and `code` point into the running function's code (see the fetch).
    let pc = unsafe { ip.offset_from(code) } as usize;
    result.map_err(|t| locate(m, &module, t, cur.func, pc.saturating_sub(1)))
}

/// The running function and what only calls, returns and out-of-line instructions need.
struct Cur<'a> {
    /// Its index.
    func: usize,
    /// The function.
    f: &'a Function,
    /// Its register base.
    base: usize,
    /// Its spill base.
    spill_base: usize,
    /// Calls made so far.
    calls: u64,
    /// A call traps T0004 when it would make the call stack (suspended callers plus the
    /// running function) reach `max_frames`: one compare against this bound.
    frame_bound: usize,
}

/// A call: pushes the caller's frame and switches `cur` to the callee `cf` (index `callee`),
/// whose window starts right after the caller's registers and receives the arguments
/// `R[b] .. R[b+c-1]` of the call instruction `ins` in r2…; `ret_pc` is the pc after the call.
/// Returns the callee's first instruction. Out of line (the dispatch loop then keeps fewer
/// values live) and infallible (the caller checks the frame bound), so the result comes back
/// in a register.
#[inline(never)]
fn enter<'a>(
    m: &mut Machine,
    cf: &'a Function,
    cur: &mut Cur<'a>,
    callee: usize,
    ins: Instr,
    ret_pc: usize,
) -> *const Instr {
    let base = cur.base;
    let n = cur.f.num_registers as usize;
    let new_spill = cur.spill_base + cur.f.num_spill_slots as usize;
    if base + n + WINDOW > m.regs.len() {
        grow_regs(&mut m.regs, base + n + WINDOW);
    }
    let (b, c) = (ins.b as usize, ins.c as usize);
    // One slice covers both windows (`n + WINDOW` slots). The verifier proves
    // `b + c <= n <= WINDOW`, so `b + 3 < n + WINDOW` and every index below is in bounds.
    let regs = &mut m.regs[base..base + n + WINDOW];
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
    if need > m.spills.len() {
        ensure_spills(&mut m.spills, need);
    }
    m.frames.push(Frame {
        func: cur.func as u32,
        ret_pc: ret_pc as u32,
        dst: ins.a as u32,
        base,
    });
    cur.calls += 1;
    cur.func = callee;
    cur.f = cf;
    cur.base = base + n;
    cur.spill_base = new_spill;
    cf.code.as_ptr()
}

/// The rare or heavy instructions, out of line so that the dispatch loop stays small and keeps
/// its state in registers. `base`/`spill_base` locate the current frame (for the collector's
/// roots); the caller re-derives its register window afterwards.
#[cold]
#[inline(never)]
fn cold_op(
    m: &mut Machine,
    module: &Module,
    f: &Function,
    ins: Instr,
    base: usize,
    spill_base: usize,
) -> Result<(), Trap> {
    let (a, b, c) = (ins.a as usize, ins.b as usize, ins.c as usize);
    let mut w: &mut Window = window(&mut m.regs, base);
    // Before an allocation of about `$extra` bytes: collect garbage if the heap wants it. Every
    // live handle is in a register, spill slot or global at this point (built-ins allocate only
    // after this check, from arguments that are still in registers).
    macro_rules! gc_point {
        ($extra:expr) => {
            if m.rt.heap.wants_collection($extra) {
                let top = base + f.num_registers as usize;
                let stop = spill_base + f.num_spill_slots as usize;
                m.rt.heap
                    .collect([&m.regs[..top], &m.spills[..stop], &m.globals[..]]);
                w = window(&mut m.regs, base);
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
                        .collect([&m.regs[..top], &m.spills[..stop], &m.globals[..]]);
                    w = window(&mut m.regs, base);
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
        Opcode::StrEq => w[a] = obj::str_cmp(&m.rt.heap, w[b], w[c], CmpOp::Eq),
        Opcode::StrNe => w[a] = obj::str_cmp(&m.rt.heap, w[b], w[c], CmpOp::Ne),
        Opcode::StrLt => w[a] = obj::str_cmp(&m.rt.heap, w[b], w[c], CmpOp::Lt),
        Opcode::StrLe => w[a] = obj::str_cmp(&m.rt.heap, w[b], w[c], CmpOp::Le),
        Opcode::StrGt => w[a] = obj::str_cmp(&m.rt.heap, w[b], w[c], CmpOp::Gt),
        Opcode::StrGe => w[a] = obj::str_cmp(&m.rt.heap, w[b], w[c], CmpOp::Ge),
        Opcode::StrLen => w[a] = m.rt.heap.str(w[b]).len() as u64,
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
        Opcode::PrintF32 => super::format::write_f32(&mut m.rt.out.buf, ops::f32_of(w[b])),
        Opcode::PrintF64 => super::format::write_f64(&mut m.rt.out.buf, ops::f64_of(w[b])),
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

/// Grows the register stack geometrically to at least `n` slots.
#[cold]
#[inline(never)]
fn grow_regs(regs: &mut Vec<u64>, n: usize) {
    regs.resize(n.max(regs.len() * 2), 0);
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
        trap.stack.push(TraceFrame {
            function: name(fr.func as usize),
            location: position(
                module,
                fr.func as usize,
                (fr.ret_pc as usize).saturating_sub(1),
            ),
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
