"""Choose a scene from a folder: ./scenes/, or the demo scenes that come with choreo."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Label, OptionList
from textual.widgets.option_list import Option

from choreo.errors import ChoreoError
from choreo.store import read_scene
from choreo.tui.messages import SceneChosen

NAME_WIDTH = 28


def scene_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in {".yaml", ".yml"} and p.is_file())


def describe(path: Path) -> Table:
    """One line: the file name, and the scene's title and beat count when it reads (a long
    title is cut short so the count stays in sight), or why it does not read."""
    line = Table.grid(expand=True, padding=(0, 1))
    line.add_column(width=NAME_WIDTH, no_wrap=True, overflow="ellipsis")
    line.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
    name = Text(path.name, style="bold")
    try:
        scene = read_scene(path).scene
    except ChoreoError as error:
        line.add_row(name, Text(error.message, style="#e0303a"))
        return line
    beats = len(scene.beats)
    line.add_column(no_wrap=True, justify="right")
    line.add_row(name, scene.title, Text(f"{beats} beat{'s' if beats != 1 else ''}", "dim"))
    return line


class ScenePicker(Screen[None]):
    """The scene files of one folder; enter opens one, and the editor's escape comes back
    here with that scene highlighted."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open_scene", "Open", id="picker-open",
                tooltip="Open the highlighted scene in the editor"),
    ]  # fmt: skip

    def __init__(self, folder: Path, *, current: Path | None = None) -> None:
        super().__init__()
        self.folder = folder
        self.current = current
        self.paths = scene_files(folder)

    def compose(self) -> ComposeResult:
        with Vertical(id="picker-box"):
            yield Label(f"choreo · scenes in {self.folder}", id="picker-title", markup=False)
            if self.paths:
                yield OptionList(*self._options(), id="picker-list")
            else:
                yield Label(
                    "No scene files (*.yaml) here. Make one with "
                    "`choreo new scenes/NAME.yaml --title TITLE`.",
                    id="picker-empty", markup=False,
                )  # fmt: skip
        yield Footer()

    def on_mount(self) -> None:
        self._highlight(self.current)

    def on_screen_resume(self) -> None:
        self._highlight(self.current)

    def _options(self) -> list[Option]:
        return [Option(describe(path), id=str(index)) for index, path in enumerate(self.paths)]

    def _highlight(self, path: Path | None) -> None:
        if path in self.paths:
            self.query_one(OptionList).highlighted = self.paths.index(path)

    def list_scenes(self, *, current: Path) -> None:
        """List the folder's scenes again (a scene was saved, or added), ``current``
        highlighted."""
        self.paths = scene_files(self.folder)
        self.current = current
        if not self.paths or not self.query(OptionList):
            self.refresh(recompose=True)  # scenes came or went: the list or its note
            return
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options(self._options())
        self._highlight(current)

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._open(int(event.option.id or 0))

    def action_open_scene(self) -> None:
        picker = self.query(OptionList).first(OptionList) if self.paths else None
        if picker is not None and picker.highlighted is not None:
            self._open(picker.highlighted)

    def _open(self, index: int) -> None:
        self.post_message(SceneChosen(self.paths[index]))
