"""How the Markdown sheets say a beat: scene text escaped, who performs, when and with
what, props changing hands, and pipe tables that also read as plain text.

Scene text is typed by people and sent around by email, so every piece of it goes
through :func:`escape`: whatever a note says, it stays one line of literal text that can
neither end a table cell, open HTML, start a link nor turn into code or emphasis.
"""

from __future__ import annotations

from collections.abc import Iterable

from choreo.custody import Transfer
from choreo.export.sheet import LINE_BREAKS, SceneSheet, SheetBeat
from choreo.model import FLOOR, Beat

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


def pipe_table(header: tuple[str, ...], rows: list[list[str]]) -> list[str]:
    """A pipe table, columns padded so the plain text lines up too."""
    widths = [
        min(max(len(header[i]), *(len(row[i]) for row in rows)), CELL_PAD_LIMIT)
        for i in range(len(header))
    ]
    right = [name in RIGHT_ALIGNED for name in header]

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


def bar_beat(beat: Beat) -> str:
    """Where the beat is written: ``12:2.5``, and its pass in performed order."""
    text = escape(str(beat.at))
    return f"{text} pass {beat.pass_number}" if beat.pass_number else text


def moves_of(beat: Beat) -> str:
    """The headline's moves, or, where a beat has only actions, everyone's."""
    named = beat.named_moves() or [m for action in beat.actions for m in action.named_moves()]
    return " / ".join(escape(move) for move in named)


def performer_name(sheet: SceneSheet, beat: Beat, character: str) -> str:
    """The character by name, and the double who performs the part in this beat."""
    name = escape(sheet.name_of(character))
    by = beat.performed_by(character)
    return f"{escape(sheet.name_of(by))} as {name}" if by != character else name


def _transfer(sheet: SceneSheet, beat: Beat, transfer: Transfer) -> str:
    """A prop changing hands, said with who really does it."""
    prop = escape(transfer.prop)
    giver = performer_name(sheet, beat, transfer.from_)
    taker = performer_name(sheet, beat, transfer.to)
    if transfer.how == "disarm":
        return f"{taker} takes the {prop} from {giver}"
    if transfer.to == FLOOR:
        return f"{giver} drops the {prop}"
    if transfer.from_ == FLOOR:
        return f"{taker} picks up the {prop}"
    return f"{giver} passes the {prop} to {taker}"


def hands_changed(sheet: SceneSheet, item: SheetBeat) -> str:
    """What changes hands in the beat (disarms, then handoffs), or empty."""
    return "; ".join(_transfer(sheet, item.beat, t) for t in item.holding.transfers)
