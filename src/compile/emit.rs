//! IR + allocation → one bytecode function: opcode selection, spill code, branch layout with
//! fall-through, jump resolution to absolute pcs, and the debug tables (pc → line, register →
//! variable name).

use crate::builtins::Builtin;
use crate::bytecode::{
    BuiltinOp, DfNodeKind, Function, FunctionDebug, Instr, LineEntry, Opcode, RegName, VType,
};
use crate::compile::CompileError;
use crate::compile::ir::{
    ArithOp, BlockId, CmpOp, InstKind, IrFunction, Kind, Operand, Terminator, VReg,
};
use crate::compile::liveness;
use crate::compile::pools::{Pools, value_vtype, vtype};
use crate::compile::regalloc::{Allocation, Loc};
use crate::compile::select;
use crate::source::{SourceFile, Span};

type R<T> = Result<T, CompileError>;

/// Emits `func` (allocated as `alloc`) into a bytecode [`Function`].
pub fn emit_function(
    files: &[&SourceFile],
    pools: &mut Pools,
    func: &IrFunction,
    alloc: &Allocation,
) -> R<Function> {
    let mut e = Emitter {
        files,
        pools,
        func,
        alloc,
        code: Vec::new(),
        lines: Vec::new(),
        block_pc: vec![None; func.blocks.len()],
        fixups: Vec::new(),
        inst_pc: Vec::new(),
        span: Span::default(),
    };
    // Empty jump-only blocks (other than the entry) are not emitted: every jump is threaded past
    // them, so only a fall-through could reach one, and the block before it then falls through
    // to (or jumps to) the real target instead. This turns `if (c) break;` into one `JTRUE`.
    let mut skipped: Vec<bool> = func
        .layout
        .iter()
        .enumerate()
        .map(|(i, &b)| i > 0 && skippable(func, b))
        .collect();
    // A jump to a block that only compares and branches (a rotated loop's condition) takes a
    // copy of that branch instead (`final_term`). Such a block then needs emitting only when a
    // branch targets it: otherwise only its layout predecessor still falls into it, and that is
    // the loop step, whose increment fuses with the copied branch (`INCR_J*`).
    let terms: Vec<(Terminator, Span)> = func.layout.iter().map(|&b| final_term(func, b)).collect();
    let mut branched_to = vec![false; func.blocks.len()];
    for (i, (term, _)) in terms.iter().enumerate() {
        if let (
            false,
            Terminator::Branch {
                then_to, else_to, ..
            },
        )
        | (
            false,
            Terminator::CmpBranch {
                then_to, else_to, ..
            },
        ) = (skipped[i], term)
        {
            branched_to[then_to.0 as usize] = true;
            branched_to[else_to.0 as usize] = true;
        }
    }
    for (i, &b) in func.layout.iter().enumerate() {
        if i > 0 && compare_only(func, b) && !branched_to[b.0 as usize] {
            skipped[i] = true;
        }
    }
    for (i, &b) in func.layout.iter().enumerate() {
        if skipped[i] {
            let at = e.code.len() as u32;
            e.inst_pc.push((at, at));
            continue;
        }
        e.block_pc[b.0 as usize] = Some(e.code.len() as u32);
        let block = func.block(b);
        let next = (i + 1..func.layout.len())
            .find(|&j| !skipped[j])
            .map(|j| forward(func, func.layout[j]));
        let (mut term, mut term_span) = (&terms[i].0, terms[i].1);
        let step = block.insts.last().and_then(|l| e.loop_step(&l.kind, term));
        // A copied branch gains nothing over falling into the (emitted) condition block,
        // unless it fuses with the step.
        let threaded = thread_jumps(func, &block.term);
        if step.is_none() && matches!(threaded, Terminator::Jump(t) if Some(t) == next) {
            (term, term_span) = (&threaded, block.term_span);
        }
        let fused_from = block.insts.len() - usize::from(step.is_some());
        for (k, inst) in block.insts.iter().enumerate() {
            let start = e.code.len() as u32;
            if k < fused_from {
                e.span = inst.span;
                e.inst(&inst.kind)?;
            }
            e.inst_pc.push((start, e.code.len() as u32));
        }
        let start = e.code.len() as u32;
        e.span = term_span;
        match step {
            Some(step) => e.fused_step(&step, next)?,
            None => e.terminator(term, next)?,
        }
        e.inst_pc.push((start, e.code.len() as u32));
    }
    for (at, target) in std::mem::take(&mut e.fixups) {
        let pc = e.block_pc[target.0 as usize].ok_or_else(|| {
            CompileError::internal(format!("{}: jump to an unplaced block", func.name))
        })?;
        e.code[at].imm = pc as i32;
    }
    let reg_names = e.reg_names();
    let code = e.code;
    let lines = e.lines;
    if code.len() > i32::MAX as usize / 2 {
        return Err(CompileError::limit(format!(
            "function `{}` has too many instructions",
            func.name
        )));
    }
    Ok(Function {
        name: func.name.clone(),
        params: func
            .params
            .iter()
            .map(|p| value_vtype(func.ty(*p)))
            .collect::<R<_>>()?,
        ret: vtype(&func.ret)?,
        num_registers: alloc.num_registers,
        num_spill_slots: alloc.num_slots,
        code,
        debug: FunctionDebug { lines, reg_names },
        // Filled once the module is complete (calls need every signature): compile_program.
        reg_types: Vec::new(),
    })
}

