//! The fused loop step `INCR_J*` (a counted loop's `x = x ± k` and its condition as one
//! instruction, the loop entry testing the condition with a copy of the branch): every loop
//! shape computes what the same loop computes in Rust — zero iterations, `continue` (in `for`,
//! where it reaches the step, and in `while`, where it reaches the condition), bounds that
//! change in the body, `<=`/`>`/`>=`, downward and swapped comparisons, steps and bounds too
//! large for the fused forms, narrow counters (not fused, wrapping at their width) and an i64
//! counter wrapping past `i64::MAX` exactly like `ADD_I64_RI`.

use theta::Vm;
use theta::bytecode::{Opcode, disassemble};
use theta::vm::Value;

const SRC: &str = "
fn up_lt(lo: i64, hi: i64) -> i64 {
    i64 s = 0;
    for (i64 i = lo; i < hi; i++) { s = s * 31 + i; }
    return s;
}
fn up_le_by3(lo: i64, hi: i64) -> i64 {
    i64 s = 0;
    for (i64 i = lo; i <= hi; i += 3) { s = s * 31 + i; }
    return s;
}
fn down_gt(hi: i64, lo: i64) -> i64 {
    i64 s = 0;
    for (i64 i = hi; i > lo; i--) { s = s * 31 + i; }
    return s;
}
fn down_ge_by2(hi: i64, lo: i64) -> i64 {
    i64 s = 0;
    for (i64 i = hi; i >= lo; i -= 2) { s = s * 31 + i; }
    return s;
}
fn const_bounds() -> i64 {
    i64 s = 0;
    for (i64 i = 0; i < 100; i++) { s += i; }
    for (i64 i = 50; i >= -100; i -= 7) { s = s * 3 + i; }
    for (i64 i = 120; i <= 127; i++) { s += i; }
    for (i64 i = -120; i > -128; i--) { s = s * 5 + i; }
    return s;
}
fn swapped(n: i64) -> i64 {
    i64 s = 0;
    for (i64 i = 0; n > i; i++) { s = s * 7 + i; }
    return s;
}
fn for_continue(n: i64) -> i64 {
    i64 s = 0;
    for (i64 i = 0; i < n; i++) {
        if (i % 3 == 0) { continue; }
        s = s * 31 + i;
    }
    return s;
}
fn while_continue(n: i64) -> i64 {
    i64 s = 0;
    i64 i = 0;
    while (i < n) {
        i++;
        if (i % 2 == 0) { continue; }
        s = s * 31 + i;
    }
    return s;
}
fn while_step(n: i64) -> i64 {
    i64 i = 0;
    while (i < n) { i += 2; }
    return i;
}
fn bound_changes(n: i64) -> i64 {
    i64 s = 0;
    for (i64 i = 0; i < n; i++) {
        if (i == 5) { n = n - 3; }
        s = s * 31 + i;
    }
    return s * 1000 + n;
}
fn nested_break(n: i64) -> i64 {
    i64 s = 0;
    for (i64 i = 0; i < n; i++) {
        for (i64 j = i; j < n; j++) {
            if (j * i > 40) { break; }
            s = s * 7 + j - i;
        }
    }
    return s;
}
fn big_step(n: i64) -> i64 {
    i64 s = 0;
    for (i64 i = 0; i < n; i += 1000) { s = s * 31 + i; }
    return s;
}
fn big_bound() -> i64 {
    i64 s = 0;
    for (i64 i = 0; i < 1000; i += 9) { s = s * 31 + i; }
    return s;
}
fn past_max(start: i64) -> i64 {
    i64 count = 0;
    i64 last = 0;
    for (i64 i = start; i > 0; i += 100) { count++; last = i; }
    return count * 1000 + last % 1000;
}
fn sieve_like(n: i64) -> i64 {
    bool[] marked = new bool[n + 1];
    i64 hits = 0;
    for (i64 i = 2; i <= n; i++) {
        if (marked[i]) { continue; }
        if (marked[0]) { hits += 1000; }
        hits++;
        for (i64 j = i * i; j <= n; j += i) { marked[j] = true; }
    }
    return hits;
}
fn reg_up(lo: i64, hi: i64, k: i64) -> i64 {
    i64 s = 0;
    for (i64 i = lo; i < hi; i += k) { s = s * 31 + i; }
    return s;
}
fn reg_down(hi: i64, lo: i64, k: i64) -> i64 {
    i64 s = 0;
    for (i64 i = hi; i >= lo; i += k) { s = s * 31 + i; }
    return s;
}
fn reg_doubling(n: i64) -> i64 {
    i64 s = 0;
    for (i64 i = 1; i <= n; i += i) { s = s * 31 + i; }
    return s;
}
fn reg_step_is_bound(k: i64) -> i64 {
    i64 s = 0;
    for (i64 i = 0; i < k; i += k) { s = s * 31 + i + 1; }
    return s;
}
fn reg_past_max(start: i64, k: i64) -> i64 {
    i64 count = 0;
    i64 last = 0;
    for (i64 i = start; i > 0; i += k) { count++; last = i; }
    return count * 1000 + last % 1000;
}
fn narrow(n: i32) -> i64 {
    i64 s = 0;
    for (i32 i = 0; i < n; i++) { s = s * 31 + (i as i64); }
    for (i8 k = 120; k > 100; k++) { s = s * 3 + (k as i64); }
    return s;
}
";

