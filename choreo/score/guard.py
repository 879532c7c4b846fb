"""Refuse hostile or broken score files before music21 sees them.

music21 parses XML with the standard library, which expands entity declarations (an
XML bomb), and unzips .mxl archives without limits (a zip bomb). Every check here reads
the file itself, bounded, and raises :class:`ScoreError` with a one-line reason.
"""

from __future__ import annotations

import itertools
import math
import os
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import IO

from choreo.errors import ScoreError, printable
from choreo.score.abc_meter import abc_meters, read_abc_meter

MAX_SCORE_MB = 50.0  # the file as stored
MAX_UNZIPPED_MB = 200.0  # all members of an .mxl archive, uncompressed
MAX_ZIP_RATIO = 100.0  # MusicXML compresses 10-30x; a bomb compresses 1000x
MAX_ZIP_MEMBERS = 1000
_MB = 1024 * 1024
_CHUNK = 1 << 16
_XML_SUFFIXES = (".musicxml", ".xml", ".mxl")
_MUSICXML_ROOTS = ("score-partwise", "score-timewise")


def max_score_bytes() -> int:
    """The size limit, from ``CHOREO_MAX_SCORE_MB`` when set."""
    return int(limit_from_env("CHOREO_MAX_SCORE_MB", MAX_SCORE_MB, "megabytes") * _MB)


def limit_from_env(name: str, default: float, unit: str) -> float:
    """A limit the user may set in the environment variable ``name``: a finite number,
    not negative; anything else is one error line."""
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0:
        raise ScoreError(f"{name} is {printable(repr(text))}, not a number of {unit}")
    return value


def check_size(path: Path) -> int:
    """The file's size in bytes; refuses empty and oversized files."""
    try:
        size = path.stat().st_size
    except OSError as error:
        raise ScoreError(f"cannot read the score: {error.strerror or error}", where=path) from None
    if size == 0:
        raise ScoreError("the score file is empty", where=path)
    limit = max_score_bytes()
    if size > limit:
        raise ScoreError(
            f"score is {_megabytes(size)} MB, more than the {_megabytes(limit)} MB limit",
            where=path,
            hint="set CHOREO_MAX_SCORE_MB to allow larger scores",
        )
    return size


def check_content(path: Path, score_format: str) -> None:
    """Checks that need the bytes: safe XML, a sane archive, the right kind of file."""
    suffix = path.suffix.lower()
    if suffix == ".mxl" and zipfile.is_zipfile(path):
        _check_archive(path)
    elif suffix == ".mxl" and not _looks_like_xml(path):
        raise ScoreError("not a compressed MusicXML (.mxl) file: not a zip archive", where=path)
    elif score_format == "musicxml":
        with path.open("rb") as handle:
            _check_xml(_chunks(handle), path, what="MusicXML")
    elif score_format == "midi":
        _check_midi(path)
    else:
        _check_text(path, score_format)


