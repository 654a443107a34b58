//! Calls: direct calls of functions (local or imported), calls through function values, and
//! built-in calls resolved against the signature table.

use crate::builtins::Builtin;
use crate::check::builtin_sigs::{self as sigs, Sig};
use crate::check::codes;
use crate::check::env::{Checker, FnCtx, ItemRef};
use crate::check::expr::mk;
use crate::check::hir::{self, ExprKind as H, FuncId};
use crate::check::types::{FnType, Type};
use crate::diagnostics::Diagnostic;
use crate::source::Span;
use crate::syntax::ast::{self, ExprKind as A};

enum Callee {
    Direct(FuncId),
    Indirect(hir::Expr),
    Builtin(Builtin),
    Failed,
}

impl Checker {
    /// `callee(args)`.
    pub fn call(
        &mut self,
        cx: &mut FnCtx,
        callee: &ast::Expr,
        args: &[ast::Expr],
        span: Span,
    ) -> hir::Expr {
        match self.callee(cx, callee) {
            Callee::Direct(f) => {
                let info = &self.funcs[f.0 as usize];
                let (sig, decl) = (info.sig.clone(), info.sig_span);
                let args = self.call_args(cx, &sig, args, span, callee, Some(decl));
                mk(H::Call { func: f, args }, sig.ret, span)
            }
            Callee::Indirect(h) => {
                let Type::Fn(sig) = h.ty.clone() else {
                    for a in args {
                        self.expr(cx, a, None);
                    }
                    return Checker::error_expr(span);
                };
                let args = self.call_args(cx, &sig, args, span, callee, None);
                mk(
                    H::CallIndirect {
                        callee: Box::new(h),
                        args,
                    },
                    sig.ret,
                    span,
                )
            }
            Callee::Builtin(b) => self.builtin_call(cx, b, args, span, callee.span),
            Callee::Failed => {
                for a in args {
                    self.expr(cx, a, None);
                }
                Checker::error_expr(span)
            }
        }
    }

    fn callee(&mut self, cx: &mut FnCtx, callee: &ast::Expr) -> Callee {
        match &callee.kind {
            A::Name(id) if cx.lookup(&id.name).is_none() => {
                match self.scopes[cx.module].get(&id.name).map(|e| e.item) {
                    Some(ItemRef::Func(f)) => Callee::Direct(f),
                    Some(item @ ItemRef::Global(_)) => {
                        let h = self.item_value(cx, item, &id.name, id.span, cx.module);
                        self.fn_value(h, callee.span)
                    }
                    Some(item) => self.not_callable_item(item, &id.name, id.span),
                    None => match Builtin::from_name(&id.name) {
                        Some(b) => Callee::Builtin(b),
                        None => {
                            self.unknown_name(cx, id);
                            Callee::Failed
                        }
                    },
                }
            }
            A::Field { base, field } => {
                if let Some((module, alias)) = self.module_of(cx, base) {
                    let Some(module) = module else {
                        return Callee::Failed;
                    };
                    return match self.member(module, &alias, field) {
                        Some(ItemRef::Func(f)) => Callee::Direct(f),
                        Some(item @ ItemRef::Global(_)) => {
                            let h = self.item_value(cx, item, &field.name, callee.span, module);
                            self.fn_value(h, callee.span)
                        }
                        Some(item) => self.not_callable_item(
                            item,
                            &format!("{alias}.{}", field.name),
                            callee.span,
                        ),
                        None => Callee::Failed,
                    };
                }
                let h = self.expr(cx, callee, None);
                self.fn_value(h, callee.span)
            }
            _ => {
                let h = self.expr(cx, callee, None);
                self.fn_value(h, callee.span)
            }
        }
    }

    fn fn_value(&mut self, h: hir::Expr, span: Span) -> Callee {
        match &h.ty {
            Type::Fn(_) => Callee::Indirect(h),
            Type::Error => Callee::Failed,
            other => {
                let tname = self.ty_name(other);
                self.report(Diagnostic::error(
                    codes::NOT_CALLABLE,
                    format!("a value of type `{tname}` cannot be called"),
                    span,
                    "not a function",
                ));
                Callee::Failed
            }
        }
    }

    fn not_callable_item(&mut self, item: ItemRef, name: &str, span: Span) -> Callee {
        let mut d = Diagnostic::error(
            codes::NOT_CALLABLE,
            format!("{} `{name}` cannot be called", item.kind_name()),
            span,
            "not a function",
        );
        if let ItemRef::Struct(_) = item {
            d = d.with_help(format!(
                "build a struct with `{name} {{ field: value, … }}`"
            ));
        }
        self.report(d);
        Callee::Failed
    }

    fn call_args(
        &mut self,
        cx: &mut FnCtx,
        sig: &FnType,
        args: &[ast::Expr],
        span: Span,
        callee: &ast::Expr,
        decl: Option<Span>,
    ) -> Vec<hir::Expr> {
        if args.len() != sig.params.len() {
            let n = sig.params.len();
            let mut d = Diagnostic::error(
                codes::ARG_COUNT,
                format!(
                    "this function takes {n} argument{}, but {} {} given",
                    if n == 1 { "" } else { "s" },
                    args.len(),
                    if args.len() == 1 { "was" } else { "were" }
                ),
                span,
                format!("expected {n}"),
            );
            if let Some(decl) = decl {
                d = d.with_label(decl, "declared here");
            }
            let _ = callee;
            self.report(d);
        }
        args.iter()
            .enumerate()
            .map(|(i, a)| match sig.params.get(i) {
                Some(t) => self.expr_expect(cx, a, t),
                None => self.expr(cx, a, None),
            })
            .collect()
    }

