//! Hand-timed dispatch benchmarks on hand-assembled loops: the same counting loop written with
//! register-register ops and a separate compare + branch (baseline), with register-immediate
//! forms, and with a fused compare-and-branch; plus call-heavy `fib`. Run with
//! `cargo bench --bench vm_dispatch` (numbers go into the VM report / docs/architecture.md).

use std::time::Instant;

use theta::bytecode::VType::I64;
use theta::bytecode::{FunctionBuilder, Module, ModuleBuilder, Opcode as O};
use theta::vm::{Value, Vm};

fn module(build: impl FnOnce(&mut ModuleBuilder)) -> Module {
    let mut mb = ModuleBuilder::new();
    let init = mb.function("<init>", vec![], None, |f| {
        f.op(O::RetVoid, 0, 0, 0, 0);
    });
    mb.set_init(init);
    build(&mut mb);
    mb.finish().unwrap()
}

/// `s = 0; i = 0; while (i < n) { s = s + i; i = i + 1; } return s;` in three encodings.
fn loops() -> Module {
    module(|mb| {
        // Baseline: 4 instructions per iteration, all register-register, compare then branch.
        mb.function("base", vec![I64], Some(I64), |f| {
            let top = f.new_label();
            let done = f.new_label();
            f.op(O::LoadImm, 16, 0, 3, 0);
            f.op(O::LoadImm, 17, 0, 3, 0);
            f.op(O::LoadImm, 18, 0, 3, 1);
            f.bind(top);
            f.op(O::Lt, 19, 17, 2, 0);
            f.jump(O::JFalse, 19, 0, done);
            f.op(O::AddI64, 16, 16, 17, 0);
            f.op(O::AddI64, 17, 17, 18, 0);
            f.jump(O::Jmp, 0, 0, top);
            f.bind(done);
            f.op(O::Ret, 0, 16, 0, 0);
        });
        // Register-immediate increment, still compare + branch + jump.
        mb.function("imm", vec![I64], Some(I64), |f| {
            let top = f.new_label();
            let done = f.new_label();
            f.op(O::LoadImm, 16, 0, 3, 0);
            f.op(O::LoadImm, 17, 0, 3, 0);
            f.bind(top);
            f.op(O::Lt, 19, 17, 2, 0);
            f.jump(O::JFalse, 19, 0, done);
            f.op(O::AddI64, 16, 16, 17, 0);
            f.op(O::AddI64Ri, 17, 17, 0, 1);
            f.jump(O::Jmp, 0, 0, top);
            f.bind(done);
            f.op(O::Ret, 0, 16, 0, 0);
        });
        // Fused compare-and-branch at the bottom (loop inversion): 3 instructions per iteration.
        mb.function("fused", vec![I64], Some(I64), |f| {
            let top = f.new_label();
            let done = f.new_label();
            f.op(O::LoadImm, 16, 0, 3, 0);
            f.op(O::LoadImm, 17, 0, 3, 0);
            f.jump(O::Jge, 17, 2, done);
            f.bind(top);
            f.op(O::AddI64, 16, 16, 17, 0);
            f.op(O::AddI64Ri, 17, 17, 0, 1);
            f.jump(O::Jlt, 17, 2, top);
            f.bind(done);
            f.op(O::Ret, 0, 16, 0, 0);
        });
        let fib = mb.declare("fib", vec![I64], Some(I64));
        let mut f = FunctionBuilder::new(1);
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
    })
}

fn time(vm: &mut Vm, name: &str, n: i64, per: &str) {
    let mut best = f64::MAX;
    let mut instrs = 0;
    for _ in 0..5 {
        let t = Instant::now();
        let v = vm.call(name, &[Value::I64(n)]).unwrap();
        best = best.min(t.elapsed().as_secs_f64());
        instrs = vm.stats().instructions;
        std::hint::black_box(v);
    }
    println!(
        "{name:>6}({n}): {:8.2} ms  {:6.3} ns/{per}  {:6.3} ns/instruction  ({instrs} instructions)",
        best * 1e3,
        best * 1e9 / n as f64,
        best * 1e9 / instrs as f64,
    );
}

fn main() {
    let mut vm = Vm::new(loops()).expect("verifies");
    let n = 50_000_000;
    time(&mut vm, "base", n, "iter");
    time(&mut vm, "imm", n, "iter");
    time(&mut vm, "fused", n, "iter");
    let fib_n = 30;
    let mut best = f64::MAX;
    for _ in 0..3 {
        let t = Instant::now();
        vm.call("fib", &[Value::I64(fib_n)]).unwrap();
        best = best.min(t.elapsed().as_secs_f64());
    }
    let s = vm.stats();
    println!(
        "   fib({fib_n}): {:8.2} ms  {:6.3} ns/call  {:6.3} ns/instruction  ({} calls)",
        best * 1e3,
        best * 1e9 / s.calls as f64,
        best * 1e9 / s.instructions as f64,
        s.calls
    );
}
