"""The cast and props screen (``c``): the performers, who doubles whom, and the props each
holds when the scene starts.

Every change is an edit of the open scene as soon as it is made (the editor behind shows
it, and ctrl+z takes it back, here or in the editor); escape closes the screen. A value
that does not read, or a removal that would leave beats naming nobody, is said in one line
and changes nothing.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Input, Label

from choreo.model import CastMember, Scene
from choreo.tui.cast_edits import (
    MEMBER_FIELDS,
    MemberField,
    add_member,
    beat_counts,
    known_props,
    member_text,
    remove_member,
    with_member_field,
)
from choreo.tui.edits import EditRefused
from choreo.tui.fields import FieldError
from choreo.tui.screens.scene_screen import SceneScreen
from choreo.tui.widgets.completion import Choice, FieldCompletion

if TYPE_CHECKING:
    from choreo.tui.screens.editor import EditorScreen

MEMBER_HINTS: dict[MemberField, str] = {
    "name": "as the crew calls them",
    "id": "what beats name them by; a new id follows into every beat",
    "doubles": "the character this performer doubles (a cast id)",
    "double": "their stunt double, by name, when not in the cast",
    "role": "e.g. the assassin",
    "props": "held when the scene starts, separated by commas",
}
COLUMNS = ("id", "name", "doubles", "props", "beats")


class PropsCompletion(FieldCompletion):
    """Props are separated by commas only: a prop's name may have spaces."""

    last_name = re.compile(r"^(.*,\s*)?([^,]*)$", re.DOTALL)


class MemberInput(Input):
    """One field of the highlighted cast member."""

    def __init__(self, field: MemberField) -> None:
        super().__init__(id=f"member-{field}", compact=True, placeholder=MEMBER_HINTS[field])
        self.field: MemberField = field
        self.tooltip = MEMBER_HINTS[field]


_TABLE_HINT = "a add · enter edit · d remove · ctrl+z undo · escape close"
_NEW_NAME_HINT = "type a name, enter adds it (then another) · escape back to the list"
_FIELD_HINT = "enter or tab applies · escape back to the list"


