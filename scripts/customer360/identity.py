"""Resolve any person-records file with the warehouse's own identity rules.

A list of people (CSV or Parquet; columns record_id, first_name, last_name, birth_date, email,
phone, address, postcode, city, source — any but record_id may be absent or empty) is written as
the CRM export of a scratch raw folder, and the dbt project builds its staging and identity models
on it: the same normalisation, junk list, caps, household scoping, Splink model, connected
components, guard and anchors as ``make run``. Nothing is reimplemented here, so the file and the
warehouse cannot disagree about the rules.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from .input_files import InputError, query_file, require_columns
from .pipeline import dbt
from .settings import PROJECT_DIR, Settings

PERSON_RECORD_COLUMNS = (
    "record_id",
    "first_name",
    "last_name",
    "birth_date",
    "email",
    "phone",
    "address",
    "postcode",
    "city",
    "source",
)
# person-records column -> CRM contacts column of the raw contract
CRM_COLUMNS = {
    "record_id": "contact_id",
    "first_name": "first_name",
    "last_name": "last_name",
    "birth_date": "birth_date",
    "email": "email",
    "phone": "phone",
    "address": "address_line",
    "postcode": "postcode",
    "city": "city",
}
# Staging requires an update time; a person list has none, so every row gets the same one.
LIST_TIMESTAMP = "2000-01-01 00:00:00"
IDENTITY_SELECTOR = "+int_identity_persons_assigned"


@dataclass(frozen=True)
class Resolution:
    """record_id -> person_id for every input record, and where the scratch warehouse lives."""

    assignment: pd.DataFrame
    warehouse: Path


def read_person_records(path: Path) -> pd.DataFrame:
    """Every column as text; raises InputError for a missing record_id column, empty or repeated ids."""
    frame = query_file(path, "select * exclude (_row) from rows order by _row").astype("string")
    require_columns(path, ["record_id"], list(frame.columns))
    ids = frame["record_id"].astype("string").str.strip()
    blank = ids.isna() | (ids == "")
    if blank.any():
        row = int(blank.to_numpy().argmax()) + 1
        raise InputError(f"{path}: column record_id is empty in data row {row}")
    repeated = ids.duplicated(keep="first")
    if repeated.any():
        row = int(repeated.to_numpy().argmax()) + 1
        raise InputError(f"{path}: column record_id repeats {ids.iloc[row - 1]!r} in data row {row}")
    frame["record_id"] = ids
    return frame


def write_as_crm_export(records: pd.DataFrame, raw_dir: Path) -> None:
    """The list as raw/crm/contacts.parquet of the raw contract (all text); other sources stay absent."""
    columns = {crm: records[col] if col in records.columns else None for col, crm in CRM_COLUMNS.items()}
    columns["created_at"] = LIST_TIMESTAMP
    columns["updated_at"] = LIST_TIMESTAMP
    frame = pd.DataFrame({name: values for name, values in columns.items()}, index=records.index)
    table = pa.table({c: pa.array(frame[c].astype("string"), type=pa.string(), from_pandas=True) for c in frame})
    (raw_dir / "crm").mkdir(parents=True, exist_ok=True)
    pq.write_table(table, raw_dir / "crm" / "contacts.parquet")


def resolve_file(path: Path, workdir: Path | None = None, dbt_vars: str | None = None) -> Resolution:
    """Resolve a person-records file; raises InputError on bad input and RuntimeError when dbt fails."""
    records = read_person_records(path)
    root = Path(workdir) if workdir else Path(tempfile.mkdtemp(prefix="customer360-resolve-"))
    shutil.rmtree(root / "raw", ignore_errors=True)
    write_as_crm_export(records, root / "raw")
    settings = Settings(PROJECT_DIR, root / "raw", root / "truth", root / "warehouse" / "resolve.duckdb")
    settings.warehouse.unlink(missing_ok=True)
    extra = ["--select", IDENTITY_SELECTOR, "--resource-type", "seed", "--resource-type", "model"]
    extra += ["--target-path", str(root / "target"), "--quiet"]
    if dbt_vars:
        extra += ["--vars", dbt_vars]
    if not dbt(settings, "build", extra):
        raise RuntimeError(f"dbt could not resolve {path}; see the messages above")
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        assignment = con.sql(
            "select source_record_id as record_id, person_id from intermediate.int_identity_persons_assigned "
            "where record_type = 'crm_contact'"
        ).df()
        quarantine = con.sql(
            "select _source_row, quarantine_reason from staging.base_crm__contacts where quarantine_reason is not null"
        ).fetchall()
    finally:
        con.close()
    if quarantine:
        row, reason = quarantine[0]
        raise InputError(f"{path}: {len(quarantine)} rows unusable, e.g. data row {row}: {reason}")
    return Resolution(assignment.sort_values("record_id", ignore_index=True), settings.warehouse)


def warehouse_person_records(con: duckdb.DuckDBPyConnection, key: str = "record_key") -> pd.DataFrame:
    """The warehouse's identity records (cookies excluded), normalised by staging, keyed by ``key``
    (record_key, or source_record_id for a resolved file): what a baseline compares with the graph."""
    return con.sql(
        f"""
        select {key} as record_key, first_name, last_name, birth_date, email_canonical as email,
               phone_e164 as phone, postcode
        from intermediate.int_identity_records_unioned
        where record_type <> 'web_cookie'
        """
    ).df()
