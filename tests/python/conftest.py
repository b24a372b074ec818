"""Shared fixtures: a small generated dataset with truth, built once per test session with dbt."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from xdist.scheduler import LoadScopeScheduling

from customer360.generator import GeneratorConfig, generate
from customer360.pipeline import ERASURE_LIST, build_with_erasure, dbt_command, dbt_vars_args, run_pipeline
from customer360.settings import PROJECT_DIR, Settings

# An xdist worker's __main__ (execnet runs it from a string) has no __file__, which pyspark's Connect
# module takes for a doctest run: importing Great Expectations (it imports pyspark.sql.connect when pyspark
# is installed) would then call sys.exit(0) in the worker. Give __main__ a file name, as a script has.
if not hasattr(sys.modules["__main__"], "__file__"):
    sys.modules["__main__"].__file__ = "<pytest-xdist worker>"

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


# dbt's partial parsing reuses a parse only for the same profile, and the profile holds the warehouse path. A
# full parse costs about 6 s of CPU, and the suite builds some twenty warehouses in separate folders. So
# dbt_build runs dbt in the warehouse's folder with the bare file name (the same path string for every test)
# and starts each new target folder from the last parse any worker of this run saved; dbt checks the files'
# checksums, vars and profile itself, and parses in full whatever does not match. One run's parses only (the
# folder is named after the pytest process that started the run, an xdist worker's parent), so no parse of
# older code is ever offered; that process removes the folder when the run ends (pytest_sessionfinish).
SHARED_PARSE = (
    Path(tempfile.gettempdir())
    / f"customer360-parse-{os.getppid() if 'PYTEST_XDIST_WORKER' in os.environ else os.getpid()}"
    / "partial_parse.msgpack"
)


def dbt_build(
    raw_dir: Path, warehouse: Path, *extra: str, command: str = "build", environ: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `dbt build` (or another dbt command) on a raw folder into a warehouse file, as `make run` does."""
    settings = Settings(PROJECT_DIR, raw_dir, raw_dir.parent / "truth", Path(warehouse.name))
    target = warehouse.parent / "target"
    saved = target / SHARED_PARSE.name
    if not saved.exists() and SHARED_PARSE.exists():
        target.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(SHARED_PARSE, saved)
    args = dbt_command(settings, command, ["--target-path", str(target)])
    env = os.environ | settings.environ() | (environ or {})
    result = subprocess.run([*args, *extra], env=env, cwd=warehouse.parent, capture_output=True, text=True, check=False)
    if saved.exists():  # renamed into place, so that no worker copies half a file
        SHARED_PARSE.parent.mkdir(exist_ok=True)
        partial = SHARED_PARSE.with_suffix(f".{os.getpid()}")
        shutil.copyfile(saved, partial)
        partial.rename(SHARED_PARSE)
    return result


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
    view of the warehouse, raw tables included: the residual scan of the erasure tests. A quarantined row's
    `raw_record` (the raw row as a JSON object) counts when one of its string values is one of `values`."""
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
            value = f'lower(cast(x."{column}" as varchar))'
            condition = (
                f"""position('"' || wanted.value || '"' in {value}) > 0"""
                if column == "raw_record"
                else f"{value} = wanted.value"
            )
            query = f'select count(*) from w."{schema}"."{table}" as x join wanted on {condition}'
            found = con.sql(query).fetchall()[0][0]
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


# The second pass and the totals query in one process, so that one JVM serves both (a JVM's start and
# warm-up cost about 40 s of CPU).
SPARK_ERASURE_PASS_AND_TOTALS = """
import json, sys
from pathlib import Path
from customer360.spark import query, run_dbt
if run_dbt(["build", "--target-path", sys.argv[2]], Path(sys.argv[3])) != 0:
    sys.exit("dbt-spark build (the erasure pass) failed")
