//! HIR → IR: the function builder shared by expression and statement lowering.
//!
//! Every local (parameters included) becomes one vreg for its whole life. Blocks are laid out in
//! the order the builder first switches to them, which puts loop conditions after loop bodies
//! (rotated loops: one fused compare-and-branch per iteration). Unreachable blocks are dropped.

use crate::check::hir::{self, LocalId};
use crate::check::types::Type;
use crate::compile::CompileError;
use crate::compile::ir::{
    ArithOp, Block, BlockId, CmpOp, Inst, InstKind, IrFunction, Kind, Terminator, VReg, VRegInfo,
};
use crate::source::Span;

/// Lowers every function of `program`, in `program.functions` order.
pub fn lower_program(program: &hir::Program) -> Result<Vec<IrFunction>, CompileError> {
    program
        .functions
        .iter()
        .map(|f| lower_function(program, f))
        .collect()
}

/// Lowers one function.
pub fn lower_function(
    program: &hir::Program,
    func: &hir::Function,
) -> Result<IrFunction, CompileError> {
    if func.sig.params.len() > 14 {
        return Err(CompileError::limit(format!(
            "function `{}` has {} parameters (at most 14, §4)",
            func.name,
            func.sig.params.len()
        )));
    }
    let mut b = FnBuilder::new(program, func);
    b.stmts(&func.body)?;
    b.finish()
}

/// Break and continue targets of the innermost loop.
#[derive(Clone, Copy)]
pub(crate) struct LoopTargets {
    pub break_to: BlockId,
    pub continue_to: BlockId,
}

struct OpenBlock {
    insts: Vec<Inst>,
    term: Option<(Terminator, Span)>,
}

/// Builds one [`IrFunction`].
pub(crate) struct FnBuilder<'p> {
    /// The whole program (callee bodies, for inlining small leaf functions).
    pub program: &'p hir::Program,
    pub hir: &'p hir::Function,
    vregs: Vec<VRegInfo>,
    blocks: Vec<OpenBlock>,
    layout: Vec<BlockId>,
    placed: Vec<bool>,
    cur: BlockId,
    pub(crate) locals: Vec<VReg>,
    pub loops: Vec<LoopTargets>,
    /// Loops (condition, body and step) being lowered: `f64`, integer and `bool` literals
    /// that need a register inside one are hoisted.
    pub loop_depth: u32,
    /// Hoisted literals and the vreg the entry block loads each into.
    hoisted: Vec<(Literal, VReg)>,
    /// While a call is inlined, the call's span: the body's instructions carry it, so that the
    /// debug table (a budget trap's location, the stack trace) names the caller's line.
    pub call_site: Option<Span>,
}

/// A hoisted literal's identity: a scalar by type and bit pattern, or a string's text.
#[derive(PartialEq)]
pub(crate) enum Literal {
    /// An integer, `bool` or `f64` literal: its type and its value's bits.
    Bits(Type, u64),
    /// A string literal's text.
    Str(String),
}

/// Most literals hoisted out of the loops of one function. A hoisted constant holds a register
/// from the entry to its last use, so hundreds of them (a loop full of string compares) would
/// push the loop's own variables into spill slots; past this many, literals load at their use.
/// Small enough to leave plenty of the 252 registers, large enough for every benchmark's hoists.
pub(crate) const HOIST_MAX: usize = 16;

