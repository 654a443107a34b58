#!/usr/bin/env python3
"""Dataflow benchmark suite: Theta's dataflow engine against DuckDB (threads=1 and threads=2).

Data: TPC-H generated with tpchgen-cli (CSV) into bench/out/tpch-sf<SF>/, plus an H2O-style
table h2o.csv there (10M rows x (id, v1, v2) at --sf 1, 10^5 groups). Each query runs in its
own process per engine: load the tables it needs from CSV (timed apart), run the query once
as a warm-up and --runs times (median), write the result; the peak memory of the process is
taken from /usr/bin/time. Theta's result is compared with DuckDB's (floats to 2 decimals, or
1e-10 relative for large sums whose last digits depend on the summation order), and at SF 1
every engine's Q1/Q3/Q5/Q6/Q18 result with TPC-H's published answers
(bench/dataflow/answers/sf1.json); a mismatch is reported and its time not counted.

    bench/dataflow/run.sh                 # SF 1, 5 runs
    bench/dataflow/run.sh --sf 0.1        # quick
    bench/dataflow/run.sh --only q1,q6 --engines duckdb1,duckdb2

Results: a table on stdout, bench/out/dataflow-sf<SF>-latest.{json,md}.
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import json
import math
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import benchlib as bl  # noqa: E402

DF_DIR = bl.BENCH_DIR / "dataflow"
QUERY_DIR = DF_DIR / "queries"
TPCH_TABLES = ["customer", "orders", "lineitem", "supplier", "nation", "region"]
H2O_ROWS_AT_SF1 = 10_000_000
H2O_GROUPS = 100_000

TARGET_EACH = 3.0
TARGET_MEDIAN = 1.5

csv.field_size_limit(1 << 30)


@dataclass
class Query:
    """A query: queries/NAME.sql for DuckDB and queries/NAME.theta for Theta."""

    name: str
    tables: list[str]
    ordered: bool  # False: no defined row order, results compared as multisets
    what: str


QUERIES = [
    Query("q1", ["lineitem"], True, "TPC-H Q1: filter + 8 aggregates over 4 groups"),
    Query("q3", ["customer", "orders", "lineitem"], True, "TPC-H Q3: 3-way join, group, top 10"),
    Query("q5", ["customer", "orders", "lineitem", "supplier", "nation", "region"], True,
          "TPC-H Q5: 6-way join, group by nation"),
    Query("q6", ["lineitem"], True, "TPC-H Q6: selective filter + sum"),
    Query("q18", ["customer", "orders", "lineitem"], True, "TPC-H Q18: group/having, semi join, top 100"),
    Query("distinct_pairs", ["lineitem"], True, "count(distinct l_partkey, l_suppkey)"),
    Query("sort_orders", ["orders"], True, "full sort of orders by o_totalprice desc, o_orderkey"),
    Query("h2o_groupby", ["h2o"], False, "H2O-style group-by: 10^5 integer groups, sum + mean"),
]

ENGINES = ["duckdb1", "duckdb2", "theta"]
LABELS = {"duckdb1": "DuckDB t=1", "duckdb2": "DuckDB t=2", "theta": "Theta"}


def sf_text(sf: float) -> str:
    return f"{sf:g}"


# ---------------------------------------------------------------- prerequisites and data


def duckdb_available() -> bool:
    return importlib.util.find_spec("duckdb") is not None


def ensure_prerequisites(install: bool) -> list[str]:
    """Returns the problems that stop the DuckDB side or the data generation. With `install`,
    tries `pip install` for the missing Python packages first."""
    missing = []
    if not duckdb_available():
        missing.append("duckdb")
    if not bl.have("tpchgen-cli"):
        missing.append("tpchgen-cli")
    if missing and install:
        print(f"installing {' '.join(missing)} with pip ...", flush=True)
        subprocess.run([sys.executable, "-m", "pip", "install", *missing])
        importlib.invalidate_caches()
        missing = [m for m in missing if (m == "duckdb" and not duckdb_available())
                   or (m == "tpchgen-cli" and not bl.have("tpchgen-cli"))]
    problems = [f"{m} is not installed: pip install {m} (or run bench/setup.sh, or pass --install)"
                for m in missing]
    if not bl.have("time") and not Path(bl.TIME_BIN).exists():
        print("note: /usr/bin/time not found (apt-get install -y time); peak memory from wait4 "
              "includes ~15 MB of the harness", flush=True)
    return problems


def generate_tpch(data: Path, sf: float) -> None:
    marker = data / ".tpch-complete"
    if marker.exists():
        return
    data.mkdir(parents=True, exist_ok=True)
    print(f"generating TPC-H SF {sf_text(sf)} into {data} (tpchgen-cli) ...", flush=True)
    cmd = ["tpchgen-cli", "csv", "-s", sf_text(sf), "-o", str(data), "--overwrite",
           "--tables", ",".join(TPCH_TABLES)]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        # tpchgen-cli before 2.0 had no subcommands: --format=csv.
        cmd = ["tpchgen-cli", "-s", sf_text(sf), "--format=csv", "-o", str(data)]
        r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0 or not (data / "lineitem.csv").exists():
        raise SystemExit(f"tpchgen-cli failed: {r.stderr.strip()[-2000:]}")
    marker.write_text(" ".join(cmd) + "\n")


def generate_h2o(data: Path, sf: float) -> None:
    """h2o.csv: round(10M * sf) rows of (id i64 in [0, 1e5), v1 i64 in [0, 1000), v2 f64 with two
    decimals), deterministic (multiplicative hashes of the row number), written by DuckDB."""
    marker = data / ".h2o-complete"
    if marker.exists():
        return
    import duckdb

    rows = max(1, round(H2O_ROWS_AT_SF1 * sf))
    print(f"generating h2o.csv ({rows} rows, {H2O_GROUPS} groups) ...", flush=True)
    path = str(data / "h2o.csv").replace("'", "''")
    duckdb.connect().execute(f"""
        COPY (
            SELECT (i * 2654435761) % 4294967296 % {H2O_GROUPS} AS id,
                   (i * 48271) % 2147483647 % 1000 AS v1,
                   CAST((i * 69069 + 12345) % 1000003 AS DOUBLE) / 100.0 AS v2
            FROM range(0, {rows}) AS t(i)
        ) TO '{path}' (HEADER)""")
    marker.write_text(f"{rows} rows\n")


# ---------------------------------------------------------------- running


def parse_protocol(stdout: str) -> dict:
    """The lines every runner prints: load_seconds, warmup_seconds, query_seconds*, rows."""
    res: dict = {"query_seconds": []}
    for line in stdout.splitlines():
        parts = line.split()
        if len(parts) != 2:
            continue
        key, val = parts
        try:
            if key == "query_seconds":
                res["query_seconds"].append(float(val))
            elif key in ("load_seconds", "warmup_seconds"):
                res[key] = float(val)
            elif key == "rows":
                res["rows"] = int(val)
        except ValueError:
            pass
    return res


def engine_command(engine: str, q: Query, data: Path, out: Path, runs: int, theta: bl.Theta) -> list[str]:
    if engine == "theta":
        return [str(theta.path), "run", str(QUERY_DIR / f"{q.name}.theta"), str(data), str(out), str(runs)]
    threads = {"duckdb1": 1, "duckdb2": 2}[engine]
    return [sys.executable, str(DF_DIR / "duckdb_runner.py"), "--data", str(data), "--tables", ",".join(q.tables),
            "--sql", str(QUERY_DIR / f"{q.name}.sql"), "--threads", str(threads), "--runs", str(runs),
            "--out", str(out)]


def run_engine(engine: str, q: Query, data: Path, result_dir: Path, args, theta: bl.Theta) -> dict:
    out = result_dir / f"{q.name}.{engine}.csv"
    if out.exists():
        out.unlink()
    cmd = engine_command(engine, q, data, out, args.runs, theta)
    r = bl.run_measured(cmd, timeout=args.timeout, memory=True)
    cell: dict = {"max_rss_kb": r.max_rss_kb, "process_seconds": r.wall, "result": str(out)}
    if not r.ok:
        cell.update(status="failed", detail=r.failure())
        return cell
    proto = parse_protocol(r.stdout)
    if len(proto["query_seconds"]) != args.runs or "load_seconds" not in proto or not out.exists():
        cell.update(status="failed", detail="output does not follow the protocol: " + r.stdout.strip()[-300:])
        return cell
    cell.update(status="ok", load_seconds=proto["load_seconds"], warmup_seconds=proto.get("warmup_seconds"),
                samples=proto["query_seconds"], median=bl.median(proto["query_seconds"]), rows=proto.get("rows"))
    return cell


# ---------------------------------------------------------------- comparing results


def _number(s: str) -> float | None:
    try:
        return float(s)
    except ValueError:
        return None


def cells_equal(a: str, b: str) -> bool:
    if a == b:
        return True
    x, y = _number(a), _number(b)
    if x is None or y is None:
        return False
    if math.isnan(x) or math.isnan(y):
        return math.isnan(x) and math.isnan(y)
    return round(x, 2) == round(y, 2) or abs(x - y) <= 1e-10 * max(abs(x), abs(y))


def _sort_key(row: list[str]) -> tuple:
    return tuple((0, n, "") if (n := _number(c)) is not None else (1, 0.0, c) for c in row)


def compare_results(expected: Path, got: Path, ordered: bool) -> str | None:
    """None when the two CSV results agree, else what differs first. Ordered results are
    streamed (sort_orders has 1.5M rows at SF 1)."""
    with open(expected, newline="") as fe, open(got, newline="") as fg:
        re_, rg = csv.reader(fe), csv.reader(fg)
        he, hg = next(re_, None), next(rg, None)
        if he is None or hg is None:
            return "empty result file"
        if len(he) != len(hg):
            return f"{len(hg)} columns {hg}, expected {len(he)} {he}"
        if ordered:
            rows_e, rows_g = re_, rg
        else:
            rows_e, rows_g = sorted(re_, key=_sort_key), sorted(rg, key=_sort_key)
        n = 0
        sentinel = object()
        it_e, it_g = iter(rows_e), iter(rows_g)
        while True:
            a, b = next(it_e, sentinel), next(it_g, sentinel)
            if a is sentinel and b is sentinel:
                return None
            if a is sentinel or b is sentinel:
                return f"row counts differ (first {n} rows agree)"
            n += 1
            if len(a) != len(b) or not all(cells_equal(x, y) for x, y in zip(a, b)):
                return f"row {n}: expected {a}, got {b}"


def published_answers(sf: float) -> dict:
    """TPC-H's published answers for this scale factor (only SF 1 is published), by query."""
    path = Path(__file__).resolve().parent / "answers" / f"sf{sf_text(sf)}.json"
    if not path.exists():
        return {}
    return {k: v for k, v in json.loads(path.read_text()).items() if k != "about"}