struct Emitter<'a> {
    files: &'a [&'a SourceFile],
    pools: &'a mut Pools,
    func: &'a IrFunction,
    alloc: &'a Allocation,
    code: Vec<Instr>,
    lines: Vec<LineEntry>,
    block_pc: Vec<Option<u32>>,
    fixups: Vec<(usize, BlockId)>,
    /// pc range of each numbered IR instruction (liveness numbering).
    inst_pc: Vec<(u32, u32)>,
    span: Span,
}

impl Emitter<'_> {
    fn put(&mut self, i: Instr) {
        let pc = self.code.len() as u32;
        if let Some(f) = self.files.get(self.span.file.0 as usize) {
            let (line, col) = f.line_col(self.span.start);
            let file = self.span.file.0;
            let same = self
                .lines
                .last()
                .is_some_and(|l| (l.file, l.line, l.col) == (file, line, col));
            if !same {
                self.lines.push(LineEntry {
                    pc,
                    file,
                    line,
                    col,
                });
            }
        }
        self.code.push(i);
    }

    fn jump_to(&mut self, i: Instr, target: BlockId) {
        self.fixups.push((self.code.len(), target));
        self.put(i);
    }

    fn kind(&self, v: VReg) -> R<Kind> {
        Kind::of(self.func.ty(v))
            .ok_or_else(|| CompileError::internal(format!("{}: {v} has no kind", self.func.name)))
    }

    fn loc(&self, v: VReg) -> R<Loc> {
        self.alloc.loc(v).ok_or_else(|| {
            CompileError::internal(format!("{}: {v} was not allocated", self.func.name))
        })
    }

    fn scratch(&self, k: usize) -> R<u8> {
        self.alloc
            .scratch
            .and_then(|s| s.get(k).copied())
            .ok_or_else(|| {
                CompileError::internal(format!("{}: no scratch register", self.func.name))
            })
    }

    /// The register holding source `v`, reloading a spilled value into scratch `*k`.
    fn src(&mut self, v: VReg, k: &mut usize) -> R<u8> {
        match self.loc(v)? {
            Loc::Reg(r) => Ok(r),
            Loc::Slot(s) => {
                let r = self.scratch(*k)?;
                *k += 1;
                self.put(Instr::ai(Opcode::Reload, r, s as i32));
                Ok(r)
            }
        }
    }

    /// The register to write for `v`, and the slot to spill it to afterwards.
    fn dst(&self, v: VReg) -> R<(u8, Option<u32>)> {
        match self.loc(v)? {
            Loc::Reg(r) => Ok((r, None)),
            Loc::Slot(s) => Ok((self.scratch(0)?, Some(s))),
        }
    }

    fn finish_dst(&mut self, d: (u8, Option<u32>)) {
        if let Some(s) = d.1 {
            self.put(Instr::abi(Opcode::Spill, 0, d.0, s as i32));
        }
    }

    /// Emits `i` whose `a` is `dst`'s register, then spills if needed.
    fn with_dst(&mut self, dst: VReg, make: impl FnOnce(u8) -> Instr) -> R<()> {
        let d = self.dst(dst)?;
        self.put(make(d.0));
        self.finish_dst(d);
        Ok(())
    }

    /// First register of a range operand (`b`) and its length (`c`), checking contiguity.
    fn range(&self, regs: &[VReg]) -> R<(u8, u8)> {
        let Some(&first) = regs.first() else {
            return Ok((0, 0));
        };
        let base = match self.loc(first)? {
            Loc::Reg(r) => r,
            Loc::Slot(_) => return Err(self.range_error()),
        };
        for (k, &v) in regs.iter().enumerate() {
            if self.loc(v)? != Loc::Reg(base.wrapping_add(k as u8)) {
                return Err(self.range_error());
            }
        }
        u8::try_from(regs.len())
            .map(|n| (base, n))
            .map_err(|_| self.range_error())
    }

    fn range_error(&self) -> CompileError {
        CompileError::internal(format!(
            "{}: a register range is not consecutive",
            self.func.name
        ))
    }

    fn unsupported(&self, what: String) -> CompileError {
        CompileError::internal(format!("{}: no opcode for {what}", self.func.name))
    }

    fn inst(&mut self, inst: &InstKind) -> R<()> {
        use InstKind::*;
        let mut k = 0;
        match inst {
            LoadInt { dst, value } => self.load_int(*dst, *value)?,
            LoadFloat { dst, value } => {
                let (opc, imm) = if self.kind(*dst)? == Kind::F32 {
                    (Opcode::LoadF32, (*value as f32).to_bits() as i32)
                } else {
                    (Opcode::LoadConstF64, self.pools.float(*value)?)
                };
                self.with_dst(*dst, |r| Instr::ai(opc, r, imm))?
            }
            LoadBool { dst, value } => {
                let v = i32::from(*value);
                let tag = crate::bytecode::ElemKind::Bool as u8;
                self.with_dst(*dst, |r| Instr::new(Opcode::LoadImm, r, 0, tag, v))?
            }
            LoadStr { dst, value } => {
                let ix = self.pools.string(value)?;
                self.with_dst(*dst, |r| Instr::ai(Opcode::LoadConstStr, r, ix))?
            }
            LoadFunc { dst, func } => {
                let f = func.0 as i32;
                self.with_dst(*dst, |r| Instr::ai(Opcode::LoadFunc, r, f))?
            }
            Mov { dst, src } => {
                let s = self.src(*src, &mut k)?;
                let d = self.dst(*dst)?;
                if s != d.0 {
                    self.put(Instr::ab(Opcode::Mov, d.0, s));
                }
                self.finish_dst(d);
            }
            Unary { op, kind, dst, src } => {
                let opc = select::unary(*op, *kind)
                    .ok_or_else(|| self.unsupported(format!("{op:?} on {}", kind.name())))?;
                let s = self.src(*src, &mut k)?;
                self.with_dst(*dst, |r| Instr::ab(opc, r, s))?
            }
            Binary {
                op,
                kind,
                dst,
                lhs,
                rhs,
            } => {
                let what = || format!("{op:?} on {}", kind.name());
                let l = self.src(*lhs, &mut k)?;
                match rhs {
                    Operand::Imm(imm) => {
                        let opc =
                            select::arith_ri(*op, *kind).ok_or_else(|| self.unsupported(what()))?;
                        self.with_dst(*dst, |r| Instr::abi(opc, r, l, *imm))?
                    }
                    Operand::Reg(rv) => {
                        let opc =
                            select::arith(*op, *kind).ok_or_else(|| self.unsupported(what()))?;
                        let rr = self.src(*rv, &mut k)?;
                        self.with_dst(*dst, |r| Instr::abc(opc, r, l, rr))?
                    }
                }
            }
            Compare {
                op,
                kind,
                dst,
                lhs,
                rhs,
            } => {
                let l = self.src(*lhs, &mut k)?;
                match rhs {
                    Operand::Imm(imm) => {
                        let opc = select::compare_ri(*op);
                        self.with_dst(*dst, |r| Instr::abi(opc, r, l, *imm))?
                    }
                    Operand::Reg(rv) => {
                        let opc = select::compare(*op, *kind).ok_or_else(|| {
                            self.unsupported(format!("{op:?} on {}", kind.name()))
                        })?;
                        let rr = self.src(*rv, &mut k)?;
                        self.with_dst(*dst, |r| Instr::abc(opc, r, l, rr))?
                    }
                }
            }
            Cast { from, to, dst, src } => {
                let opc = select::cast(*from, *to).ok_or_else(|| {
                    self.unsupported(format!("cast {} to {}", from.name(), to.name()))
                })?;
                let s = self.src(*src, &mut k)?;
                self.with_dst(*dst, |r| Instr::ab(opc, r, s))?
            }
            Call { dst, func, args } => {
                let (b, c) = self.range(args)?;
                let f = func.0 as i32;
                self.call(*dst, |a| Instr::new(Opcode::Call, a, b, c, f))?
            }
            CallIndirect { dst, callee, args } => {
                let (b, c) = self.range(args)?;
                let f = self.src(*callee, &mut k)? as i32;
                self.call(*dst, |a| Instr::new(Opcode::CallIndirect, a, b, c, f))?
            }
            CallBuiltin {
                dst, builtin, args, ..
            } => self.builtin(*builtin, *dst, args)?,
            Print { ty, src } => {
                let s = self.src(*src, &mut k)?;
                let kind = self.kind(*src)?;
                match select::print(kind) {
                    Some(opc) => self.put(Instr::ab(opc, 0, s)),
                    None => {
                        let t = self.pools.ty(value_vtype(ty)?)?;
                        self.put(Instr::abi(Opcode::PrintValue, 0, s, t));
                    }
                }
            }
            PrintSpace => self.put(Instr::ab(Opcode::PrintSpace, 0, 0)),
            PrintNewline => self.put(Instr::ab(Opcode::PrintNewline, 0, 0)),
            NewArray { dst, elem, len } => {
                let t = self.pools.ty(VType::array(value_vtype(elem)?))?;
                let l = self.src(*len, &mut k)?;
                self.with_dst(*dst, |r| Instr::abi(Opcode::ArrayNew, r, l, t))?
            }
            ArrayLit { dst, ty, elems } => {
                let t = self.pools.ty(value_vtype(ty)?)?;
                let (b, c) = self.range(elems)?;
                self.with_dst(*dst, |r| Instr::new(Opcode::ArrayLit, r, b, c, t))?
            }
            ConcatMany { dst, parts } => {
                let (b, c) = self.range(parts)?;
                self.with_dst(*dst, |r| Instr::abc(Opcode::ConcatN, r, b, c))?
            }
            ArrayGet { dst, array, index } => {
                let ek = value_vtype(self.func.ty(*dst))?.elem_kind();
                let a = self.src(*array, &mut k)?;
                let i = self.src(*index, &mut k)?;
                self.with_dst(*dst, |r| Instr::abc(select::array_get(ek), r, a, i))?
            }
            ArraySet {
                array,
                index,
                value,
            } => {
                let ek = value_vtype(self.func.ty(*value))?.elem_kind();
                let a = self.src(*array, &mut k)?;
                let i = self.src(*index, &mut k)?;
                let v = self.src(*value, &mut k)?;
                self.put(Instr::abc(select::array_set(ek), a, i, v));
            }
            NewStruct { dst, id, fields } => {
                let s = id.0 as i32;
                if fields.is_empty() {
                    self.with_dst(*dst, |r| Instr::ai(Opcode::StructNewDefault, r, s))?
                } else {
                    let (b, c) = self.range(fields)?;
                    self.with_dst(*dst, |r| Instr::new(Opcode::StructNew, r, b, c, s))?
                }
            }
            FieldGet {
                dst, base, field, ..
            } => {
                let ek = value_vtype(self.func.ty(*dst))?.elem_kind();
                let b = self.src(*base, &mut k)?;
                let f = *field as i32;
                self.with_dst(*dst, |r| Instr::abi(select::field_get(ek), r, b, f))?
            }
            FieldSet {
                base, field, value, ..
            } => {
                let ek = value_vtype(self.func.ty(*value))?.elem_kind();
                let b = self.src(*base, &mut k)?;
                let v = self.src(*value, &mut k)?;
                self.put(Instr::new(select::field_set(ek), 0, b, v, *field as i32));
            }
            GetGlobal { dst, global } => {
                let g = global.0 as i32;
                self.with_dst(*dst, |r| Instr::ai(Opcode::GetGlobal, r, g))?
            }
            SetGlobal { global, src } => {
                let s = self.src(*src, &mut k)?;
                self.put(Instr::abi(Opcode::SetGlobal, 0, s, global.0 as i32));
            }
        }
        Ok(())
    }

    fn load_int(&mut self, dst: VReg, value: i64) -> R<()> {
        let kind = self.kind(dst)?;
        let tag = select::imm_kind(kind)
            .ok_or_else(|| self.unsupported(format!("an integer constant of {}", kind.name())))?;
        match i32::try_from(value) {
            Ok(v) => self.with_dst(dst, |r| Instr::new(Opcode::LoadImm, r, 0, tag as u8, v)),
            Err(_) if kind == Kind::I64 => {
                let ix = self.pools.int(value)?;
                self.with_dst(dst, |r| Instr::ai(Opcode::LoadConstI64, r, ix))
            }
            Err(_) => Err(CompileError::internal(format!(
                "{}: constant {value} does not fit {}",
                self.func.name,
                kind.name()
            ))),
        }
    }

    /// A call-like instruction whose `a` is the result register (0 when there is none).
    fn call(&mut self, dst: Option<VReg>, make: impl FnOnce(u8) -> Instr) -> R<()> {
        match dst {
            Some(d) => self.with_dst(d, make),
            None => {
                self.put(make(0));
                Ok(())
            }
        }
    }

    fn builtin(&mut self, builtin: Builtin, dst: Option<VReg>, args: &[VReg]) -> R<()> {
        let (b, c) = self.range(args)?;
        let arg_types = args
            .iter()
            .map(|a| value_vtype(self.func.ty(*a)))
            .collect::<R<Vec<_>>>()?;
        let one = |op: Opcode| move |a: u8| Instr::ab(op, a, b);
        match builtin {
            Builtin::Len => match arg_types.as_slice() {
                [VType::Str] => self.call(dst, one(Opcode::StrLen)),
                [VType::Array(_)] => self.call(dst, one(Opcode::ArrayLen)),
                _ => Err(self.unsupported("len of this type".into())),
            },
            Builtin::ToString => {
                let [t] = arg_types.as_slice() else {
                    return Err(self.unsupported("to_string arity".into()));
                };
                let t = self.pools.ty(t.clone())?;
                self.call(dst, |a| Instr::abi(Opcode::ToString, a, b, t))
            }
            // A value-producing `sqrt` of an f64 is one instruction (a discarded one stays a call:
            // `SQRT_F64` needs a destination).
            Builtin::Sqrt if dst.is_some() && arg_types == [VType::F64] => {
                self.call(dst, one(Opcode::SqrtF64))
            }
            Builtin::Materialize => self.call(dst, one(Opcode::DfMaterialize)),
            Builtin::Explain => self.call(dst, one(Opcode::DfExplain)),
            _ => {
                if let Some(kind) = df_node_kind(builtin, args.len()) {
                    let k = kind as i32;
                    return self.call(dst, |a| Instr::new(Opcode::DfNode, a, b, c, k));
                }
                let op = BuiltinOp::resolve(builtin, &arg_types)
                    .ok_or_else(|| self.unsupported(format!("builtin `{}`", builtin.name())))?;
                let ix = self.pools.builtin(op)?;
                self.call(dst, |a| Instr::new(Opcode::CallBuiltin, a, b, c, ix))
            }
        }
    }

    fn terminator(&mut self, term: &Terminator, next: Option<BlockId>) -> R<()> {
        let mut k = 0;
        match term {
            Terminator::Jump(t) => {
                if Some(*t) != next {
                    self.jump_to(Instr::ai(Opcode::Jmp, 0, 0), *t);
                }
            }
            Terminator::Branch {
                cond,
                then_to,
                else_to,
            } => {
                let c = self.src(*cond, &mut k)?;
                self.two_way(
                    Instr::abi(Opcode::JTrue, 0, c, 0),
                    Some(Instr::abi(Opcode::JFalse, 0, c, 0)),
                    *then_to,
                    *else_to,
                    next,
                );
            }
            Terminator::CmpBranch {
                op,
                kind,
                lhs,
                rhs,
                then_to,
                else_to,
            } => {
                let l = self.src(*lhs, &mut k)?;
                if let (Some(((y, ys), (n, ns))), Operand::Reg(rv)) =
                    (select::float_jumps(*op, *kind), rhs)
                {
                    let r = self.src(*rv, &mut k)?;
                    let pair = |swap: bool| if swap { (r, l) } else { (l, r) };
                    let ((yb, yc), (nb, nc)) = (pair(ys), pair(ns));
                    let yes = Instr::abc(y, 0, yb, yc);
                    let no = Instr::abc(n, 0, nb, nc);
                    self.two_way(yes, Some(no), *then_to, *else_to, next);
                    return Ok(());
                }
                let (yes, no) = match rhs {
                    Operand::Imm(imm) => {
                        let c = *imm as i8 as u8;
                        (
                            Instr::new(select::jump_ri(*op), 0, l, c, 0),
                            Instr::new(select::jump_ri(op.negated()), 0, l, c, 0),
                        )
                    }
                    Operand::Reg(rv) => {
                        let r = self.src(*rv, &mut k)?;
                        (
                            Instr::abc(select::jump(*op), 0, l, r),
                            Instr::abc(select::jump(op.negated()), 0, l, r),
                        )
                    }
                };
                // Only integer and bool kinds get here, where negation is exact.
                self.two_way(yes, Some(no), *then_to, *else_to, next);
            }
            Terminator::Return(None) => self.put(Instr::ab(Opcode::RetVoid, 0, 0)),
            Terminator::Return(Some(v)) => {
                let r = self.src(*v, &mut k)?;
                self.put(Instr::ab(Opcode::Ret, 0, r));
            }
        }
        Ok(())
    }

    /// The fused form of a block ending `x = x ± k; if x op bound goto …` (a counted loop's
    /// step and condition): `x` an i64 in a register, `k` and an immediate bound small (`i8`),
    /// or `x = x + s` with `s` and the bound in registers; registers not spilled, `op` an
    /// ordering (its negation must be one too).
    fn loop_step(&self, last: &InstKind, term: &Terminator) -> Option<LoopStep> {
        let InstKind::Binary {
            op: op @ (ArithOp::Add | ArithOp::Sub),
            kind: Kind::I64,
            dst,
            lhs,
            rhs,
        } = *last
        else {
            return None;
        };
        let Terminator::CmpBranch {
            op: cmp,
            kind: Kind::I64,
            lhs: cl,
            rhs: cr,
            then_to,
            else_to,
        } = *term
        else {
            return None;
        };
        if dst != lhs || !matches!(cmp, CmpOp::Lt | CmpOp::Le | CmpOp::Gt | CmpOp::Ge) {
            return None;
        }
        let reg = |v: VReg| match self.alloc.loc(v) {
            Some(Loc::Reg(r)) => Some(r),
            _ => None,
        };
        let step = match (op, rhs) {
            (ArithOp::Add, Operand::Imm(k)) => Step::Imm(i8::try_from(k).ok()?),
            (ArithOp::Sub, Operand::Imm(k)) => Step::Imm(i8::try_from(k.checked_neg()?).ok()?),
            (ArithOp::Add, Operand::Reg(s)) => Step::Reg(reg(s)?),
            _ => return None,
        };
        // The counter on the left: `bound < x` is `x > bound`.
        let (cmp, bound) = match cr {
            _ if cl == dst => (cmp, cr),
            Operand::Reg(r) if r == dst => (cmp.swapped(), Operand::Reg(cl)),
            _ => return None,
        };
        let bound = match (bound, step) {
            (Operand::Reg(v), _) => StepBound::Reg(reg(v)?),
            // No register-step form takes an immediate bound.
            (Operand::Imm(_), Step::Reg(_)) => return None,
            (Operand::Imm(i), Step::Imm(_)) => StepBound::Imm(i8::try_from(i).ok()?),
        };
        Some(LoopStep {
            counter: reg(dst)?,
            step,
            cmp,
            bound,
            then_to,
            else_to,
        })
    }

    /// Emits a [`LoopStep`] as one `INCR_J*` or `ADD_J*` (plus a `JMP` when neither target is
    /// next).
    fn fused_step(&mut self, s: &LoopStep, next: Option<BlockId>) -> R<()> {
        let make = |cmp: CmpOp| {
            let (opc, b, c) = match (s.step, s.bound) {
                (Step::Imm(k), StepBound::Reg(r)) => (select::incr_jump(cmp, false), r, k as u8),
                (Step::Imm(k), StepBound::Imm(i)) => {
                    (select::incr_jump(cmp, true), i as u8, k as u8)
                }
                (Step::Reg(k), StepBound::Reg(r)) => (select::add_jump(cmp), r, k),
                // `loop_step` never pairs a register step with an immediate bound.
                (Step::Reg(_), StepBound::Imm(_)) => (None, 0, 0),
            };
            opc.map(|opc| Instr::new(opc, s.counter, b, c, 0))
        };
        // `loop_step` admits only orderings, whose negations are orderings too.
        let (Some(yes), Some(no)) = (make(s.cmp), make(s.cmp.negated())) else {
            return Err(self.unsupported(format!("a fused loop step on {:?}", s.cmp)));
        };
        self.two_way(yes, Some(no), s.then_to, s.else_to, next);
        Ok(())
    }

    /// A conditional branch laid out against the next block: `yes` jumps when the condition
    /// holds, `no` (its negation) when it does not.
    fn two_way(
        &mut self,
        yes: Instr,
        no: Option<Instr>,
        t: BlockId,
        f: BlockId,
        next: Option<BlockId>,
    ) {
        if Some(f) == next {
            self.jump_to(yes, t);
        } else if let (Some(no), true) = (no, Some(t) == next) {
            self.jump_to(no, f);
        } else {
            self.jump_to(yes, t);
            self.jump_to(Instr::ai(Opcode::Jmp, 0, 0), f);
        }
    }

    /// Register → variable name ranges for named locals that live in registers.
    fn reg_names(&self) -> Vec<RegName> {
        let live = liveness::analyze(self.func);
        let ivs = liveness::intervals(self.func, &live);
        let mut out = Vec::new();
        for iv in ivs.iter().flatten() {
            let info = &self.func.vregs[iv.vreg.0 as usize];
            let (Some(name), Some(Loc::Reg(reg))) = (&info.name, self.alloc.loc(iv.vreg)) else {
                continue;
            };
            let first = (iv.start / 2) as usize;
            let last = (iv.end / 2) as usize;
            let (Some(&(start_pc, _)), Some(&(_, end_pc))) =
                (self.inst_pc.get(first), self.inst_pc.get(last))
            else {
                continue;
            };
            if start_pc < end_pc {
                out.push(RegName {
                    reg,
                    name: name.clone(),
                    start_pc,
                    end_pc,
                });
            }
        }
        out.sort_by_key(|r| (r.start_pc, r.reg));
        out
    }
}

