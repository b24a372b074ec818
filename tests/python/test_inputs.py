"""The input fingerprint (customer360.inputs) changes exactly when something a build reads changes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from customer360.inputs import input_fingerprint, same_code
from customer360.settings import Settings


@pytest.fixture
def project(tmp_path: Path) -> tuple[Settings, Path]:
    """A raw folder with a delivery folder and a single file, and a project with a model, a macro and a
    pytest module."""
    raw = tmp_path / "raw"
    (raw / "web" / "events").mkdir(parents=True)
    (raw / "web" / "events" / "1.parquet").write_bytes(b"first delivery")
    (raw / "crm").mkdir()
    (raw / "crm" / "contacts.csv").write_text("contact_id,email\nC1,a@example.com\n")
    code = tmp_path / "project"
    for relative, text in {
        "models/staging/stg_x.sql": "select 1 as x",
        "macros/m.sql": "{% macro m() %}1{% endmacro %}",
        "dbt_project.yml": "vars: {a: 1}\n",
        "tests/python/test_x.py": "def test_x(): pass\n",
    }.items():
        (code / relative).parent.mkdir(parents=True, exist_ok=True)
        (code / relative).write_text(text)
    return Settings(code, raw, tmp_path / "truth", tmp_path / "w.duckdb"), code


def fingerprint(settings: Settings, code: Path, dbt_vars: dict | None = None) -> str:
    return input_fingerprint(settings, dbt_vars, project_dir=code)


def test_equal_inputs_give_an_equal_fingerprint(project: tuple[Settings, Path]) -> None:
    settings, code = project
    assert fingerprint(settings, code) == fingerprint(settings, code)
    assert len(fingerprint(settings, code)) == 64 + 1 + 64


def test_a_new_or_rewritten_raw_file_changes_it(project: tuple[Settings, Path]) -> None:
    settings, code = project
    before = fingerprint(settings, code)
    (settings.raw_dir / "web" / "events" / "2.parquet").write_bytes(b"second delivery")
    with_delivery = fingerprint(settings, code)
    contacts = settings.raw_dir / "crm" / "contacts.csv"
    stat = contacts.stat()
    os.utime(contacts, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))  # same bytes, exported again
    re_exported = fingerprint(settings, code)
    assert len({before, with_delivery, re_exported}) == 3
    assert same_code(before, with_delivery) and same_code(before, re_exported)  # new data, the same code


def test_code_counts_by_content_and_pytest_does_not_count(project: tuple[Settings, Path]) -> None:
    settings, code = project
    before = fingerprint(settings, code)
    model = code / "models" / "staging" / "stg_x.sql"
    stat = model.stat()
    os.utime(model, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))  # a checkout touches it
    (code / "tests" / "python" / "test_x.py").write_text("def test_x(): assert True\n")
    assert fingerprint(settings, code) == before
    model.write_text("select 2 as x")
    changed_model = fingerprint(settings, code)
    (code / "dbt_project.yml").write_text("vars: {a: 2}\n")
    assert len({before, changed_model, fingerprint(settings, code)}) == 3
    assert not same_code(before, changed_model) and not same_code(None, before)


def test_vars_and_settings_count_but_the_warehouse_path_does_not(
    project: tuple[Settings, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    settings, code = project
    before = fingerprint(settings, code)
    assert fingerprint(settings, code, {"as_of_date": "2025-06-30"}) != before
    assert not same_code(before, fingerprint(settings, code, {"as_of_date": "2025-06-30"}))
    monkeypatch.setenv("CUSTOMER360_DUCKDB_PATH", "/elsewhere/copy.duckdb")
    assert fingerprint(settings, code) == before
    monkeypatch.setenv("CUSTOMER360_PII_SALT", "a secret salt")
    assert fingerprint(settings, code) != before
