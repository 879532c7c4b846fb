"""One timeline for the whole score: each bar's length, number, meter and the tempo map.

Every part plays the same bar at the same time, whichever part a scene follows: a bar
lasts as long as its longest part (as MuseScore plays it), bars are numbered by
MuseScore's own count, and tempo marks of any part or staff count where they sound.
"""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Any

from choreo.errors import ScoreError
from choreo.score.xml_timing import PartTiming, ScoreTiming, TempoDirection
from choreo.timing import EPSILON, Measure, TempoMark, tempo_changes, timed

_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_LISTED = 6  # bars named in a note before "..."


def lay_out(
    timing: ScoreTiming | None,
    parts: list[Any],
    followed: list[Any],
    index_of: dict[int, int],
    default_tempo: float,
) -> tuple[tuple[Measure, ...], list[TempoMark], tuple[str, ...]]:
    """The followed part's bars on the score's one timeline, timed by its tempo marks, and
    notes on what the score left in doubt. ``timing`` is a MusicXML file's own, else the
    timing is music21's; ``index_of`` gives each music21 measure's bar index."""
    timing = timing or music21_timing(parts, index_of)
    if not any(part.lengths for part in timing.parts):
        raise ScoreError("the score has no measures: no music found")
    lengths, implicit, disagree = bar_lengths(timing)
    bars = measures(followed, lengths, bar_numbers(implicit))
    directions = timing.tempos
    if timing.from_musicxml:
        with_mark = {d.measure for d in directions}
        words = unnumbered_words(parts, index_of)
        directions += tuple(d for d in words if d.measure not in with_mark)
    timed_bars, tempos, unnumbered = with_tempo(bars, directions, default_tempo)
    return timed_bars, tempos, disagree + unnumbered


def bar_numbers(implicit: list[bool]) -> list[str]:
    """MuseScore's count: an implicit bar is not counted (a leading one is bar 0).

    MuseScore shows no number on an implicit bar inside the piece; choreo names it after
    the bar before it with a letter (the second half of a split bar 8 is ``8a``).
    """
    names: list[str] = []
    count = extra = 0
    for flag in implicit:
        if not flag:
            count, extra = count + 1, 0
            names.append(str(count))
        elif not names:
            names.append("0")
        else:
            extra += 1
            names.append(f"{count}{_letters(extra)}")
    return names


def _letters(extra: int) -> str:
    """a, b, ... z, aa, ab: unique past 26 (a scene cannot name those; they stay unique)."""
    text = ""
    while extra > 0:
        extra, rest = divmod(extra - 1, len(_LETTERS))
        text = _LETTERS[rest] + text
    return text


def bar_lengths(timing: ScoreTiming) -> tuple[list[Fraction], list[bool], tuple[str, ...]]:
    """Each bar's length (its longest part), whether it is implicit, and notes where the
    parts disagree."""
    count = max(len(p.lengths) for p in timing.parts)
    lengths: list[Fraction] = []
    implicit: list[bool] = []
    disagree: list[int] = []
    for index in range(count):
        found = [p.lengths[index] for p in timing.parts if index < len(p.lengths)]
        lengths.append(max(found))
        implicit.append(any(_implicit(p, index) for p in timing.parts))
        if min(found) != max(found):
            disagree.append(index)
    return lengths, implicit, _disagreement(disagree, bar_numbers(implicit), timing)


def _implicit(part: PartTiming, index: int) -> bool:
    return index < len(part.implicit) and part.implicit[index]


def _disagreement(bars: list[int], numbers: list[str], timing: ScoreTiming) -> tuple[str, ...]:
    notes: list[str] = []
    counts = sorted({len(p.lengths) for p in timing.parts})
    if len(counts) > 1:
        notes.append(
            f"the parts have different numbers of bars ({', '.join(map(str, counts))}); "
            "the shorter ones fall silent at their end"
        )
    if bars:
        listed = ", ".join(numbers[i] for i in bars[:_LISTED]) + (
            ", ..." if len(bars) > _LISTED else ""
        )
        what = f"bar {listed}" if len(bars) == 1 else f"{len(bars)} bars ({listed})"
        notes.append(
            f"the parts disagree on the length of {what}; each bar is played as long "
            "as its longest part, as MuseScore plays it"
        )
    return tuple(notes)


