#!/bin/sh
# Measures peak RSS of reading a ~1 GB CSV with a release `theta run` (docs/dataflow.md).
# usage: bench/dataflow/memory/measure.sh [BYTES]   (run from the repository root)
set -eu
csv=/tmp/theta_big.csv
python3 bench/dataflow/memory/gen_big_csv.py "$csv" "${1:-1000000000}"
ls -l "$csv"
/usr/bin/time -v target/release/theta run bench/dataflow/memory/read_big_csv.theta 2>/tmp/theta_big.time
grep -E "Maximum resident|Elapsed" /tmp/theta_big.time
rm -f "$csv"
