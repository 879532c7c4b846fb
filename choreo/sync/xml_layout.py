"""Where a MusicXML file's parts, measures and measure contents are, found by expat.

The splicing in :mod:`choreo.sync.musicxml` edits the file as text, so it needs each
tag's place in that text. expat parses the file (comments, CDATA, quoted ``>``,
character references are its business) and reports where each start and end tag begins;
the end of a start tag is the ``>`` that closes it, found by a quote-aware scan of the
tag expat just reported. Offsets are in characters of the decoded text.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from xml.parsers import expat

from choreo.errors import ScoreError

WORDS_ID = "choreo-"  # + beat id: the direction holding a beat's label
MARK_ID = "choreo."  # + beat id: the direction holding its cue (a rehearsal mark before)
_TAG_REST = re.compile(rb"""(?:[^>"']|"[^"]*"|'[^']*')*>""")  # up to the tag's own ">"
_WIDE = re.compile(r"[^\x00-\x7f]")


@dataclass(slots=True)
class Child:
    """A child element of a <measure> and what it does to the running time."""

    name: str
    start: int
    end: int  # after its end tag (after its start tag until that is found)
    chord: bool = False
    grace: bool = False
    duration: Fraction | None = None
    divisions: Fraction | None = None


@dataclass(slots=True)
class Measure:
    start: int  # where its start tag begins
    inside: int  # just after the start tag; -1 for an empty <measure/>
    close: int = -1  # where its end tag begins


@dataclass(slots=True)
class Part:
    measures: list[Measure] = field(default_factory=list)
    divisions: list[tuple[int, Fraction]] = field(default_factory=list)  # where, per quarter
    staves: int = 1
    breaks: set[int] = field(default_factory=set)  # measures printed on a new system or page


@dataclass(slots=True)
class Layout:
    parts: list[Part] = field(default_factory=list)
    earlier: list[tuple[int, int]] = field(default_factory=list)  # choreo's old directions


def layout(text: str, where: Path | None = None) -> Layout:
    """The parts of a partwise score, their measures, divisions and staves, and the
    directions an earlier sync wrote."""
    scan = _LayoutScan(_Offsets(text), where)
    scan.parse()
    return scan.found


def children(text: str, measure: Measure, where: Path | None = None) -> list[Child]:
    """The measure's child elements with what moves time: chord, grace, durations."""
    end = text.index(">", measure.close) + 1
    scan = _ChildScan(_Offsets(text[measure.start : end]), where)
    scan.parse()
    for child in scan.found:
        child.start += measure.start
        child.end += measure.start
    return scan.found


def number(text: str) -> Fraction | None:
    try:
        return Fraction(text.strip())
    except (ValueError, ZeroDivisionError):
        return None


class _Offsets:
    """expat counts bytes of the UTF-8 it is fed; the splices count characters."""

    def __init__(self, text: str) -> None:
        # A stray byte kept as a surrogate escape is fed as one "?": one byte either way.
        self.data = text.encode("utf-8", "replace")
        self._starts: list[int] = []  # the byte where each multi-byte character starts
        self._extra: list[int] = []  # bytes beyond one per character, up to and with it
        if len(self.data) != len(text):
            extra = 0
            for match in _WIDE.finditer(text):
                self._starts.append(match.start() + extra)
                extra += len(match.group().encode("utf-8", "replace")) - 1
                self._extra.append(extra)

    def char(self, byte: int) -> int:
        wide_before = bisect_left(self._starts, byte)
        return byte - (self._extra[wide_before - 1] if wide_before else 0)

    def tag_end(self, begin: int) -> int:
        """The byte after the ``>`` that closes the start tag expat reported at ``begin``."""
        rest = _TAG_REST.match(self.data, begin + 1)
        assert rest is not None  # expat has just read this tag whole
        return rest.end()

    def is_empty(self, tag_end: int) -> bool:
        return self.data[tag_end - 2 : tag_end] == b"/>"

    def end_tag_end(self, begin: int) -> int:
        return self.data.index(b">", begin) + 1


class _Scan:
    """One expat pass; subclasses keep what they need. The element names open at the
    moment are a stack: its length is the depth (0 the root)."""

    def __init__(self, offsets: _Offsets, where: Path | None) -> None:
        self.offsets = offsets
        self.where = where
        self.names: list[str] = []
        self.parser = expat.ParserCreate(encoding="UTF-8")  # the text is fed as UTF-8
        self.parser.StartElementHandler = self.start
        self.parser.EndElementHandler = self.end
        # The score guard refuses these before music21 reads the file; refuse them here too.
        self.parser.StartDoctypeDeclHandler = self._doctype
        self.parser.EntityDeclHandler = self._entity
        self.parser.ExternalEntityRefHandler = self._external
        self.value: list[str] = []  # text of the element being read as a number

    def parse(self) -> None:
        try:
            self.parser.Parse(self.offsets.data, True)
        except expat.ExpatError as error:
            raise ScoreError(
                f"the score is not well-formed XML: {expat.ErrorString(error.code)}",
                where=self.where,
                line=error.lineno,
                col=error.offset + 1,
            ) from None

    def start(self, name: str, attributes: dict[str, str]) -> None:
        raise NotImplementedError

    def end(self, name: str) -> None:
        raise NotImplementedError

    def read_number(self) -> None:
        """Collect the text of the element just started, until :meth:`number_read`."""
        self.value = []
        self.parser.CharacterDataHandler = self.value.append

    def number_read(self) -> Fraction | None:
        self.parser.CharacterDataHandler = None
        return number("".join(self.value))

    def _doctype(
        self, name: str, system_id: str | None, public_id: str | None, internal: bool
    ) -> None:
        if internal:
            raise ScoreError(
                "the score declares an inline DTD, where XML entities (and XML bombs) live; "
                "refused",
                where=self.where,
            )

    def _entity(self, *_: object) -> None:
        raise ScoreError(
            "the score declares XML entities (a possible XML bomb); refused", where=self.where
        )

    def _external(self, *_: object) -> int:
        raise ScoreError("the score refers to an external entity; refused", where=self.where)


class _LayoutScan(_Scan):
    """Parts (depth 1), measures (2), and of the measures' children (3) only divisions,
    staves, printed breaks and choreo's own directions: cheap enough for a 1,000-bar
    quartet."""

    def __init__(self, offsets: _Offsets, where: Path | None) -> None:
        super().__init__(offsets, where)
        self.found = Layout()
        self.part: Part | None = None
        self.measure: tuple[int, int] = (0, 0)  # its start tag: begin and end bytes
        self.earlier = -1  # where an old choreo direction begins, while inside it
        self.number_at = -1  # where the <divisions> or <staves> being read begins

    def start(self, name: str, attributes: dict[str, str]) -> None:
        depth = len(self.names)
        self.names.append(name)
        if depth > 4:  # most of a score: notes' pitches, beams, notations
            return
        if depth == 1 and name == "part":
            self.part = Part()
            self.found.parts.append(self.part)
        elif depth == 2 and name == "measure" and self.part is not None:
            begin = self.parser.CurrentByteIndex
            self.measure = (begin, self.offsets.tag_end(begin))
        elif depth == 3 and name == "direction":
            if attributes.get("id", "").startswith((WORDS_ID, MARK_ID)):
                self.earlier = self.parser.CurrentByteIndex
        elif depth == 3 and name == "print" and self.part is not None:
            if "yes" in (attributes.get("new-system"), attributes.get("new-page")):
                self.part.breaks.add(len(self.part.measures))  # the measure being read
        elif depth == 4 and name in ("divisions", "staves") and self.names[3] == "attributes":
            self.number_at = self.parser.CurrentByteIndex
            self.read_number()

    def end(self, name: str) -> None:
        self.names.pop()
        depth = len(self.names)
        if depth > 4:
            return
        if depth == 4 and self.number_at >= 0:
            self._keep(name, self.number_read())
            self.number_at = -1
        elif depth == 3 and self.earlier >= 0:
            end = self.offsets.end_tag_end(self.parser.CurrentByteIndex)
            char = self.offsets.char
            self.found.earlier.append((char(self.earlier), char(end)))
            self.earlier = -1
        elif depth == 2 and name == "measure" and self.part is not None:
            begin, tag_end = self.measure
            char = self.offsets.char
            if self.offsets.is_empty(tag_end):
                self.part.measures.append(Measure(char(begin), -1))
            else:
                index = self.parser.CurrentByteIndex
                self.part.measures.append(Measure(char(begin), char(tag_end), char(index)))
        elif depth == 1:
            self.part = None

    def _keep(self, name: str, value: Fraction | None) -> None:
        if value is None or value <= 0 or self.part is None:
            return
        if name == "divisions":
            self.part.divisions.append((self.offsets.char(self.number_at), value))
        else:
            self.part.staves = max(self.part.staves, int(value))


class _ChildScan(_Scan):
    """One measure's text: the measure (depth 0), its children (1) and theirs (2)."""

    def __init__(self, offsets: _Offsets, where: Path | None) -> None:
        super().__init__(offsets, where)
        self.found: list[Child] = []
        self.child: Child | None = None
        self.tag_end = 0  # of the open child's start tag, in bytes
        self.reading = False

    def start(self, name: str, attributes: dict[str, str]) -> None:
        depth = len(self.names)
        self.names.append(name)
        if depth == 1:
            begin = self.parser.CurrentByteIndex
            self.tag_end = self.offsets.tag_end(begin)
            char = self.offsets.char
            self.child = Child(name, char(begin), char(self.tag_end))
            self.found.append(self.child)
        elif depth == 2 and self.child is not None:
            if name == "chord":
                self.child.chord = True
            elif name == "grace":
                self.child.grace = True
            elif name in ("duration", "divisions"):
                self.reading = True
                self.read_number()

    def end(self, name: str) -> None:
        self.names.pop()
        depth = len(self.names)
        if depth == 2 and self.reading and self.child is not None:
            self.reading = False
            value = self.number_read()
            if name == "duration":
                self.child.duration = value
            elif value is not None and value > 0:
                self.child.divisions = value
        elif depth == 1 and self.child is not None:
            if self.offsets.is_empty(self.tag_end):
                end = self.tag_end
            else:
                end = self.offsets.end_tag_end(self.parser.CurrentByteIndex)
            self.child.end = self.offsets.char(end)
            self.child = None
