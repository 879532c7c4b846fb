"""The printed sheet: the beat sheet (or one performer's cue sheet), then cue cards for
the wall, typeset as a PDF by typst, in-process (the ``typst`` package; no download).

The sheet says what the Markdown sheet says, sentence for sentence: its sections are
written once (:func:`~choreo.export.markdown.scene_sections`) in typst's ink
(:data:`~choreo.export.pdf_markup.TYPST`). The intensity is drawn as bars. A cue card is
one performer's beats in one scene, on a page of its own, in the largest type that fits.
"""

from __future__ import annotations

from importlib.resources import files

from choreo.errors import ChoreoError
from choreo.export.markdown import (
    SPEED_MEANING,
    draft_notice,
    own_action,
    own_ballet,
    scene_heading,
    scene_sections,
    sheet_title,
)
from choreo.export.markdown_text import OUTSIDE, bar_beat, performer_name, start_time, time_heading
from choreo.export.pdf_markup import TYPST, escape, string_literal
from choreo.export.sheet import SceneSheet, SheetBeat, speed_label
from choreo.placement import FULL_SPEED

CHART_ROW = 40  # bars in one row of the intensity chart
SHORT_ID = 4  # longer beat ids would crowd the chart: it numbers the bars instead
CARD = "Cue card · "
CARD_FITS = 60  # beats a card may have and still fit one page at 10pt: typst tries sizes
SHEET_PAGE = '#set page(paper: "a4", flipped: true, margin: 1.4cm, footer: page-footer)'
CARD_PAGE = '#set page(paper: "a4", flipped: false, margin: (x: 1.2cm, top: 1.2cm, bottom: 1.5cm))'
DRAFT_MARK = (
    "#set page(background: rotate(-35deg, text(110pt, fill: rgb(176, 0, 32, 28))[#strong[DRAFT]]))"
)


def render_pdf(sheets: list[SceneSheet], cards: list[SceneSheet]) -> bytes:
    """The sheets, then a cue card for each of ``cards`` (a performer's sheet of one scene)."""
    import typst  # only when a PDF is asked for: choreo --help stays light

    try:
        # Untagged: a tagged PDF of the demo is seven times the size (1 MB for 44 pages)
        # and poppler, which prints and reads it on Linux, finds its tags malformed.
        return typst.compile(typst_source(sheets, cards).encode("utf-8"), pdf_tags=False)
    except typst.TypstError as error:  # choreo wrote markup typst refuses: say which part
        raise ChoreoError(f"the PDF could not be typeset: {error.message}") from None


def typst_source(sheets: list[SceneSheet], cards: list[SceneSheet]) -> str:
    """The whole document as typst markup, after the template's look."""
    first = sheets[0]
    several = len(sheets) > 1
    title = sheet_title(first, TYPST, several=several)
    if not several:
        title += f": {escape(first.scene.title)}"
    lines = [
        files("choreo.export").joinpath("pdf_sheet.typ").read_text(encoding="utf-8"),
        f"#set document(title: {string_literal(_plain(first, several))})",
        f"#let page-footer = align(right, text(size: 7pt)[{title} #h(1em) "
        '#context counter(page).display("1 / 1", both: true)])',
    ]
    if any(sheet.check_errors for sheet in sheets):
        lines.append(DRAFT_MARK)
    lines += [SHEET_PAGE, "", f"= {title}", ""]
    if not several:
        lines += _scene_body(first, level=2)
    else:
        if first.speed != FULL_SPEED:
            lines += [f"At {speed_label(first.speed)}: {SPEED_MEANING}.", ""]
        lines += ["#outline(title: [Contents], target: heading.where(level: 2))", ""]
        for number, sheet in enumerate(sheets, start=1):
            lines += ["#pagebreak(weak: true)", f"== {escape(scene_heading(number, sheet))}", ""]
            lines += _scene_body(sheet, level=3)
    if cards:
        lines += ["", CARD_PAGE]
        for card in cards:
            lines += ["", *_cue_card(card)]
    return "\n".join(lines) + "\n"


def _plain(sheet: SceneSheet, several: bool) -> str:
    """The document's title for a PDF reader's window: no markup."""
    if sheet.performer is not None:
        return f"Cue sheet for {sheet.name_of(sheet.performer)}"
    return "Beat sheets" if several else f"Beat sheet: {sheet.scene.title}"


def _scene_body(sheet: SceneSheet, *, level: int) -> list[str]:
    lines: list[str] = []
    notice = draft_notice(sheet, TYPST)
    if notice:
        lines += ["#draft-box[", *notice, "]", ""]
    for heading, section in scene_sections(sheet, TYPST):
        lines += ["", f"{'=' * level} {escape(heading)}", ""] if heading else []
        lines += section
    if sheet.beats:
        lines += ["", f"{'=' * level} Intensity", ""]
        lines += _intensity_chart(sheet)
    return lines


