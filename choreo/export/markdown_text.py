"""How the sheets say a beat: scene text escaped, who performs, when and with what,
props changing hands, and tables; in Markdown pipe tables that also read as plain text.

Scene text is typed by people and sent around by email, so every piece of it goes
through an :class:`Ink`'s ``text``: whatever a note says, it stays one line of literal
text that can neither end a table cell, open HTML, start a link nor turn into code or
emphasis. :data:`MARKDOWN` writes the Markdown sheet; the PDF's ink writes typst markup
from the same sentences (``choreo.export.pdf_markup``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from choreo.custody import Transfer
from choreo.export.sheet import LINE_BREAKS, SceneSheet, SheetBeat
from choreo.model import FLOOR, Beat
from choreo.placement import FULL_SPEED, PlacedBeat
from choreo.timing import clock

# Backslash first in meaning: escaping it keeps a note ending in "\" from escaping the
# cell's own "|". Entities rather than backslashes for <, > and &, so no HTML tag,
# autolink or character reference survives.
_ESCAPES: dict[int, str] = {ord(char): "\\" + char for char in "\\`*_[]|~"} | {
    ord("&"): "&amp;",
    ord("<"): "&lt;",
    ord(">"): "&gt;",
}
_ESCAPES |= LINE_BREAKS

CELL_PAD_LIMIT = 32  # columns are padded for plain-text reading up to this width
RIGHT_ALIGNED = {"#", "secs", "intensity"}
OUTSIDE = "outside score"
DISTANCES = {"out": "out of distance", "in": "in distance", "close": "close"}


def escape(text: str) -> str:
    """Scene text as literal Markdown: one line, no HTML, links, code or table breaks."""
    return text.translate(_ESCAPES).strip()


@dataclass(frozen=True, slots=True)
class Ink:
    """How a sheet writes: scene text made literal, strong words, a command, a table.

    ``strong`` and a table's rows take text already made literal by ``text``; ``code``
    and a table's column names take plain text."""

    text: Callable[[str], str]
    strong: Callable[[str], str]
    code: Callable[[str], str]
    table: Callable[[tuple[str, ...], list[list[str]]], list[str]]


def pipe_table(names: tuple[str, ...], rows: list[list[str]]) -> list[str]:
    """A pipe table, columns padded so the plain text lines up too."""
    header = tuple(escape(name) for name in names)
    widths = [
        min(max(len(header[i]), *(len(row[i]) for row in rows)), CELL_PAD_LIMIT)
        for i in range(len(header))
    ]
    right = [name in RIGHT_ALIGNED for name in names]

    def line(cells: Iterable[str]) -> str:
        padded = (
            cell.rjust(width) if is_right else cell.ljust(width)
            for cell, width, is_right in zip(cells, widths, right, strict=True)
        )
        return "| " + " | ".join(padded) + " |"

    rule = (
        "|"
        + "|".join(
            "-" * (w + 1) + ":" if is_right else "-" * (w + 2)
            for w, is_right in zip(widths, right, strict=True)
        )
        + "|"
    )
    return [line(header), rule, *(line(row) for row in rows)]


MARKDOWN = Ink(escape, lambda text: f"**{text}**", lambda text: f"`{text}`", pipe_table)


def time_heading(sheet: SceneSheet) -> str:
    """What a sheet's times are: picture timecode, or rehearsal time at another speed."""
    return "timecode" if sheet.speed == FULL_SPEED else "rehearsal time"


def start_time(sheet: SceneSheet, spot: PlacedBeat) -> str:
    """When the beat starts: SMPTE timecode of the picture at full speed; at any other
    speed the rehearsal clock from the top of the score, since a half-speed time is no
    frame of the picture."""
    return str(spot.timecode) if sheet.speed == FULL_SPEED else clock(spot.start_seconds)


def end_time(sheet: SceneSheet, spot: PlacedBeat) -> str:
    return str(spot.end_timecode) if sheet.speed == FULL_SPEED else clock(spot.end_seconds)


def bar_beat(beat: Beat, ink: Ink) -> str:
    """Where the beat is written: ``12:2.5``, and its pass in performed order."""
    text = ink.text(str(beat.at))
    return f"{text} pass {beat.pass_number}" if beat.pass_number else text


def moves_of(beat: Beat, ink: Ink) -> str:
    """The headline's moves, or, where a beat has only actions, everyone's."""
    named = beat.named_moves() or [m for action in beat.actions for m in action.named_moves()]
    return " / ".join(ink.text(move) for move in named)


def performer_name(sheet: SceneSheet, beat: Beat, character: str, ink: Ink) -> str:
    """The character by name, and the double who performs the part in this beat."""
    name = ink.text(sheet.name_of(character))
    by = beat.performed_by(character)
    return f"{ink.text(sheet.name_of(by))} as {name}" if by != character else name


def _transfer(sheet: SceneSheet, beat: Beat, transfer: Transfer, ink: Ink) -> str:
    """A prop changing hands, said with who really does it."""
    prop = ink.text(transfer.prop)
    giver = performer_name(sheet, beat, transfer.from_, ink)
    taker = performer_name(sheet, beat, transfer.to, ink)
    if transfer.how == "disarm":
        return f"{taker} takes the {prop} from {giver}"
    if transfer.to == FLOOR:
        return f"{giver} drops the {prop}"
    if transfer.from_ == FLOOR:
        return f"{taker} picks up the {prop}"
    return f"{giver} passes the {prop} to {taker}"


def hands_changed(sheet: SceneSheet, item: SheetBeat, ink: Ink) -> str:
    """What changes hands in the beat (disarms, then handoffs), or empty."""
    return "; ".join(_transfer(sheet, item.beat, t, ink) for t in item.holding.transfers)
