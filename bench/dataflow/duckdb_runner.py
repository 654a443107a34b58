#!/usr/bin/env python3
"""Runs one dataflow benchmark query on DuckDB with the same protocol as the Theta programs
(bench/dataflow/queries/common.theta), so the harness can time both the same way.

    duckdb_runner.py --data DIR --tables lineitem,orders --sql q1.sql --threads 1 --runs 5 --out r.csv

Loads DIR/TABLE.csv into in-memory tables (types auto-detected: TPC-H dates become DATE), then
runs the query as `CREATE OR REPLACE TEMP TABLE bench_result AS <query>` (the result is
materialised inside the engine, like Theta's materialize) once as a warm-up and RUNS times.
Prints load_seconds / warmup_seconds / query_seconds (once per run) / rows, then writes the
result with COPY (outside the timed region).
"""

from __future__ import annotations

import argparse
import sys
import time


def quote(path: str) -> str:
    return "'" + path.replace("'", "''") + "'"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True)
    ap.add_argument("--tables", required=True, help="comma-separated table names (DATA/NAME.csv)")
    ap.add_argument("--sql", required=True, help="file holding one SELECT")
    ap.add_argument("--threads", type=int, required=True)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    try:
        import duckdb
    except ImportError:
        print("duckdb is not installed: pip install duckdb", file=sys.stderr)
        return 2

    sql = open(args.sql).read().strip().rstrip(";")
    con = duckdb.connect()
    con.execute(f"SET threads = {args.threads}")
    start = time.perf_counter()
    for table in args.tables.split(","):
        con.execute(f"CREATE TABLE {table} AS SELECT * FROM read_csv({quote(f'{args.data}/{table}.csv')}, header = true)")
    print("load_seconds", time.perf_counter() - start, flush=True)

    statement = f"CREATE OR REPLACE TEMP TABLE bench_result AS {sql}"
    start = time.perf_counter()
    con.execute(statement)
    print("warmup_seconds", time.perf_counter() - start, flush=True)
    for _ in range(args.runs):
        start = time.perf_counter()
        con.execute(statement)
        print("query_seconds", time.perf_counter() - start, flush=True)
    print("rows", con.execute("SELECT count(*) FROM bench_result").fetchone()[0])
    con.execute(f"COPY bench_result TO {quote(args.out)} (HEADER)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
