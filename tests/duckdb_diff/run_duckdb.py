#!/usr/bin/env python3
"""Runs the differential queries through DuckDB for tests/dataflow_duckdb.rs.

Usage: run_duckdb.py SETUP_SQL QUERIES_FILE

SETUP_SQL creates and loads the generated tables. QUERIES_FILE holds queries separated by
lines `-- query N`. For each query the output is a line `## N` followed by one line per row,
cells separated by tabs and encoded as: `N` null, `B1`/`B0` bool, `I<int>`, `F<float repr>`,
`S<text>` (with backslash, tab and newline escaped). A failing query prints `## N ERROR msg`.
"""
import sys

import duckdb


def cell(v):
    if v is None:
        return "N"
    if isinstance(v, bool):
        return "B1" if v else "B0"
    if isinstance(v, int):
        return "I%d" % v
    if isinstance(v, float):
        return "F" + repr(v)
    s = str(v).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
    return "S" + s


def main():
    setup, queries = sys.argv[1], sys.argv[2]
    con = duckdb.connect()
    con.execute("SET threads=1")
    try:
        # DuckDB 1.x returns NULL for integer division by zero; 2.x needs this setting.
        con.execute("SET error_on_division_by_zero=false")
    except duckdb.Error:
        pass
    con.execute(open(setup, encoding="utf-8").read())
    text = open(queries, encoding="utf-8").read()
    blocks = [b for b in text.split("-- query ") if b.strip()]
    out = sys.stdout
    for block in blocks:
        num, _, sql = block.partition("\n")
        try:
            rows = con.execute(sql).fetchall()
        except duckdb.Error as e:
            msg = str(e).replace("\n", " ")
            out.write("## %s ERROR %s\n" % (num.strip(), msg))
            continue
        out.write("## %s\n" % num.strip())
        for r in rows:
            out.write("\t".join(cell(v) for v in r) + "\n")


if __name__ == "__main__":
    main()
