"""Probabilistic matching inside the dbt DAG: Splink scores pairs of named records.

Every pair at or above the audit floor (var identity_audit_weight_floor) is kept here with its
per-comparison match weights, so a reviewer can see why two records were or were not linked;
int_identity_graph_edges turns pairs at or above var identity_match_weight_threshold into edges.
Splink runs on its own in-memory DuckDB, not on the warehouse connection, so its scratch tables
never land in the warehouse. On Spark it runs in the session through customer360.spark.
"""

from customer360.dbt_python import to_pandas
from customer360.match import MatchConfig, score_pairs


def model(dbt, session):
    dbt.config(materialized="table")
    records = to_pandas(dbt.ref("int_identity_match_records"))
    nicknames = to_pandas(dbt.ref("nicknames"))
    floor = float(dbt.config.get("audit_weight_floor"))
    return score_pairs(records, nicknames, MatchConfig(audit_weight_floor=floor))
