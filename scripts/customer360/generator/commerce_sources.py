"""Orders (web shop) and store transactions generated from the latent purchase process."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .frames import choose, ids
from .population import attribute_at
from .world import World

CATEGORIES = ("apparel", "footwear", "home", "beauty", "electronics", "toys", "grocery")


def split_channels(world: World, purchases: pd.DataFrame) -> np.ndarray:
    """True where a purchase happens online; each person has a personal online share."""
    online_share = world.rng.beta(2.0, 2.0, len(world.people))
    return world.rng.random(len(purchases)) < online_share[purchases["person"].to_numpy()]


def web_orders(world: World, purchases: pd.DataFrame) -> pd.DataFrame:
    """Web orders: through the person's account when they have one (85%), otherwise as a guest with an email."""
    rng = world.rng
    person = purchases["person"].to_numpy()
    week = purchases["week"].to_numpy()
    account = world.account_of[person]
    use_account = (account != None) & (rng.random(len(person)) < 0.85)  # noqa: E711
    email = world.emails(person, week, blank_rate=0.0)
    postcode = attribute_at(world.people, "postcode", person, week)
    return pd.DataFrame(
        {
            "order_id": ids("O", rng.permutation(len(person)) + 1, 9),
            "account_id": np.where(use_account, account, None),
            "email": email,
            "ordered_at": world.times(week),
            "status": choose(rng, ("completed", "returned"), len(person), (0.96, 0.04)),
            "currency": "GBP",
            "total_amount": purchases["amount"].to_numpy(),
            "shipping_postcode": postcode,
            "_person": person,
        }
    )


def order_lines(world: World, orders: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """1-4 lines per order whose quantity x unit price add up to the order total (returned, rounded)."""
    rng = world.rng
    n_lines = rng.integers(1, 5, len(orders))
    order_index = np.repeat(np.arange(len(orders)), n_lines)
    share = rng.random(len(order_index)) + 0.2
    share /= np.bincount(order_index, weights=share)[order_index]
    line_total = orders["total_amount"].to_numpy()[order_index] * share
    quantity = rng.choice((1, 1, 1, 2, 3), len(order_index))
    unit_price = np.round(line_total / quantity, 2).clip(0.01)
    totals = np.round(np.bincount(order_index, weights=quantity * unit_price), 2)
    line_number = np.arange(len(order_index)) - np.r_[0, np.cumsum(n_lines)[:-1]][order_index] + 1
    lines = pd.DataFrame(
        {
            "order_line_id": ids("OL", np.arange(len(order_index)) + 1, 10),
            "order_id": orders["order_id"].to_numpy()[order_index],
            "line_number": line_number,
            "sku": ids("SKU", rng.integers(1, 5000, len(order_index)), 5),
            "product_category": choose(rng, CATEGORIES, len(order_index)),
            "quantity": quantity,
            "unit_price": unit_price,
            "_person": orders["_person"].to_numpy()[order_index],
        }
    )
    return lines, totals


def store_transactions(world: World, purchases: pd.DataFrame) -> pd.DataFrame:
    """Till transactions; the loyalty card is presented three times in four, when the person has one."""
    rng = world.rng
    person = purchases["person"].to_numpy()
    card = world.card_of[person]
    presented = (card != None) & (rng.random(len(person)) < 0.75)  # noqa: E711
    home_store = rng.integers(1, 60, len(world.people))
    return pd.DataFrame(
        {
            "transaction_id": ids("T", rng.permutation(len(person)) + 1, 9),
            "store_id": ids("ST", home_store[person], 3),
            "loyalty_card_id": np.where(presented, card, None),
            "transacted_at": world.times(purchases["week"].to_numpy()),
            "total_amount": purchases["amount"].to_numpy(),
            "payment_method": choose(rng, ("card", "contactless", "cash"), len(person), (0.45, 0.45, 0.1)),
            "_person": person,
        }
    )
