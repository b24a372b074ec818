"""The two passes of `customer360 run` (pipeline.build_with_erasure) together run every data test exactly
once, and a test runs only in a pass that builds all of its parents."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from customer360.pipeline import (
    CAUTIOUS,
    NARROW_FIRST_PASS,
    PRODUCTION_EXCLUDES,
    WIDE_FIRST_PASS,
    dbt_command,
    first_pass,
)
from customer360.settings import PROJECT_DIR, Settings


def listed(tmp_path, *selection: str) -> dict[str, list[str]]:
    """unique_id -> parent nodes of what `dbt ls` selects with the production excludes and the selection."""
    settings = Settings.from_env()
    args = dbt_command(settings, "ls", ["--target-path", str(tmp_path / "target"), "--output", "json", "-q"])
    args += ["--output-keys", "unique_id", "depends_on", *PRODUCTION_EXCLUDES, *selection]
    env = os.environ | settings.environ() | {"CUSTOMER360_DUCKDB_PATH": str(tmp_path / "ls.duckdb")}
    result = subprocess.run(args, env=env, cwd=PROJECT_DIR, capture_output=True, text=True, check=True)
    nodes = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    return {node["unique_id"]: node.get("depends_on", {}).get("nodes", []) for node in nodes}


@pytest.mark.parametrize("selection", [NARROW_FIRST_PASS, WIDE_FIRST_PASS], ids=["narrow", "wide"])
def test_the_two_passes_split_every_node_and_test_exactly_once(tmp_path, selection) -> None:
    everything = listed(tmp_path)
    first = listed(tmp_path, "--select", *selection, *CAUTIOUS)
    rest = listed(tmp_path, "--exclude", *selection, *CAUTIOUS)
    assert first.keys() | rest.keys() == everything.keys()
    assert not first.keys() & rest.keys()
    tests = {node for node in everything if node.startswith("test.")}
    assert len(tests) > 100 and tests & first.keys() and tests & rest.keys()
    # a first-pass test only reads what the first pass built (or seeds and sources, built before)
    for test in tests & first.keys():
        assert all(p in first or not p.startswith("model.") for p in first[test]), test
    # a test of a mart against staging (parents in both passes) waits for the second pass
    assert any("customer_360" in node and node in rest for node in tests)
    # staging's reconciliation with raw runs in pass 1 exactly when pass 1 is wide
    reconciliations = {node for node in tests if ".reconciles_with_raw_" in node}
    assert reconciliations and (reconciliations <= first.keys()) == (selection is WIDE_FIRST_PASS)
    assert (reconciliations <= rest.keys()) == (selection is NARROW_FIRST_PASS)


def test_pass_one_is_wide_only_on_a_warehouse_built_before() -> None:
    assert first_pass(None) is NARROW_FIRST_PASS
    assert first_pass(0) is WIDE_FIRST_PASS and first_pass(12) is WIDE_FIRST_PASS