def check_published(answer: dict, got: Path) -> str | None:
    """None when the result has the published row count and every published row, else what
    differs first. A published number is the exact result rounded to 2 decimals, so a value
    may differ from it by 0.005, plus 1e-12 relative for a double sum's own rounding (Q1's
    sums are ~1e11)."""
    with open(got, newline="") as f:
        rows = list(csv.reader(f))[1:]
    if len(rows) != answer["rows"]:
        return f"{len(rows)} rows, published {answer['rows']}"
    for index, want in sorted(answer["check"].items(), key=lambda kv: int(kv[0])):
        row = rows[int(index)]
        same = len(row) == len(want) and all(
            g == w or ((x := _number(g)) is not None and (y := _number(w)) is not None
                       and abs(x - y) <= 0.005 + 1e-12 * abs(y))
            for g, w in zip(row, want))
        if not same:
            return f"row {int(index) + 1}: published {want}, got {row}"
    return None


# ---------------------------------------------------------------- report


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sf", type=float, default=1.0, help="TPC-H scale factor (default 1; 0.1 for a quick run)")
    ap.add_argument("--runs", type=int, default=5, help="timed runs of each query after the warm-up (median)")
    ap.add_argument("--only", help="comma-separated query names")
    ap.add_argument("--engines", default=",".join(ENGINES), help=f"subset of {','.join(ENGINES)}")
    ap.add_argument("--no-build", action="store_true", help="do not run cargo build --release")
    ap.add_argument("--theta", help="path of the theta binary (default target/release/theta)")
    ap.add_argument("--install", action="store_true", help="pip install duckdb / tpchgen-cli when missing")
    ap.add_argument("--timeout", type=float, default=3600.0, help="seconds per engine process")
    args = ap.parse_args()
    if args.sf <= 0:
        ap.error("--sf must be positive")
    if args.runs < 1:
        ap.error("--runs must be at least 1")
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    for e in engines:
        if e not in ENGINES:
            ap.error(f"unknown engine {e!r}; choose from {', '.join(ENGINES)}")
    queries = QUERIES
    if args.only:
        wanted = {w.strip() for w in args.only.split(",")}
        unknown = wanted - {q.name for q in QUERIES}
        if unknown:
            ap.error(f"unknown query(s) {', '.join(sorted(unknown))}; choose from {', '.join(q.name for q in QUERIES)}")
        queries = [q for q in QUERIES if q.name in wanted]

    problems = ensure_prerequisites(args.install)
    if problems:
        for p in problems:
            print(p, file=sys.stderr)
        return 2
    data = bl.OUT_DIR / f"tpch-sf{sf_text(args.sf)}"
    generate_tpch(data, args.sf)
    if any(q.name == "h2o_groupby" for q in queries):
        generate_h2o(data, args.sf)
    result_dir = bl.OUT_DIR / f"dataflow-results-sf{sf_text(args.sf)}"
    result_dir.mkdir(parents=True, exist_ok=True)

    if "theta" in engines:
        theta = bl.find_theta(not args.no_build, args.theta, bl.BENCH_DIR / "procedural" / "empty.theta")
        if not theta.available:
            print(f"theta: failed/unavailable: {theta.problem}", flush=True)
    else:
        theta = bl.Theta(None, "not selected")

    info = bl.machine_info()
    print(f"dataflow suite, SF {sf_text(args.sf)}, {args.runs} runs (median) on {info['cpu']}, "
          f"{info['cores']} cores, load {info['load_average_at_start']}", flush=True)
    answers = published_answers(args.sf)
    records = []
    for q in queries:
        rec: dict = {"query": q.name, "what": q.what, "engines": {}}
        for e in engines:
            if e == "theta" and not theta.available:
                rec["engines"][e] = {"status": "unavailable", "detail": theta.problem}
                continue
            cell = run_engine(e, q, data, result_dir, args, theta)
            rec["engines"][e] = cell
            if cell["status"] == "ok":
                print(f"  {q.name:15} {LABELS[e]:11} query {bl.fmt_seconds(cell['median']):>8} s   "
                      f"load {cell['load_seconds']:.2f} s   peak {cell['max_rss_kb'] / 1024:.0f} MB", flush=True)
            else:
                print(f"  {q.name:15} {LABELS[e]:11} FAILED: {cell['detail']}", flush=True)
        # Every result against TPC-H's published answer, where there is one.
        if q.name in answers:
            for e in engines:
                if rec["engines"][e].get("status") != "ok":
                    continue
                diff = check_published(answers[q.name], Path(rec["engines"][e]["result"]))
                if diff:
                    rec["engines"][e]["status"] = "mismatch"
                    rec["engines"][e]["detail"] = f"vs TPC-H's published answer: {diff}"
                    print(f"  {q.name:15} {LABELS[e]:11} result differs from the published answer: {diff}",
                          flush=True)
            rec["published_answer"] = True
        # Compare every result with the first DuckDB one (the reference).
        ok_cells = [e for e in engines if rec["engines"][e].get("status") == "ok"]
        ref = next((e for e in ok_cells if e.startswith("duckdb")), None)
        rec["reference"] = ref
        if ref:
            for e in ok_cells:
                if e == ref:
                    continue
                diff = compare_results(Path(rec["engines"][ref]["result"]), Path(rec["engines"][e]["result"]),
                                       q.ordered)
                if diff:
                    rec["engines"][e]["status"] = "mismatch"
                    rec["engines"][e]["detail"] = f"vs {LABELS[ref]}: {diff}"
                    print(f"  {q.name:15} {LABELS[e]:11} result MISMATCH {diff}", flush=True)
        records.append(rec)

    # Table.
    def qtime(rec: dict, e: str) -> float | None:
        c = rec["engines"].get(e, {})
        return c.get("median") if c.get("status") == "ok" else None

    def cell_text(rec: dict, e: str) -> str:
        c = rec["engines"].get(e, {})
        return bl.fmt_seconds(c["median"]) if c.get("status") == "ok" else c.get("status", "-")

    header = ["query", "rows"] + [LABELS[e] for e in engines]
    if "theta" in engines:
        header += ["Theta/best DuckDB"]
    header += [f"load {LABELS[e]}" for e in engines] + [f"peak MB {LABELS[e]}" for e in engines]
    rows, ratios = [], []
    for rec in records:
        nrows = next((c.get("rows") for c in rec["engines"].values() if c.get("rows") is not None), None)
        row = [rec["query"], "-" if nrows is None else str(nrows)] + [cell_text(rec, e) for e in engines]
        if "theta" in engines:
            best = min((t for e in engines if e.startswith("duckdb") and (t := qtime(rec, e)) is not None), default=None)
            th = qtime(rec, "theta")
            r = th / best if th is not None and best else None
            rec["theta_over_best_duckdb"] = r
            if r is not None:
                ratios.append(r)
            row.append("-" if r is None else f"{r:.2f}" + (" ✓" if r <= TARGET_EACH else " ✗"))
        for e in engines:
            c = rec["engines"].get(e, {})
            row.append(f"{c['load_seconds']:.2f}" if c.get("status") in ("ok", "mismatch") and "load_seconds" in c else "-")
        for e in engines:
            c = rec["engines"].get(e, {})
            kb = c.get("max_rss_kb", -1)
            row.append(f"{kb / 1024:.0f}" if kb is not None and kb >= 0 and c.get("status") != "unavailable" else "-")
        rows.append(row)
    med = bl.median(ratios)
    lines = [bl.text_table(header, rows), ""]
    if "theta" in engines:
        lines.append(f"median Theta/best DuckDB: {'-' if med is None else f'{med:.2f}'}"
                     + ("" if med is None else (" ✓" if med <= TARGET_MEDIAN else " ✗"))
                     + f"   (targets: each <= {TARGET_EACH}x, median <= {TARGET_MEDIAN}x)")
        if not theta.available:
            lines.append(f"theta: failed/unavailable: {(theta.problem or '').splitlines()[0]}")
    checked = [rec["query"] for rec in records if rec.get("published_answer")]
    if checked:
        lines.append(f"results also checked against TPC-H's published SF 1 answers: {', '.join(checked)}")
    lines.append("query times in seconds (median of runs after a warm-up, tables already in memory); "
                 "load = CSV to in-memory tables; peak MB = max RSS of the whole process "
                 "(DuckDB's includes the Python interpreter, ~30 MB)")
    report = "\n".join(lines)
    print()
    print(report)

    data_out = {"suite": "dataflow", "sf": args.sf, "runs": args.runs, "machine": info,
                "theta": {"available": theta.available, "problem": theta.problem},
                "queries": records, "median_theta_over_best_duckdb": med,
                "targets": {"each": TARGET_EACH, "median": TARGET_MEDIAN}}
    md = (f"# Dataflow suite, TPC-H SF {sf_text(args.sf)}\n\n{info['date']} · {info['cpu']} · {info['cores']} cores · "
          f"load at start {info['load_average_at_start']} · commit {info['git_commit']} · median of {args.runs} runs\n\n"
          + bl.markdown_table(header, rows) + "\n\n" + "\n".join("- " + ln for ln in lines[2:] if ln))
    j, _ = bl.write_results(f"dataflow-sf{sf_text(args.sf)}", data_out, md)
    print(f"\nresults: {j} (and -latest.json/.md)")
    bad = [e for rec in records for e in rec["engines"].values() if e.get("status") == "mismatch"]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
