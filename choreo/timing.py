"""Where a beat sits in time: measure map, seconds, SMPTE timecode and dancers' counts.

The measure map is choreo's own small frozen picture of a score (``choreo.score`` builds
it from music21; :func:`steady_grid` builds one from a tempo when a scene has no score).
Everything here is plain arithmetic so that placing thousands of beats is instant.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal

from choreo.model.position import Position, format_beat
from choreo.model.synced import BarPrints, TempoChange, TempoSummary
from choreo.model.timecode import Timecode as Timecode  # placement and export import it here

EPSILON = 1e-9


class OutsideScore(ValueError):
    """A position or offset the measure map has no place for; the message says where."""


@dataclass(frozen=True, slots=True)
class Measure:
    """One measure in the followed order (written, or performed with repeats expanded)."""

    number: str  # as printed: "0" for a pickup, "12a" allowed
    index: int  # place in the followed order, 0-based
    offset: float  # quarter notes from the start of the score
    quarter_length: float  # as played: a pickup is shorter than its bar
    time_signature: str  # "6/8"
    beat_count: int  # beats in a full bar of this meter (6/8 has 2)
    beat_length: float  # quarter notes in one beat (6/8: 1.5)
    tempo_qpm: float  # quarter notes per minute at the measure's start
    start_seconds: float
    seconds: float
    first_beat: float = 1.0  # a one-beat pickup in 4/4 starts on beat 4
    pass_number: int = 1  # which time through, in performed order

    @property
    def last_beat(self) -> float:
        """The beat number at which this measure ends (exclusive)."""
        return self.first_beat + self.quarter_length / self.beat_length

    @property
    def end_offset(self) -> float:
        return self.offset + self.quarter_length

    def offset_of_beat(self, beat: float) -> float:
        """Quarter offset of a beat number of this measure (no bounds check)."""
        return self.offset + (beat - self.first_beat) * self.beat_length


@dataclass(frozen=True, slots=True)
class TempoMark:
    offset: float  # quarter notes from the start
    qpm: float


@dataclass(frozen=True, slots=True)
class ScoreMark:
    """A rehearsal letter or staff text in the score, where beats can be anchored."""

    text: str
    measure: str
    beat: float
    kind: Literal["rehearsal", "words"] = "rehearsal"


@dataclass(frozen=True, slots=True)
class Count:
    """A dancer's count: phrase of eight (``0`` for a pickup) and count within it."""

    phrase: int
    count: float

    def __str__(self) -> str:
        return f"{self.phrase}·{format_beat(self.count)}"


