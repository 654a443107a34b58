#!/usr/bin/env bash
# Checks that the optimised interpreter dispatches by sibling calls: in a release build of
# `theta`, no function but the driver (`Vm::exec`) may call through a handler table — a handler
# that `call`s the next one instead of jumping to it grows the native stack and costs a frame per
# instruction (docs/architecture.md, "Threaded dispatch"). Needs objdump (binutils).
# Usage: scripts/check-dispatch.sh [path/to/theta]   (default target/release/theta)
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:-target/release/theta}"
if ! command -v objdump >/dev/null; then
  echo "check-dispatch: objdump not found (install binutils); skipped" >&2
  exit 0
fi
if [ ! -x "$bin" ]; then
  echo "check-dispatch: $bin not found; build it with cargo build --release" >&2
  exit 2
fi
callers=$(objdump -d --no-show-raw-insn -C "$bin" |
  awk '/^[0-9a-f]+ <.*>:$/ { f = $0; sub(/^[0-9a-f]+ </, "", f); sub(/>:$/, "", f) }
       /call +\*.*\(%r[a-z0-9]+,%r[a-z0-9]+,8\)/ { print f }' | sort -u)
unexpected=$(printf '%s\n' "$callers" | grep -v -x 'theta::vm::host::Vm::exec' | grep -v '^$' || true)
if [ -n "$unexpected" ]; then
  echo "check-dispatch: $(printf '%s\n' "$unexpected" | wc -l) function(s) call through a table instead of a sibling jump (opt-level 0 build?):" >&2
  printf '%s\n' "$unexpected" | head -n 20 | sed 's/^/  /' >&2
  exit 1
fi
if ! printf '%s\n' "$callers" | grep -q -x 'theta::vm::host::Vm::exec'; then
  echo "check-dispatch: the driver Vm::exec no longer calls through the handler table; update" >&2
  echo "  this check if the driver moved" >&2
  exit 1
fi
echo "check-dispatch: ok (only Vm::exec calls through the handler table)"
