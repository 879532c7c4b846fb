"""The beat sheet as GitHub-flavoured Markdown that also reads well as plain text.

Scene text is typed by people and sent around by email, so every piece of it goes
through :func:`escape`: whatever a note says, it stays one line of literal text that can
neither end a table cell, open HTML, start a link nor turn into code or emphasis.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from choreo.export.sheet import LINE_BREAKS, SceneSheet, SheetBeat, one_line, speed_label
from choreo.model import Beat, format_beat
from choreo.placement import FULL_SPEED
from choreo.timing import clock  # a fight is counted in minutes and tenths

# Backslash first in meaning: escaping it keeps a note ending in "\" from escaping the
# cell's own "|". Entities rather than backslashes for <, > and &, so no HTML tag,
# autolink or character reference survives.
_ESCAPES: dict[int, str] = {ord(char): "\\" + char for char in "\\`*_[]|~"} | {
    ord("&"): "&amp;",
    ord("<"): "&lt;",
    ord(">"): "&gt;",
}
_ESCAPES |= LINE_BREAKS

SPARKS = "▁▃▅▇█"  # intensity 1..5
SPARKS_PER_LINE = 40
MERMAID_MAX_BEATS = 60  # beyond this a chart is unreadable; the sparkline still shows all
CELL_PAD_LIMIT = 32  # columns are padded for plain-text reading up to this width
OUTSIDE = "outside score"
SPEED_MEANING = "seconds and timecodes are for fight call at this speed"
NONE = "—"

BEAT_COLUMNS = ("#", "id", "bar:beat", "counts", "timecode", "secs", "ballet", "combat")
SHEET_COLUMNS = (*BEAT_COLUMNS, "performers", "intensity", "hit")
CUE_COLUMNS = (*BEAT_COLUMNS, "with", "role", "intensity", "hit")
RIGHT_ALIGNED = {"#", "secs", "intensity"}
DISTANCES = {"out": "out of distance", "in": "in distance", "close": "close"}


def escape(text: str) -> str:
    """Scene text as literal Markdown: one line, no HTML, links, code or table breaks."""
    return text.translate(_ESCAPES).strip()


def heading_slug(text: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces → ``-``."""
    return re.sub(r"[^\w\- ]", "", text.lower()).replace(" ", "-")


def render_markdown(sheets: list[SceneSheet]) -> str:
    """One document: a single scene's sheet, or a title, contents and each scene in turn."""
    first = sheets[0]
    if len(sheets) == 1:
        lines = [f"# {_title(first)}: {escape(first.scene.title)}", ""]
        lines += _scene_body(first, level=2)
        return _joined(lines)
    lines = [f"# {_title(first, several=True)}", ""]
    if first.speed != FULL_SPEED:
        lines += [f"At {speed_label(first.speed)}: {SPEED_MEANING}.", ""]
    lines += ["## Contents", ""]
    headings = [_scene_heading(number, sheet) for number, sheet in enumerate(sheets, start=1)]
    for number, (sheet, heading) in enumerate(zip(sheets, headings, strict=True), start=1):
        count = len(sheet.beats)
        lines.append(
            f"{number}. [{escape(heading)}](#{heading_slug(heading)}): "
            f"{count} beat{'s' if count != 1 else ''}, {clock(sheet.duration_seconds)}"
        )
    for sheet, heading in zip(sheets, headings, strict=True):
        lines += ["", f"## {escape(heading)}", ""]
        lines += _scene_body(sheet, level=3)
    return _joined(lines)


def _title(sheet: SceneSheet, *, several: bool = False) -> str:
    """Whose sheet it is: the crew's beat sheet(s), or one performer's cue sheet."""
    if sheet.performer is None:
        return "Beat sheets" if several else "Beat sheet"
    return f"Cue sheet for {escape(sheet.name_of(sheet.performer))}"


def _scene_heading(number: int, sheet: SceneSheet) -> str:
    """Numbered, so two scenes with one title still get distinct anchors."""
    return f"Scene {number}: {one_line(sheet.scene.title)}"


def _joined(lines: list[str]) -> str:
    return "\n".join(lines).rstrip("\n") + "\n"


# -- one scene ------------------------------------------------------------------------


