"""The beat sheet as a table: one row per beat, the columns a person chose (``v``), each as
wide as its contents when the screen allows.

A scene of thousands of beats stays quick to open and to edit: the table draws only the
lines on screen, a beat's row is built once (beats are never changed in place), an edit
builds only the rows of the beats it made, and the column widths follow the contents
through a count of the cells' widths per column, kept up to date by the rows that changed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import ClassVar, Literal

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.strip import Strip

from choreo.model import PALETTE_COLOURS, Beat, Scene
from choreo.placement import Placement
from choreo.timing import MeasureMap, OutsideScore
from choreo.tui.widgets.scrolling import SelfSizedScrollView
from choreo.vocabulary import Kind, Vocabulary

# Intensity 1..5 from a calm blue to an all-out red.
INTENSITY_COLOURS = ("#5f87af", "#5faf87", "#d7af00", "#ff8700", "#e0303a")
NO_PALETTE_COLOUR = "#9a9aa8"
UNKNOWN_MOVE_STYLE = "italic #d7af00"
UNPLACED_STYLE = "bold #e0303a"

Cell = tuple[str, str]  # text and its rich style
LINES_KEPT = 2048  # drawn lines kept: a few screenfuls


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    label: str
    # When the screen is too narrow for all of it, text is cut short (…): free text first
    # (1), then moves and performers (2); 0 is never cut.
    cut: int
    chosen: bool = True  # ``v`` shows or hides it; the others are always there
    # The label where the column is narrower than ``label`` ("bar", not "bar…"): a column
    # whose cells are narrower still is widened to it.
    short: str = ""

    @property
    def least_label(self) -> str:
        return self.short or self.label

    def heading(self, width: int) -> str:
        """The label that fits ``width`` cells, cut short only when even the short one
        does not."""
        text = self.label if cell_len(self.label) <= width else self.least_label
        return _fit(text, width)


COLUMNS: tuple[Column, ...] = (
    Column("number", "#", cut=0, chosen=False),
    Column("at", "bar:beat", cut=0, chosen=False, short="bar"),
    Column("counts", "count", cut=0, short="cnt"),
    Column("timecode", "timecode", cut=0, short="tc"),
    Column("ballet", "ballet", cut=2),
    Column("combat", "combat", cut=2),
    Column("performers", "performers", cut=2, short="who"),
    Column("roles", "attacker → partner", cut=1, short="att → ptr"),
    Column("weapon", "weapon", cut=1),
    Column("intensity", "intensity", cut=0, short="int"),
    Column("hit", "hit", cut=0, short="✶"),
    Column("status", "status", cut=0),
    Column("cue", "cue", cut=1),
    Column("camera", "camera", cut=1, short="cam"),
    Column("position", "position · setup", cut=1, short="where"),
    Column("safety", "safety", cut=1),
)
COLUMN_KEYS = tuple(column.key for column in COLUMNS)
SHOWN_AT_FIRST = ("number", "at", "counts", "timecode", "ballet", "combat", "performers",
                  "intensity", "hit")  # fmt: skip
NARROWEST_CUT = 6  # a cut column keeps at least this many cells (with its …)


@dataclass(frozen=True, slots=True)
class BeatRow:
    """What one beat's row shows but its number; two rows compare equal when they look
    the same."""

    beat_id: str
    cells: tuple[Cell, ...]  # one for each of COLUMNS[1:]
    widths: tuple[int, ...]  # each cell's width on screen


def _width(text: str) -> int:
    return len(text) if text.isascii() else cell_len(text)


def _widths(cells: tuple[Cell, ...]) -> tuple[int, ...]:
    return tuple(_width(text) for text, _style in cells)


TIME_CELLS = 3  # bar:beat, count and timecode come first


def _place(beat: Beat) -> tuple[object, ...]:
    """What a beat's time cells show: the same for every beat there."""
    return (beat.at, beat.pass_number, beat.hit)


def _only_moved(was: Beat, beat: Beat) -> bool:
    """True when ``beat`` is ``was`` moved in time: every other field the same (timing
    edits copy a beat with a new ``at``, so the comparison finds the same objects)."""
    now = beat.__dict__
    return now == {**was.__dict__, "at": now["at"], "pass_number": now["pass_number"]}


