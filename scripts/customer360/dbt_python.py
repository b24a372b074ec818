"""What dbt Python models share across engines."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

import pandas as pd

from .row_hash import row_hash_sql


def to_pandas(relation: Any) -> pd.DataFrame:
    """A `dbt.ref()` as pandas: DuckDB gives a relation (`.df()`), Spark a DataFrame (`.toPandas()`)."""
    if hasattr(relation, "toPandas"):
        return relation.toPandas()
    return relation.df()


def relation_fingerprint(relations: Sequence[Any], *settings: object) -> str:
    """A digest of the relations' column names and types, of their rows as a set, and of ``settings``'
    reprs, computed by the warehouse.

    Why: a Python model whose inputs did not change since the last run can keep its last output
    instead of recomputing it (Splink takes minutes at a million people, and a daily run with new
    orders only leaves the identity records as they were). Equal digests mean equal inputs, so the
    reused output is the one a fresh run would compute from them. The rows are hashed where they are
    (a 64-bit hash per row, summed: order-free, a repeated row counts twice), so checking costs 0.3 s
    at 1.3M records; reading them into pandas to hash them took 7 s. Rows, not their order: a model
    that depends on order sorts its input by a key first. The row hash is customer360.row_hash's, the
    rule of macro row_fingerprint, which a Python model cannot call.
    """
    digest = hashlib.sha256()
    for relation in relations:
        columns, row_set = _spark_row_set(relation) if hasattr(relation, "toPandas") else _duckdb_row_set(relation)
        digest.update(repr(columns).encode())
        digest.update(str(row_set).encode())
    for setting in settings:
        digest.update(repr(setting).encode())
    return digest.hexdigest()


def _duckdb_row_set(relation: Any) -> tuple[list[tuple[str, str]], str]:
    """A DuckDB relation's (name, type) columns and its row-set hash with the row count."""
    columns = [(name, str(kind)) for name, kind in zip(relation.columns, relation.types, strict=True)]
    row_set = relation.aggregate(f"cast(sum({row_hash_sql(columns)}) as varchar) || ':' || count(*)").fetchall()[0][0]
    return columns, row_set


def _spark_row_set(frame: Any) -> tuple[list[tuple[str, str]], str]:
    """A Spark DataFrame's (name, type) columns and its row-set hash with the row count; xxhash64 skips
    nulls, so each value goes with whether it is null."""
    columns = list(frame.dtypes)
    arguments = ", ".join(f"isnull(`{name}`), `{name}`" for name, _ in columns)
    expression = f"concat(cast(sum(cast(xxhash64({arguments}) as decimal(38, 0))) as string), ':', count(*))"
    return columns, frame.selectExpr(expression).collect()[0][0]


def previous_output(session: Any, relation: Any, fingerprint: str) -> Any:
    """The rows ``relation`` holds from the last run when it was computed from inputs with this
    fingerprint (its column input_fingerprint); None when it does not exist, predates the column, or
    was computed from other inputs.

    On DuckDB the rows stay a relation, which dbt-duckdb copies table to table (0.05 s for 586k pairs at
    1M people, against 1.75 s through pandas): it reads them while it builds the new table beside the old
    one, before the rename. On Spark they come as pandas, because dbt-spark overwrites the table in place
    and Spark cannot overwrite a table it is still reading.
    """
    query = f"select * from {relation} where input_fingerprint = '{fingerprint}'"
    try:
        rows = session.sql(query)
        if hasattr(rows, "toPandas"):
            rows = rows.toPandas()
            return rows if len(rows) else None
        found = rows.limit(1).fetchall()
    # DuckDB raises CatalogException or BinderException and Spark AnalysisException, from different
    # packages; any failure to read the last output just means computing it again.
    except Exception:
        return None
    return rows if found else None
