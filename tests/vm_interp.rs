//! Interpreter tests on hand-assembled modules: calls, recursion, loops, objects, printing,
//! globals, spills, and the limits (§10 traps are in `vm_traps.rs`).

use theta::bytecode::VType::{self, Bool, F64, I64, Str};
use theta::bytecode::{
    BuiltinOp, FunctionBuilder, MainInfo, MainReturn, Module, ModuleBuilder, Opcode as O,
};
use theta::vm::{Limits, StructValue, Value, Vm};

/// A module with an empty `<init>` (function 0) plus whatever `build` adds.
fn module(build: impl FnOnce(&mut ModuleBuilder)) -> Module {
    let mut mb = ModuleBuilder::new();
    mb.source_file("t.theta");
    let init = mb.function("<init>", vec![], None, |f| {
        f.op(O::RetVoid, 0, 0, 0, 0);
    });
    mb.set_init(init);
    build(&mut mb);
    mb.finish().expect("module builds")
}

fn vm(m: Module) -> Vm {
    let mut vm = Vm::new(m).unwrap_or_else(|e| panic!("verify: {e}"));
    vm.capture_output();
    vm
}

/// `fn fib(n: i64) -> i64 { if (n < 2) { return n; } return fib(n - 1) + fib(n - 2); }`
fn add_fib(mb: &mut ModuleBuilder) -> u32 {
    let fib = mb.declare("fib", vec![I64], Some(I64));
    let mut f = FunctionBuilder::new(1);
    f.at(0, 1, 1);
    let rec = f.new_label();
    f.jump(O::JgeRi, 2, 2, rec);
    f.op(O::Ret, 0, 2, 0, 0);
    f.bind(rec);
    f.op(O::SubI64Ri, 16, 2, 0, 1);
    f.op(O::Call, 17, 16, 1, fib as i32);
    f.op(O::SubI64Ri, 16, 2, 0, 2);
    f.op(O::Call, 18, 16, 1, fib as i32);
    f.op(O::AddI64, 1, 17, 18, 0);
    f.op(O::Ret, 0, 1, 0, 0);
    mb.define(fib, f);
    fib
}

#[test]
fn recursive_fib_through_host_call() {
    let mut vm = vm(module(|mb| {
        add_fib(mb);
    }));
    assert_eq!(vm.call("fib", &[Value::I64(20)]), Ok(Value::I64(6765)));
    assert_eq!(vm.call("fib", &[Value::I64(1)]), Ok(Value::I64(1)));
    let stats = vm.stats();
    assert_eq!(stats.calls, 0, "fib(1) makes no nested call");
    vm.call("fib", &[Value::I64(10)]).unwrap();
    assert_eq!(vm.stats().calls, 176, "fib(10) makes 176 nested calls");
}

/// `fn sum(n: i64) -> i64 { i64 s = 0; for (i64 i = 0; i < n; i++) { s += i; } return s; }`
fn add_sum(mb: &mut ModuleBuilder) {
    mb.function("sum", vec![I64], Some(I64), |f| {
        let top = f.new_label();
        let done = f.new_label();
        f.op(O::LoadImm, 16, 0, 3, 0); // s = 0 (kind i64)
        f.op(O::LoadImm, 17, 0, 3, 0); // i = 0
        f.jump(O::Jge, 17, 2, done);
        f.bind(top);
        f.op(O::AddI64, 16, 16, 17, 0);
        f.op(O::AddI64Ri, 17, 17, 0, 1);
        f.jump(O::Jlt, 17, 2, top);
        f.bind(done);
        f.op(O::Ret, 0, 16, 0, 0);
    });
}

#[test]
fn loop_with_fused_compare_and_branch() {
    let mut vm = vm(module(add_sum));
    assert_eq!(vm.call("sum", &[Value::I64(1000)]), Ok(Value::I64(499500)));
    assert_eq!(vm.call("sum", &[Value::I64(0)]), Ok(Value::I64(0)));
    assert_eq!(vm.stats().instructions, 4);
}

