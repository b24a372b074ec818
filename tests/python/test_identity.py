"""Identity resolution on generated data, checked against the generator's truth: quality bounds and
the Splink-only baseline, connected components against scipy, junk identifiers, audits, cookie
stitching. Stability across runs is in test_identity_stability.py."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from customer360.benchmark_identity import IDENTITY_STEPS, dense_positions
from customer360.evaluate import IdentityMetrics, generator_truth, identity_metrics, warehouse_assignment
from customer360.identity import warehouse_person_records
from customer360.identity_evaluation import baseline
from customer360.match import COMMON_FULL_NAME_RECORDS, uncommon_full_names
from customer360.settings import PROJECT_DIR

from .conftest import BuiltWarehouse


@pytest.fixture(scope="module")
def truth(built: BuiltWarehouse) -> pd.DataFrame:
    return generator_truth(built.truth_dir)


@pytest.fixture(scope="module")
def ours(built: BuiltWarehouse, truth: pd.DataFrame) -> IdentityMetrics:
    con = built.connect()
    return identity_metrics(warehouse_assignment(con), truth)


def test_resolution_meets_its_quality_bounds(ours: IdentityMetrics) -> None:
    # Measured on 3,000 generated people: precision 0.99, pairwise F1 0.95, B-cubed F1 0.97. The evidence
    # ceiling (same-person records sharing an identifier or a full name) is pairwise F1 ~0.965 on this data.
    assert ours.pairwise_precision >= 0.985
    assert ours.pairwise_f1 >= 0.94
    assert ours.bcubed_f1 >= 0.955
    assert ours.overmerged_cluster_share <= 0.01
    assert ours.clusters_produced < 1.2 * ours.true_persons


def test_resolution_beats_splink_alone_on_the_same_records(
    built: BuiltWarehouse, truth: pd.DataFrame, ours: IdentityMetrics
) -> None:
    records = warehouse_person_records(built.connect())
    records = records[records["record_key"].isin(truth["record_id"])]
    splink, _ = baseline(records)
    alone = identity_metrics(splink, truth)
    assert alone.records == ours.records
    assert ours.pairwise_f1 > alone.pairwise_f1
    assert ours.bcubed_f1 > alone.bcubed_f1
    assert ours.overmerged_cluster_share < alone.overmerged_cluster_share


def test_a_common_full_name_is_no_blocking_key_on_its_own() -> None:
    common = COMMON_FULL_NAME_RECORDS + 1
    first = pd.Series(["james"] * common + ["ada"] * COMMON_FULL_NAME_RECORDS + ["ada", None], dtype="string")
    last = pd.Series(["smith"] * common + ["lovelace"] * COMMON_FULL_NAME_RECORDS + ["byron", "byron"], dtype="string")
    keys = uncommon_full_names(first, last)
    # one record more than the cap: every pair must share something else; at the cap: still a key; half a
    # name is no full name (compared as lists: pandas' all() would skip a missing key)
    assert keys.isna().tolist() == [True] * common + [False] * (COMMON_FULL_NAME_RECORDS + 1) + [True]
    assert keys.dropna().tolist() == ["ada lovelace"] * COMMON_FULL_NAME_RECORDS + ["ada byron"]


def test_sql_connected_components_equal_scipy_on_the_same_edges(built: BuiltWarehouse) -> None:
    con = built.connect()
    edges = con.sql("select node_a, node_b from intermediate.int_identity_graph_edges").fetchnumpy()
    clusters = con.sql("select node_id, unguarded_component_id from intermediate.int_identity_clusters").df()
    size, (node, node_a, node_b) = dense_positions(
        clusters["node_id"].to_numpy(), clusters["node_id"].to_numpy(), edges["node_a"], edges["node_b"]
    )
    graph = coo_matrix((np.ones(len(node_a)), (node_a, node_b)), shape=(size, size))
    _, labels = connected_components(graph, directed=False)
    ours = clusters["unguarded_component_id"].to_numpy()
    scipy_labels = labels[node]
    # Same partition: each SQL component maps to exactly one scipy component and vice versa.
    pairs = pd.DataFrame({"sql": ours, "scipy": scipy_labels}).drop_duplicates()
    assert pairs["sql"].is_unique and pairs["scipy"].is_unique
    assert len(pairs) < len(clusters)  # the graph does link something
    # Labels are the smallest node id of the component, leaves included (leaves are labelled apart).
    smallest = clusters.groupby("unguarded_component_id")["node_id"].min()
    assert (smallest.index.to_numpy() == smallest.to_numpy()).all()
    # The shapes the leaf pruning labels apart occur here: two leaves linked only to each other, and a
    # node whose every neighbour is a leaf.
    degree = np.bincount(np.concatenate([node_a, node_b]), minlength=size)
    is_leaf = degree == 1
    assert (is_leaf[node_a] & is_leaf[node_b]).any()
    core_edge = ~is_leaf[node_a] & ~is_leaf[node_b]
    on_core_edge = np.zeros(size, dtype=bool)
    on_core_edge[node_a[core_edge]] = on_core_edge[node_b[core_edge]] = True
    assert ((degree > 1) & ~on_core_edge).any()


def test_junk_identifiers_never_merge_their_holders(built: BuiltWarehouse, truth: pd.DataFrame) -> None:
    con = built.connect()
    con.register("truth", truth)
    holders, wrongly_merged = con.sql(
        """
        with holders as (
            select s.identifier_value, s.record_key, p.person_id, t.true_id
            from intermediate.int_identity_identifiers_screened as s
            join intermediate.int_identity_persons_assigned as p using (record_key)
            join truth as t on t.record_id = s.record_key
            where s.screening_reason like 'junk value%'
        )
        select
            (select count(*) from holders),
            count(*)
        from holders as a
        join holders as b
            on a.identifier_value = b.identifier_value and a.record_key < b.record_key
        where a.true_id <> b.true_id and a.person_id = b.person_id
        """
    ).fetchall()[0]
    assert holders >= 50, "too few junk identifiers in the sample to test anything"
    assert wrongly_merged == 0


def test_audit_names_a_reason_for_every_refused_identifier(built: BuiltWarehouse) -> None:
    con = built.connect()
    reasons = dict(
        con.sql(
            "select screening_reason, count(*) from intermediate.int_identity_identifier_audit group by 1"
        ).fetchall()
    )
    assert sum(n for reason, n in reasons.items() if reason.startswith("junk value: ")) >= 50
    assert any("shared device" in reason for reason in reasons)
    assert any("household" in reason for reason in reasons)
    # A scoped (household) identifier really is held by several first names.
    single_name = con.sql(
        "select count(*) from intermediate.int_identity_identifiers_screened "
        "where screening_action = 'scoped to first name' and holder_name_groups < 2"
    ).fetchall()[0][0]
    assert single_name == 0


@pytest.fixture(scope="module")
def event_attribution(built: BuiltWarehouse, truth: pd.DataFrame) -> pd.DataFrame:
    """Each web event with the attribution method and whether its person is the event's true person.

    A resolved person stands for the true person most of its named records belong to."""
    con = built.connect()
    con.register("truth", truth)
    return con.sql(
        f"""
        with majority as (
            select p.person_id, mode(t.true_id) as true_id
            from intermediate.int_identity_persons_assigned as p
            join truth as t on t.record_id = p.record_key
            where p.record_type in ('crm_contact', 'shop_account')
            group by p.person_id
        ),
        first_login as (
            select cookie_id, min(occurred_at) as logged_in_at
            from intermediate.int_identity_web_events_attributed
            where shop_account_id is not null
            group by cookie_id
        )
        select w.attribution_method, w.occurred_at < f.logged_in_at as before_first_login,
               m.true_id = r.person_id as is_true_person
        from intermediate.int_identity_web_events_attributed as w
        join '{built.truth_dir}/records.parquet' as r on r.source_table = 'web/events' and r.record_id = w.web_event_id
        left join majority as m on m.person_id = w.person_id
        left join first_login as f on f.cookie_id = w.cookie_id
        """
    ).df()


def test_anonymous_events_before_login_are_stitched_to_the_true_person(event_attribution: pd.DataFrame) -> None:
    stitched = event_attribution[event_attribution["attribution_method"] == "stitched device"]
    earlier = stitched[stitched["before_first_login"].fillna(False).astype(bool)]
    assert len(earlier) >= 500, "too few anonymous events before a login to test anything"
    assert earlier["is_true_person"].mean() >= 0.95  # co-users of a household device make up the rest
    logged_in = event_attribution[event_attribution["attribution_method"] == "logged in"]
    assert logged_in["is_true_person"].mean() >= 0.99


def test_a_device_shared_by_several_accounts_stitches_nobody(built: BuiltWarehouse) -> None:
    con = built.connect()
    shared, stitched = con.sql(
        """
        with shared as (
            select cookie_id from intermediate.int_identity_web_events_attributed
            where shop_account_id is not null
            group by cookie_id having count(distinct shop_account_id) > 1
        )
        select
            (select count(*) from shared),
            count(*) filter (where w.attribution_method = 'stitched device')
        from intermediate.int_identity_web_events_attributed as w
        join shared using (cookie_id)
        """
    ).fetchall()[0]
    assert shared >= 5, "too few shared devices in the sample to test anything"
    assert stitched == 0


def test_every_person_has_one_golden_record_with_a_source_for_each_value(built: BuiltWarehouse) -> None:
    con = built.connect()
    persons, golden, unsourced = con.sql(
        """
        select
            (select count(distinct person_id) from intermediate.int_identity_persons_assigned
             where not is_anonymous_person),
            count(*),
            count(*) filter (where (email is not null and email_source is null)
                             or (first_name is not null and first_name_source is null))
        from intermediate.int_identity_golden_records
        """
    ).fetchall()[0]
    assert golden == persons
    assert unsourced == 0


def test_the_identity_benchmark_runs_every_identity_model() -> None:
    """benchmark-identity builds the identity models step by step after staging; a model missing from its
    steps leaves a later model without its input table (int_identity_cookie_activity once did)."""
    stepped = {model for models, _ in IDENTITY_STEPS.values() for model in models.split()}
    on_disk = {path.stem for path in (PROJECT_DIR / "models" / "intermediate" / "identity").glob("int_*.*")}
    assert stepped == on_disk
