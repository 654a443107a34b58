//! The emitter over every HIR construct: each program must pass the bytecode verifier and a
//! `.thbc` round trip; the integer/string/array/struct ones also run on the test interpreter.
//! Also: determinism, debug tables, `main` info and disassembly snapshots.

mod compile_util;

use compile_util::interp::{Val, run};
use compile_util::*;
use theta::builtins::Builtin;
use theta::bytecode::{MainReturn, Module, Opcode, disassemble};
use theta::check::hir::*;
use theta::check::types::{FnType, StructId, Type};
use theta::compile::compile_program;

fn verified(p: &Program) -> Module {
    let m = compile_program(p).expect("compiles");
    if let Err(e) = theta::bytecode::verify(&m) {
        panic!("verify: {e}\n{}", disassemble(&m));
    }
    let back = theta::bytecode::load(&m.to_bytes()).expect("loads");
    assert_eq!(back, m);
    no_jump_to_jump(&m);
    m
}

/// Jump threading: no branch lands on an unconditional `JMP`.
fn no_jump_to_jump(m: &Module) {
    for f in &m.functions {
        for (pc, i) in f.code.iter().enumerate() {
            if i.op.is_branch() {
                let target = &f.code[i.imm as usize];
                assert_ne!(target.op, Opcode::Jmp, "{}: pc {pc} jumps to a JMP", f.name);
            }
        }
    }
}

fn ops(m: &Module, f: usize) -> Vec<Opcode> {
    m.functions[f].code.iter().map(|i| i.op).collect()
}

fn unary(op: UnaryOp, e: Expr) -> Expr {
    let ty = e.ty.clone();
    ex(
        ExprKind::Unary {
            op,
            operand: Box::new(e),
        },
        ty,
    )
}

fn cast(e: Expr, to: Type) -> Expr {
    ex(ExprKind::Cast(Box::new(e)), to)
}

fn ternary(c: Expr, a: Expr, b: Expr) -> Expr {
    let ty = a.ty.clone();
    ex(
        ExprKind::Ternary {
            cond: Box::new(c),
            then_expr: Box::new(a),
            else_expr: Box::new(b),
        },
        ty,
    )
}

fn index(a: Expr, i: Expr, ty: Type) -> Expr {
    ex(
        ExprKind::Index {
            array: Box::new(a),
            index: Box::new(i),
        },
        ty,
    )
}

fn field(base: Expr, f: u32, ty: Type) -> Expr {
    ex(
        ExprKind::Field {
            base: Box::new(base),
            struct_id: StructId(0),
            field: f,
        },
        ty,
    )
}

fn arr(t: Type) -> Type {
    Type::Array(Box::new(t))
}

