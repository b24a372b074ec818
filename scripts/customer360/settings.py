"""Where things live: every path comes from an environment variable with a default under the repo."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import yaml

PROJECT_DIR = Path(__file__).resolve().parents[2]
DEFAULT_RAW_DIR = PROJECT_DIR / "data" / "demo" / "raw"
DEFAULT_TRUTH_DIR = PROJECT_DIR / "data" / "demo" / "truth"
DEFAULT_WAREHOUSE = PROJECT_DIR / "warehouse" / "customer360.duckdb"


class UnusablePathError(ValueError):
    """A configured path the pipeline cannot use; the CLI prints it and exits with status 2."""


def usable_path(variable: str, default: Path) -> Path:
    """Environment variable `variable` (else `default`) as a Path, refusing a single quote: paths are written
    into DuckDB SQL as string literals (raw files, attached warehouses), where a quote would end the literal.
    A clear error up front beats a syntax error from the middle of the build."""
    value = os.environ.get(variable, str(default))
    if "'" in value:
        raise UnusablePathError(
            f"{variable}={value!r}: a path with a single quote (') is not supported; use another folder"
        )
    return Path(value)


@dataclass(frozen=True)
class Settings:
    """Paths of one pipeline run."""

    project_dir: Path
    raw_dir: Path
    truth_dir: Path
    warehouse: Path

    @classmethod
    def from_env(cls) -> Settings:
        """Read CUSTOMER360_RAW_DIR, CUSTOMER360_TRUTH_DIR and CUSTOMER360_DUCKDB_PATH (see usable_path)."""
        return cls(
            project_dir=PROJECT_DIR,
            raw_dir=usable_path("CUSTOMER360_RAW_DIR", DEFAULT_RAW_DIR),
            truth_dir=usable_path("CUSTOMER360_TRUTH_DIR", DEFAULT_TRUTH_DIR),
            warehouse=usable_path("CUSTOMER360_DUCKDB_PATH", DEFAULT_WAREHOUSE),
        )

    def environ(self) -> dict[str, str]:
        """The variables dbt's profiles.yml and sources read, and the truth folder for the run's summary."""
        return {
            "CUSTOMER360_RAW_DIR": str(self.raw_dir),
            "CUSTOMER360_TRUTH_DIR": str(self.truth_dir),
            "CUSTOMER360_DUCKDB_PATH": str(self.warehouse),
            "DBT_PROFILES_DIR": str(self.project_dir),
        }


def dbt_var(name: str) -> object:
    """A variable's default from dbt_project.yml, so Python steps use the same thresholds as the models."""
    with (PROJECT_DIR / "dbt_project.yml").open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)["vars"][name]


# Must equal the default in macros/privacy/pseudonymise.sql (pii_salt); the dashboard test fails when
# the two differ, because the dashboard then finds no pseudonymised row.
DEMO_PII_SALT = "customer360-demo-salt-do-not-use-in-production"


def pii_salt() -> str:
    """The salt of the BI pseudonyms (env CUSTOMER360_PII_SALT, else the public demo salt)."""
    return os.environ.get("CUSTOMER360_PII_SALT", DEMO_PII_SALT)