def _scene_body(sheet: SceneSheet, *, level: int) -> list[str]:
    heading = "#" * level
    lines = _facts(sheet)
    lines += ["", f"{heading} Cast", ""]
    lines += _cast_table(sheet)
    lines += ["", f"{heading} Beats", ""]
    lines += _beat_table(sheet)
    notes = _beat_notes(sheet)
    if notes:
        lines += ["", f"{heading} Beat notes", ""]
        lines += notes
    lines += ["", f"{heading} Safety", ""]
    lines += _safety_summary(sheet)
    if sheet.beats:
        lines += ["", f"{heading} Intensity", ""]
        lines += _intensity(sheet)
    return lines


def _facts(sheet: SceneSheet) -> list[str]:
    scene = sheet.scene
    facts = [("Scene", escape(scene.id))]
    if sheet.performer is not None:
        facts.append(("Performer", _performer_fact(sheet, sheet.performer)))
    if scene.location:
        facts.append(("Location", escape(scene.location)))
    if scene.palette:
        facts.append(("Palette", scene.palette))
    if scene.score.file:
        facts.append(("Score", f"{escape(scene.score.file)}, part {escape(str(scene.score.part))}"))
    else:
        facts.append(("Score", "none: beats sit on a steady 4/4 grid"))
    tempo = sheet.tempo_range()
    if tempo is not None:
        text = f"♩ = {_range(*tempo)}"
        if sheet.speed != FULL_SPEED:
            slow = _range(tempo[0] * sheet.speed, tempo[1] * sheet.speed)
            text += f" in the score, ♩ = {slow} at {speed_label(sheet.speed)}"
        facts.append(("Tempo", text))
    facts.append(("Duration", f"{clock(sheet.duration_seconds)} from the first beat to the last"))
    timecodes = _timecode_range(sheet)
    if timecodes:
        facts.append(("Timecode", f"{timecodes} at {format_beat(float(scene.score.fps))} fps"))
    if sheet.speed != FULL_SPEED:
        facts.append(("Speed", f"{speed_label(sheet.speed)}: {SPEED_MEANING}"))
    facts.append(("Beats", _beat_count(sheet)))
    return [f"- **{label}:** {value}" for label, value in facts]


def _performer_fact(sheet: SceneSheet, performer: str) -> str:
    member = sheet.scene.member(performer)
    if member is None:
        return f"{escape(performer)} (not in the cast)"
    text = f"{escape(member.name)} ({escape(member.id)})"
    if member.double:
        text += f", doubled by {escape(member.double)}"
    return text


def _beat_count(sheet: SceneSheet) -> str:
    outside = sum(1 for b in sheet.beats if b.placed is None)
    text = str(len(sheet.beats))
    if sheet.performer is not None:
        text += f" of {len(sheet.scene.beats)}"
    if outside:
        text += f" ({outside} outside the score)"
    return text


def _timecode_range(sheet: SceneSheet) -> str | None:
    placed = sheet.placed
    if not placed:
        return None
    first = min(placed, key=lambda p: p.start_seconds)
    last = max(placed, key=lambda p: p.end_seconds)
    return f"{first.timecode} – {last.end_timecode}"


def _cast_table(sheet: SceneSheet) -> list[str]:
    cast = sheet.scene.cast
    if not cast:
        return ["No cast listed."]
    rows = [
        [
            escape(m.id),
            escape(m.name),
            escape(m.double or ""),
            ", ".join(escape(p) for p in m.props),
        ]
        for m in cast
    ]
    return _table(("id", "name", "double", "props"), rows)


def _beat_table(sheet: SceneSheet) -> list[str]:
    if not sheet.beats:
        return ["No beats."]
    cue = sheet.performer is not None
    rows = []
    for item in sheet.beats:
        spot, beat = item.placed, item.beat
        row = [
            str(item.number),
            escape(beat.id),
            _at(beat),
            str(spot.counts) if spot else NONE,
            str(spot.timecode) if spot else OUTSIDE,
            f"{spot.seconds:.2f}" if spot else NONE,
            escape(beat.ballet or ""),
            escape(beat.combat or ""),
        ]
        if cue:
            row += [" ".join(escape(p) for p in sheet.partners(beat)), _role(beat, sheet)]
        else:
            row.append(" ".join(escape(p) for p in beat.everyone()))
        row += [str(beat.intensity), "yes" if beat.hit else ""]
        rows.append(row)
    return _table(CUE_COLUMNS if cue else SHEET_COLUMNS, rows)


def _at(beat: Beat) -> str:
    text = escape(str(beat.at))
    return f"{text} pass {beat.pass_number}" if beat.pass_number else text


