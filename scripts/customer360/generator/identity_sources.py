"""CRM contacts and web-shop accounts: the sources that describe who a person is."""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import noise
from .frames import choose, format_times, ids
from .world import World


def crm_contacts(world: World) -> pd.DataFrame:
    """CRM contacts: most people once, some twice (duplicate contact created later, often after a move)."""
    cfg, rng, people = world.cfg, world.rng, world.people
    n = len(people)
    has_contact = np.flatnonzero(rng.random(n) < cfg.share_crm)
    duplicated = has_contact[rng.random(len(has_contact)) < cfg.share_crm_duplicate]
    person = np.concatenate([has_contact, duplicated])
    acquired = people["acquired_at_week"].to_numpy()[person]
    created = acquired + rng.exponential(2.0, len(person))
    is_second = np.r_[np.zeros(len(has_contact), bool), np.ones(len(duplicated), bool)]
    created[is_second] = world.uniform_weeks(created[is_second], cfg.horizon_weeks)
    created = np.minimum(created, cfg.horizon_weeks - 0.01)
    updated = world.uniform_weeks(created, cfg.horizon_weeks)
    contact_id = ids("C", rng.permutation(len(person)) + 1, 8)
    world.crm_contact_of[has_contact] = contact_id[: len(has_contact)]

    first_contacts = np.arange(len(has_contact))
    with_card = first_contacts[rng.random(len(has_contact)) < cfg.share_loyalty_card]
    card = np.full(len(person), None, dtype=object)
    card[with_card] = ids("LC", rng.permutation(len(with_card)) + 10_000_000, 10)
    world.card_of[person[with_card]] = card[with_card]

    birth = noise.swap_day_month(people["birth_date"].to_numpy()[person], rng, cfg.rate_day_month_swap)
    european = rng.random(len(person)) < 0.2
    birth_text = np.where(european, format_times(birth, "%d/%m/%Y"), format_times(birth, "%Y-%m-%d"))
    address = world.addresses(person, updated, blank_rate=0.08)
    return pd.DataFrame(
        {
            "contact_id": contact_id,
            "first_name": world.first_names(person),
            "last_name": world.last_names(person),
            "email": world.emails(person, updated, blank_rate=0.10),
            "phone": world.phones(person, blank_rate=0.12),
            "birth_date": noise.blank(birth_text.astype(object), rng, 0.15),
            "address_line": address["address_line"],
            "postcode": address["postcode"],
            "city": address["city"],
            "country": choose(rng, ("GB", "gb", " GB"), len(person), (0.9, 0.07, 0.03)),
            "loyalty_card_id": card,
            "created_at": world.times(created),
            "updated_at": world.times(updated),
            "_person": person,
        }
    )


def shop_accounts(world: World) -> pd.DataFrame:
    """Web-shop accounts: the email is mandatory; a few people open a second account with a new email."""
    cfg, rng, people = world.cfg, world.rng, world.people
    n = len(people)
    has_account = np.flatnonzero(rng.random(n) < cfg.share_shop_account)
    second = has_account[rng.random(len(has_account)) < cfg.share_second_account]
    person = np.concatenate([has_account, second])
    acquired = people["acquired_at_week"].to_numpy()[person]
    created = acquired + rng.exponential(1.0, len(person))
    is_second = np.r_[np.zeros(len(has_account), bool), np.ones(len(second), bool)]
    created[is_second] = world.uniform_weeks(created[is_second], cfg.horizon_weeks)
    created = np.minimum(created, cfg.horizon_weeks - 0.01)
    account_id = ids("A", rng.permutation(len(person)) + 1, 8)
    world.account_of[has_account] = account_id[: len(has_account)]
    email = world.emails(person, created, blank_rate=0.0)
    second_email = people["new_email"].to_numpy()[person[is_second]]
    fallback = noise.email_variants(people["email"].to_numpy()[person[is_second]], rng, 1.0)
    email[is_second] = np.where(second_email != None, second_email, fallback)  # noqa: E711
    address = world.addresses(person, created, blank_rate=0.3)
    return pd.DataFrame(
        {
            "account_id": account_id,
            "email": email,
            "first_name": world.first_names(person),
            "last_name": world.last_names(person),
            "phone": world.phones(person, blank_rate=0.5),
            "postcode": address["postcode"],
            "created_at": world.times(created),
            "_person": person,
        }
    )
