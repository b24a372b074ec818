"""The BI tools' file: every view of the bi schema materialised as a table, in a file of its own.

DuckDB has no grants: whoever opens a file reads all of it, and the bi views' SQL carries the salt. A BI
tool therefore gets a file holding nothing but the pseudonymised, k-anonymised tables.

Writing it from scratch hashes and writes every row: at 1M people 16.6 s for the 16M touchpoints alone,
the longest part of a daily run's audit phase although 1% of the touchpoints changed. So a view that maps
its source row by row (macro bi_safe_select names its CTE `row_wise` then: no quasi-identifier to
suppress, no column dropped, so equal images mean equal rows) is carried forward from the published BI
file when its source is a plain projection of a stamped table (STAMPED_TABLES: an incremental model kept by
delete+insert on a key, which stamps every row it writes). The changed rows are then the rows stamped since
the published build and the keys gone from the table: the images of their published copies are deleted, and
the images of their current copies inserted. Every other view, and every view when the published pair
cannot be trusted, is written in full.

The published BI file is trusted only when it was published with the published warehouse: each write
stamps its tables (a table comment) and the warehouse (customer360_meta.bi_file) with one random build
id, and the two must agree. A run stopped between the two renames of a publish leaves them disagreeing.
tests/python/test_bi_file.py checks that a carried-forward file equals one written in full.
"""

from __future__ import annotations

import re
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

import duckdb

BI_FILE_STAMP = "customer360_meta.bi_file"
# The SQL DuckDB keeps for a view made by bi_safe_select without quasi-identifiers or dropped columns.
ROW_WISE_VIEW = re.compile(
    r"CREATE VIEW \S+ AS WITH row_wise AS \(SELECT (?P<projection>.+) FROM (?P<source>[\w.\"]+)\) "
    r"SELECT \* FROM row_wise;?",
    re.S,
)
# A view that selects bare columns of one relation, every row of it: what a mart that hides bookkeeping
# columns is (marts.fct_customer_touchpoints).
PROJECTION_VIEW = re.compile(r"CREATE VIEW \S+ AS SELECT (?P<columns>[\w, ]+) FROM (?P<table>[\w.]+);?")
# Incremental models (delete+insert on the key given here, their unique_key) that stamp each row they write
# with the run's start (STAMP): a row that is not stamped after the published build is unchanged since, and a
# row gone from the table has its key gone (tombstones are deleted by the model's post-hook).
STAMPED_TABLES = {"intermediate.int_customer_touchpoints": "touchpoint_id"}
STAMP = "_written_at"


@dataclass(frozen=True)
class RowWiseView:
    """A bi view that is `projection` applied to each row of `source` (schema.table in the warehouse)."""

    projection: str
    source: str


@dataclass(frozen=True)
class StampedSource:
    """A row-wise view's source that shows each row of the stamped `table`, whose rows are unique by `key`."""

    table: str
    key: str


def bi_path(published: Path) -> Path:
    """The BI tools' file beside a warehouse: only the bi schema, as tables."""
    return published.with_name(f"{published.stem}_bi{published.suffix}")


def row_wise_view(sql: str) -> RowWiseView | None:
    """The row-by-row mapping a view's SQL states, or None when the view is anything else."""
    found = ROW_WISE_VIEW.fullmatch(sql.strip())
    return RowWiseView(found["projection"], found["source"]) if found else None


def _one(con: duckdb.DuckDBPyConnection, sql: str, parameters: list | None = None) -> object:
    rows = con.execute(sql, parameters or []).fetchall()
    return rows[0][0] if rows else None


def _view_sql(con: duckdb.DuckDBPyConnection, database: str) -> dict[str, str]:
    rows = con.execute(
        "select view_name, sql from duckdb_views() where database_name = ? and schema_name = 'bi'", [database]
    ).fetchall()
    return dict(rows)


def _source_sql(con: duckdb.DuckDBPyConnection, database: str, relation: str) -> str | None:
    """The SQL of the view `relation` (schema.name) in `database`; None when it is no view there."""
    schema, name = relation.split(".")
    return _one(
        con,
        "select sql from duckdb_views() where database_name = ? and schema_name = ? and view_name = ?",
        [database, schema, name],
    )


