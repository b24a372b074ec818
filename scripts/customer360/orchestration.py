"""Dagster definitions: the nightly customer360 job as assets, with the same write-audit-publish as
`customer360 run`.

- every dbt model and seed is an asset (dagster-dbt), every dbt data test an asset check; the Python
  steps that run inside dbt (fuzzy matching `int_identity_fuzzy_pairs`, CLV and churn
  `int_customer_predictions`) are dbt Python models, hence assets in their place in the graph;
- `data_quality_report` runs the Great Expectations suites on the work copy, after the dbt assets;
- `published_warehouse` renames the audited work copy over the published file (and writes the BI file);
- `activation_exports` writes the consent-enforced audiences and their manifest from the published file.

A daily schedule runs it at 02:00 UTC, each step retries on transient failure (a locked file, a full
disk freed by a cleanup), and the published warehouse carries a freshness policy (the daemon's view)
plus an asset check, run after each publish and hourly by its own schedule, that fails when the
published file is more than 26 hours old. Start the UI with `dagster dev -m customer360.orchestration`;
`customer360 run` stays the cron-friendly equivalent.

The dbt assets build into the work copy: dbt reads the warehouse path from CUSTOMER360_DUCKDB_PATH,
so the asset sets it for the dbt child processes only while it runs (`dbt_environment`).
"""

import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import dagster as dg
import duckdb
from dagster import AssetExecutionContext
from dagster_dbt import DbtCliResource, DbtProject, dbt_assets

from .bi_file import bi_path
from .inputs import input_fingerprint, record_fingerprint
from .pipeline import (
    ERASURE_GROWTH_HANDLED,
    KEEP_HISTORIES,
    PRODUCTION_EXCLUDES,
    UPGRADE_NOTICE,
    built_by_other_code,
    prepare_work_copy,
    publish,
    suppression_count,
    work_copy_path,
)
from .pipeline import dbt as run_dbt  # `dbt` is the Dagster resource below
from .settings import PROJECT_DIR, Settings

BUILD_ARGS = ["build", *PRODUCTION_EXCLUDES]
RETRY = dg.RetryPolicy(max_retries=2, delay=30, backoff=dg.Backoff.EXPONENTIAL)
MAX_AGE = timedelta(hours=26)

DBT_PROJECT = DbtProject(project_dir=PROJECT_DIR)


# What a dbt parse reads: a manifest older than any of them may lack a model (dagster-dbt then fails on its key).
PARSED_SOURCES = ("dbt_project.yml", "profiles.yml", "models", "macros", "seeds", "tests", "analyses")


def manifest_is_current(manifest: Path, project_dir: Path) -> bool:
    """True when `manifest` exists and no file dbt parses was changed after it was written."""
    if not manifest.exists():
        return False
    written = manifest.stat().st_mtime
    for name in PARSED_SOURCES:
        source = project_dir / name
        files = [source] if source.is_file() else source.rglob("*") if source.is_dir() else []
        if any(path.stat().st_mtime > written for path in files):
            return False
    return True


def ensure_manifest(project: DbtProject = DBT_PROJECT) -> Path:
    """dagster-dbt reads target/manifest.json when the definitions load; parse if it is missing or older
    than the project's files (a model added since the last parse made the job fail on the model's key).

    The parse writes into a folder of its own and the manifest is renamed into place, so that several
    processes loading the definitions at once (Dagster's daemon and webserver, parallel tests) never
    read a half-written file.
    """
    if not manifest_is_current(project.manifest_path, Path(project.project_dir)):
        with tempfile.TemporaryDirectory(dir=project.manifest_path.parent.parent) as scratch:
            if not run_dbt(Settings.from_env(), "parse", ["-q", "--target-path", scratch]):
                raise RuntimeError("dbt parse failed; the Dagster definitions need target/manifest.json")
            project.manifest_path.parent.mkdir(exist_ok=True)
            os.replace(Path(scratch) / "manifest.json", project.manifest_path)
    return project.manifest_path


@contextmanager
def dbt_environment(settings: Settings, extra: dict[str, str] | None = None) -> Iterator[None]:
    """Point dbt's child processes at `settings` (and `extra` variables) while the block runs, then restore
    the environment."""
    variables = settings.environ() | (extra or {})
    saved = {name: os.environ.get(name) for name in variables}
    os.environ.update(variables)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def work_settings() -> tuple[Settings, Path]:
    """This run's settings and the work copy it builds into."""
    settings = Settings.from_env()
    return settings, work_copy_path(settings.warehouse)


