"""Reading and writing scene files.

Scene files are edited by hand and kept in git, so the YAML tree read by ruamel is the
source of truth for layout: a save changes only what the scene changed, and comments,
key order, quoting and indentation survive. Saves are atomic and refuse to overwrite a
file that changed on disk since it was read.
"""

from __future__ import annotations

import contextlib
import datetime
import difflib
import hashlib
import io
import os
import re
import stat
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.anchor import Anchor
from ruamel.yaml.comments import CommentedMap, CommentedSeq, TaggedScalar
from ruamel.yaml.error import MarkedYAMLError, YAMLError, YAMLFutureWarning, YAMLWarning
from ruamel.yaml.scalarstring import DoubleQuotedScalarString
from ruamel.yaml.util import load_yaml_guess_indent

from choreo.errors import ConflictError, SaveError, SceneError
from choreo.model import Scene
from choreo.project import project_of

SCENE_SUFFIXES = (".yaml", ".yml")
MAX_SCENE_BYTES = 5 * 1024 * 1024
# The bytes limit alone lets a file take minutes: the pure-Python YAML reader spends
# 50-90 µs per line, key or list item, and blank lines cost it quadratic time. This
# bounds the work to seconds; a 2,000-beat scene with every field filled counts ~70,000.
MAX_SCENE_ITEMS = 100_000
MAX_DEPTH = 32
BACKUP_SUFFIX = "~"
# ruamel prints warnings (a reused anchor, a duplicate key) as multi-line source dumps on
# stderr; a scene that has them gets one SceneError line instead, or loads as is.
warnings.filterwarnings("ignore", category=YAMLWarning)
warnings.filterwarnings("ignore", category=YAMLFutureWarning)
# Values a fight director reads as text but YAML would read as a number or a date.
_ALWAYS_QUOTED = {"at", "start"}
# The emitter writes NEL and the Unicode line/paragraph separators raw in plain or single-
# quoted text, and a reader folds them into spaces: only double quotes escape them.
_FOLDED_BREAKS = re.compile("[\x85\u2028\u2029]")


@dataclass
class SceneFile:
    """A scene together with the YAML tree and the bytes it was read from."""

    path: Path
    scene: Scene
    document: CommentedMap
    text: str
    digest: str
    indent: tuple[int, int]  # sequence indent and dash offset, as the file has them

    @property
    def project(self) -> Path:
        return project_of(self.path)

    def beat_line(self, beat_id: str) -> int | None:
        """The 1-based line where a beat starts in the file as read."""
        beats = self.document.get("beats")
        if not isinstance(beats, CommentedSeq):
            return None
        for index, item in enumerate(beats):
            if isinstance(item, CommentedMap) and item.get("id") == beat_id:
                return int(beats.lc.item(index)[0]) + 1
        return None


def scene_files_in(folder: Path) -> list[Path]:
    """The scene files (``*.yaml``) in a folder, sorted: the order an export takes them."""
    return sorted(path for path in folder.iterdir() if path.suffix in SCENE_SUFFIXES)


def digest_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# -- reading --------------------------------------------------------------------------


def read_scene(path: Path | str) -> SceneFile:
    path = Path(path)
    data = _read_bytes(path)
    return parse_scene(data, path)


def _read_bytes(path: Path) -> bytes:
    try:
        if path.is_dir():
            raise SceneError("is a folder, not a scene file", where=path)
        status = path.stat()
        if not stat.S_ISREG(status.st_mode):
            # /dev/zero never ends and a pipe blocks until someone writes: not scenes.
            raise SceneError("not a regular file (a device, pipe or socket)", where=path)
        size = status.st_size
        if size > MAX_SCENE_BYTES:
            raise SceneError(
                f"scene file is {size // 1024} KB, more than the "
                f"{MAX_SCENE_BYTES // (1024 * 1024)} MB limit",
                where=path,
            )
        with path.open("rb") as handle:
            return handle.read(MAX_SCENE_BYTES + 1)  # a file still growing stays bounded
    except FileNotFoundError:
        raise SceneError("no such file", where=path) from None
    except PermissionError:
        raise SceneError("permission denied", where=path) from None
    except OSError as error:
        raise SceneError(f"cannot read: {error.strerror or error}", where=path) from None


def parse_scene(data: bytes, path: Path) -> SceneFile:
    """Parse scene bytes; every problem becomes a :class:`SceneError` with a line."""
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
    document, indent = _load_yaml(text, path)
    if not isinstance(document, CommentedMap):
        raise SceneError(
            "a scene file is a YAML mapping (schema, id, title, beats, ...)", where=path, line=1
        )
    _refuse_unsafe_nodes(document, path)
    try:
        scene = Scene.model_validate(_plain(document))
    except ValidationError as error:
        problems = [_in_user_words(e, document, path) for e in error.errors()]
        raise problems[0] from None
    except (TypeError, KeyError, AttributeError, IndexError):
        # pydantic reports only ValueErrors from validators; one that trips over a shape
        # it did not expect (`beats: [{id: []}]` is a TypeError) is still the file's fault.
        raise SceneError(
            "a value has a shape the scene format does not allow", where=path
        ) from None
    return SceneFile(path, scene, document, text, digest_of(data), indent)


