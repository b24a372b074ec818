"""A company that exports only CRM contacts and web orders can still build: contacts as Latin-1 CSV with its
own capitalisation of the header, orders as Parquet whose columns have native types, as a database export
writes them."""

from __future__ import annotations

import csv
import io
import shutil
from datetime import UTC
from pathlib import Path

import duckdb
import pytest

from customer360.cli import main

from .conftest import dbt_build, make_dataset


def test_build_with_only_contacts_and_orders_as_csv(tmp_path: Path) -> None:
    raw, _ = make_dataset(tmp_path, people=300, seed=21, file_format="csv")
    for folder in raw.iterdir():
        if folder.name not in ("crm", "shop"):
            shutil.rmtree(folder)
    (raw / "shop" / "accounts.csv").unlink()
    (raw / "shop" / "order_lines.csv").unlink()
    # The CRM export capitalises its header and pads a name ("Contact_Id", " EMAIL "): matched all the same.
    # It is Latin-1, as older CRMs write, so its accented names are not valid UTF-8 (var raw_csv_encodings).
    contacts = raw / "crm" / "contacts.csv"
    text = contacts.read_text(encoding="utf-8")
    names = {row["first_name"].strip() for row in csv.DictReader(io.StringIO(text))}
    accented = {name for name in names if not name.isascii()}
    assert accented  # the generator writes names such as José
    header, rest = text.split("\n", 1)
    header = ",".join(f" {name.upper()} " if name == "email" else name.title() for name in header.split(","))
    contacts.write_text(f"{header}\n{rest}", encoding="latin-1")
    # Orders as typed Parquet: a time zone-aware timestamp with milliseconds (landed as text such as
    # "2024-05-13 10:50:17.25+00") and a decimal amount. Unparseable times (the generator's defects) are null.
    orders_csv, orders = raw / "shop" / "orders.csv", raw / "shop" / "orders.parquet"
    typed = duckdb.connect()
    typed.execute("set TimeZone = 'Europe/Paris'")  # the landing session's zone must not shift the instants
    typed.execute(
        f"copy (select * replace (timezone('UTC', try_cast(ordered_at as timestamp) + interval 250 millisecond) "
        f"as ordered_at, try_cast(total_amount as decimal(18, 2)) as total_amount) "
        f"from read_csv('{orders_csv}', all_varchar = true)) to '{orders}'"
    )
    parquet_rows, *expected_range = typed.sql(
        f"select count(*), min(ordered_at) filter (where total_amount >= 0), "
        f"max(ordered_at) filter (where total_amount >= 0) from '{orders}'"
    ).fetchall()[0]
    typed.close()
    orders_csv.unlink()
    warehouse = tmp_path / "warehouse" / "c360.duckdb"
    warehouse.parent.mkdir()

    result = dbt_build(raw, warehouse, "--vars", "{raw_csv_encodings: {crm: latin-1}}")

    assert result.returncode == 0, result.stdout[-4000:]
    assert "web/events.parquet|.csv is absent" in result.stdout
    con = duckdb.connect(str(warehouse), read_only=True)
    assert con.sql("select count(*) from staging.stg_web__events").fetchall()[0][0] == 0
    contacts_csv = sum(1 for _ in contacts.open(encoding="latin-1")) - 1
    staged, quarantined = con.sql(
        "select (select count(*) from staging.stg_crm__contacts), (select count(*) from staging.stg_crm__quarantine)"
    ).fetchall()[0]
    assert staged + quarantined == contacts_csv
    assert quarantined < contacts_csv * 0.05  # only the generator's defects, not every row
    assert con.sql("select count(email) from staging.stg_crm__contacts").fetchall()[0][0] > staged * 0.5
    staged_names = {name for (name,) in con.sql("select first_name from staging.stg_crm__contacts").fetchall()}
    assert accented <= staged_names
    staged_orders, *staged_range = con.sql(
        "select count(*), min(ordered_at), max(ordered_at) from staging.stg_shop__orders"
    ).fetchall()[0]
    quarantined_orders, unparseable_times = con.sql(
        "select count(*), count(*) filter (where quarantine_reason like '%ordered_at%') "
        "from staging.stg_shop__quarantine where source_table = 'shop.orders'"
    ).fetchall()[0]
    null_times = con.sql("select count(*) from raw.shop__orders where ordered_at is null").fetchall()[0][0]
    # No order is lost, only the generator's defects are quarantined (no typed time counts as unparseable),
    # and the staged times are the typed ones, to the millisecond and in UTC.
    assert staged_orders + quarantined_orders == parquet_rows
    assert unparseable_times == null_times
    assert staged_range == [t.astimezone(UTC).replace(tzinfo=None) for t in expected_range]
    persons, purchases = con.sql("select count(*), sum(purchase_count) from marts.customer_360").fetchall()[0]
    assert persons > 100
    assert purchases > 0


def test_a_raw_folder_with_a_quote_in_its_path_is_refused_up_front(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Paths are written into DuckDB SQL as string literals, where a quote would end the literal: the run
    stops before building, with the variable named, instead of a syntax error from inside the build."""
    raw = tmp_path / "o'neil" / "raw"
    raw.mkdir(parents=True)
    warehouse = tmp_path / "warehouse.duckdb"
    monkeypatch.setenv("CUSTOMER360_RAW_DIR", str(raw))
    monkeypatch.setenv("CUSTOMER360_DUCKDB_PATH", str(warehouse))

    assert main(["run"]) == 2

    assert "CUSTOMER360_RAW_DIR=" in capsys.readouterr().err
    assert not warehouse.exists()


def test_a_delivery_file_mostly_quarantined_fails_the_build(tmp_path: Path) -> None:
    """An orders export whose times came out in a format staging does not read (`13/05/2024 10:50`): every
    row would be quarantined with a reason and the build would pass, publishing a warehouse without
    orders. The share test fails it, naming the test."""
    raw, _ = make_dataset(tmp_path, people=100, seed=5, file_format="csv")
    for folder in raw.iterdir():
        if folder.name != "shop":
            shutil.rmtree(folder)
    orders = raw / "shop" / "orders.csv"
    con = duckdb.connect()
    con.execute(
        f"copy (select * replace (strftime(try_cast(ordered_at as timestamp), '%d/%m/%Y %H:%M') as ordered_at) "
        f"from read_csv('{orders}', all_varchar = true)) to '{tmp_path / 'orders.csv'}' (header)"
    )
    rows = con.sql(f"select count(*) from '{tmp_path / 'orders.csv'}'").fetchall()[0][0]
    con.close()
    shutil.move(tmp_path / "orders.csv", orders)
    warehouse = tmp_path / "warehouse" / "c360.duckdb"
    warehouse.parent.mkdir()

    result = dbt_build(raw, warehouse)

    assert rows >= 100
    assert result.returncode == 1
    assert "FAIL 1 assert_no_delivery_file_is_mostly_quarantined" in result.stdout
    assert "ERROR=1 " in result.stdout  # the only failure: every other test passes on what was staged