/// A counted loop's step fused with its condition (see [`Emitter::loop_step`]).
struct LoopStep {
    /// The counter's register (read, stepped and written back).
    counter: u8,
    /// What is added to the counter.
    step: Step,
    /// The comparison of the stepped counter (on the left) with the bound.
    cmp: CmpOp,
    /// The comparison's right operand.
    bound: StepBound,
    /// Where the branch goes when the comparison holds.
    then_to: BlockId,
    /// Where it goes otherwise.
    else_to: BlockId,
}

/// What a fused loop step adds to its counter.
#[derive(Clone, Copy)]
enum Step {
    /// A small constant (`INCR_J*`).
    Imm(i8),
    /// A register (`ADD_J*`).
    Reg(u8),
}

/// The right operand of a fused loop step's comparison.
#[derive(Clone, Copy)]
enum StepBound {
    /// A register.
    Reg(u8),
    /// A small constant (the `_RI` forms).
    Imm(i8),
}

/// Whether `b` is empty apart from an integer compare-and-branch (a loop condition): jumps to
/// it take a copy of the branch.
fn compare_only(func: &IrFunction, b: BlockId) -> bool {
    let block = func.block(b);
    block.insts.is_empty() && matches!(block.term, Terminator::CmpBranch { .. })
}

/// `b`'s terminator as emitted and its span: jumps threaded, and a jump to a
/// [`compare_only`] block replaced by that block's branch (with the condition's span).
fn final_term(func: &IrFunction, b: BlockId) -> (Terminator, Span) {
    let block = func.block(b);
    match thread_jumps(func, &block.term) {
        Terminator::Jump(t) if compare_only(func, t) => {
            let cond = func.block(t);
            (thread_jumps(func, &cond.term), cond.term_span)
        }
        term => (term, block.term_span),
    }
}

