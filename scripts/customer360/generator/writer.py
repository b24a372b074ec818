"""Write raw tables (Parquet or CSV, every column as text) and the truth folder."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from .frames import ids


def as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Every column but the hidden `_person` as strings, as a file export would carry them."""
    out = {}
    for column in frame.columns:
        values = frame[column]
        if column == "_person":
            out[column] = values.to_numpy()
        elif pd.api.types.is_float_dtype(values):
            out[column] = pd.arrays.ArrowStringArray(pc.cast(pc.round(pa.array(values.to_numpy()), 2), pa.string()))
        elif pd.api.types.is_bool_dtype(values) or pd.api.types.is_integer_dtype(values):
            out[column] = pd.arrays.ArrowStringArray(pc.cast(pa.array(values.to_numpy()), pa.string()))
        elif isinstance(values.dtype, pd.StringDtype):
            out[column] = values
        else:
            out[column] = values.astype(object).where(values.notna(), None).to_numpy(dtype=object)
    return pd.DataFrame(out)


def write_table(frame: pd.DataFrame, path_stem: Path, file_format: str) -> Path:
    """One raw file; the truth column `_person` never reaches it."""
    columns = [c for c in frame.columns if not c.startswith("_")]
    table = pa.table({c: pa.array(frame[c], type=pa.string(), from_pandas=True) for c in columns})
    path_stem.parent.mkdir(parents=True, exist_ok=True)
    path = path_stem.with_suffix("." + file_format)
    if file_format == "parquet":
        pq.write_table(table, path, compression="zstd")
    else:
        pacsv.write_csv(table, path)
    return path


def write_truth(frames: dict[str, pd.DataFrame], truth_dir: Path) -> None:
    """Truth files (Parquet): never read by dbt, only by tests and evaluation commands."""
    truth_dir.mkdir(parents=True, exist_ok=True)
    for name, frame in frames.items():
        pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), truth_dir / f"{name}.parquet")


def person_ids(person_index: np.ndarray) -> np.ndarray:
    """Stable truth ids (P0000001) for person indices."""
    return ids("P", np.asarray(person_index) + 1, 7)
