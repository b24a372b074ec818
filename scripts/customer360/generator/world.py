"""State shared by the source builders: config, random stream, reference lists and the true people."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import noise
from .config import GeneratorConfig
from .frames import format_times, pad_to, timestamps
from .population import attribute_at
from .reference import JUNK_EMAILS, JUNK_PHONES, Reference


@dataclass
class World:
    """Everything a source builder needs; builders add the keys they create (contacts, accounts)."""

    cfg: GeneratorConfig
    rng: np.random.Generator
    ref: Reference
    people: pd.DataFrame
    # person index -> first CRM contact id / shop account id / loyalty card id (None when absent)
    crm_contact_of: np.ndarray = field(init=False)
    account_of: np.ndarray = field(init=False)
    card_of: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        n = len(self.people)
        self.crm_contact_of = np.full(n, None, dtype=object)
        self.account_of = np.full(n, None, dtype=object)
        self.card_of = np.full(n, None, dtype=object)

    def times(self, weeks: np.ndarray, fmt: str = "%Y-%m-%d %H:%M:%S") -> np.ndarray:
        """Export strings for week offsets."""
        return format_times(timestamps(self.cfg.start, weeks), fmt)

    def first_names(self, person: np.ndarray) -> np.ndarray:
        """First names as one source captured them: nicknames, typos, case and spacing."""
        cfg, rng = self.cfg, self.rng
        values = self.people["first_name"].to_numpy()[person]
        values = noise.nicknames(values, rng, cfg.rate_nickname, self.ref.nicknames)
        values = noise.typos(values, rng, cfg.rate_typo)
        return noise.case_and_whitespace(values, rng, cfg.rate_case_whitespace)

    def last_names(self, person: np.ndarray) -> np.ndarray:
        """Surnames with typos, case and spacing noise."""
        values = self.people["last_name"].to_numpy()[person]
        values = noise.typos(values, self.rng, self.cfg.rate_typo)
        return noise.case_and_whitespace(values, self.rng, self.cfg.rate_case_whitespace)

    def emails(self, person: np.ndarray, week: np.ndarray, blank_rate: float) -> np.ndarray:
        """The email current at `week`, sometimes the household's shared one, with variants and junk."""
        cfg, rng = self.cfg, self.rng
        values = attribute_at(self.people, "email", person, week)
        shared = self.people["shared_email"].to_numpy()[person]
        use_shared = (shared != None) & (rng.random(len(person)) < 0.5)  # noqa: E711
        values = np.where(use_shared, shared, values)
        values = noise.email_variants(values, rng, cfg.rate_email_variant)
        values = noise.replace_with(values, rng, cfg.rate_junk_email, JUNK_EMAILS)
        return noise.blank(values, rng, blank_rate)

    def phones(self, person: np.ndarray, blank_rate: float) -> np.ndarray:
        """Mobile (mostly) or household landline, written in any of the usual formats, with junk."""
        rng = self.rng
        mobile = self.people["mobile"].to_numpy()[person]
        landline = self.people["landline"].to_numpy()[person]
        digits = np.where(rng.random(len(person)) < 0.8, mobile, landline)
        values = noise.phone_formats(digits, rng)
        values = noise.replace_with(values, rng, self.cfg.rate_junk_phone, JUNK_PHONES)
        return noise.blank(values, rng, blank_rate)

    def addresses(self, person: np.ndarray, week: np.ndarray, blank_rate: float) -> dict[str, np.ndarray]:
        """Address current at `week` (people move), with spacing noise and gaps."""
        keep = self.rng.random(len(person)) >= blank_rate
        out = {}
        for column in ("address_line", "postcode", "city"):
            values = attribute_at(self.people, column, person, week)
            values = noise.case_and_whitespace(values, self.rng, self.cfg.rate_case_whitespace / 2)
            out[column] = pad_to(values, keep)
        return out

    def uniform_weeks(self, low: np.ndarray, high: float | np.ndarray) -> np.ndarray:
        """A moment between low and high (weeks)."""
        return low + self.rng.random(len(low)) * (np.asarray(high) - low).clip(0)