#[test]
fn deep_recursion_within_the_default_frame_limit_does_not_overflow_natively() {
    // fn down(n: i64) -> i64 { if (n == 0) { return 0; } return down(n - 1) + 1; }
    let mut vm = vm(module(|mb| {
        let down = mb.declare("down", vec![I64], Some(I64));
        let mut f = FunctionBuilder::new(1);
        let rec = f.new_label();
        f.jump(O::JneRi, 2, 0, rec);
        f.op(O::Ret, 0, 2, 0, 0);
        f.bind(rec);
        f.op(O::SubI64Ri, 16, 2, 0, 1);
        f.op(O::Call, 17, 16, 1, down as i32);
        f.op(O::AddI64Ri, 1, 17, 0, 1);
        f.op(O::Ret, 0, 1, 0, 0);
        mb.define(down, f);
    }));
    assert_eq!(
        vm.call("down", &[Value::I64(99_990)]),
        Ok(Value::I64(99_990))
    );
    let t = vm.call("down", &[Value::I64(100_000)]).unwrap_err();
    assert_eq!(t.code(), "T0004");
    vm.set_limits(Limits {
        max_frames: 200_000,
        ..Limits::default()
    });
    assert_eq!(
        vm.call("down", &[Value::I64(150_000)]),
        Ok(Value::I64(150_000))
    );
}

#[test]
fn print_ops_format_every_kind_of_value() {
    let mut vm = vm(module(|mb| {
        let pt = mb.add_struct("Point", &[("x", F64), ("y", F64)]);
        let pt_ty = mb.type_index(VType::Struct(pt));
        let arr_ty = mb.type_index(VType::array(I64));
        let strs_ty = mb.type_index(VType::array(Str));
        let pts_ty = mb.type_index(VType::array(VType::Struct(pt)));
        let one = mb.const_f64(1.0);
        let two = mb.const_f64(2.5e-7);
        let hello = mb.string("héllo");
        let a = mb.string("a");
        let q = mb.string("q\"");
        mb.function("show", vec![], None, |f| {
            f.op(O::LoadImm, 20, 0, 3, -42);
            f.op(O::PrintInt, 0, 20, 0, 0);
            f.op(O::PrintSpace, 0, 0, 0, 0);
            f.op(O::LoadConstF64, 21, 0, 0, one);
            f.op(O::PrintF64, 0, 21, 0, 0);
            f.op(O::PrintSpace, 0, 0, 0, 0);
            f.op(O::LoadConstF64, 22, 0, 0, two);
            f.op(O::PrintF64, 0, 22, 0, 0);
            f.op(O::PrintSpace, 0, 0, 0, 0);
            f.op(O::LoadF32, 23, 0, 0, 0.1f32.to_bits() as i32);
            f.op(O::PrintF32, 0, 23, 0, 0);
            f.op(O::PrintSpace, 0, 0, 0, 0);
            f.op(O::LoadImm, 24, 0, 6, 1);
            f.op(O::PrintBool, 0, 24, 0, 0);
            f.op(O::PrintSpace, 0, 0, 0, 0);
            f.op(O::LoadConstStr, 25, 0, 0, hello);
            f.op(O::PrintStr, 0, 25, 0, 0);
            f.op(O::PrintNewline, 0, 0, 0, 0);
            // [1, 2, 3]
            f.op(O::LoadImm, 30, 0, 3, 1);
            f.op(O::LoadImm, 31, 0, 3, 2);
            f.op(O::LoadImm, 32, 0, 3, 3);
            f.op(O::ArrayLit, 33, 30, 3, arr_ty);
            f.op(O::PrintValue, 0, 33, 0, arr_ty);
            f.op(O::PrintSpace, 0, 0, 0, 0);
            // ["a", "q\""]
            f.op(O::LoadConstStr, 34, 0, 0, a);
            f.op(O::LoadConstStr, 35, 0, 0, q);
            f.op(O::ArrayLit, 36, 34, 2, strs_ty);
            f.op(O::PrintValue, 0, 36, 0, strs_ty);
            f.op(O::PrintSpace, 0, 0, 0, 0);
            // Point { x: 1.0, y: 2.5e-7 }
            f.op(O::StructNew, 37, 21, 2, pt as i32);
            f.op(O::PrintValue, 0, 37, 0, pt_ty);
            f.op(O::PrintNewline, 0, 0, 0, 0);
            // new Point[2] with grid[1].y = 1.0
            f.op(O::LoadImm, 38, 0, 3, 2);
            f.op(O::ArrayNew, 39, 38, 0, pts_ty);
            f.op(O::LoadImm, 40, 0, 3, 1);
            f.op(O::ArrayGetRef, 41, 39, 40, 0);
            f.op(O::SetFieldF64, 0, 41, 21, 1);
            f.op(O::PrintValue, 0, 39, 0, pts_ty);
            f.op(O::PrintNewline, 0, 0, 0, 0);
            f.op(O::RetVoid, 0, 0, 0, 0);
        });
    }));
    assert_eq!(vm.call("show", &[]), Ok(Value::Void));
    assert_eq!(
        String::from_utf8(vm.take_output()).unwrap(),
        "-42 1.0 2.5e-7 0.1 true héllo\n\
         [1, 2, 3] [\"a\", \"q\\\"\"] Point { x: 1.0, y: 2.5e-7 }\n\
         [Point { x: 0.0, y: 0.0 }, Point { x: 0.0, y: 1.0 }]\n"
    );
}

