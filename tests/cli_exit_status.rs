//! Exit statuses of `theta` and `thetac` (§1, §10): 0, main's status mod 256, 1 for compile
//! errors and corrupt modules, 2 for usage errors, 3 for traps; `thetac compile` determinism,
//! `.thbc` runs equal to source runs, and `main(args)` receiving the arguments.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A fresh temporary directory for this test.
fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("theta-cli-exit-{}-{tag}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Writes `source` as `name` under `dir`.
fn write(dir: &Path, name: &str, source: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, source).unwrap();
    p
}

fn theta(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_theta"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .expect("runs theta")
}

fn thetac(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_thetac"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .expect("runs thetac")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs a one-off program and returns (status, stdout, stderr).
fn run_source(tag: &str, source: &str, args: &[&str]) -> (Option<i32>, String, String) {
    let dir = temp_dir(tag);
    let file = write(&dir, "prog.theta", source);
    let mut all = vec!["run", file.to_str().unwrap()];
    all.extend_from_slice(args);
    let out = theta(&all);
    (out.status.code(), text(&out.stdout), text(&out.stderr))
}

#[test]
fn main_status_is_taken_mod_256() {
    for (ret, want) in [
        ("fn main() -> i64 { return 0; }", 0),
        ("fn main() -> i64 { return 300; }", 44),
        ("fn main() -> i64 { return -1; }", 255),
        ("fn main() -> i64 { return 256; }", 0),
        ("fn main() -> i32 { return 7; }", 7),
        ("fn main() -> i32 { return -2147483648; }", 0),
        ("fn main() -> i64 { return 9223372036854775807; }", 255),
        ("fn main() -> i32 { return 511; }", 255),
        ("fn main() { }", 0),
        ("print(1);", 0),
    ] {
        let (status, _, stderr) = run_source("mod256", ret, &[]);
        assert_eq!(status, Some(want), "{ret}: {stderr}");
        assert!(stderr.is_empty(), "{ret}: {stderr}");
    }
}

#[test]
fn main_receives_its_arguments() {
    let src = "fn main(args: string[]) -> i64 { print(len(args), args); return len(args); }";
    let (status, out, _) = run_source("args", src, &["a b", "--flag", "", "é"]);
    assert_eq!(status, Some(4));
    assert_eq!(out, "4 [\"a b\", \"--flag\", \"\", \"é\"]\n");
    let (status, out, _) = run_source("noargs", src, &[]);
    assert_eq!((status, out.as_str()), (Some(0), "0 []\n"));
}

#[test]
fn compile_errors_exit_1_with_diagnostics() {
    let dir = temp_dir("compile-errors");
    let bad = write(&dir, "bad.theta", "i64 x = \"a\";\nprint(y);\n");
    let bad = bad.to_str().unwrap();
    for out in [
        theta(&["run", bad]),
        thetac(&["check", bad]),
        thetac(&["compile", bad]),
    ] {
        assert_eq!(out.status.code(), Some(1));
        let err = text(&out.stderr);
        // §10: all errors of a file are reported.
        assert!(err.contains("E0104") && err.contains("E0100"), "{err}");
        assert!(out.stdout.is_empty());
    }
    assert!(
        !dir.join("bad.thbc").exists(),
        "no module is written on errors"
    );
}

#[test]
fn corrupt_modules_exit_1_without_panicking() {
    let dir = temp_dir("corrupt");
    let src = write(&dir, "ok.theta", "print(\"fine\");\n");
    let thbc = dir.join("ok.thbc");
    let out = thetac(&[
        "compile",
        src.to_str().unwrap(),
        "-o",
        thbc.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let good = std::fs::read(&thbc).unwrap();

    let mut cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty", vec![]),
        ("garbage", b"not a flatbuffer at all".to_vec()),
        ("truncated", good[..good.len() / 2].to_vec()),
    ];
    let mut flipped = good.clone();
    for b in flipped.iter_mut().skip(8).step_by(7) {
        *b ^= 0x5A;
    }
    cases.push(("flipped", flipped));
    let mut wrong_id = good.clone();
    wrong_id[4..8].copy_from_slice(b"XXXX");
    cases.push(("identifier", wrong_id));

    for (name, bytes) in cases {
        let path = dir.join(format!("{name}.thbc"));
        std::fs::write(&path, &bytes).unwrap();
        for out in [
            theta(&["run", path.to_str().unwrap()]),
            thetac(&["disasm", path.to_str().unwrap()]),
        ] {
            let err = text(&out.stderr);
            assert_eq!(out.status.code(), Some(1), "{name}: {err}");
            assert!(!err.contains("panicked"), "{name}: {err}");
            assert!(!err.trim().is_empty(), "{name}: a clear message is printed");
        }
    }
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &["run", "--no-such-flag", "examples/hello.theta"][..],
        &["run"][..],
        &["frobnicate"][..],
        &["run", "--max-instructions", "many", "examples/hello.theta"][..],
        &[][..],
    ] {
        let out = theta(args);
        assert_eq!(
            out.status.code(),
            Some(2),
            "theta {args:?}: {}",
            text(&out.stderr)
        );
    }
    for args in [
        &["compile"][..],
        &["check", "--bogus", "examples/hello.theta"][..],
        &["disasm"][..],
        &[][..],
    ] {
        let out = thetac(args);
        assert_eq!(
            out.status.code(),
            Some(2),
            "thetac {args:?}: {}",
            text(&out.stderr)
        );
    }
}

#[test]
fn missing_file_exits_1() {
    let out = theta(&["run", "tests/no/such/file.theta"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let out = theta(&["run", "tests/no/such/file.thbc"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
}

#[test]
fn traps_exit_3_after_flushing_output() {
    let (status, out, err) = run_source(
        "trap",
        "fn main() -> i64 { print(\"partial\"); i64[] a = [1]; return a[2]; }",
        &[],
    );
    assert_eq!(status, Some(3));
    assert_eq!(out, "partial\n");
    assert!(err.starts_with("error[T0002]"), "{err}");
}

#[test]
fn compile_is_deterministic_and_thbc_runs_like_source() {
    let dir = temp_dir("determinism");
    for example in [
        "examples/fizzbuzz.theta",
        "examples/structs_arrays.theta",
        "examples/function_values.theta",
        "examples/recursion.theta",
        "examples/imports.theta",
        "tests/check/valid/main_args.theta",
        "tests/check/valid/globals.theta",
    ] {
        let stem = Path::new(example).file_stem().unwrap().to_str().unwrap();
        let a = dir.join(format!("{stem}-a.thbc"));
        let b = dir.join(format!("{stem}-b.thbc"));
        for out in [&a, &b] {
            let o = thetac(&["compile", example, "-o", out.to_str().unwrap()]);
            assert_eq!(o.status.code(), Some(0), "{example}: {}", text(&o.stderr));
        }
        assert_eq!(
            std::fs::read(&a).unwrap(),
            std::fs::read(&b).unwrap(),
            "{example}: compiling twice gives the same bytes"
        );
        let from_source = theta(&["run", example, "x", "y"]);
        let from_module = theta(&["run", a.to_str().unwrap(), "x", "y"]);
        assert_eq!(
            from_source.status.code(),
            from_module.status.code(),
            "{example}"
        );
        assert_eq!(
            text(&from_source.stdout),
            text(&from_module.stdout),
            "{example}"
        );
        assert_eq!(
            text(&from_source.stderr),
            text(&from_module.stderr),
            "{example}"
        );
    }
}

#[test]
fn compile_writes_next_to_the_source_by_default() {
    let dir = temp_dir("default-out");
    let src = write(&dir, "prog.theta", "fn main() -> i64 { return 300; }\n");
    let out = thetac(&["compile", src.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let thbc = dir.join("prog.thbc");
    let out = theta(&["run", thbc.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(44));
}

/// `theta FILE [ARGS]` is `theta run FILE [ARGS]` and `thetac FILE [-o OUT]` is
/// `thetac compile FILE [-o OUT]` (docs/language.md, "Command line"); a first argument that is
/// neither a subcommand nor a program stays a usage error (status 2).
#[test]
fn file_first_shorthands() {
    let dir = temp_dir("shorthand");
    let src = write(
        &dir,
        "prog.theta",
        "fn main(args: string[]) -> i64 { print(args); return 40 + len(args); }\n",
    );
    let out = theta(&[src.to_str().unwrap(), "a", "--b"]);
    assert_eq!(out.status.code(), Some(42), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "[\"a\", \"--b\"]\n");
    let out = thetac(&[src.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let thbc = dir.join("prog.thbc");
    let out = theta(&[thbc.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(40), "{}", text(&out.stderr));
    let named = dir.join("named.thbc");
    let out = thetac(&[src.to_str().unwrap(), "-o", named.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(named.is_file());
    assert_eq!(theta(&["runn", "x"]).status.code(), Some(2));
    assert_eq!(thetac(&["compil", "x"]).status.code(), Some(2));
}
