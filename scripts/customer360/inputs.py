"""What a published warehouse was built from, so a scheduled run with nothing new can stop at once.

A nightly schedule fires whether or not the sources delivered. At 1M people a run on unchanged inputs costs
as much as a daily run (about 3.5 minutes): identity and the person-level marts are rebuilt in full, to the
same result. The main job therefore fingerprints its inputs and records the fingerprint inside the
published file (written into the work copy just before the atomic rename, so the two cannot disagree).
The next run compares; equal means the published warehouse already is what a build would produce.

The fingerprint covers everything a build reads:
- every file under the raw folder: relative path, size and modification time (not content: the raw files
  are the large inputs, and a delivery that rewrites a file changes its time);
- the project: models, macros, seeds, dbt tests, dbt_project.yml, profiles.yml and the Python package the
  Python models import, by content (a git checkout rewrites times, not contents);
- the dbt vars of the run and the CUSTOMER360_* environment (the PII salt, the target, memory), except
  the three paths `Settings` carries: the warehouse's own path is not an input, and the raw folder counts
  through its files.
Nothing in the models reads the clock except run stamps of logs, so equal inputs give an equal warehouse.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from pathlib import Path

import duckdb

from .settings import PROJECT_DIR, Settings

META_SCHEMA = "customer360_meta"
META_TABLE = f"{META_SCHEMA}.published_inputs"
# The build's code: dbt's folders and files, and the package the Python models import. tests/python is
# pytest, not dbt, so it is not an input.
PROJECT_INPUTS = ("models", "macros", "seeds", "tests", "dbt_project.yml", "profiles.yml", "scripts/customer360")
NOT_INPUTS = ("tests/python", "__pycache__")


def _files(root: Path) -> Iterator[Path]:
    """Regular files under `root` (or `root` itself), in a stable order."""
    if root.is_file():
        yield root
    elif root.is_dir():
        yield from sorted(path for path in root.rglob("*") if path.is_file())


def _is_input(relative: str) -> bool:
    return not any(part in relative for part in NOT_INPUTS)


def input_fingerprint(settings: Settings, dbt_vars: dict | None, project_dir: Path = PROJECT_DIR) -> str:
    """'<raw>-<code>': SHA-256 over the raw files' listing, then code_fingerprint. Two parts, because a run
    on new deliveries with the published run's code may trust what that code tested (same_code)."""
    digest = hashlib.sha256()
    for path in _files(settings.raw_dir):
        stat = path.stat()
        digest.update(f"raw {path.relative_to(settings.raw_dir)} {stat.st_size} {stat.st_mtime_ns}\n".encode())
    return f"{digest.hexdigest()}-{code_fingerprint(settings, dbt_vars, project_dir)}"


def code_fingerprint(settings: Settings, dbt_vars: dict | None, project_dir: Path = PROJECT_DIR) -> str:
    """SHA-256 over the project's code, the vars and the CUSTOMER360_* environment: all a build reads
    except the raw files."""
    digest = hashlib.sha256()
    for entry in PROJECT_INPUTS:
        for path in _files(project_dir / entry):
            relative = str(path.relative_to(project_dir))
            if _is_input(relative):
                digest.update(f"code {relative} {hashlib.sha256(path.read_bytes()).hexdigest()}\n".encode())
    digest.update(f"vars {json.dumps(dbt_vars or {}, sort_keys=True)}\n".encode())
    carried = set(settings.environ())
    environment = {k: v for k, v in os.environ.items() if k.startswith("CUSTOMER360_") and k not in carried}
    digest.update(f"environment {json.dumps(environment, sort_keys=True)}\n".encode())
    return digest.hexdigest()


def same_code(published: str | None, current: str) -> bool:
    """True when input fingerprints `published` and `current` share their code part (code, vars, settings):
    the rows the published run tested are then the rows this code makes from the same stored inputs."""
    return published is not None and published.partition("-")[2] == current.partition("-")[2] != ""


def record_fingerprint(con: duckdb.DuckDBPyConnection, fingerprint: str) -> None:
    """Store `fingerprint` in the warehouse `con` points at (the audited work copy, before it is published)."""
    con.execute(f"create schema if not exists {META_SCHEMA}")
    con.execute(
        f"create or replace table {META_TABLE} as select ? as fingerprint, now() as published_at", [fingerprint]
    )


def forget_fingerprint(warehouse: Path) -> None:
    """Drop the recorded fingerprint from `warehouse` (a work copy about to be rebuilt)."""
    con = duckdb.connect(str(warehouse))
    try:
        con.execute(f"drop schema if exists {META_SCHEMA} cascade")
    finally:
        con.close()


def published_fingerprint(warehouse: Path) -> str | None:
    """The fingerprint the published warehouse was built from; None when there is none (or no warehouse)."""
    if not warehouse.exists():
        return None
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        found = con.sql(
            "select count(*) from information_schema.tables "
            f"where table_schema = '{META_SCHEMA}' and table_name = 'published_inputs'"
        ).fetchall()[0][0]
        return con.sql(f"select fingerprint from {META_TABLE}").fetchall()[0][0] if found else None
    finally:
        con.close()
