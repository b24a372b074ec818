"""Evaluate CLV and churn on any transaction file (customer id, date, amount) with a calibration end and
a holdout end: fit on the calibration period, predict the holdout, compare with what happened.

Prints fitted parameters, total predicted vs actual holdout purchases, per-customer MAE/RMSE, the mean
actual vs predicted holdout purchases by calibration frequency 0..7+, and churn ROC AUC (churn = no
purchase in the holdout) beside naive baselines; writes per-customer predictions to a CSV so anyone can
score them independently.

It also prints a hindsight reference for churn: a model trained on the holdout's own churn, every customer
scored by a model that did not see that customer (cross-fitting). It is not a forecast, since it knows what
happened. It shows how far the calibration history can tell churners apart at all. A forecast that falls
short of a target the hindsight reference also misses lacks information, not modelling (as with the
identity evaluation's evidence ceiling).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.model_selection import KFold, cross_val_predict

from .churn import churn_classifier, fit_churn_model, predict_churn, purchase_days, snapshot_features
from .clv import (
    BgNbd,
    GammaGamma,
    expected_purchases,
    fit_bgnbd,
    fit_gamma_gamma,
    probability_alive,
    probability_no_purchase,
    rfm_summary,
)
from .input_files import InputError, first_unparsed_row, query_file, quoted, require_columns

HINDSIGHT_FOLDS = 5


@dataclass(frozen=True)
class ClvEvaluation:
    """Everything the report prints."""

    purchases: BgNbd
    spend: GammaGamma
    predictions: pd.DataFrame  # customer_id, frequency, predicted and actual holdout purchases, churn scores, churned
    holdout_weeks: float
    churn_label_weeks: float | None  # label horizon of the supervised churn model; None when it could not be fitted
    hindsight_churn_auc: float | None  # None when a class has too few customers to cross-fit


def read_transactions(path: Path, customer: str, date: str, amount: str) -> tuple[pd.DataFrame, int]:
    """customer_id, date, amount from a CSV or Parquet file (column names given by the caller, matched
    regardless of case), and how many rows were left out for want of a customer id, a date or an amount of
    at least zero. A negative amount is a refund or a correction, not a purchase: the warehouse quarantines
    such orders too, and counted as spend it broke the fits (the log of a negative total). A date or an
    amount that does not parse stops with an InputError naming the file, column and data row."""
    names = {"customer_id": customer, "date": date, "amount": amount}
    names = {role: name.strip().lower() for role, name in names.items()}
    require_columns(path, list(names.values()))
    customer_column, date_column, amount_column = (quoted(names[role]) for role in ("customer_id", "date", "amount"))
    frame = query_file(
        path,
        f"""select _row, nullif(trim({customer_column}), '') as customer_id,
            {date_column} as date_text, try_cast({date_column} as timestamp) as date,
            {amount_column} as amount_text, try_cast({amount_column} as double) as amount
        from rows order by _row""",
    )
    for role, what in (("date", "a date"), ("amount", "a number")):
        row = first_unparsed_row(frame, f"{role}_text", role)
        if row is not None:
            value = frame.loc[frame["_row"] == row, f"{role}_text"].iloc[0]
            raise InputError(f"{path}: column {names[role]}, data row {row}: {value!r} is not {what}")
    usable = frame.dropna(subset=["customer_id", "date", "amount"])
    usable = usable[usable["amount"] >= 0][["customer_id", "date", "amount"]]
    return usable.reset_index(drop=True), len(frame) - len(usable)


def roc_auc(labels: np.ndarray, scores: np.ndarray) -> float:
    """Area under the ROC curve by the rank-sum formula (ties get average ranks)."""
    labels = np.asarray(labels, dtype=bool)
    ranks = pd.Series(scores).rank(method="average").to_numpy()
    positives, negatives = labels.sum(), (~labels).sum()
    return float((ranks[labels].sum() - positives * (positives + 1) / 2) / (positives * negatives))


def hindsight_churn_auc(features: pd.DataFrame, churned: np.ndarray, seed: int = 0) -> float | None:
    """Churn ROC AUC of the supervised model's logistic regression fitted to the holdout's own churn, on the
    supervised model's features at the calibration end (customer360.churn.snapshot_features), with BG/NBD's
    columns computed for the holdout's horizon rather than the shortened label horizon the forecast must use.

    Each customer is scored by a model fitted on the other folds, so the figure measures what the features
    can separate, not what a model can memorise. Logistic regression, as in the supervised model: on CDNOW,
    boosted trees reached less in hindsight (0.765 against 0.772), also with more features (the number of
    CDs, first and last amounts, gap spread: 0.767; 2026-12-05). None when either class has fewer customers
    than ten per fold.

    No such reference is printed for the purchase counts: boosted trees with a Poisson loss, fitted to the
    holdout's counts on the same features, scored a worse RMSE on CDNOW than BG/NBD's forecast (1.797
    against 1.733), so they bound nothing. With the extra features above they reached 1.718, still above the
    issue's 1.70 (2026-12-05).
    """
    churned = np.asarray(churned, dtype=bool)
    if min(churned.sum(), (~churned).sum()) < 10 * HINDSIGHT_FOLDS:
        return None
    folds = KFold(HINDSIGHT_FOLDS, shuffle=True, random_state=seed)
    scores = cross_val_predict(churn_classifier(), features, churned, cv=folds, method="predict_proba")[:, 1]
    return roc_auc(churned, scores)


def evaluate(transactions: pd.DataFrame, calibration_end: pd.Timestamp, holdout_end: pd.Timestamp) -> ClvEvaluation:
    """Fit on transactions up to calibration_end; score the purchase days in (calibration_end, holdout_end]."""
    calibration_end = calibration_end + pd.Timedelta(days=1) - pd.Timedelta(seconds=1)
    summary = rfm_summary(transactions, calibration_end)
    purchases, spend = fit_bgnbd(summary), fit_gamma_gamma(summary)
    later = transactions[(transactions["date"] > calibration_end) & (transactions["date"] <= holdout_end)]
    days = later.assign(day=later["date"].dt.normalize()).groupby("customer_id")["day"].nunique()
    actual = days.reindex(summary.index, fill_value=0).to_numpy()
    horizon = (holdout_end.normalize() - calibration_end.normalize()).days / 7
    x, t_x, T = (summary[c].to_numpy() for c in ("frequency", "recency", "T"))
    predictions = pd.DataFrame(
        {
            "customer_id": summary.index,
            "calibration_frequency": x.astype(int),
            "recency_weeks": t_x,
            "tenure_weeks": T,
            "predicted_holdout_purchases": expected_purchases(purchases, horizon, x, t_x, T),
            "actual_holdout_purchases": actual,
            "churn_score": probability_no_purchase(purchases, horizon, x, t_x, T),
            "probability_alive": probability_alive(purchases, x, t_x, T),
            "days_since_last_purchase": (T - t_x) * 7,
            "churned": actual == 0,
        }
    )
    churn_model = fit_churn_model(transactions, calibration_end, horizon)
    if churn_model is not None:
        supervised = predict_churn(churn_model, transactions, calibration_end, bgnbd=purchases)
        predictions["churn_score_supervised"] = supervised.reindex(summary.index).to_numpy()
    label_weeks = churn_model.label_horizon_weeks if churn_model else None
    seen = purchase_days(transactions[transactions["date"] <= calibration_end], "customer_id", "date", "amount")
    features = snapshot_features(seen, calibration_end.normalize(), horizon, purchases).reindex(summary.index)
    hindsight = hindsight_churn_auc(features, actual == 0)
    return ClvEvaluation(purchases, spend, predictions, horizon, label_weeks, hindsight)


def _rmse(predicted: pd.Series, actual: pd.Series) -> float:
    return float(np.sqrt(((predicted - actual) ** 2).mean()))


def format_report(result: ClvEvaluation) -> str:
    """The printed report."""
    p = result.predictions
    predicted, actual = p["predicted_holdout_purchases"], p["actual_holdout_purchases"]
    naive_counts = p["calibration_frequency"].astype(float)  # "same again": repeat purchases of the calibration
    lines = [
        f"BG/NBD: r={result.purchases.r:.4f} alpha={result.purchases.alpha:.4f} a={result.purchases.a:.4f} "
        f"b={result.purchases.b:.4f} (log-likelihood {result.purchases.log_likelihood:.1f})",
        f"Gamma-Gamma: p={result.spend.p:.4f} q={result.spend.q:.4f} gamma={result.spend.gamma:.4f}",
        f"customers {len(p):,}; holdout {result.holdout_weeks:.1f} weeks",
        f"holdout purchases: predicted {predicted.sum():,.0f}, actual {actual.sum():,.0f} "
        f"({predicted.sum() / actual.sum() - 1:+.1%})",
        "| per customer | BG/NBD | naive (same as calibration) |",
        "|---|---:|---:|",
        f"| MAE | {np.abs(predicted - actual).mean():.3f} | {np.abs(naive_counts - actual).mean():.3f} |",
        f"| RMSE | {_rmse(predicted, actual):.3f} | {_rmse(naive_counts, actual):.3f} |",
        "",
        "| calibration frequency | customers | mean actual | mean predicted |",
        "|---:|---:|---:|---:|",
    ]
    bucket = np.minimum(p["calibration_frequency"], 7)
    for value, group in p.groupby(bucket):
        label = "7+" if value == 7 else str(value)
        lines.append(
            f"| {label} | {len(group):,} | {group['actual_holdout_purchases'].mean():.3f} | "
            f"{group['predicted_holdout_purchases'].mean():.3f} |"
        )
    churned = p["churned"].to_numpy()
    lines += [
        "",
        "| churn score (churn = no purchase in the holdout) | ROC AUC |",
        "|---|---:|",
        f"| P(no purchase in the holdout), BG/NBD | {roc_auc(churned, p['churn_score']):.3f} |",
        *(
            [
                f"| supervised: calibrated logistic regression on time-split snapshots "
                f"({result.churn_label_weeks:.1f}-week labels) | {roc_auc(churned, p['churn_score_supervised']):.3f} |"
            ]
            if result.churn_label_weeks is not None
            else ["| supervised | too little history to train |"]
        ),
        f"| days since last purchase (naive) | {roc_auc(churned, p['days_since_last_purchase']):.3f} |",
        f"| 1 - P(alive) (not recommended) | {roc_auc(churned, 1 - p['probability_alive']):.3f} |",
        *(
            [
                "| hindsight reference: the supervised features, logistic regression fitted to the holdout's own "
                f"churn, cross-fitted (not a forecast) | {result.hindsight_churn_auc:.3f} |"
            ]
            if result.hindsight_churn_auc is not None
            else []
        ),
    ]
    return "\n".join(lines)


def benchmark_fit(buyers: int, seed: int) -> str:
    """Benchmark (not a test): simulate buyers from the generator's purchase process, time both fits, and
    compare the BG/NBD estimates with the truth in standard errors."""
    import time

    from .clv import bgnbd_standard_errors, fit_gamma_gamma
    from .generator.config import PurchaseProcess
    from .generator.purchases import draw_latent_parameters, simulate_purchases

    truth, rng, horizon = PurchaseProcess(), np.random.default_rng(seed), 104.0
    latent = draw_latent_parameters(buyers, truth, rng)
    first = rng.uniform(0, 52, buyers)
    purchases, _ = simulate_purchases(first, latent, horizon, truth, rng)
    # Exports carry days, not instants: times in whole days (as weeks), as rfm_summary gives them.
    first = np.floor(first * 7) / 7
    purchases["week"] = np.floor(purchases["week"] * 7) / 7
    grouped = purchases.groupby("buyer")
    repeats = purchases[~purchases["is_first"]].groupby("buyer")["amount"].mean()
    summary = pd.DataFrame(
        {
            "frequency": grouped.size() - 1,
            "recency": grouped["week"].max() - first,
            "T": horizon - first,
            "monetary_value": repeats.reindex(range(buyers), fill_value=0.0),
        }
    )
    started = time.perf_counter()
    model = fit_bgnbd(summary)
    bgnbd_seconds = time.perf_counter() - started
    started = time.perf_counter()
    spend = fit_gamma_gamma(summary)
    gamma_seconds = time.perf_counter() - started
    errors = bgnbd_standard_errors(summary, model)
    lines = [
        f"{buyers:,} simulated buyers: BG/NBD fit {bgnbd_seconds:.2f} s, Gamma-Gamma fit {gamma_seconds:.2f} s",
        "| parameter | truth | estimate | standard error | (estimate - truth) / SE |",
        "|---|---:|---:|---:|---:|",
    ]
    for name in ("r", "alpha", "a", "b"):
        estimate, true = getattr(model, name), getattr(truth, name)
        lines.append(
            f"| {name} | {true} | {estimate:.4f} | {errors[name]:.4f} | {(estimate - true) / errors[name]:+.2f} |"
        )
    for name, true in (("p", truth.spend_p), ("q", truth.spend_q), ("gamma", truth.spend_gamma)):
        lines.append(f"| {name} (Gamma-Gamma) | {true} | {getattr(spend, name):.4f} | | |")
    return "\n".join(lines)
