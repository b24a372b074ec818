"""Erasure and write-audit-publish, on generated data.

Erasure: a first build resolves each erasure request to a person; from that build we read, as an
oracle written apart from the models, every identifier value and record key of those persons that no
other person holds. After the pipeline's second pass no relation of the warehouse (raw tables included)
may contain any of them, and a third run on the same raw files (the rows re-ingested) must keep them out.

Write-audit-publish: a failed build and a failed quality check each leave the published file
byte-identical.
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from customer360.generator import GeneratorConfig, generate
from customer360.inputs import input_fingerprint, published_fingerprint
from customer360.pipeline import (
    bi_path,
    is_up_to_date,
    prepare_work_copy,
    run_pipeline,
    suppression_count,
    work_copy_path,
)
from customer360.settings import Settings

from .conftest import WITHOUT_DBT_TESTS, dbt_build, relations_holding

ERASED_VALUES_SQL = """
with persons as (
    select min(a.person_id) as person_id
    from staging.stg_consent__erasure_requests r
    join intermediate.int_identity_identifiers_unioned i
      on i.identifier_type = r.identifier_type and i.identifier_value = r.identifier_normalised
    join intermediate.int_identity_persons_assigned a on a.record_key = i.record_key
    group by r.erasure_request_id
    having count(distinct a.person_id) = 1
),
records as (
    select a.record_key, a.source_record_id, a.person_id in (select person_id from persons) as erased
    from intermediate.int_identity_persons_assigned a
),
values_held as (
    select i.identifier_value as value, bool_and(r.erased) as only_erased
    from intermediate.int_identity_identifiers_unioned i join records r using (record_key)
    group by i.identifier_value
    union all
    select source_record_id, bool_and(erased) from records group by source_record_id
)
select distinct lower(value) as value from values_held where only_erased and length(value) > 3
"""


@dataclass(frozen=True)
class ErasureRuns:
    warehouse: Path
    erased_values: list[str]
    suppressions_after_second: int
    suppressions_after_third: int


@pytest.fixture(scope="module")
def erasure_runs(tmp_path_factory: pytest.TempPathFactory) -> ErasureRuns:
    root = tmp_path_factory.mktemp("erasure")
    config = GeneratorConfig(people=800, seed=21, share_erasure=0.04)
    generate(config, root / "raw", root / "truth", "parquet", progress=False)
    warehouse = root / "warehouse" / "customer360.duckdb"
    warehouse.parent.mkdir()
    first = dbt_build(root / "raw", warehouse, *WITHOUT_DBT_TESTS)
    assert first.returncode == 0, first.stdout[-3000:]
    con = duckdb.connect(str(warehouse), read_only=True)
    values = [row[0] for row in con.sql(ERASED_VALUES_SQL).fetchall()]
    con.close()
    counts = []
    for _ in ("second pass", "re-ingestion of the same raw files"):
        result = dbt_build(root / "raw", warehouse, *WITHOUT_DBT_TESTS)
        assert result.returncode == 0, result.stdout[-3000:]
        counts.append(suppression_count(warehouse))
    return ErasureRuns(warehouse, values, *counts)


def test_no_relation_keeps_an_erased_persons_identifier(erasure_runs: ErasureRuns) -> None:
    assert len(erasure_runs.erased_values) >= 50, "too few erased values for the scan to mean anything"
    assert relations_holding(erasure_runs.warehouse, erasure_runs.erased_values) == {}


def test_suppression_list_holds_only_hashes_and_stays_stable_on_reingestion(erasure_runs: ErasureRuns) -> None:
    con = duckdb.connect(str(erasure_runs.warehouse), read_only=True)
    not_hashes = con.sql(
        "select count(*) from intermediate.int_privacy_erasure_suppressions "
        "where not regexp_full_match(identifier_hash, '[0-9a-f]{64}')"
    ).fetchall()[0][0]
    con.close()
    assert not_hashes == 0
    assert erasure_runs.suppressions_after_second > 0
    assert erasure_runs.suppressions_after_third == erasure_runs.suppressions_after_second


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
