//! Statement lowering: assignments, control flow and loops (rotated: condition at the bottom).

use crate::check::hir::{BinaryOp, Expr, ExprKind, Place, Stmt, StmtKind};
use crate::check::types::Type;
use crate::compile::CompileError;
use crate::compile::ir::{InstKind, Operand, Terminator, VReg};
use crate::compile::lower::{FnBuilder, LoopTargets, imm_form};
use crate::compile::lower_expr::arith_op;
use crate::source::Span;

type R<T> = Result<T, CompileError>;

impl FnBuilder<'_> {
    /// Lowers a statement list in order.
    pub(crate) fn stmts(&mut self, stmts: &[Stmt]) -> R<()> {
        stmts.iter().try_for_each(|s| self.stmt(s))
    }

    fn stmt(&mut self, s: &Stmt) -> R<()> {
        let span = s.span;
        match &s.kind {
            StmtKind::Let { local, init } => {
                let v = self.local(*local)?;
                self.expr_into(init, v)
            }
            StmtKind::Assign { place, value } => self.assign(place, value, span),
            StmtKind::CompoundAssign { place, op, value } => self.compound(place, *op, value, span),
            StmtKind::Expr(e) => {
                if e.ty == Type::Void {
                    let dummy = self.new_vreg(Type::Bool);
                    self.expr_into(e, dummy)
                } else {
                    self.expr(e).map(|_| ())
                }
            }
            StmtKind::Block(body) => self.stmts(body),
            StmtKind::If {
                cond,
                then_body,
                else_body,
            } => {
                let t = self.new_block();
                let join = self.new_block();
                let f = if else_body.is_empty() {
                    join
                } else {
                    self.new_block()
                };
                self.cond(cond, t, f)?;
                self.switch_to(t);
                self.stmts(then_body)?;
                self.end_with(Terminator::Jump(join), span);
                if !else_body.is_empty() {
                    self.switch_to(f);
                    self.stmts(else_body)?;
                    self.end_with(Terminator::Jump(join), span);
                }
                self.switch_to(join);
                Ok(())
            }
            StmtKind::While { cond, body } => self.for_loop(&[], Some(cond), &[], body, span),
            StmtKind::For {
                init,
                cond,
                step,
                body,
            } => self.for_loop(init, cond.as_ref(), step, body, span),
            StmtKind::Break | StmtKind::Continue => {
                let Some(targets) = self.loops.last().copied() else {
                    return Err(CompileError::internal(format!(
                        "{}: break/continue outside a loop",
                        self.hir.name
                    )));
                };
                let to = if matches!(s.kind, StmtKind::Break) {
                    targets.break_to
                } else {
                    targets.continue_to
                };
                self.terminate(Terminator::Jump(to), span);
                Ok(())
            }
            StmtKind::Return(value) => {
                let v = value.as_ref().map(|e| self.expr(e)).transpose()?;
                self.terminate(Terminator::Return(v), span);
                Ok(())
            }
        }
    }

    /// `init; jump cond; body: …; step: …; cond: if c goto body else exit; exit:`
    fn for_loop(
        &mut self,
        init: &[Stmt],
        cond: Option<&Expr>,
        step: &[Stmt],
        body: &[Stmt],
        span: Span,
    ) -> R<()> {
        self.stmts(init)?;
        self.loop_depth += 1;
        let r = self.loop_parts(cond, step, body, span);
        self.loop_depth -= 1;
        r
    }

    /// The loop of [`Self::for_loop`] after its `init`.
    fn loop_parts(
        &mut self,
        cond: Option<&Expr>,
        step: &[Stmt],
        body: &[Stmt],
        span: Span,
    ) -> R<()> {
        let always = cond.is_none_or(|c| matches!(c.kind, ExprKind::Bool(true)));
        let body_b = self.new_block();
        let step_b = if step.is_empty() {
            None
        } else {
            Some(self.new_block())
        };
        let cond_b = if always { body_b } else { self.new_block() };
        let exit = self.new_block();
        let continue_to = step_b.unwrap_or(cond_b);
        self.end_with(Terminator::Jump(cond_b), span);
        self.switch_to(body_b);
        self.loops.push(LoopTargets {
            break_to: exit,
            continue_to,
        });
        let r = self.stmts(body);
        self.loops.pop();
        r?;
        if let Some(sb) = step_b {
            self.end_with(Terminator::Jump(sb), span);
            self.switch_to(sb);
            self.stmts(step)?;
        }
        self.end_with(Terminator::Jump(cond_b), span);
        if !always {
            self.switch_to(cond_b);
            let c = cond.expect("non-constant loop has a condition");
            self.cond(c, body_b, exit)?;
        }
        self.switch_to(exit);
        Ok(())
    }

    fn assign(&mut self, place: &Place, value: &Expr, span: Span) -> R<()> {
        match place {
            Place::Local(l) => {
                let v = self.local(*l)?;
                self.expr_into(value, v)
            }
            Place::Global(g) => {
                let v = self.expr(value)?;
                self.push(InstKind::SetGlobal { global: *g, src: v }, span);
                Ok(())
            }
            Place::Index { array, index } => {
                let array = self.expr(array)?;
                let index = self.expr(index)?;
                let value = self.expr(value)?;
                self.push(
                    InstKind::ArraySet {
                        array,
                        index,
                        value,
                    },
                    span,
                );
                Ok(())
            }
            Place::Field {
                base,
                struct_id,
                field,
            } => {
                let base = self.expr(base)?;
                let value = self.expr(value)?;
                self.push(
                    InstKind::FieldSet {
                        base,
                        id: *struct_id,
                        field: *field,
                        value,
                    },
                    span,
                );
                Ok(())
            }
        }
    }

    /// `place op= value`: the place's sub-expressions and its old value are read once, before
    /// `value` is evaluated (left to right).
    fn compound(&mut self, place: &Place, op: BinaryOp, value: &Expr, span: Span) -> R<()> {
        let Some(aop) = arith_op(op) else {
            return Err(CompileError::internal(format!(
                "{}: compound assignment with operator {}",
                self.hir.name,
                op.symbol()
            )));
        };
        let kind = self.kind(&value.ty, value.span)?;
        let rhs = |b: &mut Self| -> R<Operand> {
            if let ExprKind::Int(v) = value.kind
                && let Some(imm) = imm_form(aop, kind, v)
            {
                return Ok(Operand::Imm(imm));
            }
            Ok(Operand::Reg(b.expr(value)?))
        };
        let ty = value.ty.clone();
        let apply = |b: &mut Self, old: VReg, dst: VReg, r: Operand| {
            b.push(
                InstKind::Binary {
                    op: aop,
                    kind,
                    dst,
                    lhs: old,
                    rhs: r,
                },
                span,
            )
        };
        match place {
            Place::Local(l) => {
                let v = self.local(*l)?;
                let r = rhs(self)?;
                apply(self, v, v, r);
            }
            Place::Global(g) => {
                let t = self.new_vreg(ty);
                self.push(InstKind::GetGlobal { dst: t, global: *g }, span);
                let r = rhs(self)?;
                apply(self, t, t, r);
                self.push(InstKind::SetGlobal { global: *g, src: t }, span);
            }
            Place::Index { array, index } => {
                let array = self.expr(array)?;
                let index = self.expr(index)?;
                let t = self.new_vreg(ty);
                self.push(
                    InstKind::ArrayGet {
                        dst: t,
                        array,
                        index,
                    },
                    span,
                );
                let r = rhs(self)?;
                apply(self, t, t, r);
                self.push(
                    InstKind::ArraySet {
                        array,
                        index,
                        value: t,
                    },
                    span,
                );
            }
            Place::Field {
                base,
                struct_id,
                field,
            } => {
                let base = self.expr(base)?;
                let t = self.new_vreg(ty);
                let (id, field) = (*struct_id, *field);
                self.push(
                    InstKind::FieldGet {
                        dst: t,
                        base,
                        id,
                        field,
                    },
                    span,
                );
                let r = rhs(self)?;
                apply(self, t, t, r);
                self.push(
                    InstKind::FieldSet {
                        base,
                        id,
                        field,
                        value: t,
                    },
                    span,
                );
            }
        }
        Ok(())
    }
}
