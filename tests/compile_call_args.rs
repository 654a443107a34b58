//! Call arguments that copy a local share its register (no `MOV` before the `CALL`), and the
//! locals a call copies are placed so that its consecutive argument window can sit on them —
//! in either argument order, for `acc = f(acc)`, and with results equal to Rust's.

use theta::Vm;
use theta::bytecode::{Opcode, disassemble};
use theta::vm::Value;

const SRC: &str = "
fn a(i: i64, j: i64) -> i64 { return (i + j) * (i + j + 1) / 2 + i + 1; }
fn rows(n: i64) -> i64 {
    i64 t = 0;
    for (i64 i = 0; i < n; i++) {
        i64 s = 0;
        for (i64 j = 0; j < n; j++) { s += a(i, j); }
        t = t * 7 + s;
    }
    return t;
}
fn cols(n: i64) -> i64 {
    i64 t = 0;
    for (i64 i = 0; i < n; i++) {
        i64 s = 0;
        for (i64 j = 0; j < n; j++) { s += a(j, i); }
        t = t * 7 + s;
    }
    return t;
}
fn step(x: i64) -> i64 { return x * 3 % 1000003; }
fn chain(n: i64) -> i64 {
    fn(i64) -> i64 f = step;
    i64 acc = 1;
    for (i64 i = 0; i < n; i++) { acc = f(acc); acc = step(acc); }
    return acc;
}
";

fn rust_a(i: i64, j: i64) -> i64 {
    (i + j) * (i + j + 1) / 2 + i + 1
}

fn fold(n: i64, cell: impl Fn(i64, i64) -> i64) -> i64 {
    (0..n).fold(0i64, |t, i| {
        let s: i64 = (0..n).map(|j| cell(i, j)).sum();
        t.wrapping_mul(7).wrapping_add(s)
    })
}

#[test]
fn arguments_copied_from_locals_need_no_moves() {
    let m = theta::compile::compile_source("args.theta", SRC).expect("compiles");
    let text = disassemble(&m);
    for name in ["rows", "cols", "chain"] {
        let f = m.functions.iter().find(|f| f.name == name).expect("fn");
        let ops: Vec<Opcode> = f.code.iter().map(|i| i.op).collect();
        assert!(!ops.contains(&Opcode::Mov), "{name}:\n{text}");
    }
    let mut vm = Vm::new(m).expect("verifies");
    for n in [0, 1, 5, 17] {
        assert_eq!(
            vm.call("rows", &[Value::I64(n)]),
            Ok(Value::I64(fold(n, rust_a)))
        );
        assert_eq!(
            vm.call("cols", &[Value::I64(n)]),
            Ok(Value::I64(fold(n, |i, j| rust_a(j, i))))
        );
        let mut acc = 1i64;
        for _ in 0..n {
            acc = acc * 3 % 1000003;
            acc = acc * 3 % 1000003;
        }
        assert_eq!(vm.call("chain", &[Value::I64(n)]), Ok(Value::I64(acc)));
    }
}

/// With hundreds of live locals some spill; a local shared with a call argument must then
/// keep its register (it is never chosen for spilling), and results stay right.
#[test]
fn shared_argument_registers_survive_spilling() {
    let mut src = String::from(
        "fn f2(a: i64, b: i64) -> i64 { return a * 31 + b; }\nfn main_like(n: i64) -> i64 {\n",
    );
    for k in 0..300 {
        src.push_str(&format!("    i64 v{k} = {k} + n;\n"));
    }
    src.push_str("    for (i64 i = 0; i < n; i++) {\n");
    for k in 0..300 {
        src.push_str(&format!(
            "        v{k} = f2(v{k}, v{}) % 1000003;\n",
            (k * 7 + 3) % 300
        ));
    }
    src.push_str("    }\n    i64 s = 0;\n");
    for k in 0..300 {
        src.push_str(&format!("    s = (s * 31 + v{k}) % 1000000007;\n"));
    }
    src.push_str("    return s;\n}\n");
    let m = theta::compile::compile_source("spill.theta", &src).expect("compiles");
    let text = disassemble(&m);
    assert!(text.contains("SPILL"), "expected spilling:\n{text}");
    let mut vm = Vm::new(m).expect("verifies");
    for n in [0i64, 1, 3] {
        let mut v: Vec<i64> = (0..300).map(|k| k + n).collect();
        for _ in 0..n {
            for k in 0..300 {
                v[k] = (v[k] * 31 + v[(k * 7 + 3) % 300]) % 1000003;
            }
        }
        let want = v.iter().fold(0i64, |s, x| (s * 31 + x) % 1000000007);
        assert_eq!(vm.call("main_like", &[Value::I64(n)]), Ok(Value::I64(want)));
    }
}

/// `n` live locals, a loop calling `g(n); g(i); g(v0) … g(v{n-3})` and then `g2(v{n-2},
/// v{n-1})`. Each `g(vk)` shares `vk`'s register, pinning it; from `n = 252` every register
/// ends up pinned and `g2`'s two arguments found no window ("calls nested too deeply"). The
/// allocator now retries such a function without sharing, which spills instead.
fn pinned_locals_source(n: usize) -> String {
    let mut src = String::from(
        "fn g(x: i64) -> i64 { return x * 3 + 1; }\n\
         fn g2(x: i64, y: i64) -> i64 { return x * 5 + y; }\nfn h(n: i64) -> i64 {\n",
    );
    for k in 0..n {
        src.push_str(&format!("    i64 v{k} = {k} + n;\n"));
    }
    src.push_str("    i64 s = 0;\n    for (i64 i = 0; i < n; i++) {\n");
    src.push_str("        s = s + g(n); s = s + g(i);\n");
    for k in 0..n - 2 {
        src.push_str(&format!("        s = (s + g(v{k})) % 1000003;\n"));
    }
    src.push_str(&format!(
        "        s = (s + g2(v{}, v{})) % 1000003;\n    }}\n",
        n - 2,
        n - 1
    ));
    for k in 0..n {
        src.push_str(&format!("    s = (s * 31 + v{k}) % 1000000007;\n"));
    }
    src.push_str("    return s;\n}\n");
    src
}

fn pinned_locals_in_rust(count: usize, n: i64) -> i64 {
    let g = |x: i64| x * 3 + 1;
    let v: Vec<i64> = (0..count as i64).map(|k| k + n).collect();
    let mut s = 0i64;
    for i in 0..n {
        s = s + g(n) + g(i);
        for x in &v[..count - 2] {
            s = (s + g(*x)) % 1000003;
        }
        s = (s + v[count - 2] * 5 + v[count - 1]) % 1000003;
    }
    v.iter().fold(s, |s, x| (s * 31 + x) % 1000000007)
}

#[test]
fn calls_sharing_every_register_still_compile() {
    // 251 still fits with every argument shared (no spills); 252 and 253 are the first sizes
    // that failed; 300 printed 451524250 before sharing existed.
    for count in [251, 252, 253, 300] {
        let src = pinned_locals_source(count);
        let m = theta::compile::compile_source("pin.theta", &src)
            .unwrap_or_else(|e| panic!("{count} locals: {e}"));
        let spills = disassemble(&m).contains("SPILL");
        assert_eq!(spills, count > 251, "{count} locals");
        let mut vm = Vm::new(m).expect("verifies");
        for n in [0i64, 1, 3] {
            let want = pinned_locals_in_rust(count, n);
            assert_eq!(vm.call("h", &[Value::I64(n)]), Ok(Value::I64(want)));
        }
        if count == 300 {
            assert_eq!(pinned_locals_in_rust(count, 3), 451524250);
        }
    }
}
