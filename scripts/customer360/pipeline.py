"""The main job, write-audit-publish: build a work copy of the warehouse, audit it (dbt tests inside
`dbt build`, then the Great Expectations suites), and only when everything passed replace the published
file by the work copy in one atomic rename. A failed build or check leaves the published file
byte-identical, and a reader never sees a half-built warehouse: it has either the old file or the new.

The work copy starts as a copy of the published file, so what must survive between runs (the erasure
suppression list, crosswalk history, quality history) carries over. A run whose inputs are those the
published file was built from stops before copying anything (customer360.inputs).
"""

from __future__ import annotations

import importlib
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

import duckdb

from .bi_file import bi_path, write_bi_copy
from .inputs import forget_fingerprint, input_fingerprint, published_fingerprint, record_fingerprint, same_code
from .quality import QualityReport, check_warehouse, format_failures
from .settings import Settings

T = TypeVar("T")

# A production build leaves out the unit tests and the macro tests (tag code): they check the SQL, not the
# data, and `make test` runs them (dbt's own recommendation for unit tests). The data tests run inside the
# build, so nothing untested is published.
PRODUCTION_EXCLUDES = ["--exclude-resource-type", "unit_test", "--exclude", "tag:code"]


@dataclass(frozen=True)
class BuildSummary:
    """Rows per layer, quarantined rows and persons, read from the built warehouse."""

    layer_rows: dict[str, int]
    quarantined_rows: int
    persons: int
    true_persons: int | None


def dbt(
    settings: Settings, command: str, extra_args: list[str] | None = None, environ: dict[str, str] | None = None
) -> bool:
    """Run a dbt command in a child process (with `environ` added to its environment); True when every
    node and test passed.

    A child process rather than dbtRunner: dbt-duckdb keeps its connection open for the life of the
    Python process, which would lock the warehouse file against the summary and other readers.
    """
    settings.warehouse.parent.mkdir(parents=True, exist_ok=True)
    args = dbt_command(settings, command, extra_args)
    env = os.environ | settings.environ() | (environ or {})
    result = subprocess.run(args, env=env, cwd=settings.project_dir, check=False)
    return result.returncode == 0


def dbt_command(settings: Settings, command: str, extra_args: list[str] | None = None) -> list[str]:
    """The command line of a dbt command on this project, with the venv's dbt."""
    executable = Path(sys.executable).with_name("dbt")
    args = [str(executable), command, "--project-dir", str(settings.project_dir)]
    return [*args, "--profiles-dir", str(settings.project_dir), *(extra_args or [])]