impl<'p> FnBuilder<'p> {
    fn new(program: &'p hir::Program, func: &'p hir::Function) -> FnBuilder<'p> {
        let mut b = FnBuilder {
            program,
            hir: func,
            vregs: Vec::new(),
            blocks: Vec::new(),
            layout: Vec::new(),
            placed: Vec::new(),
            cur: BlockId(0),
            locals: Vec::new(),
            loops: Vec::new(),
            loop_depth: 0,
            hoisted: Vec::new(),
            call_site: None,
        };
        for l in &func.locals {
            let v = b.new_named(l.ty.clone(), l.name.clone());
            b.locals.push(v);
        }
        let entry = b.new_block();
        b.switch_to(entry);
        b
    }

    /// A fresh temporary of type `ty`.
    pub fn new_vreg(&mut self, ty: Type) -> VReg {
        self.vregs.push(VRegInfo { ty, name: None });
        VReg(self.vregs.len() as u32 - 1)
    }

    fn new_named(&mut self, ty: Type, name: String) -> VReg {
        self.vregs.push(VRegInfo {
            ty,
            name: Some(name),
        });
        VReg(self.vregs.len() as u32 - 1)
    }

    /// The vreg holding a literal (`lit` of type `ty`, written by the `load` instruction),
    /// loaded once at the top of the entry block (loop-invariant constant hoisting: a load per use
    /// inside a loop would run on every iteration). The vreg is never written again; constants
    /// have no inputs, so the entry block is a valid place for them whatever it holds.
    /// Once [`HOIST_MAX`] literals are hoisted, new ones load into a fresh vreg where used.
    pub fn hoisted_const(
        &mut self,
        ty: &Type,
        lit: Literal,
        load: impl FnOnce(VReg) -> InstKind,
        span: Span,
    ) -> VReg {
        if let Some(&(_, v)) = self.hoisted.iter().find(|(l, _)| *l == lit) {
            return v;
        }
        let dst = self.new_vreg(ty.clone());
        if self.hoisted.len() >= HOIST_MAX {
            self.push(load(dst), span);
            return dst;
        }
        self.blocks[0].insts.insert(
            0,
            Inst {
                kind: load(dst),
                // Placed before the body: attribute it to the function's start.
                span: Span {
                    end: self.hir.span.start,
                    ..self.hir.span
                },
            },
        );
        self.hoisted.push((lit, dst));
        dst
    }

    /// The vreg of a local.
    pub fn local(&self, l: LocalId) -> Result<VReg, CompileError> {
        self.locals.get(l.0 as usize).copied().ok_or_else(|| {
            CompileError::internal(format!("{}: unknown local {}", self.hir.name, l.0))
        })
    }

    /// A new, empty, not yet placed block.
    pub fn new_block(&mut self) -> BlockId {
        self.blocks.push(OpenBlock {
            insts: Vec::new(),
            term: None,
        });
        self.placed.push(false);
        BlockId(self.blocks.len() as u32 - 1)
    }

    /// Continues emitting into `b`, placing it next in the layout if it is new.
    pub fn switch_to(&mut self, b: BlockId) {
        if !self.placed[b.0 as usize] {
            self.placed[b.0 as usize] = true;
            self.layout.push(b);
        }
        self.cur = b;
    }

    /// Appends an instruction to the current block.
    pub fn push(&mut self, kind: InstKind, span: Span) {
        let span = self.call_site.unwrap_or(span);
        let block = &mut self.blocks[self.cur.0 as usize];
        if block.term.is_none() {
            block.insts.push(Inst { kind, span });
        }
    }

    /// Ends the current block with `term`, then continues in a fresh (unreachable) block.
    pub fn terminate(&mut self, term: Terminator, span: Span) {
        self.end_with(term, span);
        let dead = self.new_block();
        self.switch_to(dead);
    }

    /// Ends the current block with `term`; the caller switches to another block next.
    pub fn end_with(&mut self, term: Terminator, span: Span) {
        let span = self.call_site.unwrap_or(span);
        let block = &mut self.blocks[self.cur.0 as usize];
        if block.term.is_none() {
            block.term = Some((term, span));
        }
    }

    /// Emits `dst = src` unless they are the same vreg.
    pub fn mov(&mut self, dst: VReg, src: VReg, span: Span) {
        if dst != src {
            self.push(InstKind::Mov { dst, src }, span);
        }
    }

    fn finish(mut self) -> Result<IrFunction, CompileError> {
        let ret = self.hir.sig.ret.clone();
        let end_span = Span {
            file: self.hir.span.file,
            start: self.hir.span.end.saturating_sub(1),
            end: self.hir.span.end,
        };
        let open_end = self.cur;
        for (i, b) in self.blocks.iter_mut().enumerate() {
            if b.term.is_none() {
                // Only the block where the body ends can fall off; others are unreachable.
                let _ = i;
                b.term = Some((Terminator::Return(None), end_span));
            }
        }
        let blocks: Vec<Block> = self
            .blocks
            .into_iter()
            .map(|b| {
                let (term, term_span) = b.term.expect("every block terminated");
                Block {
                    insts: b.insts,
                    term,
                    term_span,
                }
            })
            .collect();
        let reachable = reachable(&blocks);
        if ret != Type::Void && reachable[open_end.0 as usize] {
            return Err(CompileError::internal(format!(
                "function `{}` can reach its end without returning a value",
                self.hir.name
            )));
        }
        let layout = self
            .layout
            .into_iter()
            .filter(|b| reachable[b.0 as usize])
            .collect();
        let params = self.locals[..self.hir.sig.params.len()].to_vec();
        Ok(IrFunction {
            name: self.hir.name.clone(),
            params,
            ret,
            vregs: self.vregs,
            blocks,
            layout,
            span: self.hir.span,
        })
    }
}