def measures(followed: list[Any], lengths: list[Fraction], numbers: list[str]) -> list[Measure]:
    """The bars of the timeline, with the followed part's meter (not yet timed)."""
    from music21 import meter

    first: Any = followed[0] if followed else None
    meter_now: Any = None
    if first is not None:
        meter_now = first.timeSignature or first.getContextByClass(meter.TimeSignature)
    if meter_now is None:
        meter_now = meter.TimeSignature("4/4")
    found: list[Measure] = []
    offset = Fraction(0)
    for index, length in enumerate(lengths):
        m = followed[index] if index < len(followed) else None
        if m is not None and m.timeSignature is not None:
            meter_now = m.timeSignature
        ratio, beat_count, beat_length, bar_length = meter_of(meter_now)
        first_beat = 1.0
        missing = bar_length - float(length)
        if index == 0 and missing > EPSILON:
            first_beat += missing / beat_length  # a pickup
        elif m is not None and 0 < float(m.paddingLeft) <= missing + EPSILON:
            # music21 reads a short bar after a short bar as starting late (a split bar)
            first_beat += float(m.paddingLeft) / beat_length
        found.append(
            Measure(
                number=numbers[index],
                index=index,
                offset=float(offset),
                quarter_length=float(length),
                time_signature=ratio,
                beat_count=beat_count,
                beat_length=beat_length,
                tempo_qpm=0.0,  # tempo and seconds: `timed`, from the tempo marks
                start_seconds=0.0,
                seconds=0.0,
                first_beat=first_beat,
            )
        )
        offset += length
    return found


def meter_of(time_signature: Any) -> tuple[str, int, float, float]:
    """Ratio, beats in a bar and quarter notes in a beat, as music21 counts them."""
    ratio = str(time_signature.ratioString)
    bar_length = float(time_signature.barDuration.quarterLength)
    try:
        beat_count = int(time_signature.beatCount)
        beat_length = float(time_signature.beatDuration.quarterLength)
    except Exception:  # music21 has no single beat length for some additive meters
        beat_count = int(time_signature.numerator)
        beat_length = 4.0 / float(time_signature.denominator)
    if beat_length <= 0 or beat_count <= 0:
        beat_count, beat_length = 1, bar_length or 4.0
    return ratio, beat_count, beat_length, bar_length


def with_tempo(
    bars: list[Measure], directions: tuple[TempoDirection, ...], default_tempo: float
) -> tuple[tuple[Measure, ...], list[TempoMark], tuple[str, ...]]:
    """The bars timed by the tempo directions, the tempo map, and notes on marks that give
    no number (the tempo before them goes on, as MuseScore plays it)."""
    groups: dict[float, list[TempoDirection]] = {}
    for direction in directions:
        if direction.measure < len(bars):
            bar = bars[direction.measure]
            at = bar.offset + min(float(direction.quarters), bar.quarter_length)
            groups.setdefault(round(at, 9), []).append(direction)
    marks = [TempoMark(0.0, default_tempo)]
    notes: list[str] = []
    for at in sorted(groups):
        group = groups[at]
        numbered = [d.qpm for d in group if d.qpm]
        printed = {d.qpm for d in group if d.qpm and d.metronome}
        ratios = [d.ratio for d in group if d.ratio]
        before = next(m.qpm for m in reversed(marks) if m.offset < at - EPSILON or m is marks[0])
        if numbered:
            qpm = numbered[-1]  # the last part's mark wins, as in MuseScore
            # A word's default tempo (Finale's "Allegro" = 120) yields to the metronome mark
            # after it; only marks that leave the tempo in doubt are noted.
            settled = printed == {qpm}
            if len(set(numbered)) > 1 and not settled:
                listed = ", ".join(f"{q:g}" for q in dict.fromkeys(numbered))
                notes.append(
                    f"bar {bars[group[0].measure].number}: tempo marks on the same beat disagree "
                    f"(♩ = {listed}); playing the last, as MuseScore does"
                )
        elif ratios:
            qpm = before * ratios[0]
        else:
            bar = bars[group[0].measure]
            text = next((d.text for d in group if d.text), "")
            notes.append(
                f"bar {bar.number}: the tempo mark '{text}' gives no number; "
                f"the tempo before it (♩ = {before:g}) goes on"
            )
            continue
        if abs(marks[-1].offset - at) < EPSILON:
            marks[-1] = TempoMark(marks[-1].offset, qpm)
        else:
            marks.append(TempoMark(at, qpm))
    tempos = tempo_changes(marks)
    return timed(bars, tempos), tempos, tuple(notes)