def _role(beat: Beat, sheet: SceneSheet) -> str:
    if beat.attacker == sheet.performer:
        return "attacks"
    if beat.partner == sheet.performer:
        return "receives"
    return ""


def _table(header: tuple[str, ...], rows: list[list[str]]) -> list[str]:
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


def _beat_notes(sheet: SceneSheet) -> list[str]:
    """Per beat, only where it has any: the text that would break a table cell."""
    lines: list[str] = []
    for item in sheet.beats:
        details = _details(item)
        if not details:
            continue
        lines.append(f"- **{escape(item.beat.id)}** ({_at(item.beat)}) {_moves(item.beat)}")
        lines += [f"  - {label}: {value}" for label, value in details]
    return lines


def _details(item: SheetBeat) -> list[tuple[str, str]]:
    beat = item.beat
    details = []
    for label, text in (
        ("Notes", beat.notes),
        ("Camera", beat.camera),
        ("Safety", beat.safety),
        ("Cue", str(beat.cue) if beat.cue else None),
    ):
        if text and text.strip():
            details.append((label, escape(text)))
    action = _action(beat)
    if action:
        details.append(("Action", action))
    if beat.status != "idea":
        details.append(("Rehearsal", beat.status))
    if item.problem:
        details.append(("Not placed", escape(item.problem)))
    return details


def _action(beat: Beat) -> str:
    parts = []
    if beat.attacker and beat.partner:
        parts.append(f"{escape(beat.attacker)} attacks {escape(beat.partner)}")
    elif beat.attacker:
        parts.append(f"{escape(beat.attacker)} attacks")
    elif beat.partner:
        parts.append(f"{escape(beat.partner)} receives")
    for label, text in (("target", beat.target), ("line", beat.line), ("weapon", beat.weapon)):
        if text and text.strip():
            parts.append(f"{label} {escape(text)}")
    if beat.distance:
        parts.append(DISTANCES[beat.distance])
    if beat.contact:
        parts.append("contact")
    return ", ".join(parts)


def _moves(beat: Beat) -> str:
    return " / ".join(escape(move) for move in beat.named_moves())


def _safety_summary(sheet: SceneSheet) -> list[str]:
    risky = [item for item in sheet.beats if item.needs_safety]
    if not risky:
        return ["No combat action of risk 4 or more."]
    lines = ["Every combat action of risk 4 or more, with its safety note:", ""]
    for item in risky:
        beat, spot = item.beat, item.placed
        when = f"{_at(beat)}, {spot.timecode}" if spot else f"{_at(beat)}, {OUTSIDE}"
        note = escape(beat.safety) if beat.safety and beat.safety.strip() else "**MISSING**"
        action = f"{escape(beat.combat or '')}, risk {item.risk}"
        lines.append(f"- **{escape(beat.id)}** ({when}) {action}: {note}")
    return lines


def _intensity(sheet: SceneSheet) -> list[str]:
    """A sparkline per beat (plain text and GitHub alike), and a chart for short scenes."""
    beats = sheet.beats
    lines = ["Intensity 1 to 5, one mark per beat (the number is the first beat's #):", ""]
    lines.append("```text")
    for start in range(0, len(beats), SPARKS_PER_LINE):
        chunk = beats[start : start + SPARKS_PER_LINE]
        marks = "".join(_spark(item.beat.intensity) for item in chunk)
        lines.append(f"{chunk[0].number:>4} {marks}")
    lines.append("```")
    if len(beats) <= MERMAID_MAX_BEATS:
        ids = ", ".join(f'"{item.beat.id}"' for item in beats)
        values = ", ".join(str(max(1, min(5, item.beat.intensity))) for item in beats)
        lines += [
            "",
            "```mermaid",
            "xychart-beta",
            '    title "Intensity by beat"',
            f"    x-axis [{ids}]",
            '    y-axis "intensity" 0 --> 5',
            f"    bar [{values}]",
            "```",
        ]
    return lines


def _spark(intensity: int) -> str:
    return SPARKS[max(1, min(5, intensity)) - 1]


# -- numbers --------------------------------------------------------------------------


def _range(low: float, high: float) -> str:
    low_text, high_text = format_beat(round(low, 2)), format_beat(round(high, 2))
    return low_text if low_text == high_text else f"{low_text}–{high_text}"


__all__ = ["escape", "heading_slug", "render_markdown"]
