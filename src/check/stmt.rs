//! Statement checking (§5): declarations, assignments and their places, control flow, blocks.

use crate::check::codes;
use crate::check::env::{Checker, FnCtx, ItemRef};
use crate::check::expr::mk;
use crate::check::hir::{self, LocalDef, LocalId, Place, StmtKind as S};
use crate::check::types::Type;
use crate::diagnostics::Diagnostic;
use crate::source::Span;
use crate::syntax::ast::{self, AssignOp, BinaryOp, ExprKind as A, StmtKind as K};
use std::collections::HashMap;

impl Checker {
    /// Checks statements into `out`, in a new scope.
    pub fn block(&mut self, cx: &mut FnCtx, stmts: &[ast::Stmt]) -> Vec<hir::Stmt> {
        cx.scopes.push(HashMap::new());
        let mut out = Vec::new();
        for s in stmts {
            self.stmt(cx, s, &mut out);
        }
        cx.scopes.pop();
        out
    }

    /// Declares a local in the innermost scope; reports a redeclaration in the same block.
    pub fn declare_local(&mut self, cx: &mut FnCtx, name: &ast::Ident, ty: Type) -> LocalId {
        let id = LocalId(cx.locals.len() as u32);
        cx.locals.push(LocalDef {
            name: name.name.clone(),
            ty,
            span: name.span,
        });
        let scope = cx
            .scopes
            .last_mut()
            .expect("a function context always has a scope");
        if let Some(prev) = scope.insert(name.name.clone(), id) {
            let prev_span = cx.locals[prev.0 as usize].span;
            self.report(
                Diagnostic::error(
                    codes::DUPLICATE,
                    format!("`{}` is already declared in this scope", name.name),
                    name.span,
                    "declared again here",
                )
                .with_label(prev_span, "first declared here")
                .with_help("use another name, or assign with `=` instead of declaring again"),
            );
        }
        id
    }

    /// Checks one statement, appending its HIR to `out`.
    pub fn stmt(&mut self, cx: &mut FnCtx, s: &ast::Stmt, out: &mut Vec<hir::Stmt>) {
        let span = s.span;
        let kind = match &s.kind {
            K::VarDecl(d) => {
                let ty = self.resolve_type(cx.module, &d.ty);
                let init = self.expr_expect(cx, &d.init, &ty);
                let local = self.declare_local(cx, &d.name, ty);
                S::Let { local, init }
            }
            K::Assign { target, op, value } => match self.place(cx, target) {
                Some((place, ty)) => match op {
                    AssignOp::Set => {
                        let value = self.expr_expect(cx, value, &ty);
                        S::Assign { place, value }
                    }
                    AssignOp::Compound(bop) => {
                        self.compound_ok(*bop, &ty, target.span);
                        let value = self.expr_expect(cx, value, &ty);
                        S::CompoundAssign {
                            place,
                            op: *bop,
                            value,
                        }
                    }
                },
                None => {
                    self.expr(cx, value, None);
                    return;
                }
            },
            K::IncDec { target, increment } => {
                let Some((place, ty)) = self.place(cx, target) else {
                    return;
                };
                if !ty.is_integer() && ty != Type::Error {
                    let tname = self.ty_name(&ty);
                    let sym = if *increment { "++" } else { "--" };
                    let mut d = Diagnostic::error(
                        codes::BAD_OPERATOR,
                        format!("`{sym}` needs an integer place, found `{tname}`"),
                        target.span,
                        format!("this is `{tname}`"),
                    );
                    if ty.is_float() {
                        let op = if *increment { "+=" } else { "-=" };
                        d = d.with_help(format!("write `{op} 1.0`"));
                    }
                    self.report(d);
                    return;
                }
                let op = if *increment {
                    BinaryOp::Add
                } else {
                    BinaryOp::Sub
                };
                S::CompoundAssign {
                    place,
                    op,
                    value: mk(hir::ExprKind::Int(1), ty, span),
                }
            }
            K::Expr(e) => {
                if !matches!(e.kind, A::Call { .. } | A::Error) {
                    self.report(
                        Diagnostic::error(
                            codes::USELESS_EXPR,
                            "an expression statement must be a call",
                            e.span,
                            "this value is computed and thrown away",
                        )
                        .with_help("assign it to a variable or remove it (§5)"),
                    );
                }
                S::Expr(self.expr_any(cx, e, None))
            }
            K::Block(b) => S::Block(self.block(cx, &b.stmts)),
            K::If {
                cond,
                then_block,
                else_branch,
            } => {
                let cond = self.condition(cx, cond, "`if`");
                let then_body = self.block(cx, &then_block.stmts);
                let else_body = match else_branch.as_deref() {
                    None => Vec::new(),
                    Some(ast::Stmt {
                        kind: K::Block(b), ..
                    }) => self.block(cx, &b.stmts),
                    Some(other) => {
                        let mut v = Vec::new();
                        self.stmt(cx, other, &mut v);
                        v
                    }
                };
                S::If {
                    cond,
                    then_body,
                    else_body,
                }
            }
            K::While { cond, body } => {
                let cond = self.condition(cx, cond, "`while`");
                cx.loops += 1;
                let body = self.block(cx, &body.stmts);
                cx.loops -= 1;
                S::While { cond, body }
            }
            K::For {
                init,
                cond,
                step,
                body,
            } => {
                cx.scopes.push(HashMap::new());
                let mut init_out = Vec::new();
                if let Some(i) = init {
                    self.stmt(cx, i, &mut init_out);
                }
                let cond = cond.as_ref().map(|c| self.condition(cx, c, "`for`"));
                let mut step_out = Vec::new();
                if let Some(st) = step {
                    self.stmt(cx, st, &mut step_out);
                }
                cx.loops += 1;
                let body = self.block(cx, &body.stmts);
                cx.loops -= 1;
                cx.scopes.pop();
                S::For {
                    init: init_out,
                    cond,
                    step: step_out,
                    body,
                }
            }
            K::Break | K::Continue => {
                let is_break = matches!(s.kind, K::Break);
                if cx.loops == 0 {
                    let word = if is_break { "break" } else { "continue" };
                    self.report(Diagnostic::error(
                        codes::OUTSIDE_LOOP,
                        format!("`{word}` outside of a loop"),
                        span,
                        format!("`{word}` must be inside `while` or `for`"),
                    ));
                    return;
                }
                if is_break { S::Break } else { S::Continue }
            }
            K::Return(value) => self.return_stmt(cx, value.as_ref(), span),
        };
        out.push(hir::Stmt { kind, span });
    }

