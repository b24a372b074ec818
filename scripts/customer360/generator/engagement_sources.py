"""Web/app events, email-marketing events and support tickets."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .frames import choose, ids
from .population import attribute_at
from .world import World

PAGES = ("/", "/search", "/product", "/category", "/cart", "/checkout", "/account", "/help", "/newsletter")
BROWSING_EVENTS = ("page_view", "product_view", "add_to_cart", "search")


def _devices(world: World) -> pd.DataFrame:
    """Devices (cookies): account holders browse on 1-3 devices; some other people visit anonymously."""
    cfg, rng, people = world.cfg, world.rng, world.people
    n = len(people)
    has_account = world.account_of != None  # noqa: E711
    count = np.where(has_account, 1 + rng.binomial(2, 0.35, n), (rng.random(n) < cfg.share_anonymous_visitor))
    owner = np.repeat(np.arange(n), count)
    first_seen = world.uniform_weeks(people["acquired_at_week"].to_numpy()[owner] - 4, cfg.horizon_weeks)
    head = people["household_head"].to_numpy()[owner]
    shared = (head != owner) & (rng.random(len(owner)) < cfg.share_shared_device * 10)
    return pd.DataFrame(
        {
            "cookie_id": ids("ck_", rng.permutation(len(owner)) + 1, 10),
            "owner": owner,
            "co_user": np.where(shared, head, -1),
            "first_seen": first_seen.clip(0, cfg.horizon_weeks - 0.01),
            "device_type": choose(world.rng, ("mobile", "desktop", "tablet", "app"), len(owner), (5, 3, 1, 1)),
        }
    )


def _sessions(world: World, devices: pd.DataFrame) -> pd.DataFrame:
    """Sessions per device; on account holders' devices the person logs in from some session onwards."""
    rng, horizon = world.rng, world.cfg.horizon_weeks
    per_device = 1 + rng.poisson(4.0, len(devices))
    device = np.repeat(np.arange(len(devices)), per_device)
    week = world.uniform_weeks(devices["first_seen"].to_numpy()[device], horizon)
    order = np.lexsort((week, device))
    device, week = device[order], week[order]
    index_in_device = np.arange(len(device)) - np.r_[0, np.cumsum(per_device)[:-1]][device]
    owner = devices["owner"].to_numpy()[device]
    co_user = devices["co_user"].to_numpy()[device]
    person = np.where((co_user >= 0) & (rng.random(len(device)) < 0.3), co_user, owner)
    login_from = np.where(rng.random(len(devices)) < 0.6, 0, rng.integers(1, 6, len(devices)))[device]
    account = world.account_of[person]
    logged_in = (account != None) & (index_in_device >= login_from) & (rng.random(len(device)) < 0.85)  # noqa: E711
    first_login = logged_in & (pd.Series(logged_in.astype(int)).groupby(device).cumsum().to_numpy() == 1)
    return pd.DataFrame(
        {
            "session_id": ids("s_", rng.permutation(len(device)) + 1, 10),
            "device": device,
            "person": person,
            "week": week,
            "user_id": np.where(logged_in, account, None),
            "is_first_login": first_login,
        }
    )


def web_events(world: World) -> pd.DataFrame:
    """Clickstream: anonymous until login; form submits (newsletter, contact) carry an email."""
    rng = world.rng
    devices = _devices(world)
    sessions = _sessions(world, devices)
    per_session = 1 + rng.poisson(2.5, len(sessions))
    session = np.repeat(np.arange(len(sessions)), per_session)
    position = np.arange(len(session)) - np.r_[0, np.cumsum(per_session)[:-1]][session]
    week = sessions["week"].to_numpy()[session] + position * rng.uniform(5, 90, len(session)) / 10_080
    person = sessions["person"].to_numpy()[session]
    user_id = sessions["user_id"].to_numpy()[session]
    event_type = choose(rng, BROWSING_EVENTS, len(session), (70, 15, 8, 7))
    is_login = sessions["is_first_login"].to_numpy()[session] & (position == 0)
    event_type[is_login] = "login"
    is_form = (user_id == None) & (rng.random(len(session)) < 0.02)  # noqa: E711
    event_type[is_form] = "form_submit"
    email = np.full(len(session), None, dtype=object)
    email[is_form] = attribute_at(world.people, "email", person[is_form], week[is_form])
    page = choose(rng, PAGES, len(session))
    page[is_form] = "/newsletter"
    return pd.DataFrame(
        {
            "event_id": ids("E", np.arange(len(session)) + 1, 10),
            "cookie_id": devices["cookie_id"].array.take(sessions["device"].to_numpy()[session]),
            "session_id": sessions["session_id"].array.take(session),
            "user_id": user_id,
            "email": email,
            "event_type": event_type,
            "page_url": page,
            "device_type": devices["device_type"].to_numpy()[sessions["device"].to_numpy()[session]],
            "occurred_at": world.times(week),
            "_person": person,
        }
    )


