"""The true people: who they are, where they live, their households, moves and email changes."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .config import GeneratorConfig
from .reference import EMAIL_DOMAINS, Reference, ascii_fold

EMAIL_PATTERNS = 6


def _email_local_parts(first: np.ndarray, last: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """first.last, firstlast, f.last, first_last, first.lastNN, firstNN — ASCII, lower-case."""
    f = pd.Series(first).map(lambda s: ascii_fold(s).lower().replace(" ", "").replace("'", ""))
    la = pd.Series(last).map(lambda s: ascii_fold(s).lower().replace(" ", "").replace("'", ""))
    number = pd.Series(rng.integers(1, 99, len(first))).astype(str)
    pattern = rng.integers(0, EMAIL_PATTERNS, len(first))
    options = [
        f + "." + la,
        f + la,
        f.str[0] + "." + la,
        f + "_" + la,
        f + "." + la + number,
        f + number,
    ]
    return np.select([pattern == k for k in range(EMAIL_PATTERNS)], [o.to_numpy() for o in options])


def _mailbox_key(local: pd.Series, domain: pd.Series) -> pd.Series:
    """The mailbox an address delivers to: Gmail ignores dots and treats googlemail.com as gmail.com,
    so aisha.robinson@gmail.com and aisharobinson@gmail.com are one mailbox and cannot belong to two people."""
    gmail = domain.isin(["gmail.com", "googlemail.com"])
    return local.where(~gmail, local.str.replace(".", "", regex=False)) + "@" + domain.where(~gmail, "gmail.com")


def _emails(first: np.ndarray, last: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Unique personal mailboxes; collisions (two John Smiths at gmail) get a numeric suffix, as in life.

    Uniqueness is by mailbox (see _mailbox_key), not by spelling. ``first``/``last`` may list a person
    twice (current and later address), so every address drawn in one call is unique across people.
    """
    domains = np.array([d for d, _ in EMAIL_DOMAINS], dtype=object)
    weights = np.array([w for _, w in EMAIL_DOMAINS], dtype=float)
    local = pd.Series(_email_local_parts(first, last, rng))
    domain = pd.Series(domains[rng.choice(len(domains), len(first), p=weights / weights.sum())])
    key = _mailbox_key(local, domain)
    repeat = key.groupby(key).cumcount()
    clash = repeat > 0
    local[clash] = local[clash] + (repeat[clash] + 100).astype(str)
    return (local + "@" + domain).to_numpy(dtype=object)


def _distinct_integers(low: int, high: int, n: int, rng: np.random.Generator) -> np.ndarray:
    """n different integers in [low, high): a phone number belongs to one line, so draws that collide
    (about 500 among a million mobiles) are drawn again."""
    values = rng.integers(low, high, n)
    while True:
        _, first = np.unique(values, return_index=True)
        repeated = np.setdiff1d(np.arange(n), first)
        if len(repeated) == 0:
            return values
        values[repeated] = rng.integers(low, high, len(repeated))


def _mobile_numbers(n: int, rng: np.random.Generator) -> np.ndarray:
    """UK mobile national significant numbers: 7 followed by 9 digits (written 07xxx xxxxxx)."""
    return np.char.add("7", np.char.zfill(_distinct_integers(0, 10**9, n, rng).astype(str), 9)).astype(object)


def _landlines(n: int, rng: np.random.Generator) -> np.ndarray:
    return np.char.add("1", np.char.zfill(_distinct_integers(10**8, 10**9, n, rng).astype(str), 9)).astype(object)


def _addresses(n: int, rng: np.random.Generator, ref: Reference) -> dict[str, np.ndarray]:
    city_idx = rng.choice(len(ref.cities), n, p=ref.weights(ref.cities))
    letters = np.array(list("ABDEFGHJLNPQRSTUWXYZ"), dtype=object)
    area = ref.cities["postcode_area"].to_numpy(dtype=object)[city_idx]
    district = rng.integers(1, 30, n).astype(str).astype(object)
    sector = rng.integers(0, 10, n).astype(str).astype(object)
    unit = letters[rng.integers(0, len(letters), n)] + letters[rng.integers(0, len(letters), n)]
    number = rng.integers(1, 250, n).astype(str).astype(object)
    street = ref.streets[rng.integers(0, len(ref.streets), n)]
    return {
        "address_line": number + " " + street,
        "postcode": area + district + " " + sector + unit,
        "city": ref.cities["city"].to_numpy(dtype=object)[city_idx],
    }