/// Every numeric width through arithmetic, casts, unary ops and prints.
#[test]
fn numbers_casts_and_prints_verify() {
    let mut body = Vec::new();
    for (k, t) in [Type::I8, Type::I16, Type::I32, Type::I64]
        .into_iter()
        .enumerate()
    {
        let id = k as u32;
        body.push(let_(id, intc(-5, t.clone())));
        for op in [
            BinaryOp::Add,
            BinaryOp::Sub,
            BinaryOp::Mul,
            BinaryOp::Div,
            BinaryOp::Rem,
            BinaryOp::Shl,
            BinaryOp::Shr,
            BinaryOp::BitAnd,
            BinaryOp::BitOr,
            BinaryOp::BitXor,
        ] {
            body.push(assign(
                id,
                bin(op, local(id, t.clone()), intc(3, t.clone())),
            ));
            body.push(assign(
                id,
                bin(op, local(id, t.clone()), local(id, t.clone())),
            ));
            body.push(compound(Place::Local(LocalId(id)), op, intc(2, t.clone())));
        }
        body.push(assign(id, unary(UnaryOp::Neg, local(id, t.clone()))));
        body.push(assign(id, unary(UnaryOp::BitNot, local(id, t.clone()))));
        body.push(print(vec![
            local(id, t.clone()),
            cast(local(id, t.clone()), Type::F64),
        ]));
        body.push(let_(6, cast(local(id, t.clone()), Type::F32)));
        body.push(let_(5, cast(local(id, t.clone()), Type::F64)));
        body.push(assign(id, cast(local(5, Type::F64), t.clone())));
        body.push(assign(id, cast(local(6, Type::F32), t.clone())));
        body.push(assign(id, cast(boolc(true), t.clone())));
        body.push(let_(4, cast(local(id, t.clone()), Type::I64)));
    }
    for t in [Type::F32, Type::F64] {
        let id = if t == Type::F32 { 6 } else { 5 };
        let c = ex(ExprKind::Float(1.5), t.clone());
        for op in [
            BinaryOp::Add,
            BinaryOp::Sub,
            BinaryOp::Mul,
            BinaryOp::Div,
            BinaryOp::Rem,
        ] {
            body.push(assign(id, bin(op, local(id, t.clone()), c.clone())));
        }
        body.push(assign(id, unary(UnaryOp::Neg, local(id, t.clone()))));
        body.push(let_(7, bin(BinaryOp::Le, local(id, t.clone()), c.clone())));
        body.push(print(vec![local(id, t.clone()), local(7, Type::Bool)]));
    }
    body.push(assign(6, cast(local(5, Type::F64), Type::F32)));
    body.push(assign(5, cast(local(6, Type::F32), Type::F64)));
    body.push(assign(3, ex(ExprKind::Int(1 << 40), Type::I64)));
    body.push(print(vec![]));
    let f = func(
        "nums",
        &[],
        Type::Void,
        &[
            ("a", Type::I8),
            ("b", Type::I16),
            ("c", Type::I32),
            ("d", Type::I64),
            ("e", Type::I64),
            ("x", Type::F64),
            ("y", Type::F32),
            ("z", Type::Bool),
        ],
        body,
    );
    let m = verified(&program(vec![f]));
    let code = ops(&m, 0);
    for op in [
        Opcode::AddI8Ri,
        Opcode::DivI16,
        Opcode::ShrI32Ri,
        Opcode::RemF32,
        Opcode::LoadF32,
    ] {
        assert!(code.contains(&op), "{}", op.mnemonic());
    }
    assert_eq!(m.consts_i64, vec![1 << 40]);
}

/// Strings: literals from the pool, concatenation, comparison, len, to_string.
#[test]
fn strings_run() {
    let s = |id| local(id, Type::String);
    let f = func(
        "strs",
        &[],
        Type::I64,
        &[("s", Type::String), ("t", Type::String)],
        vec![
            let_(0, strc("ab")),
            let_(1, bin(BinaryOp::Add, s(0), strc("cd"))),
            compound(Place::Local(LocalId(1)), BinaryOp::Add, strc("!")),
            print(vec![s(1), bin(BinaryOp::Lt, s(0), s(1)), strc("ab")]),
            ret(Some(builtin(Builtin::Len, vec![s(1)], Type::I64))),
        ],
    );
    let m = verified(&program(vec![f]));
    assert_eq!(m.strings, vec!["ab".to_string(), "cd".into(), "!".into()]);
    let (v, out) = run(&m, 0, vec![]);
    assert_eq!(v, Val::I(5));
    assert_eq!(out, "abcd! true ab\n");
}

fn point_program(body: Vec<Stmt>, ret_ty: Type, locals: &[(&str, Type)]) -> Program {
    let mut p = program(vec![func("f", &[], ret_ty, locals, body)]);
    p.structs.push(StructDef {
        name: "Point".into(),
        fields: vec![
            FieldDef {
                name: "x".into(),
                ty: Type::I64,
            },
            FieldDef {
                name: "y".into(),
                ty: Type::I64,
            },
        ],
        span: sp(0),
    });
    p
}

/// Struct literals evaluate in source order and store in declaration order; field get/set and
/// compound assignment on a field.
#[test]
fn structs_run() {
    let pt = Type::Struct(StructId(0));
    let p = || local(0, Type::Struct(StructId(0)));
    let lit = ex(
        ExprKind::StructLit {
            struct_id: StructId(0),
            fields: vec![(1, i64c(20)), (0, i64c(10))],
        },
        pt.clone(),
    );
    let prog = point_program(
        vec![
            let_(0, lit),
            compound(
                Place::Field {
                    base: Box::new(p()),
                    struct_id: StructId(0),
                    field: 1,
                },
                BinaryOp::Mul,
                i64c(3),
            ),
            st(StmtKind::Assign {
                place: Place::Field {
                    base: Box::new(p()),
                    struct_id: StructId(0),
                    field: 0,
                },
                value: bin(BinaryOp::Add, field(p(), 0, Type::I64), i64c(1)),
            }),
            ret(Some(bin(
                BinaryOp::Sub,
                field(p(), 1, Type::I64),
                field(p(), 0, Type::I64),
            ))),
        ],
        Type::I64,
        &[("p", pt)],
    );
    let m = verified(&prog);
    assert!(ops(&m, 0).contains(&Opcode::StructNew));
    assert_eq!(run(&m, 0, vec![]).0, Val::I(60 - 11));
}

