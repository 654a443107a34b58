//! Register allocation: reuse, spilling (300 live locals), call argument ranges, coalescing.
//! Programs are checked by running them on the test interpreter (`compile_util::interp`).

mod compile_util;

use compile_util::interp::{Val, run};
use compile_util::*;
use theta::bytecode::{Module, Opcode};
use theta::check::hir::{BinaryOp, LocalId, Place};
use theta::check::types::Type;
use theta::compile::compile_program;
use theta::compile::regalloc::{Loc, allocate};

/// Compiles, then checks the module passes the bytecode verifier and a file round trip.
fn compile(functions: Vec<theta::check::hir::Function>) -> Module {
    let m = compile_program(&program(functions)).expect("compiles");
    if let Err(e) = theta::bytecode::verify(&m) {
        panic!("verify: {e}\n{}", theta::bytecode::disassemble(&m));
    }
    let back = theta::bytecode::load(&m.to_bytes()).expect("loads");
    assert_eq!(back, m);
    m
}

fn ops(m: &Module, f: usize) -> Vec<Opcode> {
    m.functions[f].code.iter().map(|i| i.op).collect()
}

/// `a + 1 + 2 + … + 60` and `((a*3)+b)*3+b…`: every temporary dies at once, so registers are reused.
#[test]
fn long_chain_of_temporaries_uses_few_registers() {
    let mut e = local(0, Type::I64);
    for k in 0..60 {
        let rhs = if k % 2 == 0 {
            local(1, Type::I64)
        } else {
            i64c(k)
        };
        e = bin(
            BinaryOp::Mul,
            bin(BinaryOp::Add, e, rhs),
            local(1, Type::I64),
        );
    }
    let f = func(
        "chain",
        &[("a", Type::I64), ("b", Type::I64)],
        Type::I64,
        &[],
        vec![ret(Some(e))],
    );
    let m = compile(vec![f]);
    assert!(
        m.functions[0].num_registers <= 5,
        "{}",
        m.functions[0].num_registers
    );
    assert_eq!(m.functions[0].num_spill_slots, 0);
    let (v, _) = run(&m, 0, vec![Val::I(2), Val::I(1)]);
    // Same computation in Rust.
    let (mut x, b) = (2i64, 1i64);
    for k in 0..60 {
        let rhs = if k % 2 == 0 { b } else { k };
        x = (x + rhs).wrapping_mul(b);
    }
    assert_eq!(v, Val::I(x));
}

/// 300 locals live at once: more than the 255 registers, so some are spilled (§ ISA frames).
fn many_locals(n: u32, loop_twice: bool) -> theta::check::hir::Function {
    let mut locals: Vec<(String, Type)> = (0..n).map(|k| (format!("x{k}"), Type::I64)).collect();
    locals.push(("total".into(), Type::I64));
    locals.push(("i".into(), Type::I64));
    let total = 1 + n; // local id (param a is 0)
    let i = 2 + n;
    let mut body = Vec::new();
    for k in 0..n {
        // xk = a * k + k
        body.push(let_(
            1 + k,
            bin(
                BinaryOp::Add,
                bin(BinaryOp::Mul, local(0, Type::I64), i64c(k as i64)),
                i64c(k as i64),
            ),
        ));
    }
    body.push(let_(total, i64c(0)));
    let adds: Vec<_> = (0..n)
        .map(|k| {
            compound(
                Place::Local(LocalId(total)),
                BinaryOp::Add,
                local(1 + k, Type::I64),
            )
        })
        .collect();
    if loop_twice {
        body.push(for_upto(i, i64c(2), adds));
    } else {
        body.extend(adds);
    }
    body.push(ret(Some(local(total, Type::I64))));
    let refs: Vec<(&str, Type)> = locals
        .iter()
        .map(|(n, t)| (n.as_str(), t.clone()))
        .collect();
    func("many", &[("a", Type::I64)], Type::I64, &refs, body)
}

#[test]
fn three_hundred_live_locals_spill_and_run() {
    let m = compile(vec![many_locals(300, false)]);
    let f = &m.functions[0];
    assert!(f.num_spill_slots > 0, "expected spilling");
    assert!(f.num_registers <= 256);
    let code = ops(&m, 0);
    assert!(code.contains(&Opcode::Spill) && code.contains(&Opcode::Reload));
    let (v, _) = run(&m, 0, vec![Val::I(3)]);
    let expect: i64 = (0..300).map(|k| 3 * k + k).sum();
    assert_eq!(v, Val::I(expect));
}

