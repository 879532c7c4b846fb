"""Errors in the user's words: a model's complaint as file, line, column and key path.

pydantic reports where a value failed as a path through the data (``beats, 1, at``);
the user edits a file, so each problem names its line and column, the key path with
beat and cast ids (``beats[b02].at``), and what was expected.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from choreo.errors import SceneError
from choreo.model import Beat, CastMember, Scene, ScoreRef, SyncRecord
from choreo.model.scene import BalletMove, CombatMove

# The models a key of the file leads into, for the keys an unknown key could have meant.
_NESTED: dict[str, type[BaseModel]] = {
    "score": ScoreRef,
    "synced": SyncRecord,
    "cast": CastMember,
    "beats": Beat,
    "ballet": BalletMove,
    "combat": CombatMove,
}


def in_user_words(error: ValidationError, document: CommentedMap, path: Path) -> SceneError:
    """The first problem of a failed validation, said in the file's terms."""
    return _problem(error.errors()[0], document, path)


def one_line(text: str, limit: int = 200) -> str:
    """A YAML problem quotes the file's own text, which may span lines or run long."""
    flat = "\\n".join(text.splitlines())
    return flat if len(flat) <= limit else flat[:limit] + "..."


def _problem(error: ErrorDetails, document: CommentedMap, path: Path) -> SceneError:
    loc: tuple[Any, ...] = tuple(error["loc"])
    node: Any = document
    names: list[str] = []
    line_col: tuple[int, int] | None = (document.lc.line, document.lc.col)
    parent: Any = None
    for part in loc:
        if isinstance(node, CommentedMap) and isinstance(part, str) and part in node:
            line_col = (
                node.lc.value(part) if error["type"] != "extra_forbidden" else (node.lc.key(part))
            )
            names.append(part)
            parent, node = node, node[part]
        elif isinstance(node, CommentedSeq) and isinstance(part, int) and part < len(node):
            line_col = node.lc.item(part)
            item = node[part]
            label = item.get("id") if isinstance(item, CommentedMap) else None
            names[-1:] = [f"{names[-1] if names else ''}[{label or part}]"]
            parent, node = node, item
        elif isinstance(part, str) and error["type"] == "missing" and isinstance(node, dict):
            names.append(part)
        # Other parts (union branch names such as 'int' or 'ballet') are not in the file.
    key_path = ".".join(names) or "scene"
    message = _expected(error, parent, names[-1] if names else "")
    line, col = (line_col[0] + 1, line_col[1] + 1) if line_col else (None, None)
    return SceneError(f"{key_path}: {message}", where=path, line=line, col=col)


def _expected(error: ErrorDetails, parent: Any, key: str) -> str:
    kind = error["type"]
    message = str(error["msg"])
    if kind == "missing":
        return "this key is required"
    if kind == "extra_forbidden":
        suggestion = ""
        allowed = _allowed_keys(tuple(error["loc"][:-1]))
        close = difflib.get_close_matches(key.split("[")[0], allowed, n=1)
        if close:
            suggestion = f"; did you mean '{close[0]}'?"
        return f"unknown key{suggestion} (expected one of: {', '.join(allowed)})"
    if kind == "value_error":
        return message.removeprefix("Value error, ")
    if kind == "string_type":
        return "expected text (put it in quotes)"
    if kind == "literal_error":
        return "expected " + message.removeprefix("Input should be ")
    return message[0].lower() + message[1:] if message else kind


def _allowed_keys(loc: tuple[Any, ...]) -> list[str]:
    """The keys a mapping at ``loc`` may have, in the file format's own names."""
    model: type[BaseModel] = Scene
    for name in (p for p in loc if isinstance(p, str)):
        model = _NESTED.get(name, model)
    return [field.alias or name for name, field in model.model_fields.items()]
