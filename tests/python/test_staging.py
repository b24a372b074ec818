"""Staging on generated data, checked against the generator's truth: no row lost, every defect
quarantined (or flagged) for the right reason, and normalisation that recovers the true values."""

from __future__ import annotations

import json

import duckdb
import pytest

from customer360.generator.defects import DEFECTS
from customer360.generator.reference import JUNK_PHONES

from .conftest import BuiltWarehouse

# Defects that make a row unusable (quarantine) versus defects in optional fields (kept, flagged).
FLAGGED = {
    ("crm/contacts", "invalid_email"): ("stg_crm__contacts", "crm_contact_id", "invalid email", "email"),
    ("crm/contacts", "invalid_date"): (
        "stg_crm__contacts",
        "crm_contact_id",
        "invalid birth_date",
        "birth_date",
    ),
    ("shop/accounts", "invalid_email"): ("stg_shop__accounts", "shop_account_id", "invalid email", "email"),
    ("support/tickets", "invalid_email"): ("stg_support__tickets", "ticket_id", "invalid email", "email"),
}


def _raw_count(con: duckdb.DuckDBPyConnection, built: BuiltWarehouse, table: str) -> int:
    return con.sql(f"select count(*) from '{built.raw_dir}/{table}.parquet'").fetchall()[0][0]


def _rows_hidden_by_erasure(con: duckdb.DuckDBPyConnection, built: BuiltWarehouse, table: str) -> tuple[int, int]:
    """File rows the raw table does not hold, and how many of them belong to a person who asked to be erased."""
    source, name = table.split("/")
    hidden, of_erased = con.sql(
        f"""
        with file_rows as (select file_row_number + 1 as row_number from read_parquet(
                 '{built.raw_dir}/{table}.parquet', file_row_number = true)),
             visible as (select _source_row from raw.{source}__{name}),
             truth as (select r.row_number, p.is_erased from '{built.truth_dir}/records.parquet' r
                       join '{built.truth_dir}/persons.parquet' p using (person_id)
                       where r.source_table = '{table}')
        select count(*), count(*) filter (where truth.is_erased)
        from file_rows
        left join visible on file_rows.row_number = visible._source_row
        left join truth on file_rows.row_number = truth.row_number
        where visible._source_row is null
        """
    ).fetchall()[0]
    return hidden, of_erased


@pytest.mark.parametrize("table", [*DEFECTS, "consent/erasure_requests"])
def test_raw_rows_equal_staged_plus_quarantined(built: BuiltWarehouse, table: str) -> None:
    source, name = table.split("/")
    con = built.connect()
    staged = con.sql(f"select count(*) from staging.stg_{source}__{name}").fetchall()[0][0]
    quarantined = con.sql(
        f"select count(*) from staging.stg_{source}__quarantine where source_table = '{source}.{name}'"
    ).fetchall()[0][0]
    hidden, of_erased = _rows_hidden_by_erasure(con, built, table)
    # raw = staged + quarantined + erased, and only rows of persons who asked to be erased are hidden.
    assert staged + quarantined + hidden == _raw_count(con, built, table)
    assert hidden == of_erased
    # Every erasure request is applied, and then hidden with its person: none stays staged.
    assert staged == 0 if table == "consent/erasure_requests" else staged > 0


def test_quarantine_holds_exactly_the_unusable_defects_with_a_reason_naming_the_column(
    built: BuiltWarehouse,
) -> None:
    con = built.connect()
    con.sql(f"create temp view defects as select * from '{built.truth_dir}/defects.parquet'")
    flagged = " or ".join(f"(source_table = '{t}' and defect = '{d}')" for t, d in FLAGGED)
    # Defects of rows that erasure leaves out of the raw tables are gone with the person (test above).
    visible = " union all ".join(
        f"select '{t}' as source_table, _source_row from raw.{t.replace('/', '__')}" for t in DEFECTS
    )
    expected = con.sql(
        f"select replace(source_table, '/', '.') as source_table, row_number, \"column\" from defects "
        f"where not ({flagged}) and (source_table, row_number) in (select * from ({visible}))"
    ).df()
    quarantine = con.sql(
        "select source_table, source_row, quarantine_reason, raw_record from ("
        + " union all ".join(
            f"select * from staging.stg_{s}__quarantine"
            for s in ("crm", "shop", "pos", "web", "marketing", "support", "consent")
        )
        + ")"
    ).df()
    merged = expected.merge(
        quarantine,
        left_on=["source_table", "row_number"],
        right_on=["source_table", "source_row"],
        how="outer",
    )
    assert merged["quarantine_reason"].notna().all(), "a defect escaped the quarantine"
    # Beyond injected defects, only consent captured through a junk phone (0000000000) is unusable.
    extra = merged[merged["row_number"].isna()]
    assert (extra["quarantine_reason"] == "missing or invalid identifier").all(), "a clean row was quarantined"
    assert extra["raw_record"].map(lambda r: json.loads(r)["identifier_value"] in JUNK_PHONES).all()
    merged = merged[merged["row_number"].notna()]
    assert all(col in reason for col, reason in zip(merged["column"], merged["quarantine_reason"], strict=True))
    assert merged["raw_record"].str.startswith("{").all()