def _intensity_chart(sheet: SceneSheet) -> list[str]:
    """Bars of intensity 1 to 5, labelled by beat id (or #, when ids are long)."""
    beats = sheet.beats
    by_id = all(len(item.beat.id) <= SHORT_ID for item in beats)
    rows = []
    for start in range(0, len(beats), CHART_ROW):
        chunk = beats[start : start + CHART_ROW]
        labels = [string_literal(item.beat.id if by_id else str(item.number)) for item in chunk]
        values = [str(max(1, min(5, item.beat.intensity))) for item in chunk]
        rows.append(f"(({', '.join(labels)},), ({', '.join(values)},))")
    said = "beat id" if by_id else "beat's #"
    return [
        f"Intensity 1 to 5, one bar per beat, each with its {escape(said)}:",
        "",
        f"#intensity-chart({CHART_ROW}, ({', '.join(rows)},))",
    ]


# -- cue cards ------------------------------------------------------------------------


def _cue_card(card: SceneSheet) -> list[str]:
    """One performer's beats in one scene: big type, their moves, partners and safety."""
    performer = card.performer or ""
    name = escape(card.name_of(performer))
    doubled = card.doubled()
    if doubled:
        name += ", doubling " + ", ".join(escape(card.name_of(who)) for who in doubled)
    about = [f"{CARD}{escape(card.scene.title)}"]
    if card.speed != FULL_SPEED:
        about.append(f"{speed_label(card.speed)}: rehearsal time, not picture timecode")
    if card.check_errors:
        about.append("#text(fill: danger)[#strong[DRAFT]: check finds errors in this scene]")
    fit = "true" if len(card.beats) <= CARD_FITS else "false"
    footer = f"{name} #sym.dot.c {escape(card.scene.id)}"
    lines = [
        # A page of its own, whose footer says whose card it is and of which scene.
        f"#set page(footer: align(right, text(size: 7pt)[{footer}]))",
        f"#cue-card(fit: {fit}, size => [",
        "#set text(size: size)",
        f"#text(size: 0.6em)[{' · '.join(about)}]",
        "",
        f'#text(size: 1.7em, weight: "bold")[{name}]',
        "",
        "#table(",
        "  columns: (auto, auto, auto, 3fr, 2fr),",
        "  stroke: (x, y) => (bottom: 0.5pt + rule-grey),",
        "  inset: (x: 0.3em, y: 0.35em),",
        "  table.header("
        + ", ".join(f"[#strong[{escape(h)}]]" for h in _card_columns(card))
        + "),",
    ]
    for item in card.beats:
        lines.append("  " + ", ".join(f"[{cell}]" for cell in _card_row(card, item)) + ",")
        note = _card_note(card, item)
        if note:
            lines.append(f"  table.cell(colspan: 5, text(size: 0.85em)[{note}]),")
    return [*lines, ")", "])"]


def _card_columns(card: SceneSheet) -> tuple[str, ...]:
    return ("bar:beat", "count", time_heading(card), "you", "with")


def _card_row(card: SceneSheet, item: SheetBeat) -> list[str]:
    beat, spot = item.beat, item.placed
    moves = " / ".join(move for move in (own_ballet(item, TYPST), own_action(item, TYPST)) if move)
    if beat.hit:
        moves += " #text(fill: danger)[#strong[HIT]]"
    if item.part is not None and item.part != card.performer:
        moves += f" (as {escape(card.name_of(item.part))})"
    partners = ", ".join(performer_name(card, beat, who, TYPST) for who in card.partners(item))
    return [
        bar_beat(beat, TYPST),
        str(spot.counts) if spot else "—",
        start_time(card, spot) if spot else OUTSIDE,
        moves,
        partners,
    ]


def _card_note(card: SceneSheet, item: SheetBeat) -> str:
    """Under the beat, in red: its safety note, its weapon, and who really performs it."""
    beat = item.beat
    said = []
    if beat.safety and beat.safety.strip():
        said.append(f"#strong[Safety:] {escape(beat.safety)}")
    if item.weapons:
        said.append(f"#strong[Weapon:] {', '.join(escape(w) for w in item.weapons)}")
    by = beat.performed_by(item.part) if item.part is not None else card.performer
    if by not in (item.part, card.performer):  # the double does it, not this performer
        said.append(f"#strong[{escape(card.name_of(by or ''))}] performs it")
    return f"#text(fill: danger)[{' · '.join(said)}]" if said else ""