    fn return_stmt(&mut self, cx: &mut FnCtx, value: Option<&ast::Expr>, span: Span) -> S {
        let Some(ret) = cx.ret.clone() else {
            self.report(
                Diagnostic::error(
                    codes::RETURN_OUTSIDE_FN,
                    "`return` outside of a function",
                    span,
                    "top-level code cannot return",
                )
                .with_help("put the code in `fn main()` to return an exit status"),
            );
            if let Some(v) = value {
                self.expr(cx, v, None);
            }
            return S::Return(None);
        };
        match (value, &ret) {
            (None, Type::Void) => S::Return(None),
            (Some(v), Type::Void) => {
                let h = self.expr_any(cx, v, None);
                self.report(
                    Diagnostic::error(
                        codes::BAD_RETURN,
                        "this function returns nothing, but `return` has a value",
                        v.span,
                        "unexpected value",
                    )
                    .with_help("declare the return type: `fn name(…) -> T`, or write `return;`"),
                );
                let _ = h;
                S::Return(None)
            }
            (None, t) => {
                if *t != Type::Error {
                    let tname = self.ty_name(t);
                    self.report(Diagnostic::error(
                        codes::BAD_RETURN,
                        format!("this function returns `{tname}`, but `return` has no value"),
                        span,
                        format!("expected a value of type `{tname}`"),
                    ));
                }
                S::Return(None)
            }
            (Some(v), t) => S::Return(Some(self.expr_expect(cx, v, t))),
        }
    }

    fn compound_ok(&mut self, op: BinaryOp, ty: &Type, span: Span) {
        if *ty == Type::Error || crate::check::ops::op_accepts(op, ty) {
            return;
        }
        let tname = self.ty_name(ty);
        self.report(Diagnostic::error(
            codes::BAD_OPERATOR,
            format!("`{}=` cannot be applied to `{tname}`", op.symbol()),
            span,
            format!("this is `{tname}`"),
        ));
    }

    /// Resolves an assignment target to a place and its type; `None` after an error.
    pub fn place(&mut self, cx: &mut FnCtx, target: &ast::Expr) -> Option<(Place, Type)> {
        match &target.kind {
            A::Name(id) => {
                if let Some(l) = cx.lookup(&id.name) {
                    return Some((Place::Local(l), cx.locals[l.0 as usize].ty.clone()));
                }
                match self.scopes[cx.module].get(&id.name).map(|e| e.item) {
                    Some(item) => self.item_place(cx, item, &id.name, id.span, cx.module),
                    None => {
                        self.unknown_name(cx, id);
                        None
                    }
                }
            }
            A::Index { base, index } => {
                let (array, index, elem) = self.index(cx, base, index)?;
                Some((
                    Place::Index {
                        array: Box::new(array),
                        index: Box::new(index),
                    },
                    elem,
                ))
            }
            A::Field { base, field } => {
                if let Some((module, alias)) = self.module_of(cx, base) {
                    let module = module?;
                    let item = self.member(module, &alias, field)?;
                    return self.item_place(
                        cx,
                        item,
                        &format!("{alias}.{}", field.name),
                        target.span,
                        module,
                    );
                }
                let (b, sid, idx, ty) = self.struct_field(cx, base, field)?;
                Some((
                    Place::Field {
                        base: Box::new(b),
                        struct_id: sid,
                        field: idx,
                    },
                    ty,
                ))
            }
            A::Error => None,
            _ => {
                self.expr_any(cx, target, None);
                self.report(Diagnostic::error(
                    codes::NOT_ASSIGNABLE,
                    "cannot assign to this expression",
                    target.span,
                    "not a variable, array element or field",
                ));
                None
            }
        }
    }

    fn item_place(
        &mut self,
        cx: &mut FnCtx,
        item: ItemRef,
        name: &str,
        span: Span,
        owner: usize,
    ) -> Option<(Place, Type)> {
        match item {
            ItemRef::Global(g) => {
                let h = self.item_value(cx, item, name, span, owner);
                if h.ty == Type::Error {
                    return None;
                }
                Some((Place::Global(g), self.globals[g.0 as usize].def.ty.clone()))
            }
            other => {
                let mut d = Diagnostic::error(
                    codes::NOT_ASSIGNABLE,
                    format!("cannot assign to {} `{name}`", other.kind_name()),
                    span,
                    "not a variable",
                );
                if let ItemRef::Const(_) = other {
                    d = d.with_help("constants never change; declare a global variable instead");
                }
                self.report(d);
                None
            }
        }
    }
}
