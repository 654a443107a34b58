#!/usr/bin/env bash
# Runs the table arena's tests (src/dataflow/arena.rs: `alloc_zeroed`, `alloc_filled` and the
# region slice views, the arena's `unsafe`) under Miri, in a scratch crate with the real
# memory accounting and a stubbed error type, like scripts/miri-heap.sh does for the VM heap.
# The one test that needs the whole engine (a materialized result) is left out.
# Needs: rustup +nightly component add miri rust-src
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="${MIRI_ARENA_DIR:-${TMPDIR:-/tmp}/theta-miri-arena}"
mkdir -p "$dir/src/dataflow"
cat > "$dir/Cargo.toml" <<'TOML'
[package]
name = "theta-miri-arena"
version = "0.0.0"
edition = "2024"

[dependencies]
bumpalo = { version = "=3.20.3", features = ["collections"] }
TOML
cat > "$dir/src/lib.rs" <<'RS'
//! Miri harness: the table arena with the real budget and a stubbed error type.
pub mod dataflow {
    pub mod buffer {
        pub const ALIGNMENT: usize = 64;
    }
    pub mod error {
        #[derive(Debug, Clone, PartialEq)]
        pub enum DataflowError {
            MemoryLimit { operator: String, requested: usize, used: usize, limit: usize },
            Plan { message: String },
            OutOfRange { message: String },
        }
        impl std::fmt::Display for DataflowError {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{self:?}")
            }
        }
        pub type Result<T> = std::result::Result<T, DataflowError>;
    }
    pub mod arena;
    pub mod memory;
}
RS
cp "$root/src/dataflow/memory.rs" "$dir/src/dataflow/memory.rs"
# The arena without the engine-wide test (from its #[test] line to the end of its body).
awk '
    /^    #\[test\]$/ { held = $0; next }
    held != "" && /fn a_materialized_result_lives_in_one_arena/ { skip = 1; held = ""; next }
    held != "" { print held; held = "" }
    skip && /^    }$/ { skip = 0; next }
    !skip { print }
' "$root/src/dataflow/arena.rs" > "$dir/src/dataflow/arena.rs"
cp "$root/Cargo.lock" "$dir/Cargo.lock"
cd "$dir" && cargo +nightly miri test --offline dataflow::arena "$@"