def _check_archive(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if len(members) > MAX_ZIP_MEMBERS:
                raise ScoreError(
                    f"the .mxl archive has {len(members)} files; a score has a few", where=path
                )
            total = sum(m.file_size for m in members)
            if total > MAX_UNZIPPED_MB * _MB:
                raise ScoreError(
                    f"the .mxl archive unpacks to {_megabytes(total)} MB, more than the "
                    f"{_megabytes(int(MAX_UNZIPPED_MB * _MB))} MB limit",
                    where=path,
                )
            for member in members:
                ratio = member.file_size / max(member.compress_size, 1)
                if member.file_size > _MB and ratio > MAX_ZIP_RATIO:
                    raise ScoreError(
                        f"the .mxl archive member {member.filename!r} is compressed "
                        f"{ratio:.0f} to 1, like a zip bomb; refused",
                        where=path,
                    )
            score = score_member(archive)
            if score is None:
                raise ScoreError("the .mxl archive holds no MusicXML score", where=path)
            # Every member music21 or a reader might open is vetted, the score last.
            for member in members:
                if member.filename != score and not member.filename.startswith("__MACOSX/"):
                    _check_member(archive, member, path)
            with archive.open(score) as handle:
                _check_xml(_chunks(handle), path, what="MusicXML")
    # zlib.error: deflated data that does not inflate (a flipped byte in a member)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, zlib.error) as error:
        raise ScoreError(f"the .mxl archive is damaged: {error}", where=path) from None
    except RuntimeError as error:  # an encrypted member
        raise ScoreError(f"the .mxl archive cannot be opened: {error}", where=path) from None
    except (OSError, EOFError) as error:
        raise ScoreError(f"the .mxl archive cannot be read: {error}", where=path) from None


def _check_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo, path: Path) -> None:
    """Whatever its name says (``SCORE.XML``, ``score.xml/``, ``notes.txt``), a member
    that holds XML is vetted as XML, and an archive inside the archive is refused."""
    name = printable(member.filename)
    with archive.open(member) as handle:
        head = handle.read(_CHUNK)
        if head.startswith(b"PK\x03\x04"):
            raise ScoreError(
                f"the .mxl archive holds another archive ({name}); refused", where=path
            )
        named = member.filename.rstrip("/").lower().endswith(_XML_SUFFIXES)
        if named or _xml_start(head):
            chunks = itertools.chain([head], _chunks(handle))
            _check_xml(chunks, path, what=f"{name} in the archive", score=False)


def score_member(archive: zipfile.ZipFile) -> str | None:
    """The score in an .mxl: the rootfile ``META-INF/container.xml`` names, else the first
    XML file outside META-INF (never a ``__MACOSX/`` resource fork)."""
    names = [n for n in archive.namelist() if not n.startswith("__MACOSX/")]
    rooted = _container_rootfile(archive)
    if rooted is not None and rooted in names:
        return rooted
    for name in names:
        if "META-INF" in name:
            continue
        if PurePosixPath(name).suffix.lower() in _XML_SUFFIXES or name == ".xml":
            return name
    return None


def _container_rootfile(archive: zipfile.ZipFile) -> str | None:
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, fromstring

    try:
        info = archive.getinfo("META-INF/container.xml")
    except KeyError:
        return None
    if info.file_size > _CHUNK:  # a container names a file or two; this is no container
        return None
    container = archive.read(info)
    try:
        root = fromstring(container, forbid_entities=True, forbid_external=True)
    except (ParseError, DefusedXmlException):
        return None
    for element in root.iter():
        if element.tag.rsplit("}", 1)[-1] == "rootfile" and element.get("full-path"):
            return str(element.get("full-path"))
    return None


def score_bytes(path: Path) -> bytes:
    """The MusicXML document of a vetted score file (the rootfile of an .mxl)."""
    if path.suffix.lower() == ".mxl" and zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            member = score_member(archive)
            if member is None:
                raise ScoreError("the .mxl archive holds no MusicXML score", where=path)
            return archive.read(member)
    return path.read_bytes()


