"""ABC meters (``M:`` fields) as the ABC standard means them.

music21 reads a meter's figures by taking every digit in each: the additive ``M:(2+3)/8``
is 23/8 to it, its bars eleven and a half quarters long, and its default note length
follows from that wrong meter. choreo reads the figures itself: a plain ``N/D`` (with
music21's tolerance for a word before it, ``FREI4/4``), an additive ``(2+3)/8`` or
``2+3/8`` as MusicXML's ``2+3/8``, ``C`` and ``C|``. What it cannot count beats by is
refused, naming the line: ``M:none`` (free meter) and figures no standard writes.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

# ``M:6/8`` as a field line or inline ``[M:6/8]``; a ``%`` comment is no part of it.
_FIELD = re.compile(rb"(?:^|\[)M:([^\]\n%]*)", re.MULTILINE)
# ``5``, ``(5)``, ``2+3`` or ``(2+3)``; music21 also allows a word before one number, as in
# the Essen collection's ``FREI4/4``.
_COUNTS = re.compile(r"\(?\s*(\d+(?:\s*\+\s*\d+)*)\s*\)?|[^\d+()]*(\d+)")
_TUNE = re.compile(rb"^X:", re.MULTILINE)
_SYMBOLS = {"C": "4/4", "C|": "2/2"}
READS = "N/D, an additive (2+3)/8, C or C|"


@dataclass(frozen=True, slots=True)
class AbcMeter:
    """One meter as the tune means it: the beats of each group, and the beat type."""

    groups: tuple[int, ...]  # (2, 3) for (2+3)/8; (6,) for 6/8
    beat_type: int

    @property
    def music21_name(self) -> str:
        """The meter as music21's TimeSignature takes it (``2+3/8``, as from MusicXML)."""
        return f"{'+'.join(map(str, self.groups))}/{self.beat_type}"


def read_abc_meter(field: str) -> AbcMeter:
    """The meter an ``M:`` field's text writes; a :class:`ValueError` saying why when it
    writes none choreo can count beats by."""
    written = field.strip()
    if written in _SYMBOLS:
        numerator, denominator = _SYMBOLS[written].split("/")
        return AbcMeter((int(numerator),), int(denominator))
    if written.casefold() == "none":
        raise ValueError("is free meter: choreo counts beats in bars of a meter (write one)")
    figures = written.split("/")
    counts = _COUNTS.fullmatch(figures[0].strip()) if len(figures) == 2 else None
    beat_type = re.fullmatch(r"\s*(\d+)\s*", figures[-1])
    if counts is None or beat_type is None:
        raise ValueError(f"is not a meter choreo reads ({READS})")
    groups = re.split(r"\s*\+\s*", counts.group(1) or counts.group(2))
    return AbcMeter(tuple(map(_number, groups)), _number(beat_type.group(1)))


def _number(digits: str) -> int:
    """A whole number as written; past nine digits it is beyond every cap anyway (and
    Python refuses to convert 5,000 digits)."""
    return int(digits[:10])


@dataclass(frozen=True, slots=True)
class WrittenMeter:
    """An ``M:`` field of a file, as written, and its line."""

    text: str
    line: int


def abc_meters(text: bytes) -> list[WrittenMeter]:
    """Every ``M:`` field, header and inline, of the file's first tune: the one choreo
    follows in a book of tunes (the file's header before it included)."""
    starts = [found.start() for found in itertools.islice(_TUNE.finditer(text), 2)]
    first = text[: starts[1]] if len(starts) == 2 else text
    return [
        WrittenMeter(
            found.group(1).decode("utf-8", "replace"), text.count(b"\n", 0, found.start()) + 1
        )
        for found in _FIELD.finditer(first)
    ]
