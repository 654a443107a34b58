//! The checker's driver: bodies of every module in dependency order, the `<init>` function,
//! `main`'s signature (§1), and assembly of the flattened [`Program`].

use crate::check::CheckFailure;
use crate::check::codes;
use crate::check::env::{Checker, FnCtx, ItemRef};
use crate::check::hir::{self, FuncId, MainFn, Place, Program, ReturnKind, StmtKind};
use crate::check::loader::{Loaded, ModuleId};
use crate::check::returns::never_falls_through;
use crate::check::types::{FnType, Type};
use crate::diagnostics::Diagnostic;
use crate::source::Span;
use crate::syntax::ast::{self, Item};
use std::collections::HashMap;

impl Checker {
    /// A checker over loaded modules, with the loader's diagnostics.
    pub fn new(loaded: Loaded) -> Checker {
        let n = loaded.modules.len();
        Checker {
            sources: loaded.sources,
            diags: loaded.diagnostics,
            modules: loaded.modules,
            scopes: vec![HashMap::new(); n],
            structs: Vec::new(),
            globals: Vec::new(),
            funcs: Vec::new(),
            consts: Vec::new(),
            init_locals: Vec::new(),
            init_body: Vec::new(),
            depth: 0,
        }
    }

    /// Checks every module's code: globals and top-level statements into `<init>`, function
    /// bodies, and every constant (even unused ones).
    pub fn check_bodies(&mut self) {
        for m in 0..self.modules.len() {
            self.check_module(m);
        }
    }

    fn check_module(&mut self, m: ModuleId) {
        let ast = self.modules[m].ast.clone();
        let mut cx = FnCtx::new(m, None);
        cx.locals = std::mem::take(&mut self.init_locals);
        let mut body = Vec::new();
        for (i, item) in ast.items.iter().enumerate() {
            match item {
                Item::Global(g) => {
                    cx.top_item = Some(i);
                    let owned = match self.scopes[m].get(&g.name.name).map(|e| e.item) {
                        Some(ItemRef::Global(id)) if self.globals[id.0 as usize].item == i => {
                            Some(id)
                        }
                        _ => None,
                    };
                    match owned {
                        Some(id) => {
                            let ty = self.globals[id.0 as usize].def.ty.clone();
                            let value = self.expr_expect(&mut cx, &g.init, &ty);
                            body.push(hir::Stmt {
                                kind: StmtKind::Assign {
                                    place: Place::Global(id),
                                    value,
                                },
                                span: g.span,
                            });
                        }
                        None => {
                            let ty = self.resolve_type(m, &g.ty);
                            self.expr_expect(&mut cx, &g.init, &ty);
                        }
                    }
                }
                Item::Stmt(s) => {
                    cx.top_item = Some(i);
                    self.stmt(&mut cx, s, &mut body);
                }
                Item::Function(f) => self.check_function(m, i, f),
                Item::Const(c) => {
                    if let Some(ItemRef::Const(id)) =
                        self.scopes[m].get(&c.name.name).map(|e| e.item)
                        && self.consts[id].item == i
                    {
                        self.const_value(id, c.name.span);
                    }
                }
                Item::Import(_) | Item::Struct(_) => {}
            }
        }
        self.init_locals = cx.locals;
        self.init_body.extend(body);
    }