def _yaml(indent: tuple[int, int] = (4, 2)) -> YAML:
    yaml = YAML(typ="rt", pure=True)
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap a long note
    yaml.indent(mapping=2, sequence=indent[0], offset=indent[1])
    return yaml


def _load_yaml(text: str, path: Path) -> tuple[Any, tuple[int, int]]:
    # One parse: the indent guess loads with our loader (loading ignores dump indents).
    yaml = _yaml()
    try:
        try:
            document, sequence_indent, offset = load_yaml_guess_indent(text, yaml=yaml)
        except IndexError:  # ruamel's guess trips on a line of only dashes after `key:`
            document, sequence_indent, offset = yaml.load(text), None, None
        indent = (sequence_indent or 4, offset if offset is not None else 2)
        if indent[0] < indent[1] + 2:
            indent = (indent[1] + 2, indent[1])
        return document, indent
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = error.problem or error.context or "malformed YAML"
        raise SceneError(
            f"malformed YAML: {_one_line(problem)}",
            where=path,
            line=mark.line + 1 if mark else None,
            col=mark.column + 1 if mark else None,
        ) from None
    except YAMLError as error:
        raise SceneError(f"malformed YAML: {_one_line(str(error))}", where=path) from None
    except RecursionError:
        raise SceneError("YAML is nested too deeply", where=path) from None
    except ValueError as error:
        # Raised while building values: a date like 2024-02-30, an integer over
        # Python's 4300-digit limit.
        problem = str(error)
        if "integer string conversion" in problem:
            problem = "a number has more than 4300 digits"
        raise SceneError(f"a value cannot be read: {_one_line(problem)}", where=path) from None
    except Exception:
        # ruamel's value builders fail in their own ways on a standard tag that does not
        # fit its value: `!!int ''` is an IndexError, `!!bool x` a KeyError, `!!set x` an
        # AttributeError, some an AssertionError.
        raise SceneError(
            "a value cannot be read as its YAML tag (!!...) says",
            where=path,
            hint="scene files need no YAML tags; remove them",
        ) from None


def _one_line(text: str, limit: int = 200) -> str:
    """A YAML problem quotes the file's own text, which may span lines or run long."""
    flat = "\\n".join(text.splitlines())
    return flat if len(flat) <= limit else flat[:limit] + "..."


_QUOTED_OR_COMMENT = re.compile(r"\"(?:[^\"\\\n]|\\.)*\"|'[^'\n]*'|#[^\n]*")
_BRACKETS = re.compile(r"[\[\]{}]")


def _refuse_deep_flow(text: str, path: Path) -> None:
    """Refuse ``[[[[...`` before the YAML parser spends seconds recursing into it."""
    depth = 0
    bare = _QUOTED_OR_COMMENT.sub("", text)  # keeps every newline, so lines still count
    for bracket in _BRACKETS.finditer(bare):
        depth += 1 if bracket.group() in "[{" else -1
        if depth > MAX_DEPTH:
            line = bare.count("\n", 0, bracket.start()) + 1
            raise SceneError("YAML is nested too deeply", where=path, line=line)


def _refuse_unsafe_nodes(document: CommentedMap, path: Path) -> None:
    """No tags, no anchors/aliases (a bomb in waiting), no absurd depth."""
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


def _plain(node: Any) -> Any:
    """The YAML tree as plain dicts, lists and scalars, for validation."""
    if isinstance(node, dict):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    if isinstance(node, str):
        return str(node)
    if isinstance(node, datetime.date):
        return node.isoformat()
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    return node


# -- errors in the user's words -------------------------------------------------------


def _in_user_words(error: Any, document: CommentedMap, path: Path) -> SceneError:
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


def _expected(error: Any, parent: Any, key: str) -> str:
    kind = error["type"]
    message = str(error["msg"])
    if kind == "missing":
        return "this key is required"
    if kind == "extra_forbidden":
        suggestion = ""
        allowed = _allowed_keys(error["loc"][:-1])
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
    from choreo.model import Beat, CastMember, ScoreRef, SyncRecord
    from choreo.model.scene import BalletMove, CombatMove

    nested: dict[str, type[BaseModel]] = {
        "score": ScoreRef,
        "synced": SyncRecord,
        "cast": CastMember,
        "beats": Beat,
        "ballet": BalletMove,
        "combat": CombatMove,
    }
    model: type[BaseModel] = Scene
    for name in (p for p in loc if isinstance(p, str)):
        model = nested.get(name, model)
    return [field.alias or name for name, field in model.model_fields.items()]


# -- writing --------------------------------------------------------------------------


