"""The scene being edited: the file as read, the scene as it is now, and its history."""

from __future__ import annotations

from pathlib import Path

from choreo.checks import ScoreReading
from choreo.model import Scene
from choreo.scene_score import grid_for
from choreo.store import SceneFile
from choreo.timing import MeasureMap
from choreo.tui.history import HISTORY_LIMIT, Edit, History

GRID_ROOM = 4  # bars a steady grid keeps past the last beat before it is made anew


class OpenScene:
    """One scene file open in the editor.

    ``scene`` is replaced, never changed in place, by every edit, so ``saved`` (the scene
    as last read or written) and every scene in the history stay as they were.
    """

    def __init__(self, scene_file: SceneFile, *, history_limit: int = HISTORY_LIMIT) -> None:
        self.file = scene_file
        self.scene: Scene = scene_file.scene
        self.saved: Scene = scene_file.scene
        self.history = History(history_limit)
        self.read_only = False
        self.score: MeasureMap | None = None  # the score's measure map, once read
        self.score_problem: str | None = None  # why the score could not be read
        # The steady grid, for the scene it was last asked for and what it depends on.
        self._grid: tuple[Scene, float, MeasureMap] | None = None

    @property
    def path(self) -> Path:
        return self.file.path

    @property
    def dirty(self) -> bool:
        return self.scene is not self.saved and self.scene != self.saved

    @property
    def measures(self) -> MeasureMap:
        """The score's measures, or a steady 4/4 grid while it is read or when it cannot be."""
        if self.score is not None:
            return self.score
        if self._grid is not None and self._grid[0] is self.scene:
            return self._grid[2]
        last = max((b.at.measure_value for b in self.scene.beats), default=0)
        tempo = self.scene.score.tempo
        # The grid is kept while it has bars to spare past the last beat: a new grid is
        # new times for every beat, so every row of the table is built again.
        kept = self._grid
        if kept is None or kept[1] != tempo or last + GRID_ROOM > len(kept[2].measures):
            kept = (self.scene, tempo, grid_for(self.scene))
        self._grid = (self.scene, tempo, kept[2])
        return kept[2]

    @property
    def score_reading(self) -> ScoreReading:
        """What the checks are told about the score as read so far."""
        return ScoreReading(self.measures, self.score_problem)

    @property
    def score_known(self) -> bool:
        """True once the beats' times are final: the score is read, or there is none to read."""
        return (
            self.score is not None or self.score_problem is not None or not (self.scene.score.file)
        )

    def apply(self, label: str, scene: Scene, cursor_before: int, cursor_after: int) -> Edit:
        edit = Edit(label, self.scene, scene, cursor_before, cursor_after)
        self.history.record(edit)
        self.scene = scene
        return edit

    def undo(self) -> Edit | None:
        edit = self.history.undo()
        if edit is not None:
            self.scene = edit.before
        return edit

    def redo(self) -> Edit | None:
        edit = self.history.redo()
        if edit is not None:
            self.scene = edit.after
        return edit

    def saved_as(self, scene_file: SceneFile, scene: Scene) -> None:
        """The save of ``scene`` finished; edits made since stay unsaved."""
        self.file = scene_file
        self.saved = scene

    def reload(self, scene_file: SceneFile) -> None:
        """The file as it is on disk now; edits and their history are dropped."""
        self.file = scene_file
        self.scene = self.saved = scene_file.scene
        self.history.clear()
