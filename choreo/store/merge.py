"""Applying a scene to the YAML tree it was read from, so comments and layout survive.

Only keys whose value changed are touched; beats and cast members are matched by id, so
each keeps its comments when others are added, moved or deleted. The tree given is never
changed: the merge works on a copy.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from ruamel.yaml.anchor import Anchor
from ruamel.yaml.comments import (
    Comment,
    CommentedMap,
    CommentedSeq,
    Format,
    LineCol,
    merge_attrib,
)
from ruamel.yaml.representer import RoundTripRepresenter
from ruamel.yaml.scalarstring import DoubleQuotedScalarString
from ruamel.yaml.tag import Tag
from ruamel.yaml.tokens import CommentToken

from choreo.model import Scene
from choreo.store.yaml_tree import plain

# Values a fight director reads as text but YAML would read as a number or a date.
_ALWAYS_QUOTED = {"at", "start"}
# The emitter writes NEL and the Unicode line/paragraph separators raw in plain or single-
# quoted text, and a reader folds them into spaces: only double quotes escape them.
_FOLDED_BREAKS = re.compile("[\x85\u2028\u2029]")
_REPRESENTER = RoundTripRepresenter()
# What ruamel keeps beside a map's or sequence's items: comments, flow style, lines, ...
_LAYOUT_ATTRIBUTES = (
    Comment.attrib,
    Format.attrib,
    LineCol.attrib,
    Anchor.attrib,
    Tag.attrib,
    merge_attrib,
)


def merged(document: CommentedMap, scene: Scene) -> CommentedMap:
    """A copy of ``document`` that says what ``scene`` says, layout and comments kept."""
    tree: CommentedMap = _copy_tree(document, {})
    _merge_mapping(tree, _dump(scene), _dump(scene, significant=True))
    return tree


def new_document(scene: Scene) -> CommentedMap:
    """The tree of a scene written for the first time: only what differs from defaults."""
    document = CommentedMap()
    _merge_mapping(document, _dump(scene), _dump(scene, significant=True))
    return document


def _copy_tree(node: Any, memo: dict[int, Any]) -> Any:
    """Maps and sequences copied with their comments and layout; scalars are immutable.

    Not ``copy.deepcopy``: ruamel's sequence copy re-copies the sequence's line table
    once per item, quadratic on a scene of thousands of beats. One ``memo`` for the whole
    tree: a comment before a sequence is one token held by the sequence and by its key,
    and the writer prints it once only while both hold the same token.
    """
    copied: CommentedMap | CommentedSeq
    if isinstance(node, CommentedMap):
        copied = CommentedMap()
        for key, value in node.items():
            copied[key] = _copy_tree(value, memo)
    elif isinstance(node, CommentedSeq):
        copied = CommentedSeq(_copy_tree(value, memo) for value in node)
    else:
        return node
    for name in _LAYOUT_ATTRIBUTES:
        if hasattr(node, name):
            setattr(copied, name, copy.deepcopy(getattr(node, name), memo))
    return copied


def _dump(scene: Scene, *, significant: bool = False) -> dict[str, Any]:
    return scene.model_dump(mode="json", by_alias=True, exclude_defaults=significant)


def _merge_mapping(target: CommentedMap, full: dict[str, Any], significant: dict[str, Any]) -> None:
    """Make ``target`` say what ``full`` says, touching only keys whose value changed.

    Keys absent from the file are added only when they differ from the default, so a
    scene that never mentions ``hit`` does not grow ``hit: false``. Keys ``full`` lacks go:
    a new sync record names only the beats the scene still has.
    """
    for gone in [key for key in target if key not in full]:
        _delete_keeping_comment(target, gone)
    rank = {key: index for index, key in enumerate(full)}
    for key, value in full.items():
        wanted = key in significant
        if key in target and value is None and not wanted:
            _delete_keeping_comment(target, key)  # cleared: the key goes, not `notes: null`
        elif key in target:
            had_items = isinstance(target[key], list) and len(target[key]) > 0
            merged_value = _merged_value(target[key], value, significant.get(key), key)
            if had_items and isinstance(merged_value, CommentedSeq) and not merged_value:
                _forget_comments_above(target, key, merged_value)
            target[key] = merged_value
        elif wanted:
            _insert_in_order(target, key, _new_node(significant[key], key), rank)


def _forget_comments_above(target: CommentedMap, key: str, sequence: CommentedSeq) -> None:
    """An emptied sequence is written ``[]``; the comments above its first item would come
    out between ``key:`` and ``[]``, at the margin, and no YAML reader accepts that. They
    spoke of items that are gone (ruamel may merge a comment after ``key:`` into them)."""
    sequence.ca.comment = None
    sequence.ca.items.clear()
    target.ca.items.pop(key, None)


def _merged_value(old: Any, full: Any, significant: Any, key: str) -> Any:
    if isinstance(old, CommentedMap) and isinstance(full, dict):
        _merge_mapping(old, full, significant or {})
        return old
    if isinstance(old, CommentedSeq) and isinstance(full, list):
        return _merged_sequence(old, full, significant or [], key)
    if plain(old) == full:
        return _exact_float(old) if isinstance(old, float) else old
    return _new_node(full, key, like=old)


def _exact_float(old: float) -> float:
    """The number as read, unless ruamel would write it with other digits.

    ruamel writes a float back in the form it was read (``96.50`` stays ``96.50``), but
    its exponent arithmetic can change the last digit of a full-precision number
    (``1.9215439077702778e+17`` comes out ``...777e+17``, the same double): a number
    with as many digits as Python's shortest form is written in that form.
    """
    exact = repr(float(old))
    try:
        written = _REPRESENTER.represent_scalar_float(old).value
    except (ValueError, TypeError, AttributeError):
        return float(old)
    if written == exact or _digits(written) != _digits(exact):
        return old
    return float(old)


def _digits(number: str) -> int:
    mantissa = re.split("[eE]", number)[0]
    return len(mantissa.replace("-", "").replace("+", "").replace(".", "").lstrip("0"))


def _merged_sequence(old: CommentedSeq, full: list[Any], significant: list[Any], key: str) -> Any:
    if not all(isinstance(v, dict) for v in full) or not all(
        isinstance(v, CommentedMap) for v in old
    ):
        return old if plain(old) == full else _new_node(full, key, like=old)
    # Match mappings by id (beats, cast) so each keeps its comments when others move;
    # two beats sharing an id (an error `check` reports) pair up in file order.
    by_id: dict[Any, list[CommentedMap]] = {}
    for item in old:
        if item.get("id") is not None:
            by_id.setdefault(item.get("id"), []).append(item)
    kept: list[CommentedMap] = []
    for index, (value, brief) in enumerate(zip(full, significant, strict=True)):
        same = by_id.get(value.get("id")) if value.get("id") is not None else None
        item = same.pop(0) if same else None
        if item is None and value.get("id") is None and index < len(old):
            item = old[index]
        if item is None:
            item = CommentedMap()
        _merge_mapping(item, value, brief)
        kept.append(item)
    if kept == list(old) and all(a is b for a, b in zip(kept, old, strict=True)):
        return old
    while len(old):
        del old[-1]
    old.extend(kept)
    return old


def _delete_keeping_comment(target: CommentedMap, key: str) -> None:
    """Delete a key; a comment written after it (often the next beat's) moves up a key."""
    keys = list(target)
    comment = target.ca.items.pop(key, None)
    del target[key]
    position = keys.index(key)
    if comment is not None and position > 0:
        target.ca.items[keys[position - 1]] = comment


def _insert_in_order(target: CommentedMap, key: str, value: Any, rank: dict[str, int]) -> None:
    """Insert after the last key that comes before ``key`` in the model's order.

    Looking from the end makes building a new mapping linear: a sync record of 2,000 beats
    took minutes when every insert scanned every key (and its rank) from the start."""
    position = len(target)
    for existing in reversed(target):
        if existing in rank and rank[existing] < rank[key]:
            break
        position -= 1
    if position == len(target):
        last = next(reversed(target), None)
        target[key] = value  # CommentedMap.insert rebuilds the whole mapping
        if last is not None:
            _hand_on_comment(target, last, key)
    else:
        target.insert(position, key, value)


def _hand_on_comment(target: CommentedMap, before: str, after: str) -> None:
    """Comment lines below a mapping's old last key introduce what follows the mapping
    (``# The cast`` above ``cast:``): a key appended after it takes them along, so they
    stay above what they describe. An end-of-line comment stays on its own key."""
    slots = target.ca.items.get(before)
    token = slots[2] if slots and len(slots) > 2 else None
    if token is None:
        return
    own, _, following = token.value.partition("\n")
    if not following.strip():
        return
    token.value = own + "\n" if own.strip() else ""
    if not token.value:
        slots[2] = None
    home, slot = _last_node(target, after)
    home.ca.items[slot] = [None, None, CommentToken("\n" + following, token.start_mark), None]


def _last_node(mapping: CommentedMap, key: str) -> tuple[Any, Any]:
    """The container and key (or index) of the last line a mapping's ``key`` writes."""
    node: Any = mapping
    slot: Any = key
    while True:
        value = node[slot]
        if isinstance(value, CommentedMap) and value:
            node, slot = value, next(reversed(value))
        elif isinstance(value, CommentedSeq) and value and not value.fa.flow_style():
            node, slot = value, len(value) - 1
        else:
            return node, slot


def _new_node(value: Any, key: str, like: Any = None) -> Any:
    if isinstance(value, dict):
        node = CommentedMap()
        _merge_mapping(node, value, value)
        return node
    if isinstance(value, list):
        sequence = CommentedSeq(_new_node(v, key) for v in value)
        flow = like.fa.flow_style() if isinstance(like, CommentedSeq) else None
        if flow or (flow is None and all(not isinstance(v, dict | list) for v in value)):
            sequence.fa.set_flow_style()
        return sequence
    if isinstance(value, str) and (
        key in _ALWAYS_QUOTED
        or isinstance(like, DoubleQuotedScalarString)
        or _FOLDED_BREAKS.search(value)
    ):
        return DoubleQuotedScalarString(value)
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)  # `fps: 25` as a person writes it, not `25.0`; it reads back equal
    return value
