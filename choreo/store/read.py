"""Reading a scene file: its bytes, its YAML tree and the scene it describes.

Every problem becomes one :class:`SceneError` naming the file and, where it can, the
line and column; nothing a file holds reaches the user as a traceback.
"""

from __future__ import annotations

import gc
import hashlib
import stat
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.util import load_yaml_guess_indent

from choreo.errors import SceneError
from choreo.model import Scene
from choreo.project import project_of
from choreo.store.hostile import (
    MAX_SCENE_BYTES,
    refuse_unreadable_text,
    refuse_unsafe_nodes,
)
from choreo.store.scene_cache import CachedScene, cached_scene, remember_scene
from choreo.store.wording import in_user_words, one_line
from choreo.store.yaml_tree import DEFAULT_INDENT, plain, round_trip_yaml

SCENE_SUFFIXES = (".yaml", ".yml")


@dataclass
class SceneFile:
    """A scene together with the YAML tree and the bytes it was read from.

    A scene read from the cache has no tree yet: it is read from ``text`` when first
    asked for (a save merges into it), in whichever thread asks. A scene just saved keeps
    the tree it was merged into, whose line numbers are the old file's (``lines_stale``):
    the next save merges into it, but a beat's line is looked up in a tree read from
    ``text``.
    """

    path: Path
    scene: Scene
    tree: CommentedMap | None
    text: str
    digest: str
    indent: tuple[int, int]  # sequence indent and dash offset, as the file has them
    lines_stale: bool = False
    _reading: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    @property
    def document(self) -> CommentedMap:
        """The YAML tree of ``text``, with its comments and layout."""
        with self._reading:
            if self.tree is None:
                with _collector_paused():
                    document, _indent = _load_yaml(self.text, self.path)
                self.tree = document
            return self.tree

    @property
    def project(self) -> Path:
        return project_of(self.path)

    def beat_line(self, beat_id: str) -> int | None:
        """The 1-based line where a beat starts in ``text``."""
        if self.lines_stale:
            with self._reading:
                self.tree, self.lines_stale = None, False
        beats = self.document.get("beats")
        if not isinstance(beats, CommentedSeq):
            return None
        for index, item in enumerate(beats):
            if isinstance(item, CommentedMap) and item.get("id") == beat_id:
                return int(beats.lc.item(index)[0]) + 1
        return None


_paused = 0
_pausing = threading.Lock()
_was_enabled = True


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No cycle collection while a tree is read. A long scene's tree is hundreds of
    thousands of new objects, and each full collection they trigger, in whichever thread
    allocates next (the editor's, between keys), walks all of them; a tree holds no
    garbage cycles to wait for."""
    global _paused, _was_enabled
    with _pausing:
        if _paused == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _paused += 1
    try:
        yield
    finally:
        with _pausing:
            _paused -= 1
            if _paused == 0 and _was_enabled:
                gc.enable()


def scene_files_in(folder: Path) -> list[Path]:
    """The scene files (``*.yaml``) in a folder, sorted: the order an export takes them."""
    return sorted(path for path in folder.iterdir() if path.suffix in SCENE_SUFFIXES)


def digest_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


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
    """Parse scene bytes; every problem becomes a :class:`SceneError` with a line.

    Bytes read before come from the scene cache, their YAML tree left until needed.
    """
    text = refuse_unreadable_text(data, path)
    digest = digest_of(data)
    cached = cached_scene(digest)
    if cached is not None:
        return SceneFile(path, cached.scene, None, text, digest, cached.indent)
    document, indent = _load_yaml(text, path)
    if not isinstance(document, CommentedMap):
        raise SceneError(
            "a scene file is a YAML mapping (schema, id, title, beats, ...)", where=path, line=1
        )
    refuse_unsafe_nodes(document, path)
    try:
        scene = Scene.model_validate(plain(document))
    except ValidationError as error:
        raise in_user_words(error, document, path) from None
    except (TypeError, KeyError, AttributeError, IndexError):
        # pydantic reports only ValueErrors from validators; one that trips over a shape
        # it did not expect (`beats: [{id: []}]` is a TypeError) is still the file's fault.
        raise SceneError(
            "a value has a shape the scene format does not allow", where=path
        ) from None
    remember_scene(digest, CachedScene(scene, indent))
    return SceneFile(path, scene, document, text, digest, indent)


def _load_yaml(text: str, path: Path) -> tuple[Any, tuple[int, int]]:
    # One parse: the indent guess loads with our loader (loading ignores dump indents).
    yaml = round_trip_yaml()
    try:
        try:
            document, sequence_indent, offset = load_yaml_guess_indent(text, yaml=yaml)
        except IndexError:  # ruamel's guess trips on a line of only dashes after `key:`
            document, sequence_indent, offset = yaml.load(text), None, None
        indent = (
            sequence_indent or DEFAULT_INDENT[0],
            offset if offset is not None else DEFAULT_INDENT[1],
        )
        if indent[0] < indent[1] + 2:
            indent = (indent[1] + 2, indent[1])
        return document, indent
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = error.problem or error.context or "malformed YAML"
        raise SceneError(
            f"malformed YAML: {one_line(problem)}",
            where=path,
            line=mark.line + 1 if mark else None,
            col=mark.column + 1 if mark else None,
        ) from None
    except YAMLError as error:
        raise SceneError(f"malformed YAML: {one_line(str(error))}", where=path) from None
    except RecursionError:
        raise SceneError("YAML is nested too deeply", where=path) from None
    except ValueError as error:
        # Raised while building values: a date like 2024-02-30, an integer over
        # Python's 4300-digit limit.
        problem = str(error)
        if "integer string conversion" in problem:
            problem = "a number has more than 4300 digits"
        raise SceneError(f"a value cannot be read: {one_line(problem)}", where=path) from None
    except Exception:
        # ruamel's value builders fail in their own ways on a standard tag that does not
        # fit its value: `!!int ''` is an IndexError, `!!bool x` a KeyError, `!!set x` an
        # AttributeError, some an AssertionError.
        raise SceneError(
            "a value cannot be read as its YAML tag (!!...) says",
            where=path,
            hint="scene files need no YAML tags; remove them",
        ) from None
