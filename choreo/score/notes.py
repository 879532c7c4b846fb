"""The notes of a score, bar by bar: what the score sounds like, for synthesizing it.

Read from music21 in the bounded child (as the measure map is), kept in choreo's own JSON
cache (so the next read of the same file starts no music21), and handed over as plain
numbers: each note's bar (as the measure map numbers it), its offset in quarters from the
bar's start, its length, MIDI key and velocity, and its part; with each part's General
MIDI program. Placing the notes in seconds is choreo's own timing's work
(:mod:`choreo.audio.synth`), so repeats and tempo are played as choreo says.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from choreo.errors import ScoreError
from choreo.score import guard
from choreo.score.files import CORPUS_PREFIX, resolve_score, score_format, score_hash

DEFAULT_VELOCITY = 80  # mezzo-forte, where the score gives no velocity
_MAX_QUARTERS = 1e6  # far past any bar or note (a 4096-quarter meter is refused earlier)
_MAX_BAR_TEXT = 200


@dataclass(frozen=True, slots=True)
class ScoreNote:
    """One note as written: its bar, where in the bar, how long, which key, which part."""

    bar: str  # the bar's number in the measure map, e.g. "12", "0" (a pickup), "8a"
    offset: float  # quarters from the bar's start
    quarters: float  # length in quarters (tied notes are one note)
    pitch: int  # MIDI key, 60 is middle C
    velocity: int  # 1..127
    part: int  # index of the part that plays it


@dataclass(frozen=True)
class ScoreNotes:
    """Every pitched note of a score, and the General MIDI program of each part."""

    notes: tuple[ScoreNote, ...]
    programs: tuple[int, ...]  # 0-based General MIDI program per part (0 is a piano)

    def by_bar(self) -> dict[str, list[ScoreNote]]:
        found: dict[str, list[ScoreNote]] = {}
        for note in self.notes:
            found.setdefault(note.bar, []).append(note)
        return found

    def to_dict(self) -> dict[str, Any]:
        return {"notes": [asdict(n) for n in self.notes], "programs": list(self.programs)}

    @classmethod
    def from_dict(cls, data: Any) -> ScoreNotes:
        """Notes from the reader's answer or a cache entry (data, not trust): anything
        malformed is a :class:`ValueError` (or ``TypeError``/``KeyError``)."""
        notes = tuple(
            ScoreNote(
                bar=_bar(n["bar"]),
                offset=_quarters(n["offset"]),
                quarters=_quarters(n["quarters"], positive=True),
                pitch=_within(n["pitch"], 0, 127),
                velocity=_within(n["velocity"], 1, 127),
                part=_within(n["part"], 0, 10_000),
            )
            for n in data["notes"]
        )
        programs = tuple(_within(p, 0, 127) for p in data["programs"])
        return cls(notes, programs)


def _within(value: Any, low: int, high: int) -> int:
    if type(value) is not int or not low <= value <= high:
        raise ValueError(f"{value!r} is not a whole number in {low}..{high}")
    return value


def _quarters(value: Any, *, positive: bool = False) -> float:
    ok = type(value) in (int, float) and abs(value) < _MAX_QUARTERS  # NaN is not
    if not ok or (positive and value <= 0):
        raise ValueError(f"{value!r} is not a number of quarters")
    return float(value)


def _bar(value: Any) -> str:
    if not isinstance(value, str) or len(value) > _MAX_BAR_TEXT:
        raise ValueError("a bar's number is short text")
    return value


def load_score_notes(
    source: str, *, base: Path | None = None, background: bool = False
) -> ScoreNotes:
    """The notes of a score file (or ``corpus:PATH``): from choreo's cache when this file
    was read before, else read in the bounded child process (at a lower priority in the
    ``background``). Every failure is a :class:`ScoreError`."""
    from choreo.score import cache
    from choreo.score.bounded import read_notes_bounded

    path = resolve_score(source, base)
    try:
        form = score_format(path)
        guard.check_size(path)
        content = score_hash(path)
        found = cache.load_cached_notes(content, form)
        if found is not None:
            return found
        guard.check_content(path, form)
        found = read_notes_bounded(path, form, background=background)
        cache.store_notes(content, form, found)
        return found
    except ScoreError as error:
        if source.startswith(CORPUS_PREFIX):
            error.where = source
        raise


def read_notes(path: Path, form: str) -> ScoreNotes:
    """Parse a vetted file with music21 and take its notes (in this process, no bounds)."""
    from choreo.score.reader import parse_score, read_measure_map

    read = parse_score(path, form)
    written, _ = read_measure_map(read, where=path)
    numbers = [m.number for m in written.measures]
    try:
        return _notes(read.stream, numbers)
    except Exception as error:  # music21 can fail late, on a stream it built itself
        reason = (str(error).splitlines() or [type(error).__name__])[0][:200]
        raise ScoreError(
            f"music21 cannot take the notes of this score: {reason}", where=path
        ) from None


def _notes(score: Any, numbers: list[str]) -> ScoreNotes:
    from music21 import note, stream

    parts: list[Any] = list(score.parts) if isinstance(score, stream.Score) else [score]
    found: list[ScoreNote] = []
    programs: list[int] = []
    for index, part in enumerate(parts):
        programs.append(_program(part))
        # Tied notes sound once, as long as the tie: music21 joins them into the first.
        joined: Any = part.stripTies(matchByPitch=True)
        for bar, measure in enumerate(joined.getElementsByClass(stream.Measure)):
            if bar >= len(numbers):
                break  # a part longer than the score's bars: the timeline ends there
            for sounding in measure.recurse().notes:
                if sounding.duration.isGrace or isinstance(sounding, note.Unpitched):
                    continue
                quarters = float(sounding.duration.quarterLength)
                if quarters <= 0:
                    continue
                offset = float(sounding.getOffsetInHierarchy(measure))
                velocity = _velocity(sounding)
                for pitch in sounding.pitches:
                    key = int(pitch.midi)
                    if 0 <= key <= 127:
                        found.append(
                            ScoreNote(numbers[bar], offset, quarters, key, velocity, index)
                        )
    return ScoreNotes(tuple(found), tuple(programs))


def _program(part: Any) -> int:
    try:
        instrument = part.getInstrument(returnDefault=True)
        program = instrument.midiProgram
    except Exception:  # an instrument music21 cannot name: a piano
        return 0
    return int(program) if isinstance(program, int) and 0 <= program <= 127 else 0


def _velocity(sounding: Any) -> int:
    velocity = sounding.volume.velocity if sounding.hasVolumeInformation() else None
    if isinstance(velocity, int | float) and 1 <= velocity <= 127:
        return int(velocity)
    return DEFAULT_VELOCITY