def _check_xml(chunks: Iterator[bytes], path: Path, *, what: str, score: bool = True) -> None:
    """Stream the XML through defusedxml: no entity declarations, no external references.

    A normal MusicXML DOCTYPE (public id, no internal subset) passes.
    """
    from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
    from defusedxml.ElementTree import DefusedXMLParser, ParseError

    root = _RootTag()
    parser = DefusedXMLParser(
        target=root, forbid_dtd=False, forbid_entities=True, forbid_external=True
    )
    # MusicXML's DOCTYPE names the public DTD only; an inline subset is where bombs live.
    parser.parser.StartDoctypeDeclHandler = _refuse_inline_dtd
    try:
        for chunk in chunks:
            parser.feed(chunk)
        parser.close()
    except AbsurdMeter as error:
        error.where = str(path)
        error.line = parser.parser.CurrentLineNumber
        raise
    except _InlineDTD:
        raise ScoreError(
            f"{what} declares an inline DTD, where XML entities (and XML bombs) live; refused",
            where=path,
        ) from None
    except EntitiesForbidden:
        raise ScoreError(
            f"{what} declares XML entities (a possible XML bomb); refused", where=path
        ) from None
    except ExternalReferenceForbidden:
        raise ScoreError(
            f"{what} refers to an external entity or file; refused", where=path
        ) from None
    except DTDForbidden:  # not raised with forbid_dtd=False; kept for safety
        raise ScoreError(f"{what} has a DOCTYPE declaration; refused", where=path) from None
    except (LookupError, ValueError) as error:
        # expat raises these for an encoding it does not know or cannot stream (UTF-32,
        # Shift_JIS): music21's parser would fail on them too.
        raise ScoreError(
            f"{what} is in an encoding choreo cannot read ({error})",
            where=path,
            hint="save the score as UTF-8 MusicXML",
        ) from None
    except ParseError as error:
        line, column = getattr(error, "position", (None, None))
        col = column + 1 if column is not None else None  # expat counts columns from 0
        reason = str(error).split(":")[0]
        if root.tag is None and line == 1:
            raise ScoreError(
                f"not {what}: the file is not XML ({reason})", where=path, line=line, col=col
            ) from None
        raise ScoreError(
            f"{what} is broken or cut short: {reason}", where=path, line=line, col=col
        ) from None
    if not score:
        return
    if root.tag not in _MUSICXML_ROOTS:
        raise ScoreError(f"not {what}: the XML's root is <{root.tag}>", where=path)
    if root.tag == "score-timewise":
        raise ScoreError(
            "timewise MusicXML is not supported; export the score as partwise MusicXML",
            where=path,
        )


class _InlineDTD(Exception):
    """A DOCTYPE with an internal subset: ``<!DOCTYPE score-partwise [ ... ]>``."""


def _refuse_inline_dtd(
    name: str, system_id: str | None, public_id: str | None, has_internal_subset: bool
) -> None:
    if has_internal_subset:
        raise _InlineDTD(name)


class _RootTag:
    """A parser target that keeps the root tag and looks at each time signature, so
    vetting builds no tree."""

    def __init__(self) -> None:
        self.tag: str | None = None
        self.measure = "?"
        self._meter: list[tuple[str, str]] | None = None  # (beats, beat-type) pairs
        self._field: str | None = None
        self._text = ""

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        if self.tag is None:
            self.tag = tag
        if tag == "measure":
            self.measure = attributes.get("number", "?")
        elif tag == "time":
            self._meter = []
        elif self._meter is not None and tag in ("beats", "beat-type"):
            self._field, self._text = tag, ""

    def end(self, tag: str) -> None:
        if self._meter is None:
            return
        if tag == "beats":
            self._meter.append((self._text.strip(), ""))
        elif tag == "beat-type" and self._meter:
            self._meter[-1] = (self._meter[-1][0], self._text.strip())
        elif tag == "time":
            check_meter(self._meter, self.measure)
            self._meter = None
        self._field = None

    def data(self, text: str) -> None:
        if self._field is not None:
            self._text += text

    def close(self) -> None:
        return None


# Far beyond real odd and additive meters (25/16, 3+2+3/8, 32/4); music21 spends minutes
# filling a bar of 1000 whole notes.
MAX_METER_BEATS = 128
MAX_METER_QUARTERS = 128
MAX_BEAT_TYPE = 1024  # a 1024th note; irrational meters (3/10) are music too


class AbsurdMeter(ScoreError):
    """A time signature no music has; refused before music21 spends minutes on it."""


