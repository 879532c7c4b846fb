"""The scene list of the demo that comes with choreo, opened where there is no scenes/:
read-only, and ``c`` copies it into the folder choreo runs in."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.widgets import Label

from choreo.demo import READ_ONLY, copy_demo
from choreo.errors import ChoreoError
from choreo.tui.screens.picker import ScenePicker


class DemoPicker(ScenePicker):
    """The installed demo's scenes; ``c`` copies its scenes/ and scores/ here and lists
    the copy, which is the user's own to edit."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "copy_demo", "Copy here", id="picker-copy-demo",
                tooltip="Copy the demo's scenes/ and scores/ into this folder, to edit"),
    ]  # fmt: skip

    def on_mount(self) -> None:
        super().on_mount()
        title = f"choreo · {READ_ONLY} · c copies it into {Path.cwd()}"
        self.query_one("#picker-title", Label).update(title)

    def action_copy_demo(self) -> None:
        try:
            scenes = copy_demo(Path.cwd())
        except ChoreoError as error:
            self.notify(str(error), title="Not copied", severity="error", timeout=8)
            return
        self.app.switch_screen(ScenePicker(scenes))
        copied = f"copied the demo into {scenes.parent}: scenes/ and scores/"
        self.app.notify(copied, title="Copied")
