//! Expression lowering: values into vregs, conditions straight into branches.
//!
//! `expr` returns a vreg holding the value (a local's own vreg when the expression is a local:
//! locals cannot change inside an expression, since assignment is a statement and there are no
//! closures). `expr_into` writes a given vreg, and only as the last action on every path, after
//! all sub-expressions are read, so `x = x + 1` or `x = c ? x : y` can target `x` directly.

use crate::builtins::Builtin;
use crate::check::hir::{self, BinaryOp, Expr, ExprKind, FuncId, StmtKind, UnaryOp};
use crate::check::types::{StructId, Type};
use crate::compile::CompileError;
use crate::compile::ir::{
    ArithOp, BlockId, CmpOp, InstKind, Kind, Operand, Terminator, UnOp, VReg,
};
use crate::compile::lower::{
    FnBuilder, Literal, RANGE_MAX, cmp_imm_form, has_cmp_branch, imm_form,
};
use crate::source::Span;

type R<T> = Result<T, CompileError>;

/// Maps an arithmetic/bitwise HIR operator.
pub(crate) fn arith_op(op: BinaryOp) -> Option<ArithOp> {
    Some(match op {
        BinaryOp::Add => ArithOp::Add,
        BinaryOp::Sub => ArithOp::Sub,
        BinaryOp::Mul => ArithOp::Mul,
        BinaryOp::Div => ArithOp::Div,
        BinaryOp::Rem => ArithOp::Rem,
        BinaryOp::BitAnd => ArithOp::And,
        BinaryOp::BitOr => ArithOp::Or,
        BinaryOp::BitXor => ArithOp::Xor,
        BinaryOp::Shl => ArithOp::Shl,
        BinaryOp::Shr => ArithOp::Shr,
        _ => return None,
    })
}

fn cmp_op(op: BinaryOp) -> Option<CmpOp> {
    Some(match op {
        BinaryOp::Eq => CmpOp::Eq,
        BinaryOp::Ne => CmpOp::Ne,
        BinaryOp::Lt => CmpOp::Lt,
        BinaryOp::Le => CmpOp::Le,
        BinaryOp::Gt => CmpOp::Gt,
        BinaryOp::Ge => CmpOp::Ge,
        _ => return None,
    })
}

fn is_commutative(op: ArithOp) -> bool {
    matches!(
        op,
        ArithOp::Add | ArithOp::Mul | ArithOp::And | ArithOp::Or | ArithOp::Xor
    )
}

/// The integer value of a literal operand, if it is one.
/// Most expression nodes in the body of a function that calls inline.
const INLINE_MAX_NODES: usize = 32;

/// The returned expression of `func` when calls of it may be lowered in place: its body is
/// one `return e;` with `e` small, over scalars only, calling nothing and unable to trap (no
/// integer `/` or `%` except by a non-zero literal; shifts mask their count, casts saturate).
/// Such a call has no effect but its value, so evaluating `e` over the arguments instead is
/// indistinguishable, including in stack traces (nothing inside can trap).
fn inline_body(program: &hir::Program, func: FuncId) -> Option<&Expr> {
    let f = program.functions.get(func.0 as usize)?;
    let [stmt] = f.body.as_slice() else {
        return None;
    };
    let StmtKind::Return(Some(e)) = &stmt.kind else {
        return None;
    };
    let mut nodes = 0;
    cannot_trap(e, f.sig.params.len(), &mut nodes).then_some(e)
}

