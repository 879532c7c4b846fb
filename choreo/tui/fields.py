"""The beat form's fields: how each shows a beat's value as text and reads it back.

A value that does not read is a :class:`FieldError` said in the user's words; the form
shows it beside the field and the scene does not change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal, get_args

from pydantic import ValidationError

from choreo.model import Beat, Position, format_beat
from choreo.model.scene import RehearsalStatus

FieldName = Literal[
    "at", "length", "ballet", "combat", "performers", "attacker", "partner", "weapon",
    "intensity", "hit", "cue", "status", "camera", "safety", "notes",
]  # fmt: skip
STATUSES: tuple[str, ...] = get_args(RehearsalStatus)
YES = {"yes", "y", "true", "1", "on", "hit"}
NO = {"no", "n", "false", "0", "off", ""}
_SEPARATORS = re.compile(r"[,\s]+")


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


FIELDS: tuple[BeatField, ...] = (
    BeatField(
        "at", "at", "e.g. 5:1", "measure:beat as printed in the score; 12:2.5 is the and-of-two"
    ),
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
    BeatField("intensity", "intensity", "1 to 5", "how hard: 1 marking to 5 all out"),
    BeatField("hit", "hit", "yes / no", "yes when the impact should land on a strong beat"),
    BeatField("cue", "cue", "", "what starts the beat"),
    BeatField("status", "status", "idea", "rehearsal status: " + ", ".join(STATUSES)),
    BeatField("camera", "camera", "", "framing and movement"),
    BeatField("safety", "safety", "", "mats, spotters, rehearsal speed"),
    BeatField("notes", "notes", "", "anything else the crew should know"),
)
FIELD_NAMES: tuple[FieldName, ...] = tuple(field.name for field in FIELDS)


def field_text(beat: Beat, name: FieldName) -> str:
    """The beat's value of one field as the form shows it."""
    value: Any = getattr(beat, name)
    if name == "performers":
        return ", ".join(beat.performers)
    if name == "hit":
        return "yes" if beat.hit else "no"
    if name == "length":
        return "" if beat.length is None else format_beat(beat.length)
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
    if name == "hit":
        if text.lower() in YES:
            return True
        if text.lower() in NO:
            return False
        raise FieldError("hit is yes or no")
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
    if getattr(beat, name) == value:
        return beat
    data = beat.model_dump(by_alias=True, exclude_defaults=True)
    data[name] = value
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


def _first_problem(error: ValidationError) -> str:
    problem = error.errors()[0]
    message = str(problem["msg"]).removeprefix("Value error, ")
    return message[0].lower() + message[1:] if message else "not a valid value"
