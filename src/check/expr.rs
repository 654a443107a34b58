//! Expression checking, bidirectional: an expected type flows into literals, array literals,
//! ternaries and arithmetic operands (§6 "literals take their type from context").

use crate::builtins::Builtin;
use crate::check::codes;
use crate::check::env::{Checker, FnCtx, ItemRef};
use crate::check::hir::{self, ExprKind as H};
use crate::check::literal;
use crate::check::suggest::best_match;
use crate::check::types::Type;
use crate::diagnostics::Diagnostic;
use crate::source::Span;
use crate::syntax::ast::{self, ExprKind as A, UnaryOp};

/// Deepest expression nesting the checker follows before giving up on a subtree.
pub const MAX_DEPTH: u32 = 1000;

impl Checker {
    /// Checks an expression whose value is used; reports calls that return nothing.
    pub fn expr(&mut self, cx: &mut FnCtx, e: &ast::Expr, expected: Option<&Type>) -> hir::Expr {
        let h = self.expr_any(cx, e, expected);
        if h.ty == Type::Void {
            self.report(
                Diagnostic::error(
                    codes::VOID_VALUE,
                    "this call returns nothing, so it has no value",
                    e.span,
                    "returns nothing",
                )
                .with_help("call it as a statement of its own"),
            );
            return Checker::error_expr(e.span);
        }
        h
    }

    /// Checks an expression that must have type `want`, reporting a mismatch.
    pub fn expr_expect(&mut self, cx: &mut FnCtx, e: &ast::Expr, want: &Type) -> hir::Expr {
        let h = self.expr(cx, e, Some(want));
        self.require(&h, want, e);
        h
    }

    /// Reports `h` not being of type `want`.
    pub fn require(&mut self, h: &hir::Expr, want: &Type, e: &ast::Expr) {
        if Checker::compatible(want, &h.ty) {
            return;
        }
        let (w, g) = (self.ty_name(want), self.ty_name(&h.ty));
        let mut d = Diagnostic::error(
            codes::TYPE_MISMATCH,
            format!("expected `{w}`, found `{g}`"),
            h.span,
            format!("this is `{g}`"),
        );
        if let A::Int(v) = e.kind
            && want.is_float()
        {
            d = d.with_help(format!("write a float literal: `{v}.0`"));
        } else if want.is_numeric() && h.ty.is_numeric() {
            let text = self.snippet(h.span).unwrap_or_else(|| "value".into());
            d = d.with_help(format!("convert explicitly: `({text}) as {w}`"));
        } else if *want == Type::String && (h.ty.is_numeric() || h.ty == Type::Bool) {
            let text = self.snippet(h.span).unwrap_or_else(|| "value".into());
            d = d.with_help(format!("convert to text with `to_string({text})`"));
        }
        self.report(d);
    }

    /// Checks any expression, including calls that return nothing (expression statements).
    pub fn expr_any(
        &mut self,
        cx: &mut FnCtx,
        e: &ast::Expr,
        expected: Option<&Type>,
    ) -> hir::Expr {
        if self.depth >= MAX_DEPTH {
            if self.depth == MAX_DEPTH {
                self.report(
                    Diagnostic::error(
                        codes::TOO_DEEP,
                        "expression nested too deeply",
                        e.span,
                        "nesting exceeds the limit here",
                    )
                    .with_help("split the expression using local variables"),
                );
                self.depth += 1;
            }
            return Checker::error_expr(e.span);
        }
        self.depth += 1;
        let h = self.expr_inner(cx, e, expected);
        self.depth -= 1;
        h
    }

