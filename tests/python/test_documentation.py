"""Every model and seed is documented, column by column, as it stands in a built warehouse.

The yml files are how analytics engineers find their way (dbt docs), and the BI views' column descriptions
are what marketers see in their tools. Checked against the relations dbt built, not against the yml alone,
so a column a model gains without a description fails, and so does a description of a column it lost.
"""

from __future__ import annotations

import json

from .conftest import BuiltWarehouse


def test_every_column_of_every_model_and_seed_is_described(built: BuiltWarehouse) -> None:
    manifest = json.loads((built.warehouse.parent / "target" / "manifest.json").read_text(encoding="utf-8"))
    con = built.connect()
    built_columns: dict[tuple[str, str], list[str]] = {}
    for schema, relation, column in con.sql(
        "select table_schema, table_name, column_name from information_schema.columns order by ordinal_position"
    ).fetchall():
        built_columns.setdefault((schema, relation), []).append(column.lower())
    con.close()
    nodes = [node for node in manifest["nodes"].values() if node["resource_type"] in ("model", "seed")]
    assert len(nodes) > 60
    problems = []
    for node in nodes:
        name = node["unique_id"]
        columns = built_columns.get((node["schema"], node["alias"]))
        if columns is None:
            problems.append(f"{name}: not in the warehouse")
            continue
        if not node["description"].strip():
            problems.append(f"{name}: no description")
        described = {column.lower(): spec["description"].strip() for column, spec in node["columns"].items()}
        problems += [f"{name}.{column}: not described" for column in columns if not described.get(column)]
        problems += [f"{name}.{column}: described but not built" for column in described if column not in columns]
    assert problems == []
