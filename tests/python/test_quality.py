"""Great Expectations suites on a published warehouse: every suite passes on good data and is recorded in
the history table and the offline Data Docs; an audience member without a grant, a negative amount and a
completeness rule the data does not meet each fail their expectation, with a message naming it (and, for
a completeness rule, the var that sets it)."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from customer360.quality import Dataset, Suite, format_failures, run_quality, validate
from customer360.settings import Settings

SUITES = {"consent_coverage", "consent_state", "consent_audiences", "completeness", "validity", "validity_amounts"}


@pytest.fixture
def copy_of(published: Settings, tmp_path: Path) -> Path:
    """A copy of the published warehouse the test may change (its gx folder lands beside it)."""
    warehouse = tmp_path / "customer360.duckdb"
    shutil.copy2(published.warehouse, warehouse)
    return warehouse


def test_suites_pass_and_are_recorded(copy_of: Path) -> None:
    report = run_quality(copy_of, run_id="run-under-test")
    assert report.success, format_failures(report)
    assert {outcome.suite for outcome in report.outcomes} == SUITES
    con = duckdb.connect(str(copy_of), read_only=True)
    recorded = con.sql(
        "select suite, count(*), bool_and(success) from quality.gx_validation_results "
        "where run_id = 'run-under-test' group by suite"
    ).fetchall()
    con.close()
    assert {suite for suite, _, _ in recorded} == SUITES
    assert sum(count for _, count, _ in recorded) == len(report.outcomes)
    assert all(success for _, _, success in recorded)
    index = report.data_docs.read_text(encoding="utf-8")
    assert all(suite in index for suite in SUITES)  # one validation per suite on the offline site
    validations = report.data_docs.parent / "validations"
    assert {folder.name for folder in validations.iterdir()} == SUITES


def test_broken_rules_fail_with_their_expectation(copy_of: Path) -> None:
    con = duckdb.connect(str(copy_of))
    stranger = con.sql(
        "select person_id from marts.customer_360 where person_id not in (select person_id from "
        "intermediate.int_consent_state where purpose = 'marketing' and channel = 'email' and is_granted) limit 1"
    ).fetchall()[0][0]
    con.execute(
        "insert into marts.audience_marketing_email by name "
        "select * replace (? as person_id) from marts.audience_marketing_email limit 1",
        [stranger],
    )
    con.execute("update marts.customer_360 set total_revenue = -1 where person_id = ?", [stranger])
    # The consent state and the amounts are validated on their distinct rows: one bad row must still fail.
    con.execute(
        "update intermediate.int_consent_state set last_action = 'maybe' "
        "where person_id = ? and purpose = 'marketing' and channel = 'sms'",
        [stranger],
    )
    # ... and it is read as each group's extremes of last_changed_at: one future change must still fail.
    con.execute(
        "update intermediate.int_consent_state set last_changed_at = now() + interval 1 day "
        "where person_id = ? and purpose = 'profiling' and channel = 'email'",
        [stranger],
    )
    # ... and the coverage per person is read distinct too: one person short of a cell must still fail.
    con.execute(
        "delete from intermediate.int_consent_state "
        "where person_id = ? and purpose = 'personalisation' and channel = 'push'",
        [stranger],
    )
    con.execute(
        "update staging.base_pos__transactions set total_amount = -0.01 where pos_transaction_id = "
        "(select min(pos_transaction_id) from staging.stg_pos__transactions)"
    )
    con.close()
    # A completeness rule the data does not meet (the demo has birth dates for about half its persons).
    report = run_quality(copy_of, thresholds={"quality_min_share_with_birth_date": 0.99})
    failed = {(failure.suite, failure.column) for failure in report.failures()}
    assert failed == {
        ("completeness", "birth_date"),
        ("consent_audiences", "has_grant"),
        ("consent_coverage", "cells"),
        ("validity", "total_revenue"),
        ("consent_state", "last_action"),
        ("consent_state", "last_changed_at"),
        ("validity_amounts", "amount"),
    }
    message = format_failures(report)
    assert "consent_audiences" in message
    # The failure says what was allowed and which var sets it, so a user can tell a bad load from a
    # threshold that does not fit their data.
    assert "birth_date -> " in message
    assert "(must hold on at least 99% of rows: var quality_min_share_with_birth_date)" in message


def test_a_distinct_dataset_takes_only_row_wise_expectations(tmp_path: Path) -> None:
    import great_expectations as gx

    con = duckdb.connect()
    rows = Dataset("values", "select unnest([1, 1, 1, null]) as value", distinct=True)
    share = Suite("share", rows, lambda: [gx.expectations.ExpectColumnValuesToNotBeNull(column="value", mostly=0.7)])
    count = Suite("count", rows, lambda: [gx.expectations.ExpectTableRowCountToBeBetween(min_value=4)])
    for suite in (share, count):
        # On the 4 rows both hold; on the 2 distinct values neither would: refused, not wrongly failed.
        with pytest.raises(ValueError, match="distinct"):
            validate(con, [suite], tmp_path / "gx")
