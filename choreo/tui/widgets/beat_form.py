"""The selected beat's fields, every one a beat has: the headline moves and people, each
performer's own action (ballet, combat or reaction), how and where, and notes and
safety on several lines. Moves complete from the vocabulary (reactions from the reaction
vocabulary), people from the cast, in a dropdown of every match
(:mod:`choreo.tui.widgets.completion`)."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import Reactive
from textual.widget import Widget
from textual.widgets import Input, Label, TextArea

from choreo.model import FLOOR, Beat, Scene
from choreo.tui.fields import (
    ACTION_PARTS,
    DISTANCES,
    FIELDS,
    STATUSES,
    ActionPart,
    BeatField,
    FieldError,
    FieldName,
    action_text,
    field_text,
    read_field,
)
from choreo.tui.messages import FieldEdited
from choreo.tui.widgets.completion import Choice, FieldCompletion
from choreo.vocabulary import Vocabulary

COMPLETED: tuple[FieldName, ...] = (
    "ballet", "combat", "performers", "attacker", "partner", "weapon", "distance", "contact",
    "hit", "doubles", "handoffs", "status",
)  # fmt: skip
# Fields that name several things: only the name being typed completes.
LISTS: tuple[FieldName, ...] = ("performers", "doubles", "handoffs")
# What the help screen says about the form: (key, does, more).
FORM_KEYS = (
    "In the beat form",
    [
        ("enter", "Keep", "Keep the field's value (in safety and notes: a new line)"),
        ("tab / shift+tab", "Next field", "Keep the value and go to the next or previous field"),
        ("escape", "Table", "Keep the value and go back to the table"),
    ],
)
ACTION_LABELS: dict[ActionPart, str] = {"ballet": "ballet", "combat": "combat",
                                        "reaction": "reaction"}  # fmt: skip


# A widget's virtual size is a layout reactive: when a layout pass finds it changed (a row
# shown, a label's text longer) it asks for a second pass over the whole screen. The form's
# own rows, labels and boxes are sized by that first pass, and their virtual size moves
# nothing, so they take it as a repaint. (The form's scrollbar still comes and goes with a
# layout pass of its own.)
def sized_by_layout() -> Reactive[Size]:
    return Reactive(Size(0, 0), layout=False)


class FieldRow(Horizontal):
    """A field's label and its input, on one line (notes and safety: three). The row
    draws the label itself, beside the input: a widget fewer for every field, and every
    layout pass and paint of the screen goes through each."""

    virtual_size: Reactive[Size] = sized_by_layout()

    def __init__(self, label: str, *, classes: str, id: str | None = None) -> None:
        super().__init__(classes=classes, id=id)
        self.label = label

    def render(self) -> Content:
        return Content(self.label)


class FieldLabel(Label):
    """A performer's name over their action, or the problem under a field."""

    virtual_size: Reactive[Size] = sized_by_layout()


class ActionTable(Vertical):
    """The form's action slots."""

    virtual_size: Reactive[Size] = sized_by_layout()


class FormInput(Input):
    """A single-line field of the beat form."""

    # Input sets its virtual width to its text on every change: a field has a fixed size,
    # so a repaint is enough.
    virtual_size: Reactive[Size] = sized_by_layout()

    def __init__(self, placeholder: str, tooltip: str, *, id: str) -> None:
        super().__init__(placeholder=placeholder, id=id, compact=True)
        self.tooltip = tooltip
        self.completion: FieldCompletion | None = None  # its dropdown, if it completes

    async def on_focus(self) -> None:
        # The dropdown joins the screen when its field is first used: a widget mounted
        # is one more for every later layout pass. Keys typed meanwhile wait for it.
        if self.completion is not None and not self.completion.is_attached:
            await self.screen.mount(self.completion, before=0)

    def on_blur(self) -> None:
        self.cursor_position = 0  # a long value shows its start, not where typing ended


class FieldInput(FormInput):
    """One of the beat's own single-line fields."""

    def __init__(self, field: FieldName, placeholder: str, tooltip: str) -> None:
        super().__init__(placeholder, tooltip, id=f"field-{field}")
        self.field: FieldName = field


class ActionInput(FormInput):
    """One part (ballet, combat, reaction) of one performer's action in the beat."""

    def __init__(self, slot: int, part: ActionPart) -> None:
        super().__init__("", f"this performer's own {part}", id=f"action-{slot}-{part}")
        self.part: ActionPart = part
        self.performer: str | None = None  # whose action it shows

    def allow_focus(self) -> bool:
        return self.performer is not None and super().allow_focus()  # a blank slot: skipped


