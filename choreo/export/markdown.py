"""The beat sheet as GitHub-flavoured Markdown that also reads well as plain text: the
scene's facts, cast and beats, notes, the crew's pages and the intensity of the fight.

The sections are written in an :class:`~choreo.export.markdown_text.Ink`, so the PDF
typesets the very same sentences (``choreo.export.pdf``); Markdown's ink escapes every
piece of scene text (:func:`~choreo.export.markdown_text.escape`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from choreo.custody import wielder
from choreo.export.crew_pages import armourers_list, safety_page, shot_list
from choreo.export.markdown_text import (
    DISTANCES,
    MARKDOWN,
    OUTSIDE,
    Ink,
    bar_beat,
    end_time,
    escape,
    hands_changed,
    moves_of,
    performer_name,
    start_time,
    time_heading,
)
from choreo.export.sheet import SceneSheet, SheetBeat, one_line, speed_label
from choreo.model import Action, Beat, format_beat
from choreo.placement import FULL_SPEED
from choreo.timing import clock  # a fight is counted in minutes and tenths

SPARKS = "▁▃▅▇█"  # intensity 1..5
SPARKS_PER_LINE = 40
MERMAID_MAX_BEATS = 60  # beyond this a chart is unreadable; the sparkline still shows all
SPEED_MEANING = (
    "times are rehearsal time from the top of the score at this speed, not picture timecode"
)
NONE = "—"

Section = tuple[str | None, list[str]]  # a heading (none for the facts) and its lines


def heading_slug(text: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces → ``-``."""
    return re.sub(r"[^\w\- ]", "", text.lower()).replace(" ", "-")


def render_markdown(sheets: list[SceneSheet]) -> str:
    """One document: a single scene's sheet, or a title, contents and each scene in turn."""
    first = sheets[0]
    if len(sheets) == 1:
        lines = [f"# {sheet_title(first, MARKDOWN)}: {escape(first.scene.title)}", ""]
        lines += _scene_body(first, level=2)
        return _joined(lines)
    lines = [f"# {sheet_title(first, MARKDOWN, several=True)}", ""]
    if first.speed != FULL_SPEED:
        lines += [f"At {speed_label(first.speed)}: {SPEED_MEANING}.", ""]
    drafts = [number for number, sheet in enumerate(sheets, start=1) if sheet.check_errors]
    if drafts:
        lines += _alert([f"{MARKDOWN.strong('DRAFT')}: {_drafts_said(drafts)}"])
        lines += [""]
    lines += ["## Contents", ""]
    headings = [scene_heading(number, sheet) for number, sheet in enumerate(sheets, start=1)]
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


def sheet_title(sheet: SceneSheet, ink: Ink, *, several: bool = False) -> str:
    """Whose sheet it is: the crew's beat sheet(s), or one performer's cue sheet."""
    if sheet.performer is None:
        return "Beat sheets" if several else "Beat sheet"
    title = f"Cue sheet for {ink.text(sheet.name_of(sheet.performer))}"
    doubled = sheet.doubled()
    if doubled:
        title += ", doubling " + _and(ink.text(sheet.name_of(who)) for who in doubled)
    return title


def scene_heading(number: int, sheet: SceneSheet) -> str:
    """Numbered, so two scenes with one title still get distinct anchors."""
    return f"Scene {number}: {one_line(sheet.scene.title)}"


def _joined(lines: list[str]) -> str:
    return "\n".join(lines).rstrip("\n") + "\n"


def _alert(lines: list[str]) -> list[str]:
    """A GitHub caution box; plain text sees a quoted paragraph."""
    return ["> [!CAUTION]", *(f"> {line}" if line else ">" for line in lines)]


# -- a draft --------------------------------------------------------------------------


def draft_notice(sheet: SceneSheet, ink: Ink) -> list[str]:
    """Why the sheet is a draft: the errors ``choreo check`` finds in the scene (the one
    ``diagnose``), one list item each; empty when it has none."""
    errors = sheet.check_errors
    if not errors:
        return []
    count = f"{len(errors)} error{'s' if len(errors) != 1 else ''}"
    lines = [
        f"{ink.strong('DRAFT')}: choreo check finds {count} in this scene; "
        "do not rehearse from this sheet until they are fixed.",
        "",
    ]
    for error in errors:
        beat = f"{ink.strong(ink.text(error.beat))}: " if error.beat else ""
        lines.append(f"- {beat}{ink.text(error.message)} ({ink.text(error.code)})")
    return lines