    fn expr_inner(&mut self, cx: &mut FnCtx, e: &ast::Expr, expected: Option<&Type>) -> hir::Expr {
        let span = e.span;
        match &e.kind {
            A::Int(v) => self.int_literal(*v, false, expected, span),
            A::Float(v) => self.float_literal(*v, expected, span),
            A::Str(s) => mk(H::Str(s.clone()), Type::String, span),
            A::Bool(b) => mk(H::Bool(*b), Type::Bool, span),
            A::Name(id) => self.name_value(cx, id),
            A::Unary { op, operand } => self.unary(cx, *op, operand, expected, span),
            A::Binary {
                op,
                lhs,
                rhs,
                op_span,
            } => self.binary(cx, *op, lhs, rhs, *op_span, expected, span),
            A::Ternary {
                cond,
                then_expr,
                else_expr,
            } => self.ternary(cx, cond, then_expr, else_expr, expected, span),
            A::Cast { expr, ty } => self.cast(cx, expr, ty, span),
            A::Call { callee, args } => self.call(cx, callee, args, span),
            A::Index { base, index } => match self.index(cx, base, index) {
                Some((array, index, elem)) => mk(
                    H::Index {
                        array: Box::new(array),
                        index: Box::new(index),
                    },
                    elem,
                    span,
                ),
                None => Checker::error_expr(span),
            },
            A::Field { base, field } => self.field_value(cx, base, field, span),
            A::ArrayLit(items) => self.array_literal(cx, items, expected, span),
            A::StructLit {
                module,
                name,
                fields,
            } => self.struct_literal(cx, module.as_ref(), name, fields, span),
            A::NewArray { elem, len } => {
                let elem_ty = self.resolve_type(cx.module, elem);
                let len = self.expr_expect(cx, len, &Type::I64);
                if !self.has_default(&elem_ty) {
                    let name = self.ty_name(&elem_ty);
                    self.report(
                        Diagnostic::error(
                            codes::NO_DEFAULT,
                            format!(
                                "`new {name}[n]` needs a default value of `{name}`, and it has none"
                            ),
                            elem.span,
                            "no default value (§3)",
                        )
                        .with_help("build the array with a literal `[a, b, …]` instead"),
                    );
                }
                mk(
                    H::NewArray {
                        elem: elem_ty.clone(),
                        len: Box::new(len),
                    },
                    Type::Array(Box::new(elem_ty)),
                    span,
                )
            }
            A::Error => Checker::error_expr(span),
        }
    }

    /// An integer literal (`negative` when written after a unary `-`, §6).
    pub fn int_literal(
        &mut self,
        magnitude: u64,
        negative: bool,
        expected: Option<&Type>,
        span: Span,
    ) -> hir::Expr {
        let ty = match expected {
            Some(t) if t.is_integer() => t.clone(),
            _ => Type::I64,
        };
        match literal::int_value(magnitude, negative, &ty) {
            Some(v) => mk(H::Int(v), ty, span),
            None => {
                let (min, max) = literal::int_range(&ty).unwrap_or((0, 0));
                let name = self.ty_name(&ty);
                let mut d = Diagnostic::error(
                    codes::INT_RANGE,
                    format!("integer literal out of range for `{name}`"),
                    span,
                    format!("`{name}` holds {min}..={max}"),
                );
                if expected.is_none() || ty == Type::I64 {
                    d = d.with_note("an integer literal without other context is `i64`");
                }
                self.report(d);
                mk(H::Int(0), ty, span)
            }
        }
    }

    pub fn float_literal(&mut self, v: f64, expected: Option<&Type>, span: Span) -> hir::Expr {
        let ty = match expected {
            Some(t) if t.is_float() => t.clone(),
            _ => Type::F64,
        };
        match literal::float_value(v, &ty) {
            Some(r) if r.is_finite() => mk(H::Float(r), ty, span),
            _ => {
                let name = self.ty_name(&ty);
                self.report(Diagnostic::error(
                    codes::FLOAT_RANGE,
                    format!("float literal out of range for `{name}`"),
                    span,
                    "this value overflows to infinity",
                ));
                mk(H::Float(0.0), ty, span)
            }
        }
    }

