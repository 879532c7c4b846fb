"""The beat sheet as GitHub-flavoured Markdown that also reads well as plain text: the
scene's facts, cast and beats, notes, the crew's pages and the intensity of the fight.

Every piece of scene text goes through :func:`~choreo.export.markdown_text.escape`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from choreo.custody import wielder
from choreo.export.crew_pages import armourers_list, safety_page, shot_list
from choreo.export.markdown_text import (
    DISTANCES,
    OUTSIDE,
    bar_beat,
    escape,
    hands_changed,
    moves_of,
    performer_name,
    pipe_table,
)
from choreo.export.sheet import SceneSheet, SheetBeat, one_line, speed_label
from choreo.model import Action, Beat, format_beat
from choreo.placement import FULL_SPEED
from choreo.timing import clock  # a fight is counted in minutes and tenths

SPARKS = "▁▃▅▇█"  # intensity 1..5
SPARKS_PER_LINE = 40
MERMAID_MAX_BEATS = 60  # beyond this a chart is unreadable; the sparkline still shows all
SPEED_MEANING = "seconds and timecodes are for fight call at this speed"
NONE = "—"

TIME_COLUMNS = ("#", "id", "bar:beat", "counts", "timecode", "secs")


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
    title = f"Cue sheet for {escape(sheet.name_of(sheet.performer))}"
    doubled = sheet.doubled()
    if doubled:
        title += ", doubling " + _and(escape(sheet.name_of(who)) for who in doubled)
    return title


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
    armourer = armourers_list(sheet)
    if armourer:
        lines += ["", f"{heading} Armourer's list", ""]
        lines += armourer
    if any(item.beat.setup for item in sheet.beats):
        lines += ["", f"{heading} Shot list", ""]
        lines += shot_list(sheet)
    lines += ["", f"{heading} Safety", ""]
    lines += safety_page(sheet)
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
    doubled = sheet.doubled()
    if doubled:
        who = (f"{escape(sheet.name_of(c))} ({escape(c)})" for c in doubled)
        text += ", doubling " + _and(who)
        performs = sum(1 for item in sheet.beats if item.part != performer)
        text += f" in {performs} beat{'s' if performs != 1 else ''}"
    doubles = _doubles_of(sheet, performer)
    if doubles:
        text += ", doubled by " + _and(doubles)
    return text


def _doubles_of(sheet: SceneSheet, character: str) -> list[str]:
    """Who doubles the character: the cast's stunt double by name, and cast members."""
    member = sheet.scene.member(character)
    found = [escape(member.double)] if member and member.double else []
    found += [
        f"{escape(m.name)} ({escape(m.id)})" for m in sheet.scene.cast if m.doubles == character
    ]
    return found


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
    doubling = any(m.doubles for m in cast)
    rows = []
    for m in cast:
        row = [escape(m.id), escape(m.name), ", ".join(_doubles_of(sheet, m.id))]
        if doubling:
            row.append(escape(sheet.name_of(m.doubles)) if m.doubles else "")
        rows.append([*row, ", ".join(escape(p) for p in m.props)])
    header = ("id", "name", "double", "doubles", "props") if doubling else None
    return pipe_table(header or ("id", "name", "double", "props"), rows)


# -- the beat table -------------------------------------------------------------------


def _beat_table(sheet: SceneSheet) -> list[str]:
    if not sheet.beats:
        return ["No beats."]
    cue = sheet.performer is not None
    items = sheet.beats
    columns: list[tuple[str, Callable[[SheetBeat], str]]] = []
    legend = []
    if cue:
        columns += [
            ("ballet", _own_ballet),
            ("combat or reaction", _own_action),
            ("with", lambda item: _performers(sheet, item.beat, sheet.partners(item))),
            ("role", _role),
        ]
        if any(item.part != sheet.performer for item in items):
            columns.append(("as", lambda item: escape(sheet.name_of(item.part or ""))))
        elif any(_double_for(item) for item in items):
            columns.append(("double", lambda item: escape(sheet.name_of(_double_for(item)))))
    elif any(item.beat.actions for item in items):
        columns += [
            ("A", lambda item: _side(sheet, item.beat)[0]),
            ("B", lambda item: _side(sheet, item.beat)[1]),
        ]
        legend.append("A attacks, B parries or reacts, as paper fight notation writes them.")
    else:
        columns += [
            ("ballet", lambda item: escape(item.beat.ballet or "")),
            ("combat", lambda item: escape(item.beat.combat or "")),
        ]
    if not cue:
        columns.append(("performers", lambda item: _performers(sheet, item.beat)))
    doubled = next((item.beat for item in items if item.beat.doubles), None)
    if doubled is not None and not cue:
        legend.append(_double_legend(sheet, doubled))
    if any(item.beat.position or item.beat.travel for item in items):
        columns.append(("where", lambda item: _where(item.beat)))
    if any(item.beat.setup for item in items):
        columns.append(("setup", lambda item: escape(item.beat.setup or "")))
    columns += [
        ("weapon", lambda item: ", ".join(escape(w) for w in item.weapons)),
        ("intensity", lambda item: str(item.beat.intensity)),
        ("hit", lambda item: "yes" if item.beat.hit else ""),
        ("safety", lambda item: escape(item.beat.safety or "")),
    ]
    header = (*TIME_COLUMNS, *(name for name, _ in columns))
    rows = [[*_time_cells(item), *(cell(item) for _, cell in columns)] for item in items]
    return [*legend, *([""] if legend else []), *pipe_table(header, rows)]


