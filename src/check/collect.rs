//! Declaration collection: every module's imports, structs, functions, constants and globals
//! are entered into its scope before any body is checked, so order of declaration never matters
//! for functions and types. Also resolves written types and rejects recursive structs.

use crate::check::codes;
use crate::check::env::{
    Checker, ConstInfo, ConstState, FuncInfo, GlobalInfo, ItemRef, StructInfo,
};
use crate::check::hir::{FieldDef, FuncId, GlobalDef, GlobalId, StructDef};
use crate::check::loader::ModuleId;
use crate::check::suggest::best_match;
use crate::check::types::{FnType, StructId, Type};
use crate::diagnostics::Diagnostic;
use crate::syntax::ast::{self, Item, PrimType, TypeExpr, TypeExprKind};

/// The most parameters a function may have (§4: argument registers r2–r15).
pub const MAX_PARAMS: usize = 14;

impl Checker {
    /// Enters every module's items into its scope and resolves their types.
    pub fn collect(&mut self) {
        for m in 0..self.modules.len() {
            self.collect_names(m);
        }
        for m in 0..self.modules.len() {
            self.collect_types(m);
        }
        self.check_recursive_structs();
    }

    /// Pass 1: import aliases and struct names (types may be used before their declaration).
    fn collect_names(&mut self, m: ModuleId) {
        let imports = self.modules[m].imports.clone();
        for imp in imports {
            self.declare_item(m, &imp.alias, imp.alias_span, ItemRef::Module(imp.module));
        }
        let ast = self.modules[m].ast.clone();
        for item in &ast.items {
            if let Item::Struct(s) = item {
                let id = StructId(self.structs.len() as u32);
                if self.declare_item(m, &s.name.name, s.name.span, ItemRef::Struct(id)) {
                    self.structs.push(StructInfo {
                        def: StructDef {
                            name: self.qualify(m, &s.name.name),
                            fields: Vec::new(),
                            span: s.span,
                        },
                        field_spans: Vec::new(),
                        name_span: s.name.span,
                    });
                }
            }
        }
    }

    /// Pass 2: struct fields, function signatures, constants and globals.
    fn collect_types(&mut self, m: ModuleId) {
        let ast = self.modules[m].ast.clone();
        for (index, item) in ast.items.iter().enumerate() {
            match item {
                Item::Struct(s) => self.collect_struct_fields(m, s),
                Item::Function(f) => self.collect_function(m, index, f),
                Item::Const(c) => {
                    let ty = self.resolve_type(m, &c.ty);
                    let primitive =
                        ty.is_numeric() || matches!(ty, Type::Bool | Type::String | Type::Error);
                    if !primitive {
                        let name = self.ty_name(&ty);
                        self.report(
                            Diagnostic::error(
                                codes::NOT_CONST,
                                format!("a constant cannot have type `{name}`"),
                                c.ty.span,
                                "not a number, `bool` or `string`",
                            )
                            .with_help("declare a global variable instead: drop `const`"),
                        );
                    }
                    let id = self.consts.len();
                    if self.declare_item(m, &c.name.name, c.name.span, ItemRef::Const(id)) {
                        self.consts.push(ConstInfo {
                            ty: if primitive { ty } else { Type::Error },
                            module: m,
                            item: index,
                            name: c.name.name.clone(),
                            state: ConstState::Pending,
                        });
                    }
                }
                Item::Global(g) => {
                    let ty = self.resolve_type(m, &g.ty);
                    let id = GlobalId(self.globals.len() as u32);
                    if self.declare_item(m, &g.name.name, g.name.span, ItemRef::Global(id)) {
                        self.globals.push(GlobalInfo {
                            def: GlobalDef {
                                name: self.qualify(m, &g.name.name),
                                ty,
                                span: g.span,
                            },
                            module: m,
                            item: index,
                        });
                    }
                }
                Item::Import(_) | Item::Stmt(_) => {}
            }
        }
    }

