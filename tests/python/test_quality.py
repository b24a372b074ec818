"""Great Expectations suites on a published warehouse: every suite passes on good data and is recorded in
the history table and the offline Data Docs; an audience member without a grant and a negative amount
each fail their expectation, with a message naming it."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from customer360.quality import format_failures, run_quality
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
    con.close()
    report = run_quality(copy_of)
    failed = {(failure.suite, failure.column) for failure in report.failures()}
    assert ("consent_audiences", "has_grant") in failed
    assert ("validity", "total_revenue") in failed
    assert "consent_audiences" in format_failures(report)
