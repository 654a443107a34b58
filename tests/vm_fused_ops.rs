//! The immediate bitwise forms (`AND_RI`/`OR_RI`/`XOR_RI`), the fused float compare-and-branch
//! opcodes (exact under NaN) and loop-invariant `f64` constant hoisting: compiled from source,
//! checked in the disassembly and run on the VM against Rust's answers.

use theta::Vm;
use theta::bytecode::{Opcode, disassemble};
use theta::vm::Value;

const SRC: &str = "fn bits(x: i64, y: i8) -> i64 {
    i8 z = (y & 7) | 96;
    return ((x ^ 1048575) & 255) + ((x | 5) ^ 3) + ((z ^ -2) as i64);
}
fn fcmp(a: f64, b: f64) -> i64 {
    i64 r = 0;
    if (a < b) { r = r + 1; }
    if (a <= b) { r = r + 2; }
    if (a > b) { r = r + 4; }
    if (a >= b) { r = r + 8; }
    if (a == b) { r = r + 16; }
    if (a != b) { r = r + 32; }
    if (!(a < b)) { r = r + 64; }
    if (!(a > b)) { r = r + 128; }
    return r;
}
fn fcmp32(a: f32, b: f32) -> i64 {
    i64 r = 0;
    if (a < b) { r = r + 1; }
    if (a >= b) { r = r + 2; }
    if (a != b) { r = r + 4; }
    return r;
}
fn escape(cr: f64) -> i64 {
    f64 z = 0.0;
    i64 i = 0;
    while (i < 50) {
        z = z * z + cr;
        if (z * 0.5 > 4.0) { break; }
        i++;
    }
    return i;
}
";

fn module() -> theta::bytecode::Module {
    let m = theta::compile::compile_source("fused.theta", SRC).expect("compiles");
    theta::bytecode::verify(&m).unwrap_or_else(|e| panic!("{e}\n{}", disassemble(&m)));
    m
}

fn ops_of(m: &theta::bytecode::Module, name: &str) -> Vec<Opcode> {
    let f = m
        .functions
        .iter()
        .find(|f| f.name == name)
        .expect("function");
    f.code.iter().map(|i| i.op).collect()
}

#[allow(clippy::neg_cmp_op_on_partial_ord)] // NaN semantics are the point here
fn rust_fcmp(a: f64, b: f64) -> i64 {
    let bits = [
        a < b,
        a <= b,
        a > b,
        a >= b,
        a == b,
        a != b,
        !(a < b),
        !(a > b),
    ];
    bits.iter()
        .enumerate()
        .map(|(i, &t)| if t { 1 << i } else { 0 })
        .sum()
}

#[test]
fn bitwise_literals_use_immediate_forms_and_compute_right() {
    let m = module();
    let ops = ops_of(&m, "bits");
    for op in [Opcode::AndRi, Opcode::OrRi, Opcode::XorRi] {
        assert!(ops.contains(&op), "{op:?} missing: {ops:?}");
    }
    assert!(!ops.contains(&Opcode::LoadImm), "{ops:?}");
    let mut vm = Vm::new(m).expect("verifies");
    for (x, y) in [
        (0i64, 0i8),
        (-1, -1),
        (123_456_789, 77),
        (i64::MIN, i8::MIN),
    ] {
        let z = (y & 7) | 96;
        let want = ((x ^ 1048575) & 255) + ((x | 5) ^ 3) + ((z ^ -2) as i64);
        let got = vm.call("bits", &[Value::I64(x), Value::I8(y)]);
        assert_eq!(got, Ok(Value::I64(want)), "bits({x}, {y})");
    }
}

#[test]
fn float_branches_are_exact_under_nan() {
    let m = module();
    let ops = ops_of(&m, "fcmp");
    assert!(
        !ops.iter()
            .any(|o| o.mnemonic().ends_with("_F64") && !o.mnemonic().starts_with('J')),
        "comparisons not fused: {ops:?}"
    );
    let mut vm = Vm::new(m).expect("verifies");
    let vals = [0.0, -0.0, 1.5, -2.0, f64::NAN, f64::INFINITY];
    for a in vals {
        for b in vals {
            let got = vm.call("fcmp", &[Value::F64(a), Value::F64(b)]);
            assert_eq!(got, Ok(Value::I64(rust_fcmp(a, b))), "fcmp({a}, {b})");
            let (x, y) = (a as f32, b as f32);
            let want = (x < y) as i64 + 2 * (x >= y) as i64 + 4 * (x != y) as i64;
            let got = vm.call("fcmp32", &[Value::F32(x), Value::F32(y)]);
            assert_eq!(got, Ok(Value::I64(want)), "fcmp32({x}, {y})");
        }
    }
}