@dataclass(frozen=True)
class MeasureMap:
    """Measures, meters and tempi of the followed part, in the followed order."""

    measures: tuple[Measure, ...]
    tempos: tuple[TempoMark, ...]
    parts: tuple[str, ...] = ()
    part: int = 0
    order: Literal["written", "performed"] = "written"
    source: str = ""
    marks: tuple[ScoreMark, ...] = ()
    steady: bool = False  # True when built from a tempo, not a score
    notes: tuple[str, ...] = ()  # what the reader chose for the user, e.g. the first ABC tune
    content_hash: str = ""  # sha256 of the score file read; "" for a steady grid
    repeats: bool = False  # the score has repeats or jumps: performed order is not written
    # Seconds of the first measure's start: 0, or where it falls in the scene's recording
    # (choreo.recording_time). A map timed by a recording is derived from the scene each
    # time it is asked for, never cached, so to_dict leaves this out.
    origin_seconds: float = 0.0
    # Each written bar's number and music fingerprint, in written order (also in performed
    # order); none for a steady grid or a MIDI file.
    bars: BarPrints = field(default_factory=BarPrints)
    _by_number: dict[tuple[str, int], Measure] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _tempo_offsets: list[float] = field(default_factory=list, init=False, repr=False)
    _tempo_seconds: list[float] = field(default_factory=list, init=False, repr=False)
    _beats_before: list[float] = field(default_factory=list, init=False, repr=False)
    _measure_offsets: list[float] = field(default_factory=list, init=False, repr=False)

    def __post_init__(self) -> None:
        for measure in self.measures:
            self._by_number.setdefault((measure.number, measure.pass_number), measure)
            self._measure_offsets.append(measure.offset)
        seconds = self.origin_seconds
        previous: TempoMark | None = None
        for mark in self.tempos:
            if previous is not None:
                seconds += (mark.offset - previous.offset) * 60.0 / previous.qpm
            self._tempo_offsets.append(mark.offset)
            self._tempo_seconds.append(seconds)
            previous = mark
        # Counts start at the first full measure: beats of a pickup fall in phrase 0.
        beats = 0.0
        origin: float | None = None
        for measure in self.measures:
            if origin is None and measure.first_beat == 1.0:
                origin = beats
            self._beats_before.append(beats)
            beats += measure.quarter_length / measure.beat_length
        self._beats_before[:] = [b - (origin or 0.0) for b in self._beats_before]

    # -- lookup -----------------------------------------------------------------------
    @property
    def duration_seconds(self) -> float:
        if not self.measures:
            return 0.0
        return self.seconds_at(self.measures[-1].end_offset) - self.origin_seconds

    @property
    def end_offset(self) -> float:
        return self.measures[-1].end_offset if self.measures else 0.0

    def measure(self, number: str, pass_number: int = 1) -> Measure | None:
        return self._by_number.get((number, pass_number))

    def measure_at_offset(self, offset: float) -> Measure | None:
        """The measure sounding at a quarter offset (the last one for the final barline)."""
        if not self.measures or offset < self.measures[0].offset - EPSILON:
            return None
        index = bisect_right(self._measure_offsets, offset + EPSILON)
        found = self.measures[max(index - 1, 0)]
        if offset > found.end_offset + EPSILON:
            return None
        return found

    # -- conversions ------------------------------------------------------------------
    def offset_of(self, position: Position, pass_number: int = 1) -> float:
        """Quarter offset of a position; raises :class:`OutsideScore` when it has none."""
        measure = self.measure(position.measure, pass_number)
        if measure is None:
            raise OutsideScore(f"measure {position.measure} is not in the score")
        if position.beat < measure.first_beat - EPSILON:
            raise OutsideScore(
                f"measure {measure.number} starts on beat {format_beat(measure.first_beat)}"
            )
        if position.beat >= measure.last_beat - EPSILON:
            raise OutsideScore(
                f"measure {measure.number} ({measure.time_signature}) has no beat "
                f"{format_beat(position.beat)}"
            )
        return measure.offset_of_beat(position.beat)

    def position_at(self, offset: float) -> tuple[Position, int]:
        """The position (and pass) of a quarter offset."""
        measure = self.measure_at_offset(offset)
        if measure is None:
            raise OutsideScore(f"offset {offset} is outside the score")
        beat = measure.first_beat + (offset - measure.offset) / measure.beat_length
        # Position.of refuses a place a scene file cannot hold (a bar numbered 12bis).
        return Position.of(measure.number, beat), measure.pass_number

    def seconds_at(self, offset: float) -> float:
        """Seconds from the score's first beat, following every tempo mark."""
        index = bisect_right(self._tempo_offsets, offset + EPSILON) - 1
        index = max(index, 0)
        mark = self.tempos[index]
        return self._tempo_seconds[index] + (offset - mark.offset) * 60.0 / mark.qpm

    def offset_at_seconds(self, seconds: float) -> float:
        index = bisect_right(self._tempo_seconds, seconds + EPSILON) - 1
        index = max(index, 0)
        mark = self.tempos[index]
        return mark.offset + (seconds - self._tempo_seconds[index]) * mark.qpm / 60.0

    def tempo_at(self, offset: float) -> float:
        index = max(bisect_right(self._tempo_offsets, offset + EPSILON) - 1, 0)
        return self.tempos[index].qpm

    def beats_between(self, start: float, end: float) -> float:
        """Length in beats (each measure's own beat unit) from one offset to another."""
        total = 0.0
        measure = self.measure_at_offset(start)
        while measure is not None and start < end - EPSILON:
            stop = min(end, measure.end_offset)
            total += (stop - start) / measure.beat_length
            start = stop
            measure = self._next(measure)
        return total

    def advance(self, offset: float, beats: float) -> float:
        """The offset ``beats`` beats later, crossing barlines and meter changes.

        Past the end of the score the last measure's beat unit continues.
        """
        measure = self.measure_at_offset(offset)
        while measure is not None and beats > EPSILON:
            room = (measure.end_offset - offset) / measure.beat_length
            if beats <= room + EPSILON:
                return offset + beats * measure.beat_length
            beats -= room
            offset = measure.end_offset
            following = self._next(measure)
            if following is None:
                return offset + beats * measure.beat_length
            measure = following
        return offset

    def count_at(self, offset: float, counts: int = 8) -> Count:
        """Dancers' eights (or phrases of ``counts``): phrase 1 count 1 is the first
        downbeat after any pickup."""
        measure = self.measure_at_offset(offset)
        if measure is None:
            measure = self.measures[-1]
        beats = self._beats_before[measure.index] + (offset - measure.offset) / measure.beat_length
        phrase = math.floor((beats + EPSILON) / counts)
        count = beats - phrase * counts + 1
        return Count(phrase + 1, round(count, 3))

    def _next(self, measure: Measure) -> Measure | None:
        following = measure.index + 1
        return self.measures[following] if following < len(self.measures) else None

    # -- persistence (the score cache is JSON) -----------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {
            "measures": [asdict(m) for m in self.measures],
            "tempos": [asdict(t) for t in self.tempos],
            "parts": list(self.parts),
            "part": self.part,
            "order": self.order,
            "source": self.source,
            "marks": [asdict(m) for m in self.marks],
            "steady": self.steady,
            "notes": list(self.notes),
            "content_hash": self.content_hash,
            "repeats": self.repeats,
            "bars": str(self.bars),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MeasureMap:
        return cls(
            measures=tuple(Measure(**m) for m in data["measures"]),
            tempos=tuple(TempoMark(**t) for t in data["tempos"]),
            parts=tuple(data.get("parts", ())),
            part=int(data.get("part", 0)),
            order=data.get("order", "written"),
            source=str(data.get("source", "")),
            marks=tuple(ScoreMark(**m) for m in data.get("marks", ())),
            steady=bool(data.get("steady", False)),
            notes=tuple(str(n) for n in data.get("notes", ())),
            content_hash=str(data.get("content_hash", "")),
            repeats=bool(data.get("repeats", False)),
            bars=BarPrints.parse(str(data.get("bars", ""))),
        )


