"""The beat sheet as one CSV table (RFC 4180), for spreadsheets and the first AD.

Spreadsheets run a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula, so a
note such as ``=cmd|' /C calc'!A0`` could run a program on the AD's machine; every such
cell gets a leading ``'``, which spreadsheets show as text.
"""

from __future__ import annotations

import csv
import io

from choreo.export.sheet import SceneSheet, SheetBeat
from choreo.model import Action

COLUMNS = (
    "scene", "number", "id", "at", "pass", "counts", "timecode", "end_timecode",
    "start_seconds", "end_seconds", "seconds", "length_beats", "ballet", "combat",
    "performers", "attacker", "partner", "target", "line", "weapon", "distance", "contact",
    "intensity", "hit", "risk", "safety", "notes", "camera", "cue", "status", "problem",
    "actions", "doubles", "position", "travel", "setup", "hazards", "holds",
    "changes_hands",
)  # fmt: skip
CUE_COLUMNS = (*COLUMNS[:15], "with", *COLUMNS[15:])
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """A cell a spreadsheet would run as a formula, made plain text."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def render_csv(sheets: list[SceneSheet]) -> str:
    """One header row, then one row per beat of every scene, in scene order."""
    cue = sheets[0].performer is not None
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CUE_COLUMNS if cue else COLUMNS)
    for sheet in sheets:
        for item in sheet.beats:
            writer.writerow([neutralise(cell) for cell in _row(sheet, item, cue=cue)])
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
        str(beat.at),
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
