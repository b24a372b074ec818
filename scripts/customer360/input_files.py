"""Reading a user's CSV or Parquet file, with errors that name the file, the column and the row.

The standalone commands (`resolve`, `evaluate-clv`) take files nobody has checked. DuckDB's own errors
("Error when sniffing file ...", a cast failure naming a value but no row) arrive as a traceback; these
helpers turn them into one line a user can act on.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd


class InputError(ValueError):
    """A user's file that cannot be used; the message names the file, and the column and row when one is at fault."""


def query_file(path: Path, select: str) -> pd.DataFrame:
    """The result of `select`, SQL over a relation named `rows` that holds every column of the file as text
    (names lower-cased and trimmed) plus `_row`, the 1-based data row in file order. A CSV needs a header row."""
    if not path.exists():
        raise InputError(f"{path}: file not found")
    parquet = path.suffix.lower() == ".parquet"
    reader = f"read_parquet('{path}')" if parquet else f"read_csv('{path}', all_varchar = true, header = true)"
    con = duckdb.connect()
    try:
        try:
            columns = con.sql(f"select * from {reader}").columns
            names = ", ".join(f"cast({quoted(c)} as varchar) as {quoted(c.strip().lower())}" for c in columns)
            con.execute(f"create temp view rows as select {names}, row_number() over () as _row from {reader}")
            return con.sql(select).df()
        except duckdb.Error as error:
            kind = "Parquet" if parquet else "CSV with a header row"
            raise InputError(f"{path}: cannot be read as {kind}: {str(error).splitlines()[0]}") from error
    finally:
        con.close()


def file_columns(path: Path) -> list[str]:
    """The file's column names, as `query_file` names them."""
    return [str(column) for column in query_file(path, "select * exclude (_row) from rows limit 0").columns]


def require_columns(path: Path, wanted: list[str], present: list[str] | None = None) -> None:
    """InputError naming the first of `wanted` the file does not have, and the columns it has (`present`,
    when the caller has read them already)."""
    present = file_columns(path) if present is None else present
    for column in wanted:
        if column not in present:
            raise InputError(f"{path}: column {column} is missing (columns: {', '.join(present)})")


def first_unparsed_row(frame: pd.DataFrame, raw: str, parsed: str) -> int | None:
    """The `_row` of the first row whose `raw` text is present but did not parse into `parsed`."""
    text = frame[raw].astype("string").str.strip()
    failed = text.notna() & (text != "") & frame[parsed].isna()
    return int(frame.loc[failed, "_row"].min()) if failed.any() else None


def quoted(name: str) -> str:
    """A column name as a SQL identifier, whatever characters it holds."""
    return '"' + name.replace('"', '""') + '"'
