"""The Customer-360 dashboard end to end in a real browser: Streamlit serves the published warehouse,
Playwright drives Debian's chromium, looks up a person known from the generator's truth by email, and
checks the values shown against the warehouse. Pseudonymised by default: the clear email typed into the
search must not appear on the page; with the explicit setting it does. A screenshot of each page is
saved under the test's output folder (pytest's tmp_path, printed on failure)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import unicodedata
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pytest
from playwright.sync_api import Page, expect, sync_playwright

from customer360.dashboard_data import SHOW_PII_VARIABLE, connect, find_persons, pseudonym
from customer360.settings import Settings

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
APP = Path(__file__).resolve().parents[2] / "scripts" / "customer360" / "dashboard_app.py"

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium (make test installs it)")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def dashboard(settings: Settings, clear_pii: bool) -> Iterator[str]:
    """A Streamlit server on the published warehouse; yields its URL once it answers."""
    port = free_port()
    env = os.environ | settings.environ() | {SHOW_PII_VARIABLE: "1" if clear_pii else "0"}
    command = [sys.executable, "-m", "streamlit", "run", str(APP), "--server.port", str(port)]
    command += ["--server.headless", "true", "--browser.gatherUsageStats", "false"]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.read() == b"ok":
                        break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=20)


def known_person(settings: Settings) -> dict[str, object]:
    """A true buyer of the generator (not erased) whose email the warehouse resolved, with its values."""
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    truth = settings.truth_dir / "persons.parquet"
    row = con.sql(
        f"""
        select c.person_id, t.email, c.purchase_count, c.total_revenue, c.record_count,
            (select count(*) from marts.customer_360) as persons,
            (select min(source_record_id) from intermediate.int_identity_persons_assigned a
                where a.person_id = c.person_id) as source_record_id
        from '{truth}' t join marts.customer_360 c on c.email = lower(t.email)
        where not t.is_erased and c.purchase_count > 1
        order by t.person_id limit 1
        """
    ).fetchall()[0]
    con.close()
    keys = ["person_id", "email", "purchase_count", "total_revenue", "record_count", "persons", "source_record_id"]
    return dict(zip(keys, row, strict=True))


def look_up(page: Page, url: str, email: str) -> None:
    page.goto(url)
    page.get_by_role("tab", name="Customer lookup").click()
    box = page.get_by_label("Search by email, phone or name")
    box.fill(email)
    box.press("Enter")
    expect(page.get_by_text("Stitched records")).to_be_visible(timeout=30_000)


def profile_value(page: Page, field: str) -> str:
    """The value cell of one row of the profile card."""
    row = page.locator("table").first.locator("tr", has=page.locator("th", has_text=field)).first
    return row.locator("td").first.inner_text().strip()


@pytest.mark.parametrize("clear_pii", [False, True], ids=["pseudonymised", "clear-pii"])
def test_customer_lookup_shows_the_warehouse_values(published: Settings, tmp_path: Path, clear_pii: bool) -> None:
    person = known_person(published)
    with dashboard(published, clear_pii) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 2000})
        page.goto(url)
        charts = page.locator("[data-testid=stVegaLiteChart] svg.marks")
        expect(charts).to_have_count(4, timeout=30_000)  # the four overview charts, drawn
        persons_shown = page.get_by_test_id("stMetricValue").first.inner_text()
        page.screenshot(path=tmp_path / "overview.png", full_page=True)
        look_up(page, url, str(person["email"]))
        shown = {field: profile_value(page, field) for field in ("person_id", "email", "purchase_count")}
        shown["total_revenue"] = profile_value(page, "total_revenue")
        expect(page.locator("table")).to_have_count(4)  # profile, records, consent, timeline
        records_heading = page.get_by_text("Stitched records").inner_text()
        page_text = page.locator("body").inner_text()
        page.screenshot(path=tmp_path / f"lookup-{'clear' if clear_pii else 'pseudonymised'}.png", full_page=True)
        browser.close()
    assert int(persons_shown.replace(",", "")) == person["persons"]
    assert int(shown["purchase_count"]) == person["purchase_count"]
    assert float(shown["total_revenue"]) == pytest.approx(float(person["total_revenue"]))
    assert f"({person['record_count']})" in records_heading
    if clear_pii:
        assert shown["person_id"] == person["person_id"]
        assert shown["email"] == str(person["email"]).lower()
        assert str(person["source_record_id"]) in page_text
    else:
        assert shown["person_id"] == pseudonym(str(person["person_id"]))
        assert str(person["email"]).lower() not in page_text.lower()
        assert str(person["source_record_id"]) not in page_text  # source keys are hashed too
        assert pseudonym(str(person["source_record_id"])) in page_text
    assert (tmp_path / "overview.png").stat().st_size > 10_000


def test_name_search_ignores_case_accents_and_spacing(published: Settings) -> None:
    """Searching "  jose   WILLIAMS " finds every José Williams, and only persons of that name."""
    con = connect(published.warehouse)
    accented = con.sql(
        "select first_name, last_name from marts.customer_360 where first_name <> strip_accents(first_name) "
        "order by person_id limit 1"
    ).fetchall()[0]
    expected = {
        row[0]
        for row in con.sql(
            "select person_id from marts.customer_360 where first_name = $first and last_name = $last",
            params={"first": accented[0], "last": accented[1]},
        ).fetchall()
    }
    plain = unicodedata.normalize("NFKD", accented[0]).encode("ascii", "ignore").decode()
    typed = f"  {plain.lower()}   {accented[1].upper()} "
    found = set(find_persons(con, typed))
    con.close()
    assert plain != accented[0]
    assert found == expected
