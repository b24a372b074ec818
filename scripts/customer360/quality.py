"""Data-quality suites (Great Expectations 1.x) on the built warehouse: consent, completeness, validity.

GX has no DuckDB data source, so each suite validates a pandas DataFrame read from the warehouse by one
SQL query (see ECOSYSTEM-NOTES: the SQLAlchemy route breaks on DuckDB). Results are appended to the
warehouse table `quality.gx_validation_results` (the history) and rendered as GX Data Docs under
`<warehouse folder>/gx/uncommitted/data_docs/local_site/index.html`. The Data Docs pull their CSS from a
CDN: offline they render unstyled but complete.

The completeness thresholds are business rules, not statistics of today's data; they are dbt vars
(`quality_min_share_*` in dbt_project.yml) so analysts and the pipeline read the same numbers.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd

from .settings import dbt_var

EMAIL_PATTERN = r"^[a-z0-9._%+-]+@[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}$"
E164_PATTERN = r"^\+[1-9][0-9]{6,14}$"
PURPOSES = ["marketing", "profiling", "personalisation"]
CHANNELS = ["email", "sms", "phone", "push"]


@dataclass(frozen=True)
class Dataset:
    """One DataFrame to validate: a name and the SQL that reads it from the warehouse.

    `distinct`: validate the distinct rows of the query instead of every row. A row-wise expectation
    without `mostly` passes on the rows exactly when it passes on their distinct values, and the consent
    state at 1M people is 12.5M rows but 4.1M distinct ones: reading and checking every row took 25 s of
    the suites' 36 s. The report then counts distinct rows (GX's element_count). `validate` refuses, on
    such a dataset, any expectation that is not row-wise at `mostly` = 1: a share, a count, a mean or a
    sum over distinct values is not the same over rows.
    """

    name: str
    sql: str
    distinct: bool = False

    def query(self) -> str:
        """The SQL to read: the dataset's, or its distinct rows."""
        return f"select distinct * from ({self.sql}) as rows" if self.distinct else self.sql


@dataclass(frozen=True)
class Suite:
    """A named expectation suite over one dataset; `expectations` builds GX expectation objects."""

    name: str
    dataset: Dataset
    expectations: Callable[[], list]


@dataclass(frozen=True)
class ExpectationOutcome:
    """One row of the history table."""

    suite: str
    dataset: str
    expectation: str
    column: str | None
    success: bool
    observed_value: str
    rule: str = ""  # what was allowed, for the failure message (the history keeps its columns)


@dataclass(frozen=True)
class QualityReport:
    """Outcome of a run of every suite."""

    run_id: str
    outcomes: list[ExpectationOutcome]
    data_docs: Path

    @property
    def success(self) -> bool:
        return all(outcome.success for outcome in self.outcomes)

    def failures(self) -> list[ExpectationOutcome]:
        return [outcome for outcome in self.outcomes if not outcome.success]


def audience_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every activation audience in the warehouse (marts.audience_*): the consent suite checks them all."""
    rows = con.sql(
        "select table_name from information_schema.tables where table_schema = 'marts' "
        "and table_name like 'audience_%' order by table_name"
    ).fetchall()
    return [row[0] for row in rows]


def audience_grants_sql(audiences: list[str], purpose: str = "marketing") -> str:
    """Each audience row with whether the consent state grants `purpose` on its channel (deny by
    default). The GX consent suite and the activation export's re-check both read it."""
    if not audiences:
        return "select null as person_id, null as audience, true as has_grant where false"
    unions = " union all ".join(
        f"select person_id, audience_channel, '{name}' as audience from marts.{name}" for name in audiences
    )
    return (
        f"select members.person_id, members.audience, coalesce(consent.is_granted, false) as has_grant "
        f"from ({unions}) as members left join intermediate.int_consent_state as consent "
        f"on members.person_id = consent.person_id and consent.purpose = '{purpose}' "
        f"and members.audience_channel = consent.channel"
    )


def extremes_sql(table: str, columns: list[str], ranged: str) -> str:
    """The rows of `table` reduced to the smallest and the largest `ranged` value of each combination of
    `columns` (and of whether `ranged` is null), for a Dataset read distinct.

    Why: a row-wise expectation on `columns` holds on every row exactly when it holds on these rows, and
    a bound on `ranged` (between, not null) exactly when it holds at each group's extremes and on its
    null group. The consent state at 1M people is 12.5M rows, 4.1M of them distinct because of its
    timestamp, but a few dozen here: GX spent 15 s of the suites' 25 s on the distinct rows. An
    expectation on `ranged` that is not a bound (a set, a pattern) would need the values themselves.
    """
    keys = ", ".join(columns)
    return " union all ".join(
        f"select {keys}, {extreme}({ranged}) as {ranged} from {table} group by {keys}, {ranged} is null"
        for extreme in ("min", "max")
    )