def check_meter(meter: list[tuple[str, str]], measure: str, *, written: str = "") -> None:
    """Refuse a time signature of more than 128 beats or quarters a bar, or a beat type
    outside 1 to 1024. ``meter`` holds (beats, beat-type) pairs, beats maybe additive (``3+2``);
    a value that is no whole number is left to music21. ``written`` is the meter as the file
    writes it, where that is not its figures."""
    beats = quarters = 0.0
    for numerator, denominator in meter:
        try:
            count = sum(int(part) for part in numerator.split("+"))
            kind = int(denominator)
        except ValueError:
            return
        if not 1 <= kind <= MAX_BEAT_TYPE:
            shown = printable(written or f"{numerator}/{denominator}")[:40]
            raise AbsurdMeter(
                f"measure {printable(measure)[:20]} has the time signature {shown}, whose "
                f"beat is no note value; refused"
            )
        beats += count
        quarters += count * 4 / kind
    if beats > MAX_METER_BEATS or quarters > MAX_METER_QUARTERS:
        shown = printable(written or "+".join(f"{n}/{d}" for n, d in meter))[:40]
        raise AbsurdMeter(
            f"measure {printable(measure)[:20]} has the time signature {shown}: more than "
            f"{MAX_METER_BEATS} beats or {MAX_METER_QUARTERS} quarter notes in a bar; refused"
        )


def _looks_like_xml(path: Path) -> bool:
    """Some editors write plain MusicXML with an .mxl name; music21 reads those too."""
    with path.open("rb") as handle:
        return _xml_start(handle.read(256))


def _xml_start(head: bytes) -> bool:
    return head[:256].lstrip(b"\xef\xbb\xbf\xff\xfe\x00 \t\r\n").startswith(b"<")


def _check_midi(path: Path) -> None:
    with path.open("rb") as handle:
        head = handle.read(4)
    if head != b"MThd":
        raise ScoreError("not a MIDI file (it does not start with an MThd header)", where=path)


def _check_text(path: Path, score_format: str) -> None:
    """ABC and Humdrum are text: binary data (a renamed image) is refused up front."""
    name = {"abc": "ABC", "humdrum": "Humdrum"}.get(score_format, score_format)
    with path.open("rb") as handle:
        head = handle.read(_CHUNK)
    if b"\x00" in head:
        raise ScoreError(f"not {name} text: the file holds binary data", where=path)
    if score_format == "humdrum" and b"**" not in head:
        raise ScoreError("not a Humdrum file: no **kern (or other **) spine", where=path)
    if score_format == "abc" and not any(key in head for key in (b"X:", b"K:")):
        raise ScoreError("not ABC: no X: or K: header line", where=path)
    if score_format == "abc":
        _check_abc_meters(path)


def _check_abc_meters(path: Path) -> None:
    """Each ``M:`` field as choreo has music21 read it (:mod:`choreo.score.abc_meter`):
    one it cannot read, or an absurd one, is refused naming its line."""
    for written in abc_meters(path.read_bytes()):
        shown = printable(written.text.strip())[:40]
        try:
            meter = read_abc_meter(written.text)
            beats = "+".join(map(str, meter.groups))
            check_meter([(beats, str(meter.beat_type))], "?", written=written.text.strip())
        except ValueError as reason:
            raise ScoreError(
                f"the meter M:{shown} {reason}", where=path, line=written.line
            ) from None
        except AbsurdMeter as error:
            error.message = error.message.replace("measure ? has", "the tune has")
            error.where, error.line = str(path), written.line
            raise


def _chunks(handle: IO[bytes]) -> Iterator[bytes]:
    while chunk := handle.read(_CHUNK):
        yield chunk


def _megabytes(size: int) -> str:
    """``50``, ``1.2``, ``0.005``: enough digits that a small limit does not read as 0."""
    megabytes = size / _MB
    if megabytes >= 10:
        return f"{megabytes:.0f}"
    if megabytes >= 1:
        return f"{megabytes:.1f}".removesuffix(".0")
    return f"{megabytes:.2g}"
