//! `DIV_*_RI` / `REM_*_RI`: division by a non-zero literal uses the immediate forms (no
//! `LOAD_IMM`, no zero check), computes exactly what the register forms compute (truncating
//! division, remainder with the dividend's sign, `MIN / -1` wrapping, §4), and the verifier
//! refuses a zero or out-of-range immediate.

use theta::Vm;
use theta::bytecode::{Opcode, disassemble};
use theta::vm::Value;

const SRC: &str = "fn d64(x: i64) -> i64 {
    return x / 7 + (x % 7) * 1000 + (x / -3) * 1000000 + (x % -3) * 100000000 + x / -1 + x % -1;
}
fn d32(x: i32) -> i32 { return x / 10 + (x % 10) * 100000 + x / -1; }
fn d16(x: i16) -> i16 { return x / 3 + (x % 3) * 1000 + x / -1; }
fn d8(x: i8) -> i8 { return x / 5 + (x % 5) * 10 + x / -1; }
fn by_var(x: i64, y: i64) -> i64 { return x / y; }
fn by_zero(x: i64) -> i64 { return x % 0; }
";

fn rust_d64(x: i64) -> i64 {
    (x / 7)
        .wrapping_add((x % 7) * 1000)
        .wrapping_add((x / -3).wrapping_mul(1000000))
        .wrapping_add((x % -3) * 100000000)
        .wrapping_add(x.wrapping_div(-1))
        .wrapping_add(x.wrapping_rem(-1))
}

#[test]
fn literal_divisors_use_the_immediate_forms_and_compute_like_the_register_forms() {
    let m = theta::compile::compile_source("div.theta", SRC).expect("compiles");
    theta::bytecode::verify(&m).unwrap_or_else(|e| panic!("{e}\n{}", disassemble(&m)));
    let ops = |name: &str| -> Vec<Opcode> {
        let f = m.functions.iter().find(|f| f.name == name).expect("fn");
        f.code.iter().map(|i| i.op).collect()
    };
    for (name, div, rem) in [
        ("d64", Opcode::DivI64Ri, Opcode::RemI64Ri),
        ("d32", Opcode::DivI32Ri, Opcode::RemI32Ri),
        ("d16", Opcode::DivI16Ri, Opcode::RemI16Ri),
        ("d8", Opcode::DivI8Ri, Opcode::RemI8Ri),
    ] {
        let o = ops(name);
        assert!(o.contains(&div) && o.contains(&rem), "{name}: {o:?}");
        assert!(!o.contains(&Opcode::LoadImm), "{name}: {o:?}");
    }
    // A literal zero keeps the register form, which traps at run time (§4).
    assert!(ops("by_zero").contains(&Opcode::RemI64));

    let mut vm = Vm::new(m).expect("verifies");
    for x in [
        0,
        1,
        -1,
        6,
        7,
        -7,
        8,
        -8,
        123456789,
        -987654321,
        i64::MAX,
        i64::MIN,
    ] {
        assert_eq!(
            vm.call("d64", &[Value::I64(x)]),
            Ok(Value::I64(rust_d64(x))),
            "{x}"
        );
    }
    for x in [0, 9, -9, 10, -11, i32::MAX, i32::MIN] {
        let want = (x / 10)
            .wrapping_add((x % 10) * 100000)
            .wrapping_add(x.wrapping_div(-1));
        assert_eq!(
            vm.call("d32", &[Value::I32(x)]),
            Ok(Value::I32(want)),
            "{x}"
        );
    }
    for x in [0, 2, -2, 3, -4, i16::MAX, i16::MIN] {
        let want = (x / 3)
            .wrapping_add((x % 3).wrapping_mul(1000))
            .wrapping_add(x.wrapping_div(-1));
        assert_eq!(
            vm.call("d16", &[Value::I16(x)]),
            Ok(Value::I16(want)),
            "{x}"
        );
    }
    for x in [0, 4, -4, 5, -6, i8::MAX, i8::MIN] {
        let want = (x / 5)
            .wrapping_add((x % 5).wrapping_mul(10))
            .wrapping_add(x.wrapping_div(-1));
        assert_eq!(vm.call("d8", &[Value::I8(x)]), Ok(Value::I8(want)), "{x}");
    }
    assert_eq!(
        vm.call("by_var", &[Value::I64(-9), Value::I64(2)]),
        Ok(Value::I64(-4))
    );
    let t = vm.call("by_zero", &[Value::I64(5)]).unwrap_err();
    assert!(t.message.contains("division by zero"), "{}", t.message);
}
