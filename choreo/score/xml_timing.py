"""MusicXML timing as MuseScore plays it: bar lengths, implicit bars and tempo directions.

music21 lays each part out on its own (a part with one overfull bar drifts from the rest)
and places a direction at its printed ``<offset>``, which is visual only unless it says
``sound="yes"``. MuseScore reads one length per bar for the whole score (the longest
part's) and plays a ``<sound tempo>`` where the direction sits among the notes; this
module reads the file the same way, with the standard library parser (defusedxml).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

# Quarter notes in one MusicXML note type.
_TYPES = {
    "maxima": Fraction(32),
    "long": Fraction(16),
    "breve": Fraction(8),
    "whole": Fraction(4),
    "half": Fraction(2),
    "quarter": Fraction(1),
    "eighth": Fraction(1, 2),
    "16th": Fraction(1, 4),
    "32nd": Fraction(1, 8),
    "64th": Fraction(1, 16),
    "128th": Fraction(1, 32),
}
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_GRID = Fraction(1, 16)  # MuseScore rounds a bar up to a whole number of 64th notes


@dataclass(frozen=True, slots=True)
class TempoDirection:
    """A tempo the score asks for, where it sounds: bar index and quarters into the bar."""

    measure: int
    quarters: Fraction
    qpm: float | None = None  # quarter notes per minute, when the score gives a number
    ratio: float | None = None  # a metric modulation: the new tempo is the old times this
    text: str = ""  # as printed, for notes
    metronome: bool = False  # printed as a metronome mark, not only words or a <sound>


@dataclass
class PartTiming:
    """One MusicXML part: each bar's length as played, and which bars are implicit."""

    lengths: list[Fraction] = field(default_factory=list)
    implicit: list[bool] = field(default_factory=list)
    # Bars with a forward repeat on their right barline: the repeat starts the next bar.
    # music21 turns such a sign into an end repeat of this bar.
    forward_at_end: set[int] = field(default_factory=set)


@dataclass(frozen=True)
class ScoreTiming:
    """What the score's parts say about time, before they are merged into one timeline."""

    parts: tuple[PartTiming, ...]
    tempos: tuple[TempoDirection, ...]
    from_musicxml: bool = True


def read_timing(data: bytes) -> ScoreTiming:
    """The timing of a vetted MusicXML document (bytes, any declared encoding)."""
    from defusedxml.ElementTree import fromstring

    root: Any = fromstring(data)
    parts: list[PartTiming] = []
    tempos: list[TempoDirection] = []
    for part in root.findall("part"):
        parts.append(_part(part, tempos))
    return ScoreTiming(tuple(parts), tuple(tempos))


def _part(part: Any, tempos: list[TempoDirection]) -> PartTiming:
    timing = PartTiming()
    divisions = Fraction(1)
    bar = Fraction(0)  # the time signature's bar length; 0 before any <time>
    for index, measure in enumerate(part.findall("measure")):
        now = longest = Fraction(0)
        for child in measure:
            tag = child.tag
            if tag == "attributes":
                divisions = _divisions(child, divisions)
                bar = _bar_length(child, bar)
            elif tag == "note":
                if child.find("chord") is None and child.find("grace") is None:
                    now += _quarters(child, divisions)
                    longest = max(longest, now)
            elif tag == "forward":
                now += _quarters(child, divisions)
                longest = max(longest, now)
            elif tag == "backup":
                now = max(now - _quarters(child, divisions), Fraction(0))
            elif tag == "direction":
                found = _direction(child, index, now + _sounding_offset(child, divisions))
                if found is not None:
                    tempos.append(found)
            elif tag == "sound" and child.get("tempo"):
                found = _direction(measure, index, now, sound=child)
                if found is not None:
                    tempos.append(found)
            elif tag == "barline" and child.get("location") == "right":
                forward = child.find("repeat[@direction='forward']") is not None
                if forward:
                    timing.forward_at_end.add(index)
        if longest == 0:
            longest = bar or Fraction(4)  # an empty bar lasts its time signature
        timing.lengths.append(Fraction(math.ceil(longest / _GRID)) * _GRID)
        timing.implicit.append(measure.get("implicit") == "yes")
    return timing


