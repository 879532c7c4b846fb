"""The scene settings screen (``s``): title, location, palette, the score and its part,
the recording, tempo, frame rate, start timecode, order and phrase.

A change is an edit of the open scene at once: the beats are placed again behind the
screen, and a change of score, part, order or tempo reads the score again in the editor's
worker. ctrl+z takes a change back, here or in the editor; escape closes the screen. A
value that does not read is said in one line and changes nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Select

from choreo.model import PALETTE_COLOURS
from choreo.project import reference_to
from choreo.scene_score import project_recordings, project_scores
from choreo.timing import MeasureMap
from choreo.tui.fields import FieldError
from choreo.tui.scene_settings import (
    FPS_TEXTS,
    ORDERS,
    PALETTES,
    SettingName,
    setting_text,
    with_setting,
)
from choreo.tui.screens.scene_screen import SceneScreen

if TYPE_CHECKING:
    from choreo.tui.screens.editor import EditorScreen

SCORE_FOLLOW_SECONDS = 0.25  # how often the part list looks for a score read meanwhile

# The settings typed in, and what each is; the others are chosen from a list.
TYPED: dict[SettingName, str] = {
    "title": "the scene's title",
    "location": "where it happens",
    "tempo": "quarter notes per minute where the score has no tempo",
    "start": "SMPTE timecode of the score's first beat, HH:MM:SS:FF",
    "phrase": "counts in a dancer's phrase, 2 to 32",
}
ORDER_OF_ROWS: tuple[SettingName, ...] = (
    "title", "location", "palette", "score", "part", "recording", "tempo", "fps", "start",
    "order", "phrase",
)  # fmt: skip
Option = tuple[Text | str, str]  # what a list shows, and the setting's text it stands for
ORDER_NAMES = {"written": "written (as printed)", "performed": "performed (repeats played)"}


class SettingInput(Input):
    def __init__(self, setting: SettingName) -> None:
        super().__init__(id=f"setting-{setting}", compact=True, placeholder=TYPED[setting])
        self.setting: SettingName = setting
        self.tooltip = TYPED[setting]


class SettingSelect(Select[str]):
    def __init__(self, setting: SettingName, options: list[Option], value: str) -> None:
        super().__init__(
            options, value=value, id=f"setting-{setting}", allow_blank=False, compact=True
        )
        self.setting: SettingName = setting


class SettingsScreen(SceneScreen):
    """The open scene's settings; edits go to the editor's history at once."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="settings-close",
                tooltip="Close the settings (a value being typed is applied first)"),
    ]  # fmt: skip

    def __init__(self, editor: EditorScreen) -> None:
        super().__init__(editor, problem_id="settings-problem")
        self.fields: dict[SettingName, SettingInput | SettingSelect] = {
            name: SettingInput(name)
            if name in TYPED
            else SettingSelect(name, self._options(name), self._value(name))
            for name in ORDER_OF_ROWS
        }
        self.score_status = Label("", id="settings-score-status", markup=False)
        self._score_seen: tuple[MeasureMap | None, str | None] | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="settings-box", classes="scene-box"):
            yield Label("Scene settings", id="settings-title", classes="scene-box-title")
            for name, field in self.fields.items():
                with Horizontal(classes="scene-row"):
                    yield Label(name, classes="scene-label")
                    yield field
            yield self.score_status
            yield self.problem
            yield Label(
                "enter or tab applies a typed value · ctrl+z undo · escape close",
                classes="scene-hint",
            )

    def on_mount(self) -> None:
        for field in self.fields.values():
            if isinstance(field, Input):
                field.cursor_blink = self.editor.settings.cursor_blink
        self.show_scene()
        title = self.fields["title"]
        title.focus()
        if isinstance(title, Input):
            # The screen focused the title before it had its text, so focus selected
            # nothing; selected now, letters typed right after s replace it, as typed later.
            title.select_all()
        self.set_interval(SCORE_FOLLOW_SECONDS, self._follow_score)

    # -- showing ---------------------------------------------------------------------
    def show_scene(self) -> None:
        scene = self.scene
        for name, field in self.fields.items():
            if isinstance(field, SettingInput):
                text = setting_text(scene, name)
                if field.value != text:
                    with field.prevent(Input.Changed):
                        field.value = text
                    field.cursor_position = 0
            else:
                self._fill(field, self._options(name))
        self._show_score_status()

    def _fill(self, select: SettingSelect, options: list[Option]) -> None:
        with select.prevent(Select.Changed):
            select.set_options(options)
            select.value = self._value(select.setting)
        select.disabled = select.setting == "part" and len(options) < 2

    def _options(self, name: SettingName) -> list[Option]:
        scene = self.scene
        if name == "palette":
            return [("none", "")] + [
                (Text.assemble(("■ ", PALETTE_COLOURS[p]), p), p) for p in PALETTES
            ]
        if name == "fps":
            return [(fps, fps) for fps in FPS_TEXTS]
        if name == "order":
            return [(ORDER_NAMES[order], order) for order in ORDERS]
        if name == "score":
            files = project_scores(self.editor.path)
            return self._files("none (a steady 4/4 grid)", files, scene.score.file)
        if name == "recording":
            return self._files("none", project_recordings(self.editor.path), scene.score.recording)
        if name == "part":
            parts = self._parts()
            if parts is None:
                current = setting_text(scene, "part")
                return [(f"{current} (the score is not read yet)", current)]
            return [(f"{index} {part}", str(index)) for index, part in enumerate(parts)]
        raise ValueError(name)

    def _files(self, none: str, files: list[Path], current: str | None) -> list[Option]:
        """None, the project's files (written relative to the scene), and the scene's own
        when it is none of them (a corpus work, a file kept elsewhere)."""
        path = self.editor.path
        options: list[Option] = [(none, "")]
        options += [(file.name, reference_to(file, path)) for file in files]
        if current and current not in [value for _, value in options]:
            options.append((current, current))
        return options

    def _parts(self) -> tuple[str, ...] | None:
        """The parts of the score as read, or None while it is read (or has failed)."""
        measures = self.session.score
        if measures is None or not self.scene.score.file:
            return None
        return measures.parts

    def _value(self, name: SettingName) -> str:
        """The option that shows the scene's value: a part named in the file is chosen by
        its place in the score once the score is read."""
        part = self.scene.score.part
        parts = self._parts()
        if name == "part" and isinstance(part, str) and parts is not None and part in parts:
            return str(parts.index(part))
        return setting_text(self.scene, name)

    def _show_score_status(self) -> None:
        session = self.session
        self._score_seen = (session.score, session.score_problem)
        if not self.scene.score.file:
            status = "no score: the beats sit on a steady 4/4 grid at the tempo below"
        elif session.score_problem is not None:
            status = f"the score could not be read: {session.score_problem}"
        elif session.score is None:
            status = "reading the score…"
        else:
            count = len(session.score.measures)
            status = f"score read: {count} bar{'s' if count != 1 else ''}"
            first = session.score.tempos[0] if session.score.tempos else None
            if first is not None and first.offset <= 0 and first.qpm != self.scene.score.tempo:
                # A tempo typed here would change nothing: say so rather than let it look set.
                status += f"; it sets its own tempo (♩={first.qpm:g}), so the tempo above is unused"
        self.score_status.update(status)
        self.score_status.set_class(session.score_problem is not None, "-failed")

    def _follow_score(self) -> None:
        """The editor reads a chosen score in its worker: show its parts once it has."""
        if self._score_seen != (self.session.score, self.session.score_problem):
            part = self.fields["part"]
            assert isinstance(part, SettingSelect)
            self._fill(part, self._options("part"))
            self._show_score_status()

    # -- edits -----------------------------------------------------------------------
    def _apply(self, name: SettingName, text: str) -> bool:
        """The setting's text into the scene; False when it does not read."""
        try:
            scene = with_setting(self.scene, name, text)
        except FieldError as error:
            self.say(error.message)
            return False
        changed = scene is not self.scene
        self.change(f"{name} of the scene", scene)
        if changed:
            self.show_scene()
        return True

    @on(Input.Submitted, "SettingInput")
    @on(Input.Blurred, "SettingInput")
    def _typed(self, event: Input.Submitted | Input.Blurred) -> None:
        event.stop()
        if isinstance(event.input, SettingInput):
            self._apply(event.input.setting, event.value)

    @on(Select.Changed, "SettingSelect")
    def _chosen(self, event: Select.Changed) -> None:
        event.stop()
        select = event.select
        if (
            isinstance(select, SettingSelect)
            and isinstance(event.value, str)
            and not self._apply(select.setting, event.value)
        ):
            self._fill(select, self._options(select.setting))  # back to the scene's

    def action_close(self) -> None:
        """Close, applying the value being typed; one that does not read is said and put
        back as it was, and escape again closes."""
        focused = self.focused
        if isinstance(focused, SettingInput) and not self._apply(focused.setting, focused.value):
            with focused.prevent(Input.Changed):
                focused.value = setting_text(self.scene, focused.setting)
            return
        self.dismiss(None)

    def apply_typed(self) -> bool:
        focused = self.focused
        if isinstance(focused, SettingInput):
            return self._apply(focused.setting, focused.value)
        return True
