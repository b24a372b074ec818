"""About 0.5% malformed rows per table, recorded in the truth so staging's quarantine can be checked."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

BAD_TIMESTAMPS = ("2024-13-45 25:61:00", "N/A", "31/31/2024", "yesterday", "0000-00-00 00:00:00")
BAD_DATES = ("1985-02-30", "unknown", "00/00/0000", "19850101x", "32/13/1990")
BAD_EMAILS = ("john.smith@@gmail.com", "jane.doe gmail.com", "bob@", "@hotmail.co.uk", "mary.jones@gmail")


@dataclass(frozen=True)
class TableDefects:
    """Which defects a table can carry: (kind, column) pairs; the key column gets duplicates and blanks."""

    key: str
    kinds: tuple[tuple[str, str], ...]
    # rows are ordered by this column when a duplicate key is resolved (latest wins); None: file order
    version_column: str | None = None


DEFECTS: dict[str, TableDefects] = {
    "crm/contacts": TableDefects(
        "contact_id",
        (("invalid_email", "email"), ("invalid_date", "birth_date")),
        version_column="updated_at",
    ),
    "shop/accounts": TableDefects("account_id", (("invalid_email", "email"),)),
    "shop/orders": TableDefects("order_id", (("invalid_timestamp", "ordered_at"), ("negative_amount", "total_amount"))),
    "shop/order_lines": TableDefects("order_line_id", (("negative_amount", "unit_price"),)),
    "pos/transactions": TableDefects(
        "transaction_id", (("invalid_timestamp", "transacted_at"), ("negative_amount", "total_amount"))
    ),
    "web/events": TableDefects("event_id", (("invalid_timestamp", "occurred_at"),)),
    "marketing/email_events": TableDefects(
        "event_id", (("invalid_timestamp", "occurred_at"), ("invalid_email", "email"))
    ),
    "support/tickets": TableDefects("ticket_id", (("invalid_timestamp", "created_at"), ("invalid_email", "email"))),
    "consent/consent_events": TableDefects("consent_event_id", (("invalid_timestamp", "occurred_at"),)),
}

_BAD_VALUES = {"invalid_timestamp": BAD_TIMESTAMPS, "invalid_date": BAD_DATES, "invalid_email": BAD_EMAILS}


def _bad_value(kind: str, original: object, u: float) -> str:
    if kind == "negative_amount":
        return f"-{float(original):.2f}"
    pool = _BAD_VALUES[kind]
    return pool[int(u * len(pool))]


def inject(name: str, table: pd.DataFrame, rate: float, rng: np.random.Generator):
    """Damage ~rate of the rows of one table; return the table and one truth row per damaged row.

    Kinds: a blank key, a duplicate key (a copy of a clean row appended at the end, carrying an
    older version when the table has a version column), or a bad value in a typed column. Each
    damaged row is distinct, and a duplicate always copies an undamaged row.
    """
    spec = DEFECTS.get(name)
    if spec is None or table.empty:
        return table, pd.DataFrame(columns=["source_table", "row_number", "record_id", "defect", "column"])
    kinds = (("missing_key", spec.key), ("duplicate_key", spec.key), *spec.kinds)
    damaged = np.flatnonzero(rng.random(len(table)) < rate)
    kind_of = rng.integers(0, len(kinds), len(damaged))
    table = table.copy()
    truth = []
    for k, (kind, column) in enumerate(kinds):
        rows = damaged[kind_of == k]
        if kind == "duplicate_key":
            continue
        original_ids = table[spec.key].to_numpy()[rows]
        draws = rng.random(len(rows))
        table.loc[rows, column] = [
            None if kind == "missing_key" else _bad_value(kind, v, u)
            for v, u in zip(table[column].to_numpy()[rows], draws, strict=True)
        ]
        truth.append(pd.DataFrame({"row_index": rows, "record_id": original_ids, "defect": kind, "column": column}))
    is_damaged = np.zeros(len(table), bool)
    is_damaged[damaged] = True
    clean = np.flatnonzero(~is_damaged)
    copies = rng.choice(clean, size=int((kind_of == 1).sum()), replace=False) if len(clean) else clean[:0]
    copy = table.iloc[copies].copy()
    if spec.version_column is not None:
        copy[spec.version_column] = "2000-01-01 00:00:00"
    truth.append(
        pd.DataFrame(
            {
                "row_index": np.arange(len(table), len(table) + len(copy)),
                "record_id": copy[spec.key].to_numpy(),
                "defect": "duplicate_key",
                "column": spec.key,
            }
        )
    )
    table = pd.concat([table, copy], ignore_index=True)
    defects = pd.concat(truth, ignore_index=True)
    defects.insert(0, "source_table", name)
    defects.insert(1, "row_number", defects.pop("row_index") + 1)
    return table, defects.sort_values("row_number", ignore_index=True)