def _drafts_said(numbers: list[int]) -> str:
    scenes = _and(str(number) for number in numbers)
    return f"choreo check finds errors in scene{'s' if len(numbers) != 1 else ''} {scenes}."


# -- one scene ------------------------------------------------------------------------


def _scene_body(sheet: SceneSheet, *, level: int) -> list[str]:
    notice = draft_notice(sheet, MARKDOWN)
    lines = [*_alert(notice), ""] if notice else []
    for heading, section in scene_sections(sheet, MARKDOWN):
        lines += ["", f"{'#' * level} {heading}", ""] if heading else []
        lines += section
    if sheet.beats:
        lines += ["", f"{'#' * level} Intensity", ""]
        lines += _intensity(sheet)
    return lines


def scene_sections(sheet: SceneSheet, ink: Ink) -> list[Section]:
    """The scene's sheet in order: its facts, cast, beats, notes and the crew's pages.
    The intensity of the fight is each format's own picture."""
    sections: list[Section] = [
        (None, _facts(sheet, ink)),
        ("Cast", _cast_table(sheet, ink)),
        ("Beats", _beat_table(sheet, ink)),
        ("Beat notes", _beat_notes(sheet, ink)),
        ("Armourer's list", armourers_list(sheet, ink)),
        ("Shot list", shot_list(sheet, ink) if any(i.beat.setup for i in sheet.beats) else []),
        ("Safety", safety_page(sheet, ink)),
    ]
    return [(heading, lines) for heading, lines in sections if lines]


def _facts(sheet: SceneSheet, ink: Ink) -> list[str]:
    scene = sheet.scene
    facts = [("Scene", ink.text(scene.id))]
    if sheet.performer is not None:
        facts.append(("Performer", _performer_fact(sheet, sheet.performer, ink)))
    if scene.location:
        facts.append(("Location", ink.text(scene.location)))
    if scene.palette:
        facts.append(("Palette", ink.text(scene.palette)))
    if scene.score.file:
        part = ink.text(str(scene.score.part))
        facts.append(("Score", f"{ink.text(scene.score.file)}, part {part}"))
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
    times = _time_range(sheet)
    if times and sheet.speed == FULL_SPEED:
        facts.append(("Timecode", f"{times} at {format_beat(float(scene.score.fps))} fps"))
    elif times:
        facts.append(("Rehearsal time", f"{times} from the top of the score, not picture timecode"))
    if sheet.speed != FULL_SPEED:
        facts.append(("Speed", f"{speed_label(sheet.speed)}: {SPEED_MEANING}"))
    facts.append(("Beats", _beat_count(sheet)))
    return [f"- {ink.strong(label + ':')} {value}" for label, value in facts]


def _performer_fact(sheet: SceneSheet, performer: str, ink: Ink) -> str:
    member = sheet.scene.member(performer)
    if member is None:
        return f"{ink.text(performer)} (not in the cast)"
    text = f"{ink.text(member.name)} ({ink.text(member.id)})"
    doubled = sheet.doubled()
    if doubled:
        who = (f"{ink.text(sheet.name_of(c))} ({ink.text(c)})" for c in doubled)
        text += ", doubling " + _and(who)
        performs = sum(1 for item in sheet.beats if item.part != performer)
        text += f" in {performs} beat{'s' if performs != 1 else ''}"
    doubles = _doubles_of(sheet, performer, ink)
    if doubles:
        text += ", doubled by " + _and(doubles)
    return text


def _doubles_of(sheet: SceneSheet, character: str, ink: Ink) -> list[str]:
    """Who doubles the character: the cast's stunt double by name, and cast members; a
    stunt double who is also in the cast (``double: Kim Lee`` and Kim Lee doubling the
    character) is named once, as the cast member."""
    doubling = [m for m in sheet.scene.cast if m.doubles == character]
    member = sheet.scene.member(character)
    named = member.double if member and member.double else None
    if named and any(_same_name(named, m.name) for m in doubling):
        named = None
    found = [ink.text(named)] if named else []
    found += [f"{ink.text(m.name)} ({ink.text(m.id)})" for m in doubling]
    return found


def _same_name(one: str, other: str) -> bool:
    return " ".join(one.split()).casefold() == " ".join(other.split()).casefold()


def _beat_count(sheet: SceneSheet) -> str:
    outside = sum(1 for b in sheet.beats if b.placed is None)
    text = str(len(sheet.beats))
    if sheet.performer is not None:
        text += f" of {len(sheet.scene.beats)}"
    if outside:
        text += f" ({outside} outside the score)"
    return text


