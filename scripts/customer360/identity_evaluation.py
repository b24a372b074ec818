"""The identity evaluation run: our resolution and a Splink-only baseline on the same records, each
timed, scored against the truth side by side, with the evidence ceiling beside them."""

from __future__ import annotations

import dataclasses
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import duckdb
import pandas as pd

from .evaluate import IdentityMetrics, evidence_ceiling, generator_truth, identity_metrics, warehouse_assignment
from .identity import resolve_file, warehouse_person_records
from .match import splink_only_assignment
from .pipeline import dbt
from .settings import PROJECT_DIR, Settings, dbt_var

T = TypeVar("T")
OURS = "customer360 (graph + Splink + guard)"
BASELINE = "Splink alone"


@dataclass(frozen=True)
class IdentityEvaluation:
    """Metrics and wall time per method, and the ceiling the evidence allows (None without it)."""

    methods: dict[str, tuple[IdentityMetrics, float]]
    ceiling: IdentityMetrics | None


def timed(function: Callable[..., T], *args: object) -> tuple[T, float]:
    """Call and measure wall time."""
    started = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - started


def nicknames() -> pd.DataFrame:
    """The nickname seed, shared by the dbt model and the baseline."""
    return pd.read_csv(PROJECT_DIR / "seeds" / "nicknames.csv")


def baseline(records: pd.DataFrame) -> tuple[pd.DataFrame, float]:
    """Splink alone at the pipeline's own match-weight threshold, timed; keyed record_id -> person_id."""
    threshold = float(dbt_var("identity_match_weight_threshold"))
    assignment, seconds = timed(splink_only_assignment, records, nicknames(), threshold)
    return assignment.rename(columns={"record_key": "record_id"}), seconds


def _rebuild_identity(settings: Settings, target: Path) -> bool:
    args = ["--select", "path:models/intermediate/identity", "--resource-type", "model", "--quiet"]
    return dbt(settings, "build", [*args, "--target-path", str(target)])


def evaluate_warehouse(settings: Settings) -> IdentityEvaluation:
    """Re-run the identity stage on a copy of the built warehouse (timed), then score it and the baseline
    against the generator's truth folder."""
    truth = generator_truth(settings.truth_dir)
    with tempfile.TemporaryDirectory(prefix="customer360-evaluate-") as scratch:
        copy = Path(scratch) / "warehouse.duckdb"
        shutil.copy(settings.warehouse, copy)
        ok, seconds = timed(_rebuild_identity, dataclasses.replace(settings, warehouse=copy), Path(scratch) / "target")
        if not ok:
            raise RuntimeError("the identity stage failed on the copy of the warehouse; see the messages above")
        con = duckdb.connect(str(copy), read_only=True)
        try:
            ours = warehouse_assignment(con)
            records = warehouse_person_records(con)
            ceiling = evidence_ceiling(con, truth)
        finally:
            con.close()
    scored = records.merge(truth, left_on="record_key", right_on="record_id")[records.columns]
    splink, splink_seconds = baseline(scored)
    return IdentityEvaluation(
        {OURS: (identity_metrics(ours, truth), seconds), BASELINE: (identity_metrics(splink, truth), splink_seconds)},
        ceiling,
    )


def read_truth_file(path: Path) -> pd.DataFrame:
    """A truth file with columns record_id, true_id (CSV or Parquet), as text."""
    reader = "read_parquet" if path.suffix.lower() == ".parquet" else "read_csv"
    options = "" if reader == "read_parquet" else ", all_varchar = true, header = true"
    frame = duckdb.sql(f"select record_id, true_id from {reader}('{path}'{options})").df()
    return frame.astype({"record_id": "string", "true_id": "string"})


def evaluate_file(records_path: Path, truth_path: Path) -> IdentityEvaluation:
    """Resolve a person-records file (timed) and run the baseline on the same normalised records."""
    truth = read_truth_file(truth_path)
    resolution, seconds = timed(resolve_file, records_path)
    con = duckdb.connect(str(resolution.warehouse), read_only=True)
    try:
        records = warehouse_person_records(con, key="source_record_id")
    finally:
        con.close()
    splink, splink_seconds = baseline(records)
    return IdentityEvaluation(
        {
            OURS: (identity_metrics(resolution.assignment, truth), seconds),
            BASELINE: (identity_metrics(splink, truth), splink_seconds),
        },
        None,
    )