/// Arrays: `new`, short and long literals, index get/set, compound on an element, len.
#[test]
fn arrays_run() {
    let a = || local(0, arr(Type::I64));
    let long: Vec<Expr> = (0..100).map(i64c).collect();
    let body = vec![
        let_(
            0,
            ex(
                ExprKind::NewArray {
                    elem: Type::I64,
                    len: Box::new(i64c(4)),
                },
                arr(Type::I64),
            ),
        ),
        st(StmtKind::Assign {
            place: Place::Index {
                array: Box::new(a()),
                index: Box::new(i64c(2)),
            },
            value: i64c(7),
        }),
        compound(
            Place::Index {
                array: Box::new(a()),
                index: Box::new(i64c(2)),
            },
            BinaryOp::Add,
            i64c(5),
        ),
        let_(
            1,
            ex(
                ExprKind::ArrayLit(vec![i64c(1), i64c(2), i64c(3)]),
                arr(Type::I64),
            ),
        ),
        let_(2, ex(ExprKind::ArrayLit(long), arr(Type::I64))),
        ret(Some(bin(
            BinaryOp::Add,
            bin(
                BinaryOp::Add,
                index(a(), i64c(2), Type::I64),
                index(local(1, arr(Type::I64)), i64c(2), Type::I64),
            ),
            bin(
                BinaryOp::Add,
                builtin(Builtin::Len, vec![local(2, arr(Type::I64))], Type::I64),
                index(local(2, arr(Type::I64)), i64c(99), Type::I64),
            ),
        ))),
    ];
    let prog = program(vec![func(
        "f",
        &[],
        Type::I64,
        &[
            ("a", arr(Type::I64)),
            ("b", arr(Type::I64)),
            ("c", arr(Type::I64)),
        ],
        body,
    )]);
    let m = verified(&prog);
    let code = ops(&m, 0);
    assert!(code.contains(&Opcode::ArrayLit) && code.contains(&Opcode::ArrayNew));
    assert_eq!(run(&m, 0, vec![]).0, Val::I(12 + 3 + 100 + 99));
}

/// Globals: set in `<init>`, read and compound-assigned in a function.
#[test]
fn globals_run() {
    let g = || ex(ExprKind::Global(GlobalId(0)), Type::I64);
    let init = func(
        "<init>",
        &[],
        Type::Void,
        &[],
        vec![st(StmtKind::Assign {
            place: Place::Global(GlobalId(0)),
            value: i64c(40),
        })],
    );
    let f = func(
        "f",
        &[],
        Type::I64,
        &[],
        vec![
            compound(Place::Global(GlobalId(0)), BinaryOp::Add, i64c(2)),
            ret(Some(g())),
        ],
    );
    let mut p = program(vec![init, f]);
    p.globals.push(GlobalDef {
        name: "counter".into(),
        ty: Type::I64,
        span: sp(0),
    });
    let m = verified(&p);
    assert_eq!(m.init, 0);
    assert_eq!(run(&m, 1, vec![]).0, Val::I(42));
}