def _time_range(sheet: SceneSheet) -> str | None:
    placed = sheet.placed
    if not placed:
        return None
    first = min(placed, key=lambda p: p.start_seconds)
    last = max(placed, key=lambda p: p.end_seconds)
    return f"{start_time(sheet, first)} – {end_time(sheet, last)}"


def _cast_table(sheet: SceneSheet, ink: Ink) -> list[str]:
    cast = sheet.scene.cast
    if not cast:
        return ["No cast listed."]
    doubling = any(m.doubles for m in cast)
    rows = []
    for m in cast:
        row = [ink.text(m.id), ink.text(m.name), ", ".join(_doubles_of(sheet, m.id, ink))]
        if doubling:
            row.append(ink.text(sheet.name_of(m.doubles)) if m.doubles else "")
        rows.append([*row, ", ".join(ink.text(p) for p in m.props)])
    header = ("id", "name", "double", "doubles", "props") if doubling else None
    return ink.table(header or ("id", "name", "double", "props"), rows)


# -- the beat table -------------------------------------------------------------------


def _beat_table(sheet: SceneSheet, ink: Ink) -> list[str]:
    if not sheet.beats:
        return ["No beats."]
    cue = sheet.performer is not None
    items = sheet.beats
    columns: list[tuple[str, Callable[[SheetBeat], str]]] = []
    legend = []
    if cue:
        columns += [
            ("ballet", lambda item: own_ballet(item, ink)),
            ("combat or reaction", lambda item: own_action(item, ink)),
            ("with", lambda item: _performers(item.beat, ink, sheet.partners(item))),
            ("role", role),
        ]
        if any(item.part != sheet.performer for item in items):
            columns.append(("as", lambda item: ink.text(sheet.name_of(item.part or ""))))
        elif any(double_for(item) for item in items):
            columns.append(("double", lambda item: ink.text(sheet.name_of(double_for(item)))))
    elif any(item.beat.actions for item in items):
        columns += [
            ("A", lambda item: _side(sheet, item.beat, ink)[0]),
            ("B", lambda item: _side(sheet, item.beat, ink)[1]),
        ]
        legend.append("A attacks, B parries or reacts, as paper fight notation writes them.")
    else:
        columns += [
            ("ballet", lambda item: ink.text(item.beat.ballet or "")),
            ("combat", lambda item: ink.text(item.beat.combat or "")),
        ]
    if not cue:
        columns.append(("performers", lambda item: _performers(item.beat, ink)))
    doubled = next((item.beat for item in items if item.beat.doubles), None)
    if doubled is not None and not cue:
        legend.append(_double_legend(sheet, doubled, ink))
    if any(item.beat.position or item.beat.travel for item in items):
        columns.append(("where", lambda item: _where(item.beat, ink)))
    if any(item.beat.setup for item in items):
        columns.append(("setup", lambda item: ink.text(item.beat.setup or "")))
    columns += [
        ("weapon", lambda item: ", ".join(ink.text(w) for w in item.weapons)),
        ("intensity", lambda item: str(item.beat.intensity)),
        ("hit", lambda item: "yes" if item.beat.hit else ""),
        ("safety", lambda item: ink.text(item.beat.safety or "")),
    ]
    times = ("#", "id", "bar:beat", "counts", time_heading(sheet), "secs")
    header = (*times, *(name for name, _ in columns))
    rows = [
        [*_time_cells(sheet, item, ink), *(cell(item) for _, cell in columns)] for item in items
    ]
    return [*legend, *([""] if legend else []), *ink.table(header, rows)]


def _double_legend(sheet: SceneSheet, beat: Beat, ink: Ink) -> str:
    """What a double looks like in the table, said with the scene's own first double."""
    character, by = next(iter(beat.doubles.items()))
    said = f"“{performer_name(sheet, beat, character, ink)}”"
    name, double = ink.text(sheet.name_of(character)), ink.text(sheet.name_of(by))
    listed = _performers(beat, ink, [character])
    return f"{said}: {double} performs {name}'s part; the performers column says {listed}."


def _time_cells(sheet: SceneSheet, item: SheetBeat, ink: Ink) -> list[str]:
    spot, beat = item.placed, item.beat
    return [
        str(item.number),
        ink.text(beat.id),
        bar_beat(beat, ink),
        str(spot.counts) if spot else NONE,
        start_time(sheet, spot) if spot else OUTSIDE,
        f"{spot.seconds:.2f}" if spot else NONE,
    ]