def _double_legend(sheet: SceneSheet, beat: Beat) -> str:
    """What a double looks like in the table, said with the scene's own first double."""
    character, by = next(iter(beat.doubles.items()))
    said = f"“{performer_name(sheet, beat, character)}”"
    name, double = escape(sheet.name_of(character)), escape(sheet.name_of(by))
    listed = _performers(sheet, beat, [character])
    return f"{said}: {double} performs {name}'s part; the performers column says {listed}."


def _time_cells(item: SheetBeat) -> list[str]:
    spot, beat = item.placed, item.beat
    return [
        str(item.number),
        escape(beat.id),
        bar_beat(beat),
        str(spot.counts) if spot else NONE,
        str(spot.timecode) if spot else OUTSIDE,
        f"{spot.seconds:.2f}" if spot else NONE,
    ]


def _side(sheet: SceneSheet, beat: Beat) -> tuple[str, str]:
    """The A and B cells: who delivers the combat action (custody's wielder) and what
    they do, then who parries or reacts."""
    if beat.actions:
        delivers = wielder(beat)
        first = (beat.action_of(delivers) if delivers else None) or beat.actions[0]
        rest = [action for action in beat.actions if action is not first]
        return _does(sheet, beat, first), "; ".join(_does(sheet, beat, a) for a in rest)
    headline = moves_of(beat)
    if beat.attacker:
        attacker = performer_name(sheet, beat, beat.attacker)
        headline = f"{attacker}: {headline}" if headline else attacker
    return headline, performer_name(sheet, beat, beat.partner) if beat.partner else ""


def _does(sheet: SceneSheet, beat: Beat, action: Action) -> str:
    """One performer's column: who, then their ballet move, combat action and reaction."""
    who = performer_name(sheet, beat, action.performer)
    moves = " / ".join(escape(move) for move in action.named_moves())
    return f"{who}: {moves}" if moves else who


def _performers(sheet: SceneSheet, beat: Beat, who: list[str] | None = None) -> str:
    """Cast ids, comma-separated; a double who performs a part in brackets."""
    listed = beat.everyone() if who is None else who
    return ", ".join(
        escape(c) + (f" ({escape(beat.performed_by(c))})" if c in beat.doubles else "")
        for c in listed
    )


def _own_ballet(item: SheetBeat) -> str:
    """A cue sheet's ballet move: the performer's own where the beat gives one."""
    action = item.beat.action_of(item.part) if item.part else None
    return escape((action.ballet if action else item.beat.ballet) or "")


def _own_action(item: SheetBeat) -> str:
    """A cue sheet's combat action or reaction: the performer's own where the beat gives
    one, else the beat's headline combat."""
    action = item.beat.action_of(item.part) if item.part else None
    if action is None:
        return escape(item.beat.combat or "")
    return " / ".join(escape(move) for move in (action.combat, action.reaction) if move)


def _double_for(item: SheetBeat) -> str:
    """On a character's cue sheet: the double who performs this beat, or empty."""
    if item.part is None:
        return ""
    by = item.beat.performed_by(item.part)
    return by if by != item.part else ""


def _where(beat: Beat) -> str:
    return ", ".join(escape(text) for text in (beat.position, beat.travel) if text)


def _role(item: SheetBeat) -> str:
    if item.beat.attacker == item.part:
        return "attacks"
    if item.beat.partner == item.part:
        return "receives"
    return ""


# -- notes under the table ------------------------------------------------------------


def _beat_notes(sheet: SceneSheet) -> list[str]:
    """Per beat, only where it has any: the text that would break a table cell."""
    lines: list[str] = []
    for item in sheet.beats:
        details = _details(sheet, item)
        if not details:
            continue
        lines.append(f"- **{escape(item.beat.id)}** ({bar_beat(item.beat)}) {moves_of(item.beat)}")
        lines += [f"  - {label}: {value}" for label, value in details]
    return lines


def _details(sheet: SceneSheet, item: SheetBeat) -> list[tuple[str, str]]:
    beat = item.beat
    details = []
    for label, text in (
        ("Notes", beat.notes),
        ("Camera", beat.camera),
        ("Cue", str(beat.cue) if beat.cue else None),
    ):
        if text and text.strip():
            details.append((label, escape(text)))
    action = _action(beat)
    if action:
        details.append(("Action", action))
    changes = hands_changed(sheet, item)
    if changes:
        details.append(("Props", changes))
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


# -- the crew's pages -----------------------------------------------------------------


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


# -- numbers and words ----------------------------------------------------------------


def _range(low: float, high: float) -> str:
    low_text, high_text = format_beat(round(low, 2)), format_beat(round(high, 2))
    return low_text if low_text == high_text else f"{low_text}–{high_text}"


def _and(names: Iterable[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    listed = list(names)
    return ", ".join(listed[:-1]) + " and " + listed[-1] if len(listed) > 1 else "".join(listed)


__all__ = ["escape", "heading_slug", "render_markdown"]
