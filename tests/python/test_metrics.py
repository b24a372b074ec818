"""The semantic layer answers with the warehouse's own numbers: `mf query` (MetricFlow on DuckDB) against
the built warehouse must agree with direct SQL on the marts — customer revenue with customer_360's
revenue, churn rate and average CLV with its scores, consented reach with the activation audiences."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from customer360.settings import PROJECT_DIR, Settings

from .conftest import BuiltWarehouse


def mf_query(built: BuiltWarehouse, out: Path, *args: str) -> list[dict[str, str]]:
    """Run `mf query ... --csv out` on the built warehouse; the rows as dicts.

    mf reads <project root>/target/semantic_manifest.json, so it runs in a project root of its own holding
    the semantic manifest of the built warehouse's build: the project's target/ belongs to other tests.
    """
    root = out.parent / "mf_project"
    (root / "target").mkdir(parents=True, exist_ok=True)
    for name in ("dbt_project.yml", "profiles.yml"):
        shutil.copy(PROJECT_DIR / name, root / name)
    shutil.copy(built.warehouse.parent / "target" / "semantic_manifest.json", root / "target")
    settings = Settings(PROJECT_DIR, built.raw_dir, built.truth_dir, built.warehouse)
    env = os.environ | settings.environ() | {"DBT_PROFILES_DIR": str(root)}
    mf = Path(sys.executable).with_name("mf")
    result = subprocess.run(
        [str(mf), "query", *args, "--csv", str(out)], env=env, cwd=root, capture_output=True, text=True
    )
    assert result.returncode == 0 and out.exists(), result.stdout[-2000:] + result.stderr[-2000:]
    with out.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_metrics_agree_with_the_marts(built: BuiltWarehouse, tmp_path: Path) -> None:
    metrics = "revenue,customer_revenue,active_customers,churn_rate,average_clv"
    [row] = mf_query(built, tmp_path / "totals.csv", "--metrics", metrics)
    con = built.connect()
    revenue, buyers, churn, clv = con.sql(
        "select sum(total_revenue), count(*) filter (where total_revenue > 0), avg(churn_probability), avg(clv) "
        "from marts.customer_360"
    ).fetchall()[0]
    all_revenue = con.sql(
        "select sum(amount) filter (where not is_returned) from intermediate.int_commerce_purchases_attributed"
    ).fetchall()[0][0]
    con.close()
    assert float(row["customer_revenue"]) == pytest.approx(float(revenue))
    assert float(row["revenue"]) == pytest.approx(float(all_revenue))
    assert float(row["revenue"]) > float(row["customer_revenue"])  # store purchases without a card
    assert int(row["active_customers"]) >= buyers  # also persons whose only order was returned
    assert float(row["churn_rate"]) == pytest.approx(churn)
    assert float(row["average_clv"]) == pytest.approx(clv)


def test_consented_reach_per_channel_equals_the_audiences(built: BuiltWarehouse, tmp_path: Path) -> None:
    rows = mf_query(
        built, tmp_path / "reach.csv", "--metrics", "consented_reach", "--group-by", "consent_grant__channel"
    )
    reach = {row["consent_grant__channel"]: int(row["consented_reach"]) for row in rows}
    con = built.connect()
    audiences = {
        channel: con.sql(f"select count(*) from marts.audience_marketing_{channel}").fetchall()[0][0]
        for channel in ("email", "sms", "push")
    }
    con.close()
    assert {channel: reach.get(channel, 0) for channel in audiences} == audiences
    assert sum(audiences.values()) > 0
