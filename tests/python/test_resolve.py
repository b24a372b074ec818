"""`customer360 resolve` on a plain person list: the warehouse's rules deduplicate it, and bad input is
refused with the file, column and row named."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from customer360.evaluate import identity_metrics
from customer360.identity import read_person_records, resolve_file
from customer360.input_files import InputError

from .conftest import BuiltWarehouse


def crm_as_person_list(built: BuiltWarehouse, path: Path) -> pd.DataFrame:
    """The generated CRM export renamed to the person-records columns, and its truth (record_id, true_id)."""
    contacts = duckdb.sql(
        f"""
        select c.contact_id as record_id, c.first_name, c.last_name, c.birth_date, c.email, c.phone,
               c.address_line as address, c.postcode, c.city, 'crm' as source, t.person_id as true_id
        from '{built.raw_dir}/crm/contacts.parquet' as c
        join '{built.truth_dir}/records.parquet' as t on t.source_table = 'crm/contacts' and t.record_id = c.contact_id
        where c.contact_id is not null
        qualify count(*) over (partition by c.contact_id) = 1
        """
    ).df()
    contacts.drop(columns="true_id").to_csv(path, index=False)
    return contacts[["record_id", "true_id"]]


def test_resolve_deduplicates_a_person_list_with_the_warehouse_rules(built: BuiltWarehouse, tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    truth = crm_as_person_list(built, path)
    resolution = resolve_file(path, tmp_path / "work")
    assert set(resolution.assignment["record_id"]) == set(truth["record_id"])  # every record, nothing else
    metrics = identity_metrics(resolution.assignment, truth)
    assert metrics.true_persons < len(truth)  # the CRM holds duplicate contacts ...
    assert metrics.pairwise_recall >= 0.8  # ... and most are found
    assert metrics.pairwise_precision >= 0.97


def test_a_repeated_record_id_is_refused_naming_file_column_and_row(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("record_id,first_name\nr1,Ann\nr2,Bob\nr1,Cy\n")
    with pytest.raises(InputError, match=r"people\.csv: column record_id repeats 'r1' in data row 3"):
        read_person_records(path)


def test_a_missing_record_id_column_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("id,first_name\nr1,Ann\n")
    with pytest.raises(InputError, match="column record_id is missing"):
        read_person_records(path)