/// while with break/continue, for with continue, ternary, && / || as values and conditions.
#[test]
fn control_flow_runs() {
    let i = || local(0, Type::I64);
    let s = || local(1, Type::I64);
    let j = || local(2, Type::I64);
    let b = || local(3, Type::Bool);
    let body = vec![
        let_(1, i64c(0)),
        let_(0, i64c(0)),
        // while (true) { i++; if (i > 10) break; if (i % 2 == 0) continue; s += i; }
        st(StmtKind::While {
            cond: boolc(true),
            body: vec![
                compound(Place::Local(LocalId(0)), BinaryOp::Add, i64c(1)),
                st(StmtKind::If {
                    cond: bin(BinaryOp::Gt, i(), i64c(10)),
                    then_body: vec![st(StmtKind::Break)],
                    else_body: vec![],
                }),
                st(StmtKind::If {
                    cond: bin(BinaryOp::Eq, bin(BinaryOp::Rem, i(), i64c(2)), i64c(0)),
                    then_body: vec![st(StmtKind::Continue)],
                    else_body: vec![],
                }),
                compound(Place::Local(LocalId(1)), BinaryOp::Add, i()),
            ],
        }),
        // for (j = 0; j < 5; j++) { if (j == 2 || j == 3) continue; s += 100; }
        for_upto(
            2,
            i64c(5),
            vec![
                st(StmtKind::If {
                    cond: bin(
                        BinaryOp::Or,
                        bin(BinaryOp::Eq, j(), i64c(2)),
                        bin(BinaryOp::Eq, j(), i64c(3)),
                    ),
                    then_body: vec![st(StmtKind::Continue)],
                    else_body: vec![],
                }),
                compound(Place::Local(LocalId(1)), BinaryOp::Add, i64c(100)),
            ],
        ),
        let_(
            3,
            bin(
                BinaryOp::And,
                bin(BinaryOp::Gt, s(), i64c(0)),
                unary(UnaryOp::Not, boolc(false)),
            ),
        ),
        assign(3, bin(BinaryOp::Eq, b(), boolc(true))),
        ret(Some(ternary(b(), bin(BinaryOp::Add, s(), i64c(1000)), s()))),
    ];
    let prog = program(vec![func(
        "f",
        &[],
        Type::I64,
        &[
            ("i", Type::I64),
            ("s", Type::I64),
            ("j", Type::I64),
            ("b", Type::Bool),
        ],
        body,
    )]);
    let m = verified(&prog);
    assert_eq!(run(&m, 0, vec![]).0, Val::I(1 + 3 + 5 + 7 + 9 + 300 + 1000));
}

/// The step and condition of `for (i = 0; i < n; i++)` are one fused `INCR_JLT` at the bottom
/// of the loop; the entry tests the condition with the negated branch (`JGE`) instead of
/// jumping to it.
#[test]
fn for_loop_uses_fused_branch() {
    let body = vec![
        let_(2, i64c(0)),
        for_upto(
            1,
            local(0, Type::I64),
            vec![compound(
                Place::Local(LocalId(2)),
                BinaryOp::Add,
                local(1, Type::I64),
            )],
        ),
        ret(Some(local(2, Type::I64))),
    ];
    let f = func(
        "sum",
        &[("n", Type::I64)],
        Type::I64,
        &[("i", Type::I64), ("s", Type::I64)],
        body,
    );
    let m = verified(&program(vec![f]));
    let code = ops(&m, 0);
    assert_eq!(
        code.iter().filter(|o| **o == Opcode::IncrJlt).count(),
        1,
        "{code:?}"
    );
    assert_eq!(code.iter().filter(|o| **o == Opcode::Jge).count(), 1);
    assert!(!code.contains(&Opcode::Jmp) && !code.contains(&Opcode::Jlt));
    assert!(!code.contains(&Opcode::Lt) && !code.contains(&Opcode::JTrue));
    assert!(!code.contains(&Opcode::AddI64Ri), "{code:?}");
    assert_eq!(run(&m, 0, vec![Val::I(10)]).0, Val::I(45));
    assert_eq!(run(&m, 0, vec![Val::I(0)]).0, Val::I(0));
    assert_eq!(run(&m, 0, vec![Val::I(-5)]).0, Val::I(0));
    // A constant bound becomes the RI form: i < 100.
    let body = vec![
        let_(1, i64c(0)),
        for_upto(
            0,
            i64c(100),
            vec![compound(Place::Local(LocalId(1)), BinaryOp::Add, i64c(1))],
        ),
        ret(Some(local(1, Type::I64))),
    ];
    let f = func(
        "count",
        &[],
        Type::I64,
        &[("i", Type::I64), ("s", Type::I64)],
        body,
    );
    let m = verified(&program(vec![f]));
    let code = ops(&m, 0);
    assert!(code.contains(&Opcode::IncrJltRi), "{code:?}");
    assert!(code.contains(&Opcode::JgeRi), "{code:?}");
    assert_eq!(run(&m, 0, vec![]).0, Val::I(100));
}

/// Function values and indirect calls.
#[test]
fn function_values_run() {
    let sig = FnType {
        params: vec![Type::I64],
        ret: Type::I64,
    };
    let fty = Type::Fn(Box::new(sig));
    let double = func(
        "double",
        &[("x", Type::I64)],
        Type::I64,
        &[],
        vec![ret(Some(bin(BinaryOp::Mul, local(0, Type::I64), i64c(2))))],
    );
    let apply = func(
        "apply",
        &[("x", Type::I64)],
        Type::I64,
        &[("f", fty.clone())],
        vec![
            let_(1, ex(ExprKind::FuncRef(FuncId(0)), fty.clone())),
            ret(Some(ex(
                ExprKind::CallIndirect {
                    callee: Box::new(local(1, fty)),
                    args: vec![local(0, Type::I64)],
                },
                Type::I64,
            ))),
        ],
    );
    let m = verified(&program(vec![double, apply]));
    assert!(ops(&m, 1).contains(&Opcode::CallIndirect));
    assert_eq!(run(&m, 1, vec![Val::I(21)]).0, Val::I(42));
}

