"""Benchmarks (not tests): wall time, peak memory and throughput per pipeline stage at several sizes:
generating the data, then the main job (`customer360 run`: build, erasure pass, dbt tests, GX suites,
publish) with its own phase times. Peak memory of the phases is the main job's (one number per run).

With `--daily`, the append-only facts (web and email events, orders and lines, store transactions,
consent events) are delivered as folders of files (the raw contract's incremental form): the main job runs
on all but the newest 1% of them, then a second run adds that 1% as a new delivery file — a daily run,
measured beside the full one. Contacts, accounts and tickets stay single files (re-landed every run).
The daily run starts after `sync`: a real one runs a day after the main job, when the kernel has long
written its gigabytes back to disk; without it the daily run's work copy pays for that write-back (13.5 s
instead of 3.4 s for the same 7.4 GB copy at 1M, 2026-12-05).

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


def run_measured(args: list[str], env: dict[str, str] | None = None, log: Path | None = None) -> tuple[float, float]:
    """Run a command; return (wall seconds, peak RSS in MB of the largest process among the child and
    the descendants it waited for, e.g. the dbt process of the main job). Raises when it fails. Its
    output goes to `log` when given, else nowhere."""
    started = time.perf_counter()
    output = log.open("w", encoding="utf-8") if log else subprocess.DEVNULL
    process = subprocess.Popen(args, env=env, cwd=PROJECT_DIR, stdout=output, stderr=subprocess.STDOUT)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if log:
        output.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(args)} failed with exit code {os.waitstatus_to_exitcode(status)}")
    return seconds, usage.ru_maxrss / 1024


def raw_row_count(raw_dir: Path) -> int:
    """Rows across every raw file."""
    con = duckdb.connect()
    return sum(
        con.sql(f"select count(*) from '{path}'").fetchall()[0][0] for path in sorted(raw_dir.rglob("*.parquet"))
    )


# The append-only facts (incremental base_ models) and what orders their rows in time. Order lines have no
# time of their own: theirs is their order's, so they are split before the orders file moves.
DELIVERED_TABLES = {
    "web/events": "occurred_at",
    "marketing/email_events": "occurred_at",
    "shop/order_lines": "(select max(o.ordered_at) from '{raw}/shop/orders.parquet' o where o.order_id = t.order_id)",
    "shop/orders": "ordered_at",
    "pos/transactions": "transacted_at",
    "consent/consent_events": "occurred_at",
}
DAILY_SHARE = 0.01


def split_off_newest(raw_dir: Path, table: str, time_sql: str, share: float) -> Path:
    """Turn raw/<table>.parquet into a folder holding all but the newest `share` of its rows (by
    `time_sql`) as one delivery file; the newest rows go to <raw_dir>/../pending/, from where the caller
    moves them in as the next day's delivery. Returns that file.

    Rows whose time does not parse (the generator's defects) have no place in time: the same `share` of
    them, picked by a hash of the row, goes with the newest rows, so the day's file is as clean as any
    other. Sorted as text, all of them used to land in it: 10% of the day's consent events, which the
    build rightly refuses as a broken export (tests/staging/assert_no_delivery_file_is_mostly_quarantined)."""
    source = raw_dir / f"{table}.parquet"
    folder = raw_dir / table
    newest = raw_dir.parent / "pending" / table / "2-today.parquet"
    newest.parent.mkdir(parents=True)
    con = duckdb.connect()
    order = time_sql.format(raw=raw_dir)
    con.execute(f"create table timed as select t.*, try_cast({order} as timestamp) as _t from '{source}' as t")
    con.execute(
        "create table ranked as select * exclude (_t), case when _t is null then hash(timed::varchar) % 1000000 / 1e6 "
        "else percent_rank() over (partition by _t is null order by _t) end as _r from timed"
    )
    folder.mkdir()
    con.execute(f"copy (select * exclude (_r) from ranked where _r < {1 - share}) to '{folder / '1-history.parquet'}'")
    con.execute(f"copy (select * exclude (_r) from ranked where _r >= {1 - share}) to '{newest}'")
    con.close()
    source.unlink()
    return newest


def benchmark_size(people: int, workdir: Path, seed: int, daily: bool = False, keep: bool = False) -> list[StageResult]:
    """Generate and build one size in a fresh folder (then, with `daily`, run again on 1% new facts).

    With `daily` and `keep`, the published warehouse folder is also kept as the main job left it
    (`warehouse_before_daily/`, outside the timed runs), so the daily run can be replayed and profiled against
    it: a 1M daily run is the only place its costs show, and the main job that precedes it takes 12 minutes."""
    root = workdir / f"people_{people}"
    shutil.rmtree(root, ignore_errors=True)
    settings = Settings(PROJECT_DIR, root / "raw", root / "truth", root / "warehouse" / "customer360.duckdb")
    settings.warehouse.parent.mkdir(parents=True)
    bin_dir = Path(sys.executable).parent
    generate = [str(bin_dir / "customer360"), "generate", "--people", str(people), "--seed", str(seed)]
    generate += ["--out", str(settings.raw_dir), "--truth", str(settings.truth_dir), "--quiet"]
    gen_seconds, gen_peak = run_measured(generate)
    rows = raw_row_count(settings.raw_dir)
    newest = (
        [split_off_newest(settings.raw_dir, t, order, DAILY_SHARE) for t, order in DELIVERED_TABLES.items()]
        if daily
        else []
    )
    results = [
        StageResult(people, "generate", gen_seconds, gen_peak, rows),
        *measure_main_job(people, settings, root / "main_job.log", "main job (customer360 run)"),
    ]
    if daily:
        if keep:
            shutil.copytree(settings.warehouse.parent, root / "warehouse_before_daily")
        for table, delivery in zip(DELIVERED_TABLES, newest, strict=True):
            delivery.rename(settings.raw_dir / table / delivery.name)
        os.sync()  # a daily run starts a day later, after the kernel wrote the main job's pages back
        label = f"daily run ({DAILY_SHARE:.0%} new facts)"
        results += measure_main_job(people, settings, root / "daily_run.log", label)
    return results


def measure_main_job(people: int, settings: Settings, log: Path, label: str) -> list[StageResult]:
    """`customer360 run` on the settings' raw folder: the whole job and each of its phases."""
    rows = raw_row_count(settings.raw_dir)
    command = [str(Path(sys.executable).parent / "customer360"), "run"]
    seconds, peak = run_measured(command, env=os.environ | settings.environ(), log=log)
    phases = [StageResult(people, f"  {phase}", spent, peak, rows) for phase, spent in phase_times(log.read_text())]
    return [StageResult(people, label, seconds, peak, rows), *phases]


def phase_times(output: str) -> list[tuple[str, float]]:
    """The "phase wall times" the main job prints at its end, as (phase, seconds)."""
    lines = output.splitlines()
    if "phase wall times" not in lines:
        return []
    phases = []
    for line in lines[lines.index("phase wall times") + 1 :]:
        name, _, seconds = line.strip().rpartition(" ")
        if seconds != "s" or not name:
            break
        label, _, value = name.rpartition(" ")
        phases.append((label.strip(), float(value)))
    return phases


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


def run_benchmark(
    sizes: list[int], workdir: Path, seed: int, keep: bool, write: bool, daily: bool = False
) -> list[StageResult]:
    """Measure every size, print the table, and optionally record it."""
    results: list[StageResult] = []
    for people in sizes:
        results.extend(benchmark_size(people, workdir, seed, daily, keep))
        print(format_table([r for r in results if r.people == people]), flush=True)
        if not keep:
            shutil.rmtree(workdir / f"people_{people}", ignore_errors=True)
    print("\n" + format_table(results))
    if write:
        record(results)
        print(f"\nrecorded in {BENCHMARKS_FILE}")
    return results