def _side(sheet: SceneSheet, beat: Beat, ink: Ink) -> tuple[str, str]:
    """The A and B cells: who delivers the combat action (custody's wielder) and what
    they do, then who parries or reacts."""
    if beat.actions:
        delivers = wielder(beat)
        first = (beat.action_of(delivers) if delivers else None) or beat.actions[0]
        rest = [action for action in beat.actions if action is not first]
        said = "; ".join(_does(sheet, beat, a, ink) for a in rest)
        return _does(sheet, beat, first, ink), said
    headline = moves_of(beat, ink)
    if beat.attacker:
        attacker = performer_name(sheet, beat, beat.attacker, ink)
        headline = f"{attacker}: {headline}" if headline else attacker
    return headline, performer_name(sheet, beat, beat.partner, ink) if beat.partner else ""


def _does(sheet: SceneSheet, beat: Beat, action: Action, ink: Ink) -> str:
    """One performer's column: who, then their ballet move, combat action and reaction."""
    who = performer_name(sheet, beat, action.performer, ink)
    moves = " / ".join(ink.text(move) for move in action.named_moves())
    return f"{who}: {moves}" if moves else who


def _performers(beat: Beat, ink: Ink, who: list[str] | None = None) -> str:
    """Cast ids, comma-separated; a double who performs a part in brackets."""
    listed = beat.everyone() if who is None else who
    return ", ".join(
        ink.text(c) + (f" ({ink.text(beat.performed_by(c))})" if c in beat.doubles else "")
        for c in listed
    )


def own_ballet(item: SheetBeat, ink: Ink) -> str:
    """A cue sheet's ballet move: the performer's own where the beat gives one."""
    action = item.beat.action_of(item.part) if item.part else None
    return ink.text((action.ballet if action else item.beat.ballet) or "")


def own_action(item: SheetBeat, ink: Ink) -> str:
    """A cue sheet's combat action or reaction: the performer's own where the beat gives
    one, else the beat's headline combat."""
    action = item.beat.action_of(item.part) if item.part else None
    if action is None:
        return ink.text(item.beat.combat or "")
    return " / ".join(ink.text(move) for move in (action.combat, action.reaction) if move)


def double_for(item: SheetBeat) -> str:
    """On a character's cue sheet: the double who performs this beat, or empty."""
    if item.part is None:
        return ""
    by = item.beat.performed_by(item.part)
    return by if by != item.part else ""


def _where(beat: Beat, ink: Ink) -> str:
    return ", ".join(ink.text(text) for text in (beat.position, beat.travel) if text)


def role(item: SheetBeat) -> str:
    if item.beat.attacker == item.part:
        return "attacks"
    if item.beat.partner == item.part:
        return "receives"
    return ""


# -- notes under the table ------------------------------------------------------------


def _beat_notes(sheet: SceneSheet, ink: Ink) -> list[str]:
    """Per beat, only where it has any: the text that would break a table cell."""
    lines: list[str] = []
    for item in sheet.beats:
        details = _details(sheet, item, ink)
        if not details:
            continue
        beat = item.beat
        lines.append(
            f"- {ink.strong(ink.text(beat.id))} ({bar_beat(beat, ink)}) {moves_of(beat, ink)}"
        )
        lines += [f"  - {label}: {value}" for label, value in details]
    return lines


def _details(sheet: SceneSheet, item: SheetBeat, ink: Ink) -> list[tuple[str, str]]:
    beat = item.beat
    details = []
    for label, text in (
        ("Notes", beat.notes),
        ("Camera", beat.camera),
        ("Cue", str(beat.cue) if beat.cue else None),
    ):
        if text and text.strip():
            details.append((label, ink.text(text)))
    action = _action(beat, ink)
    if action:
        details.append(("Action", action))
    changes = hands_changed(sheet, item, ink)
    if changes:
        details.append(("Props", changes))
    if beat.status != "idea":
        details.append(("Rehearsal", beat.status))
    if item.problem:
        details.append(("Not placed", ink.text(item.problem)))
    return details


def _action(beat: Beat, ink: Ink) -> str:
    parts = []
    if beat.attacker and beat.partner:
        parts.append(f"{ink.text(beat.attacker)} attacks {ink.text(beat.partner)}")
    elif beat.attacker:
        parts.append(f"{ink.text(beat.attacker)} attacks")
    elif beat.partner:
        parts.append(f"{ink.text(beat.partner)} receives")
    for label, text in (("target", beat.target), ("line", beat.line), ("weapon", beat.weapon)):
        if text and text.strip():
            parts.append(f"{label} {ink.text(text)}")
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