def music21_timing(parts: list[Any], index_of: dict[int, int]) -> ScoreTiming:
    """For ABC and Humdrum: music21's own bar lengths and tempo marks."""
    from music21 import stream, tempo

    timings: list[PartTiming] = []
    directions: list[TempoDirection] = []
    for part in parts:
        timing = PartTiming()
        for index, m in enumerate(part.getElementsByClass(stream.Measure)):
            length = Fraction(m.duration.quarterLength).limit_denominator(10_000)
            if length <= 0:  # an empty bar lasts its time signature
                try:
                    bar = float(m.barDuration.quarterLength)
                except Exception:  # no meter in context: music21's 4/4
                    bar = 4.0
                length = Fraction(bar).limit_denominator(10_000)
            timing.lengths.append(length)
            # music21 numbers a leading short bar of these formats 0: a pickup.
            timing.implicit.append(index == 0 and m.number == 0)
        timings.append(timing)
        for mark in part.recurse().getElementsByClass(tempo.TempoIndication):
            placed = place(mark, index_of)
            if placed is not None:
                text = str(getattr(mark, "text", None) or "")
                directions.append(TempoDirection(*placed, qpm=quarter_bpm(mark), text=text))
    return ScoreTiming(tuple(timings), tuple(directions), from_musicxml=False)


def unnumbered_words(parts: list[Any], index_of: dict[int, int]) -> list[TempoDirection]:
    """Tempo words (``Allegro``) in a MusicXML score: MuseScore plays only a ``<sound
    tempo>`` or a metronome mark, so a word alone is a note, never a guessed number."""
    from music21 import expressions, tempo

    words = re.compile(rf"\b({'|'.join(map(re.escape, tempo.defaultTempoValues))})\b", re.I)
    found: list[TempoDirection] = []
    for part in parts:
        for mark in part.recurse().getElementsByClass(
            (tempo.TempoText, expressions.TextExpression)
        ):
            text = " ".join(str(getattr(mark, "text", None) or mark.content or "").split())
            placed = place(mark, index_of)
            if placed is not None and words.search(text):
                found.append(TempoDirection(*placed, text=text))
    return found


def place(element: Any, index_of: dict[int, int]) -> tuple[int, Fraction] | None:
    """The bar index of an element and its quarters into that bar."""
    from music21 import stream

    container: Any = element.getContextByClass(stream.Measure)
    if container is None or id(container) not in index_of:
        return None
    try:
        within = Fraction(element.getOffsetInHierarchy(container)).limit_denominator(10_000)
    except Exception:  # not reachable through the measure; its start is the best guess
        within = Fraction(0)
    return index_of[id(container)], max(within, Fraction(0))


def quarter_bpm(mark: Any) -> float | None:
    """Quarter notes per minute; dotted and half-note referents converted by music21."""
    try:
        value = mark.getSoundingMetronomeMark().getQuarterBPM()
    except Exception:  # a tempo word music21 cannot turn into a number
        return None
    if value is None:
        return None
    qpm = float(value)
    return qpm if qpm > 0 else None