def email_events(world: World) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Campaign sends to subscribers, with opens, clicks, bounces and unsubscribes.

    Returns the events and the unsubscribes (person, week, email) so the consent tool can record them.
    """
    cfg, rng, people = world.cfg, world.rng, world.people
    n = len(people)
    subscriber = np.flatnonzero(rng.random(n) < cfg.share_subscriber)
    since = people["acquired_at_week"].to_numpy()[subscriber]
    sends = rng.poisson((cfg.horizon_weeks - since) / 6.0)
    person = np.repeat(subscriber, sends)
    week = world.uniform_weeks(np.repeat(since, sends), cfg.horizon_weeks)
    campaign_week = np.floor(week).astype(int)
    address = np.repeat(world.emails(subscriber, since, blank_rate=0.0), sends)
    outcome = rng.random(len(person))
    bounced = outcome < 0.02
    opened = ~bounced & (outcome < 0.33)
    clicked = opened & (rng.random(len(person)) < 0.25)
    order = np.lexsort((week, person))
    person, week, campaign_week, address = person[order], week[order], campaign_week[order], address[order]
    bounced, opened, clicked = bounced[order], opened[order], clicked[order]
    last_send = np.r_[person[1:] != person[:-1], True] if len(person) else np.zeros(0, bool)
    unsubscribed = last_send & ~bounced & (rng.random(len(person)) < 0.06)
    parts = []
    for kind, mask, delay in (
        ("sent", np.ones(len(person), bool), 0.0),
        ("bounce", bounced, 0.0005),
        ("open", opened, 0.02),
        ("click", clicked, 0.03),
        ("unsubscribe", unsubscribed, 0.04),
    ):
        parts.append(
            pd.DataFrame(
                {
                    "email": address[mask],
                    "campaign_id": ids("CMP", campaign_week[mask], 4),
                    "event_type": kind,
                    "week": week[mask] + delay,
                    "_person": person[mask],
                }
            )
        )
    events = pd.concat(parts, ignore_index=True).sort_values("week", kind="stable", ignore_index=True)
    events.insert(0, "event_id", ids("M", np.arange(len(events)) + 1, 10))
    unsubscribes = events.loc[events["event_type"] == "unsubscribe", ["_person", "week", "email"]]
    events["occurred_at"] = world.times(events.pop("week").to_numpy())
    return events, unsubscribes.reset_index(drop=True)


def support_tickets(world: World) -> pd.DataFrame:
    """Support tickets: email and/or phone, a free-typed name, and day-first timestamps from the desk tool."""
    cfg, rng, people = world.cfg, world.rng, world.people
    n = len(people)
    raiser = np.flatnonzero(rng.random(n) < cfg.share_support)
    person = np.repeat(raiser, 1 + rng.poisson(0.5, len(raiser)))
    created = world.uniform_weeks(people["acquired_at_week"].to_numpy()[person], cfg.horizon_weeks)
    has_email = rng.random(len(person)) < 0.75
    has_phone = ~has_email | (rng.random(len(person)) < 0.4)
    resolved = rng.random(len(person)) < 0.9
    resolved_week = np.minimum(created + rng.exponential(0.4, len(person)), cfg.horizon_weeks)
    rated = resolved & (rng.random(len(person)) < 0.6)
    score = rng.choice((1, 2, 3, 4, 5), len(person), p=(0.08, 0.07, 0.15, 0.3, 0.4)).astype(str)
    desk_format = "%d/%m/%Y %H:%M"
    return pd.DataFrame(
        {
            "ticket_id": ids("TK", rng.permutation(len(person)) + 1, 8),
            "email": np.where(has_email, world.emails(person, created, blank_rate=0.0), None),
            "phone": np.where(has_phone, world.phones(person, blank_rate=0.0), None),
            "customer_name": world.first_names(person) + " " + world.last_names(person),
            "channel": choose(rng, ("email", "phone", "chat"), len(person), (0.5, 0.3, 0.2)),
            "category": choose(rng, ("delivery", "returns", "billing", "product", "account"), len(person)),
            "status": np.where(resolved, "resolved", "open"),
            "satisfaction_score": np.where(rated, score, None),
            "created_at": world.times(created, desk_format),
            "resolved_at": np.where(resolved, world.times(resolved_week, desk_format), None),
            "_person": person,
        }
    )
