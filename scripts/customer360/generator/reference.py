"""Reference lists the generator samples from: names, streets, cities (package data) and nicknames (seed)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

SEEDS_DIR = Path(__file__).resolve().parents[3] / "seeds"

JUNK_EMAILS = ("test@test.com", "noreply@example.com", "none@none.com", "a@a.com", "no-email@shop.example")
JUNK_PHONES = ("0000000000", "1234567890", "9999999999", "07000000000")
EMAIL_DOMAINS = (
    ("gmail.com", 32),
    ("googlemail.com", 3),
    ("outlook.com", 14),
    ("hotmail.co.uk", 12),
    ("yahoo.co.uk", 9),
    ("icloud.com", 8),
    ("btinternet.com", 6),
    ("sky.com", 4),
    ("proton.me", 2),
)


def ascii_fold(text: str) -> str:
    """Drop accents (é -> e) and anything that is not ASCII, as mail providers force on local parts."""
    decomposed = unicodedata.normalize("NFKD", text)
    return decomposed.encode("ascii", "ignore").decode("ascii")


@dataclass(frozen=True)
class Reference:
    """Weighted name/place lists plus the nickname map, loaded once per generator run."""

    first_names: pd.DataFrame
    last_names: pd.DataFrame
    streets: np.ndarray
    cities: pd.DataFrame
    nicknames: dict[str, list[str]]

    @staticmethod
    def weights(frame: pd.DataFrame) -> np.ndarray:
        """Sampling probabilities from a `weight` column."""
        w = frame["weight"].to_numpy(dtype=float)
        return w / w.sum()


def _package_csv(name: str) -> pd.DataFrame:
    with resources.files("customer360").joinpath("data", name).open("r", encoding="utf-8") as handle:
        return pd.read_csv(handle, dtype={"postcode_area": str})


def load_reference(seeds_dir: Path = SEEDS_DIR) -> Reference:
    """Load the lists; the nickname seed is shared with the matching rules so both speak the same language."""
    nick = pd.read_csv(seeds_dir / "nicknames.csv")
    nicknames: dict[str, list[str]] = {}
    for name, nickname in zip(nick["name"], nick["nickname"], strict=True):
        nicknames.setdefault(name, []).append(nickname)
    return Reference(
        first_names=_package_csv("first_names.csv"),
        last_names=_package_csv("last_names.csv"),
        streets=_package_csv("streets.csv")["street"].to_numpy(dtype=object),
        cities=_package_csv("cities.csv"),
        nicknames=nicknames,
    )