class NoteArea(TextArea):
    """A field of several lines (safety, notes); committed when focus leaves it."""

    @dataclass
    class Left(Message):
        area: NoteArea

    # Its size is fixed (three lines): a note of another length moves only its scrollbar.
    virtual_size: Reactive[Size] = sized_by_layout()

    def watch_virtual_size(self, size: Size) -> None:
        if self.container_size:  # laid out already; else the first layout does this
            self._scroll_update(size)

    def __init__(self, field: FieldName, placeholder: str, tooltip: str) -> None:
        super().__init__(
            id=f"field-{field}", compact=True, soft_wrap=True, placeholder=placeholder,
            highlight_cursor_line=False, tooltip=tooltip,
        )  # fmt: skip
        self.field: FieldName = field

    def on_focus(self) -> None:
        self.move_cursor(self.document.end)  # ready to add to the note

    def on_blur(self) -> None:
        self.move_cursor((0, 0))  # a long note shows its start
        self.post_message(self.Left(self))


class ActionSlot(Vertical):
    """One performer's action: whose it is, then a field for each part. The form keeps
    enough slots for the most people a beat names and hides those a beat does not use."""

    virtual_size: Reactive[Size] = sized_by_layout()

    def __init__(self, slot: int, cursor_blink: bool) -> None:
        super().__init__(classes="action-slot", id=f"action-slot-{slot}")
        self.slot = slot
        self.cursor_blink = cursor_blink
        self.performer: str | None = None
        self.inputs = {part: ActionInput(slot, part) for part in ACTION_PARTS}
        self.completions = {part: FieldCompletion(field) for part, field in self.inputs.items()}
        for part, completion in self.completions.items():
            self.inputs[part].completion = completion
        # Made here, not in compose: a slot is filled as soon as it is mounted.
        self.who = FieldLabel("", classes="action-who", markup=False)
        self.error = FieldLabel("", classes="field-error")
        self._who = ""
        self._problem: str | None = None

    def compose(self) -> ComposeResult:
        yield self.who
        for part, field_input in self.inputs.items():
            field_input.cursor_blink = self.cursor_blink
            with FieldRow(f"  {ACTION_LABELS[part]}", classes="field-row"):
                yield field_input
        yield self.error

    def show_problem(self, problem: str | None) -> None:
        if problem != self._problem:
            self._problem = problem
            self.error.update(problem or "")
            self.error.set_class(problem is not None, "-shown")

    def show(
        self, performer: str | None, who: str, beat: Beat | None, keep_typed: bool, *, room: bool
    ) -> None:
        """Show one performer's action, or nothing. A slot the beat does not use but
        another beat of the scene does (``room``) keeps its lines, blank: the fields below
        stay where they are, and a cursor move needs no layout pass over the screen."""
        self.performer = performer
        if self.display != room:
            self.display = room
        used = 1.0 if performer is not None else 0.0
        if self.styles.opacity != used:
            self.styles.opacity = used
        if who != self._who:
            self._who = who
            self.who.update(who, layout=False)  # one line, as wide as the form
        for part, field_input in self.inputs.items():
            field_input.performer = performer
            if keep_typed and field_input.has_focus:
                continue
            text = "" if beat is None or performer is None else action_text(beat, performer, part)
            _fill(field_input, text)


def most_people(scene: Scene) -> int:
    """The most people one beat names: how many action slots the form shows."""
    return max((len(beat.everyone()) for beat in scene.beats), default=0)


def people_in(scene: Scene) -> int:
    """How many action slots the form keeps: the most people a beat names, or the cast."""
    return max(most_people(scene), len(scene.cast))


def _fill(field_input: Input, text: str) -> None:
    if field_input.value != text:
        with field_input.prevent(Input.Changed):  # filled, not typed: no dropdown
            field_input.value = text
        field_input.cursor_position = 0  # a long value shows its start