class CastScreen(SceneScreen):
    """The open scene's cast; edits go to the editor's history at once."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add_member", "Add", id="cast-add",
                tooltip="Add a performer: type the name, enter (the id is made from it)"),
        Binding("d,delete", "remove_member", "Remove", id="cast-remove",
                tooltip="Remove the highlighted performer (refused while beats name them)"),
        Binding("enter", "edit_member", "Edit", id="cast-edit", show=False,
                tooltip="Edit the highlighted performer's name, id, doubles and props"),
        Binding("escape", "back", "Close", id="cast-close",
                tooltip="From a field: back to the list; from the list: close"),
    ]  # fmt: skip

    def __init__(self, editor: EditorScreen) -> None:
        super().__init__(editor, problem_id="cast-problem")
        self.table: DataTable[Text | str] = DataTable(
            id="cast-table", cursor_type="row", zebra_stripes=True
        )
        self.inputs = {field: MemberInput(field) for field in MEMBER_FIELDS}
        self.new_name = Input(
            id="cast-new-name",
            compact=True,
            placeholder="name of a new performer, then enter (another, or escape)",
        )
        self.doubles_completion = FieldCompletion(self.inputs["doubles"])
        self.props_completion = PropsCompletion(self.inputs["props"], one_of_a_list=True)
        self._shown: CastMember | None = None
        self.hint = Label(_TABLE_HINT, id="cast-hint", classes="scene-hint")

    def compose(self) -> ComposeResult:
        with Vertical(id="cast-box", classes="scene-box"):
            yield Label("", id="cast-title", classes="scene-box-title", markup=False)
            yield self.table
            with Horizontal(classes="scene-row", id="cast-new-row"):
                yield Label("add", classes="scene-label")
                yield self.new_name
            with Vertical(id="member-form"):
                for field, field_input in self.inputs.items():
                    with Horizontal(classes="scene-row"):
                        yield Label(field, classes="scene-label")
                        yield field_input
            yield self.problem
            yield self.hint
        yield self.doubles_completion
        yield self.props_completion

    def on_mount(self) -> None:
        for column in COLUMNS:
            self.table.add_column(column, key=column)
        cursor_blink = self.editor.settings.cursor_blink
        for field_input in (*self.inputs.values(), self.new_name):
            field_input.cursor_blink = cursor_blink
        self.show_scene(0)
        (self.table if self.scene.cast else self.new_name).focus()  # no cast: name one

    @on(events.DescendantFocus)
    def _say_keys(self) -> None:
        # In a field letters are text: a hint naming `a` there would have it typed.
        focused = self.focused
        if focused is self.new_name:
            self.hint.update(_NEW_NAME_HINT)
        elif isinstance(focused, MemberInput):
            self.hint.update(_FIELD_HINT)
        else:
            self.hint.update(_TABLE_HINT)

    # -- showing ---------------------------------------------------------------------
    @property
    def row(self) -> int:
        return self.table.cursor_row if self.table.row_count else 0

    def show_scene(self, row: int | None = None) -> None:
        """The cast as the scene has it now, the cursor on ``row`` (or where it is)."""
        scene = self.scene
        row = self.row if row is None else row
        self.query_one("#cast-title", Label).update(
            f"Cast and props · {scene.title} · {len(scene.cast)} "
            f"performer{'s' if len(scene.cast) != 1 else ''}"
        )
        self.table.clear()
        counts = beat_counts(scene)
        for member in scene.cast:
            used = counts[member.id]
            doubles = scene.member(member.doubles) if member.doubles else None
            self.table.add_row(
                Text(member.id, style="bold"),
                member.name,
                (doubles.name if doubles else member.doubles) or "",
                ", ".join(member.props),
                Text(str(used), style="dim" if not used else ""),
                key=member.id,
            )
        if scene.cast:
            self.table.move_cursor(row=max(0, min(row, len(scene.cast) - 1)), animate=False)
        self._set_choices()
        self._show_member()

    def _set_choices(self) -> None:
        self.doubles_completion.choices = [Choice(m.id, (m.name,)) for m in self.scene.cast]
        self.props_completion.choices = [Choice(prop) for prop in known_props(self.scene)]

    def _member(self) -> CastMember | None:
        cast = self.scene.cast
        return cast[self.row] if cast and 0 <= self.row < len(cast) else None

    def _show_member(self) -> None:
        member = self._member()
        self._shown = member
        for field, field_input in self.inputs.items():
            field_input.disabled = member is None
            text = "" if member is None else member_text(member, field)
            if field_input.value != text:
                with field_input.prevent(Input.Changed):
                    field_input.value = text
                field_input.cursor_position = 0

    @on(DataTable.RowHighlighted, "#cast-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        if self._member() is not self._shown:
            self._show_member()

    @on(DataTable.RowSelected, "#cast-table")
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit_member()

    # -- edits -----------------------------------------------------------------------
    def _change(self, label: str, scene: Scene, row: int | None = None) -> None:
        self.change(label, scene)
        self.show_scene(row)

    @on(Input.Submitted, "#cast-new-name")
    def _add_named(self, event: Input.Submitted) -> None:
        event.stop()
        name = event.value.strip()
        if not name:
            self.table.focus()
            return
        try:
            scene, index = add_member(self.scene, name)
        except FieldError as error:
            self.say(error.message)
            return
        self.new_name.value = ""
        self._change(f"add {scene.cast[index].id} to the cast", scene, index)

    @on(Input.Submitted, "MemberInput")
    @on(Input.Blurred, "MemberInput")
    def _member_edited(self, event: Input.Submitted | Input.Blurred) -> None:
        event.stop()
        if isinstance(event.input, MemberInput):
            self._commit(event.input)

    def _commit(self, field_input: MemberInput) -> bool:
        """The field's text into the scene; False when it does not read."""
        member = self._shown
        if member is None or field_input.value == member_text(member, field_input.field):
            return True
        index = next((i for i, m in enumerate(self.scene.cast) if m is member), None)
        if index is None:
            return True  # the member changed meanwhile (an undo): nothing to apply to
        try:
            scene = with_member_field(self.scene, index, field_input.field, field_input.value)
        except FieldError as error:
            self.say(f"{member.id} {field_input.field}: {error.message}")
            return False
        self._change(f"{field_input.field} of {member.id}", scene, index)
        return True

    def action_add_member(self) -> None:
        self.new_name.focus()

    def action_edit_member(self) -> None:
        if self._member() is None:
            self.new_name.focus()
            return
        self.inputs["name"].focus()

    def action_remove_member(self) -> None:
        if self._member() is None:
            self.app.bell()
            return
        try:
            scene = remove_member(self.scene, self.row)
        except EditRefused as refused:
            self.app.bell()
            self.say(refused.message)
            return
        removed = self.scene.cast[self.row].id
        self._change(f"remove {removed} from the cast", scene)

    def action_back(self) -> None:
        focused = self.focused
        if isinstance(focused, MemberInput):
            if self._commit(focused):
                self.table.focus()
            return
        if focused is self.new_name:
            self.new_name.value = ""
            self.table.focus()
            return
        self.dismiss(None)

    def apply_typed(self) -> bool:
        focused = self.focused
        return self._commit(focused) if isinstance(focused, MemberInput) else True

    def before_history(self) -> None:
        if isinstance(self.focused, Input):
            self.table.focus()  # the member shown may change under the field

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Letters typed in a field are text, not keys.
        if action in ("add_member", "remove_member", "edit_member"):
            return not isinstance(self.focused, Input)
        return True