def threshold(name: str, overrides: dict | None) -> float:
    """A completeness rule: the run's --vars override, else the default in dbt_project.yml."""
    return float((overrides or {}).get(name, dbt_var(name)))


def build_suites(audiences: list[str], now: datetime, overrides: dict | None = None) -> list[Suite]:
    """The suites. GX is imported lazily: it takes seconds to import, and only this step needs it."""
    import great_expectations as gx

    expect = gx.expectations

    def mostly_not_null(column: str, var: str) -> gx.expectations.Expectation:
        """A completeness rule; its var rides along in `meta`, so a failure can name what to change."""
        return expect.ExpectColumnValuesToNotBeNull(column=column, mostly=threshold(var, overrides), meta={"var": var})

    # Per person, read distinct: a handful of (purposes, cells) pairs instead of a 1M-row frame (1.6 s at 1M).
    coverage = Dataset(
        "consent_coverage",
        "select count(distinct consent.purpose) as purposes, count(consent.person_id) as cells "
        "from marts.customer_360 as customers left join intermediate.int_consent_state as consent "
        "on customers.person_id = consent.person_id group by customers.person_id",
        distinct=True,
    )
    state = Dataset(
        "consent_state",
        extremes_sql(
            "intermediate.int_consent_state", ["purpose", "channel", "is_granted", "last_action"], "last_changed_at"
        ),
        distinct=True,
    )
    members = Dataset("audience_members", audience_grants_sql(audiences))
    customers = Dataset(
        "customer_360",
        "select person_id, email, phone_e164, coalesce(email, phone_e164) as contact_point, birth_date, "
        "first_purchase_at, total_revenue, average_order_value from marts.customer_360",
    )
    amounts = Dataset(
        "staged_amounts",
        "select 'order' as kind, total_amount as amount from staging.stg_shop__orders union all "
        "select 'store transaction', total_amount from staging.stg_pos__transactions union all "
        "select 'order line', unit_price from staging.stg_shop__order_lines",
        distinct=True,
    )
    return [
        Suite(
            "consent_coverage",
            coverage,
            lambda: [
                expect.ExpectColumnValuesToBeBetween(column="purposes", min_value=3, max_value=3),
                expect.ExpectColumnValuesToBeBetween(
                    column="cells", min_value=len(PURPOSES) * len(CHANNELS), max_value=len(PURPOSES) * len(CHANNELS)
                ),
            ],
        ),
        Suite(
            "consent_state",
            state,
            lambda: [
                expect.ExpectColumnValuesToBeInSet(column="purpose", value_set=PURPOSES),
                expect.ExpectColumnValuesToBeInSet(column="channel", value_set=CHANNELS),
                expect.ExpectColumnValuesToNotBeNull(column="is_granted"),
                expect.ExpectColumnValuesToBeInSet(column="last_action", value_set=["granted", "withdrawn"]),
                expect.ExpectColumnValuesToBeBetween(column="last_changed_at", max_value=now.replace(tzinfo=None)),
            ],
        ),
        Suite(
            "consent_audiences",
            members,
            lambda: [expect.ExpectColumnValuesToBeInSet(column="has_grant", value_set=[True])],
        ),
        Suite(
            "completeness",
            customers,
            lambda: [
                mostly_not_null("contact_point", "quality_min_share_with_contact_point"),
                mostly_not_null("birth_date", "quality_min_share_with_birth_date"),
                mostly_not_null("first_purchase_at", "quality_min_share_with_order"),
            ],
        ),
        Suite(
            "validity",
            customers,
            lambda: [
                expect.ExpectColumnValuesToMatchRegex(column="email", regex=EMAIL_PATTERN),
                expect.ExpectColumnValuesToMatchRegex(column="phone_e164", regex=E164_PATTERN),
                expect.ExpectColumnValuesToBeBetween(column="total_revenue", min_value=0),
                expect.ExpectColumnValuesToBeBetween(column="average_order_value", min_value=0),
            ],
        ),
        Suite(
            "validity_amounts",
            amounts,
            lambda: [expect.ExpectColumnValuesToBeBetween(column="amount", min_value=0)],
        ),
    ]


def _observed(result: dict) -> str:
    """What the expectation saw, as text for the history: the observed value or the unexpected share."""
    if result.get("observed_value") is not None:
        return str(result["observed_value"])
    if result.get("unexpected_percent") is not None:
        return f"{result['unexpected_percent']:.4f}% unexpected of {result.get('element_count', 0)}"
    return ""


def _rule(mostly: float | None, var: str | None) -> str:
    """The allowed share of a `mostly` expectation and the dbt var that sets it: a company whose data
    differs from the demo's (many leads who never ordered) learns from the failure what to change."""
    if mostly is None:
        return ""
    allowed = f"must hold on at least {mostly:.0%} of rows"
    return f"{allowed}: var {var}" if var else allowed


