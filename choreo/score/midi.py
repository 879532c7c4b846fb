"""MIDI files read exactly: bars, meters, tempi and markers from the file's own ticks.

music21 quantizes a MIDI file's timing to its note grid, so a tempo map played in by hand
comes out milliseconds off. Here mido reads every tempo change, time signature, marker
and cue point at its tick, and a bar starts at the tick where the meter says it does;
music21's parse still names the parts. A MIDI file has no pickups and no repeats.
A marker or cue point is the composer's hit point: a rehearsal mark of the measure map.
"""

from __future__ import annotations

import contextlib
from bisect import bisect_right
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from choreo.errors import ScoreError
from choreo.score.reader import choose_part, parse_score, part_name
from choreo.score.repeats import RepeatSigns
from choreo.score.timeline import meter_of
from choreo.timing import (
    EPSILON,
    Measure,
    MeasureMap,
    ScoreMark,
    TempoMark,
    tempo_changes,
    timed,
)

MAX_BARS = 100_000  # a hostile end-of-track tick must not become a million empty bars
_MARKS = ("marker", "cue_marker")  # mido's names for the marker and cue point events
_DENOMINATORS = {1, 2, 4, 8, 16, 32, 64, 128}


@dataclass(frozen=True)
class _Bar:
    start: Fraction  # ticks
    end: Fraction
    top: int  # the meter's numerator and denominator
    bottom: int


@dataclass(frozen=True)
class _Events:
    """What the file says about time, each at its tick (time signatures in order)."""

    ticks_per_beat: int
    tempos: list[tuple[int, int]]  # tick, microseconds per quarter
    meters: list[tuple[int, int, int]]  # tick, numerator, denominator
    marks: list[tuple[int, str]]
    end: int  # the tick after which the file plays nothing


def read_midi_map(
    path: Path,
    *,
    part: int | str = 0,
    default_tempo: float = 120.0,
    source: str = "",
) -> tuple[MeasureMap, tuple[RepeatSigns, ...]]:
    """The measure map of a MIDI file (one timeline for every part) and its repeat signs,
    none: the same shape :func:`choreo.score.reader.read_measure_map` returns."""
    from music21 import stream

    events = _read_events(path)  # first: mido says plainly what is wrong with a file
    read = parse_score(path, "midi")
    score = read.stream
    parts: list[Any] = list(score.parts) if isinstance(score, stream.Score) else [score]
    names = tuple(part_name(p, i) for i, p in enumerate(parts))
    # A tempo map with markers and no notes is a composer's file too: it has no parts.
    chosen = choose_part(parts, names, part, where=path) if parts or part != 0 else 0
    bars, cut = _bars(events, path)
    ticks = Fraction(events.ticks_per_beat)
    measures = _measures(bars, ticks)
    tempos = _tempos(events, ticks, default_tempo, path, bars)
    written = MeasureMap(
        measures=timed(measures, tempos),
        tempos=tuple(tempos),
        parts=names,
        part=chosen,
        order="written",
        source=source,
        marks=_marks(events, bars, measures, ticks),
        notes=read.notes + tuple(cut),
    )
    return written, tuple(RepeatSigns() for _ in measures)


def _read_events(path: Path) -> _Events:
    import mido

    try:
        song = mido.MidiFile(path, clip=True)
    except Exception as error:  # mido raises a dozen types on a damaged file
        reason = str(error).strip().splitlines()[0][:200] if str(error).strip() else ""
        raise ScoreError(
            f"mido cannot read this MIDI file: {reason or type(error).__name__}", where=path
        ) from None
    if song.type == 2:
        raise ScoreError(
            "a type 2 MIDI file holds separate songs; choreo reads types 0 and 1", where=path
        )
    if song.ticks_per_beat <= 0:
        raise ScoreError(
            "the file counts time in SMPTE frames, not beats; choreo cannot read its bars",
            where=path,
        )
    timed_events: list[tuple[int, int, Any]] = []
    for track in song.tracks:
        tick = 0
        for message in track:
            tick += message.time
            timed_events.append((tick, len(timed_events), message))
    timed_events.sort(key=lambda event: (event[0], event[1]))
    tempos, meters, marks, end = [], [], [], 0
    for tick, _, message in timed_events:
        kind = message.type
        if kind == "set_tempo":
            tempos.append((tick, int(message.tempo)))
        elif kind == "time_signature":
            meters.append((tick, int(message.numerator), int(message.denominator)))
        elif kind in _MARKS:
            text = _readable(str(message.text))
            if text:
                marks.append((tick, text))
                end = max(end, tick + 1)  # a hit point needs a bar to sit in
        elif kind == "note_off" or (kind == "note_on" and message.velocity == 0):
            end = max(end, tick)
        elif kind == "note_on":
            end = max(end, tick + 1)
    if end == 0:
        raise ScoreError("the MIDI file holds no notes and no markers", where=path)
    return _Events(song.ticks_per_beat, tempos, meters, marks, end)


