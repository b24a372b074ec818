"""Benchmark of the identity stage (not a test): wall time and peak memory per step, the clustering
model against scipy's connected_components on the same edges, and Splink alone on the same records.

Each step is its own ``dbt run`` child process (peak memory = that process's maximum resident set),
and dbt's own per-model execution time is read from run_results.json, which excludes the few seconds
dbt needs to start.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from .benchmark import StageResult, format_table, machine_description, run_measured
from .pipeline import REUSE_LANDING
from .settings import PROJECT_DIR, Settings

# step -> (models it runs, the relation whose rows the step reports); together, every identity model
# (tests/python/test_identity.py checks it: a model left out fails the step that reads it)
IDENTITY_STEPS = {
    "identifiers": (
        "int_identity_cookie_activity int_identity_records_unioned int_identity_identifiers_unioned "
        "int_identity_identifiers_screened int_identity_identifier_audit int_identity_records_screened",
        "int_identity_identifiers_screened",
    ),
    "fuzzy matching": ("int_identity_match_records int_identity_fuzzy_pairs", "int_identity_fuzzy_pairs"),
    "graph": (
        "int_identity_graph_nodes int_identity_graph_edges int_identity_node_fingerprints",
        "int_identity_graph_edges",
    ),
    "clustering": (
        "int_identity_clusters int_identity_guard_cuts int_identity_persons_assigned",
        "int_identity_persons_assigned",
    ),
    "golden record + history": (
        "int_identity_golden_records int_identity_crosswalk_history int_identity_person_changes "
        "int_identity_web_events_attributed",
        "int_identity_golden_records",
    ),
}
BENCHMARKS_FILE = PROJECT_DIR / "docs" / "benchmarks.md"
ROWS_LABEL = "output rows (baseline: input records)"


@dataclass(frozen=True)
class ClusteringComparison:
    """The SQL clustering model's execution time beside scipy on the same integer edges."""

    people: int
    nodes: int
    edges: int
    sql_seconds: float
    scipy_seconds: float