#[test]
fn strings_concat_compare_len_and_to_string() {
    let mut vm = vm(module(|mb| {
        let i64_ty = mb.type_index(I64);
        let f64_ty = mb.type_index(F64);
        mb.function("cat", vec![Str, Str], Some(Str), |f| {
            f.op(O::Concat, 1, 2, 3, 0);
            f.op(O::Ret, 0, 1, 0, 0);
        });
        mb.function("lt", vec![Str, Str], Some(Bool), |f| {
            f.op(O::StrLt, 1, 2, 3, 0);
            f.op(O::Ret, 0, 1, 0, 0);
        });
        mb.function("slen", vec![Str], Some(I64), |f| {
            f.op(O::StrLen, 1, 2, 0, 0);
            f.op(O::Ret, 0, 1, 0, 0);
        });
        mb.function("show", vec![I64, F64], Some(Str), |f| {
            f.op(O::ToString, 16, 2, 0, i64_ty);
            f.op(O::ToString, 17, 3, 0, f64_ty);
            f.op(O::Concat, 1, 16, 17, 0);
            f.op(O::Ret, 0, 1, 0, 0);
        });
    }));
    let s = |x: &str| Value::Str(x.into());
    assert_eq!(vm.call("cat", &[s("ab"), s("cd")]), Ok(s("abcd")));
    assert_eq!(vm.call("cat", &[s(""), s("x")]), Ok(s("x")));
    assert_eq!(vm.call("lt", &[s("Z"), s("a")]), Ok(Value::Bool(true)));
    assert_eq!(vm.call("lt", &[s("ab"), s("ab")]), Ok(Value::Bool(false)));
    assert_eq!(vm.call("slen", &[s("héllo")]), Ok(Value::I64(6)));
    assert_eq!(
        vm.call("show", &[Value::I64(-7), Value::F64(1e300)]),
        Ok(s("-71e300"))
    );
}

#[test]
fn globals_spills_and_function_values() {
    let mut vm = vm(module(|mb| {
        let g = mb.add_global("counter", I64);
        let double = mb.function("double", vec![I64], Some(I64), |f| {
            f.op(O::AddI64, 1, 2, 2, 0);
            f.op(O::Ret, 0, 1, 0, 0);
        });
        mb.function("bump", vec![], Some(I64), |f| {
            f.op(O::GetGlobal, 16, 0, 0, g as i32);
            f.op(O::AddI64Ri, 16, 16, 0, 1);
            f.op(O::SetGlobal, 0, 16, 0, g as i32);
            f.op(O::Ret, 0, 16, 0, 0);
        });
        mb.function("apply", vec![I64], Some(I64), |f| {
            f.set_num_spill_slots(1);
            f.op(O::Spill, 0, 2, 0, 0);
            f.op(O::LoadImm, 2, 0, 3, 0);
            f.op(O::Reload, 17, 0, 0, 0);
            f.op(O::LoadFunc, 16, 0, 0, double as i32);
            f.op(O::CallIndirect, 18, 17, 1, 16);
            f.op(O::Ret, 0, 18, 0, 0);
        });
    }));
    assert_eq!(vm.call("bump", &[]), Ok(Value::I64(1)));
    assert_eq!(
        vm.call("bump", &[]),
        Ok(Value::I64(2)),
        "globals persist between calls"
    );
    assert_eq!(vm.call("apply", &[Value::I64(21)]), Ok(Value::I64(42)));
    vm.run_init().unwrap();
    assert_eq!(
        vm.call("bump", &[]),
        Ok(Value::I64(1)),
        "run_init resets globals"
    );
}

