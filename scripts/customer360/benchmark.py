"""Benchmarks (not tests): wall time, peak memory and throughput per pipeline stage at several sizes.

Each stage runs as its own child process so its peak resident memory can be read from the
kernel's accounting (``wait4``) without counting the other stages.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from .settings import PROJECT_DIR, Settings

BENCHMARKS_FILE = PROJECT_DIR / "docs" / "benchmarks.md"


@dataclass(frozen=True)
class StageResult:
    """One measured stage."""

    people: int
    stage: str
    seconds: float
    peak_mb: float
    rows: int

    @property
    def rows_per_second(self) -> float:
        """Throughput over the stage's input rows."""
        return self.rows / self.seconds if self.seconds else 0.0


def run_measured(args: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Run a command; return (wall seconds, peak RSS in MB of the child). Raises when it fails."""
    started = time.perf_counter()
    process = subprocess.Popen(args, env=env, cwd=PROJECT_DIR, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(args)} failed with exit code {os.waitstatus_to_exitcode(status)}")
    return seconds, usage.ru_maxrss / 1024


def raw_row_count(raw_dir: Path) -> int:
    """Rows across every raw file."""
    con = duckdb.connect()
    return sum(
        con.sql(f"select count(*) from '{path}'").fetchall()[0][0] for path in sorted(raw_dir.rglob("*.parquet"))
    )


def benchmark_size(people: int, workdir: Path, seed: int) -> list[StageResult]:
    """Generate and build one size in a fresh folder."""
    root = workdir / f"people_{people}"
    shutil.rmtree(root, ignore_errors=True)
    settings = Settings(PROJECT_DIR, root / "raw", root / "truth", root / "warehouse" / "customer360.duckdb")
    settings.warehouse.parent.mkdir(parents=True)
    bin_dir = Path(sys.executable).parent
    generate = [str(bin_dir / "customer360"), "generate", "--people", str(people), "--seed", str(seed)]
    generate += ["--out", str(settings.raw_dir), "--truth", str(settings.truth_dir), "--quiet"]
    gen_seconds, gen_peak = run_measured(generate)
    rows = raw_row_count(settings.raw_dir)
    build = [str(bin_dir / "dbt"), "build", "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR)]
    build += ["--target-path", str(root / "target")]
    build_seconds, build_peak = run_measured(build, env=os.environ | settings.environ())
    return [
        StageResult(people, "generate", gen_seconds, gen_peak, rows),
        StageResult(people, "dbt build", build_seconds, build_peak, rows),
    ]


def machine_description() -> str:
    """CPU count, memory and OS, for the benchmark record."""
    memory_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    system = f"{platform.system()} {platform.machine()}, Python {platform.python_version()}"
    return f"{os.cpu_count()} cores, {memory_gb:.0f} GB RAM, {system}"


def format_table(results: list[StageResult], rows_label: str = "input rows") -> str:
    """Markdown table of the measured stages."""
    lines = [
        f"| people | stage | wall time (s) | peak memory (MB) | {rows_label} | rows/s |",
        "|---:|---|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r.people:,} | {r.stage} | {r.seconds:.1f} | {r.peak_mb:,.0f} | {r.rows:,} | {r.rows_per_second:,.0f} |"
        )
    return "\n".join(lines)


def record(results: list[StageResult], path: Path = BENCHMARKS_FILE) -> None:
    """Append a dated section to docs/benchmarks.md."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    section = f"\n### {stamp} — {machine_description()}\n\n{format_table(results)}\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(section)


def run_benchmark(sizes: list[int], workdir: Path, seed: int, keep: bool, write: bool) -> list[StageResult]:
    """Measure every size, print the table, and optionally record it."""
    results: list[StageResult] = []
    for people in sizes:
        results.extend(benchmark_size(people, workdir, seed))
        print(format_table([r for r in results if r.people == people]), flush=True)
        if not keep:
            shutil.rmtree(workdir / f"people_{people}", ignore_errors=True)
    print("\n" + format_table(results))
    if write:
        record(results)
        print(f"\nrecorded in {BENCHMARKS_FILE}")
    return results
