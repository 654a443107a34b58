//! Shared helpers of the `compile_*` tests: building typed HIR by hand, and a small reference
//! interpreter for integer bytecode (registers, calls, branches, spills) that also checks that
//! every register read was written before.

#![allow(dead_code)]

pub mod interp;

use theta::builtins::Builtin;
use theta::check::hir::*;
use theta::check::types::{FnType, StructId, Type};
use theta::source::{FileId, SourceFile, SourceMap, Span};

/// A span in the single test file.
pub fn sp(start: u32) -> Span {
    Span {
        file: FileId(0),
        start,
        end: start + 1,
    }
}

/// A program around `functions`; function 0 is `<init>` unless given, `main` is none.
pub fn program(functions: Vec<Function>) -> Program {
    let mut sources = SourceMap::new();
    sources.add(SourceFile::new(
        "test.theta",
        "line one\nline two\nline three\nline four\n",
    ));
    let mut functions = functions;
    let init = match functions.iter().position(|f| f.name == "<init>") {
        Some(i) => FuncId(i as u32),
        None => {
            functions.push(func("<init>", &[], Type::Void, &[], vec![]));
            FuncId(functions.len() as u32 - 1)
        }
    };
    Program {
        sources,
        structs: Vec::new(),
        globals: Vec::new(),
        functions,
        init,
        main: None,
    }
}

/// A function with `params`, then further `locals`, and `body`.
pub fn func(
    name: &str,
    params: &[(&str, Type)],
    ret: Type,
    locals: &[(&str, Type)],
    body: Vec<Stmt>,
) -> Function {
    let mut all = Vec::new();
    for (n, t) in params.iter().chain(locals) {
        all.push(LocalDef {
            name: n.to_string(),
            ty: t.clone(),
            span: sp(0),
        });
    }
    Function {
        name: name.to_string(),
        sig: FnType {
            params: params.iter().map(|p| p.1.clone()).collect(),
            ret,
        },
        locals: all,
        body,
        span: Span {
            file: FileId(0),
            start: 0,
            end: 40,
        },
    }
}

pub fn ex(kind: ExprKind, ty: Type) -> Expr {
    Expr {
        kind,
        ty,
        span: sp(10),
    }
}

pub fn i64c(v: i64) -> Expr {
    ex(ExprKind::Int(v), Type::I64)
}

pub fn intc(v: i64, ty: Type) -> Expr {
    ex(ExprKind::Int(v), ty)
}

pub fn f64c(v: f64) -> Expr {
    ex(ExprKind::Float(v), Type::F64)
}

pub fn boolc(v: bool) -> Expr {
    ex(ExprKind::Bool(v), Type::Bool)
}

pub fn strc(s: &str) -> Expr {
    ex(ExprKind::Str(s.to_string()), Type::String)
}

pub fn local(id: u32, ty: Type) -> Expr {
    ex(ExprKind::Local(LocalId(id)), ty)
}

pub fn bin(op: BinaryOp, l: Expr, r: Expr) -> Expr {
    use BinaryOp::*;
    let ty = match op {
        Eq | Ne | Lt | Le | Gt | Ge | And | Or => Type::Bool,
        _ => l.ty.clone(),
    };
    ex(
        ExprKind::Binary {
            op,
            lhs: Box::new(l),
            rhs: Box::new(r),
        },
        ty,
    )
}

pub fn call(f: u32, args: Vec<Expr>, ret: Type) -> Expr {
    ex(
        ExprKind::Call {
            func: FuncId(f),
            args,
        },
        ret,
    )
}

pub fn builtin(b: Builtin, args: Vec<Expr>, ret: Type) -> Expr {
    ex(ExprKind::CallBuiltin { builtin: b, args }, ret)
}

pub fn st(kind: StmtKind) -> Stmt {
    Stmt { kind, span: sp(20) }
}

pub fn let_(id: u32, init: Expr) -> Stmt {
    st(StmtKind::Let {
        local: LocalId(id),
        init,
    })
}

pub fn assign(id: u32, value: Expr) -> Stmt {
    st(StmtKind::Assign {
        place: Place::Local(LocalId(id)),
        value,
    })
}

pub fn compound(place: Place, op: BinaryOp, value: Expr) -> Stmt {
    st(StmtKind::CompoundAssign { place, op, value })
}

pub fn ret(e: Option<Expr>) -> Stmt {
    st(StmtKind::Return(e))
}

pub fn expr_stmt(e: Expr) -> Stmt {
    st(StmtKind::Expr(e))
}

pub fn print(args: Vec<Expr>) -> Stmt {
    expr_stmt(builtin(Builtin::Print, args, Type::Void))
}

/// `for (i = 0; i < n; i++) body` over local `i` (i64) and the bound expression `n`.
pub fn for_upto(i: u32, n: Expr, body: Vec<Stmt>) -> Stmt {
    st(StmtKind::For {
        init: vec![let_(i, i64c(0))],
        cond: Some(bin(BinaryOp::Lt, local(i, Type::I64), n)),
        step: vec![compound(Place::Local(LocalId(i)), BinaryOp::Add, i64c(1))],
        body,
    })
}

pub fn struct_ty(id: u32) -> Type {
    Type::Struct(StructId(id))
}
