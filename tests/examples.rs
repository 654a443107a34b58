//! Runs every program in `examples/` with `theta run` and snapshots stdout, stderr and the exit
//! status (the README's first command runs one of them).

use std::path::Path;
use std::process::Command;

/// Runs `theta run <path> <args>` from the repository root and renders the outcome.
fn run_example(path: &Path, args: &[&str]) -> String {
    let root = env!("CARGO_MANIFEST_DIR");
    let rel = path.strip_prefix(root).unwrap_or(path);
    let output = Command::new(env!("CARGO_BIN_EXE_theta"))
        .arg("run")
        .arg(rel)
        .args(args)
        .current_dir(root)
        .output()
        .expect("the theta binary runs");
    format!(
        "STATUS: {}\n\nSTDOUT:\n{}\nSTDERR:\n{}",
        output
            .status
            .code()
            .map_or("killed by a signal".to_string(), |c| c.to_string()),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn examples_run_as_snapshotted() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::create_dir_all(root.join("target")).expect("target dir");
    let mut count = 0;
    insta::glob!("../examples", "*.theta", |path| {
        let args: &[&str] = match path.file_name().and_then(|n| n.to_str()) {
            Some("args.theta") => &["40", "2", "300"],
            _ => &[],
        };
        insta::assert_snapshot!(run_example(path, args));
        count += 1;
    });
    assert!(count >= 15, "expected at least 15 examples, found {count}");
}