    fn collect_struct_fields(&mut self, m: ModuleId, s: &ast::StructDecl) {
        let Some(ItemRef::Struct(id)) = self.scopes[m].get(&s.name.name).map(|e| e.item) else {
            return;
        };
        // A duplicate struct name was not entered; only fill the struct that owns the name.
        if self.structs[id.0 as usize].name_span != s.name.span {
            return;
        }
        let mut fields = Vec::new();
        let mut spans: Vec<ast::Ident> = Vec::new();
        for f in &s.fields {
            let ty = self.resolve_type(m, &f.ty);
            if let Some(prev) = spans.iter().find(|p| p.name == f.name.name) {
                let prev = prev.span;
                self.report(
                    Diagnostic::error(
                        codes::DUPLICATE,
                        format!("field `{}` is declared twice", f.name.name),
                        f.name.span,
                        "declared again here",
                    )
                    .with_label(prev, "first declared here"),
                );
                continue;
            }
            spans.push(f.name.clone());
            fields.push(FieldDef {
                name: f.name.name.clone(),
                ty,
            });
        }
        let info = &mut self.structs[id.0 as usize];
        info.def.fields = fields;
        info.field_spans = spans.into_iter().map(|i| i.span).collect();
    }

    fn collect_function(&mut self, m: ModuleId, index: usize, f: &ast::FnDecl) {
        let params: Vec<Type> = f
            .params
            .iter()
            .map(|p| self.resolve_type(m, &p.ty))
            .collect();
        if f.params.len() > MAX_PARAMS {
            let extra = f.params[MAX_PARAMS]
                .name
                .span
                .to(f.params[f.params.len() - 1].ty.span);
            self.report(
                Diagnostic::error(
                    codes::TOO_MANY_PARAMS,
                    format!(
                        "function `{}` has {} parameters; at most {MAX_PARAMS} are allowed",
                        f.name.name,
                        f.params.len()
                    ),
                    extra,
                    "parameters beyond the 14th",
                )
                .with_help("pass related values together in a struct"),
            );
        }
        let ret = match &f.ret {
            Some(t) => self.resolve_type(m, t),
            None => Type::Void,
        };
        let id = FuncId(self.funcs.len() as u32);
        if self.declare_item(m, &f.name.name, f.name.span, ItemRef::Func(id)) {
            self.funcs.push(FuncInfo {
                name: self.qualify(m, &f.name.name),
                sig: FnType { params, ret },
                item: index,
                sig_span: f.sig_span,
                span: f.span,
                body: None,
            });
        }
    }

    /// Resolves a written type in module `m`, reporting unknown names.
    pub fn resolve_type(&mut self, m: ModuleId, te: &TypeExpr) -> Type {
        match &te.kind {
            TypeExprKind::Prim(p) => match p {
                PrimType::I8 => Type::I8,
                PrimType::I16 => Type::I16,
                PrimType::I32 => Type::I32,
                PrimType::I64 => Type::I64,
                PrimType::F32 => Type::F32,
                PrimType::F64 => Type::F64,
                PrimType::Bool => Type::Bool,
                PrimType::String => Type::String,
                PrimType::TableRef => Type::TableRef,
                PrimType::NodeRef => Type::NodeRef,
            },
            TypeExprKind::Array(elem) => Type::Array(Box::new(self.resolve_type(m, elem))),
            TypeExprKind::Fn { params, ret } => {
                if params.len() > MAX_PARAMS {
                    self.report(Diagnostic::error(
                        codes::TOO_MANY_PARAMS,
                        format!(
                            "a function type has {} parameters; at most {MAX_PARAMS} are allowed",
                            params.len()
                        ),
                        te.span,
                        "too many parameters",
                    ));
                }
                let params: Vec<Type> = params.iter().map(|p| self.resolve_type(m, p)).collect();
                let ret = match ret {
                    Some(r) => self.resolve_type(m, r),
                    None => Type::Void,
                };
                if params.len() > MAX_PARAMS {
                    // Already reported; `Error` keeps uses of it quiet.
                    return Type::Error;
                }
                Type::Fn(Box::new(FnType { params, ret }))
            }
            TypeExprKind::Named { module, name } => {
                self.resolve_named_type(m, module.as_ref(), name)
            }
            // Already reported by the parser.
            TypeExprKind::Error => Type::Error,
        }
    }