#[test]
fn host_values_round_trip_arrays_and_structs() {
    let mut vm = vm(module(|mb| {
        let pt = mb.add_struct("Point", &[("x", F64), ("name", Str)]);
        mb.function(
            "id_pts",
            vec![VType::array(VType::Struct(pt))],
            Some(VType::array(VType::Struct(pt))),
            |f| {
                f.op(O::Ret, 0, 2, 0, 0);
            },
        );
        mb.function(
            "first_x",
            vec![VType::array(VType::Struct(pt))],
            Some(F64),
            |f| {
                f.op(O::LoadImm, 16, 0, 3, 0);
                f.op(O::ArrayGetRef, 17, 2, 16, 0);
                f.op(O::GetFieldF64, 1, 17, 0, 0);
                f.op(O::Ret, 0, 1, 0, 0);
            },
        );
    }));
    let p = |x: f64, n: &str| {
        Value::Struct(StructValue {
            name: "Point".into(),
            fields: vec![
                ("x".into(), Value::F64(x)),
                ("name".into(), Value::Str(n.into())),
            ],
        })
    };
    let arr = Value::Array(vec![p(1.5, "a"), p(-2.0, "b")]);
    assert_eq!(
        vm.call("id_pts", std::slice::from_ref(&arr)),
        Ok(arr.clone())
    );
    assert_eq!(vm.call("first_x", &[arr]), Ok(Value::F64(1.5)));
    assert_eq!(
        vm.call("first_x", &[Value::Array(vec![])])
            .unwrap_err()
            .code(),
        "T0002"
    );
    let e = vm.call("first_x", &[Value::I64(1)]).unwrap_err();
    assert_eq!(e.code(), "T0013");
    assert!(
        e.message.contains("expected Point[], got i64"),
        "{}",
        e.message
    );
    assert_eq!(vm.call("nope", &[]).unwrap_err().code(), "T0013");
    assert_eq!(vm.call("first_x", &[]).unwrap_err().code(), "T0013");
}

fn main_module(returns: MainReturn, body: impl FnOnce(&mut FunctionBuilder)) -> Module {
    module(|mb| {
        let ret = match returns {
            MainReturn::Void => None,
            MainReturn::I32 => Some(VType::I32),
            MainReturn::I64 => Some(I64),
        };
        let main = mb.function("main", vec![VType::array(Str)], ret, body);
        mb.set_main(MainInfo {
            func: main,
            takes_args: true,
            returns,
        });
    })
}

#[test]
fn run_main_passes_args_and_returns_status_mod_256() {
    // main(args) prints its args and returns len(args) - 1 - 256 (so the status wraps).
    let strs = VType::array(Str);
    let mut mb_ty = 0;
    let m = module(|mb| {
        mb_ty = mb.type_index(strs.clone());
        let main = mb.function("main", vec![strs.clone()], Some(I64), |f| {
            f.op(O::PrintValue, 0, 2, 0, mb_ty);
            f.op(O::PrintNewline, 0, 0, 0, 0);
            f.op(O::ArrayLen, 16, 2, 0, 0);
            f.op(O::SubI64Ri, 1, 16, 0, 257);
            f.op(O::Ret, 0, 1, 0, 0);
        });
        mb.set_main(MainInfo {
            func: main,
            takes_args: true,
            returns: MainReturn::I64,
        });
    });
    let mut vm = vm(m);
    assert_eq!(vm.run_main(&["x", "y z"]), Ok(1)); // 2 - 257 mod 256
    assert_eq!(
        String::from_utf8(vm.take_output()).unwrap(),
        "[\"x\", \"y z\"]\n"
    );
    assert_eq!(vm.run_main(&[]), Ok(255)); // -257 mod 256
    let m = main_module(MainReturn::Void, |f| {
        f.op(O::RetVoid, 0, 0, 0, 0);
    });
    assert_eq!(Vm::new(m).unwrap().run_main(&[]), Ok(0));
}

