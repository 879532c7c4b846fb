"""Refuse hostile or broken score files before music21 sees them.

music21 parses XML with the standard library, which expands entity declarations (an
XML bomb), and unzips .mxl archives without limits (a zip bomb). Every check here reads
the file itself, bounded, and raises :class:`ScoreError` with a one-line reason.
"""

from __future__ import annotations

import math
import os
import zipfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import IO

from choreo.errors import ScoreError

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
    text = os.environ.get("CHOREO_MAX_SCORE_MB", "").strip()
    if not text:
        return int(MAX_SCORE_MB * _MB)
    try:
        megabytes = float(text)
    except ValueError:
        megabytes = math.nan
    if not math.isfinite(megabytes) or megabytes < 0:
        raise ScoreError(f"CHOREO_MAX_SCORE_MB is {text!r}, not a number of megabytes")
    return int(megabytes * _MB)


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
            # Every XML member music21 or a reader might open is vetted, the score last.
            for member in members:
                name = member.filename
                skipped = name == score or name.startswith("__MACOSX/")
                if not skipped and name.lower().endswith(_XML_SUFFIXES):
                    with archive.open(member) as handle:
                        _check_xml(
                            _chunks(handle), path, what=f"{name} in the archive", score=False
                        )
            with archive.open(score) as handle:
                _check_xml(_chunks(handle), path, what="MusicXML")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError) as error:
        raise ScoreError(f"the .mxl archive is damaged: {error}", where=path) from None
    except RuntimeError as error:  # an encrypted member
        raise ScoreError(f"the .mxl archive cannot be opened: {error}", where=path) from None
    except (OSError, EOFError) as error:
        raise ScoreError(f"the .mxl archive cannot be read: {error}", where=path) from None


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
    """A parser target that keeps only the root tag, so vetting builds no tree."""

    def __init__(self) -> None:
        self.tag: str | None = None

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        if self.tag is None:
            self.tag = tag

    def end(self, tag: str) -> None:
        return None

    def data(self, text: str) -> None:
        return None

    def close(self) -> None:
        return None


def _looks_like_xml(path: Path) -> bool:
    """Some editors write plain MusicXML with an .mxl name; music21 reads those too."""
    with path.open("rb") as handle:
        head = handle.read(256).lstrip(b"\xef\xbb\xbf\xff\xfe\x00 \t\r\n")
    return head.startswith(b"<")


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
