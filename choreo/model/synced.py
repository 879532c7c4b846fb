"""What a scene remembers of its last sync: the score's hash, size, tempi, bars and anchors.

The record is written by ``choreo sync`` and read by ``check`` and ``--rebase``. In the
file its tempo map, bars and anchors are short strings a person can read at a glance
(``96@0:4 132@7:1``, ``0=3f9a01c2 77d0e4b1 ...``, ``19:3 = B+2:3``); in the program they
are models, parsed once at the border. A string a person mangled is not an error: the
record is derived data, and an unreadable part of it is treated as not recorded (and left
out when a changed scene is saved).
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
_BAR = re.compile(r"^(?:([0-9A-Za-z]{1,12})=)?([0-9a-f]{8})$")
_LEADING_NUMBER = re.compile(r"^\d+")


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
    """A beat's place at the last sync and the rehearsal mark at or before it, if any.

    ``19:3 = B+2:3``: measure 19 beat 3, two written bars after the bar of mark B, on
    beat 3. Bars are counted in written order, so renumbered bars do not break it. A beat
    with no mark before it is just its place: ``2:1``.
    """

    at: PositionField
    mark: str = ""
    bars: int = 0
    beat: float = 0

    def __str__(self) -> str:
        if not self.mark:
            return str(self.at)
        return f"{self.at} = {self.mark}+{self.bars}:{format_beat(self.beat)}"

    @classmethod
    def parse(cls, text: str) -> Anchor:
        try:
            if " = " not in text:
                return cls(at=Position.parse(text))
            at, rest = text.split(" = ", 1)
            mark, tail = rest.rsplit("+", 1)
            bars, beat = tail.split(":")
            return cls(at=Position.parse(at), mark=mark, bars=int(bars), beat=float(beat))
        except ValueError:
            raise ValueError(f"anchor {text!r} is not 'AT' or 'AT = MARK+BARS:BEAT'") from None


class BarPrints(_Value):
    """Each written bar's number and a short fingerprint of its music (pitches and
    rhythms of every part), in written order: what ``check`` and ``--rebase`` align to
    tell bars inserted or cut from bars that only moved.

    In the file: ``0=3f9a01c2 77d0e4b1 12a=5be0c9d7 ...``; a bar numbered one past the
    bar before it (counting ``12a`` as 12) gives no number, so a plain score costs nine
    characters a bar.
    """

    bars: tuple[tuple[str, str], ...] = ()  # (number, fingerprint)

    @property
    def numbers(self) -> tuple[str, ...]:
        return tuple(number for number, _ in self.bars)

    @property
    def prints(self) -> tuple[str, ...]:
        return tuple(fingerprint for _, fingerprint in self.bars)

    def index_of(self, number: str) -> int | None:
        """The written index of the first bar with this number."""
        for index, (each, _) in enumerate(self.bars):
            if each == number:
                return index
        return None

    def span(self, start: int, end: int) -> str:
        """``bar 12`` or ``bars 12-14``: bars ``start`` to ``end`` (exclusive) by number."""
        first, last = self.bars[start][0], self.bars[end - 1][0]
        return f"bar {first}" if start == end - 1 else f"bars {first}-{last}"

    def __bool__(self) -> bool:
        return bool(self.bars)

    def __str__(self) -> str:
        words = []
        expected = "1"
        for number, fingerprint in self.bars:
            words.append(fingerprint if number == expected else f"{number}={fingerprint}")
            expected = _after(number)
        return " ".join(words)

    @classmethod
    def parse(cls, text: str) -> BarPrints:
        bars = []
        expected = "1"
        for word in text.split():
            match = _BAR.match(word)
            if match is None:
                raise ValueError(f"bars {word!r} is not FINGERPRINT or NUMBER=FINGERPRINT")
            number = match.group(1) or expected
            bars.append((number, match.group(2)))
            expected = _after(number)
        return cls(bars=tuple(bars))


def _after(number: str) -> str:
    """The number of the bar after bar ``number`` when it is counted on (12a → 13)."""
    leading = _LEADING_NUMBER.match(number)
    return str(int(leading.group()) + 1) if leading else ""


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


def _unreadable_bars_are_unrecorded(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    """Bars a person mangled: the record is as if from a score without fingerprints."""
    try:
        return handler(value)
    except ValidationError:
        return BarPrints()


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
    bars: Annotated[
        BarPrints,
        WrapValidator(_unreadable_bars_are_unrecorded),
        WithJsonSchema({"type": "string", "default": ""}),
    ] = Field(
        default_factory=BarPrints,
        description="each written bar's fingerprint (pitches and rhythms), NUMBER= where "
        "the number does not count on, for `check` and `choreo sync --rebase` after a recut",
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
        "'AT = MARK+BARS:BEAT' (e.g. '19:3 = B+2:3'), or 'AT' with no mark before it, "
        "for `choreo sync --rebase`",
    )

    @field_validator("tempos", mode="before")
    @classmethod
    def _no_longer_than_a_record_holds(cls, value: Any) -> Any:
        if isinstance(value, str) and len(value) > TEMPO_SUMMARY_LIMIT:
            raise ValueError(f"at most {TEMPO_SUMMARY_LIMIT} characters")
        return value
