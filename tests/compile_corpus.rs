//! Every valid checker test program (`tests/check/valid/*.theta`) compiles, passes the bytecode
//! verifier, survives a `.thbc` round trip and compiles to identical bytes twice.

use std::path::Path;
use theta::bytecode::{disassemble, load, verify};
use theta::compile::{compile_file, compile_source};

#[test]
fn every_valid_program_compiles_and_verifies() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/check/valid");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/check/valid exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "theta"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty());
    let mut failures = Vec::new();
    for path in &paths {
        let m = match compile_file(path) {
            Ok(m) => m,
            Err(e) => {
                failures.push(format!("{}: {}", path.display(), e.render()));
                continue;
            }
        };
        if let Err(e) = verify(&m) {
            failures.push(format!(
                "{}: verify: {e}\n{}",
                path.display(),
                disassemble(&m)
            ));
            continue;
        }
        let bytes = m.to_bytes();
        match load(&bytes) {
            Ok(back) if back == m => {}
            Ok(_) => failures.push(format!("{}: round trip changed the module", path.display())),
            Err(e) => failures.push(format!("{}: load: {e}", path.display())),
        }
        let again = compile_file(path).expect("compiles twice");
        if again.to_bytes() != bytes {
            failures.push(format!("{}: not deterministic", path.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// End to end from source text: a loop, a call and a print (disassembly snapshot).
#[test]
fn source_to_disassembly() {
    let src = "fn square(x: i64) -> i64 {\n    return x * x;\n}\n\nfn main() {\n    i64 total = 0;\n    for (i64 i = 0; i < 10; i++) {\n        total += square(i);\n    }\n    print(\"total\", total);\n}\n";
    let m = compile_source("demo.theta", src).unwrap_or_else(|e| panic!("{}", e.render()));
    verify(&m).expect("verifies");
    insta::assert_snapshot!(disassemble(&m));
}

/// A program with errors reports them instead of compiling.
#[test]
fn check_errors_are_reported() {
    let err = compile_source("bad.theta", "fn main() { i64 x = true; }").unwrap_err();
    assert!(err.render().contains("E0104"), "{}", err.render());
}

/// Expressions nested as deep as the parser allows compile without exhausting the stack.
#[test]
fn deeply_nested_expressions_compile() {
    let mut e = String::from("x");
    for _ in 0..200 {
        e = format!("(x + {e})");
    }
    let src = format!("fn f(x: i64) -> i64 {{ return {e}; }}\n");
    let m = compile_source("deep.theta", &src).unwrap_or_else(|e| panic!("{}", e.render()));
    verify(&m).expect("verifies");
}