def _divisions(attributes: Any, divisions: Fraction) -> Fraction:
    value = _fraction(attributes.findtext("divisions"))
    return value if value and value > 0 else divisions


def _bar_length(attributes: Any, bar: Fraction) -> Fraction:
    time = attributes.find("time")
    if time is None or time.find("senza-misura") is not None:
        return bar
    total = Fraction(0)
    for beats, beat_type in zip(time.findall("beats"), time.findall("beat-type"), strict=False):
        unit = _fraction(beat_type.text)
        counts = [_fraction(n) or Fraction(0) for n in (beats.text or "").split("+")]
        if unit and all(counts):
            total += sum(counts, Fraction(0)) * 4 / unit
    return total or bar


def _quarters(element: Any, divisions: Fraction) -> Fraction:
    duration = _fraction(element.findtext("duration"))
    return duration / divisions if duration and duration > 0 else Fraction(0)


def _sounding_offset(direction: Any, divisions: Fraction) -> Fraction:
    """A direction's ``<offset>`` moves the sound only with ``sound="yes"``."""
    offset = direction.find("offset")
    if offset is None or offset.get("sound") != "yes":
        return Fraction(0)
    value = _fraction(offset.text, signed=True)
    return value / divisions if value else Fraction(0)


def _direction(
    direction: Any, index: int, at: Fraction, sound: Any | None = None
) -> TempoDirection | None:
    at = max(at, Fraction(0))
    sound = sound if sound is not None else direction.find("sound")
    metronome = direction.find("direction-type/metronome")
    words = " ".join(
        " ".join((w.text or "").split()) for w in direction.findall("direction-type/words")
    ).strip()
    text = words or _metronome_text(metronome)
    if sound is not None and sound.get("tempo"):
        qpm = _float(sound.get("tempo"))
        if qpm:
            return TempoDirection(index, at, qpm=qpm, text=text, metronome=metronome is not None)
    if metronome is None:
        return None
    units = [_unit(u) for u in _beat_units(metronome)]
    per_minute = _float_in(metronome.findtext("per-minute"))
    if len(units) == 1 and per_minute and units[0]:
        return TempoDirection(
            index, at, qpm=per_minute * float(units[0]), text=text, metronome=True
        )
    if len(units) == 2 and units[0] and units[1]:
        # "♩ = ♩.": the new dotted quarter lasts as long as the old quarter did.
        return TempoDirection(index, at, ratio=float(units[1] / units[0]), text=text)
    return TempoDirection(index, at, text=text)  # a metronome mark without a number


def _beat_units(metronome: Any) -> list[list[Any]]:
    """Each ``<beat-unit>`` with the ``<beat-unit-dot>`` elements after it."""
    units: list[list[Any]] = []
    for child in metronome:
        if child.tag == "beat-unit":
            units.append([child])
        elif child.tag == "beat-unit-dot" and units:
            units[-1].append(child)
    return units


def _unit(unit: list[Any]) -> Fraction | None:
    base = _TYPES.get((unit[0].text or "").strip())
    if base is None:
        return None
    dots = len(unit) - 1
    return base * (2 - Fraction(1, 2**dots))


def _metronome_text(metronome: Any) -> str:
    if metronome is None:
        return ""
    return " ".join(" ".join((e.text or "").split()) for e in metronome if e.text).strip()


def _fraction(text: str | None, *, signed: bool = False) -> Fraction | None:
    try:
        value = Fraction((text or "").strip())
    except (ValueError, ZeroDivisionError):
        return None
    return value if signed or value >= 0 else None


def _float(text: str | None) -> float | None:
    try:
        value = float((text or "").strip())
    except ValueError:
        return None
    return value if math.isfinite(value) and value > 0 else None


def _float_in(text: str | None) -> float | None:
    """The first number in a metronome's ``per-minute`` ("c. 60", "60-66")."""
    found = _NUMBER.search(text or "")
    return _float(found.group()) if found else None
