"""The choreo terminal app: which screen opens, the keys that work everywhere, and the one
factory the command line, ``choreo serve`` and the tests all build the app with."""

from __future__ import annotations

import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

from textual import events, on
from textual.app import App
from textual.binding import Binding, BindingType
from textual.command import Provider
from textual.screen import Screen

from choreo.demo import demo_scenes, is_installed_demo
from choreo.errors import ChoreoError, SceneError
from choreo.tui.commands import SceneCommands
from choreo.tui.messages import BackToScenes, OpeningFailed, SceneChosen
from choreo.tui.screens.cast import CastScreen
from choreo.tui.screens.demo_picker import DemoPicker
from choreo.tui.screens.editor import EditorScreen, EditorSettings
from choreo.tui.screens.help import HelpScreen
from choreo.tui.screens.opening import OpeningScreen
from choreo.tui.screens.picker import ScenePicker
from choreo.tui.screens.questions import Question
from choreo.tui.screens.scene_screen import SceneScreen
from choreo.tui.screens.settings import SettingsScreen
from choreo.tui.widgets.beat_form import FORM_KEYS
from choreo.tui.widgets.beat_table import BeatTable
from choreo.tui.widgets.completion import COMPLETION_KEYS

PALETTE_COMMANDS = (
    "Command palette (ctrl+p)",
    [
        ("Export Markdown", "save, then the beat sheet as NAME.md next to the scene"),
        ("Sync to score", "save, then the beats into a copy of the score"),
        ("Check the scene", "run the checks now"),
        ("Score info", "measures, meters and tempi the beats follow"),
        ("Play at ¾ speed", "(or ½, or full) from the beat; space keeps that speed"),
        ("jump 17", "go to measure 17 and the first beat on it"),
    ],
)


class ChoreoApp(App[None]):
    """The scene list of a folder, and the editor of a scene chosen there (or named on the
    command line); escape in the editor's table goes back to the list."""

    CSS_PATH = "editor.tcss"
    TITLE = "choreo"
    # One provider: Textual's own commands come from it, after choreo's.
    COMMANDS: ClassVar[set[type[Provider] | Callable[[], type[Provider]]]] = {SceneCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", id="quit", priority=True,
                tooltip="Quit choreo, asking first when there are unsaved edits"),
        Binding("f1", "help", "Help", id="help",
                tooltip="Every key and what it does"),
        Binding("ctrl+p", "command_palette", "Commands", id="command-palette", priority=True,
                show=False,
                tooltip="Export, sync, check, score info, jump to a measure"),
    ]  # fmt: skip

    def __init__(self, scene_path: Path | None, *, folder: Path, settings: EditorSettings) -> None:
        super().__init__()
        self.scene_path = scene_path
        self.folder = folder
        self.settings = settings
        self.failure: ChoreoError | None = None
        # The screen each key was sent to: see _on_key.
        self._sent_to: weakref.WeakKeyDictionary[events.Key, Screen[Any]] = (
            weakref.WeakKeyDictionary()
        )

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            self._sent_to[event] = self.screen
        await super().on_event(event)

    async def _on_key(self, event: events.Key) -> None:
        """Keys typed right after one that opens a screen (``c``, ``s``, F1) were sent to
        the screen below before the first key's binding opened the new one: they go on
        to the new screen, as typed, instead of being lost on their way back."""
        sent_to = self._sent_to.pop(event, None)
        if sent_to is not None and sent_to is not self.screen:
            event.prevent_default()  # not App's own handler: its bindings are the new screen's
            self.post_message(events.Key(event.key, event.character))

    def on_mount(self) -> None:
        if self.scene_path is not None:
            self.push_screen(
                OpeningScreen(self.scene_path, settings=self.settings, exit_on_failure=True)
            )
        elif is_installed_demo(self.folder):
            self.push_screen(DemoPicker(self.folder))
        else:
            self.push_screen(ScenePicker(self.folder))

    @property
    def editor(self) -> EditorScreen | None:
        """The editor open (once it has shown its scene), if any."""
        return next(
            (s for s in self.screen_stack if isinstance(s, EditorScreen) and s.is_mounted), None
        )

    @on(SceneChosen)
    def open_scene(self, message: SceneChosen) -> None:
        self.push_screen(OpeningScreen(message.path, settings=self.settings, exit_on_failure=False))

    @on(BackToScenes)
    def back_to_scenes(self, message: BackToScenes) -> None:
        """The editor closes; the scene list it was opened from shows again, or one of
        the scene's folder is made (after ``choreo edit SCENE``)."""
        folder = message.path.parent
        below = self.screen_stack[-2] if len(self.screen_stack) > 1 else None
        if isinstance(below, ScenePicker) and below.folder == folder:
            self.pop_screen()
            below.list_scenes(current=message.path)
        else:
            self.switch_screen(ScenePicker(folder, current=message.path))

    @on(OpeningFailed)
    def _opening_failed(self, message: OpeningFailed) -> None:
        self.failure = message.error
        self.exit(return_code=2)

    async def action_quit(self) -> None:
        if isinstance(self.screen, Question):
            return  # a question is open: it is answered first
        editor = self.editor
        if editor is None:
            self.exit()
        else:
            editor.request_quit()

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        sections = [
            ("Anywhere", _bindings(ChoreoApp.BINDINGS)),
            ("Editing a scene", _bindings(EditorScreen.BINDINGS)),
            ("In the beat table", _bindings(BeatTable.BINDINGS)),
            ("Cast and props (c)", _bindings([*CastScreen.BINDINGS, *SceneScreen.BINDINGS])),
            ("Scene settings (s)", _bindings([*SettingsScreen.BINDINGS, *SceneScreen.BINDINGS])),
        ]
        self.push_screen(HelpScreen(sections, PALETTE_COMMANDS, [FORM_KEYS, COMPLETION_KEYS]))


def _bindings(bindings: list[BindingType]) -> list[Binding]:
    return [b for b in bindings if isinstance(b, Binding)]


def make_app(
    scene_path: Path | None,
    *,
    folder: Path | None = None,
    settings: EditorSettings | None = None,
) -> ChoreoApp:
    """The app on one scene, or a picker over ``folder`` (the scene's own folder; without
    a scene ./scenes/, else the demo)."""
    if folder is None and scene_path is not None:
        folder = scene_path.parent
    elif folder is None:
        folder = Path("scenes") if Path("scenes").is_dir() else demo_scenes()
    return ChoreoApp(scene_path, folder=folder, settings=settings or EditorSettings())


def run_editor(scene: Path | None) -> None:
    """What ``choreo`` and ``choreo edit [SCENE]`` run; a scene that cannot be opened ends
    as a :class:`ChoreoError` for the command line to report."""
    if scene is not None and not scene.is_file():
        problem = "is a folder, not a scene file" if scene.is_dir() else "no such file"
        raise SceneError(problem, where=scene)
    app = make_app(scene)
    app.run()
    if app.failure is not None:
        raise app.failure
