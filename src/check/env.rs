//! The checker's state: item tables of every module, local scopes, and diagnostics helpers.

use crate::check::codes;
use crate::check::hir::{self, FuncId, GlobalId, LocalDef, LocalId};
use crate::check::loader::{Module, ModuleId};
use crate::check::types::{FnType, StructId, Type};
use crate::diagnostics::Diagnostic;
use crate::source::{SourceMap, Span};
use std::collections::HashMap;

/// Index of a constant in [`Checker::consts`].
pub type ConstId = usize;

/// What a module-level name refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ItemRef {
    /// A struct type.
    Struct(StructId),
    /// A function.
    Func(FuncId),
    /// A global variable.
    Global(GlobalId),
    /// A constant.
    Const(ConstId),
    /// An import alias (`None` when the module failed to load).
    Module(Option<ModuleId>),
}

impl ItemRef {
    /// "function", "struct", … for messages.
    pub fn kind_name(self) -> &'static str {
        match self {
            ItemRef::Struct(_) => "struct",
            ItemRef::Func(_) => "function",
            ItemRef::Global(_) => "global variable",
            ItemRef::Const(_) => "constant",
            ItemRef::Module(_) => "module",
        }
    }
}

/// A module-level name with where it was declared.
#[derive(Clone, Copy, Debug)]
pub struct ItemEntry {
    /// The item.
    pub item: ItemRef,
    /// Where its name is declared.
    pub span: Span,
}

/// A function's declaration data.
#[derive(Clone, Debug)]
pub struct FuncInfo {
    /// Qualified name.
    pub name: String,
    /// Signature.
    pub sig: FnType,
    /// Index of its item in the module's AST.
    pub item: usize,
    /// `fn name(…) -> R`, for "declared here".
    pub sig_span: Span,
    /// The whole declaration.
    pub span: Span,
    /// Checked body: locals and statements.
    pub body: Option<(Vec<LocalDef>, Vec<hir::Stmt>)>,
}

/// A global's declaration data.
#[derive(Clone, Debug)]
pub struct GlobalInfo {
    /// The HIR definition.
    pub def: hir::GlobalDef,
    /// Declaring module.
    pub module: ModuleId,
    /// Index of its item in the module's AST (top-level code may only read earlier globals).
    pub item: usize,
}

/// Evaluation state of a constant.
#[derive(Clone, Debug)]
pub enum ConstState {
    /// Not evaluated yet.
    Pending,
    /// Being evaluated (seeing it again is a cycle).
    InProgress,
    /// Evaluated: a literal, or `None` after an error.
    Done(Option<hir::ExprKind>),
}

/// A constant's declaration data.
#[derive(Clone, Debug)]
pub struct ConstInfo {
    /// Declared type.
    pub ty: Type,
    /// Declaring module.
    pub module: ModuleId,
    /// Index of its item in the module's AST.
    pub item: usize,
    /// Name, for messages.
    pub name: String,
    /// Evaluation state.
    pub state: ConstState,
}

/// A struct's declaration data.
#[derive(Clone, Debug)]
pub struct StructInfo {
    /// The HIR definition (fields filled in the second collection pass).
    pub def: hir::StructDef,
    /// Where each field's name is written.
    pub field_spans: Vec<Span>,
    /// Where the struct's name is written.
    pub name_span: Span,
}

/// Per-function checking state: locals, scopes, loop depth, return type.
pub struct FnCtx {
    /// The module whose names are visible.
    pub module: ModuleId,
    /// Every local so far (parameters first).
    pub locals: Vec<LocalDef>,
    /// Block scopes, innermost last.
    pub scopes: Vec<HashMap<String, LocalId>>,
    /// Number of enclosing loops.
    pub loops: u32,
    /// Return type; `None` in top-level code.
    pub ret: Option<Type>,
    /// In top-level code: the index of the item being checked (for globals used too early).
    pub top_item: Option<usize>,
    /// True while evaluating a `const` initialiser.
    pub in_const: bool,
}

impl FnCtx {
    /// A context for code of `module`.
    pub fn new(module: ModuleId, ret: Option<Type>) -> FnCtx {
        FnCtx {
            module,
            locals: Vec::new(),
            scopes: vec![HashMap::new()],
            loops: 0,
            ret,
            top_item: None,
            in_const: false,
        }
    }

    /// The innermost local called `name`.
    pub fn lookup(&self, name: &str) -> Option<LocalId> {
        self.scopes.iter().rev().find_map(|s| s.get(name).copied())
    }

