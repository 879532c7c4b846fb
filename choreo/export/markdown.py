"""The beat sheet as GitHub-flavoured Markdown that also reads well as plain text.

Scene text is typed by people and sent around by email, so every piece of it goes
through :func:`escape`: whatever a note says, it stays one line of literal text that can
neither end a table cell, open HTML, start a link nor turn into code or emphasis.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from choreo.custody import Transfer
from choreo.export.sheet import LINE_BREAKS, SceneSheet, SheetBeat, one_line, speed_label
from choreo.model import FLOOR, Action, Beat, format_beat
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

TIME_COLUMNS = ("#", "id", "bar:beat", "counts", "timecode", "secs")
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
    armourer = _armourers_list(sheet)
    if armourer:
        lines += ["", f"{heading} Armourer's list", ""]
        lines += armourer
    if any(item.beat.setup for item in sheet.beats):
        lines += ["", f"{heading} Shot list", ""]
        lines += _shot_list(sheet)
    lines += ["", f"{heading} Safety", ""]
    lines += _safety_page(sheet)
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
    return _table(header or ("id", "name", "double", "props"), rows)


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
            ("ballet", lambda item: _own(item, "ballet")),
            ("combat or reaction", lambda item: _own(item, "action")),
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
    return [*(f"{line}" for line in legend), *([""] if legend else []), *_table(header, rows)]


def _double_legend(sheet: SceneSheet, beat: Beat) -> str:
    """What a double looks like in the table, said with the scene's own first double."""
    character, by = next(iter(beat.doubles.items()))
    said = f"“{_who(sheet, beat, character)}”"
    name, double = escape(sheet.name_of(character)), escape(sheet.name_of(by))
    listed = _performers(sheet, beat, [character])
    return f"{said}: {double} performs {name}'s part; the performers column says {listed}."


def _time_cells(item: SheetBeat) -> list[str]:
    spot, beat = item.placed, item.beat
    return [
        str(item.number),
        escape(beat.id),
        _at(beat),
        str(spot.counts) if spot else NONE,
        str(spot.timecode) if spot else OUTSIDE,
        f"{spot.seconds:.2f}" if spot else NONE,
    ]


def _side(sheet: SceneSheet, beat: Beat) -> tuple[str, str]:
    """The A and B cells: who attacks and what they do, then who parries or reacts."""
    if beat.actions:
        first = (beat.action_of(beat.attacker) if beat.attacker else None) or beat.actions[0]
        rest = [action for action in beat.actions if action is not first]
        return _does(sheet, beat, first), "; ".join(_does(sheet, beat, a) for a in rest)
    moves = _moves(beat)
    if beat.attacker:
        moves = f"{_who(sheet, beat, beat.attacker)}: {moves}" if moves else ""
    return moves, _who(sheet, beat, beat.partner) if beat.partner else ""


def _does(sheet: SceneSheet, beat: Beat, action: Action) -> str:
    """One performer's column: who, then their ballet move, combat action and reaction."""
    who = _who(sheet, beat, action.performer)
    moves = " / ".join(escape(move) for move in action.named_moves())
    return f"{who}: {moves}" if moves else who


def _who(sheet: SceneSheet, beat: Beat, character: str) -> str:
    """The character by name, and the double who performs the part in this beat."""
    name = escape(sheet.name_of(character))
    by = beat.performed_by(character)
    return f"{escape(sheet.name_of(by))} as {name}" if by != character else name


def _performers(sheet: SceneSheet, beat: Beat, who: list[str] | None = None) -> str:
    """Cast ids, comma-separated; a double who performs a part in brackets."""
    listed = beat.everyone() if who is None else who
    return ", ".join(
        escape(c) + (f" ({escape(beat.performed_by(c))})" if c in beat.doubles else "")
        for c in listed
    )


def _own(item: SheetBeat, column: str) -> str:
    """A cue sheet's cell: the performer's own action where the beat gives one."""
    beat = item.beat
    action = beat.action_of(item.part) if item.part else None
    if action is None:
        return escape((beat.ballet if column == "ballet" else beat.combat) or "")
    if column == "ballet":
        return escape(action.ballet or "")
    return " / ".join(escape(move) for move in (action.combat, action.reaction) if move)


def _double_for(item: SheetBeat) -> str:
    """On a character's cue sheet: the double who performs this beat, or empty."""
    if item.part is None:
        return ""
    by = item.beat.performed_by(item.part)
    return by if by != item.part else ""


def _where(beat: Beat) -> str:
    return ", ".join(escape(text) for text in (beat.position, beat.travel) if text)


def _at(beat: Beat) -> str:
    text = escape(str(beat.at))
    return f"{text} pass {beat.pass_number}" if beat.pass_number else text


def _role(item: SheetBeat) -> str:
    if item.beat.attacker == item.part:
        return "attacks"
    if item.beat.partner == item.part:
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


# -- notes under the table ------------------------------------------------------------


def _beat_notes(sheet: SceneSheet) -> list[str]:
    """Per beat, only where it has any: the text that would break a table cell."""
    lines: list[str] = []
    for item in sheet.beats:
        details = _details(sheet, item)
        if not details:
            continue
        lines.append(f"- **{escape(item.beat.id)}** ({_at(item.beat)}) {_moves(item.beat)}")
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
    changes = _changes(sheet, item)
    if changes:
        details.append(("Props", changes))
    if beat.status != "idea":
        details.append(("Rehearsal", beat.status))
    if item.problem:
        details.append(("Not placed", escape(item.problem)))
    return details


