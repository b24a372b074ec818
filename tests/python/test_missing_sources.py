"""A company that exports only CRM contacts and web orders, as CSV, can still build."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from .conftest import dbt_build, make_dataset


def test_build_with_only_contacts_and_orders_as_csv(tmp_path: Path) -> None:
    raw, _ = make_dataset(tmp_path, people=300, seed=21, file_format="csv")
    for folder in raw.iterdir():
        if folder.name not in ("crm", "shop"):
            shutil.rmtree(folder)
    (raw / "shop" / "accounts.csv").unlink()
    (raw / "shop" / "order_lines.csv").unlink()
    warehouse = tmp_path / "warehouse" / "c360.duckdb"
    warehouse.parent.mkdir()

    result = dbt_build(raw, warehouse)

    assert result.returncode == 0, result.stdout[-4000:]
    assert "web/events.parquet|.csv is absent" in result.stdout
    con = duckdb.connect(str(warehouse), read_only=True)
    assert con.sql("select count(*) from staging.stg_web__events").fetchall()[0][0] == 0
    contacts_csv = sum(1 for _ in (raw / "crm" / "contacts.csv").open()) - 1
    staged, quarantined = con.sql(
        "select (select count(*) from staging.stg_crm__contacts), (select count(*) from staging.stg_crm__quarantine)"
    ).fetchall()[0]
    assert staged + quarantined == contacts_csv
    persons, purchases = con.sql("select count(*), sum(purchase_count) from marts.customer_360").fetchall()[0]
    assert persons > 100
    assert purchases > 0
