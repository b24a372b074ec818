"""A Python model keeps its last output only when its inputs are the same (customer360.dbt_python)."""

from __future__ import annotations

import duckdb
import pandas as pd

from customer360.dbt_python import previous_output, relation_fingerprint
from customer360.match import MatchConfig

RECORDS = pd.DataFrame({"record_key": ["a", "b", "c"], "first_name": ["ann", "bob", None]})


def fingerprint(frame: pd.DataFrame, *settings: object) -> str:
    """The fingerprint of `frame` as a DuckDB relation (what a dbt Python model gets from dbt.ref)."""
    con = duckdb.connect()
    return relation_fingerprint([con.from_df(frame)], *settings)


def test_the_fingerprint_changes_with_any_cell_column_type_row_or_setting() -> None:
    same = fingerprint(RECORDS, MatchConfig())
    assert fingerprint(RECORDS.iloc[::-1], MatchConfig()) == same  # a set of rows: their order is not an input
    changed_cell = RECORDS.assign(first_name=["ann", "rob", None])
    missing_value = RECORDS.assign(first_name=["ann", "bob", "carl"])
    null_moved = RECORDS.assign(record_key=["a", "b", None], first_name=["ann", "bob", "c"])
    renamed = RECORDS.rename(columns={"first_name": "given_name"})
    retyped = RECORDS.assign(record_key=[1, 2, 3])
    repeated = pd.concat([RECORDS, RECORDS.iloc[[2]]], ignore_index=True)
    # Only the 8th and 16th characters differ, which DuckDB's hash() alone maps to the same value.
    near = RECORDS.assign(first_name=["ann", "bob", "matthew.stevens_93@mail.example"])
    near_other = RECORDS.assign(first_name=["ann", "bob", "matthew4stevens993@mail.example"])
    others = [
        fingerprint(frame, MatchConfig())
        for frame in (changed_cell, missing_value, null_moved, renamed, retyped, repeated, near, near_other)
    ]
    others.append(fingerprint(RECORDS, MatchConfig(audit_weight_floor=-1.0)))
    others.append(fingerprint(RECORDS, MatchConfig(), "another matcher version"))
    assert same not in others and len(set(others)) == len(others)


def test_the_last_output_is_reused_only_under_the_same_fingerprint() -> None:
    con = duckdb.connect()
    assert previous_output(con, "main.pairs", "f1") is None  # no last run
    con.execute("create table main.pairs as select 'a' as record_key_l, 'b' as record_key_r")
    assert previous_output(con, "main.pairs", "f1") is None  # a last run from before the fingerprint
    con.execute("create or replace table main.pairs as select 'a' as record_key_l, 'f1' as input_fingerprint")
    assert previous_output(con, "main.pairs", "f2") is None  # other inputs
    reused = previous_output(con, "main.pairs", "f1")
    assert reused is not None and reused.df().to_dict("records") == [{"record_key_l": "a", "input_fingerprint": "f1"}]
