"""The scene file's JSON Schema, generated from the models (editors use it to complete)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from choreo.model import Scene

# Committed beside the demo scenes so `# yaml-language-server: $schema=scene.schema.json`
# works in any editor with a YAML language server.
COMMITTED_SCHEMA = Path(__file__).resolve().parent.parent / "scenes" / "scene.schema.json"


def scene_schema() -> dict[str, Any]:
    schema = Scene.model_json_schema(by_alias=True, mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://choreo.invalid/scene.schema.json"
    return schema


def schema_text() -> str:
    return json.dumps(scene_schema(), indent=2, ensure_ascii=False) + "\n"
