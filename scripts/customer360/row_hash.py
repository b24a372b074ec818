"""A 64-bit hash of a DuckDB row that tells different rows apart, for change detection.

DuckDB's hash() is built for hash tables, not for this: on text it lets the last byte of each 8-byte word
into the result only through 8 bits, so two texts that differ only in those bytes collide one time in
256 (macros/utils/fingerprint.sql has the measurement). Text therefore goes through md5 first; numbers,
dates, times and booleans hash well as they are, and md5 on them would only cost time.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .settings import dbt_var

# DuckDB type names whose values hash() mixes fully (fixed-width numbers and times); macro
# fingerprint_input reads the same var.
WELL_HASHED_TYPES = frozenset(str(kind) for kind in dbt_var("fingerprint_hashed_as_is"))


def value_hash_input(name: str, kind: str) -> str:
    """The SQL that feeds column `name` of DuckDB type `kind` to hash(): itself when hash() mixes its type
    fully, otherwise the md5 digest of its text (lists, structs and text alike)."""
    quoted = '"' + name.replace('"', '""') + '"'
    base_type = re.sub(r"\(.*\)$", "", kind.strip().upper())
    return quoted if base_type in WELL_HASHED_TYPES else f"md5_number(cast({quoted} as varchar))"


def row_hash_sql(columns: Sequence[tuple[str, str]]) -> str:
    """A 64-bit hash of the (name, DuckDB type) columns by position; null hashes apart from every value."""
    return "hash(" + ", ".join(value_hash_input(name, kind) for name, kind in columns) + ")"
