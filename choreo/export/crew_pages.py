"""The crew's pages of the sheet, in the :class:`Ink` given (Markdown or the PDF's): the
armourer's list (who holds which prop at every beat), the shot list (beats by camera
setup) and the safety page (every beat with a firearm, a blade, contact, a fall or risk 3
or more, and who really performs it)."""

from __future__ import annotations

from choreo.export.markdown_text import (
    DISTANCES,
    OUTSIDE,
    Ink,
    bar_beat,
    end_time,
    hands_changed,
    moves_of,
    start_time,
)
from choreo.export.sheet import SceneSheet, SheetBeat, one_line
from choreo.model import Beat


def armourers_list(sheet: SceneSheet, ink: Ink) -> list[str]:
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
    header = ("beat", "bar:beat", *(sheet.name_of(who) for who in holders), "changes hands")
    rows = [
        [
            ink.text(item.beat.id),
            bar_beat(item.beat, ink),
            *(_held(sheet, item.beat, item.holding.before[who], who, ink) for who in holders),
            hands_changed(sheet, item, ink),
        ]
        for item in sheet.beats
    ]
    if sheet.performer is None:
        last = holdings[-1]
        rows.append(
            ["end", "", *(", ".join(ink.text(p) for p in last.after[w]) for w in holders), ""]
        )
    lines = [
        "Who holds which prop as each beat starts (a double who performs the part in "
        "brackets), and what changes hands in it:",
        "",
    ]
    lines += ink.table(header, rows)
    if sheet.custody_problems:
        check = ink.code("choreo check")
        lines += ["", f"Moves custody cannot make ({check} names them too):", ""]
        lines += [
            f"- {ink.strong(ink.text(p.beat))}: {ink.text(p.message)}"
            for p in sheet.custody_problems
        ]
    return lines


def _held(sheet: SceneSheet, beat: Beat, props: tuple[str, ...], holder: str, ink: Ink) -> str:
    """A holder's props, and the double they go to when one performs the part."""
    text = ", ".join(ink.text(prop) for prop in props)
    by = beat.performed_by(holder)
    return f"{text} ({ink.text(sheet.name_of(by))})" if text and by != holder else text


def shot_list(sheet: SceneSheet, ink: Ink) -> list[str]:
    """Beats grouped by camera setup, setups in the order they first appear."""
    setups: dict[str, list[SheetBeat]] = {}
    for item in sheet.beats:
        setups.setdefault(one_line(item.beat.setup or ""), []).append(item)
    lines = ["Beats by camera setup, in the order each setup first appears:", ""]
    for setup, items in sorted(setups.items(), key=lambda pair: pair[0] == ""):
        ids = ", ".join(ink.text(item.beat.id) for item in items)
        name = f"Setup {ink.text(setup)}" if setup else "No setup"
        lines.append(f"- {ink.strong(name)}: {ids} ({_span(sheet, items)})")
        for item in items:
            beat = item.beat
            line = f"  - {ink.text(beat.id)} ({bar_beat(beat, ink)}) {moves_of(beat, ink)}"
            camera = beat.camera
            lines.append(f"{line.rstrip()}: {ink.text(camera)}" if camera else line.rstrip())
    return lines


def _span(sheet: SceneSheet, items: list[SheetBeat]) -> str:
    """How many beats, and from the first's start to the last's end."""
    count = f"{len(items)} beat{'s' if len(items) != 1 else ''}"
    placed = [item.placed for item in items if item.placed]
    if not placed:
        return count
    first = min(placed, key=lambda p: p.start_seconds)
    last = max(placed, key=lambda p: p.end_seconds)
    return f"{count}, {start_time(sheet, first)} – {end_time(sheet, last)}"


def safety_page(sheet: SceneSheet, ink: Ink) -> list[str]:
    """Every beat the safety page lists, each with who performs it, its weapon, contact,
    distance and safety note (a missing note says so)."""
    listed = [item for item in sheet.beats if item.on_safety_page]
    if not listed:
        return ["No beat with a firearm, a blade, contact, a fall or risk 3 or more."]
    lines = [
        "Every beat with a firearm, a blade, contact, a fall or risk 3 or more (or a move "
        "the vocabulary lacks, whose risk nobody knows), with who really performs it:",
        "",
    ]
    for item in listed:
        beat, spot = item.beat, item.placed
        when = f"{bar_beat(beat, ink)}, {start_time(sheet, spot) if spot else OUTSIDE}"
        why = [*item.hazards, *([f"risk {item.risk}"] if item.risk is not None else [])]
        why += [
            f"{ink.text(name)}: not in the vocabulary, risk unknown" for name in item.unknown_moves
        ]
        headline = f"{ink.strong(ink.text(beat.id))} ({when}) {moves_of(beat, ink)}"
        lines.append(f"- {headline}: {', '.join(why)}")
        lines.append(f"  - Performed by: {_performed_by(sheet, beat, ink)}")
        if item.weapons:
            lines.append(f"  - Weapon: {', '.join(ink.text(w) for w in item.weapons)}")
        distance = DISTANCES[beat.distance] if beat.distance else "distance not given"
        lines.append(f"  - Contact: {'yes' if beat.contact else 'no'}, {distance}")
        missing = ink.strong("MISSING")
        note = ink.text(beat.safety) if beat.safety and beat.safety.strip() else missing
        lines.append(f"  - Safety: {note}")
    return lines


def _performed_by(sheet: SceneSheet, beat: Beat, ink: Ink) -> str:
    """Everyone in the beat as who really performs the part: the actor, or a double."""
    said = []
    for character in beat.everyone():
        by = beat.performed_by(character)
        name = ink.text(sheet.name_of(character))
        if by == character:
            said.append(f"{name} (actor)")
        else:
            said.append(f"{ink.text(sheet.name_of(by))} (double, for {name})")
    return ", ".join(said) if said else "nobody named"
