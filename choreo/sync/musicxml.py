"""MusicXML as text: choreo's directions spliced in, every other byte left as it was.

music21 writes a large score very slowly and a re-serialised tree changes quoting, spacing
and order, so the file is never rebuilt: expat finds the followed part's ``<measure>``
elements (:mod:`choreo.sync.xml_layout`), and each direction is inserted as new lines at
its time position. Directions choreo wrote carry an id that starts ``choreo-`` (the
beat's label) or ``choreo.`` (its cue; a rehearsal mark in scores synced before), so a
later sync removes them first and replaces rather than adds. Files are read and written
by :mod:`choreo.sync.xml_file`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from choreo.errors import ChoreoError, ScoreError
from choreo.sync.labels import SIZE
from choreo.sync.xml_file import ScoreDocument
from choreo.sync.xml_layout import MARK_ID, WORDS_ID, Child, Layout, Part, children, layout

MUSIC21_DIVISIONS = 10080  # music21's divisions per quarter when a part never says
TIME_EPSILON = 1e-3  # quarters: a beat written to three places still finds its note

# What XML 1.0 forbids in text, even as a character reference: control characters,
# surrogates and the non-characters U+FFFE and U+FFFF.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True, slots=True)
class Direction:
    """One beat's label (and maybe its cue) at a time in a written measure."""

    beat_id: str
    measure_index: int  # the n-th <measure> of the followed part
    quarters: float  # quarter notes from the measure's start, as music21 counts them
    words: str
    cue: str | None = None
    hit: bool = False


# -- the layout of parts and measures -------------------------------------------------------


def _staffs(parts: list[Part]) -> list[tuple[int, int | None]]:
    """For each part music21 makes, the <part> it comes from and its staff (when several).

    music21 splits a part with several staves (a piano) into one part per staff.
    """
    found: list[tuple[int, int | None]] = []
    for index, part in enumerate(parts):
        if part.staves > 1:
            found.extend((index, staff) for staff in range(1, part.staves + 1))
        else:
            found.append((index, None))
    return found


# -- removing earlier directions -------------------------------------------------------------


def remove_directions(text: str, where: Path | None = None) -> tuple[str, int]:
    """The text without the directions an earlier sync added, and how many there were."""
    if "choreo" not in text:  # the common case: an untouched score
        return text, 0
    pieces: list[str] = []
    kept_from = 0
    earlier = layout(text, where).earlier
    for start, end in earlier:
        pieces.append(text[kept_from : _line_start(text, start)])
        kept_from = end
    pieces.append(text[kept_from:])
    return "".join(pieces), len(earlier)


def _line_start(text: str, position: int) -> int:
    """Back over the indent and line break that sync wrote before a direction."""
    start = position
    while start > 0 and text[start - 1] in " \t":
        start -= 1
    if start > 0 and text[start - 1] == "\n":
        start -= 1
        if start > 0 and text[start - 1] == "\r":
            start -= 1
        return start
    return position


# -- inserting directions ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Gap:
    """A place between two children where a direction may go, and the time there."""

    time: Fraction  # quarters from the measure's start
    position: int  # just after the previous child (or the measure's start tag)
    divisions: Fraction
    before_note: bool


def system_starts(found: Layout) -> set[int]:
    """The measures the score itself prints at the start of a system or page."""
    return set().union(*(part.breaks for part in found.parts))


def insert_directions(
    document: ScoreDocument,
    text: str,
    directions: list[Direction],
    *,
    part: int,
    parts: int,
    measures: int,
    scanned: Layout | None = None,
) -> str:
    """``text`` with each direction at its time in music21 part ``part``'s measures.

    ``parts`` and ``measures`` are what music21 read (the measure map); a file whose
    layout does not agree is refused rather than edited in the wrong place. ``scanned``
    is the text's layout when the caller has it already.
    """
    where = document.path
    found = (scanned or layout(text, where)).parts
    staffs = _staffs(found)
    if len(staffs) != parts or not 0 <= part < parts:
        raise ScoreError(
            f"the file has {len(staffs)} staves in {len(found)} parts where music21 read "
            f"{parts} parts; choreo cannot tell which to write into",
            where=where,
        )
    xml_part, staff = staffs[part]
    followed = found[xml_part]
    if len(followed.measures) != measures:
        raise ScoreError(
            f"part {part + 1} has {len(followed.measures)} <measure> elements where music21 "
            f"read {measures} measures; choreo cannot place beats in it",
            where=where,
        )
    edits: list[tuple[int, int, str]] = []
    by_measure: dict[int, list[tuple[int, Direction]]] = {}
    for order, direction in enumerate(directions):
        by_measure.setdefault(direction.measure_index, []).append((order, direction))
    for index, placed in by_measure.items():
        measure = followed.measures[index]
        if measure.inside < 0:
            raise ChoreoError(
                f"measure {index + 1} of the part is an empty <measure/> element; "
                "choreo cannot write into it",
                where=where,
            )
        carried = _divisions_before(followed, measure.inside)
        contents = children(text, measure, where)
        gaps = _gaps(contents, measure.inside, carried)
        style = _Style.of(text, measure.start, measure.inside, contents)
        for order, direction in placed:
            gap, offset = _gap_for(gaps, direction.quarters)
            xml = _direction_xml(
                document, direction, style, staff, followed.staves, offset, gap.divisions
            )
            edits.append((gap.position, order, xml))
    edits.sort(key=lambda edit: (edit[0], edit[1]))
    pieces: list[str] = []
    kept_from = 0
    for position, _, xml in edits:
        pieces.append(text[kept_from:position])
        pieces.append(xml)
        kept_from = position
    pieces.append(text[kept_from:])
    return "".join(pieces)