/// Built-in overloads are picked from argument types; dataflow built-ins use the bridge ops.
#[test]
fn builtins_select_overloads() {
    let tr = Type::TableRef;
    let nr = Type::NodeRef;
    let strs = |v: &[&str]| {
        ex(
            ExprKind::ArrayLit(v.iter().map(|s| strc(s)).collect()),
            arr(Type::String),
        )
    };
    let f32c = ex(ExprKind::Float(2.0), Type::F32);
    let body = vec![
        print(vec![
            builtin(Builtin::Sqrt, vec![f32c.clone()], Type::F32),
            builtin(Builtin::Sqrt, vec![f64c(2.0)], Type::F64),
            builtin(
                Builtin::Min,
                vec![intc(1, Type::I32), intc(2, Type::I32)],
                Type::I32,
            ),
            builtin(Builtin::Abs, vec![intc(-1, Type::I8)], Type::I8),
            builtin(Builtin::ToString, vec![f64c(1.0)], Type::String),
            builtin(Builtin::Len, vec![strc("abc")], Type::I64),
        ]),
        expr_stmt(builtin(
            Builtin::Assert,
            vec![boolc(true), strc("ok")],
            Type::Void,
        )),
        let_(
            0,
            builtin(Builtin::ReadCsv, vec![strc("a.csv")], tr.clone()),
        ),
        let_(
            1,
            builtin(
                Builtin::Filter,
                vec![local(0, tr.clone()), strc("x > 1")],
                nr.clone(),
            ),
        ),
        assign(
            1,
            builtin(
                Builtin::Join,
                vec![
                    local(1, nr.clone()),
                    local(0, tr.clone()),
                    strc("a = b"),
                    strc("left"),
                ],
                nr.clone(),
            ),
        ),
        assign(
            1,
            builtin(
                Builtin::Limit,
                vec![local(1, nr.clone()), i64c(10), i64c(5)],
                nr.clone(),
            ),
        ),
        assign(
            1,
            builtin(
                Builtin::Project,
                vec![local(1, nr.clone()), strs(&["a", "b"])],
                nr.clone(),
            ),
        ),
        print(vec![builtin(
            Builtin::Explain,
            vec![local(1, nr.clone())],
            Type::String,
        )]),
        assign(
            0,
            builtin(Builtin::Materialize, vec![local(1, nr.clone())], tr.clone()),
        ),
        print(vec![local(0, tr.clone())]),
    ];
    let prog = program(vec![func(
        "f",
        &[],
        Type::Void,
        &[("t", tr), ("n", nr)],
        body,
    )]);
    let m = verified(&prog);
    let names: Vec<&str> = m.builtins.iter().map(|b| b.name()).collect();
    // `sqrt` of an f64 is the `SQRT_F64` opcode, not a table entry.
    assert_eq!(
        names,
        ["sqrt_f32", "min_i32", "abs_i8", "assert", "read_csv"]
    );
    let code = ops(&m, 0);
    for op in [
        Opcode::ToString,
        Opcode::StrLen,
        Opcode::SqrtF64,
        Opcode::DfNode,
        Opcode::DfExplain,
        Opcode::DfMaterialize,
        Opcode::PrintValue,
        Opcode::PrintF32,
    ] {
        assert!(code.contains(&op), "{}", op.mnemonic());
    }
    let kinds: Vec<i32> = m.functions[0]
        .code
        .iter()
        .filter(|i| i.op == Opcode::DfNode)
        .map(|i| i.imm)
        .collect();
    use theta::bytecode::DfNodeKind as K;
    assert_eq!(
        kinds,
        [
            K::Filter as i32,
            K::JoinKind as i32,
            K::LimitOffset as i32,
            K::Project as i32
        ]
    );
}

