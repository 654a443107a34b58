//! `theta run` end to end on hand-assembled `.thbc` modules: output, exit statuses (§10),
//! trap rendering, `--stats`, `--trace` and the limits.

use std::path::PathBuf;
use std::process::Command;

use theta::bytecode::VType::{self, I64, Str};
use theta::bytecode::{MainInfo, MainReturn, ModuleBuilder, Opcode as O};

fn write_module(name: &str, build: impl FnOnce(&mut ModuleBuilder)) -> PathBuf {
    let mut mb = ModuleBuilder::new();
    mb.source_file("cli.theta");
    let init = mb.function("<init>", vec![], None, |f| {
        f.op(O::RetVoid, 0, 0, 0, 0);
    });
    mb.set_init(init);
    build(&mut mb);
    let bytes = mb.finish().unwrap().to_bytes();
    let dir = std::env::temp_dir().join(format!("theta-vm-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn theta(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_theta"))
        .args(args)
        .output()
        .expect("runs theta");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `fn main(args: string[]) -> i64 { print(args); return 100 / (len(args) - 2) + 300; }`
fn echo_module(name: &str) -> PathBuf {
    write_module(name, |mb| {
        let strs = mb.type_index(VType::array(Str));
        let main = mb.function("main", vec![VType::array(Str)], Some(I64), |f| {
            f.at(0, 1, 1);
            f.op(O::PrintValue, 0, 2, 0, strs);
            f.op(O::PrintNewline, 0, 0, 0, 0);
            f.op(O::ArrayLen, 16, 2, 0, 0);
            f.op(O::SubI64Ri, 16, 16, 0, 2);
            f.op(O::LoadImm, 17, 0, 3, 100);
            f.at(0, 2, 12);
            f.op(O::DivI64, 18, 17, 16, 0);
            f.op(O::AddI64Ri, 1, 18, 0, 300);
            f.op(O::Ret, 0, 1, 0, 0);
        });
        mb.set_main(MainInfo {
            func: main,
            takes_args: true,
            returns: MainReturn::I64,
        });
    })
}

#[test]
fn runs_a_module_with_args_and_returns_status_mod_256() {
    let path = echo_module("echo1.thbc");
    let p = path.to_str().unwrap();
    // 100 / (3 - 2) + 300 = 400 → 400 mod 256 = 144.
    let (code, out, err) = theta(&["run", p, "a", "-b", "c d"]);
    assert_eq!(out, "[\"a\", \"-b\", \"c d\"]\n");
    assert_eq!(err, "");
    assert_eq!(code, 144);
}

#[test]
fn a_trap_prints_code_location_and_stack_and_exits_3() {
    let path = echo_module("echo2.thbc");
    let (code, out, err) = theta(&["run", path.to_str().unwrap(), "x", "y"]);
    assert_eq!(code, 3);
    assert_eq!(out, "[\"x\", \"y\"]\n", "output before the trap is flushed");
    assert_eq!(
        err,
        "error[T0001]: division by zero\n  --> cli.theta:2:12\nstack trace (innermost first):\n    at main (cli.theta:2:12)\n"
    );
}

#[test]
fn limits_and_stats() {
    let path = echo_module("echo3.thbc");
    let p = path.to_str().unwrap();
    let (code, _, err) = theta(&["run", "--max-instructions", "3", p]);
    assert_eq!(code, 3);
    assert!(
        err.starts_with("error[T0007]: instruction budget exhausted"),
        "{err}"
    );
    let (code, _, err) = theta(&["run", "--stats", p, "1", "2", "3"]);
    assert_eq!(code, (100 + 300) % 256);
    assert!(err.contains("instructions: 9\n"), "{err}");
    assert!(
        err.contains("calls: 0\n") && err.contains("peak memory: "),
        "{err}"
    );
    let (_, _, err) = theta(&["run", "--trace", p, "1", "2", "3"]);
    assert!(
        err.contains("[main:5 line 2] DIV_I64 18 17 16 0  ; r18 = 100 (0x64)"),
        "{err}"
    );
}

#[test]
fn verify_and_usage_errors() {
    let dir = std::env::temp_dir().join(format!("theta-vm-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.thbc");
    std::fs::write(&bad, b"not a module at all").unwrap();
    let (code, _, err) = theta(&["run", bad.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(err.starts_with("error: "), "{err}");
    let (code, _, _) = theta(&["run", dir.join("missing.thbc").to_str().unwrap()]);
    assert_eq!(code, 1);
    let (code, _, _) = theta(&["run"]);
    assert_eq!(code, 2);
    let (code, _, _) = theta(&["run", "--max-memory", "lots", "x.thbc"]);
    assert_eq!(code, 2);
    let (code, _, _) = theta(&["frobnicate"]);
    assert_eq!(code, 2);
}
