"""Customer-360 dashboard (Streamlit): `customer360 dashboard`, or
`streamlit run scripts/customer360/dashboard_app.py`.

Two pages: an overview of the whole warehouse and a customer lookup. It reads the published warehouse
read-only (CUSTOMER360_DUCKDB_PATH) and shows pseudonymised values unless
CUSTOMER360_DASHBOARD_SHOW_PII=1 (see dashboard_data). Tables are `st.table` (plain HTML), so what a
person sees is also what a browser test can read.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from customer360 import dashboard_data as data
from customer360.settings import Settings


@st.cache_resource
def connection() -> object:
    """One read-only database per server process; each page run takes its own cursor from it, because a
    DuckDB connection must not be shared by Streamlit's session threads at once."""
    return data.connect(Settings.from_env().warehouse)


def render_overview(con: object) -> None:
    """Headline numbers and the four charts."""
    summary = data.overview(con)
    columns = st.columns(4)
    columns[0].metric("Persons", f"{summary.persons:,}")
    columns[1].metric("Source records", f"{summary.records:,}")
    columns[2].metric("Records linked to another", f"{summary.share_linked:.0%}")
    columns[3].metric("Buyers", f"{summary.buyers:,}")
    left, right = st.columns(2)
    left.subheader("Segments")
    left.bar_chart(summary.segments, x="segment", y="persons")
    right.subheader("Churn-risk bands")
    right.bar_chart(summary.churn_bands, x="churn_band", y="persons")
    left.subheader("CLV distribution (bins of 50)")
    left.bar_chart(summary.clv_distribution, x="clv_from", y="persons")
    right.subheader("Consent coverage (share granted)")
    right.bar_chart(summary.consent_coverage, x="purpose_channel", y="share_granted")


def profile_table(profile: dict[str, object]) -> pd.DataFrame:
    """The profile card as two text columns (blank where a value is missing)."""
    rows = [(name, "" if pd.isna(value) else str(value)) for name, value in profile.items()]
    return pd.DataFrame(rows, columns=["field", "value"]).set_index("field")


def render_lookup(con: object, clear_pii: bool) -> None:
    """Search by email, phone or name; show the chosen person's whole history."""
    text = st.text_input("Search by email, phone or name", key="search")
    if not text:
        return
    matches = data.find_persons(con, text)
    if not matches:
        st.warning("No person matches.")
        return
    person_id = st.selectbox(f"{len(matches)} match(es)", matches) if len(matches) > 1 else matches[0]
    view = data.customer(con, person_id, clear_pii)
    st.subheader("Profile")
    st.table(profile_table(view.profile))
    st.subheader(f"Stitched records ({len(view.records)})")
    st.table(view.records)
    st.subheader("Consent state")
    st.table(view.consent)
    st.subheader(f"Journey timeline ({len(view.timeline)} touchpoints)")
    st.table(view.timeline.head(200))


def main() -> None:
    st.set_page_config(page_title="Customer 360", layout="wide")
    st.title("Customer 360")
    clear_pii = data.show_pii()
    st.caption("Clear PII shown (CUSTOMER360_DASHBOARD_SHOW_PII is set)" if clear_pii else "PII pseudonymised")
    con = connection().cursor()
    overview_tab, lookup_tab = st.tabs(["Overview", "Customer lookup"])
    with overview_tab:
        render_overview(con)
    with lookup_tab:
        render_lookup(con, clear_pii)


main()