    fn resolve_named_type(
        &mut self,
        m: ModuleId,
        module: Option<&ast::Ident>,
        name: &ast::Ident,
    ) -> Type {
        let target = match module {
            None => m,
            Some(alias) => match self.scopes[m].get(&alias.name).map(|e| e.item) {
                Some(ItemRef::Module(Some(t))) => t,
                Some(ItemRef::Module(None)) => return Type::Error,
                _ => {
                    self.report(Diagnostic::error(
                        codes::UNKNOWN_NAME,
                        format!("there is no imported module `{}`", alias.name),
                        alias.span,
                        "not an import alias",
                    ));
                    return Type::Error;
                }
            },
        };
        match self.scopes[target].get(&name.name).map(|e| e.item) {
            Some(ItemRef::Struct(id)) => return Type::Struct(id),
            Some(other) if module.is_none() || !matches!(other, ItemRef::Module(_)) => {
                self.report(Diagnostic::error(
                    codes::UNKNOWN_TYPE,
                    format!("`{}` is a {}, not a type", name.name, other.kind_name()),
                    name.span,
                    "expected a type",
                ));
                return Type::Error;
            }
            _ => {}
        }
        if module.is_none() && name.name == "table_builder" {
            return Type::TableBuilder;
        }
        let mut candidates: Vec<String> = self.scopes[target]
            .iter()
            .filter(|(_, e)| matches!(e.item, ItemRef::Struct(_)))
            .map(|(n, _)| n.clone())
            .collect();
        if module.is_none() {
            candidates.extend(
                [
                    "i8",
                    "i16",
                    "i32",
                    "i64",
                    "f32",
                    "f64",
                    "bool",
                    "string",
                    "table_ref",
                    "node_ref",
                    "table_builder",
                ]
                .map(String::from),
            );
        }
        let mut d = Diagnostic::error(
            codes::UNKNOWN_TYPE,
            format!("unknown type `{}`", name.name),
            name.span,
            "not a known type",
        );
        if let Some(s) = best_match(&name.name, candidates.iter().map(String::as_str)) {
            d = d.with_help(format!("did you mean `{s}`?"));
        }
        self.report(d);
        Type::Error
    }

    /// §3: a struct may contain itself only through an array.
    fn check_recursive_structs(&mut self) {
        let n = self.structs.len();
        let mut reported = vec![false; n];
        for start in 0..n {
            if reported[start] {
                continue;
            }
            if let Some(cycle) = self.find_cycle(start) {
                for id in &cycle {
                    reported[*id] = true;
                }
                let names: Vec<String> = cycle
                    .iter()
                    .chain(std::iter::once(&start))
                    .map(|i| self.structs[*i].def.name.clone())
                    .collect();
                let info = &self.structs[start];
                let d = Diagnostic::error(
                    codes::RECURSIVE_STRUCT,
                    format!("struct `{}` contains itself", info.def.name),
                    info.name_span,
                    "this struct would have an infinitely nested default value",
                )
                .with_note(format!("the chain of fields: {}", names.join(" → ")))
                .with_help(format!(
                    "a struct may contain itself only through an array, e.g. `children: {}[]`",
                    info.def.name
                ));
                self.report(d);
            }
        }
    }

    /// A path of structs from `start` back to itself through direct struct fields.
    fn find_cycle(&self, start: usize) -> Option<Vec<usize>> {
        let mut stack = vec![(start, 0usize)];
        let mut on_path = vec![start];
        let mut visited = vec![false; self.structs.len()];
        while let Some((node, next)) = stack.pop() {
            let fields = &self.structs[node].def.fields;
            if next >= fields.len() {
                on_path.pop();
                continue;
            }
            stack.push((node, next + 1));
            if let Type::Struct(child) = fields[next].ty {
                let child = child.0 as usize;
                if child == start {
                    return Some(on_path.clone());
                }
                if !visited[child] && child < self.structs.len() {
                    visited[child] = true;
                    on_path.push(child);
                    stack.push((child, 0));
                }
            }
        }
        None
    }
}
