#!/usr/bin/env bash
# Runs the VM heap's tests (src/vm/heap/tests.rs) under Miri, which checks every access of the
# heap's `unsafe` payload code. The heap is built alone in a scratch crate (with stubs for the
# trap and dataflow-error types it names), because the whole crate's dependencies do not all run
# under Miri. Needs: rustup +nightly component add miri rust-src
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="${MIRI_HEAP_DIR:-${TMPDIR:-/tmp}/theta-miri-heap}"
mkdir -p "$dir/src/vm/heap" "$dir/src/dataflow"
cat > "$dir/Cargo.toml" <<'TOML'
[package]
name = "theta-miri-heap"
version = "0.0.0"
edition = "2024"

[dependencies]
bumpalo = { version = "=3.20.3", features = ["collections"] }
TOML
cat > "$dir/src/lib.rs" <<'RS'
//! Miri harness: the VM heap with stubbed trap and dataflow-error types.
pub mod dataflow {
    pub mod error {
        #[derive(Debug, PartialEq)]
        pub enum DataflowError {
            MemoryLimit { operator: String, requested: usize, used: usize, limit: usize },
        }
        pub type Result<T> = std::result::Result<T, DataflowError>;
    }
    pub mod arena {
        #[derive(Clone, Debug, Default)]
        pub struct TableArena;
        impl TableArena {
            pub fn new(_: &super::memory::MemoryAccount) -> TableArena { TableArena }
        }
    }
    pub mod memory;
}
pub mod vm {
    pub mod trap {
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum TrapKind { MemoryLimitExceeded }
        #[derive(Debug)]
        pub struct Trap { pub kind: TrapKind, pub message: String }
        impl Trap {
            pub fn new(kind: TrapKind, message: impl Into<String>) -> Trap {
                Trap { kind, message: message.into() }
            }
        }
    }
    pub mod heap;
}
RS
cp "$root/src/dataflow/memory.rs" "$dir/src/dataflow/memory.rs"
cp "$root/src/vm/heap.rs" "$dir/src/vm/heap.rs"
cp "$root/src/vm/heap/tests.rs" "$dir/src/vm/heap/tests.rs"
cp "$root/Cargo.lock" "$dir/Cargo.lock"
cd "$dir" && cargo +nightly miri test --offline vm::heap "$@"
