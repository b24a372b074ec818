"""customer_360 and its timeline on generated data, checked against the generator's truth: one row per
known person, a timeline that adds up to the mart, and predictions that rank real churners and real
survivors the way an oracle knowing the true parameters would, give or take identity errors."""

from __future__ import annotations

import json
import shutil

import duckdb
import numpy as np
import pandas as pd
import pytest

from customer360.clv import BgNbd, probability_no_purchase
from customer360.clv_evaluation import evaluate, roc_auc
from customer360.evaluate import generator_truth

from .conftest import BuiltWarehouse, dbt_build

HORIZON_WEEKS = 13


def test_one_row_per_known_person_and_every_profiled_person_segmented(built: BuiltWarehouse) -> None:
    con = built.connect()
    rows, persons, known, unnamed, profiled = con.sql(
        """
        select count(*), count(distinct person_id),
               (select count(distinct person_id) from intermediate.int_identity_persons_assigned
                where not is_anonymous_person),
               count(*) filter (
                   where (segment is null or lifecycle_stage is null) <> (profiling_withheld_reason is not null)
               ),
               count(*) filter (where profiling_withheld_reason is null)
        from marts.customer_360
        """
    ).fetchall()[0]
    assert rows == persons == known
    assert unnamed == 0
    assert 0.1 * rows < profiled < 0.9 * rows


def test_timeline_purchases_add_up_to_the_mart(built: BuiltWarehouse) -> None:
    con = built.connect()
    mismatched, buyers = con.sql(
        """
        with timeline as (
            select person_id, count(*) as purchases
            from marts.fct_customer_touchpoints
            where touchpoint_type in ('order', 'store purchase')
            group by person_id
        )
        select count(*) filter (where coalesce(t.purchases, 0) <> c.purchase_count),
               count(*) filter (where c.purchase_count > 0)
        from marts.customer_360 as c
        left join timeline as t using (person_id)
        """
    ).fetchall()[0]
    assert buyers > 1000
    assert mismatched == 0


@pytest.fixture(scope="module")
def backtest(built: BuiltWarehouse) -> pd.DataFrame:
    """Calibrate on all attributed purchases up to 13 weeks before the end, score the last 13 weeks, and
    attach two oracle scores from the truth: the latent-state oracle (1 when the person had already
    dropped out, else exp(-lambda h)) and the parameter oracle (BG/NBD with the generator's true
    population parameters on the same attributed histories)."""
    con = built.connect()
    purchases = con.sql(
        "select person_id as customer_id, purchased_at as date, cast(amount as double) as amount "
        "from intermediate.int_commerce_purchases_attributed where person_id is not null and not is_returned"
    ).df()
    end = purchases["date"].max().normalize()
    calibration_end = end - pd.Timedelta(weeks=HORIZON_WEEKS)
    predictions = evaluate(purchases, calibration_end, end).predictions
    con.register("truth", generator_truth(built.truth_dir))
    majority = con.sql(
        "select p.person_id, mode(t.true_id) as true_id from intermediate.int_identity_persons_assigned p "
        "join truth t on t.record_id = p.record_key group by p.person_id"
    ).df()
    persons = pd.read_parquet(built.truth_dir / "persons.parquet")
    parameters = json.loads((built.truth_dir / "parameters.json").read_text())
    start = pd.Timestamp(parameters["start"])
    calibration_week = (calibration_end - start).days / 7
    scored = predictions.merge(majority, left_on="customer_id", right_on="person_id").merge(
        persons[["person_id", "purchase_rate_per_week", "dropout_week"]].rename(columns={"person_id": "true_id"}),
        on="true_id",
    )
    dead = scored["dropout_week"].notna() & (scored["dropout_week"] <= calibration_week)
    scored["oracle_score"] = np.where(dead, 1.0, np.exp(-scored["purchase_rate_per_week"] * HORIZON_WEEKS))
    true = parameters["purchases"]
    true_model = BgNbd(true["r"], true["alpha"], true["a"], true["b"], 0.0)
    x, t_x, T = (scored[c].to_numpy(dtype=float) for c in ("calibration_frequency", "recency_weeks", "tenure_weeks"))
    scored["parameter_oracle_score"] = probability_no_purchase(true_model, HORIZON_WEEKS, x, t_x, T)
    return scored.dropna(subset=["purchase_rate_per_week"])


