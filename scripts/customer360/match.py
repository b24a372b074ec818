"""Probabilistic record matching with Splink 5 (Fellegi-Sunter) on DuckDB.

The identity graph links records deterministically through shared identifiers; this module scores
the pairs that identifiers cannot settle — a contact who moved and changed mailbox, a second shop
account, a support ticket with a typo in the name — on names (nickname-aware), birth date,
postcode, email and phone. u is estimated by random sampling, m by expectation maximisation, and
exact matches on names, emails and phones are adjusted for term frequency (a shared "Smith" says
less than a shared "Featherstonehaugh").

The same settings serve two callers: the dbt Python model ``int_identity_fuzzy_pairs`` (pairs above
a floor, kept for audit; those above the match threshold become graph edges) and the evaluation's
Splink-only baseline, which clusters the pairs directly.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on
from splink.internals.exceptions import SplinkException

# Columns the matcher reads; any of them may be absent or empty and is then simply not used.
MATCH_COLUMNS = (
    "first_name",
    "first_name_key",
    "last_name",
    "birth_date",
    "email",
    "phone",
    "postcode",
    "uncommon_full_name",
)
# The match columns prepare_records computes from the others, never taken from the input.
DERIVED_COLUMNS = ("first_name_key", "uncommon_full_name")

# A full name held by more records than this is too common to make a candidate pair on its own: at a
# million people "james smith" alone held 2,173 records, and the full-name rule compared 188M pairs
# (95% of Splink's time) to keep 922 pairs that no other rule finds, none of them above the match
# threshold. Such records are still compared when they also share a birth date, a postcode, an email or
# a phone (the other rules). docs/decisions.md, 2026-12-04.
COMMON_FULL_NAME_RECORDS = 50

# Comparisons and the blocking keys they need (a blocking rule is skipped when its columns are empty).
# uncommon_full_name is first_name_key + last_name, null where that name is common (prepare_records).
BLOCKING_KEYS: tuple[tuple[str, ...], ...] = (
    ("uncommon_full_name",),
    ("last_name", "birth_date"),
    ("first_name_key", "birth_date"),
    ("first_name_key", "postcode"),
    ("email",),
    ("phone",),
)

# Per-comparison match weights every scored-pairs table carries (null where a comparison had no data),
# so the graph's rules can read them whatever columns a company's records hold.
WEIGHT_COLUMNS = tuple(f"mw_{name}" for name in ("first_name", "last_name", "birth_date", "email", "phone", "postcode"))

# Deterministic rules used only to estimate the prior match probability (lambda).
PRIOR_RULES: tuple[tuple[str, ...], ...] = (("first_name_key", "last_name", "birth_date"), ("email",), ("phone",))
PRIOR_RECALL = 0.8

# EM sessions: each fixes the comparisons it blocks on and estimates m for the others.
EM_BLOCKS: tuple[tuple[str, ...], ...] = (("first_name_key", "last_name"), ("birth_date",), ("email",))


@dataclass(frozen=True)
class MatchConfig:
    """Tuning knobs; defaults are what the pipeline uses (dbt vars override the weights)."""

    audit_weight_floor: float = 0.0
    u_max_pairs: float = 2e6
    em_max_pairs: float = 5e5
    seed: int = 42
    # Splink's own DuckDB spills to disk beyond this, so matching a million records stays within the
    # machine's budget beside the dbt process that hands it the records.
    memory_limit: str = "4GB"


def _first_name_comparison() -> cl.CustomComparison:
    """Exact (with term frequencies), nickname-equivalent, typo-close, else."""
    return cl.CustomComparison(
        output_column_name="first_name",
        comparison_levels=[
            cll.NullLevel("first_name"),
            cll.ExactMatchLevel("first_name", term_frequency_adjustments=True),
            cll.ExactMatchLevel("first_name_key").configure(label_for_charts="Nickname of the same name"),
            cll.JaroWinklerLevel("first_name", 0.92),
            cll.JaroWinklerLevel("first_name", 0.85),
            cll.ElseLevel(),
        ],
    )


def _birth_date_comparison() -> cl.CustomComparison:
    """Exact, day and month swapped (US vs European entry), same year, else."""
    return cl.CustomComparison(
        output_column_name="birth_date",
        comparison_levels=[
            cll.NullLevel("birth_date"),
            cll.ExactMatchLevel("birth_date"),
            cll.CustomLevel(
                "year(birth_date_l) = year(birth_date_r) and month(birth_date_l) = day(birth_date_r) "
                "and day(birth_date_l) = month(birth_date_r)",
                label_for_charts="Day and month swapped",
            ),
            cll.CustomLevel("year(birth_date_l) = year(birth_date_r)", label_for_charts="Same year"),
            cll.ElseLevel(),
        ],
    )


def splink_settings(columns: set[str]) -> SettingsCreator:
    """Dedupe settings using only the comparisons whose columns carry data."""
    comparisons = []
    if {"first_name", "first_name_key"} <= columns:
        comparisons.append(_first_name_comparison())
    if "last_name" in columns:
        comparisons.append(cl.NameComparison("last_name").configure(term_frequency_adjustments=True))
    if "birth_date" in columns:
        comparisons.append(_birth_date_comparison())
    if "email" in columns:
        # Exact mailbox only: addresses are built from names, so two John Smiths' mailboxes look alike
        # (Jaro-Winkler on the user name would be evidence of the name, counted twice).
        comparisons.append(cl.ExactMatch("email").configure(term_frequency_adjustments=True))
    if "phone" in columns:
        comparisons.append(cl.ExactMatch("phone").configure(term_frequency_adjustments=True))
    if "postcode" in columns:
        comparisons.append(cl.PostcodeComparison("postcode"))
    rules = [block_on(*keys) for keys in BLOCKING_KEYS if set(keys) <= columns]
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=rules,
        retain_intermediate_calculation_columns=True,
        retain_matching_columns=False,
    )


def prepare_records(records: pd.DataFrame, nicknames: pd.DataFrame) -> pd.DataFrame:
    """Columns the matcher needs: a unique_id, normalised values, and a nickname key for first names.

    ``nicknames`` has columns name, nickname (the seed): 'bob' gets the key 'robert' so that Bob and
    Robert compare as the same name. A nickname of several names takes the first alphabetically,
    which is enough for a comparison level (exact first name still scores higher).
    """
    out = pd.DataFrame({"unique_id": records["record_key"].astype(str)})
    for column in MATCH_COLUMNS:
        if column in records.columns and column not in DERIVED_COLUMNS:
            out[column] = records[column]
    if "first_name" in out.columns:
        first = out["first_name"].astype("string").str.strip().str.lower()
        out["first_name"] = first
        key_of = nicknames.sort_values("name").drop_duplicates("nickname").set_index("nickname")["name"]
        out["first_name_key"] = first.map(key_of).fillna(first)
    if "birth_date" in out.columns:
        out["birth_date"] = pd.to_datetime(out["birth_date"], errors="coerce").dt.date
    if "postcode" in out.columns:
        out["postcode"] = out["postcode"].astype("string").str.upper().str.split().str.join(" ")
    for column in ("last_name", "email"):
        if column in out.columns:
            out[column] = out[column].astype("string").str.strip().str.lower()
    if {"first_name_key", "last_name"} <= set(out.columns):
        out["uncommon_full_name"] = uncommon_full_names(out["first_name_key"], out["last_name"])
    return out


def uncommon_full_names(first_name_key: pd.Series, last_name: pd.Series) -> pd.Series:
    """'first_name_key last_name' where at most COMMON_FULL_NAME_RECORDS records hold that name, else null:
    the blocking key of the full-name rule, which would otherwise compare every pair of John Smiths."""
    full = first_name_key + " " + last_name
    holders = full.map(full.value_counts(dropna=True))
    return full.where(holders <= COMMON_FULL_NAME_RECORDS)


def usable_columns(frame: pd.DataFrame) -> set[str]:
    """Match columns that exist and hold at least one value."""
    return {c for c in MATCH_COLUMNS if c in frame.columns and frame[c].notna().any()}


def train_linker(prepared: pd.DataFrame, config: MatchConfig) -> Linker | None:
    """A Splink linker on a private in-memory DuckDB, with lambda, u and m estimated from the data; None
    when the data holds no duplicate to estimate them from."""
    columns = usable_columns(prepared)
    connection = duckdb.connect()
    connection.execute(f"set memory_limit = '{config.memory_limit}'")
    connection.execute("set preserve_insertion_order = false")
    db_api = DuckDBAPI(connection)
    table = db_api.register(pa.Table.from_pandas(prepared, preserve_index=False))
    # Splink warns about every comparison level a small sample never shows; those keep their defaults.
    logging.getLogger("splink").setLevel(logging.ERROR)
    linker = Linker(table, splink_settings(columns), log_level=None)
    prior_rules = [block_on(*keys) for keys in PRIOR_RULES if set(keys) <= columns]
    linker.training.estimate_probability_two_random_records_match(prior_rules, recall=PRIOR_RECALL)
    # A list where no two records share a deterministic key estimates lambda = 0: no pair to learn m
    # from, and every weight would be log(0). Fuzzy matching is skipped rather than run on guesses.
    if linker._settings_obj._probability_two_random_records_match <= 0:  # Splink 5 has no public getter
        logging.getLogger(__name__).warning(
            "no deterministic duplicate in %d records: fuzzy matching skipped", len(prepared)
        )
        return None
    linker.training.estimate_u_using_random_sampling(max_pairs=config.u_max_pairs, seed=config.seed)
    for keys in EM_BLOCKS:
        if set(keys) <= columns:
            try:
                linker.training.estimate_parameters_using_expectation_maximisation(
                    block_on(*keys), max_pairs=config.em_max_pairs
                )
            # A small list may have no pair sharing these keys, and EM on a sparse level can underflow an
            # m probability (Splink refuses values below 1e-300); the session is skipped, the others stand.
            except (SplinkException, ValueError) as error:
                logging.getLogger(__name__).warning("EM on %s skipped: %s", keys, str(error).splitlines()[0])
    return linker


def score_pairs(records: pd.DataFrame, nicknames: pd.DataFrame, config: MatchConfig | None = None) -> pd.DataFrame:
    """Scored candidate pairs at or above the audit floor, with per-comparison match weights (mw_*).

    Returns columns record_key_l, record_key_r (l < r), match_weight, match_probability, mw_<comparison>.
    """
    config = config or MatchConfig()
    prepared = prepare_records(records, nicknames)
    if len(prepared) < 2:
        return empty_pairs()
    linker = train_linker(prepared, config)
    if linker is None:
        return empty_pairs()
    predictions = linker.inference.predict(threshold_match_weight=config.audit_weight_floor).as_pandas_dataframe()
    pairs = predictions.reindex(
        columns=["unique_id_l", "unique_id_r", "match_weight", "match_probability", *WEIGHT_COLUMNS]
    )
    pairs = pairs.rename(columns={"unique_id_l": "record_key_l", "unique_id_r": "record_key_r"})
    return pairs.astype({c: "float64" for c in WEIGHT_COLUMNS}).sort_values(
        ["record_key_l", "record_key_r"], ignore_index=True
    )


def matcher_version() -> str:
    """What decides the matcher's output besides its inputs and MatchConfig: this module's code and
    Splink's version. Part of the fingerprint under which int_identity_fuzzy_pairs reuses its last
    output, so a changed comparison or a Splink upgrade scores the pairs again."""
    return f"{hashlib.sha256(Path(__file__).read_bytes()).hexdigest()}:splink {version('splink')}"


def empty_pairs() -> pd.DataFrame:
    """The shape of score_pairs when there is nothing to compare."""
    return pd.DataFrame(
        {
            "record_key_l": pd.Series(dtype="string"),
            "record_key_r": pd.Series(dtype="string"),
            "match_weight": pd.Series(dtype="float64"),
            "match_probability": pd.Series(dtype="float64"),
            **{column: pd.Series(dtype="float64") for column in WEIGHT_COLUMNS},
        }
    )


def splink_only_assignment(
    records: pd.DataFrame, nicknames: pd.DataFrame, threshold_weight: float, config: MatchConfig | None = None
) -> pd.DataFrame:
    """The baseline: Splink alone (same comparisons, training and threshold), clustered by Splink itself.

    No identifier graph, no junk list, no household scoping, no guard. Returns record_key, person_id.
    """
    config = config or MatchConfig()
    prepared = prepare_records(records, nicknames)
    linker = train_linker(prepared, config)
    if linker is None:  # nothing to learn from: every record is its own person
        return pd.DataFrame({"record_key": prepared["unique_id"], "person_id": prepared["unique_id"]})
    predictions = linker.inference.predict(threshold_match_weight=threshold_weight)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_weight=threshold_weight
    ).as_pandas_dataframe()
    return clusters[["unique_id", "cluster_id"]].rename(columns={"unique_id": "record_key", "cluster_id": "person_id"})
