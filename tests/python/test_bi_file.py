"""The BI file carried forward from the published one (customer360.bi_file) equals one written in full.

The published warehouse of `customer360 run` is copied, and the copy's touchpoints are changed the ways a
daily run of their incremental model changes them, each row it writes stamped with the run's start: rows
gone, rows reattributed to another person, new rows, rows written again unchanged; on a second day, rows of
the first day gone and changed again. Rows changed without a stamp count as changed, and a null stamp on the
published side hides nothing. The BI file written from the copy, starting from the published one,
must equal a BI file written from nothing. A view whose source is not a plain projection of a stamped table
is written in full.
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
# What the model's delete+insert writes carries the run's start; a later day gets a later stamp.
DAILY_CHANGES = (
    f"delete from {TOUCHPOINTS} where hash(touchpoint_id) % 20 = 1",
    f"update {TOUCHPOINTS} set person_id = (select min(person_id) from marts.customer_360), "
    "_written_at = timestamp '2100-01-01' where hash(touchpoint_id) % 20 = 2",
    f"insert into {TOUCHPOINTS} by name select 'new:' || touchpoint_id as touchpoint_id, person_id, channel, "
    "touchpoint_type, occurred_at + interval 1 day as occurred_at, amount, timestamp '2100-01-01' as _written_at "
    f"from {TOUCHPOINTS} where hash(touchpoint_id) % 20 = 3",
    f"update {TOUCHPOINTS} set _written_at = timestamp '2100-01-01' where hash(touchpoint_id) % 20 = 4",
    # Rows without a stamp (the second day's published side then holds a null stamp).
    f"update {TOUCHPOINTS} set _written_at = null, amount = coalesce(amount, 0) + 2 where hash(touchpoint_id) % 20 = 6",
    "update marts.customer_360 set city = 'Elsewhere' where hash(person_id) % 10 = 1",
)
SECOND_DAY = (
    f"delete from {TOUCHPOINTS} where touchpoint_id like 'new:%' and hash(touchpoint_id) % 2 = 0",
    f"update {TOUCHPOINTS} set amount = coalesce(amount, 0) + 1, _written_at = timestamp '2100-01-02' "
    "where hash(touchpoint_id) % 20 in (2, 5)",
)
# The same touchpoints hashed differently: still row by row, but not the published view.
OTHER_VIEW = (
    "create or replace view bi.bi_customer_touchpoints as with row_wise as (select md5(touchpoint_id) as "
    "touchpoint_id, md5(person_id) as person_id, channel, touchpoint_type, occurred_at, amount "
    "from marts.fct_customer_touchpoints) select * from row_wise",
)
# The mart made something other than a projection of the stamped table: a stamp no longer tells its changes.
FILTERED_MART = (
    "create or replace view marts.fct_customer_touchpoints as select touchpoint_id, person_id, channel, "
    f"touchpoint_type, occurred_at, amount from {TOUCHPOINTS} where amount is null or amount > 10",
)
UNSTAMPED = (f"alter table {TOUCHPOINTS} drop column _written_at",)
# The timeline's amounts typed otherwise than in the published warehouse (a full refresh after a type change).
RETYPED = (f"alter table {TOUCHPOINTS} alter amount type double",)


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
        ((), DAILY_CHANGES + FILTERED_MART),
        ((), DAILY_CHANGES + UNSTAMPED),
        ((), DAILY_CHANGES + RETYPED),
    ],
    ids=["other-build", "other-view", "not-a-projection", "unstamped", "retyped"],
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