def test_churn_score_ranks_real_churners_close_to_an_oracle(backtest: pd.DataFrame) -> None:
    churned = backtest["churned"].to_numpy()
    ours = roc_auc(churned, backtest["churn_score"])
    oracle = roc_auc(churned, backtest["oracle_score"])
    one_minus_alive = roc_auc(churned, 1 - backtest["probability_alive"])
    parameter_oracle = roc_auc(churned, backtest["parameter_oracle_score"])
    supervised = roc_auc(churned, backtest["churn_score_supervised"])
    # Measured on 10,000 people: ours 0.835, supervised 0.832, the true-parameter oracle 0.830, the
    # latent-state oracle 0.899 (it knows who dropped out, and sees histories that identity errors
    # split or merge whole); 1 - P(alive) is far behind.
    assert ours >= 0.78
    assert ours >= parameter_oracle - 0.03 and supervised >= parameter_oracle - 0.03
    assert ours >= oracle - 0.09
    assert ours > one_minus_alive + 0.1


def test_expected_holdout_purchases_track_what_happened(backtest: pd.DataFrame) -> None:
    predicted = backtest["predicted_holdout_purchases"].sum()
    actual = backtest["actual_holdout_purchases"].sum()
    assert predicted == pytest.approx(actual, rel=0.2)


def test_supervised_churn_model_runs_in_the_pipeline(built: BuiltWarehouse, tmp_path) -> None:
    """var churn_model=supervised: every scored person gets the supervised probability, which agrees with
    BG/NBD's in level (both are calibrated for the same horizon) and in order, but is not a copy of it."""
    warehouse = tmp_path / "customer360.duckdb"
    shutil.copy(built.warehouse, warehouse)
    vars_ = json.dumps({"churn_model": "supervised"})
    result = dbt_build(
        built.raw_dir, warehouse, "--select", "int_customer_predictions+", "--exclude", "tag:code", "--vars", vars_
    )
    assert result.returncode == 0, result.stdout[-3000:]
    con = duckdb.connect(str(warehouse), read_only=True)
    models, scored, level_gap, correlation, differing = con.sql(
        """
        select list(distinct p.churn_model), count(*), abs(avg(p.churn_probability) - avg(p.churn_probability_bgnbd)),
               corr(p.churn_probability, p.churn_probability_bgnbd),
               count(*) filter (where abs(p.churn_probability - p.churn_probability_bgnbd) > 0.01)
        from intermediate.int_customer_predictions as p
        join marts.customer_360 as c on c.person_id = p.person_id and c.churn_model = p.churn_model
        """
    ).fetchall()[0]
    assert models == ["supervised"] and scored > 300
    assert level_gap < 0.05 and correlation > 0.8
    assert differing > scored / 4


def test_a_replay_as_of_an_earlier_date_builds_and_passes_its_tests(built: BuiltWarehouse, tmp_path) -> None:
    """The README's back-test: `dbt build --vars '{as_of_date: ...}'` with other thresholds than the defaults.
    The unit tests of the as-of default and of the segment boundaries pin the vars they assume; without that
    they failed on a replay and dbt skipped everything downstream of them. The replayed mart counts nothing
    after its date."""
    warehouse = tmp_path / "customer360.duckdb"
    shutil.copy(built.warehouse, warehouse)
    con = duckdb.connect(str(warehouse), read_only=True)
    latest, purchases_before = con.sql(
        "select max(as_of_date), sum(purchase_count) from marts.customer_360"
    ).fetchall()[0]
    con.close()
    replayed = latest - pd.Timedelta(days=120)
    vars_ = {"as_of_date": str(replayed), "churn_band_high": 0.9, "new_customer_days": 30}
    result = dbt_build(
        built.raw_dir,
        warehouse,
        "--select",
        "int_customer_as_of+",
        "--exclude",
        "tag:code",
        "--exclude-resource-type",
        "test",  # the unit tests are what a replay broke; the data tests run on the built warehouse
        "--vars",
        json.dumps(vars_),
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert "SKIP=0" in result.stdout
    con = duckdb.connect(str(warehouse), read_only=True)
    as_of, last_purchase, purchases = con.sql(
        "select list(distinct as_of_date), max(last_purchase_at), sum(purchase_count) from marts.customer_360"
    ).fetchall()[0]
    assert as_of == [replayed]
    assert last_purchase.date() <= replayed
    assert 0 < purchases < purchases_before
