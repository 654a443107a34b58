#!/usr/bin/env bash
# Runs the register stack's tests (src/vm/frame.rs) under Miri with both aliasing models: the
# dispatch handlers' register windows are raw pointers into one `Vec<u64>` that calls and
# returns slide and grow while earlier handlers (real nested calls in an unoptimised build) are
# still live. frame.rs needs only the instruction type (stubbed here), so it is built alone in a scratch crate.
# Needs: rustup +nightly component add miri rust-src
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="${MIRI_FRAME_DIR:-${TMPDIR:-/tmp}/theta-miri-frame}"
mkdir -p "$dir/src"
cat > "$dir/Cargo.toml" <<'TOML'
[package]
name = "theta-miri-frame"
version = "0.0.0"
edition = "2024"
TOML
cat > "$dir/src/lib.rs" <<'RS'
//! Miri harness: the register stack with a stubbed instruction type.
pub mod bytecode {
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum Opcode {
        Nop,
    }
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct Instr {
        pub op: Opcode,
        pub a: u8,
        pub b: u8,
        pub c: u8,
        pub imm: i32,
    }
    impl Instr {
        pub const fn new(op: Opcode, a: u8, b: u8, c: u8, imm: i32) -> Instr {
            Instr { op, a, b, c, imm }
        }
    }
}
pub mod frame;
RS
cp "$root/src/vm/frame.rs" "$dir/src/frame.rs"
cd "$dir"
cargo +nightly miri test --quiet
MIRIFLAGS="-Zmiri-tree-borrows" cargo +nightly miri test --quiet
