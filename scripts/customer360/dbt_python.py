"""What dbt Python models share across engines."""

from __future__ import annotations

from typing import Any

import pandas as pd


def to_pandas(relation: Any) -> pd.DataFrame:
    """A `dbt.ref()` as pandas: DuckDB gives a relation (`.df()`), Spark a DataFrame (`.toPandas()`)."""
    if hasattr(relation, "toPandas"):
        return relation.toPandas()
    return relation.df()