#[test]
fn builtins_math_and_strings() {
    let mut vm = vm(module(|mb| {
        for (name, op, params, ret) in [
            ("sqrt", BuiltinOp::SqrtF64, vec![F64], F64),
            ("pow", BuiltinOp::PowF64, vec![F64, F64], F64),
            ("round32", BuiltinOp::RoundF32, vec![VType::F32], VType::F32),
            ("abs8", BuiltinOp::AbsI8, vec![VType::I8], VType::I8),
            ("min64", BuiltinOp::MinI64, vec![I64, I64], I64),
            ("maxf", BuiltinOp::MaxF64, vec![F64, F64], F64),
            ("substr", BuiltinOp::Substr, vec![Str, I64, I64], Str),
            ("parse_i64", BuiltinOp::ParseI64, vec![Str], I64),
            ("parse_f64", BuiltinOp::ParseF64, vec![Str], F64),
            ("byte_at", BuiltinOp::ByteAt, vec![Str, I64], I64),
            (
                "from_bytes",
                BuiltinOp::FromBytes,
                vec![VType::array(I64)],
                Str,
            ),
            ("find", BuiltinOp::StringFind, vec![Str, Str, I64], I64),
        ] {
            let b = mb.builtin(op);
            let n = params.len() as u8;
            mb.function(name, params, Some(ret), |f| {
                f.op(O::CallBuiltin, 1, 2, n, b);
                f.op(O::Ret, 0, 1, 0, 0);
            });
        }
    }));
    let s = |x: &str| Value::Str(x.into());
    assert_eq!(vm.call("sqrt", &[Value::F64(2.25)]), Ok(Value::F64(1.5)));
    assert_eq!(
        vm.call("pow", &[Value::F64(2.0), Value::F64(10.0)]),
        Ok(Value::F64(1024.0))
    );
    assert_eq!(
        vm.call("round32", &[Value::F32(-2.5)]),
        Ok(Value::F32(-3.0))
    );
    assert_eq!(vm.call("abs8", &[Value::I8(-128)]), Ok(Value::I8(-128)));
    assert_eq!(
        vm.call("min64", &[Value::I64(-3), Value::I64(2)]),
        Ok(Value::I64(-3))
    );
    assert_eq!(
        vm.call("maxf", &[Value::F64(f64::NAN), Value::F64(2.0)]),
        Ok(Value::F64(2.0))
    );
    assert_eq!(
        vm.call("substr", &[s("héllo"), Value::I64(3), Value::I64(3)]),
        Ok(s("llo"))
    );
    assert_eq!(
        vm.call("substr", &[s("abc"), Value::I64(3), Value::I64(0)]),
        Ok(s(""))
    );
    assert_eq!(vm.call("parse_i64", &[s("-17")]), Ok(Value::I64(-17)));
    assert_eq!(vm.call("parse_f64", &[s("2.5e3")]), Ok(Value::F64(2500.0)));
    assert_eq!(
        vm.call("byte_at", &[s("é"), Value::I64(1)]),
        Ok(Value::I64(0xA9))
    );
    let bytes = Value::Array(vec![Value::I64(104), Value::I64(105)]);
    assert_eq!(vm.call("from_bytes", &[bytes]), Ok(s("hi")));
    assert_eq!(
        vm.call("find", &[s("banana"), s("na"), Value::I64(3)]),
        Ok(Value::I64(4))
    );
}

#[test]
fn temporary_strings_in_a_loop_are_collected_under_a_memory_limit() {
    // fn churn(n: i64) -> i64 {
    //     i64 i = 0; while (i < n) { string t = to_string(i) + "-xxx…"; i++; } return i; }
    let mut vm = vm(module(|mb| {
        let i64_ty = mb.type_index(I64);
        let x = mb.string(&format!("-{}", "x".repeat(100)));
        mb.function("churn", vec![I64], Some(I64), |f| {
            let top = f.new_label();
            let done = f.new_label();
            f.op(O::LoadImm, 16, 0, 3, 0);
            f.op(O::LoadConstStr, 18, 0, 0, x);
            f.bind(top);
            f.jump(O::Jge, 16, 2, done);
            f.op(O::ToString, 17, 16, 0, i64_ty);
            f.op(O::Concat, 17, 17, 18, 0);
            f.op(O::AddI64Ri, 16, 16, 0, 1);
            f.jump(O::Jmp, 0, 0, top);
            f.bind(done);
            f.op(O::Ret, 0, 16, 0, 0);
        });
    }));
    vm.set_limits(Limits {
        max_memory: Some(4 << 20),
        ..Limits::default()
    });
    // About 30 MB of temporaries in all, never more than the limit alive.
    assert_eq!(
        vm.call("churn", &[Value::I64(200_000)]),
        Ok(Value::I64(200_000))
    );
    let stats = vm.stats();
    assert!(stats.collections > 0, "{stats:?}");
    assert!(stats.peak_memory <= 4 << 20, "{stats:?}");
}

