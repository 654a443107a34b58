//! IR lowering snapshots of small functions (`ir::IrFunction`'s text form).

mod compile_util;

use compile_util::*;
use theta::check::hir::*;
use theta::check::types::Type;
use theta::compile::lower::lower_function;

fn ir(f: Function) -> String {
    let p = program(vec![]);
    lower_function(&p, &f).expect("lowers").to_string()
}

/// `x = x + 1` is one instruction writing x itself; `for` is rotated with a fused branch.
#[test]
fn for_loop_and_increment() {
    let f = func(
        "sum",
        &[("n", Type::I64)],
        Type::I64,
        &[("i", Type::I64), ("s", Type::I64)],
        vec![
            let_(2, i64c(0)),
            for_upto(
                1,
                local(0, Type::I64),
                vec![assign(
                    2,
                    bin(BinaryOp::Add, local(2, Type::I64), local(1, Type::I64)),
                )],
            ),
            ret(Some(local(2, Type::I64))),
        ],
    );
    insta::assert_snapshot!(ir(f));
}

/// `&&`/`||` in a condition become branches; as a value they write the destination per arm.
#[test]
fn short_circuit_and_ternary() {
    let a = || local(0, Type::I32);
    let f = func(
        "pick",
        &[("a", Type::I32), ("b", Type::Bool)],
        Type::I32,
        &[("c", Type::Bool)],
        vec![
            let_(
                2,
                bin(
                    BinaryOp::Or,
                    local(1, Type::Bool),
                    bin(BinaryOp::Gt, a(), intc(3, Type::I32)),
                ),
            ),
            st(StmtKind::If {
                cond: bin(
                    BinaryOp::And,
                    local(2, Type::Bool),
                    bin(BinaryOp::Ne, a(), intc(1000, Type::I32)),
                ),
                then_body: vec![ret(Some(a()))],
                else_body: vec![],
            }),
            ret(Some(ex(
                ExprKind::Ternary {
                    cond: Box::new(local(1, Type::Bool)),
                    then_expr: Box::new(bin(BinaryOp::Mul, a(), intc(2, Type::I32))),
                    else_expr: Box::new(intc(-1, Type::I32)),
                },
                Type::I32,
            ))),
        ],
    );
    insta::assert_snapshot!(ir(f));
}

/// `a[i] += v` evaluates the array and the index once; `print(x, y)` prints with a space.
#[test]
fn compound_on_element_and_print() {
    let arr = Type::Array(Box::new(Type::F64));
    let f = func(
        "bump",
        &[("a", arr.clone()), ("i", Type::I64)],
        Type::Void,
        &[],
        vec![
            compound(
                Place::Index {
                    array: Box::new(local(0, arr.clone())),
                    index: Box::new(bin(BinaryOp::Add, local(1, Type::I64), i64c(1))),
                },
                BinaryOp::Mul,
                f64c(2.5),
            ),
            print(vec![
                local(1, Type::I64),
                ex(
                    ExprKind::Index {
                        array: Box::new(local(0, arr)),
                        index: Box::new(local(1, Type::I64)),
                    },
                    Type::F64,
                ),
            ]),
        ],
    );
    insta::assert_snapshot!(ir(f));
}

/// A non-void function whose end is reachable is refused, not miscompiled.
#[test]
fn missing_return_is_an_internal_error() {
    let f = func("bad", &[], Type::I64, &[], vec![]);
    let err = lower_function(&program(vec![]), &f).unwrap_err();
    assert!(err.message.contains("without returning"), "{err}");
}

/// More than 14 parameters is a format limit (§4).
#[test]
fn too_many_parameters_is_a_limit_error() {
    let params: Vec<(String, Type)> = (0..15).map(|i| (format!("p{i}"), Type::I64)).collect();
    let refs: Vec<(&str, Type)> = params
        .iter()
        .map(|(n, t)| (n.as_str(), t.clone()))
        .collect();
    let f = func("wide", &refs, Type::Void, &[], vec![]);
    let err = lower_function(&program(vec![]), &f).unwrap_err();
    assert_eq!(err.kind, theta::compile::CompileErrorKind::Limit);
}
