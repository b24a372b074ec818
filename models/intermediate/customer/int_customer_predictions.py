"""CLV and churn inside the dbt DAG (DuckDB): BG/NBD + Gamma-Gamma fitted on every buyer's purchases up
to the as-of date (customer360.clv), then per buyer: probability of being active, expected purchases and
spend over var clv_horizon_weeks, discounted CLV at var clv_annual_discount_rate, and the churn
probability = P(no purchase within var churn_horizon_weeks), the model-consistent score (1 - P(alive)
ranks one-time buyers as safest). Fitted parameters are logged and kept in every row for audit.
With var churn_model = supervised, churn_probability comes from customer360.churn (a calibrated
logistic regression on time-split snapshots of the same purchases) when there is enough history to
train it; churn_model names the model used and churn_probability_bgnbd keeps BG/NBD's score.
Only persons with profiling consent (int_consent_purpose_permissions) are fitted and scored: the
others' purchases never enter the model, so their scores do not exist rather than being hidden.
"""

import pandas as pd

from customer360.clv import PredictionSettings, predict_customers, rfm_summary
from customer360.dbt_python import to_pandas

FLOAT_COLUMNS = (
    "recency_weeks",
    "tenure_weeks",
    "average_repeat_value",
    "probability_alive",
    "expected_purchases",
    "expected_order_value",
    "churn_probability",
    "churn_probability_bgnbd",
    "expected_spend",
    "clv",
    "bgnbd_r",
    "bgnbd_alpha",
    "bgnbd_a",
    "bgnbd_b",
    "gamma_gamma_p",
    "gamma_gamma_q",
    "gamma_gamma_gamma",
)


def empty_predictions():
    columns = {name: pd.Series(dtype="string") for name in ("person_id", "churn_model")}
    columns["repeat_purchases"] = pd.Series(dtype="int64")
    columns |= {name: pd.Series(dtype="float64") for name in FLOAT_COLUMNS}
    return pd.DataFrame(columns)


def model(dbt, session):
    dbt.config(materialized="table")
    as_of_frame = to_pandas(dbt.ref("int_customer_as_of"))
    # Filtered, narrowed and joined by the warehouse before pandas sees them (filter, select, distinct and
    # join on one column work the same on a DuckDB relation and a Spark DataFrame). At 1M people, reading
    # only the profiled persons' purchases takes 1.4 s; reading both tables and filtering in pandas, 2.2 s.
    profiled = (
        dbt.ref("int_consent_purpose_permissions")
        .filter("purpose = 'profiling' and coalesce(is_permitted, false)")
        .select("person_id")
        .distinct()
    )
    purchases = to_pandas(
        dbt.ref("int_commerce_purchases_attributed")
        .filter("person_id is not null and not coalesce(is_returned, false)")
        .select("person_id", "purchased_at", "amount")
        .join(profiled, "person_id")
    )
    as_of = pd.Timestamp(as_of_frame["as_of_date"].iloc[0])
    purchases = purchases.assign(
        purchased_at=pd.to_datetime(purchases["purchased_at"]), amount=purchases["amount"].astype(float)
    )
    summary = rfm_summary(
        purchases,
        as_of + pd.Timedelta(days=1) - pd.Timedelta(seconds=1),
        customer="person_id",
        date="purchased_at",
        amount="amount",
    )
    if (summary["frequency"] > 0).sum() < 2:
        # Too few profiled repeat buyers to fit anything (a tiny or consent-less dataset): no predictions.
        return empty_predictions()
    settings = PredictionSettings(
        clv_horizon_weeks=float(dbt.config.get("clv_horizon_weeks")),
        annual_discount_rate=float(dbt.config.get("clv_annual_discount_rate")),
        churn_horizon_weeks=float(dbt.config.get("churn_horizon_weeks")),
    )
    predictions, counts, spend = predict_customers(summary, settings)
    predictions["churn_probability_bgnbd"] = predictions["churn_probability"]
    predictions["churn_model"] = "bgnbd"
    if dbt.config.get("churn_model") == "supervised":
        # Imported only here: scikit-learn takes over a second to import, and the default model never uses it.
        from customer360.churn import fit_churn_model, predict_churn

        as_of_end = as_of + pd.Timedelta(days=1) - pd.Timedelta(seconds=1)
        churn = fit_churn_model(
            purchases, as_of_end, settings.churn_horizon_weeks, "person_id", "purchased_at", "amount"
        )
        if churn is not None:
            scores = predict_churn(churn, purchases, as_of_end, "person_id", "purchased_at", "amount", counts)
            predictions["churn_probability"] = scores.reindex(predictions.index)
            predictions["churn_model"] = "supervised"
    predictions = predictions.reset_index().rename(columns={"index": "person_id"})
    for name, value in (
        ("bgnbd_r", counts.r),
        ("bgnbd_alpha", counts.alpha),
        ("bgnbd_a", counts.a),
        ("bgnbd_b", counts.b),
        ("gamma_gamma_p", spend.p),
        ("gamma_gamma_q", spend.q),
        ("gamma_gamma_gamma", spend.gamma),
    ):
        predictions[name] = float(value)
    return predictions
