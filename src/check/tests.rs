//! Unit tests of the checker through its public entry point: literal typing, folding, the HIR
//! shape of `x++`, the `<init>` order and `main` detection.

use crate::check::check_source;
use crate::check::hir::{ExprKind, Place, Program, ReturnKind, StmtKind};
use crate::check::types::Type;
use crate::syntax::ast::BinaryOp;

fn ok(src: &str) -> Program {
    match check_source("test.theta", src) {
        Ok(p) => p,
        Err(f) => panic!("expected a clean check:\n{}", f.render()),
    }
}

fn codes(src: &str) -> Vec<&'static str> {
    match check_source("test.theta", src) {
        Ok(_) => panic!("expected errors"),
        Err(f) => f.diagnostics.iter().map(|d| d.code).collect(),
    }
}

/// The value assigned to global number `n` by `<init>`.
fn global_init(p: &Program, n: usize) -> &crate::check::hir::Expr {
    let init = &p.functions[p.init.0 as usize];
    let assigns: Vec<_> = init
        .body
        .iter()
        .filter_map(|s| match &s.kind {
            StmtKind::Assign {
                place: Place::Global(_),
                value,
            } => Some(value),
            _ => None,
        })
        .collect();
    assigns[n]
}

fn operands(e: &crate::check::hir::Expr) -> (&crate::check::hir::Expr, &crate::check::hir::Expr) {
    match &e.kind {
        ExprKind::Binary { lhs, rhs, .. } => (lhs, rhs),
        other => panic!("not a binary expression: {other:?}"),
    }
}

#[test]
fn literal_takes_the_other_operands_type() {
    let p = ok("i8 x = 5;\ni8 a = x + 1;\ni8 b = 1 + x;\nbool c = 2 < x;");
    let (_, rhs) = operands(global_init(&p, 1));
    assert_eq!(rhs.ty, Type::I8);
    let (lhs, _) = operands(global_init(&p, 2));
    assert_eq!(lhs.ty, Type::I8);
    let (lhs, _) = operands(global_init(&p, 3));
    assert_eq!(lhs.ty, Type::I8);
    assert_eq!(global_init(&p, 3).ty, Type::Bool);
}

#[test]
fn literals_default_without_context() {
    let p = ok("print(1, 2.5, -3);");
    let init = &p.functions[p.init.0 as usize];
    let StmtKind::Expr(call) = &init.body[0].kind else {
        panic!("call expected")
    };
    let ExprKind::CallBuiltin { args, .. } = &call.kind else {
        panic!("builtin call expected")
    };
    assert_eq!(args[0].ty, Type::I64);
    assert_eq!(args[1].ty, Type::F64);
    assert!(matches!(args[2].kind, ExprKind::Int(-3)));
}

#[test]
fn negative_literals_and_f32_rounding() {
    let p = ok("i8 a = -128;\nf32 b = 0.1;\nf32 c = -2.5;");
    assert!(matches!(global_init(&p, 0).kind, ExprKind::Int(-128)));
    assert_eq!(global_init(&p, 0).ty, Type::I8);
    match global_init(&p, 1).kind {
        ExprKind::Float(v) => assert_eq!(v, 0.1f32 as f64),
        ref other => panic!("{other:?}"),
    }
    assert_eq!(global_init(&p, 2).ty, Type::F32);
    assert_eq!(codes("i8 a = 128;"), vec!["E0108"]);
    assert_eq!(codes("i8 a = -129;"), vec!["E0108"]);
    assert_eq!(codes("f32 a = 1e39;"), vec!["E0109"]);
}

#[test]
fn context_flows_into_arrays_ternaries_and_calls() {
    let p = ok("i16[] a = [1, -2];\nbool t = true;\ni8 b = t ? 1 : 2;\ni8 m = min(b, 3);");
    assert_eq!(global_init(&p, 0).ty, Type::Array(Box::new(Type::I16)));
    assert_eq!(global_init(&p, 2).ty, Type::I8);
    assert_eq!(global_init(&p, 3).ty, Type::I8);
}

#[test]
fn constants_fold_with_wrapping() {
    let p = ok(
        "const i8 A = 127;\nconst i8 B = A + 1;\ni8 x = B;\nconst string S = \"a\" + \"b\";\nstring s = S;",
    );
    assert!(matches!(global_init(&p, 0).kind, ExprKind::Int(-128)));
    assert!(matches!(&global_init(&p, 1).kind, ExprKind::Str(s) if s == "ab"));
    assert_eq!(codes("const i64 Z = 1 / 0;"), vec!["E0127"]);
}

#[test]
fn increment_is_compound_assign_with_typed_one() {
    let p = ok("fn main() {\n    i16 x = 1;\n    x++;\n}");
    let main = &p.functions[p.main.expect("main").func.0 as usize];
    match &main.body[1].kind {
        StmtKind::CompoundAssign { op, value, .. } => {
            assert_eq!(*op, BinaryOp::Add);
            assert!(matches!(value.kind, ExprKind::Int(1)));
            assert_eq!(value.ty, Type::I16);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn main_signatures() {
    let p = ok("fn main(args: string[]) -> i32 {\n    return 0;\n}");
    let m = p.main.expect("main");
    assert!(m.takes_args);
    assert_eq!(m.returns, ReturnKind::I32);
    assert!(ok("print(1);").main.is_none());
    assert_eq!(
        codes("fn main() -> f64 {\n    return 1.0;\n}"),
        vec!["E0119"]
    );
}

#[test]
fn stdlib_modules_check_and_are_qualified() {
    let p = ok(
        "import math;\nimport strings;\nimport arrays;\nprint(math.gcd(4, 6), strings.trim(\" x \"), arrays.sum([1]));",
    );
    for name in ["math.gcd", "strings.split", "arrays.sort"] {
        assert!(p.functions.iter().any(|f| f.name == name), "{name} missing");
    }
    assert_eq!(p.functions[p.init.0 as usize].name, "<init>");
}

#[test]
fn error_expressions_do_not_cascade() {
    // One unknown name, used in arithmetic, a call and a condition: one diagnostic.
    assert_eq!(
        codes("i64 x = nope + 1;\nprint(sqrt(nope));\nif (nope > 1) {\n}"),
        vec!["E0100", "E0100", "E0100"]
    );
    assert_eq!(codes("i64 y = nope * 2 + 1 - 3;"), vec!["E0100"]);
}

#[test]
fn deep_nesting_is_reported_not_crashed() {
    let mut src = String::from("i64 x = 1");
    for _ in 0..3000 {
        src.push_str(" + 1");
    }
    src.push(';');
    // Either the parser or the checker refuses it cleanly; no stack overflow.
    let result = check_source("deep.theta", &src);
    if let Err(f) = result {
        assert!(!f.diagnostics.is_empty());
    }
}
