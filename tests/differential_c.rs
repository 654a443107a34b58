//! Differential test against C (issue: the VM). Random Theta programs (integer and float
//! arithmetic of every width, casts, loops, branches, arrays, calls) run on the VM and, as C twins
//! that spell out the contract's wrapping and saturating rules, compiled by gcc; outputs must be
//! identical. A fixed seed set runs in CI; `THETA_DIFF_SEEDS=5000` (and `THETA_DIFF_FIRST`) run
//! more on demand. Skips with a message when gcc is missing.

#[path = "diff/program_gen.rs"]
mod program_gen;

use std::path::Path;
use std::process::Command;

const PRELUDE: &str = include_str!("diff/prelude.c");

fn gcc_available() -> bool {
    Command::new("gcc")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn run_seed(seed: u64, dir: &Path) -> Result<(), String> {
    let (theta_src, c_body) = program_gen::Gen::new(seed).program();
    let theta_path = dir.join(format!("seed{seed}.theta"));
    let c_path = dir.join(format!("seed{seed}.c"));
    let exe_path = dir.join(format!("seed{seed}"));
    std::fs::write(&theta_path, &theta_src).map_err(|e| e.to_string())?;
    std::fs::write(&c_path, format!("{PRELUDE}\n{c_body}")).map_err(|e| e.to_string())?;
    let gcc = Command::new("gcc")
        .args(["-O1", "-w", "-o"])
        .arg(&exe_path)
        .arg(&c_path)
        .arg("-lm")
        .output()
        .map_err(|e| e.to_string())?;
    if !gcc.status.success() {
        return Err(format!(
            "seed {seed}: gcc failed:\n{}",
            String::from_utf8_lossy(&gcc.stderr)
        ));
    }
    let expected = Command::new(&exe_path)
        .output()
        .map_err(|e| e.to_string())?;
    let actual = Command::new(env!("CARGO_BIN_EXE_theta"))
        .arg("run")
        .arg(&theta_path)
        .output()
        .map_err(|e| e.to_string())?;
    if expected.stdout != actual.stdout || actual.status.code() != Some(0) {
        return Err(format!(
            "seed {seed}: outputs differ\n--- program ---\n{theta_src}\n--- C (gcc) ---\n{}\n--- theta (status {:?}) ---\n{}{}",
            String::from_utf8_lossy(&expected.stdout),
            actual.status.code(),
            String::from_utf8_lossy(&actual.stdout),
            String::from_utf8_lossy(&actual.stderr),
        ));
    }
    Ok(())
}

#[test]
fn random_programs_agree_with_gcc() {
    if !gcc_available() {
        eprintln!("skipping the differential test: gcc is not installed");
        return;
    }
    let count: u64 = std::env::var("THETA_DIFF_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(120);
    let first: u64 = std::env::var("THETA_DIFF_FIRST")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    let dir = std::env::temp_dir().join(format!("theta-diff-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let failures: Vec<String> = (first..first + count)
        .filter_map(|seed| run_seed(seed, &dir).err())
        .collect();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        failures.is_empty(),
        "{} of {count} seeds disagree; first:\n{}",
        failures.len(),
        failures[0]
    );
}

#[test]
fn generator_is_deterministic_and_varied() {
    let a = program_gen::Gen::new(7).program();
    let b = program_gen::Gen::new(7).program();
    let c = program_gen::Gen::new(8).program();
    assert_eq!(a, b);
    assert_ne!(a.0, c.0);
    assert!(a.0.contains("fn main()"));
    assert!(a.1.contains("int main(void)"));
}