    /// A built-in call: arguments typed from the table, then the first matching overload.
    fn builtin_call(
        &mut self,
        cx: &mut FnCtx,
        b: Builtin,
        args: &[ast::Expr],
        span: Span,
        name_span: Span,
    ) -> hir::Expr {
        let all = sigs::signatures(b);
        let fitting: Vec<&Sig> = all.iter().filter(|s| s.arity_fits(args.len())).collect();
        if fitting.is_empty() {
            let counts: Vec<String> = all.iter().map(|s| s.params.len().to_string()).collect();
            let mut h = Vec::new();
            for a in args {
                h.push(self.expr(cx, a, None));
            }
            self.report(
                Diagnostic::error(
                    codes::ARG_COUNT,
                    format!(
                        "`{}` takes {} argument{}, but {} {} given",
                        b.name(),
                        counts.join(" or "),
                        if counts == ["1"] { "" } else { "s" },
                        args.len(),
                        if args.len() == 1 { "was" } else { "were" }
                    ),
                    span,
                    "wrong number of arguments",
                )
                .with_note(format!("signatures: {}", sigs::describe(b).join("; "))),
            );
            return Checker::error_expr(span);
        }
        let mut types: Vec<Type> = Vec::new();
        let mut out = Vec::new();
        for (i, a) in args.iter().enumerate() {
            // Context only when every fitting overload agrees on this argument's type.
            let wants: Vec<Option<Type>> = fitting
                .iter()
                .map(|s| sigs::expected_type(s.pat(i), &types))
                .collect();
            let want = match wants.first() {
                Some(Some(t)) if wants.iter().all(|w| w.as_ref() == Some(t)) => Some(t.clone()),
                _ => None,
            };
            let h = self.expr(cx, a, want.as_ref());
            types.push(h.ty.clone());
            out.push(h);
        }
        self.check_dataflow_args(b, args);
        if types.contains(&Type::Error) {
            let ret = fitting
                .iter()
                .map(|s| s.ret)
                .find(|r| !matches!(r, sigs::Ret::Same(_)))
                .filter(|r| fitting.iter().all(|s| s.ret == *r))
                .map_or(Type::Error, |r| sigs::result_type(r, &[]));
            return mk(
                H::CallBuiltin {
                    builtin: b,
                    args: out,
                },
                ret,
                span,
            );
        }
        let chosen = fitting
            .iter()
            .find(|s| (0..types.len()).all(|i| sigs::matches(s.pat(i), &types[i], &types)));
        match chosen {
            Some(s) => {
                let ret = sigs::result_type(s.ret, &types);
                mk(
                    H::CallBuiltin {
                        builtin: b,
                        args: out,
                    },
                    ret,
                    span,
                )
            }
            None => {
                self.no_overload(b, &fitting, &out, name_span);
                Checker::error_expr(span)
            }
        }
    }

    fn no_overload(&mut self, b: Builtin, fitting: &[&Sig], args: &[hir::Expr], name_span: Span) {
        let types: Vec<Type> = args.iter().map(|a| a.ty.clone()).collect();
        // Point at the first argument that no fitting overload accepts, if there is one.
        let bad = (0..args.len()).find(|&i| {
            !fitting
                .iter()
                .any(|s| sigs::matches(s.pat(i), &types[i], &types))
        });
        let shown: Vec<String> = types.iter().map(|t| self.ty_name(t)).collect();
        let mut d = match bad {
            Some(i) => {
                let wanted: Vec<String> = fitting
                    .iter()
                    .map(|s| sigs::describe_pat(s.pat(i)))
                    .collect();
                let mut wanted_unique: Vec<String> = Vec::new();
                for w in wanted {
                    if !wanted_unique.contains(&w) {
                        wanted_unique.push(w);
                    }
                }
                Diagnostic::error(
                    codes::NO_OVERLOAD,
                    format!(
                        "argument {} of `{}` has type `{}`, but it needs {}",
                        i + 1,
                        b.name(),
                        shown[i],
                        wanted_unique.join(" or ")
                    ),
                    args[i].span,
                    format!("this is `{}`", shown[i]),
                )
            }
            None => Diagnostic::error(
                codes::NO_OVERLOAD,
                format!(
                    "no signature of `{}` takes ({})",
                    b.name(),
                    shown.join(", ")
                ),
                name_span,
                "no matching signature",
            ),
        };
        d = d.with_note(format!("signatures: {}", sigs::describe(b).join("; ")));
        if let Some(i) = bad {
            let t = &types[i];
            let text = self.snippet(args[i].span).unwrap_or_else(|| "x".into());
            let float_wanted = fitting.iter().any(|s| s.pat(i) == sigs::Pat::Float);
            if float_wanted && t.is_integer() {
                d = d.with_help(format!("convert it: `({text}) as f64`"));
            }
        }
        self.report(d);
    }
}