fn mix(s: i64, m: i64, i: i64) -> i64 {
    s.wrapping_mul(m).wrapping_add(i)
}

fn fold(it: impl Iterator<Item = i64>, m: i64) -> i64 {
    it.fold(0, |s, i| mix(s, m, i))
}

fn ops(m: &theta::bytecode::Module, name: &str) -> Vec<Opcode> {
    let f = m.functions.iter().find(|f| f.name == name).expect("fn");
    f.code.iter().map(|i| i.op).collect()
}

#[test]
fn fused_loop_steps_compute_like_the_unfused_loops() {
    let m = theta::compile::compile_source("loops.theta", SRC).expect("compiles");
    theta::bytecode::verify(&m).unwrap_or_else(|e| panic!("{e}\n{}", disassemble(&m)));
    for (name, fused) in [
        ("up_lt", Opcode::IncrJlt),
        ("up_le_by3", Opcode::IncrJle),
        ("down_gt", Opcode::IncrJgt),
        ("down_ge_by2", Opcode::IncrJge),
        ("swapped", Opcode::IncrJlt),
        ("for_continue", Opcode::IncrJlt),
        ("while_step", Opcode::IncrJlt),
        ("bound_changes", Opcode::IncrJlt),
        ("past_max", Opcode::IncrJgtRi),
    ] {
        let o = ops(&m, name);
        assert!(o.contains(&fused), "{name}: {o:?}");
        assert!(
            !o.contains(&Opcode::Jmp),
            "{name}: the entry tests the condition: {o:?}"
        );
    }
    let o = ops(&m, "const_bounds");
    for fused in [
        Opcode::IncrJltRi,
        Opcode::IncrJgeRi,
        Opcode::IncrJleRi,
        Opcode::IncrJgtRi,
    ] {
        assert!(o.contains(&fused), "const_bounds: {o:?}");
    }
    // A register step: `ADD_J*` (the step may be the counter or the bound register too); with
    // a constant bound (`reg_past_max`'s `i > 0`) the add and the branch stay separate.
    for (name, fused) in [
        ("reg_up", Opcode::AddJlt),
        ("reg_down", Opcode::AddJge),
        ("reg_doubling", Opcode::AddJle),
        ("reg_step_is_bound", Opcode::AddJlt),
        ("sieve_like", Opcode::AddJle),
    ] {
        let o = ops(&m, name);
        assert!(o.contains(&fused), "{name}: {o:?}");
    }
    // A bound outside i8 is a hoisted constant in a register: the register form.
    assert!(ops(&m, "big_bound").contains(&Opcode::IncrJlt));
    // A step outside i8, and narrow counters, keep the separate add and branch.
    for name in ["big_step", "narrow"] {
        let o = ops(&m, name);
        assert!(
            !o.iter().any(|op| op.mnemonic().starts_with("INCR_")),
            "{name}: {o:?}"
        );
    }

    let mut vm = Vm::new(m).expect("verifies");
    let mut call = |name: &str, args: &[Value]| match vm.call(name, args) {
        Ok(Value::I64(v)) => v,
        other => panic!("{name}({args:?}): {other:?}"),
    };
    let i = Value::I64;
    for (lo, hi) in [(0, 10), (5, 5), (5, 0), (-7, 3), (0, 1)] {
        assert_eq!(call("up_lt", &[i(lo), i(hi)]), fold(lo..hi, 31));
        assert_eq!(
            call("up_le_by3", &[i(lo), i(hi)]),
            fold((lo..=hi).step_by(3), 31)
        );
        assert_eq!(
            call("down_gt", &[i(hi), i(lo)]),
            fold((lo + 1..=hi).rev(), 31)
        );
        assert_eq!(
            call("down_ge_by2", &[i(hi), i(lo)]),
            fold((lo..=hi).rev().step_by(2), 31)
        );
    }
    let mut s = fold(0..100, 1);
    s = (-100..=50).rev().step_by(7).fold(s, |s, i| mix(s, 3, i));
    s = (120..=127).fold(s, |s, i| mix(s, 1, i));
    s = (-127..=-120).rev().fold(s, |s, i| mix(s, 5, i));
    assert_eq!(call("const_bounds", &[]), s);
    for n in [0, 1, 2, 10, 31] {
        assert_eq!(call("swapped", &[i(n)]), fold(0..n, 7));
        assert_eq!(
            call("for_continue", &[i(n)]),
            fold((0..n).filter(|i| i % 3 != 0), 31)
        );
        assert_eq!(
            call("while_continue", &[i(n)]),
            fold((1..=n).filter(|i| i % 2 != 0), 31)
        );
        assert_eq!(call("while_step", &[i(n)]), (n + 1) / 2 * 2);
        let (mut bound, mut s, mut k) = (n, 0i64, 0);
        while k < bound {
            if k == 5 {
                bound -= 3;
            }
            s = mix(s, 31, k);
            k += 1;
        }
        assert_eq!(
            call("bound_changes", &[i(n)]),
            s.wrapping_mul(1000).wrapping_add(bound)
        );
        let mut s = 0i64;
        for a in 0..n {
            for b in a..n {
                if b * a > 40 {
                    break;
                }
                s = mix(s, 7, b - a);
            }
        }
        assert_eq!(call("nested_break", &[i(n)]), s);
    }
    assert_eq!(
        call("big_step", &[i(4500)]),
        fold((0..4500).step_by(1000), 31)
    );
    assert_eq!(call("big_bound", &[]), fold((0..1000).step_by(9), 31));
    // i64::MAX - 250 → -150 → -50 → wraps to i64::MIN + 49, which ends the loop (§4 wrapping).
    let last = i64::MAX - 50;
    assert_eq!(call("past_max", &[i(i64::MAX - 250)]), 3000 + last % 1000);
    assert_eq!(call("past_max", &[i(-1)]), 0);
    for (lo, hi, k) in [(0, 10, 1), (0, 10, 3), (5, 5, 2), (-7, 30, 9), (0, 1, 100)] {
        assert_eq!(
            call("reg_up", &[i(lo), i(hi), i(k)]),
            fold((lo..hi).step_by(k as usize), 31)
        );
        assert_eq!(
            call("reg_down", &[i(hi), i(lo), i(-k)]),
            fold((lo..=hi).rev().step_by(k as usize), 31)
        );
    }
    let doubling = |n: i64| fold((0..63).map(|p| 1i64 << p).take_while(|&v| v <= n), 31);
    for n in [0, 1, 2, 1000, i64::MAX / 2] {
        assert_eq!(call("reg_doubling", &[i(n)]), doubling(n), "n = {n}");
    }
    assert_eq!(call("reg_step_is_bound", &[i(5)]), 1);
    assert_eq!(call("reg_step_is_bound", &[i(0)]), 0);
    // i64::MAX - 250 → -150 → -50 → wraps (§4 wrapping), with the step in a register.
    assert_eq!(
        call("reg_past_max", &[i(i64::MAX - 250), i(100)]),
        3000 + last % 1000
    );
    // i8 counter 120..=127, then 127 + 1 wraps to -128 and the loop ends.
    let s = fold(0..20, 31);
    let s = (120..=127).fold(s, |s, k| mix(s, 3, k));
    assert_eq!(call("narrow", &[Value::I32(20)]), s);
}