def changed_span(old: Sequence[object], new: Sequence[object]) -> tuple[int, int, int]:
    """Where two lists stop being the same objects: ``old[start:old_end]`` became
    ``new[start:new_end]``, and everything before and after is shared."""
    limit = min(len(old), len(new))
    start = 0
    while start < limit and old[start] is new[start]:
        start += 1
    old_end, new_end = len(old), len(new)
    while old_end > start and new_end > start and old[old_end - 1] is new[new_end - 1]:
        old_end -= 1
        new_end -= 1
    return start, old_end, new_end


class BeatRows:
    """Rows for a scene's beats. A beat's row is built once and reused while the beat is
    unchanged (beats are never changed in place), so an edit builds only the rows of the
    beats it made and the list of rows is mostly copied from the one before."""

    def __init__(self) -> None:
        self._context: tuple[object, ...] | None = None
        self._cache: dict[int, tuple[Beat, BeatRow]] = {}
        self._beats: list[Beat] = []
        self._rows: list[BeatRow] = []
        self.colour = NO_PALETTE_COLOUR  # the scene's palette: row numbers and hits
        self._vocabulary = Vocabulary.bundled()
        self._placement: Placement | None = None
        self._times: dict[tuple[object, ...], tuple[tuple[Cell, ...], tuple[int, ...]]] = {}
        self._names: dict[str, str] = {}  # how a performer is named in the moves cells

    def rows(
        self, scene: Scene, measures: MeasureMap | None, vocabulary: Vocabulary
    ) -> list[BeatRow]:
        context = (id(measures), id(vocabulary), scene.palette, scene.score.start,
                   scene.score.fps, scene.cast, scene.score.phrase)  # fmt: skip
        if context != self._context:
            self._context = context
            self._names = {member.id: shortest(member.id, member.name) for member in scene.cast}
            self._cache.clear()
            self._times.clear()
            self._beats, self._rows = [], []
            self.colour = PALETTE_COLOURS.get(scene.palette or "", NO_PALETTE_COLOUR)
            self._vocabulary = vocabulary
            self._placement = Placement.of(scene, measures) if measures is not None else None
        beats = list(scene.beats)
        start, old_end, new_end = changed_span(self._beats, beats)
        if old_end - start == new_end - start:  # the same rows, some beats changed
            made = [
                self._row(beat, was, row)
                for beat, was, row in zip(beats[start:new_end], self._beats[start:old_end],
                                          self._rows[start:old_end], strict=True)
            ]  # fmt: skip
        else:
            made = [self._row(beat) for beat in beats[start:new_end]]
        rows = [*self._rows[:start], *made, *self._rows[old_end:]]
        self._beats, self._rows = beats, rows
        if len(self._cache) > 2 * len(rows) + 64:
            live = {id(beat) for beat in beats}
            self._cache = {key: value for key, value in self._cache.items() if key in live}
        if len(self._times) > 4 * len(rows) + 64:
            places = {_place(beat) for beat in beats}
            self._times = {key: value for key, value in self._times.items() if key in places}
        return rows

    def _row(self, beat: Beat, was: Beat | None = None, row: BeatRow | None = None) -> BeatRow:
        """The beat's row: the one built before when it is the same beat (an undone delete
        gets its row back); the row of the beat it replaced with new times when only its
        place in time changed (a nudge, a ripple); else a new one."""
        cached = self._cache.get(id(beat))
        if cached is None or cached[0] is not beat:
            time_cells, time_widths = self._time_cells(beat)
            if was is not None and row is not None and _only_moved(was, beat):
                cells, widths = row.cells[TIME_CELLS:], row.widths[TIME_CELLS:]
            else:
                cells = self._other_cells(beat)
                widths = _widths(cells)
            made = BeatRow(beat.id, time_cells + cells, time_widths + widths)
            cached = (beat, made)
            self._cache[id(beat)] = cached
        return cached[1]

    def _time_cells(self, beat: Beat) -> tuple[tuple[Cell, ...], tuple[int, ...]]:
        """The cells of a beat's place in time (bar:beat, count and timecode) and their
        widths, the same for every beat there: a ripple moves beats onto places other
        beats had, so most are made already."""
        where = _place(beat)
        known = self._times.get(where)
        if known is None:
            at_style = f"bold {self.colour}" if beat.hit else ""
            counts, timecode = self._time_of(beat)
            if timecode is None:
                at_style = UNPLACED_STYLE
            cells = (
                (str(beat.at) + (f"×{beat.pass_number}" if beat.pass_number else ""), at_style),
                (counts, "dim" if timecode is None else ""),
                (timecode or "outside", UNPLACED_STYLE if timecode is None else ""),
            )
            known = (cells, _widths(cells))
            self._times[where] = known
        return known

    def _other_cells(self, beat: Beat) -> tuple[Cell, ...]:
        """The cells after the time cells, in the order of COLUMNS."""
        intensity = max(1, min(beat.intensity, 5))
        roles = " → ".join(who for who in (beat.attacker, beat.partner) if who)
        where = " · ".join(part for part in (beat.position, beat.travel, beat.setup) if part)
        return (
            self._moves(beat, "ballet"),
            self._moves(beat, "combat"),
            (", ".join(beat.performers), ""),
            (roles, ""),
            (beat.weapon or "", ""),
            (
                "▮" * intensity + "▯" * (5 - intensity) + f" {beat.intensity}",
                INTENSITY_COLOURS[intensity - 1],
            ),
            ("✶" if beat.hit else "", f"bold {self.colour}"),
            (beat.status, "dim" if beat.status == "idea" else ""),
            (str(beat.cue) if beat.cue else "", ""),
            (beat.camera or "", ""),
            (where, ""),
            (beat.safety or "", "#d7af00"),
        )

    def _time_of(self, beat: Beat) -> tuple[str, str | None]:
        """Count and timecode of the beat's place (no timecode: outside the score)."""
        if self._placement is None:
            return "…", "…"
        try:
            placed = self._placement.place(beat)
        except OutsideScore:
            return "", None
        return str(placed.counts), str(placed.timecode)

    def _moves(self, beat: Beat, column: Literal["ballet", "combat"]) -> Cell:
        """A moves cell: each performer's own moves where the beat gives them, compactly
        ("Eve: kick · guard1: head snap"; reactions share the combat column), else the
        beat's headline move. A headline no action names stays in front, the attacker's
        when they have no move of their own here ("Kessler: pistol aim · Eve: head snap")."""
        kinds: tuple[Kind, ...] = ("ballet",) if column == "ballet" else ("combat", "reaction")
        headline = beat.ballet if column == "ballet" else beat.combat
        named: list[tuple[str | None, list[tuple[str, Kind]]]] = [
            (action.performer, moves)
            for action in beat.actions
            if (moves := [(name, kind) for kind in kinds if (name := getattr(action, kind))])
        ]
        if not named:
            return self._move(headline, column)
        if headline and all(name != headline for _, moves in named for name, _ in moves):
            owner = beat.attacker if beat.attacker not in {p for p, _ in named} else None
            named.insert(0, (owner, [(headline, column)]))
        text = " · ".join(
            ("" if performer is None else f"{self._names.get(performer, performer)}: ")
            + "/".join(name for name, _ in moves)
            for performer, moves in named
        )
        known = all(
            self._vocabulary.lookup(name, kind) is not None
            for _, moves in named
            for name, kind in moves
        )
        return (text, "" if known else UNKNOWN_MOVE_STYLE)

    def _move(self, name: str | None, kind: Kind) -> Cell:
        if not name:
            return ("", "")
        known = self._vocabulary.lookup(name, kind)
        return (name, "" if known is not None else UNKNOWN_MOVE_STYLE)


