"""Benchmark (not a test): what share of the main job the audit takes — the dbt data tests plus the
Great Expectations suites — on the demo data.

dbt runs its tests interleaved with the models on two threads, so their cost is measured as the
difference between a build with and a build without data tests, each on its own copy of the
published warehouse (steady state: no new erasure requests, one build pass). The suites are timed
in-process after Great Expectations was imported, because the main job imports it in the background
while dbt builds (pipeline.warm_up_great_expectations); the import is printed beside them.
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

from .benchmark import run_measured
from .pipeline import PRODUCTION_EXCLUDES, dbt_command
from .settings import Settings


def timed_build(settings: Settings, scratch: Path, with_tests: bool) -> float:
    """Wall seconds of one production build (no unit tests) on a fresh copy of the published warehouse."""
    shutil.copy2(settings.warehouse, scratch)
    excludes = PRODUCTION_EXCLUDES + ([] if with_tests else ["--exclude-resource-type", "test"])
    args = dbt_command(settings, "build", ["--target-path", str(scratch.parent / "target"), *excludes])
    seconds, _ = run_measured(args, env=os.environ | replace(settings, warehouse=scratch).environ())
    return seconds


def timed_suites(warehouse: Path) -> tuple[float, float]:
    """(import seconds, suite seconds) of the Great Expectations step on a copy of the warehouse."""
    started = time.perf_counter()
    import great_expectations  # noqa: F401  (timed on purpose)

    imported = time.perf_counter()
    from .quality import run_quality

    report = run_quality(warehouse)
    if not report.success:
        raise RuntimeError("the data-quality suites failed on the published warehouse; run `make run` first")
    return imported - started, time.perf_counter() - imported


def timed_main_job(settings: Settings, scratch: Path) -> float:
    """Wall seconds of `customer360 run` building from a copy of the published warehouse."""
    shutil.copy2(settings.warehouse, scratch)
    environ = os.environ | replace(settings, warehouse=scratch).environ()
    # --force: the copy carries the published warehouse's input fingerprint, so it would be up to date.
    seconds, _ = run_measured([str(Path(sys.executable).with_name("customer360")), "run", "--force"], env=environ)
    return seconds


def run_audit_benchmark(settings: Settings, workdir: Path, repeat: int) -> str:
    """Measure `repeat` times each and return the printed table (medians)."""
    if not settings.warehouse.exists():
        raise SystemExit(f"{settings.warehouse} does not exist; run `make run` first")
    workdir.mkdir(parents=True, exist_ok=True)
    scratch = workdir / "customer360.duckdb"
    with_tests, without_tests, jobs = [], [], []
    for _ in range(repeat):
        with_tests.append(timed_build(settings, scratch, with_tests=True))
        without_tests.append(timed_build(settings, scratch, with_tests=False))
        jobs.append(timed_main_job(settings, scratch))
    shutil.copy2(settings.warehouse, scratch)
    import_seconds, suite_seconds = timed_suites(scratch)
    tests = statistics.median(with_tests) - statistics.median(without_tests)
    job = statistics.median(jobs)
    rows = [
        ("dbt build, data tests included", statistics.median(with_tests)),
        ("dbt build, data tests excluded", statistics.median(without_tests)),
        ("dbt data tests (difference)", tests),
        ("Great Expectations suites", suite_seconds),
        ("(Great Expectations import, overlapped with the build)", import_seconds),
        ("customer360 run (main job)", job),
    ]
    lines = [f"medians of {repeat} runs each", "| step | wall time (s) |", "|---|---:|"]
    lines += [f"| {step} | {seconds:.1f} |" for step, seconds in rows]
    lines.append(f"| **audit share of the main job** | **{(tests + suite_seconds) / job:.0%}** |")
    return "\n".join(lines)