/// The fused opcodes survive the FlatBuffers round trip and the loader's verifier.
#[test]
fn fused_loops_round_trip_through_thbc() {
    let m = theta::compile::compile_source("loops.theta", SRC).expect("compiles");
    let loaded = theta::bytecode::load(&m.to_bytes()).expect("loads");
    assert_eq!(disassemble(&m), disassemble(&loaded));
}

/// Integer and `bool` literals that need a register inside a loop (an array index, a stored
/// value) are loaded once in the entry block, like `f64` ones.
#[test]
fn loop_literals_are_loaded_once_before_the_loop() {
    let m = theta::compile::compile_source("loops.theta", SRC).expect("compiles");
    let f = m.functions.iter().find(|f| f.name == "sieve_like").unwrap();
    let loop_head = (f.code.iter())
        .filter(|i| i.op.is_branch())
        .map(|i| i.imm as usize)
        .min()
        .unwrap();
    let loads: Vec<usize> = (f.code.iter().enumerate())
        .filter(|(_, i)| i.op == Opcode::LoadImm)
        .map(|(pc, _)| pc)
        .collect();
    assert!(
        loads.iter().all(|&pc| pc < loop_head),
        "{}",
        disassemble(&m)
    );
    let mut vm = Vm::new(m).expect("verifies");
    for n in [1, 2, 10, 100, 1000] {
        let primes = (2..=n)
            .filter(|&p| (2..p).take_while(|d| d * d <= p).all(|d| p % d != 0))
            .count() as i64;
        assert_eq!(
            vm.call("sieve_like", &[Value::I64(n)]),
            Ok(Value::I64(primes))
        );
    }
}

