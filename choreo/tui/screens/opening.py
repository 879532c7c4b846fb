"""A scene file being read for editing; its editor takes this screen's place once it is.

The editor is made with its scene read, so it never waits for one. A file that does not
read ends the app with its error (``choreo edit SCENE``), or goes back to the scene list
saying why (a scene chosen there).
"""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Label
from textual.worker import Worker, WorkerState

from choreo.errors import ChoreoError
from choreo.tui import collector
from choreo.tui.messages import OpeningFailed, SceneOpened
from choreo.tui.saving import open_scene
from choreo.tui.screens.editor import EditorScreen, EditorSettings
from choreo.tui.session import OpenScene


class OpeningScreen(Screen[None]):
    """Reads one scene file, then shows its editor in its place."""

    def __init__(self, path: Path, *, settings: EditorSettings, exit_on_failure: bool) -> None:
        super().__init__()
        self.path = path
        self.settings = settings
        self.exit_on_failure = exit_on_failure

    def compose(self) -> ComposeResult:
        with Vertical(id="opening-box"):
            yield Label(f"opening {self.path.name}…", id="opening-title", markup=False)

    def on_mount(self) -> None:
        self._read()

    @work(thread=True, exclusive=True, exit_on_error=False, group="open",
          description="reading the scene")  # fmt: skip
    def _read(self) -> None:
        opened = open_scene(self.path)
        collector.freeze_what_was_read()
        self.post_message(SceneOpened(opened))

    @on(SceneOpened)
    def _opened(self, message: SceneOpened) -> None:
        opened = message.opened
        editor = EditorScreen(
            OpenScene(opened.scene_file), settings=self.settings, unsaved=opened.unsaved
        )
        self.app.switch_screen(editor)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state != WorkerState.ERROR:
            return
        error = event.worker.error or RuntimeError("unknown failure")
        if self.exit_on_failure:
            failure = error if isinstance(error, ChoreoError) else ChoreoError(str(error))
            self.app.post_message(OpeningFailed(failure))
            return
        self.app.pop_screen()
        self.app.notify(str(error), title="Cannot open the scene", severity="error", timeout=8)
