"""Shared helpers for the score tests: each corpus score is parsed once per test run.

Plain cached functions rather than session fixtures: a fixture imported into several test
modules is set up once per module, and op. 132 takes seconds to parse.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from choreo.score.files import resolve_score
from choreo.score.reader import ReadScore, parse_score, read_measure_map
from choreo.score.repeats import RepeatSigns
from choreo.timing import MeasureMap

MAPLE_LEAF = "joplin/maple_leaf_rag"  # a pickup, AABBACCDD with first and second endings
WEBER = "weber/concertino_clarinet"  # ten tempo marks, one with a dotted referent
CHORALE = "bach/bwv66.6"  # a one-beat pickup in 4/4
QUARTET = "beethoven/opus132"  # 1,124 measures, meter changes, several movements
HANDEL = "handel/rinaldo/lascia_chio_pianga"  # 4/4 then 3/4, D.S. al Fine


@cache
def parsed(work: str) -> ReadScore:
    """A corpus work parsed by music21 (through choreo's reader, no pickle cache)."""
    return parse_score(resolve_score(f"corpus:{work}"), "musicxml")


@cache
def written(work: str, part: int = 0) -> tuple[MeasureMap, tuple[RepeatSigns, ...]]:
    return read_measure_map(parsed(work), part=part, source=f"corpus:{work}")


def runs(measures: MeasureMap) -> str:
    """The playing order as runs of bars, each pass after the first marked: ``1-8 1-8/2``."""
    found: list[list[str]] = []
    for m in measures.measures:
        last = found[-1] if found else None
        if last and last[2] == str(m.pass_number) and int(m.number) == int(last[1]) + 1:
            last[1] = m.number
        else:
            found.append([m.number, m.number, str(m.pass_number)])
    return " ".join(
        (first if first == end else f"{first}-{end}") + ("" if times == "1" else f"/{times}")
        for first, end, times in found
    )


def music21_measure_seconds(read: ReadScore, part: int) -> list[float]:
    """music21's own start time of each measure of a part, from ``Part.secondsMap``."""
    from music21 import stream

    seconds_map: list[dict[str, Any]] = read.stream.parts[part].secondsMap
    return [
        float(entry["offsetSeconds"])
        for entry in seconds_map
        if isinstance(entry["element"], stream.Measure)
    ]


def repeat_score(path: Path, *, coda: bool = False) -> Path:
    """A small score written with music21: endings plus D.C. al Fine (or D.S. al Coda).

    ``|: 1 2 [1. 3 :| [2. 4 ] 5 6 (Fine) 7 8 (D.C. al Fine)`` or, with ``coda``,
    ``1 2 |: 3 4 [1. 5 :| [2. 6 ] 7 (segno) 8 (To Coda) 9 (D.S. al Coda) 10 (Coda) 11``.
    """
    from music21 import bar, meter, note, repeat, spanner, stream, tempo

    score = stream.Score()
    part = stream.Part()
    part.partName = "Flute"
    count = 11 if coda else 8
    for number in range(1, count + 1):
        measure = stream.Measure(number=number)
        measure.append(note.Note("C5", type="whole"))
        part.append(measure)
    first = part.measure(1)
    first.insert(0, meter.TimeSignature("4/4"))
    first.insert(0, tempo.MetronomeMark(number=120))
    if coda:
        part.measure(3).leftBarline = bar.Repeat(direction="start")
        part.measure(5).rightBarline = bar.Repeat(direction="end")
        part.insert(0, spanner.RepeatBracket(part.measure(5), number=1))
        part.insert(0, spanner.RepeatBracket(part.measure(6), number=2))
        part.measure(7).insert(0, repeat.Segno())
        part.measure(8).insert(4.0, repeat.Coda("to Coda"))
        part.measure(9).insert(4.0, repeat.DalSegnoAlCoda())
        part.measure(9).rightBarline = bar.Barline("light-light")
        part.measure(10).insert(0, repeat.Coda())
        part.measure(10).insert(0, tempo.MetronomeMark(number=60))
    else:
        first.leftBarline = bar.Repeat(direction="start")
        part.measure(3).rightBarline = bar.Repeat(direction="end")
        part.insert(0, spanner.RepeatBracket(part.measure(3), number=1))
        part.insert(0, spanner.RepeatBracket(part.measure(4), number=2))
        part.measure(6).insert(4.0, repeat.Fine())
        part.measure(6).rightBarline = bar.Barline("final")
        part.measure(8).insert(4.0, repeat.DaCapoAlFine())
    score.insert(0, part)
    score.write("musicxml", fp=path)
    return path


def pickup_score(path: Path, *, beats: float = 1.0, meter_text: str = "4/4") -> Path:
    """A score that opens with a pickup of ``beats`` quarter notes, then two full bars."""
    from music21 import meter, note, stream, tempo

    part = stream.Part()
    pickup = stream.Measure(number=0)
    pickup.showNumber = stream.enums.ShowNumber.NEVER  # written implicit="yes": MuseScore's bar 0
    pickup.insert(0, meter.TimeSignature(meter_text))
    pickup.insert(0, tempo.MetronomeMark(number=90))
    pickup.append(note.Note("G4", quarterLength=beats))
    bar_length = pickup.timeSignature.barDuration.quarterLength
    pickup.paddingLeft = bar_length - beats
    part.append(pickup)
    for number in (1, 2):
        measure = stream.Measure(number=number)
        measure.append(note.Note("C5", quarterLength=bar_length))
        part.append(measure)
    score = stream.Score()
    score.insert(0, part)
    score.write("musicxml", fp=path)
    return path


_TOKENS = re.compile(r'\^?!?"[^"]*"|\S+')
_FORWARD = '<bar-style>heavy-light</bar-style><repeat direction="forward"/>'
_BACKWARD = '<repeat direction="backward"/>'


def bars_score(path: Path, notation: str, *, qpm: int = 120) -> Path:
    """A one-part MusicXML score written as MuseScore writes it, from a line of bars.

    Bars of 4/4 hold one whole note (2 s at 120). ``|:`` and ``:|`` are repeat signs,
    ``|1.`` (or ``|1,2.``, or ``|_.`` without a number) opens an ending that the next
    ``|``, ``:|``, ``||`` or ``|.`` closes, ``||`` and ``|.`` are double and final
    barlines, ``||:`` is a forward repeat written on the right barline of the bar before
    (as Dolet for Sibelius writes a start repeat or an end-start ``:|:``), ``"words"`` sit
    at the end of the bar before them, ``^"words"`` at the start of the bar after them and
    ``^!"words"`` head the bar after them over a new key signature (a movement's heading):
    ``|: 1 2 |1. 3 :| |2. 4 5 6 | 7 "D.C. al Fine"``.
    """
    bars: list[_Bar] = []
    pending_left: list[str] = []
    pending_words: list[str] = []
    pending_heading: list[str] = []
    ending: str | None = None

    def close(kind: str, *, backward: bool = False, style: str | None = None) -> None:
        nonlocal ending
        right = bars[-1].right
        if style:
            right.append(f"<bar-style>{style}</bar-style>")
        if ending is not None:
            right.append(f'<ending number="{ending}" type="{kind}"/>')
            ending = None
        if backward:
            right.append(_BACKWARD)

    for token in _TOKENS.findall(notation):
        if token == "|:":
            pending_left.append(_FORWARD)
        elif token == "||:":
            bars[-1].right.append(_FORWARD)
        elif token == ":|":
            close("stop", backward=True, style="light-heavy")
        elif token in ("|", "||", "|."):
            if bars:
                style = {"|": None, "||": "light-light", "|.": "light-heavy"}[token]
                close("discontinue", style=style)
        elif token.startswith("|") and token.endswith("."):
            if ending is not None:
                close("discontinue")
            ending = token[1:-1].replace("_", "")  # "|_." an ending with no number
            pending_left.append(f'<ending number="{ending}" type="start"/>')
        elif token.startswith('^!"'):
            pending_heading.append(token[3:-1])
        elif token.startswith('^"'):
            pending_words.append(token[2:-1])
        elif token.startswith('"'):
            bars[-1].end_words.append(token[1:-1])
        else:
            key = -1 - len(bars) % 6 if pending_heading else None
            bar = _Bar(token, pending_left, start_words=pending_heading + pending_words, key=key)
            bars.append(bar)
            pending_left, pending_words, pending_heading = [], [], []
    if ending is not None:
        close("discontinue")
    measures = [_bar_xml(bar, first=index == 0, qpm=qpm) for index, bar in enumerate(bars)]
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<score-partwise version="3.1">'
        '<part-list><score-part id="P1"><part-name>Flute</part-name></score-part></part-list>'
        f'<part id="P1">{"".join(measures)}</part></score-partwise>\n',
        encoding="utf-8",
    )
    return path


