"""The work that keeps the open scene's edits safe, as plain code: reading a scene to
edit with any edits journaled for it, saving, journaling, syncing with the score and
exporting. The editor screen runs these in its thread workers; none touches a widget.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from choreo.errors import ChoreoError
from choreo.journal import clear_journal, read_journal, write_journal
from choreo.lock import SceneLock
from choreo.model import Scene
from choreo.project import project_of, safe_target
from choreo.store import SceneFile, atomic_write, parse_scene, read_scene, render_scene, save_scene
from choreo.timing import MeasureMap


@dataclass(frozen=True, slots=True)
class Opened:
    """A scene file read for editing, with edits journaled for it by an editor that did
    not close cleanly: the scene they make and when they were journaled."""

    scene_file: SceneFile
    unsaved: tuple[Scene, float] | None


def open_scene(path: Path) -> Opened:
    """Read a scene to edit; a file that does not read raises its :class:`ChoreoError`."""
    scene_file = read_scene(path)
    return Opened(scene_file, journaled_edits(path, scene_file))


def journaled_edits(path: Path, scene_file: SceneFile) -> tuple[Scene, float] | None:
    """Edits journaled by an editor that did not close cleanly, when they were made to the
    file as it is on disk now and differ from it: the scene they make, and when."""
    journal = read_journal(path)
    if journal is None or journal.base_digest != scene_file.digest:
        return None
    if journal.text == scene_file.text:
        return None
    try:
        scene = parse_scene(journal.text.encode("utf-8"), path).scene
    except ChoreoError:
        return None
    return None if scene == scene_file.scene else (scene, journal.saved_at)


def save(
    scene_file: SceneFile, scene: Scene, *, force: bool = False, lock: SceneLock | None = None
) -> SceneFile:
    """Write the scene over its file (refusing a file changed on disk unless ``force``);
    the journal of unsaved edits goes, as the file holds them now. ``lock``, the editor's
    lock on the scene, moves onto the file saved."""
    saved = save_scene(scene_file, scene, force=force, lock=lock)
    clear_journal(saved.path)
    return saved


class Journal:
    """Writes unsaved edits where a crashed editor's successor finds them.

    It renders into its own copy of the file's YAML tree, so the tree a save writes from
    keeps every comment even after edits that were undone. One journal worker at a time
    uses it.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._copy: SceneFile | None = None

    def write(self, scene: Scene, text: str, digest: str) -> None:
        if self._copy is None or self._copy.digest != digest:
            self._copy = parse_scene(text.encode("utf-8"), self.path)
        write_journal(self.path, render_scene(self._copy, scene), digest)

    def clear(self) -> None:
        clear_journal(self.path)


def sync_with_score(
    scene_file: SceneFile, *, lock: SceneLock | None = None
) -> tuple[SceneFile, str]:
    """``choreo sync`` on the saved scene: the scene file as written with its sync record,
    and what was done, in a line."""
    from choreo.sync import push

    result = push(scene_file, lock=lock)
    return result.scene_file, result.summary()


def markdown_path(path: Path) -> Path:
    """Where ctrl+e writes a scene's beat sheet: NAME.md next to it."""
    return path.with_name(f"{path.stem}.md")


def export_markdown(scene_file: SceneFile, measures: MeasureMap) -> Path:
    """Write the saved scene's beat sheet as Markdown next to it; the path written."""
    from choreo.export import export_scenes

    target = markdown_path(scene_file.path)
    data = export_scenes([scene_file], format="md", measures=lambda _: measures)
    home = safe_target(target, project=project_of(scene_file.path), what="the beat sheet")
    atomic_write(home, data, backup=False)
    return target