def _columns(con: duckdb.DuckDBPyConnection, relation: str) -> list[tuple[str, str]]:
    return [(name, kind) for name, kind, *_ in con.execute(f"describe {relation}").fetchall()]


def trusted_build(con: duckdb.DuckDBPyConnection, warehouse: str, bi_file: str) -> str | None:
    """The build id of the attached BI file `bi_file` when the attached warehouse `warehouse` was published
    with it (both carry the same stamp), else None."""
    stamped = _one(
        con,
        "select count(*) from duckdb_tables() where database_name = ? and schema_name = ? and table_name = ?",
        [warehouse, *BI_FILE_STAMP.split(".")],
    )
    if not stamped:
        return None
    build = _one(con, f"select max(build_id) from {warehouse}.{BI_FILE_STAMP}")
    comments = con.execute("select distinct comment from duckdb_tables() where database_name = ?", [bi_file]).fetchall()
    return build if comments == [(build,)] else None


def changed_keys_sql(stamped: StampedSource, work: str, published: str) -> str:
    """The keys of `stamped.table` whose rows may differ between the `published` warehouse and the work copy
    `work`: rows stamped by no run the published table has seen (new or rewritten), and keys gone.

    Only the stamps are compared, not the rows: at 1M people this takes 1.3 s (the anti-join on 16M keys)
    where grouping 64-bit hashes of both sides' 32M rows took 7.5 s. Anti-joins, not NOT IN: a null stamp on
    the published side would make NOT IN null for every row and hide every change; here a row without a stamp
    counts as changed.
    """
    table, key = stamped.table, stamped.key
    seen_stamps = f"(select distinct {STAMP} from {published}.{table}) as seen"
    return (
        f"select {key} from {work}.{table} anti join {seen_stamps} using ({STAMP}) "
        f"union all select {key} from {published}.{table} anti join {work}.{table} using ({key})"
    )


def apply_changes(
    con: duckdb.DuckDBPyConnection, table: str, view: RowWiseView, stamped: StampedSource, work: str, published: str
) -> None:
    """Bring `table` (the view's image of the published source) up to the work copy's source: the images of
    the changed keys' published rows are deleted, and the images of their current rows inserted."""
    con.execute(f"create or replace temp table bi_changed_keys as {changed_keys_sql(stamped, work, published)}")
    for name, database in (("published_rows", published), ("current_rows", work)):
        con.execute(
            f"create or replace temp table {name} as select {view.projection} from {database}.{view.source} "
            f"where {stamped.key} in (select {stamped.key} from bi_changed_keys)"
        )
    image_columns = ", ".join(f'"{name}"' for name, _ in _columns(con, "current_rows"))
    matches = " and ".join(
        f'target."{name}" is not distinct from gone."{name}"' for name, _ in _columns(con, "published_rows")
    )
    con.execute(f"delete from {table} as target using (select distinct * from published_rows) as gone where {matches}")
    con.execute(f"insert into {table} ({image_columns}) select {image_columns} from current_rows")
    for scratch in ("bi_changed_keys", "published_rows", "current_rows"):
        con.execute(f"drop table {scratch}")


def _has_columns(con: duckdb.DuckDBPyConnection, database: str, relation: str, columns: set[str]) -> bool:
    schema, name = relation.split(".")
    found = con.execute(
        "select column_name from information_schema.columns "
        "where table_catalog = ? and table_schema = ? and table_name = ?",
        [database, schema, name],
    ).fetchall()
    return columns <= {column for (column,) in found}


