"""The main job: dbt build on the configured raw folder, then a short summary of what was built."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from .settings import Settings


@dataclass(frozen=True)
class BuildSummary:
    """Rows per layer, quarantined rows and persons, read from the built warehouse."""

    layer_rows: dict[str, int]
    quarantined_rows: int
    persons: int
    true_persons: int | None


def dbt(settings: Settings, command: str, extra_args: list[str] | None = None) -> bool:
    """Run a dbt command in a child process; True when every node and test passed.

    A child process rather than dbtRunner: dbt-duckdb keeps its connection open for the life of the
    Python process, which would lock the warehouse file against the summary and other readers.
    """
    settings.warehouse.parent.mkdir(parents=True, exist_ok=True)
    executable = Path(sys.executable).with_name("dbt")
    args = [str(executable), command, "--project-dir", str(settings.project_dir)]
    args += ["--profiles-dir", str(settings.project_dir), *(extra_args or [])]
    result = subprocess.run(args, env=os.environ | settings.environ(), cwd=settings.project_dir, check=False)
    return result.returncode == 0


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


def run_pipeline(settings: Settings, full_refresh: bool = False) -> int:
    """Build, then print the summary; exit code 0 on success, 1 when dbt failed."""
    started = time.perf_counter()
    if not Path(settings.raw_dir).exists():
        print(f"raw folder {settings.raw_dir} does not exist; generate data or set CUSTOMER360_RAW_DIR")
        return 2
    ok = dbt(settings, "build", ["--full-refresh"] if full_refresh else None)
    if not ok:
        print("dbt build failed; see the messages above (logs/dbt.log has the details)")
        return 1
    print(format_summary(summarise(settings), time.perf_counter() - started))
    return 0