    /// Reads a name as a value.
    fn name_value(&mut self, cx: &mut FnCtx, id: &ast::Ident) -> hir::Expr {
        if let Some(l) = cx.lookup(&id.name) {
            let ty = cx.locals[l.0 as usize].ty.clone();
            return mk(H::Local(l), ty, id.span);
        }
        match self.scopes[cx.module].get(&id.name).map(|e| e.item) {
            Some(item) => self.item_value(cx, item, &id.name, id.span, cx.module),
            None => {
                if Builtin::from_name(&id.name).is_some() {
                    self.report(
                        Diagnostic::error(
                            codes::NOT_A_VALUE,
                            format!("built-in `{}` cannot be used as a value", id.name),
                            id.span,
                            "built-ins can only be called",
                        )
                        .with_help("wrap it in a function of your own to pass it around"),
                    );
                } else {
                    self.unknown_name(cx, id);
                }
                Checker::error_expr(id.span)
            }
        }
    }

    /// Reports an unknown name with a suggestion.
    pub fn unknown_name(&mut self, cx: &FnCtx, id: &ast::Ident) {
        let mut names = cx.visible_names();
        names.extend(self.scopes[cx.module].keys().cloned());
        names.extend(Builtin::ALL.iter().map(|b| b.name().to_string()));
        let mut d = Diagnostic::error(
            codes::UNKNOWN_NAME,
            format!("cannot find `{}` in this scope", id.name),
            id.span,
            "not found",
        );
        if let Some(s) = best_match(&id.name, names.iter().map(String::as_str)) {
            d = d.with_help(format!("did you mean `{s}`?"));
        }
        self.report(d);
    }

    /// The value of a module-level item (`owner` is the module declaring it).
    pub fn item_value(
        &mut self,
        cx: &mut FnCtx,
        item: ItemRef,
        name: &str,
        span: Span,
        owner: usize,
    ) -> hir::Expr {
        match item {
            ItemRef::Func(f) => {
                let ty = Type::Fn(Box::new(self.funcs[f.0 as usize].sig.clone()));
                if cx.in_const {
                    return self.not_const(span, "a function");
                }
                mk(H::FuncRef(f), ty, span)
            }
            ItemRef::Global(g) => {
                let info = &self.globals[g.0 as usize];
                let ty = info.def.ty.clone();
                let (gm, gi) = (info.module, info.item);
                if cx.in_const {
                    return self.not_const(span, "a global variable");
                }
                if let Some(current) = cx.top_item
                    && gm == owner
                    && gm == cx.module
                    && gi >= current
                {
                    let decl = info.def.span;
                    self.report(
                        Diagnostic::error(
                            codes::GLOBAL_BEFORE_DECL,
                            format!("global `{name}` is used before its declaration has run"),
                            span,
                            "used here",
                        )
                        .with_label(decl, "declared here")
                        .with_note("top-level code runs in source order (§1)"),
                    );
                    return Checker::error_expr(span);
                }
                mk(H::Global(g), ty, span)
            }
            ItemRef::Const(c) => match self.const_value(c, span) {
                Some(kind) => mk(kind, self.consts[c].ty.clone(), span),
                None => Checker::error_expr(span),
            },
            ItemRef::Struct(_) => {
                self.report(
                    Diagnostic::error(
                        codes::NOT_A_VALUE,
                        format!("struct `{name}` is a type, not a value"),
                        span,
                        "a type",
                    )
                    .with_help(format!("build a value with `{name} {{ field: value, … }}`")),
                );
                Checker::error_expr(span)
            }
            ItemRef::Module(_) => {
                self.report(
                    Diagnostic::error(
                        codes::NOT_A_VALUE,
                        format!("module `{name}` is not a value"),
                        span,
                        "an import alias",
                    )
                    .with_help(format!("use one of its items: `{name}.item`")),
                );
                Checker::error_expr(span)
            }
        }
    }

    fn not_const(&mut self, span: Span, what: &str) -> hir::Expr {
        self.report(
            Diagnostic::error(
                codes::NOT_CONST,
                format!("{what} cannot be used in a constant"),
                span,
                "not a constant",
            )
            .with_note("a constant may only use literals, other constants and operators (§4)"),
        );
        Checker::error_expr(span)
    }

