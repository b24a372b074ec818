"""Parameters of the synthetic retail company; every probability the generator uses is named here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class PurchaseProcess:
    """Population parameters of the latent purchase process (BG/NBD counts, Gamma-Gamma spend).

    Each buyer draws a weekly purchase rate ``lambda ~ Gamma(r, alpha)`` (shape r, rate alpha) and a
    dropout probability ``p ~ Beta(a, b)``; after every repeat purchase (not the first) they become
    inactive for good with probability p, otherwise the next purchase follows after an
    ``Exponential(lambda)`` gap. Each order value is ``Gamma(spend_p, nu)`` with a personal
    ``nu ~ Gamma(spend_q, spend_gamma)``. These are the assumptions of Fader, Hardie & Lee (2005)
    and Fader & Hardie's Gamma-Gamma model, so fitted models can be checked against the truth.
    """

    r: float = 0.9
    alpha: float = 6.0
    a: float = 0.8
    b: float = 6.0
    spend_p: float = 6.0
    spend_q: float = 3.5
    spend_gamma: float = 25.0


@dataclass(frozen=True)
class GeneratorConfig:
    """How many people, over which period, and how noisy each source is."""

    people: int = 10_000
    seed: int = 42
    start: dt.date = dt.date(2023, 1, 1)
    end: dt.date = dt.date(2025, 12, 31)
    purchases: PurchaseProcess = field(default_factory=PurchaseProcess)
    share_buyers: float = 0.75
    share_crm: float = 0.60
    share_crm_duplicate: float = 0.06
    share_shop_account: float = 0.45
    share_second_account: float = 0.04
    share_loyalty_card: float = 0.40
    share_in_household: float = 0.12
    share_household_shared_email: float = 0.25
    share_moved: float = 0.10
    share_changed_email: float = 0.08
    share_support: float = 0.15
    share_subscriber: float = 0.55
    share_anonymous_visitor: float = 0.35
    share_shared_device: float = 0.03
    share_erasure: float = 0.005
    share_malformed: float = 0.005
    rate_nickname: float = 0.08
    rate_typo: float = 0.04
    rate_case_whitespace: float = 0.10
    rate_email_variant: float = 0.12
    rate_day_month_swap: float = 0.03
    rate_junk_email: float = 0.015
    rate_junk_phone: float = 0.01

    @property
    def horizon_weeks(self) -> float:
        """Length of the observed period in weeks (purchase times are kept in weeks)."""
        return ((self.end - self.start).days + 1) / 7.0
