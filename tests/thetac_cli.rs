//! `thetac check` exit statuses and output (§10): 0 and silent when valid, 1 with every
//! diagnostic on stderr when not, 2 on usage errors.

use std::process::Command;

fn thetac(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_thetac"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run thetac")
}

#[test]
fn valid_program_is_silent() {
    let out = thetac(&[
        "check",
        "tests/check/valid/structs.theta",
        "tests/check/valid/import_file.theta",
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty() && out.stderr.is_empty());
}

#[test]
fn invalid_program_exits_1_with_diagnostics() {
    let out = thetac(&[
        "check",
        "--color",
        "never",
        "tests/check/invalid/multiple_errors.theta",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    for code in ["E0100", "E0104", "E0108", "E0110"] {
        assert!(err.contains(code), "{code} missing from:\n{err}");
    }
    assert!(!err.contains('\u{1b}'), "no colour with --color never");
    assert!(out.stdout.is_empty());
}

#[test]
fn colour_is_forced_with_always() {
    let out = thetac(&[
        "check",
        "--color",
        "always",
        "tests/check/invalid/unknown_variable.theta",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains('\u{1b}'));
}

#[test]
fn missing_file_exits_1() {
    let out = thetac(&["check", "tests/check/does_not_exist.theta"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("E0134"));
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(thetac(&[]).status.code(), Some(2));
    assert_eq!(thetac(&["check"]).status.code(), Some(2));
    assert_eq!(
        thetac(&["check", "--color", "sometimes", "x.theta"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(thetac(&["frobnicate"]).status.code(), Some(2));
    let help = thetac(&["check", "--help"]);
    assert_eq!(help.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&help.stdout).contains("--color"));
}