    /// `import alias` named by `base` when it is a plain name not shadowed by a local.
    pub fn module_of(&self, cx: &FnCtx, base: &ast::Expr) -> Option<(Option<usize>, String)> {
        let A::Name(id) = &base.kind else { return None };
        if cx.lookup(&id.name).is_some() {
            return None;
        }
        match self.scopes[cx.module].get(&id.name).map(|e| e.item) {
            Some(ItemRef::Module(m)) => Some((m, id.name.clone())),
            _ => None,
        }
    }

    /// Looks up `alias.name` in an imported module; reports unknown members.
    pub fn member(&mut self, module: usize, alias: &str, name: &ast::Ident) -> Option<ItemRef> {
        match self.scopes[module].get(&name.name).map(|e| e.item) {
            Some(ItemRef::Module(_)) | None => {
                let candidates: Vec<String> = self.scopes[module]
                    .iter()
                    .filter(|(_, e)| !matches!(e.item, ItemRef::Module(_)))
                    .map(|(n, _)| n.clone())
                    .collect();
                let mut d = Diagnostic::error(
                    codes::UNKNOWN_MEMBER,
                    format!("module `{alias}` has no item `{}`", name.name),
                    name.span,
                    "not found in the module",
                );
                if let Some(s) = best_match(&name.name, candidates.iter().map(String::as_str)) {
                    d = d.with_help(format!("did you mean `{alias}.{s}`?"));
                }
                self.report(d);
                None
            }
            Some(item) => Some(item),
        }
    }

    fn field_value(
        &mut self,
        cx: &mut FnCtx,
        base: &ast::Expr,
        field: &ast::Ident,
        span: Span,
    ) -> hir::Expr {
        if let Some((module, alias)) = self.module_of(cx, base) {
            let Some(module) = module else {
                return Checker::error_expr(span);
            };
            return match self.member(module, &alias, field) {
                Some(item) => {
                    let mut h =
                        self.item_value(cx, item, &format!("{alias}.{}", field.name), span, module);
                    h.span = span;
                    h
                }
                None => Checker::error_expr(span),
            };
        }
        match self.struct_field(cx, base, field) {
            Some((b, sid, idx, ty)) => mk(
                H::Field {
                    base: Box::new(b),
                    struct_id: sid,
                    field: idx,
                },
                ty,
                span,
            ),
            None => Checker::error_expr(span),
        }
    }

    /// Checks `base.field` on a struct value: the base, its struct, the field index and type.
    pub fn struct_field(
        &mut self,
        cx: &mut FnCtx,
        base: &ast::Expr,
        field: &ast::Ident,
    ) -> Option<(hir::Expr, crate::check::types::StructId, u32, Type)> {
        let b = self.expr(cx, base, None);
        match &b.ty {
            Type::Struct(sid) => {
                let sid = *sid;
                let def = &self.structs[sid.0 as usize].def;
                if let Some(i) = def.fields.iter().position(|f| f.name == field.name) {
                    let ty = def.fields[i].ty.clone();
                    return Some((b, sid, i as u32, ty));
                }
                let sname = def.name.clone();
                let mut d = Diagnostic::error(
                    codes::UNKNOWN_FIELD,
                    format!("struct `{sname}` has no field `{}`", field.name),
                    field.span,
                    "unknown field",
                );
                let names: Vec<&str> = def.fields.iter().map(|f| f.name.as_str()).collect();
                if let Some(s) = best_match(&field.name, names.iter().copied()) {
                    d = d.with_help(format!("did you mean `{s}`?"));
                } else if !names.is_empty() {
                    d = d.with_note(format!("its fields are: {}", names.join(", ")));
                }
                let decl = self.structs[sid.0 as usize].name_span;
                self.report(d.with_label(decl, "struct declared here"));
                None
            }
            Type::Error => None,
            other => {
                let tname = self.ty_name(other);
                let mut d = Diagnostic::error(
                    codes::NO_FIELDS,
                    format!("type `{tname}` has no fields"),
                    field.span,
                    format!("`.{}` on a value of type `{tname}`", field.name),
                );
                if matches!(other, Type::Array(_) | Type::String)
                    && matches!(field.name.as_str(), "len" | "length" | "size" | "count")
                {
                    let text = self.snippet(base.span).unwrap_or_else(|| "x".into());
                    d = d.with_help(format!("use the built-in: `len({text})`"));
                }
                self.report(d);
                None
            }
        }
    }

