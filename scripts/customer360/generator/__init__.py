"""Synthetic multi-source retail data with ground truth.

``generate`` writes the raw exports of a retail company (CRM, web shop, stores, web analytics,
email marketing, support desk, consent tool) for ``people`` true persons, and beside them a truth
folder (record -> true person, latent purchase parameters, alive/dead state, true consent state,
injected defects) that no dbt model reads. Everything is drawn from one seeded random stream, so a
seed reproduces the same files byte for byte.
"""

from __future__ import annotations

import dataclasses
import json
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm import tqdm

from . import commerce_sources, consent_sources, defects, engagement_sources, identity_sources
from .config import GeneratorConfig, PurchaseProcess
from .population import build_population
from .purchases import draw_latent_parameters, simulate_purchases
from .reference import load_reference
from .world import World
from .writer import as_text, person_ids, write_table, write_truth

__all__ = ["GenerationSummary", "GeneratorConfig", "PurchaseProcess", "generate"]


@dataclass(frozen=True)
class GenerationSummary:
    """What was written: rows per raw table and the wall time."""

    rows: dict[str, int]
    seconds: float


def _purchases(world: World) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Simulate purchases for buyers; returns purchases (with person) and the buyer truth."""
    cfg, rng, people = world.cfg, world.rng, world.people
    buyers = np.flatnonzero(rng.random(len(people)) < cfg.share_buyers)
    latent = draw_latent_parameters(len(buyers), cfg.purchases, rng)
    first = people["acquired_at_week"].to_numpy()[buyers] + rng.exponential(0.5, len(buyers))
    first = np.minimum(first, cfg.horizon_weeks - 0.01)
    purchases, dropout_week = simulate_purchases(first, latent, cfg.horizon_weeks, cfg.purchases, rng)
    purchases["person"] = buyers[purchases["buyer"].to_numpy()]
    latent["person_index"] = buyers
    latent["first_purchase_week"] = first
    latent["dropout_week"] = dropout_week
    return purchases, latent


def _build_tables(world: World) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    tables: dict[str, pd.DataFrame] = {}
    tables["crm/contacts"] = identity_sources.crm_contacts(world)
    tables["shop/accounts"] = identity_sources.shop_accounts(world)
    purchases, latent = _purchases(world)
    online = commerce_sources.split_channels(world, purchases)
    orders = commerce_sources.web_orders(world, purchases[online])
    lines, totals = commerce_sources.order_lines(world, orders)
    orders["total_amount"] = totals
    tables["shop/orders"] = orders
    tables["shop/order_lines"] = lines
    tables["pos/transactions"] = commerce_sources.store_transactions(world, purchases[~online])
    tables["web/events"] = engagement_sources.web_events(world)
    email_events, unsubscribes = engagement_sources.email_events(world)
    tables["marketing/email_events"] = email_events
    tables["support/tickets"] = engagement_sources.support_tickets(world)
    tables["consent/consent_events"] = consent_sources.consent_events(world, unsubscribes)
    tables["consent/erasure_requests"] = consent_sources.erasure_requests(world)
    spend = pd.concat([orders[["_person", "total_amount"]], tables["pos/transactions"][["_person", "total_amount"]]])
    latent = latent.merge(
        spend.groupby("_person")["total_amount"]
        .agg(["count", "sum"])
        .rename(columns={"count": "purchases", "sum": "total_spend"}),
        left_on="person_index",
        right_index=True,
        how="left",
    )
    return tables, latent


def _truth_persons(world: World, latent: pd.DataFrame, erased: np.ndarray) -> pd.DataFrame:
    people = world.people
    truth = pd.DataFrame(
        {
            "person_id": person_ids(people["person_index"].to_numpy()),
            "person_index": people["person_index"].to_numpy(),
            "first_name": people["first_name"],
            "last_name": people["last_name"],
            "birth_date": people["birth_date"].to_numpy().astype("datetime64[D]"),
            "email": people["email"],
            "new_email": people["new_email"],
            "shared_email": people["shared_email"],
            "mobile_national": people["mobile"],
            "landline_national": people["landline"],
            "household_id": people["household_id"],
            "is_erased": np.isin(people["person_index"].to_numpy(), erased),
        }
    ).merge(latent, on="person_index", how="left")
    truth["is_buyer"] = truth["purchase_rate_per_week"].notna()
    truth["is_alive_at_end"] = truth["is_buyer"] & np.isinf(truth["dropout_week"].fillna(0))
    truth["dropout_week"] = truth["dropout_week"].where(np.isfinite(truth["dropout_week"]))
    return truth.drop(columns=["person_index"])


def _record_truth(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    key = defects.DEFECTS[name].key if name in defects.DEFECTS else frame.columns[0]
    return pd.DataFrame(
        {
            "source_table": name,
            "row_number": np.arange(1, len(frame) + 1),
            "record_id": frame[key].to_numpy(dtype=object),
            "person_id": person_ids(frame["_person"].to_numpy()),
        }
    )


def generate(
    cfg: GeneratorConfig, out_dir: Path, truth_dir: Path, file_format: str = "parquet", progress: bool = True
) -> GenerationSummary:
    """Generate raw files under ``out_dir/<source>/<table>.<format>`` and the truth under ``truth_dir``."""
    started = time.perf_counter()
    rng = np.random.default_rng(cfg.seed)
    steps = tqdm(total=4, desc="generate", unit="step", disable=not progress)
    ref = load_reference()
    world = World(cfg=cfg, rng=rng, ref=ref, people=build_population(cfg, rng, ref))
    steps.update()
    tables, latent = _build_tables(world)
    steps.update()
    rows, record_truth, defect_truth = {}, [], []
    # Each table is let go once written (the truth needs only the consent tables afterwards): holding all
    # of them beside the text copy being written set the peak memory at a million people.
    kept = {name: tables[name] for name in ("consent/consent_events", "consent/erasure_requests")}
    for name in list(tables):
        text, damaged = defects.inject(name, as_text(tables.pop(name)), cfg.share_malformed, rng)
        write_table(text, out_dir / name, file_format)
        rows[name] = len(text)
        record_truth.append(_record_truth(name, text))
        defect_truth.append(damaged)
        del text, damaged
    steps.update()
    consent = consent_sources.true_consent_state(kept["consent/consent_events"])
    consent.insert(0, "person_id", person_ids(consent.pop("_person").to_numpy()))
    write_truth(
        {
            "persons": _truth_persons(world, latent, kept["consent/erasure_requests"]["_person"].to_numpy()),
            "records": pd.concat(record_truth, ignore_index=True),
            "defects": pd.concat(defect_truth, ignore_index=True),
            "consent_state": consent,
        },
        truth_dir,
    )
    parameters = dataclasses.asdict(cfg) | {"file_format": file_format, "horizon_weeks": cfg.horizon_weeks}
    (truth_dir / "parameters.json").write_text(json.dumps(parameters, default=str, indent=2))
    steps.update()
    steps.close()
    return GenerationSummary(rows=rows, seconds=time.perf_counter() - started)
