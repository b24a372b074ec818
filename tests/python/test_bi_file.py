"""The BI file carried forward from the published one (customer360.bi_file) equals one written in full.

The published warehouse of `customer360 run` is copied, and the copy's touchpoints are changed the ways a
daily run changes them: rows gone, rows reattributed to another person, new rows, and (for the generic
code, though the table has a primary key) a repeated row and then one copy of it removed, and a row whose
id changes only where DuckDB's hash() alone would not see it. The BI file written from the copy, starting
from the published one, must equal a BI file written from nothing.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from customer360.bi_file import BI_FILE_STAMP, bi_path, write_bi_copy
from customer360.settings import Settings

# The rows of the timeline (the mart, marts.fct_customer_touchpoints, is a view of them).
TOUCHPOINTS = "intermediate.int_customer_touchpoints"
DAILY_CHANGES = (
    f"delete from {TOUCHPOINTS} where hash(touchpoint_id) % 20 = 1",
    f"update {TOUCHPOINTS} set person_id = (select min(person_id) from marts.customer_360) "
    "where hash(touchpoint_id) % 20 = 2",
    f"insert into {TOUCHPOINTS} by name select 'new:' || touchpoint_id as touchpoint_id, person_id, channel, "
    f"touchpoint_type, occurred_at + interval 1 day as occurred_at, amount from {TOUCHPOINTS} "
    "where hash(touchpoint_id) % 20 = 3",
    f"insert into {TOUCHPOINTS} select * from {TOUCHPOINTS} "
    f"where touchpoint_id = (select min(touchpoint_id) from {TOUCHPOINTS})",
    "update marts.customer_360 set city = 'Elsewhere' where hash(person_id) % 10 = 1",
    f"insert into {TOUCHPOINTS} by name select 'matthew.stevens_93@mail.example' as touchpoint_id, person_id, "
    f"channel, touchpoint_type, occurred_at, amount from {TOUCHPOINTS} "
    f"where touchpoint_id = (select max(touchpoint_id) from {TOUCHPOINTS})",
)
SECOND_DAY = (
    # One copy of the repeated row removed: its count goes from 2 to 1, not to 0.
    f"delete from {TOUCHPOINTS} where rowid = (select min(rowid) from {TOUCHPOINTS} "
    f"where touchpoint_id = (select touchpoint_id from {TOUCHPOINTS} group by all having count(*) = 2))",
    # Only the 8th and 16th characters change, which DuckDB's hash() alone maps to the same value.
    f"update {TOUCHPOINTS} set touchpoint_id = 'matthew4stevens993@mail.example' "
    "where touchpoint_id = 'matthew.stevens_93@mail.example'",
)
# The same touchpoints hashed differently: still row by row, but not the published view.
OTHER_VIEW = (
    "create or replace view bi.bi_customer_touchpoints as with row_wise as (select md5(touchpoint_id) as "
    "touchpoint_id, md5(person_id) as person_id, channel, touchpoint_type, occurred_at, amount "
    "from marts.fct_customer_touchpoints) select * from row_wise",
)


def changed_copy(source: Path, target: Path, changes: tuple[str, ...]) -> None:
    """`source` copied to `target` with `changes` applied to the copy."""
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, target)
    con = duckdb.connect(str(target))
    try:
        for change in changes:
            con.execute(change)
    finally:
        con.close()


def write(warehouse: Path, target: Path, published: Path | None) -> list[str]:
    """write_bi_copy from `warehouse` into `target`; the names it carried forward."""
    con = duckdb.connect(str(warehouse))
    try:
        return write_bi_copy(con, target, published)
    finally:
        con.close()


def differences(one: Path, other: Path) -> dict[str, tuple[int, int]]:
    """Per table of the bi schema: rows only in `one` and only in `other` (as multisets)."""
    con = duckdb.connect()
    con.execute(f"attach '{one}' as one (read_only)")
    con.execute(f"attach '{other}' as other (read_only)")

    def only_in(first: str, second: str, name: str) -> int:
        rows = f"select * from {first}.bi.{name} except all select * from {second}.bi.{name}"
        return con.sql(f"select count(*) from ({rows})").fetchall()[0][0]

    tables = con.sql("select table_name from duckdb_tables() where database_name = 'other'").fetchall()
    found = {name: (only_in("one", "other", name), only_in("other", "one", name)) for (name,) in tables}
    con.close()
    return found


def test_a_carried_forward_bi_file_equals_one_written_in_full(published: Settings, tmp_path: Path) -> None:
    days = [published.warehouse]
    for day, changes in enumerate((DAILY_CHANGES, SECOND_DAY), start=1):
        work = tmp_path / f"day{day}" / "customer360.duckdb"
        changed_copy(days[-1], work, changes)
        # in full first: each write stamps the warehouse, and the next day trusts the last stamp only
        assert write(work, tmp_path / f"day{day}_full.duckdb", None) == []
        assert write(work, bi_path(work), days[-1]) == ["bi_customer_touchpoints"]
        assert differences(bi_path(work), tmp_path / f"day{day}_full.duckdb") == {
            "bi_customer_360": (0, 0),
            "bi_customer_touchpoints": (0, 0),
        }
        assert differences(bi_path(work), bi_path(days[-1]))["bi_customer_touchpoints"] != (0, 0)
        days.append(work)


def written_in_full_from(published: Path, source: Path, work_changes: tuple[str, ...], tmp_path: Path) -> bool:
    """True when a work copy of `source` with `work_changes`, written against `published`, carries nothing
    forward and equals a BI file written from nothing."""
    work = tmp_path / "work" / "customer360.duckdb"
    changed_copy(source, work, work_changes)
    carried = write(work, bi_path(work), published)
    write(work, tmp_path / "full.duckdb", None)
    return carried == [] and set(differences(bi_path(work), tmp_path / "full.duckdb").values()) == {(0, 0)}


@pytest.mark.parametrize(
    ("published_changes", "work_changes"),
    [
        ((f"update {BI_FILE_STAMP} set build_id = 'another build'",), DAILY_CHANGES),  # not published together
        ((), DAILY_CHANGES + OTHER_VIEW),
    ],
    ids=["other-build", "other-view"],
)
def test_a_bi_file_that_does_not_match_is_written_in_full(
    published: Settings, tmp_path: Path, published_changes: tuple[str, ...], work_changes: tuple[str, ...]
) -> None:
    copy = tmp_path / "published" / "customer360.duckdb"
    changed_copy(published.warehouse, copy, published_changes)
    shutil.copy2(bi_path(published.warehouse), bi_path(copy))
    assert written_in_full_from(copy, published.warehouse, work_changes, tmp_path)


def test_a_published_warehouse_that_cannot_be_opened_is_not_used(published: Settings, tmp_path: Path) -> None:
    unreadable = tmp_path / "published" / "customer360.duckdb"
    unreadable.parent.mkdir()
    unreadable.write_bytes(b"not a DuckDB file")
    shutil.copy2(bi_path(published.warehouse), bi_path(unreadable))
    assert written_in_full_from(unreadable, published.warehouse, DAILY_CHANGES, tmp_path)
