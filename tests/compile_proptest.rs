//! Random integer programs: the compiled code, run on the test interpreter, must compute what a
//! direct Rust evaluation of the same expression computes (lowering + allocation + emission).

mod compile_util;

use compile_util::interp::{Val, run};
use compile_util::*;
use proptest::prelude::*;
use theta::check::hir::{BinaryOp, Expr, ExprKind};
use theta::check::types::Type;
use theta::compile::compile_program;

/// A tiny expression language mirrored into HIR.
#[derive(Clone, Debug)]
enum E {
    Param(u32),
    Lit(i64),
    Bin(u8, Box<E>, Box<E>),
    /// `l < r ? a : b`
    Sel(Box<E>, Box<E>, Box<E>, Box<E>),
    /// `helper(x, y)` = `x * 3 - y`
    Call(Box<E>, Box<E>),
}

const OPS: [BinaryOp; 7] = [
    BinaryOp::Add,
    BinaryOp::Sub,
    BinaryOp::Mul,
    BinaryOp::BitAnd,
    BinaryOp::BitOr,
    BinaryOp::BitXor,
    BinaryOp::Shl,
];

fn arb() -> impl Strategy<Value = E> {
    let leaf = prop_oneof![
        (0u32..3).prop_map(E::Param),
        (-300i64..300).prop_map(E::Lit)
    ];
    leaf.prop_recursive(5, 40, 4, |inner| {
        prop_oneof![
            (0u8..7, inner.clone(), inner.clone()).prop_map(|(o, l, r)| E::Bin(
                o,
                Box::new(l),
                Box::new(r)
            )),
            (inner.clone(), inner.clone(), inner.clone(), inner.clone()).prop_map(
                |(l, r, a, b)| E::Sel(Box::new(l), Box::new(r), Box::new(a), Box::new(b))
            ),
            (inner.clone(), inner).prop_map(|(x, y)| E::Call(Box::new(x), Box::new(y))),
        ]
    })
}

fn eval(e: &E, p: &[i64; 3]) -> i64 {
    match e {
        E::Param(i) => p[*i as usize],
        E::Lit(v) => *v,
        E::Bin(o, l, r) => {
            let (l, r) = (eval(l, p), eval(r, p));
            match OPS[*o as usize] {
                BinaryOp::Add => l.wrapping_add(r),
                BinaryOp::Sub => l.wrapping_sub(r),
                BinaryOp::Mul => l.wrapping_mul(r),
                BinaryOp::BitAnd => l & r,
                BinaryOp::BitOr => l | r,
                BinaryOp::BitXor => l ^ r,
                _ => l << (r & 63),
            }
        }
        E::Sel(l, r, a, b) => {
            if eval(l, p) < eval(r, p) {
                eval(a, p)
            } else {
                eval(b, p)
            }
        }
        E::Call(x, y) => eval(x, p).wrapping_mul(3).wrapping_sub(eval(y, p)),
    }
}

fn hir(e: &E) -> Expr {
    match e {
        E::Param(i) => local(*i, Type::I64),
        E::Lit(v) => i64c(*v),
        E::Bin(o, l, r) => bin(OPS[*o as usize], hir(l), hir(r)),
        E::Sel(l, r, a, b) => ex(
            ExprKind::Ternary {
                cond: Box::new(bin(BinaryOp::Lt, hir(l), hir(r))),
                then_expr: Box::new(hir(a)),
                else_expr: Box::new(hir(b)),
            },
            Type::I64,
        ),
        E::Call(x, y) => call(0, vec![hir(x), hir(y)], Type::I64),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn compiled_expressions_compute_like_rust(e in arb(), a in -50i64..50, b in -50i64..50, c in -50i64..50) {
        let helper = func(
            "helper",
            &[("x", Type::I64), ("y", Type::I64)],
            Type::I64,
            &[],
            vec![ret(Some(bin(BinaryOp::Sub, bin(BinaryOp::Mul, local(0, Type::I64), i64c(3)), local(1, Type::I64))))],
        );
        // The value is also stored in a local and printed, to exercise moves into locals.
        let f = func(
            "f",
            &[("a", Type::I64), ("b", Type::I64), ("c", Type::I64)],
            Type::I64,
            &[("r", Type::I64)],
            vec![let_(3, hir(&e)), print(vec![local(3, Type::I64)]), ret(Some(local(3, Type::I64)))],
        );
        let m = compile_program(&program(vec![helper, f])).expect("compiles");
        prop_assert!(theta::bytecode::verify(&m).is_ok());
        let expect = eval(&e, &[a, b, c]);
        let (v, out) = run(&m, 1, vec![Val::I(a), Val::I(b), Val::I(c)]);
        prop_assert_eq!(v, Val::I(expect));
        prop_assert_eq!(out, format!("{expect}\n"));
    }
}