    fn check_function(&mut self, m: ModuleId, index: usize, f: &ast::FnDecl) {
        let owned = match self.scopes[m].get(&f.name.name).map(|e| e.item) {
            Some(ItemRef::Func(id)) if self.funcs[id.0 as usize].item == index => Some(id),
            _ => None,
        };
        let sig = match owned {
            Some(id) => self.funcs[id.0 as usize].sig.clone(),
            // A duplicate: still check its body for errors of its own.
            None => FnType {
                params: f
                    .params
                    .iter()
                    .map(|p| self.resolve_type(m, &p.ty))
                    .collect(),
                ret: f
                    .ret
                    .as_ref()
                    .map_or(Type::Void, |t| self.resolve_type(m, t)),
            },
        };
        let mut cx = FnCtx::new(m, Some(sig.ret.clone()));
        for (p, ty) in f.params.iter().zip(&sig.params) {
            self.declare_local(&mut cx, &p.name, ty.clone());
        }
        let mut body = Vec::new();
        for s in &f.body.stmts {
            self.stmt(&mut cx, s, &mut body);
        }
        if sig.ret != Type::Void && sig.ret != Type::Error && !never_falls_through(&body) {
            let tname = self.ty_name(&sig.ret);
            let end = f.body.span.end.max(1) as usize;
            let close = Span::new(f.body.span.file, end - 1, end);
            let mut d = Diagnostic::error(
                codes::MISSING_RETURN,
                format!(
                    "function `{}` can reach its end without returning a value of type `{tname}`",
                    f.name.name
                ),
                close,
                "control can reach the end of the body here",
            )
            .with_help("return a value on every path (§5)");
            if let Some(r) = &f.ret {
                d = d.with_label(r.span, "declared to return this");
            }
            self.report(d);
        }
        if let Some(id) = owned {
            self.funcs[id.0 as usize].body = Some((cx.locals, body));
        }
    }

    /// §1: `main` takes nothing or `string[]`, and returns nothing, `i32` or `i64`.
    fn check_main(&mut self, entry: ModuleId) -> Option<MainFn> {
        let Some(ItemRef::Func(id)) = self.scopes[entry].get("main").map(|e| e.item) else {
            return None;
        };
        let info = &self.funcs[id.0 as usize];
        let takes_args = match info.sig.params.as_slice() {
            [] => Some(false),
            [Type::Array(e)] if **e == Type::String => Some(true),
            [Type::Error] => return None,
            _ => None,
        };
        let returns = match info.sig.ret {
            Type::Void => Some(ReturnKind::Void),
            Type::I32 => Some(ReturnKind::I32),
            Type::I64 => Some(ReturnKind::I64),
            Type::Error => return None,
            _ => None,
        };
        match (takes_args, returns) {
            (Some(takes_args), Some(returns)) => Some(MainFn {
                func: id,
                takes_args,
                returns,
            }),
            _ => {
                let sig_span = info.sig_span;
                let what = if takes_args.is_none() {
                    "`main` takes unsupported parameters"
                } else {
                    "`main` has an unsupported return type"
                };
                self.report(
                    Diagnostic::error(
                        codes::BAD_MAIN,
                        what,
                        sig_span,
                        "not a valid signature for `main`",
                    )
                    .with_note("§1 allows `fn main()` or `fn main(args: string[])`, returning nothing, `i32` or `i64`"),
                );
                None
            }
        }
    }

    /// The flattened program, or every diagnostic when there is an error.
    pub fn finish(mut self) -> Result<Program, CheckFailure> {
        let entry = self.modules.len().checked_sub(1);
        let main = entry.and_then(|e| self.check_main(e));
        if self.diags.iter().any(Diagnostic::is_error) {
            let mut diagnostics = self.diags;
            diagnostics.sort_by_key(|d| (d.primary.span.file, d.primary.span.start));
            return Err(CheckFailure {
                sources: self.sources,
                diagnostics,
            });
        }
        let mut functions: Vec<hir::Function> = self
            .funcs
            .into_iter()
            .map(|f| {
                let (locals, body) = f.body.unwrap_or_default();
                hir::Function {
                    name: f.name,
                    sig: f.sig,
                    locals,
                    body,
                    span: f.span,
                }
            })
            .collect();
        let init = FuncId(functions.len() as u32);
        functions.push(hir::Function {
            name: "<init>".into(),
            sig: FnType {
                params: Vec::new(),
                ret: Type::Void,
            },
            locals: self.init_locals,
            body: self.init_body,
            span: Span::default(),
        });
        Ok(Program {
            sources: self.sources,
            structs: self.structs.into_iter().map(|s| s.def).collect(),
            globals: self.globals.into_iter().map(|g| g.def).collect(),
            functions,
            init,
            main,
        })
    }
}