def _transfer(sheet: SceneSheet, beat: Beat, transfer: Transfer) -> str:
    """A prop changing hands, said with who really does it."""
    prop = escape(transfer.prop)
    giver, taker = _who(sheet, beat, transfer.from_), _who(sheet, beat, transfer.to)
    if transfer.how == "disarm":
        return f"{taker} takes the {prop} from {giver}"
    if transfer.to == FLOOR:
        return f"{giver} drops the {prop}"
    if transfer.from_ == FLOOR:
        return f"{taker} picks up the {prop}"
    return f"{giver} passes the {prop} to {taker}"


def _changes(sheet: SceneSheet, item: SheetBeat) -> str:
    return "; ".join(_transfer(sheet, item.beat, t) for t in item.holding.transfers)


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
    """The headline's moves, or, where a beat has only actions, everyone's."""
    named = beat.named_moves() or [m for action in beat.actions for m in action.named_moves()]
    return " / ".join(escape(move) for move in named)


# -- the crew's pages -----------------------------------------------------------------


def _armourers_list(sheet: SceneSheet) -> list[str]:
    """Who holds which prop as each beat starts, and what changes hands in it; empty
    when nobody holds anything."""
    holdings = [item.holding for item in sheet.beats]
    holders = [
        who
        for who in (holdings[0].before if holdings else ())
        if any(h.before[who] or h.after[who] for h in holdings)
    ]
    if not holders:
        return []
    header = ("beat", "bar:beat", *(escape(sheet.name_of(who)) for who in holders), "changes hands")
    rows = [
        [
            escape(item.beat.id),
            _at(item.beat),
            *(_held(sheet, item.beat, item.holding.before[who], who) for who in holders),
            _changes(sheet, item),
        ]
        for item in sheet.beats
    ]
    if sheet.performer is None:
        last = holdings[-1]
        rows.append(
            ["end", "", *(", ".join(escape(p) for p in last.after[w]) for w in holders), ""]
        )
    lines = [
        "Who holds which prop as each beat starts (a double who performs the part in "
        "brackets), and what changes hands in it:",
        "",
    ]
    lines += _table(header, rows)
    if sheet.custody_problems:
        lines += ["", "Moves custody cannot make (`choreo check` names them too):", ""]
        lines += [f"- **{escape(p.beat)}**: {escape(p.message)}" for p in sheet.custody_problems]
    return lines


def _held(sheet: SceneSheet, beat: Beat, props: tuple[str, ...], holder: str) -> str:
    """A holder's props, and the double they go to when one performs the part."""
    text = ", ".join(escape(prop) for prop in props)
    by = beat.performed_by(holder)
    return f"{text} ({escape(sheet.name_of(by))})" if text and by != holder else text


def _shot_list(sheet: SceneSheet) -> list[str]:
    """Beats grouped by camera setup, setups in the order they first appear."""
    setups: dict[str, list[SheetBeat]] = {}
    for item in sheet.beats:
        setups.setdefault(one_line(item.beat.setup or ""), []).append(item)
    lines = ["Beats by camera setup, in the order each setup first appears:", ""]
    for setup, items in sorted(setups.items(), key=lambda pair: pair[0] == ""):
        ids = ", ".join(escape(item.beat.id) for item in items)
        name = f"Setup {escape(setup)}" if setup else "No setup"
        lines.append(f"- **{name}**: {ids} ({_span(items)})")
        for item in items:
            line = f"  - {escape(item.beat.id)} ({_at(item.beat)}) {_moves(item.beat)}"
            camera = item.beat.camera
            lines.append(f"{line.rstrip()}: {escape(camera)}" if camera else line.rstrip())
    return lines


def _span(items: list[SheetBeat]) -> str:
    """How many beats, and from the first's timecode to the last's end."""
    count = f"{len(items)} beat{'s' if len(items) != 1 else ''}"
    placed = [item.placed for item in items if item.placed]
    if not placed:
        return count
    first = min(placed, key=lambda p: p.start_seconds)
    last = max(placed, key=lambda p: p.end_seconds)
    return f"{count}, {first.timecode} – {last.end_timecode}"


def _safety_page(sheet: SceneSheet) -> list[str]:
    listed = [item for item in sheet.beats if item.on_safety_page]
    if not listed:
        return ["No beat with a firearm, a blade, contact, a fall or risk 3 or more."]
    lines = [
        "Every beat with a firearm, a blade, contact, a fall or risk 3 or more, "
        "with who really performs it:",
        "",
    ]
    for item in listed:
        beat, spot = item.beat, item.placed
        when = f"{_at(beat)}, {spot.timecode}" if spot else f"{_at(beat)}, {OUTSIDE}"
        why = [*item.hazards, *([f"risk {item.risk}"] if item.risk is not None else [])]
        lines.append(f"- **{escape(beat.id)}** ({when}) {_moves(beat)}: {', '.join(why)}")
        lines.append(f"  - Performed by: {_performed_by(sheet, beat)}")
        if item.weapons:
            lines.append(f"  - Weapon: {', '.join(escape(w) for w in item.weapons)}")
        distance = DISTANCES[beat.distance] if beat.distance else "distance not given"
        lines.append(f"  - Contact: {'yes' if beat.contact else 'no'}, {distance}")
        note = escape(beat.safety) if beat.safety and beat.safety.strip() else "**MISSING**"
        lines.append(f"  - Safety: {note}")
    return lines


def _performed_by(sheet: SceneSheet, beat: Beat) -> str:
    """Everyone in the beat as who really performs the part: the actor, or a double."""
    said = []
    for character in beat.everyone():
        by = beat.performed_by(character)
        name = escape(sheet.name_of(character))
        if by == character:
            said.append(f"{name} (actor)")
        else:
            said.append(f"{escape(sheet.name_of(by))} (double, for {name})")
    return ", ".join(said) if said else "nobody named"


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