def _households(people: pd.DataFrame, cfg: GeneratorConfig, rng: np.random.Generator) -> None:
    """Group some people into households of 2-4 that share an address and landline, often a surname,
    and sometimes one family email used by everybody."""
    n = len(people)
    members = rng.permutation(n)[: int(n * cfg.share_in_household)]
    sizes = rng.integers(2, 5, len(members) // 2 + 1)
    household = np.repeat(np.arange(len(sizes)), sizes)[: len(members)]
    first_of = np.r_[0, np.flatnonzero(np.diff(household)) + 1]
    head = members[first_of][household]
    people["household_id"] = pd.array([pd.NA] * n, dtype="Int64")
    people.loc[members, "household_id"] = household
    people["household_head"] = np.arange(n)
    people.loc[members, "household_head"] = head
    for column in ("address_line", "postcode", "city", "landline"):
        people.loc[members, column] = people[column].to_numpy()[head]
    same_surname = members[rng.random(len(members)) < 0.7]
    people.loc[same_surname, "last_name"] = people["last_name"].to_numpy()[people["household_head"][same_surname]]
    shares_email = rng.random(len(sizes)) < cfg.share_household_shared_email
    family = members[shares_email[household]]
    people["shared_email"] = None
    people.loc[family, "shared_email"] = people["email"].to_numpy()[people["household_head"][family]]


def build_population(cfg: GeneratorConfig, rng: np.random.Generator, ref: Reference) -> pd.DataFrame:
    """One row per true person with the clean attribute values every source copies (with noise)."""
    n = cfg.people
    first_idx = rng.choice(len(ref.first_names), n, p=ref.weights(ref.first_names))
    last_idx = rng.choice(len(ref.last_names), n, p=ref.weights(ref.last_names))
    first = ref.first_names["first_name"].to_numpy(dtype=object)[first_idx]
    last = ref.last_names["last_name"].to_numpy(dtype=object)[last_idx]
    end = np.datetime64(cfg.end, "D")
    age_days = rng.integers(18 * 365, 88 * 365, n)
    people = pd.DataFrame(
        {
            "person_index": np.arange(n),
            "first_name": first,
            "last_name": last,
            "gender": ref.first_names["gender"].to_numpy(dtype=object)[first_idx],
            "birth_date": end - age_days.astype("timedelta64[D]"),
            "mobile": _mobile_numbers(n, rng),
            "landline": _landlines(n, rng),
        }
    )
    # Current and later mailboxes are drawn together so that no later address is someone else's current one.
    both_emails = _emails(np.r_[first, first], np.r_[last, last], rng)
    people["email"] = both_emails[:n]
    for column, values in _addresses(n, rng, ref).items():
        people[column] = values
    _households(people, cfg, rng)

    weeks = cfg.horizon_weeks
    moved = rng.random(n) < cfg.share_moved
    new_address = _addresses(n, rng, ref)
    for column, values in new_address.items():
        people["new_" + column] = np.where(moved, values, None)
    people["moved_at_week"] = np.where(moved, rng.uniform(0.2, 0.9, n) * weeks, np.inf)
    changed = rng.random(n) < cfg.share_changed_email
    people["new_email"] = np.where(changed, both_emails[n:], None)
    people["new_email"] = np.where(people["new_email"] == people["email"], None, people["new_email"])
    people["email_changed_at_week"] = np.where(people["new_email"].notna(), rng.uniform(0.2, 0.9, n) * weeks, np.inf)
    # When the person first meets the company (acquisition); sources never predate it.
    people["acquired_at_week"] = rng.uniform(0, 0.95, n) * weeks
    return people


def attribute_at(people: pd.DataFrame, column: str, person: np.ndarray, week: np.ndarray) -> np.ndarray:
    """The value of a movable attribute (address, email) that was current for `person` at `week`."""
    if column in ("address_line", "postcode", "city"):
        new, switch = people["new_" + column].to_numpy(), people["moved_at_week"].to_numpy()
    elif column == "email":
        new, switch = people["new_email"].to_numpy(), people["email_changed_at_week"].to_numpy()
    else:
        return people[column].to_numpy()[person]
    old = people[column].to_numpy()[person]
    return np.where(week >= switch[person], new[person], old)