#[test]
fn spilled_values_survive_a_loop() {
    let m = compile(vec![many_locals(300, true)]);
    assert!(m.functions[0].num_spill_slots > 0);
    let (v, _) = run(&m, 0, vec![Val::I(5)]);
    let expect: i64 = 2 * (0..300).map(|k| 5 * k + k).sum::<i64>();
    assert_eq!(v, Val::I(expect));
}

#[test]
fn fewer_locals_than_registers_do_not_spill() {
    let m = compile(vec![many_locals(200, false)]);
    assert_eq!(m.functions[0].num_spill_slots, 0);
    let (v, _) = run(&m, 0, vec![Val::I(1)]);
    assert_eq!(v, Val::I((0..200).map(|k| 2 * k).sum()));
}

/// `g(c, a, b + 1)`: the three arguments sit in consecutive registers named by CALL's b/c.
/// (`g` declares a local first: a body of one `return` would be inlined, leaving no call.)
#[test]
fn call_arguments_are_consecutive() {
    let g = func(
        "g",
        &[("x", Type::I64), ("y", Type::I64), ("z", Type::I64)],
        Type::I64,
        &[("t", Type::I64)],
        vec![
            let_(3, i64c(0)),
            ret(Some(bin(
                BinaryOp::Sub,
                bin(BinaryOp::Mul, local(0, Type::I64), i64c(100)),
                bin(BinaryOp::Add, local(1, Type::I64), local(2, Type::I64)),
            ))),
        ],
    );
    let f = func(
        "f",
        &[("a", Type::I64), ("b", Type::I64), ("c", Type::I64)],
        Type::I64,
        &[],
        vec![ret(Some(call(
            0,
            vec![
                local(2, Type::I64),
                local(0, Type::I64),
                bin(BinaryOp::Add, local(1, Type::I64), i64c(1)),
            ],
            Type::I64,
        )))],
    );
    let m = compile(vec![g, f]);
    let callins = m.functions[1]
        .code
        .iter()
        .find(|i| i.op == Opcode::Call)
        .expect("a CALL");
    assert_eq!(callins.c, 3);
    assert_eq!(callins.imm, 0);
    assert!(callins.b >= 1 && callins.b as usize + 3 <= m.functions[1].num_registers as usize);
    let (v, _) = run(&m, 1, vec![Val::I(1), Val::I(2), Val::I(3)]);
    assert_eq!(v, Val::I(3 * 100 - (1 + 3)));
}

/// Nested calls inside argument lists: `add(add(1, 2), add(3, add(4, 5)))`.
#[test]
fn nested_call_arguments() {
    let add = func(
        "add",
        &[("x", Type::I64), ("y", Type::I64)],
        Type::I64,
        &[],
        vec![ret(Some(bin(
            BinaryOp::Sub,
            bin(BinaryOp::Mul, local(0, Type::I64), i64c(10)),
            local(1, Type::I64),
        )))],
    );
    let c = |a, b| call(0, vec![a, b], Type::I64);
    let e = c(c(i64c(1), i64c(2)), c(i64c(3), c(i64c(4), i64c(5))));
    let f = func("f", &[], Type::I64, &[], vec![ret(Some(e))]);
    let m = compile(vec![add, f]);
    let (v, _) = run(&m, 1, vec![]);
    let add = |x: i64, y: i64| x * 10 - y;
    assert_eq!(v, Val::I(add(add(1, 2), add(3, add(4, 5)))));
}

/// `x = x + 1` targets x's register directly: one ADD_I64_RI with a == b and no MOV.
#[test]
fn increment_is_coalesced() {
    let f = func(
        "inc",
        &[("a", Type::I64)],
        Type::I64,
        &[("x", Type::I64)],
        vec![
            let_(1, local(0, Type::I64)),
            assign(1, bin(BinaryOp::Add, local(1, Type::I64), i64c(1))),
            ret(Some(local(1, Type::I64))),
        ],
    );
    let m = compile(vec![f]);
    let code = &m.functions[0].code;
    assert!(!code.iter().any(|i| i.op == Opcode::Mov), "{code:?}");
    let add: Vec<_> = code.iter().filter(|i| i.op == Opcode::AddI64Ri).collect();
    assert_eq!(add.len(), 1);
    assert_eq!(add[0].a, add[0].b);
    assert_eq!(add[0].imm, 1);
    assert_eq!(run(&m, 0, vec![Val::I(41)]).0, Val::I(42));
}

