"""The latent purchase process: BG/NBD counts with Gamma-Gamma spend, simulated for all buyers at once."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .config import PurchaseProcess


def draw_latent_parameters(n: int, params: PurchaseProcess, rng: np.random.Generator) -> pd.DataFrame:
    """Per-buyer heterogeneity: purchase rate (per week), dropout probability and spend scale."""
    return pd.DataFrame(
        {
            "purchase_rate_per_week": rng.gamma(params.r, 1.0 / params.alpha, n),
            "dropout_probability": rng.beta(params.a, params.b, n),
            "spend_nu": rng.gamma(params.spend_q, 1.0 / params.spend_gamma, n),
        }
    )


def simulate_purchases(
    first_purchase_week: np.ndarray,
    latent: pd.DataFrame,
    horizon_weeks: float,
    params: PurchaseProcess,
    rng: np.random.Generator,
) -> tuple[pd.DataFrame, np.ndarray]:
    """Simulate every purchase up to the horizon.

    Round k advances every still-active buyer by one purchase, so the Python loop runs as many times
    as the most frequent buyer purchases (a few hundred at most), never once per buyer.
    Returns the purchases (buyer, week, amount, is_first) and each buyer's dropout week
    (``inf`` when still alive at the end of the data).
    """
    n = len(first_purchase_week)
    lam = latent["purchase_rate_per_week"].to_numpy()
    p = latent["dropout_probability"].to_numpy()
    buyers = [np.arange(n)]
    weeks = [first_purchase_week]
    dropout_week = np.full(n, np.inf)
    active = np.arange(n)
    current = first_purchase_week.copy()
    first_round = True
    while active.size:
        # BG/NBD: dropout may follow any *repeat* purchase; nobody drops out right after the first one.
        dies = np.zeros(active.size, bool) if first_round else rng.random(active.size) < p[active]
        first_round = False
        dropout_week[active[dies]] = current[dies]
        survivors, at = active[~dies], current[~dies]
        next_week = at + rng.exponential(1.0 / lam[survivors])
        inside = next_week < horizon_weeks
        active, current = survivors[inside], next_week[inside]
        buyers.append(active)
        weeks.append(current)
    buyer = np.concatenate(buyers)
    week = np.concatenate(weeks)
    nu = latent["spend_nu"].to_numpy()[buyer]
    amount = np.round(rng.gamma(params.spend_p, 1.0 / nu), 2).clip(0.5)
    is_first = np.zeros(len(buyer), dtype=bool)
    is_first[:n] = True
    order = np.lexsort((week, buyer))
    purchases = pd.DataFrame(
        {"buyer": buyer[order], "week": week[order], "amount": amount[order], "is_first": is_first[order]}
    )
    return purchases, dropout_week
