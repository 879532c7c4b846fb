"""Writing a scene file: the scene applied to the tree it was read from, saved atomically.

A save changes only what the scene changed, and refuses to overwrite a file that changed
on disk since it was read.
"""

from __future__ import annotations

import io
from pathlib import Path

from ruamel.yaml.comments import CommentedMap

from choreo.errors import ConflictError
from choreo.model import Scene
from choreo.store.atomic import atomic_write
from choreo.store.merge import merged, new_document
from choreo.store.read import SceneFile, digest_of
from choreo.store.scene_cache import CachedScene, remember_scene
from choreo.store.yaml_tree import DEFAULT_INDENT, round_trip_yaml


def render_scene(scene_file: SceneFile, scene: Scene) -> str:
    """The file's text with ``scene`` applied to its YAML tree, layout kept."""
    return _rendered(scene_file, scene)[1]


def merged_text(scene_file: SceneFile, scene: Scene) -> str:
    """The merged tree written out, even when nothing changed (what tests hold to the
    file's bytes; :func:`render_scene` returns an unchanged file's text as read)."""
    return dump(merged(scene_file.document, scene), scene_file.indent)


def new_scene_text(scene: Scene) -> str:
    return dump(new_document(scene), DEFAULT_INDENT)


def dump(document: CommentedMap, indent: tuple[int, int]) -> str:
    stream = io.StringIO()
    round_trip_yaml(indent).dump(document, stream)
    return stream.getvalue()


def _rendered(scene_file: SceneFile, scene: Scene) -> tuple[CommentedMap | None, str]:
    # An unchanged scene keeps the file exactly as read, however a person laid it out
    # (the writer would normalise spacing the tree does not record), and its tree, read
    # or not yet read.
    if scene == scene_file.scene:
        return scene_file.tree, scene_file.text
    document = merged(scene_file.document, scene)
    return document, dump(document, scene_file.indent)


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
    document, text = _rendered(scene_file, scene)
    data = text.encode("utf-8")
    atomic_write(target, data)
    digest = digest_of(data)
    if digest != scene_file.digest:  # a new text: reopening it finds the scene cached
        remember_scene(digest, CachedScene(scene, scene_file.indent))
    return SceneFile(target, scene, document, text, digest, scene_file.indent)
