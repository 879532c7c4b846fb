"""The selected beat's fields; moves complete from the vocabulary, people from the cast,
in a dropdown of every match (:mod:`choreo.tui.widgets.completion`)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.geometry import Size
from textual.reactive import Reactive
from textual.widgets import Input, Label

from choreo.model import Beat, Scene
from choreo.tui.fields import FIELDS, STATUSES, FieldError, FieldName, field_text, read_field
from choreo.tui.messages import FieldEdited
from choreo.tui.widgets.completion import Choice, FieldCompletion
from choreo.vocabulary import Vocabulary

COMPLETED: tuple[FieldName, ...] = (
    "ballet", "combat", "performers", "attacker", "partner", "weapon", "hit", "status",
)  # fmt: skip


class FieldInput(Input):
    """One field of the beat form."""

    # Input sets its virtual width to its text on every change; as a layout reactive that
    # would lay out the whole screen each time the form shows another beat. A field has a
    # fixed size, so a repaint is enough.
    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)

    def __init__(self, field: FieldName, placeholder: str, tooltip: str) -> None:
        super().__init__(placeholder=placeholder, id=f"field-{field}", compact=True)
        self.field: FieldName = field
        self.tooltip = tooltip


class BeatForm(VerticalScroll):
    """Edits one beat. A field is committed on enter or when focus leaves it; a value
    that does not read shows its problem under the field and changes nothing."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.index: int | None = None
        self.beat: Beat | None = None
        self.cast: set[str] = set()
        self._problems: dict[str, str | None] = {}
        self._title = ""
        self._inputs: list[FieldInput] = []
        self._completions: dict[str, FieldCompletion] = {}

    def compose(self) -> ComposeResult:
        yield Label("No beats yet: press [b]a[/b] in the table to add one.", id="form-empty")
        for field in FIELDS:
            with Horizontal(classes="field-row", id=f"row-{field.name}"):
                yield Label(field.label, classes="field-label")
                field_input = FieldInput(field.name, field.placeholder, field.tooltip)
                yield field_input
                if field.name in COMPLETED:
                    self._completions[field.name] = FieldCompletion(
                        field_input, one_of_a_list=field.name == "performers"
                    )
            yield Label("", classes="field-error", id=f"error-{field.name}")

    def on_mount(self) -> None:
        # On the screen itself: inside the form a dropdown would be laid out in its row.
        self.screen.mount(*self._completions.values())

    def completion(self, field: str) -> FieldCompletion:
        return self._completions[field]

    def inputs(self) -> list[FieldInput]:
        if not self._inputs:  # the form is composed once; every cursor move fills it
            self._inputs = list(self.query(FieldInput))
        return self._inputs

    def input_for(self, field: str) -> FieldInput:
        return self.query_one(f"#field-{field}", FieldInput)

    def set_choices(self, scene: Scene, vocabulary: Vocabulary) -> None:
        """What the fields complete from: the vocabulary, the scene's cast and props."""
        vocabulary = vocabulary.with_scene_moves(scene.moves)
        cast = [Choice(member.id, (member.name,)) for member in scene.cast]
        props = sorted({prop for member in scene.cast for prop in member.props})
        self.cast = {member.id for member in scene.cast}
        choices: dict[str, list[Choice]] = {
            "ballet": [Choice(m.name, m.aliases) for m in vocabulary.moves("ballet")],
            "combat": [Choice(m.name, m.aliases) for m in vocabulary.moves("combat")],
            "performers": cast,
            "attacker": cast,
            "partner": cast,
            "weapon": [Choice(prop) for prop in props],
            "hit": [Choice("yes"), Choice("no")],
            "status": [Choice(status) for status in STATUSES],
        }
        for field, completion in self._completions.items():
            completion.choices = choices[field]

    def show_beat(self, index: int | None, beat: Beat | None, *, keep_typed: bool = False) -> None:
        """Fill the fields from a beat (or empty them); with ``keep_typed`` the field being
        typed in keeps its text."""
        self.index, self.beat = index, beat
        self.set_class(beat is None, "-empty")
        title = "beat" if beat is None else f"beat {beat.id} · row {(index or 0) + 1}"
        if title != self._title:  # setting a title repaints the whole form
            self._title = self.border_title = title
        for field_input in self.inputs():
            field_input.disabled = beat is None
            if keep_typed and field_input.has_focus:
                continue
            text = "" if beat is None else field_text(beat, field_input.field)
            if field_input.value != text:
                with field_input.prevent(Input.Changed):  # filled, not typed: no dropdown
                    field_input.value = text
                field_input.cursor_position = 0  # a long value shows its start
            self._show_problem(field_input.field, None)

    def pending_edit(self) -> FieldEdited | None:
        """The focused field's text when it differs from the beat: an edit to commit now."""
        focused = self.screen.focused
        if not isinstance(focused, FieldInput) or self.beat is None or self.index is None:
            return None
        return self._edit_of(focused)

    def _edit_of(self, field_input: FieldInput) -> FieldEdited | None:
        if self.beat is None or self.index is None:
            return None
        if field_input.value == field_text(self.beat, field_input.field):
            return None
        return FieldEdited(self.index, self.beat.id, field_input.field, field_input.value)

    def show_problem(self, field: str, problem: str | None) -> None:
        self._show_problem(field, problem)

    def _show_problem(self, field: str, problem: str | None) -> None:
        if self._problems.get(field) == problem:
            return  # unchanged: no layout pass for the whole screen
        self._problems[field] = problem
        error = self.query_one(f"#error-{field}", Label)
        error.update(problem or "")
        error.set_class(problem is not None, "-shown")
        self.query_one(f"#row-{field}").set_class(problem is not None, "-invalid")

    @on(Input.Changed)
    def _check_as_typed(self, event: Input.Changed) -> None:
        if not isinstance(event.input, FieldInput):
            return
        if self.beat is None or event.value == field_text(self.beat, event.input.field):
            self._show_problem(event.input.field, None)
            return
        try:
            read_field(event.input.field, event.value, self.cast)
        except FieldError as error:
            self._show_problem(event.input.field, error.message)
        else:
            self._show_problem(event.input.field, None)

    @on(Input.Submitted)
    @on(Input.Blurred)
    def _commit(self, event: Input.Submitted | Input.Blurred) -> None:
        event.stop()
        if isinstance(event.input, FieldInput) and (edit := self._edit_of(event.input)):
            self.post_message(edit)