class BeatForm(VerticalScroll):
    """Edits one beat. A field is committed on enter or when focus leaves it; a value
    that does not read shows its problem under the field and changes nothing."""

    virtual_size: Reactive[Size] = sized_by_layout()

    def __init__(self, scene: Scene, *, id: str | None = None, cursor_blink: bool = True) -> None:
        super().__init__(id=id)
        self.index: int | None = None
        self.beat: Beat | None = None
        self.cast: set[str] = set()
        self.cursor_blink = cursor_blink
        self._names: dict[str, str] = {}  # cast id -> name
        self._performed = False  # the scene follows the score as performed: beats have passes
        self._problems: dict[str, str | None] = {}
        self._errors: dict[str, FieldLabel] = {}  # the line under a field that had a problem
        self._title = ""
        self._fields: list[FieldInput | NoteArea] = []
        self._completions: dict[str, FieldCompletion] = {}
        # Slots for the scene's people are made with the form, not mounted after it.
        self._slots = [ActionSlot(slot, cursor_blink) for slot in range(people_in(scene))]
        self._room = most_people(scene)  # slots shown, used by the beat or blank
        self._row_of_pass: Widget | None = None
        self._action_choices: dict[ActionPart, list[Choice]] = {p: [] for p in ACTION_PARTS}

    def compose(self) -> ComposeResult:
        yield Label("No beats yet: press [b]a[/b] in the table to add one.", id="form-empty")
        for field in FIELDS:
            yield from self._field_row(field)
            if field.name == "partner":
                yield ActionTable(*self._slots, id="actions")  # each performer's own action

    def _field_row(self, field: BeatField) -> ComposeResult:
        classes = f"field-row lines-{field.lines}"
        with FieldRow(field.label, classes=classes, id=f"row-{field.name}"):
            widget: FieldInput | NoteArea
            if field.lines > 1:
                widget = NoteArea(field.name, field.placeholder, field.tooltip)
            else:
                widget = FieldInput(field.name, field.placeholder, field.tooltip)
                if field.name in COMPLETED:
                    widget.completion = self._completions[field.name] = FieldCompletion(
                        widget, one_of_a_list=field.name in LISTS
                    )
            widget.cursor_blink = self.cursor_blink
            yield widget

    def _pass_row(self) -> Widget:
        if self._row_of_pass is None:
            self._row_of_pass = self.query_one("#row-pass")
        return self._row_of_pass

    def completion(self, field: str) -> FieldCompletion:
        return self._completions[field]

    def inputs(self) -> list[FieldInput | NoteArea]:
        """The beat's own fields (each performer's action fields are in their slots)."""
        if not self._fields:  # the form is composed once; every cursor move fills it
            self._fields = [w for w in self.query("FieldInput, NoteArea")
                            if isinstance(w, FieldInput | NoteArea)]  # fmt: skip
        return self._fields

    def input_for(self, field: str) -> Widget:
        return self.query_one(f"#field-{field}")

    def action_input(self, performer: str, part: ActionPart) -> ActionInput:
        """The field of one part of a performer's action, for the beat shown."""
        slot = next(s for s in self._slots if s.performer == performer)
        return slot.inputs[part]

    def set_choices(self, scene: Scene, vocabulary: Vocabulary) -> None:
        """What the fields complete from: the vocabulary, the scene's cast and props."""
        vocabulary = vocabulary.with_scene_moves(scene.moves)
        cast = [Choice(member.id, (member.name,)) for member in scene.cast]
        props = sorted({prop for member in scene.cast for prop in member.props})
        self.cast = {member.id for member in scene.cast}
        self._names = {member.id: member.name for member in scene.cast}
        self._performed = scene.score.order == "performed"
        moves = {kind: [Choice(m.name, m.aliases) for m in vocabulary.moves(kind)]
                 for kind in ACTION_PARTS}  # fmt: skip
        choices: dict[str, list[Choice]] = {
            "ballet": moves["ballet"],
            "combat": moves["combat"],
            "performers": cast,
            "attacker": cast,
            "partner": cast,
            "weapon": [Choice(prop) for prop in props],
            "distance": [Choice(distance) for distance in DISTANCES],
            "contact": [Choice("yes"), Choice("no")],
            "hit": [Choice("yes"), Choice("no")],
            "doubles": cast,
            "handoffs": [*[Choice(prop) for prop in props], *cast, Choice(FLOOR)],
            "status": [Choice(status) for status in STATUSES],
        }
        for field, completion in self._completions.items():
            completion.choices = choices[field]
        self._action_choices = moves
        for slot in self._slots:
            for part, completion in slot.completions.items():
                completion.choices = moves[part]
        self._ensure_slots(people_in(scene))
        self._room = most_people(scene)

    def _ensure_slots(self, count: int) -> None:
        """Enough action slots for ``count`` people (made once; more only when a beat
        names more people than any before)."""
        if count <= len(self._slots):
            return
        new = [ActionSlot(slot, self.cursor_blink) for slot in range(len(self._slots), count)]
        for slot in new:
            for part, completion in slot.completions.items():
                completion.choices = self._action_choices[part]
        self._slots.extend(new)
        self.query_one("#actions").mount(*new)

    def show_beat(self, index: int | None, beat: Beat | None, *, keep_typed: bool = False) -> None:
        """Fill the fields from a beat (or empty them); with ``keep_typed`` the field being
        typed in keeps its text."""
        self.index, self.beat = index, beat
        self.set_class(beat is None, "-empty")
        title = "beat" if beat is None else f"beat {beat.id} · row {(index or 0) + 1}"
        if title != self._title:
            self._show_title(title)
        show_pass = beat is not None and (self._performed or beat.pass_number is not None)
        self._pass_row().set_class(not show_pass, "-unused")
        for widget in self.inputs():
            widget.disabled = beat is None
            if keep_typed and widget.has_focus:
                continue
            text = "" if beat is None else field_text(beat, widget.field)
            if isinstance(widget, NoteArea):
                if widget.text != text:
                    with widget.prevent(TextArea.Changed):
                        widget.load_text(text)
            else:
                _fill(widget, text)
            self._show_problem(widget.field, None)
        self._show_actions(beat, keep_typed)

    def _show_title(self, title: str) -> None:
        """The beat in the form's border. Setting ``border_title`` repaints the whole
        form, every field in it; the title is one line of the border, so only that line
        is painted again."""
        self._title = title
        self._border_title = self.render_str(title).split()[0]  # as border_title keeps it
        if self.is_mounted:
            offset = self.content_offset  # regions are given from the content's corner
            self.refresh(Region(-offset.x, -offset.y, self.outer_size.width, 1))

    def _show_actions(self, beat: Beat | None, keep_typed: bool) -> None:
        people = beat.everyone() if beat is not None else []
        self._ensure_slots(len(people))
        self._room = max(self._room, len(people))
        for number, slot in enumerate(self._slots):
            performer = people[number] if number < len(people) else None
            name = self._names.get(performer or "")
            who = "" if performer is None else f"{performer} · {name}" if name else performer
            slot.show(performer, who, beat, keep_typed, room=number < self._room)
            slot.show_problem(None)

    def pending_edit(self) -> FieldEdited | None:
        """The focused field's text when it differs from the beat: an edit to commit now."""
        focused = self.screen.focused
        if not isinstance(focused, FormInput | NoteArea):
            return None
        return self._edit_of(focused)

    def _edit_of(self, widget: FormInput | NoteArea) -> FieldEdited | None:
        if self.beat is None or self.index is None:
            return None
        if isinstance(widget, ActionInput):
            if widget.performer is None:
                return None
            if widget.value == action_text(self.beat, widget.performer, widget.part):
                return None
            return FieldEdited(
                self.index, self.beat.id, widget.part, widget.value, performer=widget.performer
            )
        if isinstance(widget, NoteArea):
            text = widget.text
        elif isinstance(widget, FieldInput):
            text = widget.value
        else:
            return None
        if text == field_text(self.beat, widget.field):
            return None
        return FieldEdited(self.index, self.beat.id, widget.field, text)

    def show_problem(self, field: str, problem: str | None, performer: str | None = None) -> None:
        if performer is None:
            self._show_problem(field, problem)
        else:
            for slot in self._slots:
                if slot.performer == performer:
                    slot.show_problem(problem)

    def _show_problem(self, field: str, problem: str | None) -> None:
        if self._problems.get(field) == problem:
            return  # unchanged: no layout pass for the whole screen
        self._problems[field] = problem
        row = self.query_one(f"#row-{field}")
        error = self._errors.get(field)
        if error is None:  # a field's first problem: its line is made now, under it
            error = self._errors[field] = FieldLabel(classes="field-error", id=f"error-{field}")
            self.mount(error, after=row)
        error.update(problem or "")
        error.set_class(problem is not None, "-shown")
        row.set_class(problem is not None, "-invalid")

    @on(Input.Changed)
    def _check_as_typed(self, event: Input.Changed) -> None:
        if isinstance(event.input, FieldInput):
            self._check(event.input.field, event.value)

    @on(TextArea.Changed)
    def _check_note_as_typed(self, event: TextArea.Changed) -> None:
        if isinstance(event.text_area, NoteArea):
            self._check(event.text_area.field, event.text_area.text)

    def _check(self, field: FieldName, text: str) -> None:
        if self.beat is None or text == field_text(self.beat, field):
            self._show_problem(field, None)
            return
        try:
            read_field(field, text, self.cast)
        except FieldError as error:
            self._show_problem(field, error.message)
        else:
            self._show_problem(field, None)

    @on(Input.Submitted)
    @on(Input.Blurred)
    def _commit(self, event: Input.Submitted | Input.Blurred) -> None:
        event.stop()
        if isinstance(event.input, FormInput) and (edit := self._edit_of(event.input)):
            self.post_message(edit)

    @on(NoteArea.Left)
    def _commit_note(self, event: NoteArea.Left) -> None:
        event.stop()
        if edit := self._edit_of(event.area):
            self.post_message(edit)