@dbt_assets(manifest=ensure_manifest(), project=DBT_PROJECT, exclude="tag:code", retry_policy=RETRY)
def customer360_dbt(context: AssetExecutionContext, dbt: DbtCliResource) -> Iterator[object]:
    """dbt build into a fresh work copy; built once more when it added erasure suppressions, so no
    relation keeps the newly erased persons' rows. Simpler than pipeline.build_with_erasure (which
    splits the first pass at the erasure list to save the wasted half): the multi-asset streams one
    build, and a split would report every asset twice."""
    settings, work = work_settings()
    fingerprint = input_fingerprint(settings, None)  # of the inputs before the build reads them
    arguments, environment = BUILD_ARGS, {}
    if built_by_other_code(settings.warehouse, fingerprint):  # an upgrade, as in `customer360 run`
        context.log.info(UPGRADE_NOTICE.format(published=settings.warehouse))
        arguments, environment = [*BUILD_ARGS, "--full-refresh"], KEEP_HISTORIES
    prepare_work_copy(settings.warehouse, work)
    on_work_copy = replace(settings, warehouse=work)
    before = suppression_count(work)
    with dbt_environment(on_work_copy, environment | ERASURE_GROWTH_HANDLED):
        yield from dbt.cli(arguments, context=context).stream()
    added = suppression_count(work) - before
    if added:
        context.log.info(f"erasure: {added} identifiers newly suppressed; building once more")
        with dbt_environment(on_work_copy, environment):
            dbt.cli(arguments, context=context).wait()
    # Recorded in the work copy, which only published_warehouse renames into place, after the audit: a
    # `customer360 run` after this job then finds its inputs (and skips, or trusts the rows it tested).
    with duckdb.connect(str(work)) as con:
        record_fingerprint(con, fingerprint)


# The suites read customer_360, every audience and the consent state, and publishing must wait for every
# dbt asset and check: the audit depends on the whole dbt multi-asset, not on a hand-kept list of models.
@dg.asset(deps=[customer360_dbt], retry_policy=RETRY, group_name="publish")
def data_quality_report() -> dg.MaterializeResult:
    """Great Expectations suites on the work copy; a failed expectation fails the run before publishing."""
    from .quality import format_failures, run_quality

    _, work = work_settings()
    report = run_quality(work)
    if not report.success:
        raise dg.Failure(description=format_failures(report), allow_retries=False)
    return dg.MaterializeResult(
        metadata={"expectations": len(report.outcomes), "data_docs": dg.MetadataValue.path(str(report.data_docs))}
    )


@dg.asset(
    deps=[data_quality_report],
    retry_policy=RETRY,
    group_name="publish",
    # Evaluated by the Dagster daemon (`dagster dev`): warn after 25 h, fail after 26 h without a publish.
    freshness_policy=dg.FreshnessPolicy.time_window(fail_window=MAX_AGE, warn_window=MAX_AGE - timedelta(hours=1)),
)
def published_warehouse() -> dg.MaterializeResult:
    """The audited work copy renamed over the published warehouse, and the BI-only file beside it."""
    settings, work = work_settings()
    publish(work, settings.warehouse)
    return dg.MaterializeResult(
        metadata={
            "warehouse": dg.MetadataValue.path(str(settings.warehouse)),
            "bi_file": dg.MetadataValue.path(str(bi_path(settings.warehouse))),
        }
    )


@dg.asset(deps=[published_warehouse], retry_policy=RETRY, group_name="publish")
def activation_exports() -> dg.MaterializeResult:
    """Every consent-enforced audience as Parquet with its manifest, for the marketing tool."""
    from .activation import export_audiences

    settings = Settings.from_env()
    out_dir = Path(os.environ.get("CUSTOMER360_EXPORT_DIR", settings.warehouse.parent / "exports"))
    manifest = export_audiences(settings.warehouse, out_dir)
    return dg.MaterializeResult(metadata={"manifest": dg.MetadataValue.path(str(manifest))})


@dg.asset_check(asset=published_warehouse, description=f"published within the last {MAX_AGE}")
def published_warehouse_is_fresh() -> dg.AssetCheckResult:
    """Fails when the published file is older than MAX_AGE: the nightly run did not publish (a failed
    audit leaves yesterday's file in place, which readers may use but should know about)."""
    return freshness_result(Settings.from_env().warehouse, datetime.now(UTC))


def freshness_result(warehouse: Path, now: datetime) -> dg.AssetCheckResult:
    """The check's verdict on one file at one moment (separate so it can be tested with a fixed clock)."""
    if not warehouse.exists():
        return dg.AssetCheckResult(passed=False, metadata={"reason": f"{warehouse} does not exist"})
    age = now - datetime.fromtimestamp(warehouse.stat().st_mtime, UTC)
    return dg.AssetCheckResult(passed=age <= MAX_AGE, metadata={"age_hours": round(age.total_seconds() / 3600, 2)})


nightly_job = dg.define_asset_job("nightly_customer360", selection=dg.AssetSelection.all())
nightly_schedule = dg.ScheduleDefinition(
    name="nightly_customer360_schedule", job=nightly_job, cron_schedule="0 2 * * *", execution_timezone="UTC"
)
# The freshness check on its own, hourly: it tells within the hour when a night's publish was missed.
freshness_job = dg.define_asset_job("freshness_check", selection=dg.AssetSelection.checks(published_warehouse_is_fresh))
freshness_schedule = dg.ScheduleDefinition(
    name="freshness_check_hourly", job=freshness_job, cron_schedule="15 * * * *", execution_timezone="UTC"
)

defs = dg.Definitions(
    assets=[customer360_dbt, data_quality_report, published_warehouse, activation_exports],
    asset_checks=[published_warehouse_is_fresh],
    jobs=[nightly_job, freshness_job],
    schedules=[nightly_schedule, freshness_schedule],
    resources={
        "dbt": DbtCliResource(
            project_dir=DBT_PROJECT,
            profiles_dir=str(PROJECT_DIR),
            dbt_executable=str(Path(sys.executable).with_name("dbt")),
        )
    },
)
