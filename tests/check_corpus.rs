//! The checker corpus: every program in `tests/check/valid/` must check cleanly, every program
//! in `tests/check/invalid/` must fail, its diagnostics snapshotted in the `SOURCE / ERROR`
//! format, and every checker error code of `docs/errors.md` must appear in some snapshot.

use std::path::{Path, PathBuf};

/// `path` relative to the crate root with `/` separators, so diagnostics and snapshots never
/// contain machine-specific paths (cargo runs tests from the crate root).
fn relative(path: &Path) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let rel = path.strip_prefix(root).unwrap_or(path);
    PathBuf::from(rel.to_string_lossy().replace('\\', "/"))
}

#[test]
fn valid_programs_check_cleanly() {
    insta::glob!("check/valid/*.theta", |path| {
        let rel = relative(path);
        if let Err(failure) = theta::check::check_file(&rel) {
            panic!(
                "{} should check cleanly:\n{}",
                rel.display(),
                failure.render()
            );
        }
    });
}

#[test]
fn invalid_programs_report_errors() {
    insta::glob!("check/invalid/*.theta", |path| {
        let rel = relative(path);
        let failure = match theta::check::check_file(&rel) {
            Ok(_) => panic!("{} should fail to check", rel.display()),
            Err(f) => f,
        };
        let source =
            String::from_utf8_lossy(&std::fs::read(path).expect("corpus file")).into_owned();
        insta::assert_snapshot!(format!("SOURCE:\n{source}\nERROR:\n{}", failure.render()));
    });
}

/// Codes that no single corpus program can show, with the test that covers them instead.
const NOT_IN_CORPUS: &[(&str, &str)] = &[
    (
        "E0134",
        "an unreadable entry file: `unreadable_file_is_reported` below",
    ),
    (
        "E0131",
        "needs the dataflow validator; the span mapping is unit-tested in check::dfstrings",
    ),
    (
        "E0140",
        "nesting beyond the parser's own limit: `check::tests::deep_nesting_is_reported`",
    ),
];

#[test]
fn every_checker_code_is_exercised() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let docs = std::fs::read_to_string(root.join("docs/errors.md")).expect("docs/errors.md");
    let mut snapshots = String::new();
    for entry in std::fs::read_dir(root.join("tests/snapshots")).expect("snapshots") {
        let path = entry.expect("entry").path();
        let name = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        if name.starts_with("check_corpus__invalid") {
            snapshots.push_str(&std::fs::read_to_string(&path).expect("snapshot"));
        }
    }
    let mut missing = Vec::new();
    for code in theta::check::codes::ALL {
        assert!(
            docs.contains(&format!("| {code} |")),
            "{code} is not documented in docs/errors.md"
        );
        let exempt = NOT_IN_CORPUS.iter().any(|(c, _)| c == code);
        if !exempt && !snapshots.contains(&format!("[{code}]")) {
            missing.push(*code);
        }
    }
    assert!(
        missing.is_empty(),
        "codes without an invalid program: {missing:?}"
    );
}

#[test]
fn unreadable_file_is_reported() {
    let failure = theta::check::check_file(Path::new("tests/check/no/such/file.theta"))
        .expect_err("a missing file cannot check");
    assert_eq!(failure.diagnostics.len(), 1);
    assert_eq!(failure.diagnostics[0].code, "E0134");
    assert!(
        failure
            .render()
            .contains("cannot read `tests/check/no/such/file.theta`")
    );
}

/// Never panic, whatever the (recovered) syntax tree: every prefix of every valid program, cut
/// at many places, is checked without a crash.
#[test]
fn truncated_programs_never_panic() {
    insta::glob!("check/valid/*.theta", |path| {
        let rel = relative(path);
        let text = std::fs::read_to_string(path).expect("corpus file");
        let name = rel.to_string_lossy().into_owned();
        let mut cut = 0;
        while cut < text.len() {
            if text.is_char_boundary(cut) {
                let _ = theta::check::check_source(&name, &text[..cut]);
                let mut spliced = String::from(&text[..cut]);
                spliced.push_str(" ) ; } x");
                spliced.push_str(&text[cut..]);
                let _ = theta::check::check_source(&name, &spliced);
            }
            cut += 13;
        }
    });
}
