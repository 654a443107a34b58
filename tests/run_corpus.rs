//! The run corpus: every program of `tests/check/valid/` that does not use the §8 DAG operators
//! is compiled and run by the `theta` binary, its exit status, stdout and stderr snapshotted as
//! `STATUS / STDOUT / STDERR` (print formats §7, integer semantics §6, init order §1, exit
//! status mod 256 §1/§10).
//!
//! `tests/run/programs/` adds programs written for this corpus (integer edge cases at every
//! width, init order across imports).
//!
//! Skipped (they build §8 dataflow nodes, which another part of the VM wires up): the files in
//! [`DAG_PROGRAMS`].

use std::path::Path;
use std::process::Command;

/// Corpus files that use `scan`/`filter`/`materialize`/`sort`… (§8 DAG operators).
const DAG_PROGRAMS: &[&str] = &[
    "dataflow_pipeline.theta",
    "dataflow_tables.theta",
    "table_builder.theta",
];

/// `path` relative to the crate root with `/` separators (cargo runs tests from the crate root).
fn relative(path: &Path) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.to_string_lossy().replace('\\', "/")
}

/// Runs `theta run <rel> [args]` from the crate root.
fn run(rel: &str, args: &[&str]) -> String {
    run_with(&[], rel, args)
}

/// Runs `theta run <flags> <rel> [args]` from the crate root; renders `STATUS / STDOUT / STDERR`.
fn run_with(flags: &[String], rel: &str, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_theta"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .arg("run")
        .args(flags)
        .arg(rel)
        .args(args)
        .output()
        .expect("runs theta");
    format!(
        "STATUS: {}\nSTDOUT:\n{}\nSTDERR:\n{}",
        out.status
            .code()
            .map_or("signal".to_string(), |c| c.to_string()),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn valid_programs_run() {
    insta::glob!("check/valid/*.theta", |path| {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if DAG_PROGRAMS.contains(&name.as_str()) {
            return;
        }
        let rel = relative(path);
        // `main_args.theta` gets a few arguments so §1's `main(args)` is exercised.
        let args: &[&str] = if name == "main_args.theta" {
            &["one", "two words", "3"]
        } else {
            &[]
        };
        insta::assert_snapshot!(run(&rel, args));
    });
}

#[test]
fn extra_programs_run() {
    // A first line `// ARGS: --flag value` passes flags to `theta run` (as in run_traps.rs).
    insta::glob!("run/programs/*.theta", |path| {
        let source = std::fs::read_to_string(path).unwrap();
        let flags: Vec<String> = source
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("// ARGS:"))
            .map(|rest| rest.split_whitespace().map(str::to_string).collect())
            .unwrap_or_default();
        insta::assert_snapshot!(run_with(&flags, &relative(path), &[]));
    });
}

#[test]
fn skipped_programs_exist() {
    // A stale skip list would silently hide a renamed file from the corpus.
    for name in DAG_PROGRAMS {
        let p = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/check/valid")
            .join(name);
        assert!(p.exists(), "{} is in DAG_PROGRAMS but missing", p.display());
    }
}
