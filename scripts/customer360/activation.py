"""Activation exports: each consent-enforced audience of the published warehouse written to a file a
marketing tool can load, with a manifest saying what each file is.

Only the published (audited) warehouse is read, and only the models of `marts/activation`, whose
consent enforcement the build has tested (`only_consented_contacts`). Before a file is written the
export re-checks every row against the consent state it was built from, so a file edited or built
outside the pipeline cannot leak: a row without a grant on its channel stops the export.

Purpose and channel come from each model's `meta` in `models/marts/activation/_activation__models.yml`
(the same declaration the dbt docs show), not from a list kept here.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import yaml

from .quality import audience_grants_sql
from .settings import PROJECT_DIR

ACTIVATION_YML = PROJECT_DIR / "models" / "marts" / "activation" / "_activation__models.yml"
FORMATS = ("parquet", "csv")


@dataclass(frozen=True)
class ExportedAudience:
    """One line of the manifest."""

    audience: str
    purpose: str
    channel: str
    rows: int
    as_of_date: str | None
    file: str
    sha256: str


def declared_audiences(yml: Path = ACTIVATION_YML) -> dict[str, dict[str, str]]:
    """audience model -> its meta (purpose, channel), as declared in the activation yml."""
    models = yaml.safe_load(yml.read_text(encoding="utf-8"))["models"]
    return {model["name"]: model.get("config", {}).get("meta", {}) for model in models}


def unconsented_rows(con: duckdb.DuckDBPyConnection, audience: str, purpose: str) -> int:
    """Rows of the audience whose person holds no current grant for `purpose` on the row's channel
    (the same rule the data-quality suite checks at build time, read again at export time)."""
    sql = audience_grants_sql([audience], purpose)
    return con.sql(f"select count(*) from ({sql}) as members where not has_grant").fetchall()[0][0]


def file_digest(path: Path) -> str:
    """SHA-256 of a written file, so the receiving tool can check it got what the manifest lists."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def export_audience(
    con: duckdb.DuckDBPyConnection, audience: str, meta: dict[str, str], out_dir: Path, file_format: str
) -> ExportedAudience:
    """Check one audience's consent, write it, and describe it."""
    purpose = meta["purpose"]
    leaks = unconsented_rows(con, audience, purpose)
    if leaks:
        raise RuntimeError(f"{audience}: {leaks} row(s) lack a current {purpose} grant on their channel; not exported")
    path = out_dir / f"{audience}.{file_format}"
    options = "format parquet" if file_format == "parquet" else "format csv, header true"
    con.execute(f"copy (select * from marts.\"{audience}\" order by person_id) to '{path}' ({options})")
    rows, as_of = con.sql(f'select count(*), max(as_of_date)::varchar from marts."{audience}"').fetchall()[0]
    return ExportedAudience(audience, purpose, meta["channel"], rows, as_of, path.name, file_digest(path))


def export_audiences(warehouse: Path, out_dir: Path, file_format: str = "parquet") -> Path:
    """Write every declared audience and `manifest.json` into `out_dir`; returns the manifest's path.

    The manifest is written last, so a reader that waits for it never sees a half-written export.
    """
    if file_format not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {file_format!r}")
    if not warehouse.exists():
        raise FileNotFoundError(f"{warehouse} does not exist; run `customer360 run` first")
    out_dir.mkdir(parents=True, exist_ok=True)
    manifest_path = out_dir / "manifest.json"
    manifest_path.unlink(missing_ok=True)
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        exported = [
            export_audience(con, audience, meta, out_dir, file_format)
            for audience, meta in declared_audiences().items()
        ]
    finally:
        con.close()
    manifest = {
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "warehouse": str(warehouse),
        "format": file_format,
        "audiences": [asdict(item) for item in exported],
    }
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest_path
