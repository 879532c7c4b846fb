"""The beat sheet as one CSV table (RFC 4180), for spreadsheets and the first AD.

What a spreadsheet does to a cell is what the crew reads, so:

- Spreadsheets run a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula, so a
  note such as ``=cmd|' /C calc'!A0`` could run a program on the AD's machine; and they
  read text such as ``1:1``, ``1/2`` or ``May 4`` as a time or a date. Every such text
  cell gets a leading ``'`` and stays text.
- The bar and the beat are numbers in columns of their own (``at``'s ``"5:1"`` would be
  read as 05:01:00 AM). Timecodes (``01:00:04:12``) and counts (``3·5``) are no time, date
  or number to any spreadsheet and stay as they are.
- The file starts with a UTF-8 byte order mark: without it Excel reads UTF-8 as the
  system's code page and ``jeté`` comes out as ``jetÃ©``.
"""

from __future__ import annotations

import csv
import io
import re

from choreo.export.sheet import SceneSheet, SheetBeat
from choreo.model import Action, format_beat

COLUMNS = (
    "scene", "number", "id", "bar", "beat", "pass", "counts", "timecode", "end_timecode",
    "start_seconds", "end_seconds", "seconds", "length_beats", "ballet", "combat",
    "performers", "attacker", "partner", "target", "line", "weapon", "distance", "contact",
    "intensity", "hit", "risk", "safety", "notes", "camera", "cue", "status", "problem",
    "actions", "doubles", "position", "travel", "setup", "hazards", "holds",
    "changes_hands",
)  # fmt: skip
CUE_COLUMNS = (*COLUMNS[:16], "with", *COLUMNS[16:])
# Columns choreo fills with numbers, meant to be read as numbers (a bar such as 12a is text).
NUMBERS = frozenset(
    ("number", "bar", "beat", "pass", "start_seconds", "end_seconds", "seconds",
     "length_beats", "intensity", "risk")
)  # fmt: skip
BYTE_ORDER_MARK = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Text Excel and LibreOffice (special numbers detected) read as a value: numbers with
# signs, separators, brackets, currency or percent (1,000 (5) $5 50% 3 -), fractions and
# dates (1/2 1-2 1 1/2 2026-12-01 1.2.3), times of up to three fields (1:1 12:2.5; a
# four-field timecode stays text); and, with a number, month names (May 4, 5 Jan), the
# twelve-hour clock (5pm, 5 p; but bar 12a is text) and exponents (1e5); TRUE and FALSE.
_NUMERIC = re.compile(r"[\s.,:/\-+%()$€£¥]*\d[\d\s.,:/\-+%()$€£¥]*")
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_WORDED = re.compile(
    rf"(?:\d{{1,4}}[\s\-/.,]*)?{_MONTH}(?:[\s\-/.,]*\d{{1,4}}){{0,2}}"
    r"|\d{1,2}(?::\d{1,2}){0,2}(?:\.\d+)?(?:\s*[ap]\.?m\.?|\s+[ap])"
    r"|[-+]?(?:\d+\.?\d*|\.\d+)e[-+]?\d+",
    re.IGNORECASE,
)
_TRUTH = ("true", "false")


def neutralise(cell: str) -> str:
    """A text cell a spreadsheet would run as a formula, or read as a number, date or time,
    made plain text: a leading ``'``, which spreadsheets show and leave as text."""
    if cell.startswith(FORMULA_STARTS) or reads_as_a_value(cell):
        return "'" + cell
    return cell


def reads_as_a_value(cell: str) -> bool:
    """Whether a spreadsheet would turn this text into a number, date, time or truth value."""
    text = cell.strip()
    if _NUMERIC.fullmatch(text):
        return text.count(":") <= 2
    if _WORDED.fullmatch(text):
        return any(c.isdigit() for c in text)
    return text.lower() in _TRUTH


def render_csv(sheets: list[SceneSheet]) -> str:
    """A byte order mark and one header row, then one row per beat of every scene, in
    scene order."""
    cue = sheets[0].performer is not None
    columns = CUE_COLUMNS if cue else COLUMNS
    out = io.StringIO()
    out.write(BYTE_ORDER_MARK)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for sheet in sheets:
        for item in sheet.beats:
            cells = zip(columns, _row(sheet, item, cue=cue), strict=True)
            writer.writerow([cell if c in NUMBERS else neutralise(cell) for c, cell in cells])
    return out.getvalue()


def _row(sheet: SceneSheet, item: SheetBeat, *, cue: bool) -> list[str]:
    spot, beat = item.placed, item.beat
    time = ["", "", "", "", "", "", ""]
    if spot is not None:
        time = [
            str(spot.counts),
            str(spot.timecode),
            str(spot.end_timecode),
            _seconds(spot.start_seconds),
            _seconds(spot.end_seconds),
            _seconds(spot.seconds),
            _seconds(spot.length_beats),
        ]
    row = [
        sheet.scene.id,
        str(item.number),
        beat.id,
        beat.at.measure,
        format_beat(beat.at.beat),
        str(beat.pass_number or ""),
        *time,
        beat.ballet or "",
        beat.combat or "",
        " ".join(beat.performers),
    ]
    if cue:
        row.append(" ".join(sheet.partners(item)))
    row += [
        beat.attacker or "",
        beat.partner or "",
        beat.target or "",
        beat.line or "",
        beat.weapon or "",
        beat.distance or "",
        _yes(beat.contact),
        str(beat.intensity),
        _yes(beat.hit),
        str(item.risk) if item.risk is not None else "",
        beat.safety or "",
        beat.notes or "",
        beat.camera or "",
        str(beat.cue or ""),
        beat.status,
        item.problem or "",
        "; ".join(_action(action) for action in beat.actions),
        "; ".join(f"{character}: {by}" for character, by in beat.doubles.items()),
        beat.position or "",
        beat.travel or "",
        beat.setup or "",
        " ".join(item.hazards),
        *_custody(item),
    ]
    return row


def _custody(item: SheetBeat) -> list[str]:
    """Who holds what as the beat starts (``eve: knife, pistol; floor: rope``), and what
    changes hands in it (``knife: jon → eve (disarm)``)."""
    holding = item.holding
    holds = "; ".join(
        f"{who}: {', '.join(props)}" for who, props in holding.before.items() if props
    )
    changes = "; ".join(f"{t.prop}: {t.from_} → {t.to} ({t.how})" for t in holding.transfers)
    return [holds, changes]


def _action(action: Action) -> str:
    """``jon: knife thrust``: a performer's column of the beat, as the Markdown sheet says it."""
    return f"{action.performer}: {' / '.join(action.named_moves())}"


def _seconds(value: float) -> str:
    return f"{value:.3f}"


def _yes(flag: bool) -> str:
    return "yes" if flag else ""
