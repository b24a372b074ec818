"""What dbt Python models share across engines."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

import pandas as pd


def to_pandas(relation: Any) -> pd.DataFrame:
    """A `dbt.ref()` as pandas: DuckDB gives a relation (`.df()`), Spark a DataFrame (`.toPandas()`)."""
    if hasattr(relation, "toPandas"):
        return relation.toPandas()
    return relation.df()


def frame_fingerprint(frames: Sequence[pd.DataFrame], *settings: object) -> str:
    """A digest of the frames' columns and rows, in order, and of ``settings``' reprs.

    Why: a Python model whose inputs did not change since the last run can keep its last output
    instead of recomputing it (Splink takes minutes at a million people, and a daily run with new
    orders only leaves the identity records as they were). Equal digests mean equal inputs, so the
    reused output is the one a fresh run would compute from them.
    """
    digest = hashlib.sha256()
    for frame in frames:
        digest.update(repr([(str(name), str(dtype)) for name, dtype in frame.dtypes.items()]).encode())
        digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    for setting in settings:
        digest.update(repr(setting).encode())
    return digest.hexdigest()


def previous_output(session: Any, relation: Any, fingerprint: str) -> pd.DataFrame | None:
    """The rows ``relation`` holds from the last run when it was computed from inputs with this
    fingerprint (its column input_fingerprint); None when it does not exist, predates the column, or
    was computed from other inputs."""
    query = f"select * from {relation} where input_fingerprint = '{fingerprint}'"
    try:
        rows = to_pandas(session.sql(query))
    # DuckDB raises CatalogException or BinderException and Spark AnalysisException, from different
    # packages; any failure to read the last output just means computing it again.
    except Exception:
        return None
    return rows if len(rows) else None
