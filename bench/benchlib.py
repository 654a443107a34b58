"""Shared helpers of the Theta benchmark harnesses: running and timing processes, peak memory,
locating and building Theta, formatting tables. Standard library only."""

from __future__ import annotations

import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
OUT_DIR = BENCH_DIR / "out"


@dataclass
class RunResult:
    """One finished (or killed) process: wall time, exit status, output and peak memory."""

    cmd: list[str]
    wall: float
    returncode: int
    stdout: str
    stderr: str
    max_rss_kb: int
    timed_out: bool = False

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out

    def failure(self) -> str:
        """A one-line reason why the run failed."""
        if self.timed_out:
            return f"timed out after {self.wall:.0f} s"
        lines = [ln for ln in self.stderr.strip().splitlines() if ln.strip()]
        first = lines[0] if lines else "(no stderr)"
        return f"exit status {self.returncode}: {first[:200]}"


TIME_BIN = "/usr/bin/time"


def run_measured(cmd: list[str], cwd: Path | None = None, timeout: float = 600.0,
                 env: dict | None = None, memory: bool = False) -> RunResult:
    """Runs `cmd` to completion, measuring wall-clock time (process start to exit). A run past
    `timeout` seconds is killed. Output goes to temporary files, so large outputs cannot
    deadlock a pipe.

    With `memory`, the command runs under GNU `/usr/bin/time` and `max_rss_kb` is its "Maximum
    resident set size" (as `/usr/bin/time -v` reports it); the wrapper adds about a millisecond,
    so callers time other runs without it. Without /usr/bin/time (or without `memory`),
    `max_rss_kb` comes from wait4's rusage, which on Linux also counts the harness's own pages
    copied by fork (about 15 MB): -1 is stored instead when that makes the figure meaningless."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile("r", suffix=".rss") as rss_file:
        use_time = memory and os.path.exists(TIME_BIN)
        full = [TIME_BIN, "-f", "%M", "-o", rss_file.name, *cmd] if use_time else cmd
        start = time.perf_counter()
        try:
            proc = subprocess.Popen(full, cwd=cwd, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                    env=env)
        except OSError as e:
            return RunResult(cmd, 0.0, 127, "", f"cannot start {cmd[0]}: {e}", 0)
        killed = threading.Event()

        def kill() -> None:
            killed.set()
            proc.kill()

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            _, status, rusage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        max_rss = -1
        if use_time:
            lines = [ln for ln in rss_file.read().splitlines() if ln.strip()]
            if lines and lines[-1].strip().isdigit():
                max_rss = int(lines[-1].strip())
        elif memory:
            max_rss = int(rusage.ru_maxrss)
        return RunResult(cmd, wall, proc.returncode,
                         out.read().decode("utf-8", "replace"),
                         err.read().decode("utf-8", "replace"),
                         max_rss, killed.is_set())


def median(xs: list[float]) -> float | None:
    return statistics.median(xs) if xs else None


def have(tool: str) -> str | None:
    """Path of an executable on PATH, or None."""
    return shutil.which(tool)


def machine_info() -> dict:
    """What the figures were measured on."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        load = os.getloadavg()
    except OSError:
        load = (0.0, 0.0, 0.0)
    return {
        "date": datetime.datetime.now().isoformat(timespec="seconds"),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "load_average_at_start": [round(x, 2) for x in load],
        "kernel": platform.release(),
        "git_commit": git_commit(),
    }


def git_commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO_ROOT,
                              capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"


@dataclass
class Theta:
    """The Theta binary, or why it cannot be used."""

    path: Path | None
    problem: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def available(self) -> bool:
        return self.path is not None and self.problem is None


def find_theta(build: bool, explicit: str | None, probe: Path) -> Theta:
    """Builds Theta (`cargo build --release` at the repository root) unless `build` is false,
    then checks that `theta run PROBE` works. Never raises: a missing or failing binary comes
    back as `Theta(problem=...)` so the harness can still measure the other systems."""
    notes: list[str] = []
    if explicit:
        path = Path(explicit).resolve()
    else:
        path = REPO_ROOT / "target" / "release" / "theta"
        if build:
            if have("cargo"):
                print("building Theta: cargo build --release (at the repository root) ...", flush=True)
                r = subprocess.run(["cargo", "build", "--release", "--bin", "theta"], cwd=REPO_ROOT,
                                   capture_output=True, text=True)
                if r.returncode != 0:
                    tail = "\n".join(r.stderr.strip().splitlines()[-15:])
                    return Theta(None, f"cargo build --release failed:\n{tail}")
            else:
                notes.append("cargo not found: using an existing target/release/theta if any")
    if not path.exists():
        return Theta(None, f"{path} does not exist", notes)
    r = run_measured([str(path), "run", str(probe)], timeout=30)
    if not r.ok:
        return Theta(path, f"`theta run {probe.name}` failed ({r.failure()})", notes)
    return Theta(path, None, notes)


def fmt_seconds(x: float | None) -> str:
    """Seconds, with enough digits to be useful for both 2 ms and 20 s."""
    if x is None:
        return "-"
    if x < 1:
        return f"{x:.4f}"
    return f"{x:.3f}"


def fmt_ms(x: float | None) -> str:
    return "-" if x is None else f"{x * 1000:.2f} ms"


def fmt_ratio(x: float | None) -> str:
    return "-" if x is None else f"{x:.2f}"


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def text_table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows)]
    def line(r: list[str]) -> str:
        return "  ".join(str(c).rjust(w) if i else str(c).ljust(w) for i, (c, w) in enumerate(zip(r, widths)))
    return "\n".join([line(header), line(["-" * w for w in widths])] + [line(r) for r in rows])


def write_results(stem: str, data: dict, markdown: str) -> tuple[Path, Path]:
    """Writes bench/out/STEM-<timestamp>.{json,md} and copies them to STEM-latest.{json,md}."""
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    j = OUT_DIR / f"{stem}-{stamp}.json"
    m = OUT_DIR / f"{stem}-{stamp}.md"
    j.write_text(json.dumps(data, indent=2) + "\n")
    m.write_text(markdown + "\n")
    shutil.copyfile(j, OUT_DIR / f"{stem}-latest.json")
    shutil.copyfile(m, OUT_DIR / f"{stem}-latest.md")
    return j, m
