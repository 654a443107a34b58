//! `thetac disasm` listings of a handful of examples, snapshotted: the compiler's output for
//! real programs (functions, registers, instructions, source lines) is reviewed like code.

use std::process::Command;

const EXAMPLES: &[&str] = &[
    "hello",
    "fizzbuzz",
    "recursion",
    "structs_arrays",
    "function_values",
];

#[test]
fn disassembly_of_examples() {
    let dir = std::env::temp_dir().join(format!("theta-disasm-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for name in EXAMPLES {
        let src = format!("examples/{name}.theta");
        let out_path = dir.join(format!("{name}.thbc"));
        let compiled = Command::new(env!("CARGO_BIN_EXE_thetac"))
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(["compile", &src, "-o", out_path.to_str().unwrap()])
            .output()
            .expect("runs thetac compile");
        assert!(
            compiled.status.success(),
            "{src}: {}",
            String::from_utf8_lossy(&compiled.stderr)
        );
        let listing = Command::new(env!("CARGO_BIN_EXE_thetac"))
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(["disasm", out_path.to_str().unwrap()])
            .output()
            .expect("runs thetac disasm");
        assert!(listing.status.success());
        let text = String::from_utf8_lossy(&listing.stdout).into_owned();
        insta::assert_snapshot!(format!("disasm_{name}"), text);
    }
}
