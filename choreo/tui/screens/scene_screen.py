"""What the screens over the editor that change the open scene share (cast and props,
scene settings): every change goes into the editor's history at once, ctrl+z and ctrl+y
step through that one history, and a value that does not read is said in one line."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen
from textual.widgets import Label

from choreo.model import Scene

if TYPE_CHECKING:
    from choreo.tui.screens.editor import EditorScreen


class SceneScreen(ModalScreen[None]):
    """A screen that edits the scene open in ``editor``; the subclass draws the scene and
    says how the value being typed is applied."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+z", "undo", "Undo", id="scene-undo", priority=True,
                tooltip="Undo the last edit, made here or in the editor"),
        Binding("ctrl+y", "redo", "Redo", id="scene-redo", priority=True, show=False,
                tooltip="Redo the edit undone last"),
    ]  # fmt: skip

    CSS_PATH = "scene_screens.tcss"

    def __init__(self, editor: EditorScreen, *, problem_id: str) -> None:
        super().__init__(classes="scene-screen")
        self.editor = editor
        self.session = editor.session
        self.problem = Label("", id=problem_id, markup=False)
        # Keys typed after `c` or `s` while the screen mounts reach it before any field
        # has focus, where nothing takes them: kept, and typed again once one has.
        self._early_keys: list[events.Key] | None = []

    async def _on_key(self, event: events.Key) -> None:
        if self._early_keys is None or self.focused is not None:
            return  # Textual's own handler, next in line, takes it
        event.stop()
        event.prevent_default()
        self._early_keys.append(event)

    def _on_descendant_focus(self, event: events.DescendantFocus) -> None:
        early, self._early_keys = self._early_keys, None
        for key in early or ():
            self.app.post_message(events.Key(key.key, key.character))

    @property
    def scene(self) -> Scene:
        return self.session.scene

    def show_scene(self) -> None:
        """Every field as the scene has it now (after opening, an edit or an undo)."""
        raise NotImplementedError

    def apply_typed(self) -> bool:
        """Apply the value being typed in the focused field, if any; False when it does
        not read (the problem is said)."""
        raise NotImplementedError

    def before_history(self) -> None:
        """Where focus goes before an undo or redo changes what the fields show."""

    def say(self, problem: str | None) -> None:
        """One line: why the last change was not made, or nothing."""
        self.problem.update(problem or "")
        self.problem.set_class(problem is not None, "-shown")

    def change(self, label: str, scene: Scene) -> None:
        """An edit made here: into the editor's history, and shown there."""
        self.say(None)
        if scene is not self.scene:
            self.editor.change_scene(label, scene)

    def action_undo(self) -> None:
        self._history(self.editor.action_undo)

    def action_redo(self) -> None:
        self._history(self.editor.action_redo)

    def _history(self, step: Callable[[], None]) -> None:
        """Undo or redo; what is typed in a field counts as an edit first, as in the
        editor's form, so ctrl+z in a field takes back that field."""
        if not self.apply_typed():
            self.show_scene()  # it did not read: the field goes back to the scene's
            return
        self.before_history()
        step()
        self.say(None)
        self.show_scene()
