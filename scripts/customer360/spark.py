"""Run the dbt project on Spark (dbt-spark, session method, local mode).

Three things plain `dbt --target spark` cannot do, done here:

- **Python models.** dbt-spark submits Python models only to Databricks clusters. In session mode the
  Spark session lives in the dbt process, so a job helper that executes the compiled model code in
  that session is enough: `dbt.ref()` returns a Spark DataFrame, the model converts it to pandas
  (`customer360.dbt_python.to_pandas`), and dbt-spark's generated code writes the result back as a
  table. Fuzzy matching and CLV therefore run unchanged on both engines.
- **Jaro-Winkler.** Spark SQL has no `jaro_winkler_similarity`; household scoping compares first names
  with it (a typo is the same person). The session gets a function of that name (`jaro_winkler` below,
  tested equal to DuckDB's), so the SQL is the same on both engines.
- **Finding the raw files.** Spark SQL cannot test whether a file exists, so the raw files present
  under CUSTOMER360_RAW_DIR are listed here and passed to the landing macro as JSON in
  CUSTOMER360_RAW_FILES (macro `spark__raw_delivery`).

Usage: `customer360 dbt-spark build` (any dbt arguments after `dbt-spark`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

RAW_SUFFIXES = (".parquet", ".csv")
WINKLER_BOOST_THRESHOLD = 0.7  # the common prefix counts only above this Jaro similarity (Winkler 1990)


def raw_files(raw_dir: Path) -> dict[str, dict[str, Any]]:
    """'<source>__<table>' -> {'files': absolute paths, 'folder': bool}, as the DuckDB landing finds them: a
    single <table>.parquet (else .csv) wins; otherwise a folder <table>/ of delivery files, Parquet (else
    CSV) in name order (macro `raw_delivery`)."""
    found: dict[str, dict[str, Any]] = {}
    for source in sorted(path for path in raw_dir.iterdir() if path.is_dir()) if raw_dir.is_dir() else []:
        tables = {entry.name.split(".")[0] for entry in source.iterdir()}
        for table in sorted(tables):
            single = [source / f"{table}{suffix}" for suffix in RAW_SUFFIXES if (source / f"{table}{suffix}").is_file()]
            if single:
                found[f"{source.name}__{table}"] = {"files": [str(single[0].resolve())], "folder": False}
                continue
            for suffix in RAW_SUFFIXES:
                files = sorted(str(path.resolve()) for path in (source / table).glob(f"*{suffix}"))
                if files:
                    found[f"{source.name}__{table}"] = {"files": files, "folder": True}
                    break
    return found


def jaro_winkler(left: str | None, right: str | None, prefix_scale: float = 0.1) -> float | None:
    """Jaro-Winkler similarity in [0, 1], as DuckDB's jaro_winkler_similarity computes it (null in, null out)."""
    if left is None or right is None:
        return None
    if not left or not right:
        return 0.0  # DuckDB: an empty string is like nothing, even to another empty string
    if left == right:
        return 1.0
    window = max(max(len(left), len(right)) // 2 - 1, 0)
    left_matched, right_matched = [False] * len(left), [False] * len(right)
    matches = 0
    for i, character in enumerate(left):
        for j in range(max(0, i - window), min(len(right), i + window + 1)):
            if not right_matched[j] and right[j] == character:
                left_matched[i] = right_matched[j] = True
                matches += 1
                break
    if matches == 0:
        return 0.0
    left_order = [c for c, m in zip(left, left_matched, strict=True) if m]
    right_order = [c for c, m in zip(right, right_matched, strict=True) if m]
    # half the out-of-order matches, rounded down, as DuckDB (rapidfuzz) counts them
    transpositions = sum(a != b for a, b in zip(left_order, right_order, strict=True)) // 2
    jaro = (matches / len(left) + matches / len(right) + (matches - transpositions) / matches) / 3
    if jaro <= WINKLER_BOOST_THRESHOLD:
        return jaro
    prefix = 0
    for a, b in zip(left[:4], right[:4], strict=False):
        if a != b:
            break
        prefix += 1
    return jaro + prefix * prefix_scale * (1 - jaro)


def register_functions_with_the_session() -> None:
    """Register the functions the SQL expects and Spark lacks as soon as dbt has created its session.

    dbt-spark builds the session on its first statement, from the profile's server_side_parameters
    (warehouse folder, metastore); creating it here first would fix those settings to Spark's defaults.
    """
    from dbt.adapters.spark.session import Cursor
    from pyspark.sql import SparkSession

    execute = Cursor.execute

    def execute_then_register(self: Cursor, sql: str, *parameters: Any) -> None:
        execute(self, sql, *parameters)
        session = SparkSession.getActiveSession() or SparkSession.builder.getOrCreate()
        session.udf.register("jaro_winkler_similarity", jaro_winkler, "double")
        Cursor.execute = execute  # type: ignore[method-assign]  # once per process is enough

    Cursor.execute = execute_then_register  # type: ignore[method-assign]


class SessionPythonJobHelper:
    """Executes a compiled dbt Python model in the process's Spark session (dbt's PythonJobHelper protocol)."""

    def __init__(self, parsed_model: dict[str, Any], credentials: Any) -> None:
        self.parsed_model = parsed_model

    def submit(self, compiled_code: str) -> None:
        from pyspark.sql import SparkSession

        namespace: dict[str, Any] = {"spark": SparkSession.builder.getOrCreate(), "__name__": "dbt_python_model"}
        exec(compile(compiled_code, self.parsed_model.get("alias", "model"), "exec"), namespace)


def enable_session_python_models() -> None:
    """Teach dbt-spark's adapter a 'session' submission method and make it the default."""
    from dbt.adapters.spark.impl import SparkAdapter

    helpers = dict(SparkAdapter.python_submission_helpers.fget(None))  # type: ignore[attr-defined]
    helpers["session"] = SessionPythonJobHelper
    SparkAdapter.python_submission_helpers = property(lambda self: helpers)  # type: ignore[method-assign]
    SparkAdapter.default_python_submission_method = property(lambda self: "session")  # type: ignore[method-assign]


def run_dbt(args: Sequence[str], raw_dir: Path) -> int:
    """Run a dbt command against the `spark` target in this process; returns dbt's exit code."""
    from dbt.cli.main import dbtRunner

    os.environ["CUSTOMER360_RAW_FILES"] = json.dumps(raw_files(raw_dir))
    enable_session_python_models()
    register_functions_with_the_session()
    arguments = [*args]
    if "--target" not in arguments:
        arguments += ["--target", "spark"]
    result = dbtRunner().invoke(arguments)
    if result.exception is not None:
        print(f"dbt failed: {result.exception}")
        return 2
    return 0 if result.success else 1


def query(sql: str) -> list[dict[str, Any]]:
    """Rows of a query on the spark target (through `dbt show`, so the session is configured as dbt's)."""
    from dbt.cli.main import dbtRunner

    result = dbtRunner().invoke(["show", "--inline", sql, "--limit", "-1", "--target", "spark", "--quiet"])
    if not result.success:
        raise RuntimeError(f"query failed on Spark: {result.exception}")
    table = result.result.results[0].agate_table
    return [dict(zip(table.column_names, row, strict=True)) for row in table.rows]
