//! The stdlib's own tests, written in Theta: every `tests/stdlib/*.theta` asserts the behaviour
//! of the functions of `stdlib/math.theta`, `stdlib/strings.theta` and `stdlib/arrays.theta`
//! (§7) and must exit 0 with nothing on stderr (a failed `assert` traps with status 3).

use std::path::Path;
use std::process::Command;

#[test]
fn stdlib_tests_pass() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut ran = Vec::new();
    for entry in std::fs::read_dir(root.join("tests/stdlib")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "theta") {
            continue;
        }
        let rel = path
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let out = Command::new(env!("CARGO_BIN_EXE_theta"))
            .current_dir(root)
            .args(["run", &rel])
            .output()
            .expect("runs theta");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.code() == Some(0) && stderr.is_empty(),
            "{rel} failed with status {:?}:\n{stderr}",
            out.status.code()
        );
        ran.push(path.file_name().unwrap().to_string_lossy().into_owned());
    }
    ran.sort();
    // One test file per stdlib module.
    assert_eq!(ran, ["arrays.theta", "math.theta", "strings.theta"]);
}

#[test]
fn a_failing_stdlib_assert_is_reported() {
    // The harness must notice failures: an assert that fails exits 3 with the message.
    let dir = std::env::temp_dir().join(format!("theta-stdlib-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("failing.theta");
    std::fs::write(
        &file,
        "import strings;\nassert(strings.repeat(\"ab\", 2) == \"ab\", \"repeat twice\");\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_theta"))
        .arg("run")
        .arg(&file)
        .output()
        .expect("runs theta");
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("repeat twice"));
}