#[test]
fn loop_constants_are_loaded_once_before_the_loop() {
    let m = module();
    let f = m.functions.iter().find(|f| f.name == "escape").unwrap();
    let loads: Vec<usize> = (f.code.iter().enumerate())
        .filter(|(_, i)| i.op == Opcode::LoadConstF64)
        .map(|(pc, _)| pc)
        .collect();
    // 0.0 (z's initialiser), then 0.5 and 4.0 hoisted: all before the loop (the lowest jump
    // target is the loop's first instruction).
    let loop_head = (f.code.iter())
        .filter(|i| i.op.is_branch())
        .map(|i| i.imm as usize)
        .min()
        .unwrap();
    assert_eq!(loads.len(), 3, "{}", disassemble(&m));
    assert!(
        loads.iter().all(|&pc| pc < loop_head),
        "{}",
        disassemble(&m)
    );
    let mut vm = Vm::new(m.clone()).expect("verifies");
    for cr in [0.1, 0.3, 1.0, -2.0, 3.0] {
        let mut z = 0.0f64;
        let mut i = 0i64;
        while i < 50 {
            z = z * z + cr;
            if z * 0.5 > 4.0 {
                break;
            }
            i += 1;
        }
        assert_eq!(vm.call("escape", &[Value::F64(cr)]), Ok(Value::I64(i)));
    }
    let text = disassemble(&m);
    let start = text.find("fn #3 escape").expect("escape listed");
    insta::assert_snapshot!(&text[start..]);
}

const CONCAT_SRC: &str = "fn tag(x: string) -> string { return \"<\" + x + \">\"; }
fn chain(a: string, b: string, n: i64) -> string {
    string s = \"\";
    for (i64 i = 0; i < n; i++) {
        s = s + a + to_string(i) + (b + tag(a)) + \",\";
    }
    return s;
}
fn pair(a: string, b: string) -> string { return a + b; }
fn long_chain(a: string) -> string {
    return a + a + a + a + a + a + a + a + a + a + a + a + a + a + a + a + a + a + a + a
        + a + a + a + a + a + a + a + a + a + a + a + a + a + a + a + a + a + a + a + a
        + a + a + a + a + a + a + a + a + a + a + a + a + a + a + a + a + a + a + a + a
        + a + a + a + a + a + a + a + a + a + a;
}
";

#[test]
fn string_chains_concatenate_in_one_instruction() {
    let m = theta::compile::compile_source("concat.theta", CONCAT_SRC).expect("compiles");
    theta::bytecode::verify(&m).unwrap_or_else(|e| panic!("{e}\n{}", disassemble(&m)));
    let count = |name: &str, op: Opcode| ops_of(&m, name).iter().filter(|&&o| o == op).count();
    // `s + a + to_string(i) + (b + tag(a)) + ","` is one CONCAT_N over six parts (the
    // parenthesised `+` flattens too); `"<" + x + ">"` another; a single `+` stays CONCAT.
    assert_eq!(count("chain", Opcode::ConcatN), 1, "{}", disassemble(&m));
    assert_eq!(count("chain", Opcode::Concat), 0, "{}", disassemble(&m));
    assert_eq!(count("tag", Opcode::ConcatN), 1);
    assert_eq!(count("pair", Opcode::Concat), 1);
    assert_eq!(count("pair", Opcode::ConcatN), 0);
    // 70 parts are more than one register range takes: the first 64 (the left operand six
    // levels down) are one CONCAT_N, the last six are appended pairwise.
    assert_eq!(count("long_chain", Opcode::ConcatN), 1);
    assert_eq!(count("long_chain", Opcode::Concat), 6);

    let mut vm = Vm::new(m).expect("verifies");
    let s = |x: &str| Value::Str(x.into());
    let mut want = String::new();
    for i in 0..5 {
        want += &format!("ab{i}c<ab>,");
    }
    let got = vm.call("chain", &[s("ab"), s("c"), Value::I64(5)]);
    assert_eq!(got, Ok(s(&want)));
    // Empty parts: the result is the one non-empty part, or the empty string.
    let got = vm.call("chain", &[s(""), s(""), Value::I64(2)]);
    assert_eq!(got, Ok(s("0<>,1<>,")));
    assert_eq!(vm.call("tag", &[s("")]), Ok(s("<>")));
    assert_eq!(vm.call("pair", &[s(""), s("")]), Ok(s("")));
    assert_eq!(vm.call("long_chain", &[s("é")]), Ok(s(&"é".repeat(70))));
}

#[test]
fn sqrt_of_f64_is_one_instruction_and_exact() {
    let src = "fn root(x: f64) -> f64 { return sqrt(x); }
fn root32(x: f32) -> f32 { return sqrt(x); }";
    let m = theta::compile::compile_source("sqrt.theta", src).expect("compiles");
    theta::bytecode::verify(&m).unwrap_or_else(|e| panic!("{e}\n{}", disassemble(&m)));
    assert!(
        ops_of(&m, "root").contains(&Opcode::SqrtF64),
        "{}",
        disassemble(&m)
    );
    assert!(!ops_of(&m, "root").contains(&Opcode::CallBuiltin));
    assert!(ops_of(&m, "root32").contains(&Opcode::CallBuiltin));
    let mut vm = Vm::new(m).expect("verifies");
    for x in [0.0, -0.0, 2.0, 1e-310, 1e308, f64::INFINITY, -1.0, f64::NAN] {
        let Ok(Value::F64(got)) = vm.call("root", &[Value::F64(x)]) else {
            panic!("sqrt({x}) failed");
        };
        assert_eq!(got.to_bits(), x.sqrt().to_bits(), "sqrt({x})");
    }
}

