"""Consent events (grant, withdraw, re-grant per purpose and channel) and erasure requests."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .frames import ids
from .world import World

PURPOSES = ("marketing", "profiling", "personalisation")
CHANNELS = ("email", "sms", "phone", "push")
# Probability that a person grants a purpose on a channel when they sign up.
GRANT_PROBABILITY = {
    "marketing": {"email": 0.6, "sms": 0.3, "phone": 0.15, "push": 0.25},
    "profiling": {"email": 0.45, "sms": 0.4, "phone": 0.4, "push": 0.4},
    "personalisation": {"email": 0.5, "sms": 0.45, "phone": 0.45, "push": 0.5},
}
SHARE_WITHDRAW = 0.15
SHARE_REGRANT = 0.3
SHARE_EXPLICIT_DENIAL = 0.2


def _identifier(world: World, person: np.ndarray, channel: np.ndarray, week: np.ndarray):
    """Which identifier the consent tool saw: email for email, phone for sms/phone, account for push,
    and the CRM contact id for a quarter of the events of people who have one."""
    rng = world.rng
    kind = np.where(channel == "email", "email", np.where(channel == "push", "shop_account_id", "phone"))
    kind = np.where((kind == "shop_account_id") & (world.account_of[person] == None), "email", kind)  # noqa: E711
    crm = world.crm_contact_of[person]
    kind = np.where((crm != None) & (rng.random(len(person)) < 0.25), "crm_contact_id", kind)  # noqa: E711
    value = np.empty(len(person), dtype=object)
    for name, values in (
        ("email", lambda sel: world.emails(person[sel], week[sel], blank_rate=0.0)),
        ("phone", lambda sel: world.phones(person[sel], blank_rate=0.0)),
        ("shop_account_id", lambda sel: world.account_of[person[sel]]),
        ("crm_contact_id", lambda sel: crm[sel]),
    ):
        sel = np.flatnonzero(kind == name)
        value[sel] = values(sel)
    return kind, value


def consent_events(world: World, unsubscribes: pd.DataFrame) -> pd.DataFrame:
    """Every consent change, one row each; email unsubscribes are recorded as marketing/email withdrawals."""
    rng, cfg, people = world.rng, world.cfg, world.people
    known = np.flatnonzero((world.crm_contact_of != None) | (world.account_of != None))  # noqa: E711
    signup = people["acquired_at_week"].to_numpy()[known] + rng.exponential(1.0, len(known))
    rows = []
    for purpose in PURPOSES:
        appetite = rng.random(len(known))  # one draw per person and purpose: channels are correlated
        for channel in CHANNELS:
            granted = appetite < GRANT_PROBABILITY[purpose][channel]
            denied = ~granted & (rng.random(len(known)) < SHARE_EXPLICIT_DENIAL)
            withdrawn = granted & (rng.random(len(known)) < SHARE_WITHDRAW)
            regranted = withdrawn & (rng.random(len(known)) < SHARE_REGRANT)
            withdraw_week = world.uniform_weeks(signup, cfg.horizon_weeks)
            regrant_week = world.uniform_weeks(withdraw_week, cfg.horizon_weeks)
            for mask, action, week, source in (
                (granted, "granted", signup, "web_form"),
                (denied, "withdrawn", signup, "web_form"),
                (withdrawn, "withdrawn", withdraw_week, "preference_centre"),
                (regranted, "granted", regrant_week, "preference_centre"),
            ):
                cell = {"purpose": purpose, "channel": channel, "action": action, "source": source}
                rows.append(pd.DataFrame({"_person": known[mask], "week": week[mask], **cell}))
    rows.append(
        pd.DataFrame(
            {
                "_person": unsubscribes["_person"].to_numpy(),
                "purpose": "marketing",
                "channel": "email",
                "action": "withdrawn",
                "week": unsubscribes["week"].to_numpy(),
                "source": "email_unsubscribe",
            }
        )
    )
    events = pd.concat(rows, ignore_index=True)
    events = events[events["week"] < cfg.horizon_weeks].sort_values("week", kind="stable", ignore_index=True)
    person, week = events["_person"].to_numpy(), events["week"].to_numpy()
    kind, value = _identifier(world, person, events["channel"].to_numpy(), week)
    unsubscribe = (events["source"] == "email_unsubscribe").to_numpy()
    kind[unsubscribe] = "email"
    value[unsubscribe] = events.loc[unsubscribe, "_person"].map(
        unsubscribes.drop_duplicates("_person").set_index("_person")["email"]
    )
    events.insert(0, "consent_event_id", ids("CE", np.arange(len(events)) + 1, 9))
    events.insert(1, "identifier_type", kind)
    events.insert(2, "identifier_value", value)
    events["occurred_at"] = world.times(events.pop("week").to_numpy())
    return events


def erasure_requests(world: World) -> pd.DataFrame:
    """Right-to-be-forgotten requests near the end of the data, by email or CRM contact id."""
    rng, cfg, people = world.rng, world.cfg, world.people
    known = np.flatnonzero((world.crm_contact_of != None) | (world.account_of != None))  # noqa: E711
    person = known[rng.random(len(known)) < cfg.share_erasure]
    week = cfg.horizon_weeks - rng.uniform(0.1, 12, len(person))
    crm = world.crm_contact_of[person]
    by_contact = (crm != None) & (rng.random(len(person)) < 0.4)  # noqa: E711
    email = people["email"].to_numpy()[person]
    return pd.DataFrame(
        {
            "request_id": ids("ER", np.arange(len(person)) + 1, 6),
            "identifier_type": np.where(by_contact, "crm_contact_id", "email"),
            "identifier_value": np.where(by_contact, crm, email),
            "requested_at": world.times(week),
            "_person": person,
        }
    )


def true_consent_state(events: pd.DataFrame) -> pd.DataFrame:
    """What each person last said per purpose and channel (cells with no event are not granted)."""
    latest = events.sort_values("occurred_at", kind="stable").drop_duplicates(
        ["_person", "purpose", "channel"], keep="last"
    )
    return latest.assign(is_granted=latest["action"] == "granted")[["_person", "purpose", "channel", "is_granted"]]
