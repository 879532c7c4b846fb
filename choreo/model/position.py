"""A place in the score as a fight director writes it: ``"M:B"``, measure and beat."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Annotated, Any

from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema

POSITION_PATTERN = r"^\s*(\d{1,5}[a-zA-Z]?)\s*:\s*(\d{1,3}(?:\.\d{1,6})?)\s*$"
_POSITION = re.compile(POSITION_PATTERN)
_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


@dataclass(frozen=True, slots=True, order=True)
class Position:
    """Measure as printed in the score (a pickup is ``0``, ``12a`` allowed); beat 1-based."""

    measure: str
    beat: float

    @classmethod
    def parse(cls, text: str) -> Position:
        match = _POSITION.match(text)
        if match is None:
            raise ValueError(f"position {text!r} is not MEASURE:BEAT, e.g. '5:1' or '12:2.5'")
        measure, beat = match.group(1), float(match.group(2))
        if beat < 1:
            raise ValueError(f"position {text!r}: beats count from 1")
        return cls(re.sub(r"^0+(?=\d)", "", measure), beat)

    @classmethod
    def of(cls, measure: str, beat: float) -> Position:
        """The position as a scene file can hold it; ``ValueError`` when ``M:B`` cannot
        say it (a measure numbered ``12bis`` in the score, a beat past 999). The same as
        parsing ``f"{measure}:{format_beat(beat)}"``, without the text (a ripple makes
        thousands)."""
        rounded = round(float(beat), 6)
        try:
            if 1 <= rounded < 1000:
                return cls(_measure_name(measure), rounded)
        except ValueError:
            pass
        return cls.parse(f"{measure}:{format_beat(beat)}")  # its error

    @property
    def measure_value(self) -> int:
        """The numeric part of the measure, for ordering beats."""
        return int(self.measure.rstrip(_LETTERS))

    def __str__(self) -> str:
        return f"{self.measure}:{format_beat(self.beat)}"


@lru_cache(maxsize=4096)
def _measure_name(measure: str) -> str:
    """A score's measure number as a position holds it, or ``ValueError``."""
    return Position.parse(f"{measure}:1").measure


def format_beat(beat: float) -> str:
    """``1.0`` → ``1``, ``2.5`` → ``2.5``; six places at most, as a position may have."""
    beat = round(float(beat), 6)
    if beat.is_integer():
        return str(int(beat))
    return f"{beat:.6f}".rstrip("0").rstrip(".")


def _to_position(value: Any) -> Any:
    if isinstance(value, Position):
        return value
    if isinstance(value, str):
        return Position.parse(value)
    raise ValueError('a position is a quoted string MEASURE:BEAT, e.g. "5:1"')


PositionField = Annotated[
    Position,
    BeforeValidator(_to_position),
    PlainSerializer(str, return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": POSITION_PATTERN,
            "description": "MEASURE:BEAT as printed in the score; a pickup is measure 0; "
            "beats are 1-based and may be fractional ('12:2.5' is the and-of-two).",
            "examples": ["5:1", "12:2.5"],
        }
    ),
]