/// Parameters stay in r2.. and are never spilled; values get registers ≥ 1.
#[test]
fn parameters_are_precoloured() {
    let f = many_locals(300, false);
    let ir = theta::compile::lower::lower_function(&program(vec![]), &f).unwrap();
    let alloc = allocate(&ir).unwrap();
    assert_eq!(alloc.loc(ir.params[0]), Some(Loc::Reg(2)));
    for v in 0..ir.vregs.len() {
        if let Some(Loc::Reg(r)) = alloc.loc(theta::compile::ir::VReg(v as u32)) {
            assert!((1..=252).contains(&r), "r{r}");
        }
    }
    assert_eq!(alloc.scratch, Some([253, 254, 255]));
}

/// Recursion through the calling convention: fib(20).
#[test]
fn recursive_fib_runs() {
    let n = || local(0, Type::I64);
    let fib = func(
        "fib",
        &[("n", Type::I64)],
        Type::I64,
        &[],
        vec![
            st(theta::check::hir::StmtKind::If {
                cond: bin(BinaryOp::Lt, n(), i64c(2)),
                then_body: vec![ret(Some(n()))],
                else_body: vec![],
            }),
            ret(Some(bin(
                BinaryOp::Add,
                call(0, vec![bin(BinaryOp::Sub, n(), i64c(1))], Type::I64),
                call(0, vec![bin(BinaryOp::Sub, n(), i64c(2))], Type::I64),
            ))),
        ],
    );
    let m = compile(vec![fib]);
    assert_eq!(run(&m, 0, vec![Val::I(20)]).0, Val::I(6765));
}

/// 248 locals live across a loop that multiplies them by eight hoisted 64-bit literals: the
/// registers run out, and the constants are spilled (one `SPILL` each at entry, a `RELOAD` per
/// use — what loading them in place would cost) rather than the locals, whose every definition
/// would also store.
#[test]
fn hoisted_constants_are_spilled_before_variables() {
    const N: i64 = 248;
    let mut src = String::from("fn h(n: i64) -> i64 {\n");
    for k in 0..N {
        src.push_str(&format!("    i64 v{k} = {k} + n;\n"));
    }
    src.push_str("    i64 s = 0;\n    for (i64 i = 0; i < n; i++) {\n");
    for k in 0..N {
        let c = 10_000_000_000 + k % 8;
        src.push_str(&format!("        s = (s + v{k} * {c}) % 1000003;\n"));
    }
    src.push_str("    }\n");
    for k in 0..N {
        src.push_str(&format!("    s = (s * 31 + v{k}) % 1000000007;\n"));
    }
    src.push_str("    return s;\n}\n");
    let m = theta::compile::compile_source("consts.theta", &src).expect("compiles");
    let text = theta::bytecode::disassemble(&m);
    let code = &m.functions[0].code;
    let spills: Vec<usize> = (0..code.len())
        .filter(|&pc| code[pc].op == Opcode::Spill)
        .collect();
    assert_eq!(spills.len(), 8, "{text}");
    for pc in spills {
        assert_eq!(code[pc - 1].op, Opcode::LoadConstI64, "{text}");
    }
    let mut vm = theta::Vm::new(m).expect("verifies");
    for n in [0i64, 1, 3] {
        let v: Vec<i64> = (0..N).map(|k| k + n).collect();
        let mut s = 0i64;
        for _ in 0..n {
            for (k, x) in v.iter().enumerate() {
                s = (s + x * (10_000_000_000 + k as i64 % 8)) % 1000003;
            }
        }
        let want = v.iter().fold(s, |s, x| (s * 31 + x) % 1000000007);
        assert_eq!(
            vm.call("h", &[theta::vm::Value::I64(n)]),
            Ok(theta::vm::Value::I64(want))
        );
    }
}