def build_measures(
    rows: list[tuple[str, float, str, int, float, float]],
    tempos: list[TempoMark],
) -> tuple[Measure, ...]:
    """Measures from ``(number, quarter_length, time_signature, beat_count, beat_length,
    first_beat)`` rows laid end to end, with seconds from the tempo marks."""
    measures = []
    offset = 0.0
    for index, (number, length, signature, count, unit, first) in enumerate(rows):
        measures.append(
            Measure(number, index, offset, length, signature, count, unit, 0.0, 0.0, 0.0, first)
        )
        offset += length
    return timed(measures, tempos)


def timed(
    measures: Iterable[Measure], tempos: Sequence[TempoMark], origin_seconds: float = 0.0
) -> tuple[Measure, ...]:
    """The measures with their tempo and seconds (start and length) from the tempo marks,
    the first starting at ``origin_seconds``."""
    timing = MeasureMap(measures=(), tempos=tuple(tempos), origin_seconds=origin_seconds)
    found = []
    for measure in measures:
        start = timing.seconds_at(measure.offset)
        found.append(
            replace(
                measure,
                tempo_qpm=timing.tempo_at(measure.offset),
                start_seconds=start,
                seconds=timing.seconds_at(measure.end_offset) - start,
            )
        )
    return tuple(found)


def clock(seconds: float, places: int = 1) -> str:
    """``95.34`` → ``1:35.3``: minutes and seconds, rounded before they are split so that
    59.96 s reads ``1:00.0``, never ``0:60.0``."""
    minutes, rest = divmod(round(seconds, places), 60)
    return f"{int(minutes)}:{rest:0{places + 3 if places else 2}.{places}f}"


def tempo_changes(tempos: Iterable[TempoMark]) -> list[TempoMark]:
    """Only the marks that change the tempo, so the tempo map stays small."""
    kept: list[TempoMark] = []
    for mark in tempos:
        if not kept or abs(kept[-1].qpm - mark.qpm) > EPSILON:
            kept.append(mark)
    return kept


def tempo_summary(measures: MeasureMap) -> TempoSummary:
    """Each tempo and where it starts (``96@0:4 132@7:1``), as many as a sync record holds;
    ``check`` compares it with the record's to notice a changed tempo map."""
    changes: list[TempoChange] = []
    for mark in measures.tempos:
        measure = measures.measure_at_offset(mark.offset)
        if measure is None:
            continue
        beat = measure.first_beat + (mark.offset - measure.offset) / measure.beat_length
        # Rounded as the record writes them, so a summary read back compares equal.
        changes.append(
            TempoChange(qpm=round(mark.qpm, 3), measure=measure.number, beat=round(beat, 6))
        )
    return TempoSummary.of(changes)


def steady_grid(tempo_qpm: float, measure_count: int = 64) -> MeasureMap:
    """A 4/4 grid at one tempo, for scenes without a score (measure 1 onwards)."""
    rows = [(str(n), 4.0, "4/4", 4, 1.0, 1.0) for n in range(1, measure_count + 1)]
    tempos = [TempoMark(0.0, tempo_qpm)]
    return MeasureMap(build_measures(rows, tempos), tuple(tempos), steady=True)