def validate(con: duckdb.DuckDBPyConnection, suites: list[Suite], gx_root: Path) -> list[ExpectationOutcome]:
    """Run every suite's validation definition (each stores its result for the Data Docs), then rebuild
    the Data Docs once."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="file", project_root_dir=str(gx_root))
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    source = context.data_sources.add_or_update_pandas("customer360_warehouse")
    outcomes: list[ExpectationOutcome] = []
    frames: dict[str, pd.DataFrame] = {}  # by query: a dataset two suites check is read once (1.2 s at 1M)
    for suite in suites:
        expectations = suite.expectations()
        if suite.dataset.distinct and any(getattr(e, "mostly", None) != 1 for e in expectations):
            raise ValueError(
                f"suite {suite.name}: {suite.dataset.name} is read distinct, so only row-wise "
                "expectations without `mostly` hold on it"
            )
        query = suite.dataset.query()
        if query not in frames:
            frames[query] = con.sql(query).df()
        frame = frames[query]
        asset = source.add_dataframe_asset(f"{suite.name}__{suite.dataset.name}")
        batch = asset.add_batch_definition_whole_dataframe("whole")
        expectation_suite = context.suites.add_or_update(gx.ExpectationSuite(name=suite.name))
        for expectation in expectations:
            expectation_suite.add_expectation(expectation)
        definition = context.validation_definitions.add_or_update(
            gx.ValidationDefinition(name=suite.name, data=batch, suite=expectation_suite)
        )
        validation = definition.run(batch_parameters={"dataframe": frame}, result_format="SUMMARY")
        for item in validation.results:
            config = item.expectation_config
            outcomes.append(
                ExpectationOutcome(
                    suite=suite.name,
                    dataset=suite.dataset.name,
                    expectation=config.type,
                    column=config.kwargs.get("column"),
                    success=bool(item.success),
                    observed_value=_observed(item.result),
                    rule=_rule(config.kwargs.get("mostly"), (config.meta or {}).get("var")),
                )
            )
    # Once for all suites: rendering the site is most of GX's time (a checkpoint per suite rebuilt it
    # six times, 3 s of the 3.6 s the step took).
    context.build_data_docs()
    return outcomes


def record_history(con: duckdb.DuckDBPyConnection, run_id: str, outcomes: list[ExpectationOutcome]) -> None:
    """Append this run's outcomes to quality.gx_validation_results (kept across runs by the work copy)."""
    con.execute("create schema if not exists quality")
    con.execute(
        "create table if not exists quality.gx_validation_results (run_id varchar, validated_at timestamp, "
        "suite varchar, dataset varchar, expectation varchar, column_name varchar, success boolean, "
        "observed_value varchar)"
    )
    validated_at = datetime.now(UTC).replace(tzinfo=None)
    rows = [
        (run_id, validated_at, o.suite, o.dataset, o.expectation, o.column, o.success, o.observed_value)
        for o in outcomes
    ]
    con.executemany("insert into quality.gx_validation_results values (?, ?, ?, ?, ?, ?, ?, ?)", rows)


def run_quality(warehouse: Path, run_id: str | None = None, thresholds: dict | None = None) -> QualityReport:
    """Validate the warehouse file (the work copy in a pipeline run) and record the history in it."""
    con = duckdb.connect(str(warehouse))
    try:
        return check_warehouse(con, warehouse.parent / "gx", run_id, thresholds)
    finally:
        con.close()


def check_warehouse(
    con: duckdb.DuckDBPyConnection, gx_root: Path, run_id: str | None = None, thresholds: dict | None = None
) -> QualityReport:
    """run_quality on an open connection (the pipeline copies the BI file through the same instance meanwhile)."""
    run_id = run_id or uuid.uuid4().hex
    suites = build_suites(audience_tables(con), datetime.now(UTC), thresholds)
    outcomes = validate(con, suites, gx_root)
    record_history(con, run_id, outcomes)
    docs = gx_root / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html"
    return QualityReport(run_id, outcomes, docs)


def format_failures(report: QualityReport) -> str:
    """The message a failed run prints: every failed expectation with what it saw."""
    lines = [f"data-quality check failed ({len(report.failures())} of {len(report.outcomes)} expectations):"]
    for failure in report.failures():
        column = f" on {failure.column}" if failure.column else ""
        rule = f" ({failure.rule})" if failure.rule else ""
        lines.append(f"  {failure.suite}: {failure.expectation}{column} -> {failure.observed_value}{rule}")
    lines.append(f"  report: {report.data_docs}")
    return "\n".join(lines)


def frame_of_outcomes(report: QualityReport) -> pd.DataFrame:
    """The outcomes as a table (for tests and the dashboard)."""
    return pd.DataFrame([o.__dict__ for o in report.outcomes])
