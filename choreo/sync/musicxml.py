"""MusicXML as text: choreo's directions spliced in, every other byte left as it was.

music21 writes a large score very slowly and a re-serialised tree changes quoting, spacing
and order, so the file is never rebuilt: a small tokenizer (it knows comments, CDATA and
quoted attributes) finds the followed part's ``<measure>`` elements, and each direction
is inserted as new lines at its time position. Directions choreo wrote carry an id that
starts ``choreo-`` (the beat's words) or ``choreo.`` (its rehearsal mark), so a later sync
removes them first and replaces rather than adds.
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path, PurePosixPath

from choreo.errors import ChoreoError, ScoreError

WORDS_ID = "choreo-"  # + beat id: the direction holding a beat's words
MARK_ID = "choreo."  # + beat id: the direction holding its rehearsal mark
MAX_MEMBER_BYTES = 200 * 1024 * 1024  # an .mxl member is unpacked into memory
MUSIC21_DIVISIONS = 10080  # music21's divisions per quarter when a part never says
XML_SUFFIXES = (".musicxml", ".xml")
TIME_EPSILON = 1e-3  # quarters: a beat written to three places still finds its note

_MIMETYPE = "application/vnd.recordare.musicxml"
_CONTAINER = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    "<container>\n"
    "  <rootfiles>\n"
    '    <rootfile full-path="{name}" media-type="application/vnd.recordare.musicxml+xml"/>\n'
    "  </rootfiles>\n"
    "</container>\n"
)
_ATTRIBUTES = r"""((?:[^>"']|"[^"]*"|'[^']*')*)"""
_SKIPPED = r"!--.*?-->|!\[CDATA\[.*?\]\]>|\?.*?\?>|!DOCTYPE(?:[^\[>]|\[.*?\])*>"
# Only the tags that lay out parts, measures and time, for a fast pass over a whole file.
_LAYOUT = re.compile(
    rf"<(?:{_SKIPPED}|(/?)(part|measure|divisions|staves|direction)(?=[\s/>]){_ATTRIBUTES}>)",
    re.DOTALL,
)
# Every tag, inside the few measures that receive a direction.
_TAG = re.compile(rf"<(?:{_SKIPPED}|(/?)([A-Za-z_][\w.:-]*){_ATTRIBUTES}>)", re.DOTALL)
_CHOREO_ID = re.compile(r"""\bid\s*=\s*["']choreo[-.]""")
_DECLARED = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass(frozen=True, slots=True)
class Direction:
    """One beat's words (and maybe a rehearsal mark) at a time in a written measure."""

    beat_id: str
    measure_index: int  # the n-th <measure> of the followed part
    quarters: float  # quarter notes from the measure's start, as music21 counts them
    words: str
    rehearsal: str | None = None


@dataclass(frozen=True)
class ScoreDocument:
    """A MusicXML file's text and what is needed to write it back byte for byte."""

    path: Path
    text: str
    codec: str
    bom: bytes = b""
    archive: bytes | None = None  # the .mxl as read, when the score came zipped
    member: str | None = None  # the archive member that holds the score

    def encode(self, text: str) -> bytes:
        return self.bom + text.encode(self.codec, _errors(self.codec))

    def safe_text(self, text: str) -> str:
        """Text as the file's encoding can hold it: other characters become references."""
        return text.encode(self.codec, "xmlcharrefreplace").decode(self.codec)


# -- reading and writing files ------------------------------------------------------------


def read_document(path: Path, data: bytes) -> ScoreDocument:
    """The score held in ``data`` (the bytes of ``path``): plain MusicXML or an .mxl zip."""
    if path.suffix.lower() == ".mxl" and data[:4] == b"PK\x03\x04":
        member, xml = _unzip_score(path, data)
        text, codec, bom = decode(xml, path)
        return ScoreDocument(path, text, codec, bom, archive=data, member=member)
    text, codec, bom = decode(data, path)
    return ScoreDocument(path, text, codec, bom)


def _unzip_score(path: Path, data: bytes) -> tuple[str, bytes]:
    from choreo.score.guard import score_member  # the member music21 reads

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            member = score_member(archive)
            if member is None:
                raise ScoreError("the .mxl archive holds no MusicXML score", where=path)
            if archive.getinfo(member).file_size > MAX_MEMBER_BYTES:
                raise ScoreError("the score in the .mxl archive is too large to edit", where=path)
            return member, archive.read(member)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError) as error:
        raise ScoreError(f"the .mxl archive cannot be read: {error}", where=path) from None


def decode(data: bytes, path: Path) -> tuple[str, str, bytes]:
    """Text, codec and byte-order mark; encoding the text with the codec gives ``data``."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            body, prefix = data[len(bom) :], bom
            if codec == "utf-8":  # U+FEFF stays in the text and is written back
                body, prefix = data, b""
            break
    else:
        codec, body, prefix = _declared_codec(data), data, b""
    try:
        return body.decode(codec, _errors(codec)), codec, prefix
    except UnicodeDecodeError as error:
        raise ScoreError(
            f"the score is not valid {codec} text: {error.reason}", where=path
        ) from None


def _errors(codec: str) -> str:
    """Stray bytes in an 8-bit file survive the round trip; UTF-16 and -32 must be valid."""
    return "strict" if codec.startswith(("utf-16", "utf-32")) else "surrogateescape"


def _declared_codec(data: bytes) -> str:
    if data[:2] == b"\x00<":
        return "utf-16-be"
    if data[:2] == b"<\x00":
        return "utf-16-le"
    declared = _DECLARED.match(data[:200])
    name = declared.group(1).decode("ascii") if declared else "utf-8"
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return "utf-8"
    # A declared UTF-16 without a BOM or leading zero byte is mislabelled; read the bytes.
    return "utf-8" if codec.startswith(("utf-16", "utf-32")) else codec


def package(document: ScoreDocument, text: str, target: Path) -> bytes:
    """The bytes to write at ``target``: MusicXML, or an .mxl archive for a ``.mxl`` name."""
    xml = document.encode(text)
    if target.suffix.lower() != ".mxl":
        return xml
    buffer = io.BytesIO()
    if document.archive is not None and document.member is not None:
        # Every other member (container, images, metadata) is copied as it was.
        with (
            zipfile.ZipFile(io.BytesIO(document.archive)) as source,
            zipfile.ZipFile(buffer, "w") as archive,
        ):
            for info in source.infolist():
                payload = xml if info.filename == document.member else source.read(info)
                archive.writestr(info, payload)
        return buffer.getvalue()
    name = PurePosixPath(target.name).with_suffix(".musicxml").name
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), _MIMETYPE, zipfile.ZIP_STORED)
        archive.writestr("META-INF/container.xml", _CONTAINER.format(name=name))
        archive.writestr(name, xml)
    return buffer.getvalue()


# -- the layout of parts and measures -------------------------------------------------------


@dataclass
class _Part:
    measures: list[tuple[int, int, int]] = field(default_factory=list)  # tag, inside, close
    divisions: list[tuple[int, Fraction]] = field(default_factory=list)  # where, per quarter
    staves: int = 1


def _layout(text: str) -> list[_Part]:
    parts: list[_Part] = []
    current: _Part | None = None
    opened: tuple[int, int] | None = None
    for match in _LAYOUT.finditer(text):
        closing, name, attributes = match.groups()
        if name is None:
            continue
        empty = attributes is not None and attributes.rstrip().endswith("/")
        if name == "part":
            if closing:
                current = None
            elif not empty:
                current = _Part()
                parts.append(current)
        elif current is None:
            continue
        elif name == "measure":
            if closing and opened is not None:
                current.measures.append((opened[0], opened[1], match.start()))
                opened = None
            elif not closing:
                opened = (match.start(), match.end())
                if empty:  # <measure/>: nothing to place a direction in
                    current.measures.append((match.start(), -1, -1))
                    opened = None
        elif name in ("divisions", "staves") and not closing and not empty:
            value = _number(text[match.end() : text.find("<", match.end())])
            if value is None or value <= 0:
                continue
            if name == "divisions":
                current.divisions.append((match.start(), value))
            else:
                current.staves = max(current.staves, int(value))
    return parts


def _number(text: str) -> Fraction | None:
    try:
        return Fraction(text.strip())
    except (ValueError, ZeroDivisionError):
        return None


def _staffs(parts: list[_Part]) -> list[tuple[int, int | None]]:
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


def remove_directions(text: str) -> tuple[str, int]:
    """The text without the directions an earlier sync added, and how many there were."""
    if "choreo" not in text:  # the common case: an untouched score
        return text, 0
    pieces: list[str] = []
    kept_from = 0
    removed = 0
    for match in _LAYOUT.finditer(text):
        closing, name, attributes = match.groups()
        if name != "direction" or closing or not _CHOREO_ID.search(attributes or ""):
            continue
        end = text.find("</direction>", match.end())
        if end < 0 or match.start() < kept_from:
            continue
        start = _line_start(text, match.start())
        pieces.append(text[kept_from:start])
        kept_from = end + len("</direction>")
        removed += 1
    pieces.append(text[kept_from:])
    return "".join(pieces), removed


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


@dataclass(slots=True)
class _Child:
    """A child element of a <measure> and what it does to the running time."""

    name: str
    start: int
    end: int  # the end of its start tag until its end tag is found
    chord: bool = False
    grace: bool = False
    duration: Fraction | None = None
    divisions: Fraction | None = None


@dataclass(frozen=True, slots=True)
class _Gap:
    """A place between two children where a direction may go, and the time there."""

    time: Fraction  # quarters from the measure's start
    position: int  # just after the previous child (or the measure's start tag)
    divisions: Fraction
    before_note: bool


def insert_directions(
    document: ScoreDocument,
    text: str,
    directions: list[Direction],
    *,
    part: int,
    parts: int,
    measures: int,
) -> str:
    """``text`` with each direction at its time in music21 part ``part``'s measures.

    ``parts`` and ``measures`` are what music21 read (the measure map); a file whose
    layout does not agree is refused rather than edited in the wrong place.
    """
    layout = _layout(text)
    staffs = _staffs(layout)
    where = document.path
    if len(staffs) != parts or not 0 <= part < parts:
        raise ScoreError(
            f"the file has {len(staffs)} staves in {len(layout)} parts where music21 read "
            f"{parts} parts; choreo cannot tell which to write into",
            where=where,
        )
    xml_part, staff = staffs[part]
    followed = layout[xml_part]
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
        tag_start, inside, close = followed.measures[index]
        if inside < 0:
            raise ChoreoError(
                f"measure {index + 1} of the part is an empty <measure/> element; "
                "choreo cannot write into it",
                where=where,
            )
        carried = _divisions_before(followed, inside)
        children = _children(text, inside, close)
        gaps = _gaps(children, inside, carried)
        style = _Style.of(text, tag_start, inside, children)
        for order, direction in placed:
            gap, offset = _gap_for(gaps, direction.quarters)
            xml = _direction_xml(document, direction, style, staff, offset, gap.divisions)
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


def _divisions_before(part: _Part, position: int) -> Fraction:
    value = Fraction(MUSIC21_DIVISIONS)
    for where, divisions in part.divisions:
        if where > position:
            break
        value = divisions
    return value


def _children(text: str, start: int, end: int) -> list[_Child]:
    """The measure's child elements with the facts that move time: chord, grace, durations."""
    children: list[_Child] = []
    depth = 0
    current: _Child | None = None
    for match in _TAG.finditer(text, start, end):
        closing, name, attributes = match.groups()
        if name is None:
            continue
        empty = attributes is not None and attributes.rstrip().endswith("/")
        if closing:
            depth -= 1
            if depth == 0 and current is not None:
                current.end = match.end()
                children.append(current)
                current = None
            continue
        if depth == 0:
            current = _Child(name, match.start(), match.end())
            if empty:
                children.append(current)
                current = None
                continue
        elif depth == 1 and current is not None:
            if name == "chord":
                current.chord = True
            elif name == "grace":
                current.grace = True
            elif name in ("duration", "divisions") and not empty:
                value = _number(text[match.end() : text.find("<", match.end())])
                if name == "duration":
                    current.duration = value
                else:
                    current.divisions = value
        if not empty:
            depth += 1
    return children


def _gaps(children: list[_Child], inside: int, divisions: Fraction) -> list[_Gap]:
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
    def of(cls, text: str, tag_start: int, inside: int, children: list[_Child]) -> _Style:
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
    offset: Fraction,
    divisions: Fraction,
) -> str:
    """The direction(s) for one beat, each starting on a new line of its own."""
    tail = ""
    if offset:
        tail += _line(style, 1, f"<offset>{_divisions_text(offset, divisions)}</offset>")
    if staff is not None:
        tail += _line(style, 1, f"<staff>{staff}</staff>")
    xml = ""
    # MuseScore shows only the rehearsal mark of a direction that has words too, so the
    # mark goes in a direction of its own, just before the words.
    if direction.rehearsal:
        xml += _direction(
            style, MARK_ID + direction.beat_id, "rehearsal", direction.rehearsal, tail
        )
    xml += _direction(style, WORDS_ID + direction.beat_id, "words", direction.words, tail)
    return document.safe_text(xml)


def _direction(style: _Style, ident: str, kind: str, content: str, tail: str) -> str:
    return (
        _line(style, 0, f'<direction placement="above" id="{ident}">')
        + _line(style, 1, "<direction-type>")
        + _line(style, 2, f"<{kind}>{escape(content)}</{kind}>")
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
    """Text content for XML: markup characters escaped, control characters dropped."""
    text = _CONTROL.sub("", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