const FIELDS_SRC: &str = "struct P { x: f64, m: f64 }
fn bump(p: P) { p.m = p.m + 1.0; }
fn reuse(a: P, b: P) -> f64 {
    f64 s = a.m * a.x + a.m;
    b.m = 10.0;
    s = s + a.m;
    bump(a);
    return s + a.m + b.x * b.x;
}
fn aliased() -> f64 {
    P p = P { x: 4.0, m: 2.0 };
    return reuse(p, p);
}
";

#[test]
fn repeated_field_loads_reuse_the_first_until_a_store_or_call() {
    let m = theta::compile::compile_source("fields.theta", FIELDS_SRC).expect("compiles");
    theta::bytecode::verify(&m).unwrap_or_else(|e| panic!("{e}\n{}", disassemble(&m)));
    let loads = ops_of(&m, "reuse")
        .iter()
        .filter(|&&o| o == Opcode::GetFieldF64)
        .count();
    // a.m, a.x; a.m again after `b.m = ` (b may be a); a.m after the call; b.x once.
    assert_eq!(loads, 5, "{}", disassemble(&m));
    let mut vm = Vm::new(m).expect("verifies");
    let p = |x: f64, m: f64| {
        Value::Struct(theta::vm::StructValue {
            name: "P".into(),
            fields: vec![("x".into(), Value::F64(x)), ("m".into(), Value::F64(m))],
        })
    };
    // Distinct structs: s = 2*3 + 2 = 8, + 2 = 10, bump: a.m = 3 → 13 + 5*5 = 38.
    assert_eq!(
        vm.call("reuse", &[p(3.0, 2.0), p(5.0, 7.0)]),
        Ok(Value::F64(38.0))
    );
    // One struct as both: s = 2*4 + 2 = 10, `b.m = 10` is seen through a: 20, bump: 11,
    // 20 + 11 + 4*4 = 47.
    assert_eq!(vm.call("aliased", &[]), Ok(Value::F64(47.0)));
}

const INLINE_SRC: &str = "fn a(i: i64, j: i64) -> f64 {
    return 1.0 / (((i + j) * (i + j + 1) / 2 + i + 1) as f64);
}
fn pick(c: bool, x: i32, y: i32) -> i32 { return c ? x << 2 : -y % 7; }
fn quotient(x: i64, y: i64) -> i64 { return x / y; }
fn shout(s: string) -> string { return s + \"!\"; }
fn twice(x: i64) -> i64 { return quotient(x, 1) * 2; }
fn sum(n: i64) -> f64 {
    f64 s = 0.0;
    for (i64 i = 0; i < n; i++) {
        for (i64 j = 0; j < n; j++) {
            s += a(i, j);
        }
    }
    return s;
}
fn mix(x: i32) -> i64 {
    i32 p = pick(x > 3, x, x);
    return (p as i64) + quotient(100, x as i64) + twice(x as i64) + len(shout(\"ab\"));
}
";

#[test]
fn small_leaf_functions_that_cannot_trap_are_inlined() {
    let m = theta::compile::compile_source("inline.theta", INLINE_SRC).expect("compiles");
    theta::bytecode::verify(&m).unwrap_or_else(|e| panic!("{e}\n{}", disassemble(&m)));
    let calls = |name: &str| {
        ops_of(&m, name)
            .iter()
            .filter(|&&o| o == Opcode::Call)
            .count()
    };
    // `a` is evaluated in place; `pick` too (shifts mask, `% 7` cannot trap). `quotient` may
    // divide by zero (its trap names it in the stack trace), `shout` allocates and `twice`
    // calls: those stay calls.
    assert_eq!(calls("sum"), 0, "{}", disassemble(&m));
    assert_eq!(calls("mix"), 3, "{}", disassemble(&m));
    let mut vm = Vm::new(m).expect("verifies");
    let mut want = 0.0f64;
    for i in 0..7i64 {
        for j in 0..7i64 {
            want += 1.0 / (((i + j) * (i + j + 1) / 2 + i + 1) as f64);
        }
    }
    assert_eq!(vm.call("sum", &[Value::I64(7)]), Ok(Value::F64(want)));
    for x in [-9i32, 2, 5, 1 << 29] {
        let p = if x > 3 {
            x.wrapping_shl(2)
        } else {
            x.wrapping_neg() % 7
        };
        let want = p as i64 + 100 / x as i64 + 2 * x as i64 + 3;
        assert_eq!(
            vm.call("mix", &[Value::I32(x)]),
            Ok(Value::I64(want)),
            "x = {x}"
        );
    }
}
