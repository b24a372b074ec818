"""Erasure, on generated data: a first build resolves each erasure request to a person; from that build we
read, as an oracle written apart from the models, every identifier value and record key of those persons
that no other person holds. After the pipeline's second pass no relation of the warehouse (raw tables
included) may contain any of them, and a third run on the same raw files (the rows re-ingested) must keep
them out.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from customer360.generator import GeneratorConfig, generate
from customer360.pipeline import suppression_count

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


# Fails a build whose erasure list grew after it landed the raw files (the erased rows are still in it).
GROWTH_TEST = ("--select", "assert_raw_was_landed_with_the_current_erasure_list")


@dataclass(frozen=True)
class ErasureRuns:
    warehouse: Path
    erased_values: list[str]
    suppressions_after_second: int
    suppressions_after_third: int
    growth_test_after_first: str
    growth_test_after_rebuilds: str


@pytest.fixture(scope="module")
def erasure_runs(tmp_path_factory: pytest.TempPathFactory) -> ErasureRuns:
    root = tmp_path_factory.mktemp("erasure")
    config = GeneratorConfig(people=800, seed=21, share_erasure=0.04)
    generate(config, root / "raw", root / "truth", "parquet", progress=False)
    warehouse = root / "warehouse" / "customer360.duckdb"
    warehouse.parent.mkdir()
    first = dbt_build(root / "raw", warehouse, *WITHOUT_DBT_TESTS)
    assert first.returncode == 0, first.stdout[-3000:]
    growth_tests = [dbt_build(root / "raw", warehouse, *GROWTH_TEST, command="test").stdout]
    assert "grew the erasure suppression list from 0 to" in first.stdout
    assert "run dbt build again" in first.stdout
    con = duckdb.connect(str(warehouse), read_only=True)
    values = [row[0] for row in con.sql(ERASED_VALUES_SQL).fetchall()]
    con.close()
    counts = []
    for _ in ("second pass", "re-ingestion of the same raw files"):
        result = dbt_build(root / "raw", warehouse, *WITHOUT_DBT_TESTS)
        assert result.returncode == 0, result.stdout[-3000:]
        assert "grew the erasure suppression list" not in result.stdout
        counts.append(suppression_count(warehouse))
    growth_tests.append(dbt_build(root / "raw", warehouse, *GROWTH_TEST, command="test").stdout)
    return ErasureRuns(warehouse, values, *counts, *growth_tests)


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


def test_a_build_whose_erasure_list_grew_after_landing_fails(erasure_runs: ErasureRuns) -> None:
    """A single `dbt build` by hand lands the raw files before it extends the list, so its marts still hold the
    newly erased persons: the build must fail, saying to build again, and pass once built again."""
    assert "FAIL 1 assert_raw_was_landed_with_the_current_erasure_list" in erasure_runs.growth_test_after_first
    assert "PASS assert_raw_was_landed_with_the_current_erasure_list" in erasure_runs.growth_test_after_rebuilds
