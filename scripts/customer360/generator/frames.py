"""Small vectorised helpers that turn numbers into the strings raw exports contain."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

SECONDS_PER_WEEK = 7 * 86_400


def ids(prefix: str, numbers: np.ndarray, width: int) -> pd.arrays.ArrowStringArray:
    """Zero-padded identifiers such as C00001234, built and kept in Arrow (fast at tens of millions of rows)."""
    digits = pc.utf8_lpad(pc.cast(pa.array(np.asarray(numbers, dtype=np.int64)), pa.string()), width, "0")
    return pd.arrays.ArrowStringArray(pc.binary_join_element_wise(prefix, digits, ""))


def timestamps(start: dt.date, weeks: np.ndarray) -> np.ndarray:
    """Week offsets from the start of the data to second-resolution timestamps."""
    base = np.datetime64(start, "s")
    return base + (np.asarray(weeks) * SECONDS_PER_WEEK).astype(np.int64).astype("timedelta64[s]")


ISO_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d")


def format_times(values: np.ndarray, fmt: str = "%Y-%m-%d %H:%M:%S") -> pd.arrays.ArrowStringArray:
    """Timestamps (or dates) as export strings; NaT becomes a missing value.

    ISO formats use Arrow's cast, which is many times faster than strftime on tens of millions of rows.
    """
    array = pa.array(values)
    if fmt == "%Y-%m-%d" and pa.types.is_timestamp(array.type):
        array = pc.cast(array, pa.date32())  # a date, not midnight of it: Arrow's cast keeps the time part
    text = pc.cast(array, pa.string()) if fmt in ISO_FORMATS else pc.strftime(array, format=fmt)
    return pd.arrays.ArrowStringArray(text)


def choose(rng: np.random.Generator, options: tuple[str, ...], n: int, p: tuple[float, ...] | None = None):
    """Draw n labels from a small vocabulary."""
    probabilities = None if p is None else np.asarray(p) / np.sum(p)
    return np.asarray(options, dtype=object)[rng.choice(len(options), n, p=probabilities)]


def pad_to(values: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Missing where mask is False, the value where True."""
    return np.where(mask, values, None)
