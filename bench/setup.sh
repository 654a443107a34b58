#!/bin/sh
# Installs what the benchmark suites need on a fresh Debian/Ubuntu machine (run as root or
# with sudo): C compiler, Lua 5.4, LuaJIT, GNU time, profilers; DuckDB and tpchgen-cli for
# the dataflow suite. Rust/cargo is assumed to be installed already (https://rustup.rs).
set -eu
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update
$SUDO apt-get install -y gcc lua5.4 luajit time valgrind python3-pip
# perf is optional (linux-tools-$(uname -r) on Ubuntu, linux-perf on Debian).
$SUDO apt-get install -y "linux-tools-$(uname -r)" 2>/dev/null || $SUDO apt-get install -y linux-perf 2>/dev/null || \
    echo "note: perf not installed (optional; see docs/performance.md)"
python3 -m pip install duckdb tpchgen-cli
echo "ok: run bench/run.sh (procedural) and bench/dataflow/run.sh (dataflow)"
