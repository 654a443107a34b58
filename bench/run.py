#!/usr/bin/env python3
"""Procedural benchmark suite: Theta against C (gcc -O2), Lua 5.4, LuaJIT -joff and LuaJIT.

For every program in bench/procedural/ the harness runs each system once and checks its output
against C's (that run is also the warm-up); a system whose output differs is reported, not
timed. Then it times `--runs` runs per system (wall clock, median). It also measures Theta's
start-up time (`theta run empty.theta`, median of 20 runs).

    bench/run.sh                 # full sizes, 5 runs
    bench/run.sh --quick         # small sizes, smoke test
    bench/run.sh --only fib,nbody --runs 9
    bench/run.sh --check         # outputs only, no timing

Results: a table on stdout, bench/out/procedural-latest.{json,md}.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchlib as bl  # noqa: E402

PROC_DIR = bl.BENCH_DIR / "procedural"
BIN_DIR = bl.OUT_DIR / "bin"

# Targets the project reports against (docs/performance.md).
TARGET_THETA_LUA_EACH = 1.0
TARGET_THETA_LUA_MEDIAN = 0.6
TARGET_STARTUP_SECONDS = 0.005


@dataclass
class Program:
    """A benchmark: NAME.{c,lua,theta} in bench/procedural/, run with one size argument."""

    name: str
    size: int
    quick_size: int
    what: str


PROGRAMS = [
    Program("fib", 32, 20, "recursive fib(32)"),
    Program("loops", 4096, 300, "nested integer loops, 4096^2 x (mul xor and add and add) ~ 100M ops"),
    Program("mandelbrot", 600, 80, "600x600 grid, 100 iterations, count inside"),
    Program("nbody", 1_000_000, 5_000, "5 bodies as structs, 1M steps, energy x 1e9"),
    Program("spectral_norm", 500, 60, "spectral norm n=500, result x 1e9"),
    Program("fannkuch", 10, 7, "fannkuch-redux n=10, checksum and max flips"),
    Program("sieve", 20_000_000, 200_000, "sieve of Eratosthenes to 20M, count"),
    Program("binary_trees", 16, 8, "binary trees depth 16, check values"),
    Program("strings", 1_000_000, 20_000, "string building: +, substr, to_string, byte_at; 1M rounds"),
    Program("calls", 5_000_000, 50_000, "10M calls through fn values (struct field + local)"),
]

SYSTEMS = ["c", "theta", "lua", "luajit-joff", "luajit"]
LABELS = {"c": "C", "theta": "Theta", "lua": "Lua 5.4", "luajit-joff": "LuaJIT -joff", "luajit": "LuaJIT"}


def lua_file(p: Program, jit: bool) -> Path:
    """LuaJIT speaks Lua 5.1: where the 5.4 program needs `//` or bit operators there is a
    NAME.jit.lua spelling of the same algorithm."""
    if jit:
        alt = PROC_DIR / f"{p.name}.jit.lua"
        if alt.exists():
            return alt
    return PROC_DIR / f"{p.name}.lua"


def command(system: str, p: Program, size: int, theta: bl.Theta) -> list[str]:
    arg = str(size)
    if system == "c":
        return [str(BIN_DIR / p.name), arg]
    if system == "theta":
        return [str(theta.path), "run", str(PROC_DIR / f"{p.name}.theta"), arg]
    if system == "lua":
        return ["lua5.4", str(lua_file(p, False)), arg]
    if system == "luajit-joff":
        return ["luajit", "-joff", str(lua_file(p, True)), arg]
    if system == "luajit":
        return ["luajit", str(lua_file(p, True)), arg]
    raise ValueError(system)


def build_c(programs: list[Program]) -> dict[str, str]:
    """Compiles each NAME.c with gcc -O2; returns {name: error} for the ones that failed."""
    errors: dict[str, str] = {}
    BIN_DIR.mkdir(parents=True, exist_ok=True)
    for p in programs:
        src = PROC_DIR / f"{p.name}.c"
        r = subprocess.run(["gcc", "-O2", "-o", str(BIN_DIR / p.name), str(src), "-lm"],
                           capture_output=True, text=True)
        if r.returncode != 0:
            errors[p.name] = r.stderr.strip().splitlines()[0] if r.stderr.strip() else "gcc failed"
    return errors


def system_availability(selected: list[str], theta: bl.Theta) -> dict[str, str]:
    """{system: reason} for every selected system that cannot run on this machine."""
    missing: dict[str, str] = {}
    if "c" in selected and not bl.have("gcc"):
        missing["c"] = "gcc not found (apt-get install -y gcc)"
    if "lua" in selected and not bl.have("lua5.4"):
        missing["lua"] = "lua5.4 not found (apt-get install -y lua5.4, or run bench/setup.sh)"
    for s in ("luajit-joff", "luajit"):
        if s in selected and not bl.have("luajit"):
            missing[s] = "luajit not found (apt-get install -y luajit, or run bench/setup.sh)"
    if "theta" in selected and not theta.available:
        missing["theta"] = theta.problem or "unavailable"
    return missing


def first_difference(expected: str, got: str) -> str:
    e, g = expected.splitlines(), got.splitlines()
    for i in range(max(len(e), len(g))):
        a = e[i] if i < len(e) else "<missing>"
        b = g[i] if i < len(g) else "<missing>"
        if a != b:
            return f"line {i + 1}: expected {a!r}, got {b!r}"
    return "outputs differ"


def run_program(p: Program, systems: list[str], missing: dict[str, str], args, theta: bl.Theta) -> dict:
    """Checks then times one program on every system. Returns its JSON record."""
    size = p.quick_size if args.quick else p.size
    rec: dict = {"program": p.name, "size": size, "what": p.what, "systems": {}}
    reference: str | None = None
    reference_system: str | None = None
    for system in systems:
        cell: dict = {}
        rec["systems"][system] = cell
        if system in missing:
            cell["status"] = "unavailable"
            cell["detail"] = missing[system]
            continue
        cmd = command(system, p, size, theta)
        # The output check run doubles as the warm-up run.
        first = bl.run_measured(cmd, timeout=args.timeout, memory=True)
        if not first.ok:
            cell["status"] = "failed"
            cell["detail"] = first.failure()
            print(f"  {p.name}: {LABELS[system]} failed: {first.failure()}", flush=True)
            continue
        if reference is None:
            reference, reference_system = first.stdout, system
            cell["output"] = first.stdout.strip()
        elif first.stdout != reference:
            cell["status"] = "mismatch"
            cell["detail"] = f"vs {LABELS[reference_system]}: " + first_difference(reference, first.stdout)
            cell["output"] = first.stdout.strip()[:2000]
            print(f"  {p.name}: {LABELS[system]} output MISMATCH {cell['detail']}", flush=True)
            continue
        if args.check:
            cell["status"] = "ok"
            continue
        samples = []
        for _ in range(args.runs):
            r = bl.run_measured(cmd, timeout=args.timeout)
            if not r.ok:
                cell["status"] = "failed"
                cell["detail"] = r.failure()
                break
            samples.append(r.wall)
        else:
            cell["status"] = "ok"
        cell["samples"] = [round(s, 6) for s in samples]
        cell["median"] = bl.median(samples)
        cell["max_rss_kb"] = first.max_rss_kb
        mem = f"{first.max_rss_kb / 1024:.1f} MB" if first.max_rss_kb >= 0 else "? MB"
        print(f"  {p.name:14} {LABELS[system]:13} {bl.fmt_seconds(cell['median']):>10} s  "
              f"peak {mem}", flush=True)
    rec["reference"] = reference_system
    return rec


def cell_text(cell: dict) -> str:
    st = cell.get("status")
    if st == "ok":
        return "ok" if cell.get("median") is None else bl.fmt_seconds(cell["median"])
    return st or "-"


def ratio(rec: dict, a: str, b: str) -> float | None:
    ca, cb = rec["systems"].get(a, {}), rec["systems"].get(b, {})
    if ca.get("status") == "ok" and cb.get("status") == "ok" and ca.get("median") and cb.get("median"):
        return ca["median"] / cb["median"]
    return None


def startup(theta: bl.Theta, n: int) -> dict:
    """Median wall time of `theta run empty.theta` (and, for reference, of an empty Lua 5.4
    script and an empty C program)."""
    res: dict = {}
    empty_c = BIN_DIR / "empty"
    probes = {
        "theta": [str(theta.path), "run", str(PROC_DIR / "empty.theta")] if theta.available else None,
        "lua": ["lua5.4", "-e", ""] if bl.have("lua5.4") else None,
        "c": [str(empty_c)] if empty_c.exists() else None,
    }
    for name, cmd in probes.items():
        if cmd is None:
            res[name] = {"status": "unavailable"}
            continue
        bl.run_measured(cmd)  # warm-up
        samples = []
        for _ in range(n):
            r = bl.run_measured(cmd, timeout=30)
            if not r.ok:
                res[name] = {"status": "failed", "detail": r.failure()}
                break
            samples.append(r.wall)
        else:
            res[name] = {"status": "ok", "median": bl.median(samples), "samples": samples}
    return res


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5, help="timed runs per system (median; default 5)")
    ap.add_argument("--only", help="comma-separated program names (e.g. fib,nbody)")
    ap.add_argument("--quick", action="store_true", help="small sizes: a smoke test, not a measurement")
    ap.add_argument("--check", action="store_true", help="check outputs only, do not time")
    ap.add_argument("--systems", default=",".join(SYSTEMS), help=f"subset of {','.join(SYSTEMS)}")
    ap.add_argument("--no-build", action="store_true", help="do not run cargo build --release")
    ap.add_argument("--theta", help="path of the theta binary (default target/release/theta)")
    ap.add_argument("--timeout", type=float, default=600.0, help="seconds per run before it is killed")
    ap.add_argument("--startup-runs", type=int, default=20)
    args = ap.parse_args()

    systems = [s.strip() for s in args.systems.split(",") if s.strip()]
    for s in systems:
        if s not in SYSTEMS:
            ap.error(f"unknown system {s!r}; choose from {', '.join(SYSTEMS)}")
    programs = PROGRAMS
    if args.only:
        wanted = {w.strip() for w in args.only.split(",")}
        unknown = wanted - {p.name for p in PROGRAMS}
        if unknown:
            ap.error(f"unknown program(s) {', '.join(sorted(unknown))}; "
                     f"choose from {', '.join(p.name for p in PROGRAMS)}")
        programs = [p for p in PROGRAMS if p.name in wanted]
    if args.runs < 1:
        ap.error("--runs must be at least 1")

    if "theta" in systems:
        theta = bl.find_theta(not args.no_build, args.theta, PROC_DIR / "empty.theta")
    else:
        theta = bl.Theta(None, "not selected")
    if "theta" in systems and not theta.available:
        print(f"theta: failed/unavailable: {theta.problem}", flush=True)
    missing = system_availability(systems, theta)
    for s, why in missing.items():
        if s != "theta":
            print(f"{LABELS[s]}: unavailable: {why}", flush=True)
    if "c" in systems and "c" not in missing:
        for name, err in build_c(programs).items():
            print(f"C: {name}.c does not compile: {err}", flush=True)
        empty = BIN_DIR / "empty.c"
        empty.write_text("int main(void) { return 0; }\n")
        subprocess.run(["gcc", "-O2", "-o", str(BIN_DIR / "empty"), str(empty)], capture_output=True)

    info = bl.machine_info()
    mode = "check" if args.check else ("quick" if args.quick else "full")
    print(f"procedural suite ({mode}, {args.runs} runs, median wall clock) on {info['cpu']}, "
          f"{info['cores']} cores, load {info['load_average_at_start']}", flush=True)
    records = [run_program(p, systems, missing, args, theta) for p in programs]

    st = startup(theta, args.startup_runs) if not args.check else {}

    # Table.
    header = ["program"] + [LABELS[s] for s in systems]
    show_ratios = "theta" in systems
    if show_ratios:
        header += ["Theta/Lua", "Theta/C"]
    rows, tl_all, tc_all = [], [], []
    for rec in records:
        row = [rec["program"]] + [cell_text(rec["systems"][s]) for s in systems]
        if show_ratios:
            tl, tc = ratio(rec, "theta", "lua"), ratio(rec, "theta", "c")
            rec["theta_over_lua"], rec["theta_over_c"] = tl, tc
            if tl is not None:
                tl_all.append(tl)
            if tc is not None:
                tc_all.append(tc)
            mark = "" if tl is None else (" ✓" if tl <= TARGET_THETA_LUA_EACH else " ✗")
            row += [bl.fmt_ratio(tl) + mark, bl.fmt_ratio(tc)]
        rows.append(row)
    med_tl, med_tc = bl.median(tl_all), bl.median(tc_all)
    if show_ratios:
        mark = "" if med_tl is None else (" ✓" if med_tl <= TARGET_THETA_LUA_MEDIAN else " ✗")
        rows.append(["median"] + [""] * len(systems) + [bl.fmt_ratio(med_tl) + mark, bl.fmt_ratio(med_tc)])
    # Medians of the reference ratios, handy when Theta is not there yet.
    ref_ratios = {}
    for a, b in (("lua", "c"), ("luajit-joff", "lua"), ("luajit", "lua")):
        if a in systems and b in systems:
            rs = [r for r in (ratio(rec, a, b) for rec in records) if r is not None]
            ref_ratios[f"{a}/{b}"] = bl.median(rs)

    lines = [bl.text_table(header, rows), ""]
    if show_ratios:
        lines.append(f"targets: Theta/Lua <= {TARGET_THETA_LUA_EACH} on every program, "
                     f"<= {TARGET_THETA_LUA_MEDIAN} median")
        if not theta.available:
            lines.append(f"theta: failed/unavailable: {(theta.problem or '').splitlines()[0]}")
    for k, v in ref_ratios.items() if not args.check else ():
        lines.append(f"median {k}: {bl.fmt_ratio(v)}")
    if st:
        for name in ("theta", "lua", "c"):
            s = st.get(name, {})
            label = {"theta": "Theta (theta run empty.theta)", "lua": "Lua 5.4 (lua5.4 -e '')",
                     "c": "C (empty main)"}[name]
            val = bl.fmt_ms(s.get("median")) if s.get("status") == "ok" else s.get("status", "-")
            extra = ""
            if name == "theta" and s.get("status") == "ok":
                extra = "  ✓" if s["median"] < TARGET_STARTUP_SECONDS else "  ✗"
                extra += f" (target < {TARGET_STARTUP_SECONDS * 1000:.0f} ms)"
            lines.append(f"start-up {label}: {val}{extra}  [median of {args.startup_runs}]")
    report = "\n".join(lines)
    print()
    print(report)

    data = {"suite": "procedural", "mode": mode, "runs": args.runs, "machine": info,
            "theta": {"available": theta.available, "problem": theta.problem, "path": str(theta.path)},
            "programs": records, "median_theta_over_lua": med_tl, "median_theta_over_c": med_tc,
            "reference_ratio_medians": ref_ratios, "startup": st,
            "targets": {"theta_over_lua_each": TARGET_THETA_LUA_EACH,
                        "theta_over_lua_median": TARGET_THETA_LUA_MEDIAN,
                        "startup_seconds": TARGET_STARTUP_SECONDS}}
    md = (f"# Procedural suite ({mode})\n\n{info['date']} · {info['cpu']} · {info['cores']} cores · "
          f"load at start {info['load_average_at_start']} · commit {info['git_commit']} · "
          f"median of {args.runs} runs (seconds, wall clock)\n\n"
          + bl.markdown_table(header, rows) + "\n\n" + "\n".join("- " + ln for ln in lines[2:] if ln))
    stem = "procedural" + ("-check" if args.check else "") + ("-quick" if args.quick else "")
    j, _ = bl.write_results(stem, data, md)
    print(f"\nresults: {j} (and -latest.json/.md)")
    bad = [r for r in records for c in r["systems"].values() if c.get("status") == "mismatch"]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
