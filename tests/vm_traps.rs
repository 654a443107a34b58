//! Every trap kind of §10 with its code, message, source location and stack trace, and the
//! host API's recovery after a trap.

use theta::bytecode::VType::{self, F64, I64, Str};
use theta::bytecode::{BuiltinOp, FunctionBuilder, Module, ModuleBuilder, Opcode as O};
use theta::vm::{Limits, SourceLoc, Trap, Value, Vm};

fn module(build: impl FnOnce(&mut ModuleBuilder)) -> Module {
    let mut mb = ModuleBuilder::new();
    mb.source_file("prog.theta");
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

fn loc(line: u32, column: u32) -> Option<SourceLoc> {
    Some(SourceLoc {
        file: "prog.theta".into(),
        line,
        column,
    })
}

/// `inner(a, b)` at line 2 divides; `outer(a, b)` at line 6 calls it.
fn div_module() -> Module {
    module(|mb| {
        let inner = mb.function("inner", vec![I64, I64], Some(I64), |f| {
            f.at(0, 2, 12);
            f.op(O::DivI64, 1, 2, 3, 0);
            f.at(0, 3, 5);
            f.op(O::Ret, 0, 1, 0, 0);
        });
        mb.function("outer", vec![I64, I64], Some(I64), |f| {
            f.at(0, 6, 1);
            f.op(O::Mov, 16, 2, 0, 0);
            f.op(O::Mov, 17, 3, 0, 0);
            f.at(0, 7, 9);
            f.op(O::Call, 1, 16, 2, inner as i32);
            f.at(0, 8, 5);
            f.op(O::Ret, 0, 1, 0, 0);
        });
    })
}

#[test]
fn division_by_zero_has_location_and_stack_and_the_vm_stays_usable() {
    let mut vm = vm(div_module());
    let t = vm
        .call("outer", &[Value::I64(1), Value::I64(0)])
        .unwrap_err();
    assert_eq!(t.code(), "T0001");
    assert_eq!(t.message, "division by zero");
    assert_eq!(t.location, loc(2, 12));
    let names: Vec<_> = t.stack.iter().map(|f| f.function.as_str()).collect();
    assert_eq!(names, ["inner", "outer"]);
    assert_eq!(
        t.stack[1].location,
        loc(7, 9),
        "outer frame points at the call"
    );
    assert_eq!(
        t.to_string(),
        "error[T0001]: division by zero\n  --> prog.theta:2:12\nstack trace (innermost first):\n    at inner (prog.theta:2:12)\n    at outer (prog.theta:7:9)\n"
    );
    // A new call after the trap works.
    assert_eq!(
        vm.call("outer", &[Value::I64(7), Value::I64(2)]),
        Ok(Value::I64(3))
    );
    assert_eq!(
        vm.call("outer", &[Value::I64(i64::MIN), Value::I64(-1)]),
        Ok(Value::I64(i64::MIN))
    );
}

fn one_builtin(op: BuiltinOp, params: Vec<VType>, ret: Option<VType>) -> Vm {
    vm(module(|mb| {
        let b = mb.builtin(op);
        let n = params.len() as u8;
        let has_ret = ret.is_some();
        mb.function("f", params, ret, |f| {
            f.at(0, 4, 3);
            f.op(O::CallBuiltin, if has_ret { 1 } else { 0 }, 2, n, b);
            if has_ret {
                f.op(O::Ret, 0, 1, 0, 0);
            } else {
                f.op(O::RetVoid, 0, 0, 0, 0);
            }
        });
    }))
}

fn trap_of(vm: &mut Vm, args: &[Value]) -> Trap {
    let t = vm.call("f", args).unwrap_err();
    assert!(!t.stack.is_empty(), "{t}");
    t
}

#[test]
fn index_out_of_bounds_shows_index_and_length() {
    let mut vm = vm(module(|mb| {
        mb.function("f", vec![VType::array(I64), I64], Some(I64), |f| {
            f.at(0, 9, 14);
            f.op(O::ArrayGetI64, 1, 2, 3, 0);
            f.op(O::Ret, 0, 1, 0, 0);
        });
        mb.function("g", vec![VType::array(I64), I64], None, |f| {
            f.at(0, 10, 1);
            f.op(O::ArraySetI64, 2, 3, 3, 0);
            f.op(O::RetVoid, 0, 0, 0, 0);
        });
    }));
    let arr = Value::Array(vec![Value::I64(1), Value::I64(2), Value::I64(3)]);
    let t = vm.call("f", &[arr.clone(), Value::I64(5)]).unwrap_err();
    assert_eq!(t.code(), "T0002");
    assert_eq!(
        t.message,
        "index out of bounds: the index is 5 but the length is 3"
    );
    assert_eq!(t.location, loc(9, 14));
    let t = vm.call("f", &[arr.clone(), Value::I64(-1)]).unwrap_err();
    assert_eq!(
        t.message,
        "index out of bounds: the index is -1 but the length is 3"
    );
    let t = vm.call("g", &[arr.clone(), Value::I64(3)]).unwrap_err();
    assert_eq!(t.code(), "T0002");
    assert_eq!(vm.call("f", &[arr, Value::I64(2)]), Ok(Value::I64(3)));
}

#[test]
fn negative_array_length() {
    let mut vm = vm(module(|mb| {
        let ty = mb.type_index(VType::array(F64));
        mb.function("f", vec![I64], Some(VType::array(F64)), |f| {
            f.at(0, 1, 1);
            f.op(O::ArrayNew, 1, 2, 0, ty);
            f.op(O::Ret, 0, 1, 0, 0);
        });
    }));
    let t = vm.call("f", &[Value::I64(-3)]).unwrap_err();
    assert_eq!(t.code(), "T0003");
    assert_eq!(t.message, "negative array length: -3");
    assert_eq!(
        vm.call("f", &[Value::I64(2)]),
        Ok(Value::Array(vec![Value::F64(0.0), Value::F64(0.0)]))
    );
}

#[test]
fn failed_assert_carries_the_message() {
    let mut vm = one_builtin(BuiltinOp::Assert, vec![VType::Bool, Str], None);
    let t = trap_of(
        &mut vm,
        &[Value::Bool(false), Value::Str("x must be positive".into())],
    );
    assert_eq!(t.code(), "T0006");
    assert_eq!(t.message, "assertion failed: x must be positive");
    assert_eq!(t.location, loc(4, 3));
    assert_eq!(
        vm.call("f", &[Value::Bool(true), Value::Str("ok".into())]),
        Ok(Value::Void)
    );
}

#[test]
fn stack_overflow_is_a_trap_with_a_configurable_limit() {
    let mut vm = vm(module(|mb| {
        let r = mb.declare("forever", vec![I64], Some(I64));
        let mut f = FunctionBuilder::new(1);
        f.at(0, 12, 5);
        f.op(O::Call, 1, 2, 1, r as i32);
        f.op(O::Ret, 0, 1, 0, 0);
        mb.define(r, f);
    }));
    vm.set_limits(Limits {
        max_frames: 50,
        ..Limits::default()
    });
    let t = vm.call("forever", &[Value::I64(0)]).unwrap_err();
    assert_eq!(t.code(), "T0004");
    assert!(
        t.message
            .starts_with("stack overflow: more than 50 nested calls"),
        "{}",
        t.message
    );
    assert_eq!(t.stack.len(), 50);
    assert!(
        t.stack
            .iter()
            .all(|f| f.function == "forever" && f.location == loc(12, 5))
    );
    // With the default limit (100,000) it still traps rather than overflowing the native stack,
    // and the rendered trace is abbreviated.
    vm.set_limits(Limits::default());
    let t = vm.call("forever", &[Value::I64(0)]).unwrap_err();
    assert_eq!(t.code(), "T0004");
    assert_eq!(t.stack.len(), theta::vm::frame::DEFAULT_MAX_FRAMES);
    let text = t.to_string();
    assert!(text.lines().count() < 80, "abbreviated trace:\n{text}");
    assert!(text.contains("frames omitted"), "{text}");
}

#[test]
fn instruction_budget_exhausted() {
    let mut vm = vm(module(|mb| {
        mb.function("spin", vec![], None, |f| {
            f.at(0, 20, 1);
            let top = f.new_label();
            f.bind(top);
            f.jump(O::Jmp, 0, 0, top);
        });
    }));
    vm.set_limits(Limits {
        max_instructions: Some(1_000),
        ..Limits::default()
    });
    let t = vm.call("spin", &[]).unwrap_err();
    assert_eq!(t.code(), "T0007");
    assert_eq!(t.message, "instruction budget exhausted");
    assert_eq!(t.location, loc(20, 1));
    assert_eq!(vm.stats().instructions, 1_000);
}

#[test]
fn memory_limit_exceeded() {
    let mut vm = vm(module(|mb| {
        let ty = mb.type_index(VType::array(I64));
        mb.function("f", vec![I64], Some(VType::array(I64)), |f| {
            f.at(0, 30, 7);
            f.op(O::ArrayNew, 1, 2, 0, ty);
            f.op(O::Ret, 0, 1, 0, 0);
        });
    }));
    vm.set_limits(Limits {
        max_memory: Some(1 << 20),
        ..Limits::default()
    });
    let t = vm.call("f", &[Value::I64(1 << 20)]).unwrap_err();
    assert_eq!(t.code(), "T0008");
    assert!(
        t.message.starts_with("memory limit exceeded"),
        "{}",
        t.message
    );
    assert_eq!(t.location, loc(30, 7));
    // Even without a limit an absurd size is a trap, not an abort.
    vm.set_limits(Limits::default());
    let t = vm.call("f", &[Value::I64(i64::MAX)]).unwrap_err();
    assert_eq!(t.code(), "T0008");
    assert!(vm.call("f", &[Value::I64(10)]).is_ok());
}

#[test]
fn substr_outside_or_off_a_char_boundary() {
    let mut vm = one_builtin(BuiltinOp::Substr, vec![Str, I64, I64], Some(Str));
    let s = |x: &str| Value::Str(x.into());
    let t = trap_of(&mut vm, &[s("hello"), Value::I64(3), Value::I64(5)]);
    assert_eq!(t.code(), "T0009");
    assert_eq!(
        t.message,
        "substr: range start 3 count 5 is outside the string of length 5"
    );
    let t = trap_of(&mut vm, &[s("héllo"), Value::I64(2), Value::I64(1)]);
    assert_eq!(t.code(), "T0009");
    assert!(t.message.contains("UTF-8"), "{}", t.message);
    let t = trap_of(&mut vm, &[s("abc"), Value::I64(-1), Value::I64(1)]);
    assert_eq!(t.code(), "T0009");
    let t = trap_of(
        &mut vm,
        &[s("abc"), Value::I64(i64::MAX), Value::I64(i64::MAX)],
    );
    assert_eq!(t.code(), "T0009");
}

#[test]
fn parse_failures_name_the_text() {
    let mut vm = one_builtin(BuiltinOp::ParseI64, vec![Str], Some(I64));
    let t = trap_of(&mut vm, &[Value::Str("12x".into())]);
    assert_eq!(t.code(), "T0010");
    assert_eq!(t.message, "parse_i64: invalid integer text \"12x\"");
    let mut vm = one_builtin(BuiltinOp::ParseF64, vec![Str], Some(F64));
    let t = trap_of(&mut vm, &[Value::Str("1.2.3".into())]);
    assert_eq!(t.code(), "T0010");
    assert_eq!(t.message, "parse_f64: invalid float text \"1.2.3\"");
}

#[test]
fn from_bytes_rejects_non_bytes_and_invalid_utf8() {
    let mut vm = one_builtin(BuiltinOp::FromBytes, vec![VType::array(I64)], Some(Str));
    let bytes = |v: &[i64]| Value::Array(v.iter().map(|&b| Value::I64(b)).collect());
    let t = trap_of(&mut vm, &[bytes(&[104, 256])]);
    assert_eq!(t.code(), "T0011");
    assert_eq!(
        t.message,
        "from_bytes: element 1 is 256, not a byte (0..=255)"
    );
    let t = trap_of(&mut vm, &[bytes(&[0x61, 0xC3])]);
    assert_eq!(t.code(), "T0011");
    assert_eq!(t.message, "from_bytes: invalid UTF-8 at byte offset 1");
}

#[test]
fn byte_at_outside_the_string() {
    let mut vm = one_builtin(BuiltinOp::ByteAt, vec![Str, I64], Some(I64));
    let t = trap_of(&mut vm, &[Value::Str("ab".into()), Value::I64(2)]);
    assert_eq!(t.code(), "T0002");
    assert!(
        t.message.contains("the index is 2 but the length is 2"),
        "{}",
        t.message
    );
}

#[test]
fn explicit_trap_and_null_function_value() {
    let mut vm = vm(module(|mb| {
        let msg = mb.string("unreachable code reached");
        let g = mb.add_global(
            "callback",
            VType::Fn(Box::new(theta::bytecode::FnSig {
                params: vec![],
                ret: None,
            })),
        );
        mb.function("t", vec![], None, |f| {
            f.at(0, 40, 2);
            f.op(O::Trap, 0, 0, 0, msg);
        });
        mb.function("n", vec![], None, |f| {
            f.at(0, 41, 2);
            f.op(O::GetGlobal, 16, 0, 0, g as i32);
            f.op(O::CallIndirect, 0, 17, 0, 16);
            f.op(O::RetVoid, 0, 0, 0, 0);
        });
    }));
    let t = vm.call("t", &[]).unwrap_err();
    assert_eq!(
        (t.code(), t.message.as_str()),
        ("T0100", "unreachable code reached")
    );
    assert_eq!(t.location, loc(40, 2));
    let t = vm.call("n", &[]).unwrap_err();
    assert_eq!(t.code(), "T0005");
}

#[test]
fn io_errors_of_the_table_readers() {
    let mut vm = one_builtin(BuiltinOp::ReadCsv, vec![Str], Some(VType::TableRef));
    let t = trap_of(&mut vm, &[Value::Str("/nonexistent/x.csv".into())]);
    assert_eq!(t.code(), "T0012");
    assert!(t.message.contains("/nonexistent/x.csv"), "{}", t.message);
    let mut vm = one_builtin(BuiltinOp::ReadJson, vec![Str], Some(VType::TableRef));
    let t = trap_of(&mut vm, &[Value::Str("/nonexistent/x.json".into())]);
    assert_eq!(t.code(), "T0012");
    assert!(t.message.contains("/nonexistent/x.json"), "{}", t.message);
}

#[test]
fn output_is_flushed_before_a_trap() {
    let mut vm = vm(module(|mb| {
        let hi = mb.string("before the trap");
        mb.function("f", vec![I64], Some(I64), |f| {
            f.op(O::LoadConstStr, 16, 0, 0, hi);
            f.op(O::PrintStr, 0, 16, 0, 0);
            f.op(O::PrintNewline, 0, 0, 0, 0);
            f.op(O::LoadImm, 17, 0, 3, 0);
            f.op(O::RemI64, 1, 2, 17, 0);
            f.op(O::Ret, 0, 1, 0, 0);
        });
    }));
    assert_eq!(vm.call("f", &[Value::I64(1)]).unwrap_err().code(), "T0001");
    assert_eq!(vm.take_output(), b"before the trap\n");
}
