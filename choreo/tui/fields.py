"""The beat form's fields: how each shows a beat's value as text and reads it back, and
the same for each performer's own action (ballet, combat, reaction).

A value that does not read is a :class:`FieldError` said in the user's words; the form
shows it beside the field and the scene does not change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal, get_args

from pydantic import ValidationError

from choreo.model import Beat, Position, format_beat
from choreo.model.scene import FLOOR, Action, Distance, Handoff, RehearsalStatus

FieldName = Literal[
    "at", "pass", "length", "ballet", "combat", "performers", "attacker", "partner",
    "weapon", "target", "line", "distance", "contact", "intensity", "hit", "doubles",
    "handoffs", "position", "travel", "setup", "camera", "cue", "status", "safety", "notes",
]  # fmt: skip
ActionPart = Literal["ballet", "combat", "reaction"]
ACTION_PARTS: tuple[ActionPart, ...] = get_args(ActionPart)
STATUSES: tuple[str, ...] = get_args(RehearsalStatus)
DISTANCES: tuple[str, ...] = get_args(Distance)
YES = {"yes", "y", "true", "1", "on", "hit"}
NO = {"no", "n", "false", "0", "off", ""}
ARROW = "→"
_SEPARATORS = re.compile(r"[,\s]+")
_ENTRIES = re.compile(r"\s*[;,]\s*")
_HANDOFF = re.compile(r"^(?P<prop>.+?)\s*:\s*(?P<from>\S+)\s*(?:→|->|>|\bto\b)\s*(?P<to>\S+)$")
_ATTRIBUTES: dict[str, str] = {"pass": "pass_number"}  # a field named as the file names it


class FieldError(ValueError):
    """A field's text that cannot become the beat's value."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class BeatField:
    name: FieldName
    label: str
    placeholder: str
    tooltip: str
    lines: int = 1  # more than one: a multi-line field


FIELDS: tuple[BeatField, ...] = (
    BeatField(
        "at", "at", "e.g. 5:1", "measure:beat as printed in the score; 12:2.5 is the and-of-two"
    ),
    BeatField("pass", "pass", "1", "which time through the bar, in performed order (repeats)"),
    BeatField("length", "length", "to the next beat", "beats; empty lasts up to the next beat"),
    BeatField(
        "ballet", "ballet", "e.g. grand jeté", "the ballet move (completes from the vocabulary)"
    ),
    BeatField(
        "combat", "combat", "e.g. flying kick", "the combat action (completes from the vocabulary)"
    ),
    BeatField("performers", "performers", "e.g. eve, guard1", "cast ids, separated by commas"),
    BeatField("attacker", "attacker", "", "who delivers the action (a cast id)"),
    BeatField("partner", "partner", "", "who receives or reacts (a cast id)"),
    BeatField("weapon", "weapon", "", "the prop used, from the cast's props"),
    BeatField("target", "target", "e.g. ribs", "the body target"),
    BeatField("line", "line", "e.g. high inside", "the line of attack"),
    BeatField("distance", "distance", "out / in / close",
              "out of distance, in distance, or close (grappling)"),
    BeatField("contact", "contact", "yes / no", "yes when the action makes contact"),
    BeatField("intensity", "intensity", "1 to 5", "how hard: 1 marking to 5 all out"),
    BeatField("hit", "hit", "yes / no", "yes when the impact should land on a strong beat"),
    BeatField("doubles", "doubles", "e.g. eve: kim",
              "who performs in a character's place: character: double, separated by commas"),
    BeatField("handoffs", "handoffs", "e.g. pistol: eve → floor",
              "props changing hands after the beat: prop: from → to (-> works too), "
              "separated by commas; floor is where a dropped prop lies"),
    BeatField("position", "position", "e.g. DSL", "stage position"),
    BeatField("travel", "travel", "e.g. US → DS", "where the beat travels"),
    BeatField("setup", "setup", "e.g. 14C", "camera setup"),
    BeatField("camera", "camera", "", "framing and movement"),
    BeatField("cue", "cue", "", "what starts the beat"),
    BeatField("status", "status", "idea", "rehearsal status: " + ", ".join(STATUSES)),
    BeatField("safety", "safety", "", "mats, spotters, rehearsal speed", lines=3),
    BeatField("notes", "notes", "", "anything else the crew should know", lines=3),
)  # fmt: skip
FIELD_NAMES: tuple[FieldName, ...] = tuple(field.name for field in FIELDS)


def field_text(beat: Beat, name: FieldName) -> str:
    """The beat's value of one field as the form shows it."""
    value: Any = getattr(beat, _ATTRIBUTES.get(name, name))
    if name == "performers":
        return ", ".join(beat.performers)
    if name in ("hit", "contact"):
        return "yes" if value else "no"
    if name == "length":
        return "" if beat.length is None else format_beat(beat.length)
    if name == "doubles":
        return ", ".join(f"{character}: {double}" for character, double in beat.doubles.items())
    if name == "handoffs":
        return ", ".join(f"{h.prop}: {h.from_} {ARROW} {h.to}" for h in beat.handoffs)
    if value is None:
        return ""
    return str(value)