def _bars(events: _Events, path: Path) -> tuple[list[_Bar], list[str]]:
    """The bars laid from the time signatures (4/4 until the first). A meter that changes
    inside a bar starts a new bar there, and the cut bar is said in a note."""
    meters = events.meters
    bars: list[_Bar] = []
    cut: list[str] = []
    top, bottom, following = 4, 4, 0
    start = Fraction(0)
    while start < events.end:
        while following < len(meters) and meters[following][0] <= start:
            _, top, bottom = meters[following]
            following += 1
        number = len(bars) + 1
        if top < 1 or bottom not in _DENOMINATORS:
            meter = (
                f"{top}/{bottom}" if bottom <= 1024 else f"{top} over 2^{bottom.bit_length() - 1}"
            )
            raise ScoreError(
                f"measure {number} has an impossible time signature {meter}", where=path
            )
        end = start + Fraction(4 * top * events.ticks_per_beat, bottom)
        if following < len(meters) and meters[following][0] < end:
            tick, new_top, new_bottom = meters[following]
            end = Fraction(tick)
            cut.append(f"measure {number} is cut short: {new_top}/{new_bottom} starts inside it")
        bars.append(_Bar(start, end, top, bottom))
        if len(bars) > MAX_BARS:
            raise ScoreError(f"the MIDI file runs past {MAX_BARS:,} bars", where=path)
        start = end
    return bars, cut


def _measures(bars: list[_Bar], ticks: Fraction) -> list[Measure]:
    """Numbered from 1 (no pickups), beats as music21 counts them in each meter."""
    from music21 import meter

    beats: dict[str, tuple[int, float]] = {}
    measures = []
    for index, bar in enumerate(bars):
        ratio = f"{bar.top}/{bar.bottom}"
        if ratio not in beats:
            _, count, length, _ = meter_of(meter.TimeSignature(ratio))
            beats[ratio] = (count, length)
        count, length = beats[ratio]
        measures.append(
            Measure(
                number=str(index + 1),
                index=index,
                offset=float(bar.start / ticks),
                quarter_length=float((bar.end - bar.start) / ticks),
                time_signature=ratio,
                beat_count=count,
                beat_length=length,
                tempo_qpm=0.0,  # tempo and seconds: `timed`, from the tempo marks
                start_seconds=0.0,
                seconds=0.0,
            )
        )
    return measures


def _tempos(
    events: _Events, ticks: Fraction, default_tempo: float, path: Path, bars: list[_Bar]
) -> list[TempoMark]:
    """Every tempo change at its tick; ``default_tempo`` before the first (the last of
    several changes at one tick wins, as a player reads them)."""
    tempos: list[TempoMark] = []
    if not events.tempos or events.tempos[0][0] > 0:
        tempos.append(TempoMark(0.0, default_tempo))
    for tick, microseconds in events.tempos:
        if microseconds <= 0:
            number = _bar_at(bars, tick) + 1
            raise ScoreError(f"measure {number} has a tempo of 0 µs a quarter note", where=path)
        mark = TempoMark(float(tick / ticks), 60_000_000 / microseconds)
        if tempos and abs(tempos[-1].offset - mark.offset) < EPSILON:
            tempos[-1] = mark
        else:
            tempos.append(mark)
    return tempo_changes(tempos)


def _marks(
    events: _Events, bars: list[_Bar], measures: list[Measure], ticks: Fraction
) -> tuple[ScoreMark, ...]:
    found = []
    for tick, text in events.marks:
        index = _bar_at(bars, tick)
        measure = measures[index]
        within = float((tick - bars[index].start) / ticks)
        beat = measure.first_beat + within / measure.beat_length
        found.append(ScoreMark(text, measure.number, round(beat, 6), "rehearsal"))
    return tuple(found)


def _bar_at(bars: list[_Bar], tick: int) -> int:
    """The index of the bar holding a tick (the last bar for a tick past the end)."""
    return max(bisect_right([bar.start for bar in bars], tick) - 1, 0)


def _readable(text: str) -> str:
    """mido reads meta text as Latin-1; a DAW writes UTF-8, so decode that when it fits."""
    with contextlib.suppress(UnicodeError):
        text = text.encode("latin-1").decode("utf-8")
    return " ".join(text.split())
