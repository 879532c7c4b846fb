"""A MusicXML file as text: decoded so that encoding it again gives every byte back.

Plain MusicXML in any encoding (UTF-8 with or without a BOM, UTF-16, Latin-1, ...) or a
compressed .mxl archive, whose other members are copied as they were.
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from choreo.errors import ScoreError

MAX_MEMBER_BYTES = 200 * 1024 * 1024  # an .mxl member is unpacked into memory
XML_SUFFIXES = (".musicxml", ".xml")

_MIMETYPE = "application/vnd.recordare.musicxml"
_CONTAINER = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    "<container>\n"
    "  <rootfiles>\n"
    '    <rootfile full-path="{name}" media-type="application/vnd.recordare.musicxml+xml"/>\n'
    "  </rootfiles>\n"
    "</container>\n"
)
_DECLARED = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


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
    from choreo.score.guard import score_member  # the member choreo hands music21 too

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
    except zlib.error as error:  # deflated bytes that do not inflate (a flipped byte)
        raise ScoreError(f"the .mxl archive is damaged: {error}", where=path) from None


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