/// The interpreter fetches instructions unchecked on the verifier's word, so no public
/// constructor may hand it an unverified module: a jump out of the function, code that falls
/// off its end and an empty function are refused by `Vm::new` and `Vm::shared`.
#[test]
fn every_public_vm_constructor_refuses_modules_the_verifier_rejects() {
    use std::sync::Arc;
    let good = module(add_sum);
    let sum = good
        .functions
        .iter()
        .position(|f| f.name == "sum")
        .expect("sum is defined");
    let last = good.functions[sum].code.len() - 1;

    let mut jump_out = good.clone();
    let j = jump_out.functions[sum]
        .code
        .iter()
        .position(|i| i.op == O::Jlt)
        .expect("the loop's back edge");
    jump_out.functions[sum].code[j].imm = 1_000;
    let mut falls_off = good.clone();
    falls_off.functions[sum].code[last].op = O::Nop;
    let mut empty = good.clone();
    empty.functions[sum].code.clear();
    for bad in [jump_out, falls_off, empty] {
        assert!(Vm::new(bad.clone()).is_err());
        assert!(Vm::shared(Arc::new(bad)).is_err());
    }

    let shared = Arc::new(good);
    let mut a = Vm::shared(shared.clone()).expect("verifies");
    let mut b = Vm::shared(shared).expect("verifies");
    assert_eq!(a.call("sum", &[Value::I64(10)]), Ok(Value::I64(45)));
    assert_eq!(b.call("sum", &[Value::I64(100)]), Ok(Value::I64(4950)));
}

#[test]
fn frame_limit_counts_the_running_function_and_returns_restore_callers() {
    let mut vm = vm(module(|mb| {
        add_fib(mb);
    }));
    // fib(25) recurses 25 deep and makes 242,785 calls; each return re-derives its caller's
    // window and the result register from the call instruction.
    assert_eq!(vm.call("fib", &[Value::I64(25)]), Ok(Value::I64(75025)));
    assert_eq!(vm.stats().calls, 242_785 - 1);
    vm.set_limits(Limits {
        max_frames: 3,
        ..Limits::default()
    });
    // fib(3) nests 3 deep (fib(3) -> fib(2) -> fib(1)): at the limit; fib(4) nests 4.
    assert_eq!(vm.call("fib", &[Value::I64(3)]), Ok(Value::I64(2)));
    let t = vm.call("fib", &[Value::I64(4)]).unwrap_err();
    assert_eq!(t.code(), "T0004");
}

/// The unbudgeted loop counts instructions only at control transfers (calls, returns, taken
/// jumps); the budgeted one counts every instruction. Both must agree exactly, across nested
/// calls and loops.
#[test]
fn instruction_counts_agree_with_and_without_a_budget() {
    let build = || {
        vm(module(|mb| {
            add_fib(mb);
            add_sum(mb);
        }))
    };
    let mut free = build();
    assert_eq!(free.call("fib", &[Value::I64(15)]), Ok(Value::I64(610)));
    let fib_free = free.stats();
    assert_eq!(free.call("sum", &[Value::I64(100)]), Ok(Value::I64(4950)));
    let sum_free = free.stats();

    let mut budgeted = build();
    budgeted.set_limits(Limits {
        max_instructions: Some(1 << 40),
        ..Limits::default()
    });
    assert_eq!(budgeted.call("fib", &[Value::I64(15)]), Ok(Value::I64(610)));
    let fib_budgeted = budgeted.stats();
    assert_eq!(
        budgeted.call("sum", &[Value::I64(100)]),
        Ok(Value::I64(4950))
    );
    let sum_budgeted = budgeted.stats();

    // fib(15): 987 leaf activations of 2 instructions, 986 inner ones of 7, plus the first
    // call's `<init>` (one RET_VOID); 1972 nested calls.
    assert_eq!(fib_free.calls, 1972);
    assert_eq!(fib_free.instructions, 987 * 2 + 986 * 7 + 1);
    assert_eq!(fib_free.instructions, fib_budgeted.instructions);
    assert_eq!(fib_free.calls, fib_budgeted.calls);
    // sum(100): 3 set-up instructions, 3 per iteration, 1 return.
    assert_eq!(sum_free.instructions, 3 + 3 * 100 + 1);
    assert_eq!(sum_free.instructions, sum_budgeted.instructions);
}
