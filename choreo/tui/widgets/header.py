"""One line at the top: the scene's title, whether it has unsaved edits, and its score."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.widgets import Label


class SceneHeader(Horizontal):
    """Title, the dirty marker ●, read-only, and the score's state.

    The reactives toggle classes; editor.tcss decides how each state looks.
    """

    scene_title: reactive[str] = reactive("")
    file_name: reactive[str] = reactive("")
    score_status: reactive[str] = reactive("")
    dirty: reactive[bool] = reactive(False, toggle_class="-dirty")
    read_only: reactive[bool] = reactive(False, toggle_class="-read-only")
    score_failed: reactive[bool] = reactive(False, toggle_class="-score-failed")
    score_busy: reactive[bool] = reactive(False, toggle_class="-score-busy")

    def compose(self) -> ComposeResult:
        yield Label("choreo", id="app-name")
        yield Label("", id="scene-title", markup=False)
        yield Label("●", id="dirty-marker")
        yield Label("", id="file-name", markup=False)
        yield Label("read-only", id="read-only-marker")
        yield Label("", id="score-status", markup=False)

    def watch_scene_title(self, title: str) -> None:
        self.query_one("#scene-title", Label).update(title)

    def watch_file_name(self, name: str) -> None:
        self.query_one("#file-name", Label).update(name)

    def watch_score_status(self, status: str) -> None:
        self.query_one("#score-status", Label).update(status, layout=False)  # its width is 1fr
