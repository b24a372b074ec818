"""CLV models against published results (CDNOW, Fader, Hardie & Lee 2005) and against the generator's
known parameters."""

from __future__ import annotations

import importlib.util
import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from customer360.clv import (
    BgNbd,
    bgnbd_standard_errors,
    expected_purchases,
    fit_bgnbd,
    fit_gamma_gamma,
    probability_alive,
    rfm_summary,
)
from customer360.clv_evaluation import read_transactions
from customer360.generator.config import PurchaseProcess
from customer360.generator.purchases import draw_latent_parameters, simulate_purchases
from customer360.input_files import InputError

CALIBRATION_END = pd.Timestamp("1997-09-30")


def cdnow(name: str) -> pd.DataFrame:
    """A CDNOW transaction log shipped inside the `lifetimes` package, located without importing the library."""
    spec = importlib.util.find_spec("lifetimes")
    assert spec is not None and spec.submodule_search_locations, "the test extra (lifetimes) is not installed"
    path = Path(spec.submodule_search_locations[0]) / "datasets" / name
    columns = ["master_id", "customer_id", "date", "cds", "amount"]
    frame = pd.read_csv(path, sep=r"\s+", header=None, names=columns, dtype={"date": str})
    frame["date"] = pd.to_datetime(frame["date"], format="%Y%m%d")
    return frame


@pytest.fixture(scope="module")
def cdnow_sample() -> pd.DataFrame:
    return rfm_summary(cdnow("CDNOW_sample.txt"), CALIBRATION_END)


def test_bgnbd_reproduces_fader_hardie_lee_2005_on_the_cdnow_sample(cdnow_sample: pd.DataFrame) -> None:
    assert len(cdnow_sample) == 2357
    model = fit_bgnbd(cdnow_sample)
    assert model.r == pytest.approx(0.243, abs=0.001)
    assert model.alpha == pytest.approx(4.414, abs=0.005)
    assert model.a == pytest.approx(0.793, abs=0.002)
    assert model.b == pytest.approx(2.426, abs=0.005)
    assert model.log_likelihood == pytest.approx(-9582.4, abs=0.1)


def test_gamma_gamma_reproduces_the_published_cdnow_spend_parameters(cdnow_sample: pd.DataFrame) -> None:
    model = fit_gamma_gamma(cdnow_sample)
    assert model.p == pytest.approx(6.25, abs=0.01)
    assert model.q == pytest.approx(3.74, abs=0.01)
    assert model.gamma == pytest.approx(15.44, abs=0.02)


def test_the_same_purchases_in_any_order_give_bit_identical_summaries() -> None:
    """Three purchases on one repeat day are merged by a float sum, whose last bit depends on the order of
    its terms; the warehouse hands the rows over in no fixed order."""
    rows = [("c", "2024-01-01", 5.0)] + [("c", "2024-01-08", amount) for amount in (0.1, 0.2, 0.3)]
    summaries = set()
    for order in itertools.permutations(rows):
        transactions = pd.DataFrame(order, columns=["customer_id", "date", "amount"])
        transactions["date"] = pd.to_datetime(transactions["date"])
        summary = rfm_summary(transactions, pd.Timestamp("2024-02-01"))
        summaries.add(tuple(float(value).hex() for value in summary.iloc[0]))
    assert len(summaries) == 1


def test_a_one_time_buyer_is_alive_and_a_lapsed_regular_is_probably_not() -> None:
    model = BgNbd(r=0.243, alpha=4.414, a=0.793, b=2.426, log_likelihood=0.0)
    alive = probability_alive(model, np.array([0, 10, 10]), np.array([0.0, 38.0, 5.0]), np.array([39.0, 39.0, 39.0]))
    assert alive[0] == 1.0  # BG/NBD: no dropout before the first repeat purchase
    assert alive[1] > 0.9 > 0.1 > alive[2]


def simulated_summary(n: int, seed: int, truth: PurchaseProcess, horizon: float = 104.0) -> pd.DataFrame:
    """x, t_x, T of n buyers whose first purchase falls in the first year, drawn from the generator."""
    rng = np.random.default_rng(seed)
    latent = draw_latent_parameters(n, truth, rng)
    first = rng.uniform(0, 52, n)
    purchases, _ = simulate_purchases(first, latent, horizon, truth, rng)
    grouped = purchases.groupby("buyer")["week"]
    return pd.DataFrame(
        {
            "frequency": grouped.size() - 1,
            "recency": grouped.max() - first[grouped.max().index],
            "T": horizon - first[grouped.max().index],
        }
    )


def test_bgnbd_recovers_the_generators_true_parameters() -> None:
    truth = PurchaseProcess()
    summary = simulated_summary(30_000, seed=3, truth=truth)
    model = fit_bgnbd(summary)
    errors = bgnbd_standard_errors(summary, model)
    for name in ("r", "alpha", "a", "b"):
        estimate, true = getattr(model, name), getattr(truth, name)
        assert abs(estimate - true) < 3 * errors[name], (name, estimate, true, errors[name])
        assert errors[name] < 0.25 * true  # and the test has power: the interval is not huge


