"""person_id stability: identical data gives identical ids and an unchanged crosswalk history; adding
1% of records keeps the ids of the persons the new records do not touch, and the merges they cause
are logged."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from .conftest import WITHOUT_DBT_TESTS, dbt_build, make_dataset

HELD_OUT_TABLES = ("crm/contacts", "shop/accounts", "shop/orders", "support/tickets", "web/events")
HELD_OUT_SHARE = 0.01
# The relations the assertions read and what they are made of; predictions and marts are not needed.
IDENTITY_ONLY = ("--select", "+int_identity_person_changes", "+int_identity_crosswalk_history")


@dataclass(frozen=True)
class Runs:
    """Assignments after each build, the record keys held out of the first two, and the warehouse."""

    first: pd.DataFrame
    second: pd.DataFrame
    third: pd.DataFrame
    history_rows: list[int]
    marked_pairs: list[int]
    warehouse: Path


def hold_out(full_raw: Path, partial_raw: Path, seed: int) -> None:
    """Copy the raw folder leaving out 1% of the rows of the tables that carry identities."""
    shutil.copytree(full_raw, partial_raw)
    rng = np.random.default_rng(seed)
    for table in HELD_OUT_TABLES:
        path = partial_raw / f"{table}.parquet"
        data = pq.read_table(path)
        keep = rng.random(data.num_rows) >= HELD_OUT_SHARE
        pq.write_table(data.filter(keep), path)


def assignments(warehouse: Path) -> pd.DataFrame:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.sql("select record_key, person_id from intermediate.int_identity_persons_assigned").df()
    finally:
        con.close()


# A value Splink never produces, written into one stored fuzzy pair after each build: the next build keeps
# it only if it returned the stored pairs instead of scoring again (match_probability feeds no model).
MARKER = -1.0


def mark_a_fuzzy_pair(warehouse: Path) -> None:
    con = duckdb.connect(str(warehouse))
    try:
        con.execute(
            f"update intermediate.int_identity_fuzzy_pairs set match_probability = {MARKER} "
            "where record_key_l = (select min(record_key_l) from intermediate.int_identity_fuzzy_pairs)"
        )
    finally:
        con.close()


def marked_pair_count(warehouse: Path) -> int:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        sql = f"select count(*) from intermediate.int_identity_fuzzy_pairs where match_probability = {MARKER}"
        return con.sql(sql).fetchall()[0][0]
    finally:
        con.close()


def history_row_count(warehouse: Path) -> int:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.sql("select count(*) from intermediate.int_identity_crosswalk_history").fetchall()[0][0]
    finally:
        con.close()


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Runs:
    root = tmp_path_factory.mktemp("stability")
    # No erasure requests, so one `dbt build` per run: an erasure would rightly change ids between runs.
    full_raw, _ = make_dataset(root / "full", 1_500, seed=11, share_erasure=0.0)
    partial_raw = root / "partial" / "raw"
    hold_out(full_raw, partial_raw, seed=5)
    warehouse = root / "warehouse" / "customer360.duckdb"
    warehouse.parent.mkdir()
    results, history, marked = [], [], []
    for raw in (partial_raw, partial_raw, full_raw):
        built = dbt_build(raw, warehouse, *IDENTITY_ONLY, *WITHOUT_DBT_TESTS)
        assert built.returncode == 0, built.stdout[-3000:]
        results.append(assignments(warehouse))
        history.append(history_row_count(warehouse))
        marked.append(marked_pair_count(warehouse))
        mark_a_fuzzy_pair(warehouse)
    return Runs(*results, history_rows=history, marked_pairs=marked, warehouse=warehouse)


def test_identical_data_gives_identical_person_ids_and_no_history(runs: Runs) -> None:
    first = runs.first.sort_values("record_key", ignore_index=True)
    second = runs.second.sort_values("record_key", ignore_index=True)
    pd.testing.assert_frame_equal(first, second)
    assert runs.history_rows[1] == runs.history_rows[0] == len(first)


def test_fuzzy_matching_reuses_its_pairs_only_while_the_records_are_unchanged(runs: Runs) -> None:
    # run 2 has run 1's records: the marked stored pair came back; run 3 adds records: scored afresh
    assert runs.marked_pairs == [0, 1, 0]


def test_new_records_leave_untouched_persons_their_ids(runs: Runs) -> None:
    added = set(runs.third["record_key"]) - set(runs.first["record_key"])
    assert len(added) >= 0.005 * len(runs.third), "the held-out share did not come back"
    touched = set(runs.third.loc[runs.third["record_key"].isin(added), "person_id"])
    before = runs.first.merge(runs.third, on="record_key", suffixes=("_before", "_after"))
    untouched = before[~before["person_id_after"].isin(touched)]
    kept = untouched["person_id_before"] == untouched["person_id_after"]
    per_person = kept.groupby(untouched["person_id_before"]).all()
    assert len(per_person) > 1000
    assert per_person.mean() >= 0.995


def test_merges_caused_by_new_records_are_logged(runs: Runs) -> None:
    added = set(runs.third["record_key"]) - set(runs.first["record_key"])
    con = duckdb.connect(str(runs.warehouse), read_only=True)
    try:
        changes = con.sql("select change_type, person_id, run_id from intermediate.int_identity_person_changes").df()
        runs_seen = con.sql("select count(distinct run_id) from intermediate.int_identity_crosswalk_history").fetchall()
    finally:
        con.close()
    assert runs_seen[0][0] == 2  # the identical re-run added no rows
    merges = changes[changes["change_type"] == "merge"]
    assert len(merges) >= 1, "adding 1% of records merged nobody: the test data cannot show the log"
    persons_with_new_records = set(runs.third.loc[runs.third["record_key"].isin(added), "person_id"])
    assert set(merges["person_id"]) <= persons_with_new_records
    # The log grows with the runs; nothing was logged on the first two (no previous run / nothing changed).
    assert changes["run_id"].nunique() == 1
