"""Refusing hostile YAML before and after it is parsed: sizes, depth, tags, aliases.

A scene file may come from anywhere (a download, a pull request), so what would take
the reader minutes, run code or multiply memory is refused with one line naming where.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ruamel.yaml.anchor import Anchor
from ruamel.yaml.comments import CommentedMap, CommentedSeq, TaggedScalar

from choreo.errors import SceneError

MAX_SCENE_BYTES = 5 * 1024 * 1024
# The bytes limit alone lets a file take minutes: the pure-Python YAML reader spends
# 50-90 µs per line, key or list item, and blank lines cost it quadratic time. This
# bounds the work to seconds; a 2,000-beat scene with every field filled counts ~70,000.
MAX_SCENE_ITEMS = 100_000
MAX_DEPTH = 32

_QUOTED_OR_COMMENT = re.compile(r"\"(?:[^\"\\\n]|\\.)*\"|'[^'\n]*'|#[^\n]*")
_BRACKETS = re.compile(r"[\[\]{}]")


def refuse_unreadable_text(data: bytes, path: Path) -> str:
    """The file's text, or a :class:`SceneError` when it is too big, not UTF-8, binary,
    too long to read in seconds, or nested deeper than any scene."""
    if len(data) > MAX_SCENE_BYTES:
        raise SceneError("scene file is larger than the 5 MB limit", where=path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SceneError(f"not UTF-8 text (byte {error.start})", where=path) from None
    if "\x00" in text:
        raise SceneError("not a text file (contains NUL bytes)", where=path)
    items = len(text.splitlines()) + sum(text.count(mark) for mark in ":,[{")
    if items > MAX_SCENE_ITEMS:
        raise SceneError(
            f"scene file has more than {MAX_SCENE_ITEMS:,} lines and list items, too many to read",
            where=path,
        )
    _refuse_deep_flow(text, path)
    return text


def _refuse_deep_flow(text: str, path: Path) -> None:
    """Refuse ``[[[[...`` before the YAML parser spends seconds recursing into it."""
    depth = 0
    bare = _QUOTED_OR_COMMENT.sub("", text)  # keeps every newline, so lines still count
    for bracket in _BRACKETS.finditer(bare):
        depth += 1 if bracket.group() in "[{" else -1
        if depth > MAX_DEPTH:
            line = bare.count("\n", 0, bracket.start()) + 1
            raise SceneError("YAML is nested too deeply", where=path, line=line)


def refuse_unsafe_nodes(document: CommentedMap, path: Path) -> None:
    """No tags, no anchors/aliases (a bomb in waiting), no absurd depth, no keys but text."""
    seen: set[int] = set()
    stack: list[tuple[Any, int, tuple[int, int] | None]] = [(document, 0, None)]
    while stack:
        node, depth, at = stack.pop()
        line, col = (at[0] + 1, at[1] + 1) if at else (None, None)
        if depth > MAX_DEPTH:
            raise SceneError("YAML is nested too deeply", where=path, line=line, col=col)
        if isinstance(node, TaggedScalar) or (
            isinstance(node, CommentedMap | CommentedSeq) and node.tag.value is not None
        ):
            raise SceneError(
                "YAML tags (!...) are not allowed in a scene file", where=path, line=line, col=col
            )
        anchor = getattr(node, Anchor.attrib, None)  # getattr: `.anchor` would add one
        if anchor is not None and anchor.value is not None:
            # An aliased scalar is one object in the tree but a copy per use once
            # validated: a megabyte string aliased a million times is a memory bomb.
            raise SceneError(
                "YAML anchors and aliases (&, *) are not allowed in a scene file",
                where=path,
                line=line,
                col=col,
            )
        if isinstance(node, CommentedMap | CommentedSeq):
            if id(node) in seen:
                raise SceneError(
                    "YAML anchors and aliases (&, *) are not allowed in a scene file",
                    where=path,
                    line=line,
                    col=col,
                )
            seen.add(id(node))
        if isinstance(node, CommentedMap):
            for key, value in node.items():
                if not isinstance(key, str):
                    where_key = node.lc.key(key)
                    raise SceneError(
                        f"key {key!r} is not text",
                        where=path,
                        line=where_key[0] + 1,
                        col=where_key[1] + 1,
                    )
                stack.append((value, depth + 1, node.lc.value(key)))
        elif isinstance(node, CommentedSeq):
            for index, value in enumerate(node):
                stack.append((value, depth + 1, node.lc.item(index)))