fn reachable(blocks: &[Block]) -> Vec<bool> {
    let mut seen = vec![false; blocks.len()];
    let mut stack = vec![BlockId(0)];
    while let Some(b) = stack.pop() {
        if std::mem::replace(&mut seen[b.0 as usize], true) {
            continue;
        }
        stack.extend(blocks[b.0 as usize].term.successors());
    }
    seen
}

/// Longest array or struct literal built from one register range; longer ones are built
/// element by element.
pub(crate) const RANGE_MAX: usize = 64;

/// The immediate for `op` on `kind` with constant `value`, when an `_RI` opcode exists.
pub(crate) fn imm_form(op: ArithOp, kind: Kind, value: i64) -> Option<i32> {
    if !kind.is_int() {
        return None;
    }
    match op {
        ArithOp::Add | ArithOp::Sub | ArithOp::Mul | ArithOp::Shl | ArithOp::Shr => {
            i32::try_from(value).ok()
        }
        // `DIV_*_RI`/`REM_*_RI` divide without a zero check: the immediate must be a non-zero
        // value of the operand's type (the verifier checks the same).
        ArithOp::Div | ArithOp::Rem => {
            let fits = match kind {
                Kind::I8 => i8::try_from(value).is_ok(),
                Kind::I16 => i16::try_from(value).is_ok(),
                _ => i32::try_from(value).is_ok(),
            };
            (fits && value != 0).then_some(value as i32)
        }
        // `AND_RI`… keep the operand's type, so the immediate must be a value of that type.
        ArithOp::And | ArithOp::Or | ArithOp::Xor => {
            let v = i32::try_from(value).ok()?;
            let fits = match kind {
                Kind::I8 => i8::try_from(v).is_ok(),
                Kind::I16 => i16::try_from(v).is_ok(),
                _ => true,
            };
            fits.then_some(v)
        }
    }
}

/// The immediate for comparing `kind` against `value`: `EQ_RI`… take an i32, the fused
/// branches `JEQ_RI`… an i8 (`branch`).
pub(crate) fn cmp_imm_form(kind: Kind, value: i64, branch: bool) -> Option<i32> {
    if !kind.is_int() {
        return None;
    }
    if branch {
        i8::try_from(value).ok().map(i32::from)
    } else {
        i32::try_from(value).ok()
    }
}

/// True when comparing `kind` with `op` has a fused compare-and-branch opcode.
pub(crate) fn has_cmp_branch(kind: Kind, op: CmpOp) -> bool {
    kind.is_int()
        || matches!(kind, Kind::F32 | Kind::F64)
        || (kind == Kind::Bool && matches!(op, CmpOp::Eq | CmpOp::Ne))
}
