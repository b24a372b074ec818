"""The generator: deterministic, realistic noise, and a purchase process that matches its theory."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import numpy as np
import pytest
from scipy.special import hyp2f1

from customer360.generator import GeneratorConfig, PurchaseProcess, generate
from customer360.generator.purchases import draw_latent_parameters, simulate_purchases


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*.parquet"))
    }


def test_same_seed_writes_identical_files_and_another_seed_does_not(tmp_path: Path) -> None:
    for name, seed in (("a", 3), ("b", 3), ("c", 4)):
        generate(GeneratorConfig(people=400, seed=seed), tmp_path / name / "raw", tmp_path / name / "truth",
                 progress=False)  # fmt: skip
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    differing = {k for k, v in _digest(tmp_path / "a").items() if _digest(tmp_path / "c").get(k) != v}
    assert "raw/crm/contacts.parquet" in differing


def _expected_repeat_purchases(params: PurchaseProcess, t: np.ndarray) -> np.ndarray:
    """BG/NBD E[X(t)] (Fader, Hardie & Lee 2005, eq. 9) for customers observed t weeks after their first purchase."""
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    z = t / (alpha + t)
    return (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + t)) ** r * hyp2f1(r, b, a + b - 1, z))


def test_simulated_purchase_counts_follow_the_bgnbd_expectation() -> None:
    params = PurchaseProcess()
    rng = np.random.default_rng(11)
    n, horizon = 60_000, 104.0
    first = rng.uniform(0, 100, n)
    latent = draw_latent_parameters(n, params, rng)
    purchases, _ = simulate_purchases(first, latent, horizon, params, rng)
    repeats = np.bincount(purchases["buyer"], minlength=n) - 1
    expected = _expected_repeat_purchases(params, horizon - first)
    # Mean over 60k buyers: the standard error is about 1% of the mean.
    assert repeats.mean() == pytest.approx(expected.mean(), rel=0.03)
    mean_spend = params.spend_p * params.spend_gamma / (params.spend_q - 1)
    assert purchases["amount"].mean() == pytest.approx(mean_spend, rel=0.05)


def test_truth_covers_every_raw_row_and_marks_about_half_a_percent_malformed(tmp_path: Path) -> None:
    generate(GeneratorConfig(people=3_000, seed=5), tmp_path / "raw", tmp_path / "truth", progress=False)
    con = duckdb.connect()
    truth = con.sql(f"select source_table, count(*) from '{tmp_path}/truth/records.parquet' group by 1").fetchall()
    for table, rows in truth:
        raw_rows = con.sql(f"select count(*) from '{tmp_path}/raw/{table}.parquet'").fetchall()[0][0]
        assert raw_rows == rows, table
    total = sum(rows for _, rows in truth)
    defects = con.sql(f"select count(*) from '{tmp_path}/truth/defects.parquet'").fetchall()[0][0]
    assert 0.003 * total < defects < 0.007 * total


@pytest.fixture(scope="module")
def noisy(tmp_path_factory: pytest.TempPathFactory) -> tuple[duckdb.DuckDBPyConnection, Path]:
    root = tmp_path_factory.mktemp("noisy")
    generate(GeneratorConfig(people=10_000, seed=9), root / "raw", root / "truth", progress=False)
    return duckdb.connect(), root


def test_junk_identifiers_are_shared_by_many_people(noisy) -> None:
    con, root = noisy
    rows = con.sql(f"""
        with contacts as (
            select *, row_number() over () as row_number from '{root}/raw/crm/contacts.parquet'
        )
        select lower(trim(c.email)) as email, count(distinct t.person_id) as persons
        from contacts c
        join '{root}/truth/records.parquet' t
            on t.source_table = 'crm/contacts' and t.row_number = c.row_number
        group by 1 having count(distinct t.person_id) > 1
    """).fetchall()
    shared = dict(rows)
    assert shared.get("test@test.com", 0) >= 5
    # Households sharing one family mailbox: several real addresses used by 2-4 people each.
    assert sum(1 for email, n in shared.items() if 2 <= n <= 4 and "@" in email) >= 10


def test_nicknames_and_day_month_swaps_appear(noisy) -> None:
    con, root = noisy
    nick = con.sql(f"""
        with contacts as (select *, row_number() over () as rn from '{root}/raw/crm/contacts.parquet'),
        joined as (
            select lower(trim(c.first_name)) as seen, lower(p.first_name) as true_name,
                   c.birth_date as seen_birth, p.birth_date as true_birth
            from contacts c
            join '{root}/truth/records.parquet' t on t.source_table = 'crm/contacts' and t.row_number = c.rn
            join '{root}/truth/persons.parquet' p on p.person_id = t.person_id
        )
        select
            count(*) filter (where true_name = 'robert' and seen in ('bob', 'rob', 'bobby')),
            count(*) filter (where try_cast(seen_birth as date) is not null
                and try_cast(seen_birth as date) != true_birth
                and day(try_cast(seen_birth as date)) = month(true_birth)
                and month(try_cast(seen_birth as date)) = day(true_birth))
        from joined
    """).fetchall()[0]
    assert nick[0] >= 3
    assert nick[1] >= 10


def test_anonymous_visitors_log_in_later_on_the_same_cookie(noisy) -> None:
    con, root = noisy
    stitched = con.sql(f"""
        with events as (select * from '{root}/raw/web/events.parquet' where occurred_at like '20%'),
        per_cookie as (
            select cookie_id,
                   min(occurred_at) filter (where user_id is null) as first_anonymous,
                   min(occurred_at) filter (where user_id is not null) as first_login,
                   count(distinct user_id) as accounts
            from events group by 1
        )
        select count(*) filter (where first_anonymous < first_login),
               count(*) filter (where accounts > 1)
        from per_cookie
    """).fetchall()[0]
    assert stitched[0] >= 100
    assert stitched[1] >= 1