def test_defective_optional_fields_are_nulled_and_flagged(built: BuiltWarehouse) -> None:
    con = built.connect()
    checked = 0
    for (table, kind), (model, _key, issue, column) in FLAGGED.items():
        rows = con.sql(
            f"select s.{column}, s.data_issues from staging.{model} s "
            f"join '{built.truth_dir}/defects.parquet' d "
            f"on d.source_table = '{table}' and d.defect = '{kind}' and d.row_number = s._source_row"
        ).fetchall()
        assert all(value is None and issue in issues for value, issues in rows), (table, kind)
        checked += len(rows)
    assert checked >= 5, "too few flagged defects in the sample to test anything"


def _share(con: duckdb.DuckDBPyConnection, sql: str) -> float:
    return con.sql(sql).fetchall()[0][0]


def test_phones_normalise_to_the_true_e164_number(built: BuiltWarehouse) -> None:
    con = built.connect()
    share = _share(
        con,
        f"""
        select avg(case when s.phone_e164 in ('+44' || p.mobile_national, '+44' || p.landline_national)
                   then 1 else 0 end)
        from staging.stg_crm__contacts s
        join '{built.truth_dir}/records.parquet' r
            on r.source_table = 'crm/contacts' and r.row_number = s._source_row
        join '{built.truth_dir}/persons.parquet' p on p.person_id = r.person_id
        where s.phone_e164 is not null
        """,
    )
    assert share > 0.98  # the rest are junk numbers typed in place of a real one


def test_email_variants_canonicalise_to_a_true_mailbox(built: BuiltWarehouse) -> None:
    con = built.connect()
    share = _share(
        con,
        f"""
        with truth_mailboxes as (
            select person_id, unnest([email, new_email, shared_email]) as mailbox
            from '{built.truth_dir}/persons.parquet'
        ),
        gmail_aware as (  -- Gmail ignores dots; the truth is written with them
            select person_id,
                   case when mailbox like '%@gmail.com' or mailbox like '%@googlemail.com'
                        then replace(split_part(mailbox, '@', 1), '.', '') || '@gmail.com'
                        else mailbox end as mailbox
            from truth_mailboxes where mailbox is not null
        )
        select avg(case when exists (
                   select 1 from gmail_aware g where g.person_id = p.person_id and g.mailbox = s.email_canonical
               ) then 1 else 0 end)
        from staging.stg_shop__accounts s
        join '{built.truth_dir}/records.parquet' r
            on r.source_table = 'shop/accounts' and r.row_number = s._source_row
        join '{built.truth_dir}/persons.parquet' p on p.person_id = r.person_id
        where s.email_canonical is not null
        """,
    )
    assert share > 0.95  # junk addresses (about 1.5%) and second-account variants make up the rest


def test_names_and_birth_dates_recover_the_truth(built: BuiltWarehouse) -> None:
    con = built.connect()
    name_share, birth_share = con.sql(
        f"""
        select
            avg(case when s.last_name_normalised = lower(strip_accents(p.last_name)) then 1 else 0 end),
            avg(case when s.birth_date = p.birth_date then 1 else 0 end)
                filter (where s.birth_date is not null)
        from staging.stg_crm__contacts s
        join '{built.truth_dir}/records.parquet' r
            on r.source_table = 'crm/contacts' and r.row_number = s._source_row
        join '{built.truth_dir}/persons.parquet' p on p.person_id = r.person_id
        """
    ).fetchall()[0]
    assert name_share > 0.93  # typos (4%) are the only noise normalisation cannot undo
    assert birth_share > 0.95  # day/month swaps (3%) stay wrong, as they should


def test_customer_360_has_one_row_per_person_and_its_purchases_are_true(built: BuiltWarehouse) -> None:
    con = built.connect()
    persons, distinct, revenue = con.sql(
        "select count(*), count(distinct person_id), sum(total_revenue) from marts.customer_360"
    ).fetchall()[0]
    assert persons == distinct
    true_people = con.sql(f"select count(*) from '{built.truth_dir}/persons.parquet'").fetchall()[0][0]
    # Exact-email grouping splits people with several mailboxes or none: more persons than truth,
    # but not wildly more.
    assert true_people * 0.8 < persons < true_people * 1.3
    true_revenue = con.sql(f"select sum(total_spend) from '{built.truth_dir}/persons.parquet'").fetchall()[0][0]
    assert 0.5 * true_revenue < float(revenue) <= true_revenue


def test_every_birth_date_written_in_a_contract_format_survives_staging(built: BuiltWarehouse) -> None:
    con = built.connect()
    written, kept = con.sql(
        f"""
        select count(*), count(s.birth_date)
        from raw.crm__contacts r
        join staging.stg_crm__contacts s on s._source_row = r._source_row
        where r.birth_date is not null
          and r._source_row not in (
              select row_number from '{built.truth_dir}/defects.parquet' where source_table = 'crm/contacts')
        """
    ).fetchall()[0]
    assert written > 1000
    assert kept / written > 0.99  # only dates after the contact's creation are nulled as implausible
