//! Runtime traps end to end (§10, `docs/errors.md`): every program in `tests/run/traps/` traps
//! a few calls deep; the snapshot holds the exit status (always 3), the output printed before
//! the trap, and `error[Txxx]: message`, the location and the stack trace on stderr.
//!
//! A file may start with `// ARGS: --flag value …`: those flags go to `theta run` before the
//! file name (e.g. `--max-instructions 1000`).

use std::process::Command;

/// The flags of a leading `// ARGS:` comment, split on whitespace.
fn header_args(source: &str) -> Vec<String> {
    source
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("// ARGS:"))
        .map(|rest| rest.split_whitespace().map(str::to_string).collect())
        .unwrap_or_default()
}

#[test]
fn traps_report_code_location_and_stack() {
    insta::glob!("run/traps/*.theta", |path| {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let rel = path
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let source = std::fs::read_to_string(path).unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_theta"))
            .current_dir(root)
            .arg("run")
            .args(header_args(&source))
            .arg(&rel)
            .output()
            .expect("runs theta");
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(3), "{rel} must trap:\n{stderr}");
        assert!(stderr.starts_with("error[T"), "{rel}: {stderr}");
        assert!(stderr.contains("stack trace"), "{rel}: {stderr}");
        insta::assert_snapshot!(format!(
            "STATUS: {}\nSTDOUT:\n{}\nSTDERR:\n{}",
            out.status.code().unwrap(),
            String::from_utf8_lossy(&out.stdout),
            stderr
        ));
    });
}

#[test]
fn args_header_is_parsed() {
    assert_eq!(
        header_args("// ARGS: --max-instructions 1000\nfn main() {}"),
        ["--max-instructions", "1000"]
    );
    assert!(header_args("// nothing\n").is_empty());
}