def _dbt_args(settings: Settings, command: str, target: Path, *extra: str) -> list[str]:
    dbt = Path(sys.executable).with_name("dbt")
    base = [str(dbt), command, "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR)]
    return [*base, "--target-path", str(target), "--quiet", *extra]


def model_seconds(target: Path) -> dict[str, float]:
    """Execution time per model of the last dbt command, from run_results.json (hooks left out)."""
    results = json.loads((target / "run_results.json").read_text())["results"]
    return {r["unique_id"].split(".")[-1]: r["execution_time"] for r in results if r["unique_id"].startswith("model.")}


def count(warehouse: Path, relation: str) -> int:
    """Rows of one relation."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.sql(f"select count(*) from {relation}").fetchall()[0][0]
    finally:
        con.close()


def dense_positions(node_ids: np.ndarray, *ends: np.ndarray) -> tuple[int, list[np.ndarray]]:
    """The graph's size and each array of node ids as positions 0..n-1 among the sorted `node_ids`.

    Node ids are 64-bit hashes of the node keys (macro stable_node_id), and scipy's sparse matrices index
    rows by position. Every id in `ends` must be one of `node_ids`.
    """
    ordered = np.sort(node_ids)
    return len(ordered), [np.searchsorted(ordered, end) for end in ends]


def scipy_clustering_seconds(warehouse: Path) -> tuple[int, int, float]:
    """Nodes, edges and the time scipy takes to label components of the identity graph (edges in memory,
    their hashed node ids already mapped to positions)."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        edges = con.sql("select node_a, node_b from intermediate.int_identity_graph_edges").fetchnumpy()
        node_ids = con.sql("select node_id from intermediate.int_identity_graph_nodes").fetchnumpy()["node_id"]
    finally:
        con.close()
    nodes, (node_a, node_b) = dense_positions(node_ids, edges["node_a"], edges["node_b"])
    started = time.perf_counter()
    graph = coo_matrix((np.ones(len(node_a), dtype=np.int8), (node_a, node_b)), (nodes, nodes))
    connected_components(graph.tocsr(), directed=False)
    return nodes, len(node_a), time.perf_counter() - started


def benchmark_identity_size(people: int, workdir: Path, seed: int) -> tuple[list[StageResult], ClusteringComparison]:
    """Generate, build staging, then time each identity step and the Splink-only baseline."""
    root = workdir / f"identity_{people}"
    shutil.rmtree(root, ignore_errors=True)
    settings = Settings(PROJECT_DIR, root / "raw", root / "truth", root / "warehouse" / "customer360.duckdb")
    settings.warehouse.parent.mkdir(parents=True)
    env = os.environ | settings.environ()
    bin_dir = Path(sys.executable).parent
    generate = [str(bin_dir / "customer360"), "generate", "--people", str(people), "--seed", str(seed)]
    run_measured([*generate, "--out", str(settings.raw_dir), "--truth", str(settings.truth_dir), "--quiet"])
    target = root / "target"
    staging = ["--select", "path:seeds", "path:models/staging", "--exclude-resource-type", "test", "unit_test"]
    run_measured(_dbt_args(settings, "build", target, *staging), env=env)
    results, sql_seconds = [], 0.0
    # The staging build landed the raw files; the identity steps reuse them, as the main job's second pass
    # does (landing single files again would add about 30 s to every step at 1M).
    step_env = env | REUSE_LANDING
    for step, (models, output) in IDENTITY_STEPS.items():
        seconds, peak = run_measured(_dbt_args(settings, "run", target, "--select", *models.split()), env=step_env)
        executed = model_seconds(target)
        sql_seconds = executed.get("int_identity_clusters", sql_seconds)
        rows = count(settings.warehouse, f"intermediate.{output}")
        results.append(StageResult(people, f"identity: {step}", seconds, peak, rows))
        results.append(StageResult(people, f"  (model time: {step})", sum(executed.values()), peak, rows))
    baseline = [sys.executable, "-m", "customer360.benchmark_identity", "baseline", str(settings.warehouse)]
    seconds, peak = run_measured(baseline, env=env)
    records = count(settings.warehouse, "intermediate.int_identity_records_unioned where record_type <> 'web_cookie'")
    results.append(StageResult(people, "Splink alone (same records)", seconds, peak, records))
    nodes, edges, scipy_seconds = scipy_clustering_seconds(settings.warehouse)
    return results, ClusteringComparison(people, nodes, edges, sql_seconds, scipy_seconds)


def format_clustering(rows: list[ClusteringComparison]) -> str:
    """Markdown table: SQL connected components versus the scipy lower bound."""
    lines = [
        "| people | nodes | edges | SQL clustering model (s) | scipy connected_components (s) | ratio |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        ratio = r.sql_seconds / r.scipy_seconds if r.scipy_seconds else float("nan")
        lines.append(
            f"| {r.people:,} | {r.nodes:,} | {r.edges:,} | {r.sql_seconds:.1f} | {r.scipy_seconds:.2f} | {ratio:.1f}x |"
        )
    return "\n".join(lines)


def run_identity_benchmark(sizes: list[int], workdir: Path, seed: int, keep: bool, write: bool) -> None:
    """Measure every size, print both tables, and optionally append them to docs/benchmarks.md."""
    stages: list[StageResult] = []
    clustering: list[ClusteringComparison] = []
    for people in sizes:
        size_stages, size_clustering = benchmark_identity_size(people, workdir, seed)
        stages += size_stages
        clustering.append(size_clustering)
        print(format_table(size_stages, ROWS_LABEL) + "\n\n" + format_clustering([size_clustering]) + "\n", flush=True)
        if not keep:
            shutil.rmtree(workdir / f"identity_{people}", ignore_errors=True)
    if write:
        stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        section = f"\n### Identity stage — {stamp} — {machine_description()}\n\n{format_table(stages, ROWS_LABEL)}\n\n"
        section += format_clustering(clustering) + "\n"
        with BENCHMARKS_FILE.open("a", encoding="utf-8") as handle:
            handle.write(section)
        print(f"recorded in {BENCHMARKS_FILE}")


def _baseline_main(warehouse: str) -> None:
    """Child-process entry: Splink alone on the warehouse's identity records (so its memory is its own)."""
    from .identity import warehouse_person_records
    from .identity_evaluation import baseline

    con = duckdb.connect(warehouse, read_only=True)
    records = warehouse_person_records(con)
    con.close()
    assignment, seconds = baseline(records)
    print(f"Splink alone: {len(records):,} records -> {assignment['person_id'].nunique():,} persons in {seconds:.1f} s")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "baseline":
        _baseline_main(sys.argv[2])
    else:
        sys.exit("usage: python -m customer360.benchmark_identity baseline WAREHOUSE")
