"""Write-audit-publish on the published demo warehouse: a failed build and a failed quality check each
leave the published file byte-identical, the BI file holds only masked columns, and a run with nothing new
publishes nothing. (Erasure is in test_erasure.py: it builds a warehouse of its own, so it can run on
another worker than the tests of the published one.)
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest

from customer360.inputs import input_fingerprint, published_fingerprint
from customer360.pipeline import (
    UPGRADE_NOTICE,
    bi_path,
    is_up_to_date,
    prepare_work_copy,
    run_pipeline,
    work_copy_path,
)
from customer360.settings import Settings


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize(
    "broken",
    [
        {"identity_max_iterations": 0},  # the build fails (clustering cannot converge)
        {"quality_min_share_with_birth_date": 0.99},  # the build passes, a quality expectation fails
    ],
    ids=["failed-build", "failed-quality-check"],
)
def test_a_failed_run_leaves_the_published_warehouse_byte_identical(published: Settings, broken: dict) -> None:
    before = _digest(published.warehouse), _digest(bi_path(published.warehouse))
    assert run_pipeline(published, dbt_vars=broken) == 1
    assert (_digest(published.warehouse), _digest(bi_path(published.warehouse))) == before
    assert not bi_path(work_copy_path(published.warehouse)).exists()  # nor is a BI file left staged


def test_bi_file_holds_only_masked_columns(published: Settings) -> None:
    con = duckdb.connect(str(bi_path(published.warehouse)), read_only=True)
    schemas = {row[0] for row in con.sql("select distinct schema_name from duckdb_tables()").fetchall()}
    con.execute(f"attach '{published.warehouse}' as complete (read_only)")
    leaked = con.sql(
        "select count(*) from bi.bi_customer_360 b join complete.marts.customer_360 c "
        "on b.email = c.email or b.phone_e164 = c.phone_e164 or b.first_name = c.first_name "
        "or b.person_id = c.person_id"
    ).fetchall()[0][0]
    con.close()
    assert schemas == {"bi"}
    assert leaked == 0


def test_a_warehouse_built_by_other_code_is_rebuilt_in_full_and_keeps_its_histories(
    published: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An upgrade: incremental tables written by other code, here a golden record from before its fingerprint
    column (it was a plain table then), must not make the next run fail on the column; the run rebuilds in
    full, and keeps the crosswalk history of the earlier runs."""
    upgraded = replace(published, warehouse=tmp_path / "customer360.duckdb")
    shutil.copy2(published.warehouse, upgraded.warehouse)
    shutil.copy2(bi_path(published.warehouse), bi_path(upgraded.warehouse))
    con = duckdb.connect(str(upgraded.warehouse))
    con.execute("alter table intermediate.int_identity_golden_records drop column inputs_fingerprint")
    history = "select distinct run_id from intermediate.int_identity_crosswalk_history"
    earlier_runs = set(con.sql(history).fetchall())
    con.close()
    monkeypatch.setenv("CUSTOMER360_UPGRADE_TEST", "1")  # CUSTOMER360_* settings are part of the code fingerprint
    assert run_pipeline(upgraded) == 0
    assert UPGRADE_NOTICE.format(published=upgraded.warehouse) in capsys.readouterr().out
    con = duckdb.connect(str(upgraded.warehouse), read_only=True)
    golden = "select person_id, inputs_fingerprint from intermediate.int_identity_golden_records"
    assert con.sql(f"select count(*) from ({golden}) where inputs_fingerprint is null").fetchall() == [(0,)]
    assert earlier_runs and earlier_runs <= set(con.sql(history).fetchall())
    con.close()


def test_a_run_with_nothing_new_publishes_nothing_and_a_rebuild_starts_without_the_fingerprint(
    published: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert published_fingerprint(published.warehouse) == input_fingerprint(published, None)
    work_copy = work_copy_path(published.warehouse)  # a failed run before this test may have left one

    def state() -> tuple[str, str, int | None]:
        stamp = work_copy.stat().st_mtime_ns if work_copy.exists() else None
        return _digest(published.warehouse), _digest(bi_path(published.warehouse)), stamp

    before = state()
    assert run_pipeline(published) == 0
    assert "nothing to do" in capsys.readouterr().out
    assert state() == before
    # a copy elsewhere is up to date with its BI file beside it, and not without it (a run would build)
    copy = tmp_path / "elsewhere" / "customer360.duckdb"
    copy.parent.mkdir()
    shutil.copy2(published.warehouse, copy)
    assert not is_up_to_date(copy, input_fingerprint(published, None))
    shutil.copy2(bi_path(published.warehouse), bi_path(copy))
    assert is_up_to_date(copy, input_fingerprint(published, None))
    assert not is_up_to_date(copy, input_fingerprint(published, {"as_of_date": "2025-06-30"}))
    # a work copy does not inherit the fingerprint, so a build that fails to record one cannot pass for up to date
    work = tmp_path / "customer360.work.duckdb"
    prepare_work_copy(published.warehouse, work)
    assert published_fingerprint(work) is None
