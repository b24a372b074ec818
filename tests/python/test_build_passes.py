"""The two passes of `customer360 run` (pipeline.build_with_erasure) together run every data test exactly
once, and a test runs only in a pass that builds all of its parents."""

from __future__ import annotations

import json
import os
import subprocess

from customer360.pipeline import CAUTIOUS, FIRST_PASS, PRODUCTION_EXCLUDES, dbt_command
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


def test_the_two_passes_split_every_node_and_test_exactly_once(tmp_path) -> None:
    everything = listed(tmp_path)
    first = listed(tmp_path, "--select", *FIRST_PASS, *CAUTIOUS)
    rest = listed(tmp_path, "--exclude", *FIRST_PASS, *CAUTIOUS)
    assert first.keys() | rest.keys() == everything.keys()
    assert not first.keys() & rest.keys()
    tests = {node for node in everything if node.startswith("test.")}
    assert len(tests) > 100 and tests & first.keys() and tests & rest.keys()
    # nothing in the first pass, model or test, reads a model the second pass has yet to build
    for node, parents in first.items():
        assert all(p in first or not p.startswith("model.") for p in parents), node
    # a test of a mart against staging (parents in both passes) waits for the second pass
    assert any("customer_360" in node and node in rest for node in tests)