    /// Names of all visible locals (for suggestions).
    pub fn visible_names(&self) -> Vec<String> {
        self.scopes.iter().flat_map(|s| s.keys().cloned()).collect()
    }
}

/// The checker: every module's items, the diagnostics so far, and the `<init>` code.
pub struct Checker {
    /// All source files.
    pub sources: SourceMap,
    /// Diagnostics so far.
    pub diags: Vec<Diagnostic>,
    /// Modules, dependencies first.
    pub modules: Vec<Module>,
    /// Module-level names of each module.
    pub scopes: Vec<HashMap<String, ItemEntry>>,
    /// Every struct.
    pub structs: Vec<StructInfo>,
    /// Every global.
    pub globals: Vec<GlobalInfo>,
    /// Every function.
    pub funcs: Vec<FuncInfo>,
    /// Every constant.
    pub consts: Vec<ConstInfo>,
    /// Locals of `<init>` (shared by every module's top-level code).
    pub init_locals: Vec<LocalDef>,
    /// Body of `<init>`.
    pub init_body: Vec<hir::Stmt>,
    /// Current expression nesting depth.
    pub depth: u32,
}

impl Checker {
    /// Records a diagnostic.
    pub fn report(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    /// The user-facing name of a type.
    pub fn ty_name(&self, ty: &Type) -> String {
        let names = |id: StructId| {
            self.structs
                .get(id.0 as usize)
                .map_or_else(|| "?".to_string(), |s| s.def.name.clone())
        };
        ty.display(&names).to_string()
    }

    /// The source text of `span`, if short enough to quote in a help line.
    pub fn snippet(&self, span: Span) -> Option<String> {
        let text = &self.sources.get(span.file).text;
        let s = text.get(span.range())?;
        (s.len() <= 40 && !s.contains('\n')).then(|| s.to_string())
    }

    /// Qualified name of an item declared in `module`.
    pub fn qualify(&self, module: ModuleId, name: &str) -> String {
        let q = &self.modules[module].qualifier;
        if q.is_empty() {
            name.to_string()
        } else {
            format!("{q}.{name}")
        }
    }

    /// Declares a module-level name; reports a duplicate and returns false if taken.
    pub fn declare_item(
        &mut self,
        module: ModuleId,
        name: &str,
        span: Span,
        item: ItemRef,
    ) -> bool {
        if let Some(prev) = self.scopes[module].get(name) {
            let prev = *prev;
            self.report(
                Diagnostic::error(
                    codes::DUPLICATE,
                    format!("`{name}` is defined more than once"),
                    span,
                    format!("`{name}` redefined here"),
                )
                .with_label(
                    prev.span,
                    format!("first defined here as a {}", prev.item.kind_name()),
                ),
            );
            return false;
        }
        self.scopes[module].insert(name.to_string(), ItemEntry { item, span });
        true
    }

    /// A placeholder expression for a part that failed to check.
    pub fn error_expr(span: Span) -> hir::Expr {
        hir::Expr {
            kind: hir::ExprKind::Int(0),
            ty: Type::Error,
            span,
        }
    }

    /// True when a value of type `got` may be used where `want` is required (`Error` matches
    /// everything so a mistake is reported once).
    pub fn compatible(want: &Type, got: &Type) -> bool {
        match (want, got) {
            (Type::Error, _) | (_, Type::Error) => true,
            (Type::Array(a), Type::Array(b)) => Self::compatible(a, b),
            (Type::Fn(a), Type::Fn(b)) => {
                a.params.len() == b.params.len()
                    && a.params
                        .iter()
                        .zip(&b.params)
                        .all(|(x, y)| Self::compatible(x, y))
                    && Self::compatible(&a.ret, &b.ret)
            }
            _ => want == got,
        }
    }

    /// True when a type has a default value (§3): functions and `node_ref` do not, and neither
    /// does a struct with such a field.
    pub fn has_default(&self, ty: &Type) -> bool {
        let mut seen = Vec::new();
        self.has_default_inner(ty, &mut seen)
    }

    fn has_default_inner(&self, ty: &Type, seen: &mut Vec<StructId>) -> bool {
        match ty {
            Type::Fn(_) | Type::NodeRef | Type::TableBuilder => false,
            Type::Struct(id) => {
                if seen.contains(id) {
                    return true;
                }
                seen.push(*id);
                let fields: Vec<Type> = self
                    .structs
                    .get(id.0 as usize)
                    .map(|s| s.def.fields.iter().map(|f| f.ty.clone()).collect())
                    .unwrap_or_default();
                fields.iter().all(|t| self.has_default_inner(t, seen))
            }
            _ => true,
        }
    }
}
