#!/usr/bin/env python3
"""Renders the "Current figures" tables of docs/performance.md from the harnesses' latest JSON
results (bench/out/procedural-latest.json, bench/out/dataflow-sf1-latest.json).

    python3 bench/report.py [--procedural FILE] [--dataflow FILE]

Prints Markdown; a system that was not measured shows "pending integration" (Theta) or "-".
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchlib as bl  # noqa: E402

PENDING = "pending integration"


def procedural(path: Path) -> str:
    d = json.loads(path.read_text())
    systems = ["c", "theta", "lua", "luajit-joff", "luajit"]
    labels = ["C", "Theta", "Lua 5.4", "LuaJIT -joff", "LuaJIT"]
    header = ["program"] + labels + ["Theta/Lua", "Theta/C", "Lua/C", "LuaJIT/Lua"]
    rows = []
    ratios: dict[str, list[float]] = {k: [] for k in ("tl", "tc", "lc", "jl")}

    def med(rec: dict, s: str) -> float | None:
        c = rec["systems"].get(s)
        return c.get("median") if c and c.get("status") == "ok" else None

    for rec in d["programs"]:
        row = [rec["program"]]
        for s in systems:
            c = rec["systems"].get(s)
            if c is None or (s == "theta" and c.get("status") == "unavailable"):
                row.append(PENDING if s == "theta" else "-")
            elif c.get("status") == "ok" and c.get("median") is not None:
                row.append(bl.fmt_seconds(c["median"]))
            else:
                row.append(c.get("status", "-"))
        for key, a, b in (("tl", "theta", "lua"), ("tc", "theta", "c"), ("lc", "lua", "c"), ("jl", "luajit", "lua")):
            x, y = med(rec, a), med(rec, b)
            if x is not None and y:
                ratios[key].append(x / y)
                row.append(f"{x / y:.2f}")
            else:
                row.append("-")
        rows.append(row)
    rows.append(["median"] + [""] * len(systems) + [
        f"{statistics.median(v):.2f}" if v else "-" for v in ratios.values()])
    m = d["machine"]
    return (bl.markdown_table(header, rows)
            + f"\n\n({m['date']}, load average at start {m['load_average_at_start']}, commit {m['git_commit']}, "
            f"median of {d['runs']} runs)")


def dataflow(path: Path) -> str:
    d = json.loads(path.read_text())
    engines = ["duckdb1", "duckdb2", "theta"]
    header = ["query", "rows", "DuckDB t=1", "DuckDB t=2", "Theta", "Theta/best DuckDB",
              "load t=1 / t=2 / Theta (s)", "peak MB t=1 / t=2 / Theta"]
    rows, ratios = [], []
    for rec in d["queries"]:
        cells = {e: rec["engines"].get(e) for e in engines}
        nrows = next((c.get("rows") for c in cells.values() if c and c.get("rows") is not None), None)
        row = [rec["query"], "-" if nrows is None else str(nrows)]
        for e in engines:
            c = cells[e]
            if c is None or (e == "theta" and c.get("status") == "unavailable"):
                row.append(PENDING if e == "theta" else "-")
            elif c.get("status") == "ok":
                row.append(bl.fmt_seconds(c["median"]))
            else:
                row.append(c.get("status", "-"))
        r = rec.get("theta_over_best_duckdb")
        if r is not None:
            ratios.append(r)
        row.append("-" if r is None else f"{r:.2f}")
        loads, mems = [], []
        for e in engines:
            c = cells[e] or {}
            loads.append(f"{c['load_seconds']:.1f}" if "load_seconds" in c else "-")
            kb = c.get("max_rss_kb")
            mems.append(f"{kb / 1024:.0f}" if kb is not None and kb >= 0 and c.get("status") != "unavailable" else "-")
        row += [" / ".join(loads), " / ".join(mems)]
        rows.append(row)
    rows.append(["median", "", "", "", "", f"{statistics.median(ratios):.2f}" if ratios else "-", "", ""])
    m = d["machine"]
    return (bl.markdown_table(header, rows)
            + f"\n\n(SF {d['sf']:g}, {m['date']}, load average at start {m['load_average_at_start']}, "
            f"commit {m['git_commit']}, median of {d['runs']} runs)")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--procedural", type=Path, default=bl.OUT_DIR / "procedural-latest.json")
    ap.add_argument("--dataflow", type=Path, default=bl.OUT_DIR / "dataflow-sf1-latest.json")
    args = ap.parse_args()
    for title, path, fn in (("Procedural", args.procedural, procedural), ("Dataflow", args.dataflow, dataflow)):
        print(f"### {title} ({path.name})\n")
        print(fn(path) if path.exists() else f"{path} not found: run the harness first")
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
