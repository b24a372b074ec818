"""The project's own generic tests catch what they are written for: a copy of the built warehouse is
tampered with (a repeated and a null key, a quarantined row without its reason) and `dbt test` must
report exactly the tests those rows break as failing, while the untouched tests still pass."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb

from .conftest import BuiltWarehouse, dbt_build


def test_primary_key_and_all_not_null_fail_on_tampered_rows(built: BuiltWarehouse, tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse" / "customer360.duckdb"
    warehouse.parent.mkdir()
    shutil.copy2(built.warehouse, warehouse)
    con = duckdb.connect(str(warehouse))
    # stg_crm__contacts is a view of base_crm__contacts' usable rows: tamper with those
    usable = "from staging.base_crm__contacts where quarantine_reason is null limit 1"
    con.execute(f"insert into staging.base_crm__contacts select * {usable}")
    con.execute(f"insert into staging.base_crm__contacts select * replace (null as crm_contact_id) {usable}")
    con.execute(
        "update staging.stg_shop__quarantine set quarantine_reason = null "
        "where source_row = (select min(source_row) from staging.stg_shop__quarantine)"
    )
    con.close()
    selected = ["--select", "stg_crm__contacts", "stg_shop__quarantine", "--exclude-resource-type", "unit_test"]
    dbt_build(built.raw_dir, warehouse, *selected, command="test")
    results = json.loads((warehouse.parent / "target" / "run_results.json").read_text(encoding="utf-8"))
    failures = {r["unique_id"].split(".")[2]: r["failures"] for r in results["results"] if r["status"] == "fail"}
    passed = [r for r in results["results"] if r["status"] == "pass"]
    reconciliation = (
        "reconciles_with_raw_stg_crm__contacts_ref_stg_crm__quarantine___source_crm_contacts___crm_contacts"
    )
    # the two copied rows make their raw rows staged more than once: raw = staged + quarantined breaks
    assert failures.pop(reconciliation) >= 1
    assert failures == {
        "primary_key_stg_crm__contacts_crm_contact_id": 2,  # the repeated key and the null key
        "all_not_null_stg_shop__quarantine_source_table__source_row__quarantine_reason": 1,
    }
    assert passed  # the other tests of the two models (not_null _source_row, ...) still pass


def test_reconciliation_names_a_lost_row_that_a_doubled_row_hides_from_the_counts(
    built: BuiltWarehouse, tmp_path: Path
) -> None:
    """One staged web event lost and another of the same file staged twice: the file's row count still
    balances, so only the rows (summarised by the test's fingerprint, then matched) can tell."""
    warehouse = tmp_path / "warehouse" / "customer360.duckdb"
    warehouse.parent.mkdir()
    shutil.copy2(built.warehouse, warehouse)
    con = duckdb.connect(str(warehouse))
    lost, doubled = con.execute(
        "select min(_source_row), max(_source_row) from staging.base_web__events where quarantine_reason is null"
    ).fetchone()
    con.execute(f"delete from staging.base_web__events where _source_row = {lost}")
    con.execute(
        f"insert into staging.base_web__events select * from staging.base_web__events where _source_row = {doubled}"
    )
    counts = con.execute(
        "select (select count(*) from raw.web__events), (select count(*) from staging.base_web__events)"
    ).fetchone()
    con.close()
    assert counts[0] == counts[1]  # the tampering keeps the totals equal

    dbt_build(
        built.raw_dir,
        warehouse,
        "--select",
        "test_name:reconciles_with_raw,stg_web__events",
        "--store-failures",
        command="test",
    )
    con = duckdb.connect(str(warehouse), read_only=True)
    (failures_table,) = con.execute(
        "select table_schema || '.' || table_name from information_schema.tables "
        "where table_name like 'reconciles_with_raw_stg_web%'"
    ).fetchone()
    problems = con.execute(f"select source_row, problem from {failures_table} order by source_row").fetchall()
    con.close()
    assert problems == [
        (lost, "in the raw file but neither staged nor quarantined"),
        (doubled, "staged or quarantined 2 times"),
    ]


LANDED_ONLY_TESTS = ("primary_key", "reconciles_with_raw")


def failing_tests(
    built: BuiltWarehouse, warehouse: Path, model: str, names: tuple[str, ...], earlier_rows_tested: bool
) -> dict[str, int | None]:
    """Rows each test `names` of `model` returns on `warehouse` (None when it passes), run in one `dbt test`
    with or without the pipeline's word that the rows from before this run were tested."""
    environ = {"CUSTOMER360_EARLIER_ROWS_TESTED": "true"} if earlier_rows_tested else {}
    selected = [f"test_name:{name},{model}" for name in names]
    dbt_build(built.raw_dir, warehouse, "--select", *selected, command="test", environ=environ)
    results = json.loads((warehouse.parent / "target" / "run_results.json").read_text(encoding="utf-8"))
    failures = {}
    for name in names:
        (result,) = [r for r in results["results"] if r["unique_id"].startswith(f"test.customer360.{name}_{model}")]
        failures[name] = result["failures"] if result["status"] == "fail" else None
    return failures


def web_events_test_failures(
    built: BuiltWarehouse, warehouse: Path, earlier_rows_tested: bool
) -> dict[str, int | None]:
    """failing_tests of the staged web events' LANDED_ONLY_TESTS."""
    return failing_tests(built, warehouse, "stg_web__events", LANDED_ONLY_TESTS, earlier_rows_tested)


def test_landed_only_tests_check_the_rows_of_the_files_the_landing_read(built: BuiltWarehouse, tmp_path: Path) -> None:
    """With the pipeline's word (macros/testing/landed_now.sql), the primary-key test checks the keys of the
    rows of the files the last landing read against all rows, and the reconciliation balances those files.
    Tampered: a row of an earlier delivery repeats the key of a row of the landed file (a new row repeating
    an earlier key), and a staged row of the landed file is lost. Once the landing is forgotten, both
    problems sit among earlier rows alone: the restricted tests leave them to the run that published them,
    and only the full tests see them (the repeated key; the lost row and the row from a file never landed)."""
    warehouse = tmp_path / "warehouse" / "customer360.duckdb"
    warehouse.parent.mkdir()
    shutil.copy2(built.warehouse, warehouse)
    con = duckdb.connect(str(warehouse))
    (landed,) = con.execute("select source_file from raw._landed_files where table_name = 'web__events'").fetchone()
    usable = f"from staging.base_web__events where quarantine_reason is null and _source_file = '{landed}'"
    con.execute(
        "insert into staging.base_web__events select * replace ('earlier-delivery.parquet' as _source_file) "
        f"{usable} and _source_row = (select max(_source_row) {usable})"
    )
    con.execute(f"delete {usable} and _source_row = (select min(_source_row) {usable})")
    con.close()

    assert web_events_test_failures(built, warehouse, earlier_rows_tested=True) == {
        "primary_key": 1,
        "reconciles_with_raw": 1,
    }
    con = duckdb.connect(str(warehouse))
    con.execute("delete from raw._landed_files where table_name = 'web__events'")  # as if it had read no file
    con.close()
    assert web_events_test_failures(built, warehouse, earlier_rows_tested=True) == {
        "primary_key": None,
        "reconciles_with_raw": None,
    }
    assert web_events_test_failures(built, warehouse, earlier_rows_tested=False) == {
        "primary_key": 1,
        "reconciles_with_raw": 2,
    }


def test_written_only_primary_key_checks_the_rows_this_run_wrote(built: BuiltWarehouse, tmp_path: Path) -> None:
    """With the pipeline's word, the primary-key test of an incremental model that replaces rows by key
    (argument written_at) checks the keys of the rows stamped by this run or later against all rows. A
    repeated key among rows an earlier run wrote is left to the run that published them; stamped as written
    now, the same repeat fails. Without the word, the test checks every row."""
    warehouse = tmp_path / "warehouse" / "customer360.duckdb"
    warehouse.parent.mkdir()
    shutil.copy2(built.warehouse, warehouse)
    events = "intermediate.int_identity_web_events_attributed"
    con = duckdb.connect(str(warehouse))
    con.execute(
        f"insert into {events} select * replace (timestamp '2000-01-01' as _attributed_at) from {events} "
        f"where web_event_id = (select min(web_event_id) from {events})"
    )
    con.close()
    model, names = "int_identity_web_events_attributed", ("primary_key",)
    assert failing_tests(built, warehouse, model, names, earlier_rows_tested=True) == {"primary_key": None}
    assert failing_tests(built, warehouse, model, names, earlier_rows_tested=False) == {"primary_key": 1}
    con = duckdb.connect(str(warehouse))
    con.execute(f"update {events} set _attributed_at = timestamp '2999-01-01' where _attributed_at < '2001-01-01'")
    con.close()
    assert failing_tests(built, warehouse, model, names, earlier_rows_tested=True) == {"primary_key": 1}