def read_field(name: FieldName, text: str, cast: set[str]) -> Any:
    """The value a field's text stands for; raises :class:`FieldError` when it has none."""
    text = text.strip()
    if name == "at":
        try:
            return Position.parse(text)
        except ValueError as error:
            raise FieldError(str(error)) from None
    if name == "length":
        return _length(text)
    if name == "performers":
        return _performers(text, cast)
    if name in ("attacker", "partner"):
        if text and cast and text not in cast:
            raise FieldError(f"{text} is not in the cast ({', '.join(sorted(cast))})")
        return text or None
    if name == "intensity":
        if not text.isdigit() or not 1 <= int(text) <= 5:
            raise FieldError("intensity is a whole number from 1 to 5")
        return int(text)
    if name in ("hit", "contact"):
        if text.lower() in YES:
            return True
        if text.lower() in NO:
            return False
        raise FieldError(f"{name} is yes or no")
    if name == "pass":
        if not text:
            return None
        if not text.isdigit() or not 1 <= int(text) <= 99:
            raise FieldError("pass is a whole number from 1 to 99: which time through the bar")
        return int(text)
    if name == "distance":
        if text and text not in DISTANCES:
            raise FieldError("distance is one of " + ", ".join(DISTANCES))
        return text or None
    if name == "doubles":
        return _doubles(text, cast)
    if name == "handoffs":
        return _handoffs(text, cast)
    if name == "status":
        if not text:
            return "idea"
        if text not in STATUSES:
            raise FieldError("status is one of " + ", ".join(STATUSES))
        return text
    return text or None


def with_field(beat: Beat, name: FieldName, text: str, cast: set[str]) -> Beat:
    """A new beat with one field read from text; the beat given is left as it is."""
    value = read_field(name, text, cast)
    if getattr(beat, _ATTRIBUTES.get(name, name)) == value:
        return beat
    if name == "handoffs":
        value = [handoff.model_dump(by_alias=True) for handoff in value]
    return _validated(beat, {name: value})


def action_text(beat: Beat, performer: str, part: ActionPart) -> str:
    """A performer's own ballet move, combat action or reaction in the beat, as shown."""
    action = beat.action_of(performer)
    value = getattr(action, part) if action is not None else None
    return value or ""


def with_action(beat: Beat, performer: str, part: ActionPart, text: str) -> Beat:
    """A new beat with one part of a performer's action read from text. An action that
    names nothing any more goes; a new one takes its performer's place in the beat."""
    value = text.strip() or None
    action = beat.action_of(performer)
    if (getattr(action, part) if action is not None else None) == value:
        return beat
    data = (action or Action(performer=performer)).model_dump(exclude_defaults=True)
    data[part] = value
    changed = Action.model_validate(data)
    actions = list(beat.actions)
    index = next((i for i, a in enumerate(actions) if a.performer == performer), None)
    if index is not None:
        del actions[index]
    else:
        index = _place_for(beat, performer)
    if changed.named_moves():
        actions.insert(index, changed)
    return _validated(beat, {"actions": [a.model_dump(exclude_defaults=True) for a in actions]})


def _place_for(beat: Beat, performer: str) -> int:
    """Where a performer's new action goes: before the first action of someone the beat
    names after them (performers, attacker, partner, in that order)."""
    order = beat.everyone()

    def rank(name: str) -> int:
        return order.index(name) if name in order else len(order)

    return next(
        (i for i, a in enumerate(beat.actions) if rank(a.performer) > rank(performer)),
        len(beat.actions),
    )


def _validated(beat: Beat, changes: dict[str, Any]) -> Beat:
    data = beat.model_dump(by_alias=True, exclude_defaults=True)
    data.update(changes)
    try:
        return Beat.model_validate(data)
    except ValidationError as error:
        raise FieldError(_first_problem(error)) from None


def _length(text: str) -> float | None:
    if not text:
        return None
    try:
        length = float(text)
    except ValueError:
        raise FieldError("length is a number of beats, e.g. 2 or 1.5") from None
    if not 0 < length <= 1024:
        raise FieldError("length is more than 0 and at most 1024 beats")
    return length


def _performers(text: str, cast: set[str]) -> list[str]:
    names = [name for name in _SEPARATORS.split(text) if name]
    for index, name in enumerate(names):
        if name in names[:index]:
            raise FieldError(f"{name} is listed twice")
        if cast and name not in cast:
            raise FieldError(f"{name} is not in the cast ({', '.join(sorted(cast))})")
    return names


def _in_cast(name: str, cast: set[str]) -> None:
    if cast and name not in cast:
        raise FieldError(f"{name} is not in the cast ({', '.join(sorted(cast))})")


def _doubles(text: str, cast: set[str]) -> dict[str, str]:
    doubles: dict[str, str] = {}
    for entry in filter(None, _ENTRIES.split(text.strip())):
        character, colon, double = (part.strip() for part in entry.partition(":"))
        if not colon or not character or not double:
            raise FieldError(f"{entry!r}: write character: double, e.g. eve: kim")
        if character in doubles:
            raise FieldError(f"{character} is doubled twice")
        _in_cast(character, cast)
        _in_cast(double, cast)
        doubles[character] = double
    return doubles


def _handoffs(text: str, cast: set[str]) -> list[Handoff]:
    handoffs = []
    people = cast | {FLOOR} if cast else set()
    for entry in filter(None, _ENTRIES.split(text.strip())):
        match = _HANDOFF.match(entry)
        if match is None:
            raise FieldError(f"{entry!r}: write prop: from → to, e.g. pistol: eve → floor")
        prop, giver, taker = match.group("prop", "from", "to")
        _in_cast(giver, people)
        _in_cast(taker, people)
        handoffs.append(Handoff.model_validate({"prop": prop, "from": giver, "to": taker}))
    return handoffs


def _first_problem(error: ValidationError) -> str:
    problem = error.errors()[0]
    message = str(problem["msg"]).removeprefix("Value error, ")
    return message[0].lower() + message[1:] if message else "not a valid value"
