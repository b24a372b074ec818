"""Shared fixtures: a small generated dataset with truth, built once per test session with dbt."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from customer360.generator import GeneratorConfig, generate
from customer360.pipeline import build_with_erasure, dbt_command, run_pipeline
from customer360.settings import PROJECT_DIR, Settings

SMALL_PEOPLE = 3_000


@dataclass(frozen=True)
class BuiltWarehouse:
    """Paths of a generated dataset and the warehouse dbt built from it, plus dbt's console output."""

    raw_dir: Path
    truth_dir: Path
    warehouse: Path
    dbt_output: str

    def connect(self) -> duckdb.DuckDBPyConnection:
        """Read-only connection to the built warehouse."""
        return duckdb.connect(str(self.warehouse), read_only=True)


def dbt_build(raw_dir: Path, warehouse: Path, *extra: str, command: str = "build") -> subprocess.CompletedProcess[str]:
    """Run `dbt build` (or another dbt command) on a raw folder into a warehouse file, as `make run` does."""
    settings = Settings(PROJECT_DIR, raw_dir, raw_dir.parent / "truth", warehouse)
    args = dbt_command(settings, command, ["--target-path", str(warehouse.parent / "target")])
    env = os.environ | settings.environ()
    return subprocess.run([*args, *extra], env=env, cwd=PROJECT_DIR, capture_output=True, text=True, check=False)


def erasure_aware_build(raw_dir: Path, warehouse: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """dbt build with the erasure rule of `customer360 run` (pipeline.build_with_erasure): built once more
    when erasure requests grew the suppression list. Returns the last build."""
    results: list[subprocess.CompletedProcess[str]] = []

    def build() -> bool:
        results.append(dbt_build(raw_dir, warehouse, *extra))
        return results[-1].returncode == 0

    build_with_erasure(warehouse, first_pass=build, rebuild=build)
    return results[-1]


def relations_holding(warehouse: Path, values: list[str]) -> dict[str, int]:
    """schema.relation.column -> rows whose value (case-folded) is one of `values`, over every table and
    view of the warehouse, raw tables included: the residual scan of the erasure tests."""
    con = duckdb.connect()
    con.execute(f"attach '{warehouse}' as w (read_only)")
    con.execute("create temp table wanted as select unnest(?::varchar[]) as value", [values])
    relations = con.sql(
        "select schema_name, table_name from duckdb_tables() where database_name = 'w' union all "
        "select schema_name, view_name from duckdb_views() where database_name = 'w' and not internal"
    ).fetchall()
    hits: dict[str, int] = {}
    for schema, table in relations:
        for (column,) in con.sql(f'select column_name from (describe w."{schema}"."{table}")').fetchall():
            found = con.sql(
                f'select count(*) from w."{schema}"."{table}" as x '
                f'join wanted on lower(cast(x."{column}" as varchar)) = wanted.value'
            ).fetchall()[0][0]
            if found:
                hits[f"{schema}.{table}.{column}"] = found
    con.close()
    return hits


def make_dataset(root: Path, people: int, seed: int, file_format: str = "parquet") -> tuple[Path, Path]:
    """Generate raw files and truth under root."""
    raw, truth = root / "raw", root / "truth"
    generate(GeneratorConfig(people=people, seed=seed), raw, truth, file_format, progress=False)
    return raw, truth


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BuiltWarehouse]:
    """3,000 generated people built end to end; every integration test reads this one warehouse."""
    root = tmp_path_factory.mktemp("built")
    raw, truth = make_dataset(root, SMALL_PEOPLE, seed=7)
    warehouse = root / "warehouse" / "customer360.duckdb"
    warehouse.parent.mkdir()
    result = erasure_aware_build(raw, warehouse)
    assert result.returncode == 0, result.stdout[-4000:]
    yield BuiltWarehouse(raw, truth, warehouse, result.stdout)


@pytest.fixture(scope="session")
def published(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """600 generated people through `customer360 run` (write-audit-publish): the published warehouse and
    BI file that exports, the dashboard and the publish tests read."""
    root = tmp_path_factory.mktemp("published")
    raw, truth = make_dataset(root, 600, seed=4)
    settings = Settings(PROJECT_DIR, raw, truth, root / "warehouse" / "customer360.duckdb")
    assert run_pipeline(settings) == 0
    return settings