/// Whether `e` is a scalar expression over the first `params` locals that cannot trap and,
/// with `nodes` counted so far, stays within [`INLINE_MAX_NODES`].
fn cannot_trap(e: &Expr, params: usize, nodes: &mut usize) -> bool {
    *nodes += 1;
    let scalar = matches!(
        e.ty,
        Type::I8 | Type::I16 | Type::I32 | Type::I64 | Type::F32 | Type::F64 | Type::Bool
    );
    if !scalar || *nodes > INLINE_MAX_NODES {
        return false;
    }
    match &e.kind {
        ExprKind::Int(_) | ExprKind::Float(_) | ExprKind::Bool(_) => true,
        ExprKind::Local(l) => (l.0 as usize) < params,
        ExprKind::Unary { operand, .. } | ExprKind::Cast(operand) => {
            cannot_trap(operand, params, nodes)
        }
        ExprKind::Binary { op, lhs, rhs } => {
            let int_division = matches!(op, BinaryOp::Div | BinaryOp::Rem)
                && !matches!(lhs.ty, Type::F32 | Type::F64);
            (!int_division || int_lit(rhs).is_some_and(|v| v != 0))
                && cannot_trap(lhs, params, nodes)
                && cannot_trap(rhs, params, nodes)
        }
        ExprKind::Ternary {
            cond,
            then_expr,
            else_expr,
        } => {
            cannot_trap(cond, params, nodes)
                && cannot_trap(then_expr, params, nodes)
                && cannot_trap(else_expr, params, nodes)
        }
        _ => false,
    }
}

/// The operands of a chain of string `+` (`a + b + c` parses as `(a + b) + c`), in order.
/// Concatenation is associative, so `a + (b + c)` flattens too; a chain becomes one
/// `CONCAT_N` instead of a temporary string per `+`.
fn concat_parts<'e>(e: &'e Expr, out: &mut Vec<&'e Expr>) {
    match &e.kind {
        ExprKind::Binary {
            op: BinaryOp::Add,
            lhs,
            rhs,
        } if e.ty == Type::String => {
            concat_parts(lhs, out);
            concat_parts(rhs, out);
        }
        _ => out.push(e),
    }
}

fn int_lit(e: &Expr) -> Option<i64> {
    match e.kind {
        ExprKind::Int(v) => Some(v),
        _ => None,
    }
}