def _divisions_before(part: Part, position: int) -> Fraction:
    value = Fraction(MUSIC21_DIVISIONS)
    for where, divisions in part.divisions:
        if where > position:
            break
        value = divisions
    return value


def _gaps(children: list[Child], inside: int, divisions: Fraction) -> list[_Gap]:
    """Where a direction may go: never inside a chord or between a grace note and its note."""
    gaps: list[_Gap] = []
    time = Fraction(0)
    previous_end = inside
    after_grace = False
    for child in children:
        note = child.name == "note"
        if not after_grace and not (note and child.chord):
            gaps.append(_Gap(time, previous_end, divisions, note))
        if child.name == "attributes" and child.divisions:
            divisions = child.divisions
        elif note and not child.chord and not child.grace and child.duration:
            time += child.duration / divisions
        elif child.name == "backup" and child.duration:
            time = max(Fraction(0), time - child.duration / divisions)  # as music21 does
        elif child.name == "forward" and child.duration:
            time += child.duration / divisions
        after_grace = note and child.grace
        previous_end = child.end
    if not after_grace:
        gaps.append(_Gap(time, previous_end, divisions, False))
    return gaps


def _gap_for(gaps: list[_Gap], quarters: float) -> tuple[_Gap, Fraction]:
    """The gap at the latest time not after ``quarters`` (before a note when there is
    one), and the quarters still to go from there, written as the direction's <offset>."""
    reachable = [gap for gap in gaps if float(gap.time) <= quarters + TIME_EPSILON]
    if not reachable:
        return gaps[0], Fraction(0)
    latest = max(gap.time for gap in reachable)
    candidates = [gap for gap in reachable if gap.time == latest]
    gap = next((g for g in candidates if g.before_note), candidates[0])
    remaining = Fraction(quarters) - gap.time
    if abs(remaining) <= TIME_EPSILON:
        remaining = Fraction(0)
    return gap, remaining


@dataclass(frozen=True, slots=True)
class _Style:
    """The file's own line breaks and indents, so new lines look like their neighbours."""

    newline: str
    indent: str  # of a measure's children
    step: str  # one level deeper

    @classmethod
    def of(cls, text: str, tag_start: int, inside: int, children: list[Child]) -> _Style:
        measure_indent = _indent_before(text, tag_start)
        gap = text[inside : children[0].start] if children else ""
        if "\n" not in gap:
            line_start = tag_start - len(measure_indent)
            if children or line_start == 0 or text[line_start - 1] != "\n":
                return cls("", "", "")  # a file written without line breaks
            return cls(_newline(text, tag_start), measure_indent + "  ", "  ")
        indent = gap[gap.rfind("\n") + 1 :]
        step = indent[len(measure_indent) :] if indent.startswith(measure_indent) else ""
        return cls(_newline(text, children[0].start), indent, step or "  ")


def _indent_before(text: str, position: int) -> str:
    start = position
    while start > 0 and text[start - 1] in " \t":
        start -= 1
    return text[start:position]


def _newline(text: str, position: int) -> str:
    line_start = text.rfind("\n", 0, position)
    return "\r\n" if line_start > 0 and text[line_start - 1] == "\r" else "\n"


def _direction_xml(
    document: ScoreDocument,
    direction: Direction,
    style: _Style,
    staff: int | None,
    staves: int,
    offset: Fraction,
    divisions: Fraction,
) -> str:
    """The direction(s) for one beat, each starting on a new line of its own. A cue for
    a staff of a piano goes below its lowest staff, not into the gap between them."""
    tail = ""
    if offset:
        tail = _line(style, 1, f"<offset>{_divisions_text(offset, divisions)}</offset>")

    def on(where: int | None) -> str:
        return tail + (_line(style, 1, f"<staff>{where}</staff>") if where is not None else "")

    xml = _direction(
        style, WORDS_ID + direction.beat_id, direction.words, on(staff), hit=direction.hit
    )
    if direction.cue:
        lowest = staves if staff is not None else None
        xml += _direction(style, MARK_ID + direction.beat_id, direction.cue, on(lowest), cue=True)
    return document.safe_text(xml)


def _direction(
    style: _Style, ident: str, text: str, tail: str, *, hit: bool = False, cue: bool = False
) -> str:
    """Staff text at choreo's size: a label above the staff, a hit's boxed and bold
    (MuseScore draws the box only round a direction of a single ``<words>``); a cue in
    italics below the staff, where it never stacks on the labels."""
    look = f' font-size="{SIZE}"'
    if hit:
        look += ' font-weight="bold" enclosure="rectangle"'
    if cue:
        look += ' font-style="italic"'
    placement = "below" if cue else "above"
    return (
        _line(style, 0, f'<direction placement="{placement}" id="{ident}">')
        + _line(style, 1, "<direction-type>")
        + _line(style, 2, f"<words{look}>{escape(text)}</words>")
        + _line(style, 1, "</direction-type>")
        + tail
        + _line(style, 0, "</direction>")
    )


def _line(style: _Style, depth: int, xml: str) -> str:
    return style.newline + style.indent + style.step * depth + xml


def _divisions_text(quarters: Fraction, divisions: Fraction) -> str:
    """An offset in the part's divisions: a whole number when a beat written to three
    places (a triplet's 2.333) is that close to one; MusicXML allows decimals otherwise."""
    value = quarters * divisions
    nearest = round(value)
    if abs(value - nearest) <= TIME_EPSILON * divisions:
        return str(nearest)
    return f"{float(value):.4f}".rstrip("0").rstrip(".")


def escape(text: str) -> str:
    """Text content for XML: markup characters escaped, characters XML forbids dropped."""
    text = _CONTROL.sub("", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