def fitted_widths(
    wanted: Sequence[int], least: Sequence[int], cut: Sequence[int], room: int
) -> list[int]:
    """Column widths (each with the one cell that separates it from the one before) that
    fit in ``room``: first labels wider than their column's cells give way (to ``least``,
    the widest cell), then the columns that may be cut give way, free text before moves
    (``cut`` 1, then 2), the widest first, one cell at a time, down to
    :data:`NARROWEST_CUT`. With room to spare every column is as wide as it wants."""
    widths = list(wanted)
    over = sum(width + 1 for width in widths) - room
    for i, width in enumerate(widths):
        if over <= 0:
            break
        spare = min(width - max(least[i], 1), over)
        if spare > 0:
            widths[i] -= spare
            over -= spare
    for level in (1, 2):
        while over > 0:
            shrinkable = [
                i for i, width in enumerate(widths) if cut[i] == level and width > NARROWEST_CUT
            ]
            if not shrinkable:
                break
            widest = max(shrinkable, key=lambda i: widths[i])
            widths[widest] -= 1
            over -= 1
    return widths


def shortest(performer: str, name: str) -> str:
    """A performer as the moves cells name them: the shorter of cast id and name (the
    name when they are as long)."""
    return name if len(name) <= len(performer) else performer


@lru_cache(maxsize=256)
def _style(text: str) -> Style:
    return Style.parse(text) if text else Style()


