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

/// A long straight-line function (5000 locals, each live briefly) and a function where 2000
/// values stay live at once compile quickly and verify.
#[test]
fn large_functions_compile() {
    let mut src = String::from("fn chain() -> i64 {\n    i64 x0 = 1;\n");
    for k in 1..5000 {
        src.push_str(&format!("    i64 x{k} = x{} * 3 + {k};\n", k - 1));
    }
    src.push_str("    return x4999;\n}\nfn wide(a: i64) -> i64 {\n");
    for k in 0..2000 {
        src.push_str(&format!("    i64 y{k} = a + {k};\n"));
    }
    src.push_str("    i64 s = 0;\n");
    for k in 0..2000 {
        src.push_str(&format!("    s += y{k};\n"));
    }
    src.push_str("    return s;\n}\n");
    let start = std::time::Instant::now();
    let m = compile_source("big.theta", &src).unwrap_or_else(|e| panic!("{}", e.render()));
    verify(&m).expect("verifies");
    let wide = &m.functions[m.function_index("wide").unwrap() as usize];
    assert!(wide.num_spill_slots >= 2000 - 252);
    assert!(start.elapsed().as_secs() < 30, "{:?}", start.elapsed());
}