/// Where control really goes when it enters `b`: past empty blocks that only jump.
fn forward(func: &IrFunction, mut b: BlockId) -> BlockId {
    for _ in 0..func.blocks.len() {
        let block = func.block(b);
        match block.term {
            Terminator::Jump(t) if block.insts.is_empty() && t != b => b = t,
            _ => break,
        }
    }
    b
}

/// Whether `b` is an empty block that only jumps and forwards to a real (non-skippable) block:
/// threaded jumps never target it, so it need not be emitted. Empty jump-only cycles are kept.
fn skippable(func: &IrFunction, b: BlockId) -> bool {
    let block = func.block(b);
    let jump_only = |blk: &crate::compile::ir::Block| {
        blk.insts.is_empty() && matches!(blk.term, Terminator::Jump(_))
    };
    if !jump_only(block) {
        return false;
    }
    let t = forward(func, b);
    t != b && !jump_only(func.block(t))
}

/// `term` with every target moved past empty jump-only blocks (jump threading).
fn thread_jumps(func: &IrFunction, term: &Terminator) -> Terminator {
    let mut t = term.clone();
    match &mut t {
        Terminator::Jump(b) => *b = forward(func, *b),
        Terminator::Branch {
            then_to, else_to, ..
        }
        | Terminator::CmpBranch {
            then_to, else_to, ..
        } => {
            *then_to = forward(func, *then_to);
            *else_to = forward(func, *else_to);
        }
        Terminator::Return(_) => {}
    }
    t
}

/// The dataflow node a node-building built-in creates, by arity where overloaded.
fn df_node_kind(builtin: Builtin, nargs: usize) -> Option<DfNodeKind> {
    Some(match builtin {
        Builtin::Scan => DfNodeKind::Scan,
        Builtin::Filter => DfNodeKind::Filter,
        Builtin::Project => DfNodeKind::Project,
        Builtin::Map => DfNodeKind::Map,
        Builtin::Join if nargs == 4 => DfNodeKind::JoinKind,
        Builtin::Join => DfNodeKind::Join,
        Builtin::Aggregate => DfNodeKind::Aggregate,
        Builtin::Sort => DfNodeKind::Sort,
        Builtin::Limit if nargs == 3 => DfNodeKind::LimitOffset,
        Builtin::Limit => DfNodeKind::Limit,
        Builtin::Distinct => DfNodeKind::Distinct,
        Builtin::Union => DfNodeKind::Union,
        Builtin::UnionAll => DfNodeKind::UnionAll,
        _ => return None,
    })
}