impl FnBuilder<'_> {
    /// The kind of a value type, or an internal error for `void`/error types.
    pub(crate) fn kind(&self, ty: &Type, span: Span) -> R<Kind> {
        Kind::of(ty).ok_or_else(|| {
            CompileError::internal(format!(
                "{}: expression at byte {} has no value type",
                self.hir.name, span.start
            ))
        })
    }

    /// Lowers `e` and returns the vreg holding its value.
    pub(crate) fn expr(&mut self, e: &Expr) -> R<VReg> {
        match &e.kind {
            ExprKind::Local(l) => self.local(*l),
            ExprKind::Float(v) if self.loop_depth > 0 && e.ty == Type::F64 => {
                let value = *v;
                let load = |dst| InstKind::LoadFloat { dst, value };
                let lit = Literal::Bits(e.ty.clone(), value.to_bits());
                Ok(self.hoisted_const(&e.ty, lit, load, e.span))
            }
            ExprKind::Int(v) if self.loop_depth > 0 => {
                let value = *v;
                let load = |dst| InstKind::LoadInt { dst, value };
                let lit = Literal::Bits(e.ty.clone(), value as u64);
                Ok(self.hoisted_const(&e.ty, lit, load, e.span))
            }
            ExprKind::Bool(v) if self.loop_depth > 0 => {
                let value = *v;
                let load = |dst| InstKind::LoadBool { dst, value };
                let lit = Literal::Bits(e.ty.clone(), u64::from(value));
                Ok(self.hoisted_const(&e.ty, lit, load, e.span))
            }
            // A string constant is a pinned handle: it may stay in a register for good.
            ExprKind::Str(text) if self.loop_depth > 0 => {
                let load = |dst| InstKind::LoadStr {
                    dst,
                    value: text.clone(),
                };
                let lit = Literal::Str(text.clone());
                Ok(self.hoisted_const(&e.ty, lit, load, e.span))
            }
            _ => {
                let dst = self.new_vreg(e.ty.clone());
                self.expr_into(e, dst)?;
                Ok(dst)
            }
        }
    }

    /// Lowers `e` so that its value ends up in `dst`.
    pub(crate) fn expr_into(&mut self, e: &Expr, dst: VReg) -> R<()> {
        let span = e.span;
        match &e.kind {
            ExprKind::Int(v) => self.push(InstKind::LoadInt { dst, value: *v }, span),
            ExprKind::Float(v) => self.push(InstKind::LoadFloat { dst, value: *v }, span),
            ExprKind::Bool(v) => self.push(InstKind::LoadBool { dst, value: *v }, span),
            ExprKind::Str(s) => self.push(
                InstKind::LoadStr {
                    dst,
                    value: s.clone(),
                },
                span,
            ),
            ExprKind::Local(l) => {
                let src = self.local(*l)?;
                self.mov(dst, src, span);
            }
            ExprKind::Global(g) => self.push(InstKind::GetGlobal { dst, global: *g }, span),
            ExprKind::FuncRef(f) => self.push(InstKind::LoadFunc { dst, func: *f }, span),
            ExprKind::Unary { op, operand } => self.unary(*op, operand, dst, span)?,
            ExprKind::Binary { op, lhs, rhs } => self.binary(*op, lhs, rhs, dst, span)?,
            ExprKind::Ternary {
                cond,
                then_expr,
                else_expr,
            } => {
                let (t, f, join) = (self.new_block(), self.new_block(), self.new_block());
                self.cond(cond, t, f)?;
                self.switch_to(t);
                self.expr_into(then_expr, dst)?;
                self.end_with(Terminator::Jump(join), span);
                self.switch_to(f);
                self.expr_into(else_expr, dst)?;
                self.end_with(Terminator::Jump(join), span);
                self.switch_to(join);
            }
            ExprKind::Cast(inner) => {
                let from = self.kind(&inner.ty, inner.span)?;
                let to = self.kind(&e.ty, span)?;
                let src = self.expr(inner)?;
                if from == to {
                    self.mov(dst, src, span);
                } else {
                    self.push(InstKind::Cast { from, to, dst, src }, span);
                }
            }
            ExprKind::Call { func, args } => {
                if let Some(body) = inline_body(self.program, *func) {
                    return self.inline_call(body, args, dst, span);
                }
                let args = self.call_args(args)?;
                let dst = self.result_reg(&e.ty, dst);
                self.push(
                    InstKind::Call {
                        dst,
                        func: *func,
                        args,
                    },
                    span,
                );
            }
            ExprKind::CallIndirect { callee, args } => {
                let callee = self.expr(callee)?;
                let args = self.call_args(args)?;
                let dst = self.result_reg(&e.ty, dst);
                self.push(InstKind::CallIndirect { dst, callee, args }, span);
            }
            ExprKind::CallBuiltin { builtin, args } => {
                let dst = self.result_reg(&e.ty, dst);
                self.builtin(*builtin, args, dst, span)?;
            }
            ExprKind::Index { array, index } => {
                let array = self.expr(array)?;
                let index = self.expr(index)?;
                self.push(InstKind::ArrayGet { dst, array, index }, span);
            }
            ExprKind::Field {
                base,
                struct_id,
                field,
            } => {
                let base = self.expr(base)?;
                self.push(
                    InstKind::FieldGet {
                        dst,
                        base,
                        id: *struct_id,
                        field: *field,
                    },
                    span,
                );
            }
            ExprKind::ArrayLit(elems) => self.array_lit(elems, &e.ty, dst, span)?,
            ExprKind::StructLit { struct_id, fields } => {
                self.struct_lit(*struct_id, fields, dst, span)?
            }
            ExprKind::NewArray { elem, len } => {
                let len = self.expr(len)?;
                self.push(
                    InstKind::NewArray {
                        dst,
                        elem: elem.clone(),
                        len,
                    },
                    span,
                );
            }
        }
        Ok(())
    }

    /// `[a, b, …]`: one `ARRAY_LIT` over a register range, or for long literals a new array
    /// filled element by element. Built in a temporary (an element may read `dst`).
    fn array_lit(&mut self, elems: &[Expr], ty: &Type, dst: VReg, span: Span) -> R<()> {
        let Type::Array(elem_ty) = ty else {
            return Err(CompileError::internal(
                "array literal of non-array type".into(),
            ));
        };
        let arr = self.new_vreg(ty.clone());
        if elems.len() <= RANGE_MAX {
            let elems = self.call_args(elems)?;
            let ty = ty.clone();
            self.push(
                InstKind::ArrayLit {
                    dst: arr,
                    ty,
                    elems,
                },
                span,
            );
        } else {
            let vals = elems.iter().map(|x| self.expr(x)).collect::<R<Vec<_>>>()?;
            let len = self.new_vreg(Type::I64);
            let n = vals.len() as i64;
            self.push(InstKind::LoadInt { dst: len, value: n }, span);
            let elem = (**elem_ty).clone();
            self.push(
                InstKind::NewArray {
                    dst: arr,
                    elem,
                    len,
                },
                span,
            );
            for (i, value) in vals.into_iter().enumerate() {
                let index = self.new_vreg(Type::I64);
                let i = i as i64;
                self.push(
                    InstKind::LoadInt {
                        dst: index,
                        value: i,
                    },
                    span,
                );
                self.push(
                    InstKind::ArraySet {
                        array: arr,
                        index,
                        value,
                    },
                    span,
                );
            }
        }
        self.mov(dst, arr, span);
        Ok(())
    }

    /// `Name { … }`: fields evaluated in source order, then one `STRUCT_NEW` over a range in
    /// declaration order (or stores into a default struct for very wide structs).
    fn struct_lit(&mut self, id: StructId, fields: &[(u32, Expr)], dst: VReg, span: Span) -> R<()> {
        let ty = Type::Struct(id);
        let obj = self.new_vreg(ty);
        let mut vals = Vec::with_capacity(fields.len());
        for (f, x) in fields {
            let v = self.new_vreg(x.ty.clone());
            self.expr_into(x, v)?;
            vals.push((*f, v));
        }
        vals.sort_by_key(|&(f, _)| f);
        let complete = vals.iter().enumerate().all(|(i, &(f, _))| f as usize == i);
        if !vals.is_empty() && complete && vals.len() <= RANGE_MAX {
            let fields = vals.into_iter().map(|(_, v)| v).collect();
            self.push(
                InstKind::NewStruct {
                    dst: obj,
                    id,
                    fields,
                },
                span,
            );
        } else {
            let fields = Vec::new();
            self.push(
                InstKind::NewStruct {
                    dst: obj,
                    id,
                    fields,
                },
                span,
            );
            for (field, value) in vals {
                self.push(
                    InstKind::FieldSet {
                        base: obj,
                        id,
                        field,
                        value,
                    },
                    span,
                );
            }
        }
        self.mov(dst, obj, span);
        Ok(())
    }

    /// `dst` for a value-returning call, `None` for a void one.
    fn result_reg(&self, ty: &Type, dst: VReg) -> Option<VReg> {
        (*ty != Type::Void).then_some(dst)
    }

    /// A call of a function [`inline_body`] accepts: the arguments are evaluated left to right
    /// (a local argument is read in place: nothing can change it before the body reads it),
    /// then the callee's returned expression is lowered with its parameters bound to them.
    fn inline_call(&mut self, body: &Expr, args: &[Expr], dst: VReg, span: Span) -> R<()> {
        let vals = args.iter().map(|a| self.expr(a)).collect::<R<Vec<_>>>()?;
        let caller_locals = std::mem::replace(&mut self.locals, vals);
        let outer = self.call_site.replace(self.call_site.unwrap_or(span));
        let r = self.expr_into(body, dst);
        self.call_site = outer;
        self.locals = caller_locals;
        r
    }

    /// Evaluates call arguments into fresh vregs (a call group for the allocator).
    pub(crate) fn call_args(&mut self, args: &[Expr]) -> R<Vec<VReg>> {
        let mut out = Vec::with_capacity(args.len());
        for a in args {
            let v = self.new_vreg(a.ty.clone());
            self.expr_into(a, v)?;
            out.push(v);
        }
        Ok(out)
    }

    fn unary(&mut self, op: UnaryOp, operand: &Expr, dst: VReg, span: Span) -> R<()> {
        let kind = self.kind(&operand.ty, operand.span)?;
        let op = match op {
            UnaryOp::Neg => UnOp::Neg,
            UnaryOp::Not => UnOp::Not,
            UnaryOp::BitNot => UnOp::BitNot,
        };
        let src = self.expr(operand)?;
        self.push(InstKind::Unary { op, kind, dst, src }, span);
        Ok(())
    }

    fn binary(&mut self, op: BinaryOp, lhs: &Expr, rhs: &Expr, dst: VReg, span: Span) -> R<()> {
        if matches!(op, BinaryOp::And | BinaryOp::Or) {
            // dst is written only inside each arm, after the operand it depends on.
            let (t, f, join) = (self.new_block(), self.new_block(), self.new_block());
            self.cond_binary(op, lhs, rhs, t, f, span)?;
            self.switch_to(t);
            self.push(InstKind::LoadBool { dst, value: true }, span);
            self.end_with(Terminator::Jump(join), span);
            self.switch_to(f);
            self.push(InstKind::LoadBool { dst, value: false }, span);
            self.end_with(Terminator::Jump(join), span);
            self.switch_to(join);
            return Ok(());
        }
        let kind = self.kind(&lhs.ty, lhs.span)?;
        if op == BinaryOp::Add && kind == Kind::Str {
            let mut parts = Vec::new();
            concat_parts(lhs, &mut parts);
            concat_parts(rhs, &mut parts);
            if (3..=RANGE_MAX).contains(&parts.len()) {
                // Fresh registers, like call arguments: the allocator places them as a range.
                let mut regs = Vec::with_capacity(parts.len());
                for x in parts {
                    let v = self.new_vreg(x.ty.clone());
                    self.expr_into(x, v)?;
                    regs.push(v);
                }
                let parts = regs;
                self.push(InstKind::ConcatMany { dst, parts }, span);
                return Ok(());
            }
        }
        if let Some(op) = arith_op(op) {
            let (l, r) = self.arith_operands(op, kind, lhs, rhs)?;
            self.push(
                InstKind::Binary {
                    op,
                    kind,
                    dst,
                    lhs: l,
                    rhs: r,
                },
                span,
            );
        } else if let Some(op) = cmp_op(op) {
            let (op, l, r) = self.cmp_operands(op, kind, lhs, rhs, false)?;
            self.push(
                InstKind::Compare {
                    op,
                    kind,
                    dst,
                    lhs: l,
                    rhs: r,
                },
                span,
            );
        }
        Ok(())
    }

    /// Operands of an arithmetic op, using the immediate form for a small literal.
    pub(crate) fn arith_operands(
        &mut self,
        op: ArithOp,
        kind: Kind,
        lhs: &Expr,
        rhs: &Expr,
    ) -> R<(VReg, Operand)> {
        // A literal left operand could sit in r0 ("zero", typed by use), which `OR_RI`/`XOR_RI`
        // do not accept: two literals use the register form.
        let both_lits = int_lit(lhs).is_some() && int_lit(rhs).is_some();
        if let Some(imm) = int_lit(rhs).and_then(|v| imm_form(op, kind, v))
            && !(both_lits && matches!(op, ArithOp::Or | ArithOp::Xor))
        {
            return Ok((self.expr(lhs)?, Operand::Imm(imm)));
        }
        if is_commutative(op)
            && let Some(imm) = int_lit(lhs).and_then(|v| imm_form(op, kind, v))
        {
            return Ok((self.expr(rhs)?, Operand::Imm(imm)));
        }
        let l = self.expr(lhs)?;
        let r = self.expr(rhs)?;
        Ok((l, Operand::Reg(r)))
    }

    /// Operands of a comparison, swapping a literal left operand to the right.
    fn cmp_operands(
        &mut self,
        op: CmpOp,
        kind: Kind,
        lhs: &Expr,
        rhs: &Expr,
        branch: bool,
    ) -> R<(CmpOp, VReg, Operand)> {
        if let Some(imm) = int_lit(rhs).and_then(|v| cmp_imm_form(kind, v, branch)) {
            return Ok((op, self.expr(lhs)?, Operand::Imm(imm)));
        }
        if let Some(imm) = int_lit(lhs).and_then(|v| cmp_imm_form(kind, v, branch)) {
            return Ok((op.swapped(), self.expr(rhs)?, Operand::Imm(imm)));
        }
        let l = self.expr(lhs)?;
        let r = self.expr(rhs)?;
        Ok((op, l, Operand::Reg(r)))
    }

    /// Lowers a `bool` expression as control flow: to `t` when true, `f` when false.
    pub(crate) fn cond(&mut self, e: &Expr, t: BlockId, f: BlockId) -> R<()> {
        match &e.kind {
            ExprKind::Bool(true) => self.terminate(Terminator::Jump(t), e.span),
            ExprKind::Bool(false) => self.terminate(Terminator::Jump(f), e.span),
            ExprKind::Unary {
                op: UnaryOp::Not,
                operand,
            } => self.cond(operand, f, t)?,
            ExprKind::Binary { op, lhs, rhs } => self.cond_binary(*op, lhs, rhs, t, f, e.span)?,
            _ => {
                let v = self.expr(e)?;
                self.terminate(
                    Terminator::Branch {
                        cond: v,
                        then_to: t,
                        else_to: f,
                    },
                    e.span,
                );
            }
        }
        Ok(())
    }

    fn cond_binary(
        &mut self,
        op: BinaryOp,
        lhs: &Expr,
        rhs: &Expr,
        t: BlockId,
        f: BlockId,
        span: Span,
    ) -> R<()> {
        match op {
            BinaryOp::And => {
                let mid = self.new_block();
                self.cond(lhs, mid, f)?;
                self.switch_to(mid);
                self.cond(rhs, t, f)
            }
            BinaryOp::Or => {
                let mid = self.new_block();
                self.cond(lhs, t, mid)?;
                self.switch_to(mid);
                self.cond(rhs, t, f)
            }
            _ => {
                let kind = self.kind(&lhs.ty, lhs.span)?;
                match cmp_op(op) {
                    Some(cop) if has_cmp_branch(kind, cop) => {
                        let (cop, l, r) = self.cmp_operands(cop, kind, lhs, rhs, true)?;
                        self.terminate(
                            Terminator::CmpBranch {
                                op: cop,
                                kind,
                                lhs: l,
                                rhs: r,
                                then_to: t,
                                else_to: f,
                            },
                            span,
                        );
                    }
                    _ => {
                        let v = self.new_vreg(Type::Bool);
                        self.binary(op, lhs, rhs, v, span)?;
                        self.terminate(
                            Terminator::Branch {
                                cond: v,
                                then_to: t,
                                else_to: f,
                            },
                            span,
                        );
                    }
                }
                Ok(())
            }
        }
    }

    /// Lowers a built-in call; `print` becomes per-type print instructions.
    fn builtin(&mut self, builtin: Builtin, args: &[Expr], dst: Option<VReg>, span: Span) -> R<()> {
        if builtin == Builtin::Print {
            // Every argument is evaluated before anything is printed.
            let vals = args.iter().map(|a| self.expr(a)).collect::<R<Vec<_>>>()?;
            for (i, (a, v)) in args.iter().zip(vals).enumerate() {
                if i > 0 {
                    self.push(InstKind::PrintSpace, span);
                }
                self.push(
                    InstKind::Print {
                        ty: a.ty.clone(),
                        src: v,
                    },
                    a.span,
                );
            }
            self.push(InstKind::PrintNewline, span);
            return Ok(());
        }
        let arg_ty = args.first().map(|a| a.ty.clone());
        let args = self.call_args(args)?;
        self.push(
            InstKind::CallBuiltin {
                dst,
                builtin,
                arg_ty,
                args,
            },
            span,
        );
        Ok(())
    }
}
