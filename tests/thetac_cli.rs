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

/// `-o` naming a device or FIFO writes through it: renaming a temporary file over it (as
/// regular files are replaced) once turned `/dev/null` into a regular file.
#[test]
fn output_to_a_fifo_writes_through_it() {
    use std::io::Read;
    use std::os::unix::fs::FileTypeExt;
    let dir = std::env::temp_dir().join(format!("theta-thetac-fifo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let fifo = dir.join("module.thbc");
    let _ = std::fs::remove_file(&fifo);
    if !Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success())
    {
        eprintln!("skipped: mkfifo unavailable");
        return;
    }
    // A second name releases the reader if thetac replaced the FIFO instead of writing to it.
    let spare = dir.join("spare");
    let _ = std::fs::remove_file(&spare);
    std::fs::hard_link(&fifo, &spare).unwrap();
    let reader_path = fifo.clone();
    let reader = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        std::fs::File::open(reader_path)
            .unwrap()
            .read_to_end(&mut bytes)
            .unwrap();
        bytes
    });
    let out = thetac(&[
        "compile",
        "tests/check/valid/structs.theta",
        "-o",
        fifo.to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let kind = std::fs::symlink_metadata(&fifo).unwrap().file_type();
    if !kind.is_fifo() {
        drop(std::fs::File::create(&spare));
        let _ = reader.join();
        panic!("thetac replaced the FIFO with {kind:?}");
    }
    let bytes = reader.join().unwrap();
    assert!(
        theta::bytecode::load(&bytes).is_ok(),
        "a whole module came through the FIFO"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
