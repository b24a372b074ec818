"""Benchmark (not a test): how fast the dashboard's customer lookup answers on a published warehouse —
the search by email and the whole customer view (profile, stitched records, consent, journey), timed
together for persons drawn at random, on one read-only connection as the dashboard holds it."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from . import dashboard_data


def time_lookups(warehouse: Path, samples: int, seed: float = 0.42) -> tuple[int, list[float]]:
    """Persons in the warehouse, and seconds per lookup (search + customer view, pseudonymised) for
    `samples` random persons with an email."""
    con = dashboard_data.connect(warehouse)
    try:
        persons = con.sql("select count(*) from marts.customer_360").fetchall()[0][0]
        con.sql("select setseed(?)", params=[seed]).fetchall()
        emails = con.sql(
            f"select email from marts.customer_360 where email is not null order by random() limit {int(samples)}"
        ).fetchall()
        seconds = []
        for (email,) in emails:
            started = time.perf_counter()
            person_id = dashboard_data.find_persons(con, email)[0]
            dashboard_data.customer(con, person_id, clear_pii=False)
            seconds.append(time.perf_counter() - started)
        return persons, seconds
    finally:
        con.close()


def format_lookups(persons: int, seconds: list[float]) -> str:
    """The printed table: persons in the warehouse and lookup time percentiles."""
    ordered = sorted(seconds)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    return "\n".join(
        [
            "| persons | lookups | median (s) | p95 (s) | max (s) |",
            "|---:|---:|---:|---:|---:|",
            f"| {persons:,} | {len(seconds)} | {statistics.median(seconds):.3f} | {p95:.3f} | {max(seconds):.3f} |",
        ]
    )