def _fit(text: str, width: int) -> str:
    """``text`` in exactly ``width`` cells: padded, or cut short with an ellipsis."""
    length = cell_len(text)
    if length <= width:
        return text + " " * (width - length)
    if width <= 1:
        return "…"[:width]
    return set_cell_size(text, width - 1) + "…"


class BeatTable(SelfSizedScrollView, can_focus=True):
    """The beat sheet: a row per beat in sheet order; the cursor is the selected beat.

    Add, delete and move are the editor screen's keys; enter and escape (in the form it
    means "back to the table") are the table's own, so the footer can show them. Only the
    lines on screen are drawn, each kept until its row, its place, the cursor or the
    column widths change.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "screen.edit_beat", "Edit", id="edit-beat",
                tooltip="Edit the beat in the form (escape comes back to the table)"),
        Binding("escape", "screen.scene_list", "Scenes", id="scene-list", show=False,
                tooltip="Back to the scene list of the scene's folder, asking first when "
                "there are unsaved edits"),
        Binding("up", "cursor_by(-1)", "Up", id="beat-up", show=False,
                tooltip="The beat before"),
        Binding("down", "cursor_by(1)", "Down", id="beat-down", show=False,
                tooltip="The beat after"),
        Binding("pageup", "page(-1)", "Page up", id="beats-page-up", show=False,
                tooltip="A screenful of beats earlier"),
        Binding("pagedown", "page(1)", "Page down", id="beats-page-down", show=False,
                tooltip="A screenful of beats later"),
        Binding("home,ctrl+home", "cursor_to(0)", "First", id="first-beat", show=False,
                tooltip="The first beat of the sheet"),
        Binding("end,ctrl+end", "cursor_to(-1)", "Last", id="last-beat", show=False,
                tooltip="The last beat of the sheet"),
    ]  # fmt: skip

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "beat-table--header",
        "beat-table--cursor",
        "beat-table--even-row",
        "beat-table--odd-row",
    }

    class _RowMessage(Message):
        """Something happened at a row of the table."""

        def __init__(self, table: BeatTable, cursor_row: int) -> None:
            super().__init__()
            self.table = table
            self.cursor_row = cursor_row

        @property
        def control(self) -> BeatTable:
            return self.table

    class RowHighlighted(_RowMessage):
        """The cursor moved to another row."""

    class RowSelected(_RowMessage):
        """A click on the row under the cursor: the beat is to be edited."""

    def __init__(self, *, id: str | None = None, shown: Iterable[str] = SHOWN_AT_FIRST) -> None:
        super().__init__(id=id)
        self._rows: list[BeatRow] = []
        self.cursor_row = 0
        self._number_style = NO_PALETTE_COLOUR
        self.shown: tuple[str, ...] = ()
        # How many cells of each width each column holds: the widest is what it wants.
        self._cell_widths: list[Counter[int]] = [Counter() for _ in COLUMNS[1:]]
        self._layout: list[tuple[int, int]] = []  # shown columns: index in COLUMNS, width
        self._layout_for: tuple[object, ...] | None = None
        self._lines: dict[tuple[object, ...], tuple[BeatRow | None, Strip]] = {}
        self.show_columns(shown)

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._lines.clear())

    @property
    def row_count(self) -> int:
        return len(self._rows)

    @property
    def rows(self) -> list[BeatRow]:
        return self._rows

    def cell(self, index: int, key: str) -> str:
        """The text of row ``index``'s cell in column ``key``, as the row holds it."""
        if key == "number":
            return str(index + 1)
        return self._rows[index].cells[COLUMN_KEYS.index(key) - 1][0]

    # -- what is shown -----------------------------------------------------------------
    def show_columns(self, keys: Iterable[str]) -> None:
        """Show these columns (in the table's own order); number and bar:beat always."""
        wanted = set(keys)
        self.shown = tuple(c.key for c in COLUMNS if c.key in wanted or not c.chosen)
        self._layout_for = None
        self.refresh()

    def show_rows(
        self, rows: list[BeatRow], cursor: int | None = None, *, numbers: str = NO_PALETTE_COLOUR
    ) -> None:
        """Show these rows: only the widths of the rows that changed are counted again,
        and only the lines on screen are drawn."""
        old = self._rows
        start, old_end, new_end = changed_span(old, rows)
        if old_end - start == new_end - start:  # rows replaced: most look as wide as before
            for was, row in zip(old[start:old_end], rows[start:new_end], strict=True):
                if was.widths != row.widths:
                    self._count(was, -1)
                    self._count(row, 1)
        else:
            for row in old[start:old_end]:
                self._count(row, -1)
            for row in rows[start:new_end]:
                self._count(row, 1)
        self._rows = rows
        redraw = numbers != self._number_style
        if redraw:
            self._number_style = numbers
            self._lines.clear()
        if len(old) != len(rows):
            self._scroll_through(Size(self.virtual_size.width, len(rows) + 1))
        if self._fit_columns(self.scrollable_content_region.width) or redraw:
            self.refresh()
        else:  # only the lines of the rows that changed (all below, when rows came or went)
            self._refresh_rows(start, new_end if old_end == new_end else len(rows) + 1)
        if cursor is not None and rows:
            self.move_cursor(row=cursor)
        elif self.cursor_row >= len(rows):
            self.move_cursor(row=len(rows) - 1)

    def _count(self, row: BeatRow, step: int) -> None:
        for counts, width in zip(self._cell_widths, row.widths, strict=True):
            counts[width] += step
            if step < 0 and not counts[width]:
                del counts[width]

    def _refresh_rows(self, first: int, end: int) -> None:
        """Draw again the lines of rows ``first`` to ``end`` (not included) in sight."""
        top = round(self.scroll_offset.y)
        first, end = max(first, top), min(end, top + self._rows_in_sight())
        if first < end:
            self.refresh_lines(first + 1, end - first)  # the header is line 0

    # -- the cursor --------------------------------------------------------------------
    def move_cursor(self, *, row: int, animate: bool = False) -> None:
        """Put the cursor on ``row`` (kept in the table) and in sight."""
        del animate  # DataTable's signature, which the editor's callers use; never animated
        row = max(0, min(row, len(self._rows) - 1))
        was, top = self.cursor_row, self.scroll_offset.y
        self.cursor_row = row
        self._keep_cursor_in_sight()
        if row != was:
            if self.scroll_offset.y == top:  # the two rows' lines; a scroll draws them all
                self._refresh_rows(was, was + 1)
                self._refresh_rows(row, row + 1)
            self.post_message(self.RowHighlighted(self, row))

    def _rows_in_sight(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)  # the header takes a line

    def _keep_cursor_in_sight(self) -> None:
        top, rows = round(self.scroll_offset.y), self._rows_in_sight()
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False, immediate=True)
        elif self.cursor_row >= top + rows:
            self.scroll_to(y=self.cursor_row - rows + 1, animate=False, immediate=True)

    def action_cursor_by(self, step: int) -> None:
        self.move_cursor(row=self.cursor_row + step)

    def action_page(self, direction: int) -> None:
        self.move_cursor(row=self.cursor_row + direction * self._rows_in_sight())

    def action_cursor_to(self, row: int) -> None:
        self.move_cursor(row=row if row >= 0 else len(self._rows) - 1)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y < 1:
            return
        row = round(self.scroll_offset.y) + offset.y - 1
        if row >= len(self._rows):
            return
        if row == self.cursor_row:
            self.post_message(self.RowSelected(self, row))
        else:
            self.move_cursor(row=row)

    def on_resize(self) -> None:
        self._keep_cursor_in_sight()

    def _on_focus(self, event: events.Focus) -> None:
        super()._on_focus(event)
        self._refresh_rows(self.cursor_row, self.cursor_row + 1)  # its look follows focus

    def _on_blur(self, event: events.Blur) -> None:
        super()._on_blur(event)
        self._refresh_rows(self.cursor_row, self.cursor_row + 1)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._lines.clear()

    # -- drawing -----------------------------------------------------------------------
    def _fit_columns(self, room: int) -> bool:
        """Each shown column as wide as its widest cell (or label), cut to fit ``room``;
        True when that changed the columns (every line is drawn again)."""
        least: list[int] = []  # the widest cell of each, or its short label
        for key in self.shown:
            index = COLUMN_KEYS.index(key)
            if index == 0:
                widest = len(str(max(len(self._rows), 1)))
            else:
                counts = self._cell_widths[index - 1]
                widest = max(counts) if counts else 0
            least.append(max(widest, cell_len(COLUMNS[index].least_label)))
        fitted_for = (room, self.shown, tuple(least))
        if fitted_for == self._layout_for:
            return False
        columns = [COLUMNS[COLUMN_KEYS.index(k)] for k in self.shown]
        wanted = [max(w, cell_len(c.label)) for w, c in zip(least, columns, strict=True)]
        widths = fitted_widths(wanted, least, [c.cut for c in columns], room)
        self._layout = [
            (COLUMN_KEYS.index(k), width) for k, width in zip(self.shown, widths, strict=True)
        ]
        self._layout_for = fitted_for
        self._lines.clear()
        total = sum(width + 1 for width in widths)
        self._scroll_through(Size(total, len(self._rows) + 1))
        return True

    def _scroll_through(self, size: Size) -> None:
        """Set what the scrollbars scroll through. The table's own size is the screen's
        to give, so this moves only the scrollbars, not every widget on the screen (a
        scrollbar that comes or goes still asks for a layout pass of its own)."""
        if size == self.virtual_size:
            return
        self.set_reactive(BeatTable.virtual_size, size)
        if self.container_size:  # laid out already; else the first layout does this
            self._scroll_update(size)
        self.refresh()

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if self._layout_for is None or self._layout_for[0] != width:  # else fitted as rows came
            self._fit_columns(width)
        if y == 0:
            line = self._header_line()
        else:
            index = round(self.scroll_offset.y) + y - 1
            line = (
                self._row_line(index)
                if index < len(self._rows)
                else Strip.blank(width, self.rich_style)
            )
        return line.crop_extend(0, width, self.rich_style)

    def _header_line(self) -> Strip:
        key = ("header",)
        kept = self._lines.get(key)
        if kept is not None:
            return kept[1]
        style = self.rich_style + self.get_component_rich_style("beat-table--header")
        text = "".join(" " + COLUMNS[index].heading(width) for index, width in self._layout)
        line = Strip([Segment(text, style)], cell_len(text))
        self._lines[key] = (None, line)
        return line

    def _row_line(self, index: int) -> Strip:
        row = self._rows[index]
        cursor = index == self.cursor_row
        key = (index, id(row), cursor and (self.has_focus or "blurred"))
        kept = self._lines.get(key)
        if kept is not None and kept[0] is row:
            return kept[1]
        stripe = "beat-table--even-row" if index % 2 == 0 else "beat-table--odd-row"
        base = self.rich_style + self.get_component_rich_style(stripe)
        over = self.get_component_rich_style("beat-table--cursor") if cursor else None
        segments: list[Segment] = []
        length = 0
        for column, width in self._layout:
            text, style = (
                (str(index + 1), self._number_style) if column == 0 else (row.cells[column - 1])
            )
            cell_style = base + _style(style)
            if over is not None:
                cell_style += over
            segments.append(Segment(" ", base if over is None else base + over))
            segments.append(Segment(_fit(text, width), cell_style))
            length += width + 1
        line = Strip(segments, length)
        if len(self._lines) >= LINES_KEPT:
            self._lines.clear()
        self._lines[key] = (row, line)
        return line