print(json.dumps(query(sys.argv[1])[0], default=str))
"""


class SparkBuild:
    """400 generated people built on Spark in two passes split at the erasure list, as `customer360 run`
    splits them (pipeline.build_with_erasure): pass 1 (`customer360 dbt-spark build --select
    +int_privacy_erasure_suppressions`, without tests) builds the seeds and models the list is made of, in one
    process and JVM; pass 2 (`build`: every model, the data and `code` tests, on the erased data) and the
    totals query in another.

    The build runs in a background thread of the process that starts the session (pytest's only process,
    or xdist's controller, which runs no test), from the session's first moment, so that it overlaps every
    other test and keeps no worker waiting. It hands over through files in `root`: the test (in whichever
    process runs it) waits for `totals()`.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.raw_dir = root / "raw"
        self.spark_dir = root / "spark"
        self.result_file = root / "totals.json"
        self.failure_file = root / "failure.txt"

    def start(self) -> None:
        """Generate the sample, then build it on Spark in a background thread."""
        make_dataset(self.root, 400, seed=2)  # a sample with four erasure requests
        threading.Thread(target=self._build_or_report, daemon=True).start()

    def _build_or_report(self) -> None:
        """The build; any error is handed over as a failure, so that the waiting test never waits in vain."""
        try:
            self._build()
        except Exception as error:  # reported to the test, which fails with it
            self._hand_over(self.failure_file, f"the Spark build raised {error!r}")

    def _environ(self) -> dict[str, str]:
        settings = Settings(PROJECT_DIR, self.raw_dir, self.root / "truth", self.root / "unused.duckdb")
        return os.environ | settings.environ() | {"CUSTOMER360_SPARK_DIR": str(self.spark_dir)}

    def _run(self, *command: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, *command], env=self._environ(), cwd=PROJECT_DIR, capture_output=True, text=True
        )

    def _hand_over(self, target: Path, text: str) -> None:
        """Write `text` to `target` whole (renamed into place), so a waiting reader never sees half of it."""
        partial = target.with_suffix(".partial")
        partial.write_text(text, encoding="utf-8")
        partial.rename(target)

    def _build(self) -> None:
        target = str(self.root / "target")
        # Pass 2 runs the `code` tests too (macros on literal values, the BI view's tests): the production
        # build skips them, but they check the spark__ variants of the macros, which no DuckDB build reaches.
        pass_one = ["dbt-spark", "build", "--select", f"+{ERASURE_LIST}", *WITHOUT_DBT_TESTS, "--target-path", target]
        result = self._run("-m", "customer360.cli", *pass_one)
        if result.returncode != 0:
            self._hand_over(self.failure_file, f"dbt-spark {' '.join(pass_one[1:4])} failed:\n{result.stdout[-5000:]}")
            return
        result = self._run("-c", SPARK_ERASURE_PASS_AND_TOTALS, SPARK_TOTALS_SQL, target, str(self.raw_dir))
        if result.returncode != 0:
            output = result.stdout[-5000:] + result.stderr[-3000:]
            self._hand_over(self.failure_file, f"the erasure pass or the totals query failed:\n{output}")
            return
        self._hand_over(self.result_file, result.stdout.strip().splitlines()[-1])

    def totals(self, timeout: float = 3600) -> dict[str, object]:
        """The totals the Spark build wrote, once it has; fails with its output if it failed."""
        deadline = time.monotonic() + timeout
        while not (self.result_file.exists() or self.failure_file.exists()):
            assert time.monotonic() < deadline, f"the Spark build wrote nothing in {timeout:.0f} s"
            time.sleep(2)
        assert not self.failure_file.exists(), self.failure_file.read_text(encoding="utf-8")
        return json.loads(self.result_file.read_text(encoding="utf-8"))


def spark_root(config: pytest.Config) -> Path:
    """The Spark build's folder: beside the session's temporary folders, the same for every xdist worker."""
    basetemp = config._tmp_path_factory.getbasetemp()  # type: ignore[attr-defined]
    return (basetemp.parent if hasattr(config, "workerinput") else basetemp) / "spark-build"


