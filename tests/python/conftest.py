"""Shared fixtures: a small generated dataset with truth, built once per test session with dbt."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from customer360.generator import GeneratorConfig, generate
from customer360.pipeline import build_with_erasure, dbt_command, dbt_vars_args, run_pipeline
from customer360.settings import PROJECT_DIR, Settings

SMALL_PEOPLE = 3_000
# For builds whose test asserts on the built relations with its own oracle (stability, erasure, consent
# properties, incremental runs): dbt's data and unit tests run on the session's `built` warehouse and in
# every `customer360 run`, and skipping them here takes a third off each of those builds.
WITHOUT_DBT_TESTS = ("--exclude-resource-type", "test", "--exclude-resource-type", "unit_test")


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


def dbt_build(
    raw_dir: Path, warehouse: Path, *extra: str, command: str = "build", environ: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `dbt build` (or another dbt command) on a raw folder into a warehouse file, as `make run` does."""
    settings = Settings(PROJECT_DIR, raw_dir, raw_dir.parent / "truth", warehouse)
    args = dbt_command(settings, command, ["--target-path", str(warehouse.parent / "target")])
    env = os.environ | settings.environ() | (environ or {})
    return subprocess.run([*args, *extra], env=env, cwd=PROJECT_DIR, capture_output=True, text=True, check=False)


def erasure_aware_build(
    raw_dir: Path, warehouse: Path, *extra: str, dbt_vars: dict | None = None
) -> subprocess.CompletedProcess[str]:
    """dbt build with the erasure rule of `customer360 run` (pipeline.build_with_erasure): two passes split
    at the erasure list, the second a full rebuild when erasure requests grew the list. Returns the last."""
    results: list[subprocess.CompletedProcess[str]] = []

    def build(phase: str, arguments: list[str], environ: dict[str, str]) -> bool:
        results.append(dbt_build(raw_dir, warehouse, *extra, *arguments, *dbt_vars_args(dbt_vars), environ=environ))
        return results[-1].returncode == 0

    build_with_erasure(warehouse, build)
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


def make_dataset(
    root: Path, people: int, seed: int, file_format: str = "parquet", **config: float
) -> tuple[Path, Path]:
    """Generate raw files and truth under root (`config`: other GeneratorConfig fields)."""
    raw, truth = root / "raw", root / "truth"
    generate(GeneratorConfig(people=people, seed=seed, **config), raw, truth, file_format, progress=False)
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


SPARK_TOTALS_SQL = """
select
    count(*) as persons,
    sum(purchase_count) as purchases,
    cast(round(sum(total_revenue), 2) as double) as revenue,
    sum(web_session_count) as web_sessions,
    count(segment) as segmented,
    cast(round(sum(clv), 1) as double) as clv,
    count(next_best_action) as actions,
    count(distinct email) as emails,
    (select count(*) from intermediate.int_privacy_erasure_suppressions) as suppressions,
    (select count(*) from intermediate.int_identity_fuzzy_pairs) as fuzzy_pairs
from marts.customer_360
"""


class SparkBuild:
    """400 generated people built on Spark in a background thread (`customer360 dbt-spark`, each command in
    its own process and JVM): pass 1 builds with the data tests, pass 2 is the erasure pass. The test
    waits for it with totals()."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.raw_dir = root / "raw"
        self.spark_dir = root / "spark"
        self.failure: str | None = None
        self.result: dict[str, object] | None = None
        self.thread = threading.Thread(target=self._build, daemon=True)
        self.thread.start()

    def _environ(self) -> dict[str, str]:
        settings = Settings(PROJECT_DIR, self.raw_dir, self.root / "truth", self.root / "unused.duckdb")
        return os.environ | settings.environ() | {"CUSTOMER360_SPARK_DIR": str(self.spark_dir)}

    def _run(self, *command: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, *command], env=self._environ(), cwd=PROJECT_DIR, capture_output=True, text=True
        )

    def _build(self) -> None:
        make_dataset(self.root, 400, seed=2)  # a sample with four erasure requests
        target = ["--target-path", str(self.root / "target")]
        for args in (["build", "--exclude", "tag:code"], ["run"]):
            result = self._run("-m", "customer360.cli", "dbt-spark", *args, *target)
            if result.returncode != 0:
                self.failure = f"dbt-spark {' '.join(args)} failed:\n{result.stdout[-5000:]}"
                return
        code = "import json, sys; from customer360.spark import query; "
        code += "print(json.dumps(query(sys.argv[1])[0], default=str))"
        result = self._run("-c", code, SPARK_TOTALS_SQL)
        if result.returncode != 0:
            self.failure = f"the totals query failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}"
            return
        self.result = json.loads(result.stdout.strip().splitlines()[-1])

    def totals(self) -> dict[str, object]:
        self.thread.join()
        assert self.failure is None, self.failure
        assert self.result is not None
        return self.result


@pytest.fixture(scope="session", autouse=os.environ.get("CUSTOMER360_SPARK_TESTS") == "1")
def spark_build(tmp_path_factory: pytest.TempPathFactory) -> SparkBuild:
    """Started with the session (autouse when Spark tests are on), so the Spark build overlaps the rest."""
    return SparkBuild(tmp_path_factory.mktemp("spark"))
