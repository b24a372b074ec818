"""Probabilistic matching inside the dbt DAG: Splink scores pairs of named records.

Every pair at or above the audit floor (var identity_audit_weight_floor) is kept here with its
per-comparison match weights, so a reviewer can see why two records were or were not linked;
int_identity_graph_edges turns pairs at or above var identity_match_weight_threshold into edges.
Splink runs on its own in-memory DuckDB, not on the warehouse connection, so its scratch tables
never land in the warehouse. On Spark it runs in the session through customer360.spark.

When the records, the nicknames, the settings and the matcher's code are those of the last run
(column input_fingerprint), the last run's pairs are kept instead of running Splink again: a daily
run that brings new orders and events but no new person records does not train and run Splink again.
"""

from customer360.dbt_python import previous_output, relation_fingerprint, to_pandas
from customer360.match import MatchConfig, matcher_version, score_pairs


def model(dbt, session):
    dbt.config(materialized="table")
    records = dbt.ref("int_identity_match_records")
    nicknames = dbt.ref("nicknames")
    config = MatchConfig(audit_weight_floor=float(dbt.config.get("audit_weight_floor")))
    # Fingerprinted in the warehouse: the records reach pandas only when Splink has to run.
    fingerprint = relation_fingerprint([records, nicknames], config, matcher_version())
    reused = previous_output(session, dbt.this, fingerprint)
    if reused is not None:
        return reused
    # Sorted, so Splink's input (its u sampling reads rows in order) does not depend on the order the
    # warehouse happens to scan them in.
    records = to_pandas(records).sort_values("record_key", ignore_index=True)
    nicknames = to_pandas(nicknames).sort_values(["name", "nickname"], ignore_index=True)
    return score_pairs(records, nicknames, config).assign(input_fingerprint=fingerprint)