def pytest_sessionstart(session: pytest.Session) -> None:
    """Start the Spark build with the session, in the starting process only, when Spark tests are on."""
    if os.environ.get("CUSTOMER360_SPARK_TESTS") == "1" and not hasattr(session.config, "workerinput"):
        root = spark_root(session.config)
        root.mkdir()
        SparkBuild(root).start()


def pytest_sessionfinish(session: pytest.Session) -> None:
    """The process that started the run removes the run's shared dbt parse once every worker is done."""
    if not hasattr(session.config, "workerinput"):
        shutil.rmtree(SHARED_PARSE.parent, ignore_errors=True)


@pytest.fixture(scope="session")
def spark_build(pytestconfig: pytest.Config) -> SparkBuild:
    """The Spark build the session started (see pytest_sessionstart)."""
    return SparkBuild(spark_root(pytestconfig))


# `make test` runs pytest on three workers (pytest-xdist): a dbt build on small data keeps about one core
# busy, but much of it is single-threaded Python (dbt's start-up and compilation), so on this 2-core machine
# a third worker fills the idle time (15 min 11 s -> 12 min 34 s, 2026-12-05). Tests are sent to the workers by
# group: every module using one of the expensive session fixtures belongs to that fixture's group, so the
# fixture is built by one worker only, and every test writing the project's own target/ folder
# (`customer360 run`, Dagster) is in the `published` group, so only one writes it at a time. Any other
# module is a group of its own. (xdist's own --dist loadgroup renames node ids, which pytest 9 ignores,
# hence the scheduler below.)
# Each expensive session fixture names its group.
SHARED_FIXTURES = ("built", "published")
MODULE_GROUPS = {
    "test_customer_360": "built",
    "test_documentation": "built",
    "test_generic_tests": "built",
    "test_identity": "built",
    "test_metrics": "built",
    "test_resolve": "built",
    "test_staging": "built",
    "test_activation": "published",
    "test_bi_file": "published",
    "test_dashboard": "published",
    "test_orchestration": "published",  # its module loads dbt's manifest from target/
    "test_privacy": "published",
    "test_quality": "published",
}
# Longest first, so that no long group starts last (the rest follow in collection order); the Spark test
# last, as it waits for the Spark build, which runs beside all the others (SparkBuild).
WORKER_GROUPS = ("published", "test_incremental", "built", "test_erasure", "test_identity_stability")
LAST_GROUPS = ("test_spark",)


def worker_group(nodeid: str) -> str:
    """The group of a test, from its node id: its module's group, else its module."""
    module = Path(nodeid.split("::")[0]).stem
    return MODULE_GROUPS.get(module, module)


class GroupScheduling(LoadScopeScheduling):
    """xdist's per-module scheduling, with the modules of a group sent to one worker as one unit."""

    def _split_scope(self, nodeid: str) -> str:
        return worker_group(nodeid)


def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> GroupScheduling:
    return GroupScheduling(config, log)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Refuse a test whose shared fixture's group is not its module's (it would build the fixture again in
    the other worker); then long groups first (WORKER_GROUPS), the rest in collection order."""
    misplaced = [
        f"{item.nodeid} uses fixture {fixture}: add its module to MODULE_GROUPS as {fixture!r}"
        for item in items
        for fixture in SHARED_FIXTURES
        if fixture in item.fixturenames and worker_group(item.nodeid) != fixture
    ]
    if misplaced:
        raise pytest.UsageError("\n".join(misplaced))

    def rank(item: pytest.Item) -> int:
        group = worker_group(item.nodeid)
        if group in LAST_GROUPS:
            return len(WORKER_GROUPS) + 1
        return WORKER_GROUPS.index(group) if group in WORKER_GROUPS else len(WORKER_GROUPS)

    items.sort(key=rank)  # stable
