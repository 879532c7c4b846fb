"""What a scene remembers of its last sync: the score's hash, size, tempi and anchors.

The record is written by ``choreo sync`` and read by ``check`` and ``--rebase``. In the
file its tempo map and anchors are short strings a person can read at a glance
(``96@0:4 132@7:1``, ``19:3 = B+2:3``); in the program they are models, parsed once at
the border. A string a person mangled is not an error: the record is derived data, and
an unreadable part of it is treated as not recorded (and left out when a changed scene
is saved).
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    WithJsonSchema,
    WrapValidator,
    field_validator,
    model_serializer,
    model_validator,
)
from pydantic.functional_validators import ModelWrapValidatorHandler
from pydantic_core.core_schema import ValidatorFunctionWrapHandler

from choreo.model.position import Position, PositionField, format_beat

TEMPO_SUMMARY_LIMIT = 500  # characters of the tempo map a record keeps
_TEMPO = re.compile(r"^(\d+(?:\.\d+)?)@(\S+):(\d+(?:\.\d+)?)$")
_MORE = re.compile(r"^\+(\d+)$")


class _Value(BaseModel):
    """A small value held as a string in the file."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    @model_validator(mode="wrap")
    @classmethod
    def _from_text(cls, data: Any, handler: ModelWrapValidatorHandler[Any]) -> Any:
        if isinstance(data, str):
            return cls.parse(data)
        return handler(data)

    @classmethod
    def parse(cls, text: str) -> Any:
        """The value a file's text says; each kind of value reads its own form."""
        raise NotImplementedError(cls.__name__)

    @model_serializer(mode="plain")
    def _as_text(self) -> str:
        return str(self)


class Anchor(_Value):
    """A beat's place at the last sync and the rehearsal mark at or before it.

    ``19:3 = B+2:3``: measure 19 beat 3, two written bars after the bar of mark B, on
    beat 3. Bars are counted in written order, so renumbered bars do not break it.
    """

    at: PositionField
    mark: str
    bars: int
    beat: float

    def __str__(self) -> str:
        return f"{self.at} = {self.mark}+{self.bars}:{format_beat(self.beat)}"

    @classmethod
    def parse(cls, text: str) -> Anchor:
        try:
            at, rest = text.split(" = ", 1)
            mark, tail = rest.rsplit("+", 1)
            bars, beat = tail.split(":")
            return cls(at=Position.parse(at), mark=mark, bars=int(bars), beat=float(beat))
        except ValueError:
            raise ValueError(f"anchor {text!r} is not 'AT = MARK+BARS:BEAT'") from None


class TempoChange(BaseModel):
    """A tempo and where it starts: ``132@7:1``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    qpm: float
    measure: str  # as the score numbers it
    beat: float

    def __str__(self) -> str:
        return f"{format_beat(self.qpm)}@{self.measure}:{format_beat(self.beat)}"


class TempoSummary(_Value):
    """The score's tempo map as it was synced, cut to fit the record: ``96@0:4 132@7:1``,
    ending ``+3 more`` when more changes did not fit."""

    changes: tuple[TempoChange, ...] = ()
    more: int = 0  # changes left out

    @classmethod
    def of(cls, changes: list[TempoChange]) -> TempoSummary:
        """The summary of ``changes``, as many as fit in the record (cut where earlier
        versions cut, so a long tempo map they recorded still compares equal)."""
        text = " ".join(str(change) for change in changes)
        if len(text) <= TEMPO_SUMMARY_LIMIT:
            return cls(changes=tuple(changes))
        kept = len(text[: TEMPO_SUMMARY_LIMIT - 10].rsplit(" ", 1)[0].split())
        return cls(changes=tuple(changes[:kept]), more=len(changes) - kept)

    def __str__(self) -> str:
        text = " ".join(str(change) for change in self.changes)
        return f"{text} +{self.more} more" if self.more else text

    def __bool__(self) -> bool:
        return bool(self.changes)

    @classmethod
    def parse(cls, text: str) -> TempoSummary:
        words = text.split()
        more = 0
        if len(words) >= 2 and words[-1] == "more" and _MORE.match(words[-2]):
            more = int(words[-2][1:])
            words = words[:-2]
        changes = []
        for word in words:
            match = _TEMPO.match(word)
            if match is None:
                raise ValueError(f"tempo map {text!r} is not 'QPM@MEASURE:BEAT ...'")
            qpm, measure, beat = match.groups()
            changes.append(TempoChange(qpm=float(qpm), measure=measure, beat=float(beat)))
        return cls(changes=tuple(changes), more=more)


def _unreadable_is_unrecorded(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    try:
        return handler(value)
    except ValidationError:
        return TempoSummary()


def _readable_anchors(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    """Anchors a person mangled are left out: rebase leaves those beats where they are."""
    if not isinstance(value, dict):
        return handler(value)
    readable = {}
    for beat_id, anchor in value.items():
        try:
            readable[beat_id] = Anchor.model_validate(anchor)
        except ValidationError:
            continue
    return handler(readable)


class SyncRecord(BaseModel):
    """What the scene was last synced against, so a changed score is noticed."""

    # The scene models' StrictModel settings (scene.py imports this module, not back).
    model_config = ConfigDict(extra="forbid", validate_assignment=True, populate_by_name=True)

    hash: Annotated[str, Field(pattern=r"^[0-9a-f]{16,64}$")]
    measures: Annotated[int, Field(ge=0)]
    duration_seconds: Annotated[float, Field(ge=0)]
    tempos: Annotated[
        TempoSummary,
        WrapValidator(_unreadable_is_unrecorded),
        WithJsonSchema({"type": "string", "maxLength": TEMPO_SUMMARY_LIMIT, "default": ""}),
    ] = Field(
        default_factory=TempoSummary,
        description="tempo map summary: QPM@MEASURE:BEAT for each tempo change",
    )
    beat_seconds: dict[str, float] = Field(
        default_factory=dict, description="each beat's start in seconds at the last sync"
    )
    anchors: Annotated[
        dict[str, Annotated[Anchor, WithJsonSchema({"type": "string"})]],
        WrapValidator(_readable_anchors),
    ] = Field(
        default_factory=dict,
        description="each beat's place at the last sync and the rehearsal mark before it, "
        "'AT = MARK+BARS:BEAT' (e.g. '19:3 = B+2:3'), for `choreo sync --rebase`",
    )

    @field_validator("tempos", mode="before")
    @classmethod
    def _no_longer_than_a_record_holds(cls, value: Any) -> Any:
        if isinstance(value, str) and len(value) > TEMPO_SUMMARY_LIMIT:
            raise ValueError(f"at most {TEMPO_SUMMARY_LIMIT} characters")
        return value