/// `main` info, exports, determinism of the bytes, and the debug tables.
#[test]
fn header_debug_info_and_determinism() {
    let main = func(
        "main",
        &[],
        Type::I32,
        &[("code", Type::I32)],
        vec![
            let_(0, intc(3, Type::I32)),
            Stmt {
                kind: StmtKind::Return(Some(local(0, Type::I32))),
                span: sp(9), // "line two" starts at byte 9
            },
        ],
    );
    let mut p = program(vec![main]);
    p.main = Some(MainFn {
        func: FuncId(0),
        takes_args: false,
        returns: ReturnKind::I32,
    });
    let m = verified(&p);
    let info = m.main.expect("main");
    assert_eq!(
        (info.func, info.takes_args, info.returns),
        (0, false, MainReturn::I32)
    );
    assert_eq!(m.init, 1);
    assert_eq!(m.source_files, vec!["test.theta".to_string()]);
    assert!(m.exports.iter().any(|e| e.name == "main"));
    let f = &m.functions[0];
    let last = f.code.len() as u32 - 1;
    let pos = f.debug.position(last).expect("position of RET");
    assert_eq!((pos.line, pos.col), (2, 1));
    let first = f.debug.position(0).expect("position of pc 0");
    assert_eq!((first.line, first.col), (2, 2)); // byte 10: the expression span
    assert_eq!(f.debug.reg_name(f.code[0].a, 0), Some("code"));
    assert_eq!(compile_program(&p).unwrap().to_bytes(), m.to_bytes());
}

/// Disassembly of a small loop function (insta snapshot).
#[test]
fn disassembly_of_sum_loop() {
    let body = vec![
        let_(2, i64c(0)),
        for_upto(
            1,
            local(0, Type::I64),
            vec![compound(
                Place::Local(LocalId(2)),
                BinaryOp::Add,
                bin(BinaryOp::Mul, local(1, Type::I64), local(1, Type::I64)),
            )],
        ),
        print(vec![strc("sum"), local(2, Type::I64)]),
        ret(Some(local(2, Type::I64))),
    ];
    let f = func(
        "sum_squares",
        &[("n", Type::I64)],
        Type::I64,
        &[("i", Type::I64), ("s", Type::I64)],
        body,
    );
    let m = verified(&program(vec![f]));
    insta::assert_snapshot!(disassemble(&m));
}

/// Disassembly of a struct + array + call program (insta snapshot).
#[test]
fn disassembly_of_structs_and_calls() {
    let pt = Type::Struct(StructId(0));
    let lit = ex(
        ExprKind::StructLit {
            struct_id: StructId(0),
            fields: vec![(1, i64c(2)), (0, i64c(1))],
        },
        pt.clone(),
    );
    let prog = point_program(
        vec![
            let_(0, lit),
            let_(
                1,
                ex(
                    ExprKind::ArrayLit(vec![local(0, pt.clone()), local(0, pt.clone())]),
                    arr(pt.clone()),
                ),
            ),
            print(vec![local(1, arr(pt.clone()))]),
            ret(Some(field(
                index(local(1, arr(pt.clone())), i64c(1), pt.clone()),
                1,
                Type::I64,
            ))),
        ],
        Type::I64,
        &[("p", pt.clone()), ("ps", arr(pt))],
    );
    let m = verified(&prog);
    assert_eq!(run(&m, 0, vec![]).0, Val::I(2));
    insta::assert_snapshot!(disassemble(&m));
}

/// `if (c) break;` inside a loop is one conditional jump to the loop exit: the empty block that
/// only jumps to the exit is not emitted, so no conditional jump is followed by a `JMP`.
#[test]
fn break_on_condition_is_one_branch() {
    let src = "fn f(n: i64) -> i64 {\n    i64 i = 0;\n    while (i < 100) {\n        \
               if ((i * i) as f64 > n as f64) {\n            break;\n        }\n        i++;\n    }\n    \
               return i;\n}\n";
    let m = theta::compile::compile_source("t.theta", src).expect("compiles");
    theta::bytecode::verify(&m).expect("verifies");
    let f = m.functions.iter().position(|f| f.name == "f").unwrap();
    let code = ops(&m, f);
    for w in code.windows(2) {
        assert!(
            !(w[0].mnemonic().starts_with('J') && w[0] != Opcode::Jmp && w[1] == Opcode::Jmp),
            "{code:?}"
        );
    }
    let mut vm = theta::Vm::new(m).expect("loads");
    let r = vm.call("f", &[theta::vm::Value::I64(50)]);
    assert_eq!(r, Ok(theta::vm::Value::I64(8)));
}
