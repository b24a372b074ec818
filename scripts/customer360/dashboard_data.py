"""Queries behind the Customer-360 dashboard (`dashboard_app.py`), kept apart from Streamlit so they can
be read, tested and reused by any other front end.

Privacy: the dashboard shows pseudonymised values by default — the person's row comes from
`bi_customer_360` in the BI file that BI tools read (salted-hash pseudonyms, age band, postcode area),
built from the yml tags. Clear values are shown only when CUSTOMER360_DASHBOARD_SHOW_PII=1 is set on purpose.
Searching by email, phone or name always works, because the search runs on the server against
`marts.customer_360`; what is displayed is what the setting allows. Every connection is read-only.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from .bi_file import bi_path
from .settings import pii_salt

SHOW_PII_VARIABLE = "CUSTOMER360_DASHBOARD_SHOW_PII"


def show_pii() -> bool:
    """True only when the explicit setting asks for clear PII."""
    return os.environ.get(SHOW_PII_VARIABLE, "").strip().lower() in {"1", "true", "yes"}


BI_CATALOG = "published_bi"


def connect(warehouse: Path) -> duckdb.DuckDBPyConnection:
    """Read-only connection to the published warehouse (readers never block the nightly publish), with
    the BI file that publishing writes beside it attached as `published_bi`.

    The masked profile is read from the BI file's table, not from the `bi` view of the warehouse: the
    view computes every person's pseudonyms and k-anonymity cells before it can filter one person out
    (0.87 s at 1M people), while the BI file stores them (a lookup of one row).
    """
    bi_file = bi_path(warehouse)
    for path in (warehouse, bi_file):
        if not path.exists():
            raise FileNotFoundError(f"{path} does not exist; run `make run` first")
    con = duckdb.connect(str(warehouse), read_only=True)
    con.execute(f"attach '{bi_file}' as {BI_CATALOG} (read_only)")
    return con


@dataclass(frozen=True)
class Overview:
    """The headline numbers and the chart series of the overview page."""

    persons: int
    records: int
    share_linked: float  # records that share their person with at least one other record
    buyers: int
    segments: pd.DataFrame
    churn_bands: pd.DataFrame
    clv_distribution: pd.DataFrame
    consent_coverage: pd.DataFrame


def overview(con: duckdb.DuckDBPyConnection) -> Overview:
    """Persons, identity match rates, segment sizes, CLV distribution, churn bands and consent coverage."""
    persons, records, linked, buyers = con.sql(
        "select count(*), coalesce(sum(record_count), 0), "
        "coalesce(sum(record_count) filter (where record_count > 1), 0), "
        "count(*) filter (where purchase_count > 0) from marts.customer_360"
    ).fetchall()[0]
    segments = con.sql(
        "select coalesce(segment, 'not profiled') as segment, count(*) as persons "
        "from marts.customer_360 group by 1 order by persons desc"
    ).df()
    churn_bands = con.sql(
        "select coalesce(churn_band, 'not scored') as churn_band, count(*) as persons "
        "from marts.customer_360 group by 1 order by 1"
    ).df()
    clv_distribution = con.sql(
        "select floor(clv / 50) * 50 as clv_from, count(*) as persons from marts.customer_360 "
        "where clv is not null group by 1 order by 1"
    ).df()
    consent_coverage = con.sql(
        "select purpose || ' / ' || channel as purpose_channel, avg(is_granted::int) as share_granted "
        "from intermediate.int_consent_state group by 1 order by 1"
    ).df()
    return Overview(
        persons=persons,
        records=records,
        share_linked=linked / records if records else 0.0,
        buyers=buyers,
        segments=segments,
        churn_bands=churn_bands,
        clv_distribution=clv_distribution,
        consent_coverage=consent_coverage,
    )


def find_persons(con: duckdb.DuckDBPyConnection, text: str, limit: int = 20) -> list[str]:
    """person_ids whose email, phone (any format ending in the typed digits) or full name match `text`.
    A name matches without regard to case, accents or spacing: an agent on the phone types "Jose Williams"
    for José Williams (strip_accents over 1M names adds about 10 ms)."""
    text = " ".join(text.split())
    if not text:
        return []
    digits = re.sub(r"\D", "", text)
    phone_suffix = digits[-9:] if len(digits) >= 7 else None
    rows = con.sql(
        """
        select person_id from marts.customer_360
        where lower(email) = lower($text)
            or ($suffix is not null and phone_e164 like '%' || $suffix)
            or strip_accents(lower(concat_ws(' ', first_name, last_name))) = strip_accents(lower($text))
        order by purchase_count desc nulls last, person_id
        limit $limit
        """,
        params={"text": text, "suffix": phone_suffix, "limit": limit},
    ).fetchall()
    return [row[0] for row in rows]


@dataclass(frozen=True)
class CustomerView:
    """Everything the lookup page shows for one person."""

    profile: dict[str, object]
    records: pd.DataFrame
    timeline: pd.DataFrame
    consent: pd.DataFrame


PROFILE_COLUMNS = [
    "person_id",
    "first_name",
    "last_name",
    "email",
    "phone_e164",
    "city",
    "country_code",
    "purchase_count",
    "total_revenue",
    "last_purchase_at",
    "segment",
    "lifecycle_stage",
    "clv",
    "probability_alive",
    "churn_probability",
    "churn_model",
    "churn_band",
    "next_best_action",
    "next_best_action_channel",
    "next_best_action_reason",
    "profiling_withheld_reason",
]
CLEAR_ONLY = {"birth_date": "birth_date_age_band", "postcode": "postcode_area"}


def pseudonym(value: str) -> str:
    """The BI views' pseudonym of a value: salted SHA-256 as macro `pseudonymise` computes it."""
    return hashlib.sha256((pii_salt() + value).encode("utf-8")).hexdigest()


def customer(con: duckdb.DuckDBPyConnection, person_id: str, clear_pii: bool) -> CustomerView:
    """Profile card, stitched records, journey timeline and consent state of one person.

    The profile comes from `marts.customer_360` with clear PII, else from `bi_customer_360` of the BI file.
    """
    if clear_pii:
        relation, extra = "marts.customer_360", list(CLEAR_ONLY)
    else:
        relation, extra = f"{BI_CATALOG}.bi.bi_customer_360", list(CLEAR_ONLY.values())
    columns = ", ".join(PROFILE_COLUMNS + extra)
    # The BI view pseudonymises person_id too, so its row is found by the pseudonym of the id.
    key = person_id if clear_pii else pseudonym(person_id)
    frame = con.sql(f"select {columns} from {relation} where person_id = ?", params=[key]).df()
    if frame.empty:
        raise KeyError(f"no person {person_id}")
    records = con.sql(
        "select source_system, record_type, source_record_id from intermediate.int_identity_persons_assigned "
        "where person_id = ? order by source_system, record_type, source_record_id",
        params=[person_id],
    ).df()
    timeline = con.sql(
        "select occurred_at, channel, touchpoint_type, amount from marts.fct_customer_touchpoints "
        "where person_id = ? order by occurred_at desc",
        params=[person_id],
    ).df()
    consent = con.sql(
        "select purpose, channel, is_granted, last_action, last_changed_at, last_source "
        "from intermediate.int_consent_state where person_id = ? order by purpose, channel",
        params=[person_id],
    ).df()
    if not clear_pii:  # source keys lead straight back to the CRM or shop entry: pseudonymised too
        records["source_record_id"] = records["source_record_id"].map(pseudonym)
    return CustomerView(frame.iloc[0].to_dict(), records, timeline, consent)
