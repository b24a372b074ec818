"""Activation exports: the files a marketing tool receives hold exactly the consent-enforced audiences,
the manifest describes them, and a row without a grant stops the export."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest

from customer360.activation import declared_audiences, export_audiences
from customer360.settings import Settings


def test_every_audience_is_exported_as_declared(published: Settings, tmp_path: Path) -> None:
    manifest = json.loads(export_audiences(published.warehouse, tmp_path / "out").read_text(encoding="utf-8"))
    con = duckdb.connect(str(published.warehouse), read_only=True)
    as_of = con.sql("select max(as_of_date)::varchar from marts.customer_360").fetchall()[0][0]
    listed = {item["audience"]: item for item in manifest["audiences"]}
    assert set(listed) == set(declared_audiences())
    for audience, item in listed.items():
        exported = con.sql(f"select person_id from '{tmp_path / 'out' / item['file']}'").fetchall()
        in_warehouse = con.sql(f"select person_id from marts.{audience}").fetchall()
        assert sorted(exported) == sorted(in_warehouse)
        assert item["rows"] == len(exported)
        assert item["purpose"] == "marketing"
        assert item["as_of_date"] in (as_of, None)  # None: an empty audience
    # Every exported email contact holds a current marketing grant on email (read from the raw state).
    email_file = tmp_path / "out" / listed["audience_marketing_email"]["file"]
    ungranted = con.sql(
        f"select count(*) from '{email_file}' e left join intermediate.int_consent_state s "
        "on s.person_id = e.person_id and s.purpose = 'marketing' and s.channel = 'email' and s.is_granted "
        "where s.person_id is null"
    ).fetchall()[0][0]
    con.close()
    assert listed["audience_marketing_email"]["rows"] > 0
    assert ungranted == 0


def test_csv_export_round_trips(published: Settings, tmp_path: Path) -> None:
    manifest = json.loads(export_audiences(published.warehouse, tmp_path, "csv").read_text(encoding="utf-8"))
    con = duckdb.connect()
    for item in manifest["audiences"]:
        assert con.sql(f"select count(*) from read_csv('{tmp_path / item['file']}')").fetchall()[0][0] == item["rows"]


def test_a_row_without_a_grant_stops_the_export(published: Settings, tmp_path: Path) -> None:
    tampered = tmp_path / "tampered.duckdb"
    shutil.copy2(published.warehouse, tampered)
    con = duckdb.connect(str(tampered))
    stranger = con.sql(
        "select person_id from marts.customer_360 where person_id not in "
        "(select person_id from intermediate.int_consent_state where purpose = 'marketing' "
        "and channel = 'email' and is_granted) limit 1"
    ).fetchall()[0][0]
    con.execute(
        "insert into marts.audience_marketing_email by name "
        "select * replace (? as person_id) from marts.audience_marketing_email limit 1",
        [stranger],
    )
    con.close()
    with pytest.raises(RuntimeError, match="audience_marketing_email: 1 row"):
        export_audiences(tampered, tmp_path / "out")
    assert not (tmp_path / "out" / "manifest.json").exists()