def test_gamma_gamma_recovers_the_generators_spend_parameters() -> None:
    truth = PurchaseProcess()
    rng = np.random.default_rng(4)
    latent = draw_latent_parameters(20_000, truth, rng)
    purchases, _ = simulate_purchases(rng.uniform(0, 52, 20_000), latent, 104.0, truth, rng)
    repeats = purchases[~purchases["is_first"]].groupby("buyer")["amount"].agg(["size", "mean"])
    summary = pd.DataFrame({"frequency": repeats["size"], "monetary_value": repeats["mean"]})
    model = fit_gamma_gamma(summary)
    assert model.p == pytest.approx(truth.spend_p, rel=0.1)
    assert model.q == pytest.approx(truth.spend_q, rel=0.1)
    assert model.gamma == pytest.approx(truth.spend_gamma, rel=0.15)


def test_expected_purchases_match_what_the_simulation_then_does() -> None:
    truth = PurchaseProcess()
    rng = np.random.default_rng(9)
    n, calibration, holdout = 20_000, 52.0, 26.0
    latent = draw_latent_parameters(n, truth, rng)
    first = rng.uniform(0, 26, n)
    purchases, _ = simulate_purchases(first, latent, calibration + holdout, truth, rng)
    seen = purchases[purchases["week"] <= calibration].groupby("buyer")["week"]
    later = purchases[purchases["week"] > calibration].groupby("buyer").size().reindex(range(n), fill_value=0)
    x = (seen.size() - 1).to_numpy()
    t_x = (seen.max() - first).to_numpy()
    T = calibration - first
    model = BgNbd(truth.r, truth.alpha, truth.a, truth.b, 0.0)
    predicted = expected_purchases(model, holdout, x, t_x, T)
    assert predicted.sum() == pytest.approx(later.sum(), rel=0.05)
    # and per calibration frequency, the conditional expectation tracks the realised mean
    by_frequency = pd.DataFrame({"x": np.minimum(x, 5), "predicted": predicted, "actual": later.to_numpy()})
    means = by_frequency.groupby("x")[["predicted", "actual"]].mean()
    assert np.allclose(means["predicted"], means["actual"], rtol=0.15, atol=0.05)


def test_holdout_evaluation_on_cdnow_ranks_churn_far_better_than_one_minus_p_alive() -> None:
    from customer360.clv_evaluation import evaluate, roc_auc

    transactions = cdnow("CDNOW_sample.txt")[["customer_id", "date", "amount"]]
    result = evaluate(transactions, CALIBRATION_END, pd.Timestamp("1998-06-30"))
    p = result.predictions
    assert len(p) == 2357 and result.holdout_weeks == pytest.approx(39.0, abs=0.2)
    churned = p["churned"].to_numpy()
    model_consistent = roc_auc(churned, p["churn_score"])
    one_minus_alive = roc_auc(churned, 1 - p["probability_alive"])
    assert model_consistent > 0.7 > 0.4 > one_minus_alive  # the warning, reproduced
    # predictions track the realised holdout by calibration frequency (FHL 2005, figure 4)
    assert np.corrcoef(p["predicted_holdout_purchases"], p["actual_holdout_purchases"])[0, 1] > 0.6


def test_the_analytic_bgnbd_gradient_matches_finite_differences() -> None:
    from scipy.optimize import approx_fprime

    from customer360.clv import bgnbd_log_likelihood_and_gradient, bgnbd_log_likelihood_terms

    rng = np.random.default_rng(0)
    x = rng.integers(0, 6, 200).astype(float)
    T = rng.uniform(10, 40, 200)
    t_x = np.where(x > 0, rng.uniform(0, 1, 200) * T, 0.0)
    weight = rng.integers(1, 4, 200).astype(float)
    params = np.array([0.3, 4.0, 0.8, 2.5])
    value, gradient = bgnbd_log_likelihood_and_gradient(params, x, t_x, T, weight)
    assert value == pytest.approx(weight @ bgnbd_log_likelihood_terms(params, x, t_x, T))
    numeric = approx_fprime(params, lambda p: weight @ bgnbd_log_likelihood_terms(p, x, t_x, T), 1e-7)
    assert np.allclose(gradient, numeric, rtol=1e-4, atol=1e-4)


def test_a_transaction_file_is_read_by_its_own_column_names_and_its_bad_rows_are_named(tmp_path: Path) -> None:
    """evaluate-clv takes files nobody has checked: columns are matched regardless of case, rows without a
    customer, a date or an amount, and refunds (negative amounts), are counted out, and a value that does not
    parse names the file, column and row."""
    good = tmp_path / "orders.csv"
    good.write_text(
        "Customer,Day,Value\na,2024-01-01,10.5\n,2024-01-02,3\nb,2024-01-03,7\nb,2024-01-04,-7\nc,2024-01-05,\n"
        "c,2024-01-06,0\n",
        encoding="utf-8",
    )
    transactions, left_out = read_transactions(good, "customer", "DAY", "value")
    assert transactions["customer_id"].tolist() == ["a", "b", "c"]
    assert transactions["amount"].tolist() == [10.5, 7.0, 0.0]
    assert left_out == 3

    bad = tmp_path / "bad.csv"
    bad.write_text("customer,day,value\na,2024-01-01,10\nb,2024-01-02,ten\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad\.csv: column value, data row 2: 'ten' is not a number"):
        read_transactions(bad, "customer", "day", "value")
    with pytest.raises(InputError, match=r"bad\.csv: column amount is missing \(columns: customer, day, value\)"):
        read_transactions(bad, "customer", "day", "amount")