def _count(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    return int(con.sql(sql).fetchall()[0][0])


def summarise(settings: Settings) -> BuildSummary:
    """Count what the build produced; the truth count is shown only when a truth folder exists."""
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        relations = con.sql(
            "select table_schema, table_name from information_schema.tables "
            "where table_schema in ('raw', 'staging', 'intermediate', 'marts')"
        ).fetchall()
        layer_rows: dict[str, int] = {}
        quarantined = 0
        for schema, table in relations:
            if schema == "staging" and table.startswith("base_"):
                continue
            rows = _count(con, f'select count(*) from "{schema}"."{table}"')
            if table.endswith("__quarantine"):
                quarantined += rows
                continue
            layer_rows[schema] = layer_rows.get(schema, 0) + rows
        persons = _count(con, "select count(*) from marts.customer_360")
    finally:
        con.close()
    truth = settings.truth_dir / "persons.parquet"
    true_persons = _count(duckdb.connect(), f"select count(*) from '{truth}'") if truth.exists() else None
    return BuildSummary(layer_rows, quarantined, persons, true_persons)


def format_summary(summary: BuildSummary, seconds: float) -> str:
    """The few lines `make run` prints at the end."""
    lines = ["", "customer360 build summary"]
    for layer in ("raw", "staging", "intermediate", "marts"):
        lines.append(f"  {layer:<14}{summary.layer_rows.get(layer, 0):>14,} rows")
    lines.append(f"  {'quarantined':<14}{summary.quarantined_rows:>14,} rows")
    lines.append(f"  {'persons':<14}{summary.persons:>14,} produced")
    if summary.true_persons is not None:
        lines.append(f"  {'true persons':<14}{summary.true_persons:>14,} in the generator's truth")
    lines.append(f"  {'wall time':<14}{seconds:>14.1f} s")
    return "\n".join(lines)


def work_copy_path(published: Path) -> Path:
    """Where the run builds: beside the published file, so the final rename stays on one filesystem."""
    return published.with_name(f"{published.stem}.work{published.suffix}")


def prepare_work_copy(published: Path, work: Path) -> None:
    """Start the work copy from the published warehouse (or from nothing on the first run), without the
    published file's input fingerprint: whatever publishes the copy next must not pass for built from it."""
    for stale in (work, work.with_name(work.name + ".wal")):
        stale.unlink(missing_ok=True)
    work.parent.mkdir(parents=True, exist_ok=True)
    if published.exists():
        shutil.copy2(published, work)
        forget_fingerprint(work)


def suppression_count(warehouse: Path) -> int:
    """Rows of the erasure suppression list (0 before it exists)."""
    if not warehouse.exists():
        return 0
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        found = con.sql(
            "select count(*) from information_schema.tables "
            "where table_schema = 'intermediate' and table_name = 'int_privacy_erasure_suppressions'"
        ).fetchall()[0][0]
        return _count(con, "select count(*) from intermediate.int_privacy_erasure_suppressions") if found else 0
    finally:
        con.close()


ERASURE_LIST = "int_privacy_erasure_suppressions"
# What pass 1 builds: the erasure list and what it is made of. Not the rest of staging, although identity does
# not read it and pass 1's serial identity chain leaves a dbt thread idle: DuckDB already runs each query on
# both cores, and the wider pass 1 made the 1M daily run slower (docs/decisions.md, 2026-12-04).
FIRST_PASS = [f"+{ERASURE_LIST}"]
# A test runs in the pass that has built all of its parents, so none runs against the last run's relations.
CAUTIOUS = ["--indirect-selection", "cautious"]


# Environment of a build followed by another when it grows the erasure list: the test that fails a build
# whose list grew after its landing (tests/intermediate/privacy/assert_raw_was_landed_with_the_current_erasure_list.sql)
# only warns there, since the next build lands without the erased rows.
ERASURE_GROWTH_HANDLED = {"CUSTOMER360_ERASURE_LIST_GROWTH_SEVERITY": "warn"}
# Environment of a pass that reuses the raw tables an earlier pass landed (macro register_raw_sources).
# Not a dbt var: a var that differs from the last command's makes dbt re-parse the whole project.
REUSE_LANDING = {"CUSTOMER360_LAND_RAW_FILES": "false"}
# Environment of the pass after one that left the erasure list as the published run had it: the histories
# were purged against that list then, so their purge (macro purge_erased) is skipped.
REST_PASS_ENVIRONMENT = REUSE_LANDING | {"CUSTOMER360_ERASURE_LIST_UNCHANGED": "true"}
# Environment of every pass on a work copy of a warehouse published by the same code, vars and settings: its
# rows passed their tests before it was published, and the views over them give the same rows, so the
# primary-key and raw-reconciliation tests of the append-only facts check only newly landed rows
# (macros/testing/landed_now.sql). Only the pipeline knows that: a warehouse built by hand may hold rows
# of a build whose tests failed.
EARLIER_ROWS_TESTED = {"CUSTOMER360_EARLIER_ROWS_TESTED": "true"}


def build_with_erasure(warehouse: Path, build: Callable[[str, list[str], dict[str, str]], bool]) -> bool:
    """Build in two passes, split at the erasure suppression list; True when every pass passed.

    `build(phase, dbt_arguments, environ)` runs one `dbt build` with `environ` added to its environment.
    Pass 1 builds and tests the list and what it is made of (FIRST_PASS: staging and identity). If the list
    grew, the erased persons' rows were landed before the list knew them, so pass 2 rebuilds everything:
    landing now leaves those rows out. If it did not, pass 2 builds only the rest, on the raw tables pass 1
    landed (REUSE_LANDING: an environment variable, so that dbt's partial parsing survives between the passes).

    Why split: the first of two full builds used to be half wasted. Its marts and their tests were
    rebuilt at once by the erasure pass. A run with no new erasure request pays a second dbt start and
    less overlap between threads instead (about 10 s at 10,000 people; docs/decisions.md).
    tests/python/test_build_passes.py checks that the passes run every node and test exactly once.
    """
    before = suppression_count(warehouse)
    if not build("dbt build: staging + identity", ["--select", *FIRST_PASS, *CAUTIOUS], ERASURE_GROWTH_HANDLED):
        return False
    added = suppression_count(warehouse) - before
    if added == 0:
        return build("dbt build: the rest", ["--exclude", *FIRST_PASS, *CAUTIOUS], REST_PASS_ENVIRONMENT)
    print(f"erasure: {added:,} identifiers newly suppressed; rebuilding so that no relation keeps them")
    return build("dbt build (erasure pass)", [], {})


def dbt_vars_args(dbt_vars: dict | None) -> list[str]:
    """The --vars argument for `dbt_vars`; none when there are none."""
    return ["--vars", json.dumps(dbt_vars)] if dbt_vars else []


def rename_into_place(work: Path, published: Path) -> None:
    """The staged BI file and the work copy renamed over their targets (atomic on one filesystem)."""
    os.replace(bi_path(work), bi_path(published))
    os.replace(work, published)


def is_up_to_date(published: Path, fingerprint: str) -> bool:
    """True when the published warehouse and its BI file exist and were built from inputs with `fingerprint`."""
    return bi_path(published).exists() and published_fingerprint(published) == fingerprint


def publish_audited(work: Path, published: Path, fingerprint: str) -> None:
    """Record in the audited work copy what it was built from, then rename it (and its BI file) into place."""
    con = duckdb.connect(str(work))
    try:
        record_fingerprint(con, fingerprint)
    finally:
        con.close()
    rename_into_place(work, published)


def publish(work: Path, published: Path) -> None:
    """Atomically replace the published warehouse and its BI file by the audited work copy: each is
    written beside its target and renamed over it (a rename on one filesystem is atomic)."""
    con = duckdb.connect(str(work))
    try:
        write_bi_copy(con, bi_path(work), published)
    finally:
        con.close()
    rename_into_place(work, published)


def audit_while_staging_bi(work: Path, published: Path, thresholds: dict | None) -> QualityReport:
    """The GX suites on the work copy and, at the same time, the BI file written beside it (carried forward
    from the `published` warehouse's BI file where it can be: customer360.bi_file).

    The suites spend most of their time in Python (pandas, GX), the copy in DuckDB's threads, so on two
    cores they overlap: at 1M people 38.8 s together against 24.6 s + 21.5 s one after the other.
    One DuckDB instance serves both threads, each with its own cursor: two instances on one file could
    not both write. The BI file is only staged: `rename_into_place` publishes it, after the audit passed.
    """
    con = duckdb.connect(str(work))
    try:
        with ThreadPoolExecutor(max_workers=1) as pool:
            staged = pool.submit(write_bi_copy, con.cursor(), bi_path(work), published)
            report = check_warehouse(con, work.parent / "gx", thresholds=thresholds)
            staged.result()
    finally:
        con.close()
    if not report.success:
        bi_path(work).unlink(missing_ok=True)
    return report


class PhaseClock:
    """Wall time per pipeline phase, printed after the summary (the audit's share of the run is a target)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    def timed(self, phase: str, step: Callable[[], T]) -> Callable[[], T]:
        """`step` wrapped so that calling it adds its wall time to `phase`."""

        def run() -> T:
            started = time.perf_counter()
            try:
                return step()
            finally:
                self.seconds[phase] = self.seconds.get(phase, 0.0) + time.perf_counter() - started

        return run

    def format(self) -> str:
        lines = ["phase wall times"]
        lines += [f"  {phase:<32}{seconds:>8.1f} s" for phase, seconds in self.seconds.items()]
        return "\n".join(lines)


def warm_up_great_expectations() -> threading.Thread:
    """Import Great Expectations in a background thread while dbt builds in its child process.

    The import alone takes ~5 s (more than the suites); the main thread spends the dbt build waiting on
    a child process, so the import overlaps it instead of adding to the run. Python's import lock makes
    the quality step wait for a half-finished import rather than start a second one.
    """
    thread = threading.Thread(target=importlib.import_module, args=("great_expectations",), daemon=True)
    thread.start()
    return thread


# An incremental model's stored rows were made by the code that published them, and its incremental logic may
# read columns that code did not write (a model that was a table before, a new fingerprint column): a warehouse
# built by other code, vars or settings (or by hand, without a fingerprint) is rebuilt in full, as dbt asks
# after such changes. Tables configured full_refresh: false (the histories, the erasure list) are kept.
KEEP_HISTORIES = {"CUSTOMER360_KEEP_HISTORIES": "true"}  # macro keeps_history
UPGRADE_NOTICE = (
    "{published} was built by other code, vars or settings (or by hand): rebuilding it in full "
    "(--full-refresh; histories and the erasure list are kept), once"
)


def built_by_other_code(published: Path, fingerprint: str) -> bool:
    """True when `published` exists and was not published by the code, vars and settings of `fingerprint`."""
    return published.exists() and not same_code(published_fingerprint(published), fingerprint)


def run_pipeline(
    settings: Settings, full_refresh: bool = False, dbt_vars: dict | None = None, force: bool = False
) -> int:
    """Write-audit-publish; exit code 0 published (or already up to date), 1 build or check failed (nothing
    published), 2 no raw data. Unless `force` or `full_refresh`, a run whose inputs equal those of the
    published warehouse stops at once (customer360.inputs)."""
    started = time.perf_counter()
    if not Path(settings.raw_dir).exists():
        print(f"raw folder {settings.raw_dir} does not exist; generate data or set CUSTOMER360_RAW_DIR")
        return 2
    published = settings.warehouse
    fingerprint = input_fingerprint(settings, dbt_vars)
    if not (force or full_refresh) and is_up_to_date(published, fingerprint):
        print(
            f"nothing changed since {published} was published (same raw files, code, vars and settings): "
            "it is up to date, nothing to do. `customer360 run --force` builds anyway."
        )
        return 0
    warm_up_great_expectations()
    work = work_copy_path(published)
    phases = PhaseClock()
    run_environment = EARLIER_ROWS_TESTED if same_code(published_fingerprint(published), fingerprint) else {}
    if built_by_other_code(published, fingerprint) and not full_refresh:
        print(UPGRADE_NOTICE.format(published=published))
        full_refresh = True
        run_environment = KEEP_HISTORIES
    phases.timed("work copy", lambda: prepare_work_copy(published, work))()
    work_settings = replace(settings, warehouse=work)
    refresh = ["--full-refresh"] if full_refresh else []

    def build(phase: str, arguments: list[str], environ: dict[str, str]) -> bool:
        command = [*refresh, *PRODUCTION_EXCLUDES, *arguments, *dbt_vars_args(dbt_vars)]
        return phases.timed(phase, lambda: dbt(work_settings, "build", command, run_environment | environ))()

    built = build_with_erasure(work, build)
    if not built:
        print(f"dbt build failed; nothing published ({published} is unchanged). Details: logs/dbt.log")
        return 1
    audit = phases.timed("data-quality suites + BI file", lambda: audit_while_staging_bi(work, published, dbt_vars))
    report = audit()
    if not report.success:
        print(format_failures(report))
        print(f"nothing published ({published} is unchanged); the audited work copy is {work}")
        return 1
    phases.timed("publish", lambda: publish_audited(work, published, fingerprint))()
    print(f"published {published} and, for BI tools, {bi_path(published)}")
    print(f"data-quality report: {report.data_docs}")
    summary = phases.timed("summary counts", lambda: summarise(settings))()
    print(format_summary(summary, time.perf_counter() - started))
    print(phases.format())
    return 0
