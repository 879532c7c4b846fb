"""Writing a scene file: the scene applied to the tree it was read from, saved atomically.

A save changes only what the scene changed, and refuses to overwrite a file that changed
on disk since it was read: the check and the write happen under the scene's lock.
"""

from __future__ import annotations

import io
from pathlib import Path
from types import TracebackType

from ruamel.yaml.comments import CommentedMap

from choreo.errors import ConflictError, SaveError
from choreo.lock import SceneLock
from choreo.model import Scene
from choreo.project import project_of, safe_target
from choreo.store.atomic import PendingWrite
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
    scene_file: SceneFile,
    scene: Scene,
    *,
    path: Path | None = None,
    force: bool = False,
    lock: SceneLock | None = None,
) -> SceneFile:
    """Write ``scene`` over the file it was read from (or ``path``), atomically.

    Refuses with :class:`ConflictError` when the file changed on disk since it was read,
    unless ``force``; see :class:`PendingSave`.
    """
    with PendingSave(scene_file, scene, path=path, force=force, lock=lock) as pending:
        return pending.commit()


class PendingSave:
    """A scene save made sure of, not yet in place: compare-and-swap under the scene lock.

    The scene's lock is held (``lock``, the editor's, or one taken for this save), the file
    on disk is still the version ``scene_file`` was read from (unless ``force``), and the
    new text is written and flushed beside it. Only :meth:`commit` changes the file, so a
    caller can commit other writes between (``sync``'s score copy) knowing this one is
    sure. Two saves from one version cannot both succeed: the second finds the file
    changed. Leaving the block without committing writes nothing.
    """

    def __init__(
        self,
        scene_file: SceneFile,
        scene: Scene,
        *,
        path: Path | None = None,
        force: bool = False,
        lock: SceneLock | None = None,
    ) -> None:
        self.scene_file = scene_file
        self.scene = scene
        self.named = path or scene_file.path
        target = safe_target(self.named, project=project_of(scene_file.path), what="the scene")
        own_file = target == scene_file.path.resolve()
        self.target = target
        # The editor's lock moves onto the saved file; a command's own lock ends here.
        self._moving = lock if lock is not None and lock.held and own_file else None
        self._own_lock: SceneLock | None = None
        self._write: PendingWrite | None = None
        try:
            if self._moving is None and target.exists():
                self._own_lock = SceneLock.acquire(target, doing="saving")
            if not force and own_file:
                _refuse_changed(target, scene_file.digest)
            self.document, self.text = _rendered(scene_file, scene)
            self.data = self.text.encode("utf-8")
            self._write = PendingWrite(target, self.data)
        except BaseException:
            self.close()
            raise

    def commit(self) -> SceneFile:
        """Put the new version in place; the scene file as it now is on disk."""
        assert self._write is not None
        self._write.commit()
        if self._moving is not None:
            self._moving.moved_to(self._write.take_descriptor())
        digest = digest_of(self.data)
        if digest != self.scene_file.digest:  # a new text: reopening it finds the scene cached
            remember_scene(digest, CachedScene(self.scene, self.scene_file.indent))
        return SceneFile(
            self.named,
            self.scene,
            self.document,
            self.text,
            digest,
            self.scene_file.indent,
            lines_stale=self._lines_stale(),
        )

    def _lines_stale(self) -> bool:
        """A tree merged into keeps the line numbers of the text it was read from."""
        if self.document is self.scene_file.tree:  # the scene unchanged: the same tree
            return self.scene_file.lines_stale
        return True

    def close(self) -> None:
        if self._write is not None:
            self._write.close()
        if self._own_lock is not None:
            self._own_lock.release()

    def __enter__(self) -> PendingSave:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


def _refuse_changed(target: Path, digest: str) -> None:
    try:
        on_disk = target.read_bytes()
    except FileNotFoundError:
        return  # deleted since: saving brings it back, nobody's version is lost
    except OSError as error:
        raise SaveError(
            f"could not read it back: {error.strerror or error}", where=target
        ) from None
    if digest_of(on_disk) != digest:
        raise ConflictError(
            "the file changed on disk since it was read; not overwriting it",
            where=target,
            hint="nothing was written; read it again and redo the change",
        )