    /// Checks `base[index]`: the array, the index and the element type.
    pub fn index(
        &mut self,
        cx: &mut FnCtx,
        base: &ast::Expr,
        index: &ast::Expr,
    ) -> Option<(hir::Expr, hir::Expr, Type)> {
        let b = self.expr(cx, base, None);
        let i = self.expr_expect(cx, index, &Type::I64);
        match &b.ty {
            Type::Array(elem) => {
                let elem = (**elem).clone();
                Some((b, i, elem))
            }
            Type::Error => None,
            other => {
                let tname = self.ty_name(other);
                let mut d = Diagnostic::error(
                    codes::NOT_INDEXABLE,
                    format!("cannot index a value of type `{tname}`"),
                    base.span,
                    format!("this is `{tname}`, not an array"),
                );
                if *other == Type::String {
                    d = d.with_help(
                        "strings are not arrays: use `byte_at(s, i)` or `substr(s, i, n)`",
                    );
                }
                self.report(d);
                None
            }
        }
    }

    fn array_literal(
        &mut self,
        cx: &mut FnCtx,
        items: &[ast::Expr],
        expected: Option<&Type>,
        span: Span,
    ) -> hir::Expr {
        let mut elem: Option<Type> = match expected {
            Some(Type::Array(e)) => Some((**e).clone()),
            _ => None,
        };
        if items.is_empty() {
            return match elem {
                Some(t) => mk(H::ArrayLit(Vec::new()), Type::Array(Box::new(t)), span),
                None => {
                    self.report(
                        Diagnostic::error(
                            codes::EMPTY_ARRAY,
                            "cannot tell the element type of this empty array",
                            span,
                            "type unknown",
                        )
                        .with_help("give it a type from context, e.g. `i64[] xs = [];`, or use `new i64[0]`"),
                    );
                    Checker::error_expr(span)
                }
            };
        }
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            let h = match &elem {
                Some(t) if *t != Type::Error => {
                    let t = t.clone();
                    let h = self.expr(cx, item, Some(&t));
                    if !Checker::compatible(&t, &h.ty) {
                        let (w, g) = (self.ty_name(&t), self.ty_name(&h.ty));
                        let first = out.first().map(|f: &hir::Expr| f.span);
                        let mut d = Diagnostic::error(
                            codes::TYPE_MISMATCH,
                            format!("array elements must all be `{w}`, found `{g}`"),
                            h.span,
                            format!("this is `{g}`"),
                        );
                        if let Some(f) = first {
                            d = d.with_label(f, format!("the first element is `{w}`"));
                        }
                        self.report(d);
                    }
                    h
                }
                _ => {
                    let h = self.expr(cx, item, None);
                    elem = Some(h.ty.clone());
                    h
                }
            };
            out.push(h);
        }
        let elem = elem.unwrap_or(Type::Error);
        let ty = if elem == Type::Error {
            Type::Error
        } else {
            Type::Array(Box::new(elem))
        };
        mk(H::ArrayLit(out), ty, span)
    }

    fn struct_literal(
        &mut self,
        cx: &mut FnCtx,
        module: Option<&ast::Ident>,
        name: &ast::Ident,
        fields: &[(ast::Ident, ast::Expr)],
        span: Span,
    ) -> hir::Expr {
        let te = ast::TypeExpr {
            kind: ast::TypeExprKind::Named {
                module: module.cloned(),
                name: name.clone(),
            },
            span: name.span,
        };
        let ty = self.resolve_type(cx.module, &te);
        let sid = match ty {
            Type::Struct(sid) => sid,
            Type::Error => {
                for (_, e) in fields {
                    self.expr(cx, e, None);
                }
                return Checker::error_expr(span);
            }
            other => {
                let tname = self.ty_name(&other);
                self.report(Diagnostic::error(
                    codes::UNKNOWN_TYPE,
                    format!("`{tname}` is not a struct"),
                    name.span,
                    "expected a struct name",
                ));
                return Checker::error_expr(span);
            }
        };
        let def = self.structs[sid.0 as usize].def.clone();
        let mut seen: Vec<(u32, Span)> = Vec::new();
        // Fields an unknown (probably misspelt) field was suggested for: not reported missing.
        let mut suggested: Vec<String> = Vec::new();
        let mut out = Vec::new();
        for (fname, value) in fields {
            let Some(idx) = def.fields.iter().position(|f| f.name == fname.name) else {
                let mut d = Diagnostic::error(
                    codes::UNKNOWN_FIELD,
                    format!("struct `{}` has no field `{}`", def.name, fname.name),
                    fname.span,
                    "unknown field",
                );
                if let Some(s) = best_match(&fname.name, def.fields.iter().map(|f| f.name.as_str()))
                {
                    d = d.with_help(format!("did you mean `{s}`?"));
                    suggested.push(s.to_string());
                }
                self.report(d);
                self.expr(cx, value, None);
                continue;
            };
            let idx = idx as u32;
            let h = self.expr_expect(cx, value, &def.fields[idx as usize].ty);
            if let Some((_, first)) = seen.iter().find(|(i, _)| *i == idx) {
                let first = *first;
                self.report(
                    Diagnostic::error(
                        codes::DUPLICATE_FIELD,
                        format!("field `{}` is given twice", fname.name),
                        fname.span,
                        "given again here",
                    )
                    .with_label(first, "first given here"),
                );
                continue;
            }
            seen.push((idx, fname.span));
            out.push((idx, h));
        }
        let missing: Vec<&str> = def
            .fields
            .iter()
            .enumerate()
            .filter(|(i, _)| !seen.iter().any(|(s, _)| *s as usize == *i))
            .map(|(_, f)| f.name.as_str())
            .filter(|name| !suggested.iter().any(|s| s == name))
            .collect();
        let unknown_given = fields.len() > seen.len() + suggested.len();
        if !missing.is_empty() {
            let list = missing
                .iter()
                .map(|m| format!("`{m}`"))
                .collect::<Vec<_>>()
                .join(", ");
            let decl = self.structs[sid.0 as usize].name_span;
            let mut d = Diagnostic::error(
                codes::MISSING_FIELD,
                format!(
                    "missing field{} {list} in `{}`",
                    if missing.len() > 1 { "s" } else { "" },
                    def.name
                ),
                name.span,
                "every field must be given (§6)",
            )
            .with_label(decl, "struct declared here");
            if unknown_given {
                d = d.with_note("an unknown field above may be a misspelling of a missing one");
            }
            self.report(d);
        }
        mk(
            H::StructLit {
                struct_id: sid,
                fields: out,
            },
            Type::Struct(sid),
            span,
        )
    }
}

/// Builds a typed expression.
pub fn mk(kind: H, ty: Type, span: Span) -> hir::Expr {
    hir::Expr { kind, ty, span }
}

/// True for expressions whose type comes from context (literals and arithmetic on them).
pub fn is_flexible(e: &ast::Expr) -> bool {
    flexible_within(e, 32)
}

fn flexible_within(e: &ast::Expr, budget: u32) -> bool {
    if budget == 0 {
        return false;
    }
    let b = budget - 1;
    match &e.kind {
        A::Int(_) | A::Float(_) => true,
        A::Unary { op, operand } => {
            matches!(op, UnaryOp::Neg | UnaryOp::BitNot) && flexible_within(operand, b)
        }
        A::Binary { op, lhs, rhs, .. } => {
            crate::check::ops::result_is_operand(*op)
                && flexible_within(lhs, b)
                && flexible_within(rhs, b)
        }
        A::Ternary {
            then_expr,
            else_expr,
            ..
        } => flexible_within(then_expr, b) && flexible_within(else_expr, b),
        _ => false,
    }
}
