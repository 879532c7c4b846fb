"""The committed JSON Schema is the one the models make."""

from __future__ import annotations

import json

from choreo.schema import COMMITTED_SCHEMA, scene_schema, schema_text


def test_committed_schema_matches_the_models() -> None:
    assert COMMITTED_SCHEMA.read_text(encoding="utf-8") == schema_text(), (
        "the scene schema drifted: run `choreo schema > scenes/scene.schema.json`"
    )


def test_schema_describes_positions_and_beats() -> None:
    schema = scene_schema()
    beat = schema["$defs"]["Beat"]
    assert beat["additionalProperties"] is False
    assert beat["properties"]["at"]["pattern"].startswith("^")
    assert "pass" in beat["properties"]
    assert json.loads(schema_text()) == schema