@dataclass
class _Bar:
    number: str
    left: list[str] = field(default_factory=list)  # barline contents
    right: list[str] = field(default_factory=list)
    start_words: list[str] = field(default_factory=list)
    end_words: list[str] = field(default_factory=list)
    key: int | None = None  # a new key signature at its start: its fifths


def _bar_xml(bar: _Bar, *, first: bool, qpm: int) -> str:
    def words(text: str) -> str:
        return (
            '<direction placement="above"><direction-type>'
            f"<words>{escape(text)}</words></direction-type></direction>"
        )

    parts = [f'<measure number="{bar.number}">']
    if bar.left:
        parts.append(f'<barline location="left">{"".join(bar.left)}</barline>')
    if first:
        parts.append(
            "<attributes><divisions>1</divisions><time><beats>4</beats><beat-type>4</beat-type>"
            "</time><clef><sign>G</sign><line>2</line></clef></attributes>"
            '<direction placement="above"><direction-type><metronome><beat-unit>quarter'
            f"</beat-unit><per-minute>{qpm}</per-minute></metronome></direction-type>"
            f'<sound tempo="{qpm}"/></direction>'
        )
    elif bar.key is not None:
        parts.append(f"<attributes><key><fifths>{bar.key}</fifths></key></attributes>")
    parts.extend(words(text) for text in bar.start_words)
    parts.append(
        "<note><pitch><step>C</step><octave>5</octave></pitch>"
        "<duration>4</duration><type>whole</type></note>"
    )
    parts.extend(words(text) for text in bar.end_words)
    if bar.right:
        parts.append(f'<barline location="right">{"".join(bar.right)}</barline>')
    parts.append("</measure>")
    return "".join(parts)
