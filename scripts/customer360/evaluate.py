"""Identity-resolution quality against ground truth: pairwise and B-cubed precision/recall/F1,
cluster counts, over-merged clusters and split persons.

Everything is computed from the contingency table of (predicted person, true person) cell sizes,
so a million records cost one group-by, not a million-squared pair enumeration.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

# Warehouse record types and the raw table the generator's truth lists them under.
RECORD_TYPE_TABLES = {
    "crm_contact": "crm/contacts",
    "shop_account": "shop/accounts",
    "guest_order": "shop/orders",
    "support_ticket": "support/tickets",
}


@dataclass(frozen=True)
class IdentityMetrics:
    """Quality of one person assignment against the truth."""

    records: int
    pairwise_precision: float
    pairwise_recall: float
    pairwise_f1: float
    bcubed_precision: float
    bcubed_recall: float
    bcubed_f1: float
    clusters_produced: int
    true_persons: int
    overmerged_cluster_share: float
    split_person_share: float

    def as_dict(self) -> dict[str, float | int]:
        """Plain values, for tables and JSON."""
        return asdict(self)


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def _pairs(sizes: np.ndarray) -> float:
    sizes = sizes.astype(np.float64)
    return float((sizes * (sizes - 1) / 2).sum())


def identity_metrics(assignment: pd.DataFrame, truth: pd.DataFrame) -> IdentityMetrics:
    """Compare assignment (record_id, person_id) with truth (record_id, true_id).

    Records present in both are scored (the truth also lists rows that staging quarantined or that are
    not identity records, such as orders placed through an account); ``records`` says how many.
    """
    merged = truth[["record_id", "true_id"]].merge(assignment[["record_id", "person_id"]], on="record_id")
    if merged.empty:
        raise ValueError("no record of the assignment appears in the truth: are the record ids of the same form?")
    cells = merged.groupby(["person_id", "true_id"], sort=False).size().rename("n").reset_index()
    predicted_sizes = cells.groupby("person_id")["n"].transform("sum").to_numpy()
    true_sizes = cells.groupby("true_id")["n"].transform("sum").to_numpy()
    n = cells["n"].to_numpy()
    true_positive = _pairs(n)
    predicted_pairs = _pairs(cells.groupby("person_id")["n"].sum().to_numpy())
    true_pairs = _pairs(cells.groupby("true_id")["n"].sum().to_numpy())
    precision = true_positive / predicted_pairs if predicted_pairs else 1.0
    recall = true_positive / true_pairs if true_pairs else 1.0
    total = n.sum()
    b_precision = float((n * n / predicted_sizes).sum() / total)
    b_recall = float((n * n / true_sizes).sum() / total)
    true_per_cluster = cells.groupby("person_id")["true_id"].nunique()
    clusters_per_person = cells.groupby("true_id")["person_id"].nunique()
    return IdentityMetrics(
        records=int(total),
        pairwise_precision=precision,
        pairwise_recall=recall,
        pairwise_f1=_f1(precision, recall),
        bcubed_precision=b_precision,
        bcubed_recall=b_recall,
        bcubed_f1=_f1(b_precision, b_recall),
        clusters_produced=len(true_per_cluster),
        true_persons=len(clusters_per_person),
        overmerged_cluster_share=float((true_per_cluster > 1).mean()),
        split_person_share=float((clusters_per_person > 1).mean()),
    )


def generator_truth(truth_dir: Path) -> pd.DataFrame:
    """The generator's truth for identity records, keyed like the warehouse (record_key -> true_id).

    Keys the generator wrote twice on purpose (duplicate-key defects) are ambiguous and left out.
    """
    cases = " ".join(f"when '{table}' then '{kind}'" for kind, table in RECORD_TYPE_TABLES.items())
    sql = f"""
        select (case source_table {cases} end) || ':' || record_id as record_id, person_id as true_id
        from '{truth_dir / "records.parquet"}'
        where source_table in ({", ".join(f"'{t}'" for t in RECORD_TYPE_TABLES.values())})
          and record_id is not null
        qualify count(*) over (partition by source_table, record_id) = 1
    """
    return duckdb.sql(sql).df()


def warehouse_assignment(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """record_key -> person_id of the identity records the truth can score (cookies excluded)."""
    types = ", ".join(f"'{t}'" for t in RECORD_TYPE_TABLES)
    return con.sql(
        "select record_key as record_id, person_id from intermediate.int_identity_persons_assigned "
        f"where record_type in ({types})"
    ).df()


def format_comparison(results: dict[str, tuple[IdentityMetrics, float]]) -> str:
    """Side-by-side table: one column per method, one row per metric, plus wall time."""
    names = list(results)
    lines = ["| metric | " + " | ".join(names) + " |", "|---|" + "---:|" * len(names)]
    fields = list(next(iter(results.values()))[0].as_dict())
    for field in fields:
        cells = []
        for name in names:
            value = results[name][0].as_dict()[field]
            cells.append(f"{value:,}" if isinstance(value, int) else f"{value:.4f}")
        lines.append(f"| {field} | " + " | ".join(cells) + " |")
    lines.append("| wall time (s) | " + " | ".join(f"{results[n][1]:.1f}" for n in names) + " |")
    return "\n".join(lines)


def evidence_ceiling(con: duckdb.DuckDBPyConnection, truth: pd.DataFrame) -> IdentityMetrics:
    """What any method using this evidence could reach at best: links between records of the same true
    person that share a non-junk identifier value or an identical full name (so precision is 1 by
    construction). Recall below 1 here is information the sources never recorded, not a matching error.
    """
    con.register("ceiling_truth", truth)
    edges = con.sql(
        """
        with evidence as (
            select record_key, identifier_type || '=' || identifier_value as node
            from intermediate.int_identity_identifiers_screened
            where screening_reason is null or screening_reason not like 'junk value%'
            union all
            select record_key, 'name=' || coalesce(first_name_normalised, '') || ' ' || last_name_normalised
            from intermediate.int_identity_records_unioned
            where last_name_normalised is not null
        )
        select t.record_id, t.true_id || '|' || e.node as node
        from ceiling_truth as t
        inner join intermediate.int_identity_records_unioned as r on r.record_key = t.record_id
        left join evidence as e on e.record_key = t.record_id
        """
    ).df()
    con.unregister("ceiling_truth")
    records = pd.Index(edges["record_id"].unique())
    nodes = pd.Index(edges["node"].dropna().unique())
    linked = edges.dropna(subset=["node"])
    size = len(records) + len(nodes)
    graph = coo_matrix(
        (
            np.ones(len(linked)),
            (records.get_indexer(linked["record_id"]), len(records) + nodes.get_indexer(linked["node"])),
        ),
        shape=(size, size),
    )
    _, labels = connected_components(graph, directed=False)
    assignment = pd.DataFrame({"record_id": records, "person_id": labels[: len(records)]})
    return identity_metrics(assignment, truth)
