"""Realistic perturbations of identity attributes.

Each function takes an array of values, a random generator and a rate, and returns a new array in
which roughly ``rate`` of the values carry one kind of noise that real exports show. Only the
selected values are touched in Python; selection is vectorised, so the cost scales with the noise,
not with the table.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .reference import ascii_fold

KEYBOARD_NEIGHBOURS = {
    "a": "qs", "b": "vn", "c": "xv", "d": "sf", "e": "wr", "f": "dg", "g": "fh", "h": "gj", "i": "uo",
    "j": "hk", "k": "jl", "l": "k", "m": "n", "n": "bm", "o": "ip", "p": "o", "q": "w", "r": "et",
    "s": "ad", "t": "ry", "u": "yi", "v": "cb", "w": "qe", "x": "zc", "y": "tu", "z": "x",
}  # fmt: skip


def pick(rng: np.random.Generator, n: int, rate: float) -> np.ndarray:
    """Indices of the values that receive a perturbation."""
    return np.flatnonzero(rng.random(n) < rate)


def _apply(values: np.ndarray, idx: np.ndarray, func: Callable[[str, float], str], rng) -> np.ndarray:
    out = values.copy()
    draws = rng.random(len(idx))
    for i, u in zip(idx, draws, strict=True):
        value = out[i]
        if isinstance(value, str) and value:
            out[i] = func(value, float(u))
    return out


def _typo_one(value: str, u: float) -> str:
    pos = int(u * 1000) % len(value)
    kind = int(u * 4)
    ch = value[pos]
    if kind == 0 and len(value) > 2 and pos < len(value) - 1:  # transposition
        return value[:pos] + value[pos + 1] + ch + value[pos + 2 :]
    if kind == 1 and len(value) > 3:  # deletion
        return value[:pos] + value[pos + 1 :]
    if kind == 2:  # neighbouring key
        neighbours = KEYBOARD_NEIGHBOURS.get(ch.lower())
        if neighbours:
            return value[:pos] + neighbours[int(u * 7919) % len(neighbours)] + value[pos + 1 :]
    return value[:pos] + ch + value[pos:]  # doubled letter


def typos(values: np.ndarray, rng: np.random.Generator, rate: float) -> np.ndarray:
    """One keyboard slip per selected value: transposition, deletion, neighbouring key or doubled letter."""
    return _apply(values, pick(rng, len(values), rate), _typo_one, rng)


def _case_whitespace_one(value: str, u: float) -> str:
    kind = int(u * 5)
    if kind == 0:
        return value.upper()
    if kind == 1:
        return value.lower()
    if kind == 2:
        return "  " + value + " "
    if kind == 3:
        return value.replace(" ", "  ") + "\t"
    return ascii_fold(value)


def case_and_whitespace(values: np.ndarray, rng: np.random.Generator, rate: float) -> np.ndarray:
    """Upper/lower case, padding, doubled spaces or dropped accents, as hand-keyed systems produce."""
    return _apply(values, pick(rng, len(values), rate), _case_whitespace_one, rng)


def nicknames(
    first_names: np.ndarray, rng: np.random.Generator, rate: float, table: dict[str, list[str]]
) -> np.ndarray:
    """Replace a first name by one of its nicknames (Robert -> Bob), keeping the capitalisation style."""

    def swap(value: str, u: float) -> str:
        options = table.get(value.lower())
        if not options:
            return value
        return options[int(u * len(options))].capitalize()

    return _apply(first_names, pick(rng, len(first_names), rate), swap, rng)


def _email_variant_one(email: str, u: float) -> str:
    local, _, domain = email.partition("@")
    kind = int(u * 4)
    if domain in ("gmail.com", "googlemail.com") and kind <= 1:
        if kind == 0 and len(local) > 2:
            cut = 1 + int(u * 997) % (len(local) - 1)
            return f"{local[:cut]}.{local[cut:]}@{domain}".replace("..", ".")
        return f"{local}+shop@{domain}"
    if kind == 2:
        return email.upper() if u < 0.55 else email.capitalize()
    return f"{local}+{int(u * 100)}@{domain}"


def email_variants(emails: np.ndarray, rng: np.random.Generator, rate: float) -> np.ndarray:
    """Gmail dots, plus-tags and case changes: the same mailbox written differently."""
    return _apply(emails, pick(rng, len(emails), rate), _email_variant_one, rng)


PHONE_FORMATS = (
    lambda d: f"0{d[:4]} {d[4:]}",
    lambda d: f"0{d}",
    lambda d: f"+44 {d[:4]} {d[4:]}",
    lambda d: f"+44{d}",
    lambda d: f"0044 {d}",
    lambda d: f"(0{d[:4]}) {d[4:7]}-{d[7:]}",
    lambda d: f"+44 (0) {d[:4]} {d[4:]}",
)


def phone_formats(national_digits: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Write UK national significant numbers (10 digits, no trunk 0) in the formats people type."""
    choice = rng.integers(0, len(PHONE_FORMATS), len(national_digits))
    out = np.empty(len(national_digits), dtype=object)
    for k, fmt in enumerate(PHONE_FORMATS):
        sel = np.flatnonzero(choice == k)
        out[sel] = [None if d is None else fmt(d) for d in national_digits[sel]]
    return out


def blank(values: np.ndarray, rng: np.random.Generator, rate: float) -> np.ndarray:
    """Missing values: the field was simply not captured by this source."""
    out = values.copy()
    out[pick(rng, len(values), rate)] = None
    return out


def replace_with(values: np.ndarray, rng: np.random.Generator, rate: float, pool: tuple[str, ...]):
    """Replace a share of values by junk placeholders shared by many people (test@test.com, 0000000000)."""
    out = values.copy()
    idx = pick(rng, len(values), rate)
    out[idx] = np.asarray(pool, dtype=object)[rng.integers(0, len(pool), len(idx))]
    return out


def swap_day_month(dates: np.ndarray, rng: np.random.Generator, rate: float) -> np.ndarray:
    """Day/month swaps (US vs European entry) where the swapped date still exists (day <= 12)."""
    out = dates.copy()
    idx = pick(rng, len(dates), rate)
    d = dates[idx].astype("datetime64[D]")
    years = d.astype("datetime64[Y]")
    months = (d.astype("datetime64[M]") - years).astype(int) + 1
    days = (d - d.astype("datetime64[M]")).astype(int) + 1
    ok = (days <= 12) & (days != months)
    swapped = (years[ok] + (days[ok] - 1).astype("timedelta64[M]")).astype("datetime64[D]") + (months[ok] - 1).astype(
        "timedelta64[D]"
    )
    out[idx[ok]] = swapped
    return out