def stamped_source(
    con: duckdb.DuckDBPyConnection, view: RowWiseView, work: str, published: str
) -> StampedSource | None:
    """The stamped table behind `view`'s source when the source is, in both warehouses, the same plain projection
    (PROJECTION_VIEW) of a table of STAMPED_TABLES that includes its key, with the same column types, and the
    table has its key and stamp in both; else None (the view is then written in full). Equal types matter:
    images of rows inserted into a table the published file typed otherwise would be cast, unlike a full write."""
    sql = _source_sql(con, work, view.source)
    projection = PROJECTION_VIEW.fullmatch(sql.strip()) if sql else None
    if not projection or _source_sql(con, published, view.source) != sql or projection["table"] not in STAMPED_TABLES:
        return None
    if _columns(con, f"{published}.{view.source}") != _columns(con, f"{work}.{view.source}"):
        return None
    stamped = StampedSource(projection["table"], STAMPED_TABLES[projection["table"]])
    if stamped.key not in {column.strip() for column in projection["columns"].split(",")}:
        return None
    needed = {stamped.key, STAMP}
    if not all(_has_columns(con, database, stamped.table, needed) for database in (work, published)):
        return None
    return stamped


def start_from_published(con: duckdb.DuckDBPyConnection, target: Path, published: Path | None) -> str | None:
    """Copy the published BI file to `target` when it can be trusted (trusted_build) and leave the published
    warehouse attached; returns its alias then, None (nothing copied or attached) otherwise. A file that
    cannot be attached (another process writing it, say) is not trusted: the file is then written in full."""
    target.unlink(missing_ok=True)
    if published is None or not published.exists() or not bi_path(published).exists():
        return None
    trusted = None
    try:
        con.execute(f"attach '{published}' as published_warehouse (read_only)")
        con.execute(f"attach '{bi_path(published)}' as published_bi (read_only)")
        trusted = trusted_build(con, "published_warehouse", "published_bi")
    except duckdb.Error:
        trusted = None
    finally:
        con.execute("detach database if exists published_bi")
        if not trusted:
            con.execute("detach database if exists published_warehouse")
    if not trusted:
        return None
    shutil.copy2(bi_path(published), target)
    return "published_warehouse"


def write_views(con: duckdb.DuckDBPyConnection, work: str, previous: str | None) -> list[str]:
    """Bring every table of the attached bi_file up to the bi views of `work`: carried forward where the
    published warehouse `previous` had the same row-wise view of a stamped source (stamped_source), written in
    full otherwise, dropped when the view is gone. Returns the names carried forward."""
    views = _view_sql(con, work)
    published_views = _view_sql(con, previous) if previous else {}
    carried: list[str] = []
    for name, sql in views.items():
        view = row_wise_view(sql)
        table = f'bi_file.bi."{name}"'
        same_view = published_views.get(name) == sql
        if view and previous and same_view and (stamped := stamped_source(con, view, work, previous)):
            apply_changes(con, table, view, stamped, work, previous)
            carried.append(name)
        else:
            con.execute(f"drop table if exists {table}")
            con.execute(f'create table {table} as select * from "{work}".bi."{name}"')
    tables = con.execute("select table_name from duckdb_tables() where database_name = 'bi_file'").fetchall()
    for (stale,) in tables:
        if stale not in views:
            con.execute(f'drop table bi_file.bi."{stale}"')
    return carried


def stamp(con: duckdb.DuckDBPyConnection, work: str, build: str) -> None:
    """Mark every table of the attached bi_file and the warehouse `work` as written by build `build`."""
    for (name,) in con.execute("select table_name from duckdb_tables() where database_name = 'bi_file'").fetchall():
        con.execute(f"comment on table bi_file.bi.\"{name}\" is '{build}'")
    con.execute(f'create schema if not exists "{work}".{BI_FILE_STAMP.split(".")[0]}')
    con.execute(f'create or replace table "{work}".{BI_FILE_STAMP} as select ? as build_id', [build])


def write_bi_copy(con: duckdb.DuckDBPyConnection, target: Path, published: Path | None = None) -> list[str]:
    """Materialise every view of the bi schema of `con`'s database (the work copy) into the file `target`,
    carrying forward what it can from the BI file of the `published` warehouse; returns the names of the
    views carried forward (the others were written in full)."""
    work = str(_one(con, "select current_database()"))
    previous = start_from_published(con, target, published)
    con.execute(f"attach '{target}' as bi_file")
    try:
        con.execute("create schema if not exists bi_file.bi")
        carried = write_views(con, work, previous)
        stamp(con, work, uuid.uuid4().hex)
    finally:
        con.execute("detach bi_file")
        if previous:
            con.execute(f"detach {previous}")
    return carried