def render_scene(scene_file: SceneFile, scene: Scene) -> str:
    """The file's text with ``scene`` applied to its YAML tree, layout kept."""
    if scene == scene_file.scene:
        return scene_file.text
    _merge_mapping(scene_file.document, _dump(scene), _dump(scene, significant=True))
    stream = io.StringIO()
    _yaml(scene_file.indent).dump(scene_file.document, stream)
    return stream.getvalue()


def new_scene_text(scene: Scene) -> str:
    document = CommentedMap()
    _merge_mapping(document, _dump(scene), _dump(scene, significant=True))
    stream = io.StringIO()
    _yaml().dump(document, stream)
    return stream.getvalue()


def save_scene(
    scene_file: SceneFile, scene: Scene, *, path: Path | None = None, force: bool = False
) -> SceneFile:
    """Write ``scene`` over the file it was read from (or ``path``), atomically.

    Refuses with :class:`ConflictError` when the file changed on disk since it was read,
    unless ``force``.
    """
    target = path or scene_file.path
    if not force and target.resolve() == scene_file.path.resolve():
        try:
            on_disk = target.read_bytes()
        except FileNotFoundError:
            on_disk = None
        if on_disk is not None and digest_of(on_disk) != scene_file.digest:
            raise ConflictError(
                "the file changed on disk since it was opened; not overwriting it",
                where=target,
                hint="reload it, or save again to overwrite",
            )
    text = render_scene(scene_file, scene)
    data = text.encode("utf-8")
    atomic_write(target, data)
    return SceneFile(target, scene, scene_file.document, text, digest_of(data), scene_file.indent)


def atomic_write(path: Path, data: bytes, *, backup: bool = True) -> None:
    """Write, flush, fsync, rename over: readers see the old file or the new, never half.

    The previous version stays beside it as ``NAME~``. A symlink keeps pointing at the
    file it named: the write goes to its target.
    """
    path = path.resolve() if path.is_symlink() else path
    folder = path.parent
    descriptor = -1
    temporary = ""
    try:
        descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
        with os.fdopen(descriptor, "wb") as handle:
            descriptor = -1
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            os.chmod(temporary, path.stat().st_mode & 0o777)
            if backup:
                _keep_backup(path)
        os.replace(temporary, path)
        temporary = ""
        _fsync_folder(folder)
    except OSError as error:
        raise SaveError(
            f"could not save: {error.strerror or error}; the file on disk is unchanged",
            where=path,
        ) from None
    finally:
        if descriptor >= 0:
            os.close(descriptor)
        if temporary:
            with contextlib.suppress(OSError):
                os.unlink(temporary)


def _keep_backup(path: Path) -> None:
    backup = path.with_name(path.name + BACKUP_SUFFIX)
    with contextlib.suppress(FileNotFoundError):
        os.unlink(backup)
    try:
        os.link(path, backup)  # the old inode lives on under the backup name
    except OSError:
        backup.write_bytes(path.read_bytes())


def _fsync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


# -- applying a scene to the YAML tree -------------------------------------------------


def _dump(scene: Scene, *, significant: bool = False) -> dict[str, Any]:
    return scene.model_dump(mode="json", by_alias=True, exclude_defaults=significant)


def _merge_mapping(target: CommentedMap, full: dict[str, Any], significant: dict[str, Any]) -> None:
    """Make ``target`` say what ``full`` says, touching only keys whose value changed.

    Keys absent from the file are added only when they differ from the default, so a
    scene that never mentions ``hit`` does not grow ``hit: false``.
    """
    order = list(full)
    for key, value in full.items():
        wanted = key in significant
        if key in target and value is None and not wanted:
            _delete_keeping_comment(target, key)  # cleared: the key goes, not `notes: null`
        elif key in target:
            had_items = isinstance(target[key], list) and len(target[key]) > 0
            merged = _merged_value(target[key], value, significant.get(key), key)
            if had_items and isinstance(merged, CommentedSeq) and not merged:
                _forget_comments_above(target, key, merged)
            target[key] = merged
        elif wanted:
            _insert_in_order(target, key, _new_node(significant[key], key), order)


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
    if _plain(old) == full:
        return old
    return _new_node(full, key, like=old)


def _merged_sequence(old: CommentedSeq, full: list[Any], significant: list[Any], key: str) -> Any:
    if not all(isinstance(v, dict) for v in full) or not all(
        isinstance(v, CommentedMap) for v in old
    ):
        return old if _plain(old) == full else _new_node(full, key, like=old)
    # Match mappings by id (beats, cast) so each keeps its comments when others move.
    by_id = {item.get("id"): item for item in old if item.get("id") is not None}
    kept: list[CommentedMap] = []
    for index, (value, brief) in enumerate(zip(full, significant, strict=True)):
        item = by_id.pop(value.get("id"), None) if value.get("id") is not None else None
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


def _insert_in_order(target: CommentedMap, key: str, value: Any, order: list[str]) -> None:
    position = 0
    for index, existing in enumerate(target):
        if existing in order and order.index(existing) < order.index(key):
            position = index + 1
    target.insert(position, key, value)


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
    return value