/// A loop full of literals (300 string compares, 43 large integer compares): only the first
/// `HOIST_MAX` literals are hoisted, the rest load where used, so the loop's own variables keep
/// their registers — no `SPILL`/`RELOAD` — and the result is unchanged.
#[test]
fn many_loop_literals_do_not_spill_the_loop_variables() {
    let mut src = String::from(
        "fn h(n: i64) -> i64 {\n    i64 c = 0;\n    string[] names = new string[n];\n    \
         for (i64 i = 0; i < n; i++) { names[i] = \"w\" + to_string(i * 7 % 311); }\n    \
         for (i64 i = 0; i < n; i++) {\n",
    );
    for k in 0..300 {
        src.push_str(&format!(
            "        if (names[i] == \"w{k}\") {{ c = c + {k} * 100003 + 5000000000; }}\n"
        ));
    }
    for j in 0..43 {
        src.push_str(&format!(
            "        if (i == {}) {{ c = c + 1; }}\n",
            j * 7000
        ));
    }
    src.push_str("    }\n    return c;\n}\n");
    let m = theta::compile::compile_source("lits.theta", &src).expect("compiles");
    let h = m.functions.iter().find(|f| f.name == "h").unwrap();
    assert_eq!(h.num_spill_slots, 0);
    assert!(
        (h.code.iter()).all(|i| !matches!(i.op, Opcode::Spill | Opcode::Reload)),
        "{}",
        disassemble(&m)
    );
    let mut vm = Vm::new(m).expect("verifies");
    for n in [0i64, 1, 400, 7001] {
        let mut c = 0i64;
        for i in 0..n {
            let name = i * 7 % 311;
            if name < 300 {
                c += name * 100003 + 5000000000;
            }
            c += (0..43).filter(|j| i == j * 7000).count() as i64;
        }
        assert_eq!(vm.call("h", &[Value::I64(n)]), Ok(Value::I64(c)));
    }
}
