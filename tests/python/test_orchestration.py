"""Dagster orchestration: the definitions load, the nightly schedule fires at 02:00 UTC, and the whole
graph materialised in-process publishes the same customer_360 as `customer360 run` on the same data,
with every dbt test (asset check) passing and the audiences exported."""

from __future__ import annotations

import json
import os
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from customer360.inputs import input_fingerprint, published_fingerprint
from customer360.orchestration import defs, freshness_result, manifest_is_current, nightly_schedule
from customer360.pipeline import built_by_other_code
from customer360.settings import Settings

CUSTOMER_TOTALS = "select count(*), round(sum(total_revenue), 2), count(segment) from marts.customer_360"


def test_the_nightly_schedule_requests_one_run_at_two() -> None:
    context = dg.build_schedule_context(scheduled_execution_time=datetime(2026, 12, 3, 2, 0, tzinfo=UTC))
    result = nightly_schedule.evaluate_tick(context)
    assert len(result.run_requests) == 1
    assert nightly_schedule.job_name == "nightly_customer360"


def test_freshness_check_fails_after_26_hours(published: Settings) -> None:
    modified = datetime.fromtimestamp(published.warehouse.stat().st_mtime, UTC)
    assert freshness_result(published.warehouse, modified + timedelta(hours=25)).passed
    assert not freshness_result(published.warehouse, modified + timedelta(hours=27)).passed


def test_the_graph_materialises_in_process_like_the_cli(
    published: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The job runs on a copy of the CLI's published warehouse made to look like an older version's, with erasure
    requests it has not processed: a golden record from before its fingerprint column, other settings, and an
    empty suppression list. So one run takes both of the dbt asset's branches: it rebuilds in full (instead of
    failing on the column) keeping the histories, and builds once more when the build grew the erasure list. It
    must then publish what the CLI published."""
    warehouse = tmp_path / "warehouse" / "customer360.duckdb"
    warehouse.parent.mkdir()
    shutil.copy(published.warehouse, warehouse)
    history = "select distinct run_id from intermediate.int_identity_crosswalk_history"
    with duckdb.connect(str(warehouse)) as con:
        con.execute("alter table intermediate.int_identity_golden_records drop column inputs_fingerprint")
        con.execute("delete from intermediate.int_privacy_erasure_suppressions")
        cli_runs = set(con.sql(history).fetchall())
    monkeypatch.setenv("CUSTOMER360_RAW_DIR", str(published.raw_dir))
    monkeypatch.setenv("CUSTOMER360_DUCKDB_PATH", str(warehouse))
    monkeypatch.setenv("CUSTOMER360_EXPORT_DIR", str(tmp_path / "exports"))
    monkeypatch.setenv("CUSTOMER360_UPGRADE_TEST", "1")  # CUSTOMER360_* settings are part of the code fingerprint
    assert built_by_other_code(warehouse, input_fingerprint(Settings.from_env(), None))
    instance = dg.DagsterInstance.ephemeral()
    result = defs.resolve_job_def("nightly_customer360").execute_in_process(instance=instance)
    assert result.success
    checks = result.get_asset_check_evaluations()
    assert len(checks) > 100  # the dbt data tests and the freshness check
    # Error-severity checks all pass (one dbt test is severity warn: lines of quarantined orders).
    assert [c.check_name for c in checks if not c.passed and c.severity == dg.AssetCheckSeverity.ERROR] == []
    materialised = {event.asset_key.to_user_string() for event in result.get_asset_materialization_events()}
    assert {"marts/customer_360", "intermediate/int_identity_fuzzy_pairs", "published_warehouse"} <= materialised
    assert {"intermediate/int_customer_predictions", "data_quality_report", "activation_exports"} <= materialised
    logged = "\n".join(entry.user_message for entry in instance.all_logs(result.run_id))
    assert "rebuilding it in full" in logged and "identifiers newly suppressed; building once more" in logged
    with duckdb.connect(str(warehouse), read_only=True) as con:
        by_dagster = con.sql(CUSTOMER_TOTALS).fetchall()
        unstamped = "select count(*) from intermediate.int_identity_golden_records where inputs_fingerprint is null"
        assert con.sql(unstamped).fetchall() == [(0,)]
        assert cli_runs and cli_runs <= set(con.sql(history).fetchall())
    with duckdb.connect(str(published.warehouse), read_only=True) as con:
        by_cli = con.sql(CUSTOMER_TOTALS).fetchall()
    assert by_dagster == by_cli
    # published with its inputs' fingerprint, like the CLI: a `customer360 run` on the same inputs has nothing to do
    assert published_fingerprint(warehouse) == input_fingerprint(Settings.from_env(), None)
    manifest = json.loads((tmp_path / "exports" / "manifest.json").read_text(encoding="utf-8"))
    assert sum(item["rows"] for item in manifest["audiences"]) > 0


def test_a_manifest_older_than_a_project_file_is_parsed_again(tmp_path: Path) -> None:
    """The definitions load target/manifest.json; one written before a model was added lacks the model, and the
    Dagster job then failed on its key. Only a manifest newer than every parsed file is reused."""
    model = tmp_path / "models" / "staging" / "stg_a.sql"
    model.parent.mkdir(parents=True)
    model.write_text("select 1")
    (tmp_path / "dbt_project.yml").write_text("name: x")
    (tmp_path / "README.md").write_text("not parsed")
    manifest = tmp_path / "target" / "manifest.json"
    assert not manifest_is_current(manifest, tmp_path)
    manifest.parent.mkdir()
    manifest.write_text("{}")
    hour_ago = datetime.now().timestamp() - 3600
    for path in (model, tmp_path / "dbt_project.yml"):
        os.utime(path, (hour_ago, hour_ago))
    assert manifest_is_current(manifest, tmp_path)
    os.utime(tmp_path / "README.md")  # a file dbt does not parse changes nothing
    assert manifest_is_current(manifest, tmp_path)
    (model.parent / "stg_b.sql").write_text("select 2")
    os.utime(model.parent / "stg_b.sql", (hour_ago + 7200, hour_ago + 7200))
    assert not manifest_is_current(manifest, tmp_path)
