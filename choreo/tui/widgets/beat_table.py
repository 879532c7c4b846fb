"""The beat sheet as a table: one row per beat, updated cell by cell as beats change.

A scene of thousands of beats stays quick to edit because an edit touches only what it
changed: rows are matched by identity (beats are never changed in place), the number
column is drawn from each row's place rather than stored in it, and a cell once drawn is
kept until its value, place or look changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.coordinate import Coordinate
from textual.widgets import DataTable
from textual.widgets._data_table import RowRenderables  # for the drawing hooks below
from textual.widgets.data_table import RowKey

from choreo.model import PALETTE_COLOURS, Beat, Scene
from choreo.placement import Placement
from choreo.timing import MeasureMap, OutsideScore
from choreo.vocabulary import Vocabulary

# Intensity 1..5 from a calm blue to an all-out red.
INTENSITY_COLOURS = ("#5f87af", "#5faf87", "#d7af00", "#ff8700", "#e0303a")
NO_PALETTE_COLOUR = "#9a9aa8"
UNKNOWN_MOVE_STYLE = "italic #d7af00"
UNPLACED_STYLE = "bold #e0303a"

Cell = tuple[str, str]  # text and its rich style
DRAWN_CELLS_KEPT = 4096


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    label: str
    width: int


# Widths include the one space that separates a column from the one before it.
COLUMNS: tuple[Column, ...] = (
    Column("number", "#", 4),
    Column("at", "bar:beat", 9),
    Column("counts", "count", 6),
    Column("timecode", "timecode", 12),
    Column("ballet", "ballet", 13),
    Column("combat", "combat", 13),
    Column("performers", "performers", 11),
    Column("intensity", "intensity", 10),
    Column("hit", "hit", 4),
)


@dataclass(frozen=True, slots=True)
class BeatRow:
    """What one beat's row shows but its number; two rows compare equal when they look
    the same."""

    beat_id: str
    cells: tuple[Cell, ...]  # one for each of COLUMNS[1:]


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

    def rows(
        self, scene: Scene, measures: MeasureMap | None, vocabulary: Vocabulary
    ) -> list[BeatRow]:
        context = (id(measures), id(vocabulary), scene.palette, scene.score.start,
                   scene.score.fps)  # fmt: skip
        if context != self._context:
            self._context = context
            self._cache.clear()
            self._beats, self._rows = [], []
            self.colour = PALETTE_COLOURS.get(scene.palette or "", NO_PALETTE_COLOUR)
            self._vocabulary = vocabulary
            self._placement = Placement.of(scene, measures) if measures is not None else None
        beats = list(scene.beats)
        start, old_end, new_end = changed_span(self._beats, beats)
        made = [self._row(beat) for beat in beats[start:new_end]]
        rows = [*self._rows[:start], *made, *self._rows[old_end:]]
        self._beats, self._rows = beats, rows
        if len(self._cache) > 2 * len(rows) + 64:
            live = {id(beat) for beat in beats}
            self._cache = {key: value for key, value in self._cache.items() if key in live}
        return rows

    def _row(self, beat: Beat) -> BeatRow:
        """The beat's row: the one built before when it is the same beat (an undone delete
        gets its row back), else a new one."""
        cached = self._cache.get(id(beat))
        if cached is None or cached[0] is not beat:
            cached = (beat, BeatRow(beat.id, self._cells(beat)))
            self._cache[id(beat)] = cached
        return cached[1]

    def _cells(self, beat: Beat) -> tuple[Cell, ...]:
        """Every cell of a beat's row but its number."""
        at_style = f"bold {self.colour}" if beat.hit else ""
        counts, timecode = self._time_of(beat)
        if timecode is None:
            at_style = UNPLACED_STYLE
        intensity = max(1, min(beat.intensity, 5))
        return (
            (str(beat.at) + (f"×{beat.pass_number}" if beat.pass_number else ""), at_style),
            (counts, "dim" if timecode is None else ""),
            (timecode or "outside", UNPLACED_STYLE if timecode is None else ""),
            self._move(beat.ballet, "ballet"),
            self._move(beat.combat, "combat"),
            (", ".join(beat.performers), ""),
            (
                "▮" * intensity + "▯" * (5 - intensity) + f" {beat.intensity}",
                INTENSITY_COLOURS[intensity - 1],
            ),
            ("✶" if beat.hit else "", f"bold {self.colour}"),
        )

    def _time_of(self, beat: Beat) -> tuple[str, str | None]:
        if self._placement is None:
            return "…", "…"
        try:
            placed = self._placement.place(beat)
        except OutsideScore:
            return "", None
        return str(placed.counts), str(placed.timecode)

    def _move(self, name: str | None, kind: str) -> Cell:
        if not name:
            return ("", "")
        known = self._vocabulary.lookup(name, "ballet" if kind == "ballet" else "combat")
        return (name, "" if known is not None else UNKNOWN_MOVE_STYLE)


def cell_text(cell: Cell) -> Text:
    text, style = cell
    return Text(" " + text, style=style, no_wrap=True, overflow="ellipsis")


def draw_plain_cell(text: Text, style: Style, width: int, console: Console) -> list[Segment]:
    """One line of text in a cell ``width`` wide, outside the cursor: the segments
    DataTable draws for it through three layers of rich renderables (its own styled
    padding around the text), made directly and six times as fast."""
    line = text.copy()
    line.truncate(width, overflow=text.overflow or "fold")
    segments = list(Text("\n").join([line]).render(console))  # the text's style as a span
    if line.cell_len < width:
        segments.append(Segment(" " * (width - line.cell_len)))
    return list(Segment.apply_style(segments, style))


class RowNumber:
    """The number column's value: the table writes each row's place in the sheet into
    it as it draws, so adding or deleting a beat never rewrites the rows below."""

    __slots__ = ("style",)

    def __init__(self, style: str) -> None:
        self.style = style

    def __rich__(self) -> Text:
        return Text("")

    def at(self, row_index: int) -> Text:
        return cell_text((str(row_index + 1), self.style))


TableCell = Text | RowNumber


class BeatTable(DataTable[TableCell]):
    """The beat sheet: a row per beat in sheet order; the cursor is the selected beat.

    Add, delete and move are the editor screen's keys; enter (a DataTable takes enter
    first) and escape (in the form it means "back to the table") are the table's own, so
    the footer can show them.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "screen.edit_beat", "Edit", id="edit-beat",
                tooltip="Edit the beat in the form (escape comes back to the table)"),
        Binding("escape", "screen.scene_list", "Scenes", id="scene-list", show=False,
                tooltip="Back to the scene list of the scene's folder, asking first when "
                "there are unsaved edits"),
    ]  # fmt: skip

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True, cell_padding=0)
        self._rows: list[BeatRow] = []
        self._keys: list[RowKey] = []  # the table's row keys in sheet order
        self._numbers: list[RowNumber] = []  # each row's number cell, in sheet order
        self._number_style = NO_PALETTE_COLOUR
        # Cells as drawn, by place and look, with the value drawn. DataTable forgets every
        # drawn cell on any change to any cell, or when focus comes or goes; redrawing
        # the screenful of cells is most of a keystroke's time on a long scene.
        self._drawn: dict[tuple[object, ...], tuple[TableCell, list[list[Segment]]]] = {}

    def on_mount(self) -> None:
        for column in COLUMNS:
            self.add_column(f" {column.label}", width=column.width, key=column.key)
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._drawn.clear())

    def show_rows(
        self, rows: list[BeatRow], cursor: int | None = None, *, numbers: str = NO_PALETTE_COLOUR
    ) -> None:
        """Show these rows, touching as little of the table as it takes.

        Rows are matched by identity: the cells that changed in rows that changed; one row
        added or removed; anything else (a new palette for the numbers, a reload) builds
        the table again.
        """
        old = self._rows
        start, old_end, new_end = changed_span(old, rows)
        if numbers != self._number_style or len(self._keys) != len(old):
            self._rebuild(rows, numbers)
        elif old_end - start == new_end - start:
            for position in range(start, new_end):
                self._update_row(position, old[position], rows[position])
        elif old_end == start and new_end == start + 1:
            self._insert_row(start, rows[start])
        elif new_end == start and old_end == start + 1:
            self.remove_row(self._keys.pop(start))
            self._numbers.pop(start)
        else:
            self._rebuild(rows, numbers)
        self._rows = rows
        if cursor is not None and rows:
            self.move_cursor(row=max(0, min(cursor, len(rows) - 1)), animate=False)

    def _rebuild(self, rows: list[BeatRow], numbers: str) -> None:
        self.clear()
        self._drawn.clear()
        self._number_style = numbers
        self._numbers = [RowNumber(numbers) for _ in rows]
        self._keys = self.add_rows(
            [number, *[cell_text(cell) for cell in row.cells]]
            for number, row in zip(self._numbers, rows, strict=True)
        )

    def _insert_row(self, index: int, row: BeatRow) -> None:
        """DataTable appends rows only: append the new row, then sort it into its place."""
        number = RowNumber(self._number_style)
        key = self.add_row(number, *[cell_text(cell) for cell in row.cells])
        self._keys.insert(index, key)
        self._numbers.insert(index, number)
        if index < len(self._keys) - 1:
            order = {id(cell): position for position, cell in enumerate(self._numbers)}
            self.sort("number", key=lambda cell: order[id(cell)])

    def _update_row(self, position: int, was: BeatRow, row: BeatRow) -> None:
        if was == row:
            return
        for column, was_cell, cell in zip(COLUMNS[1:], was.cells, row.cells, strict=True):
            if was_cell != cell:
                self.update_cell(self._keys[position], column.key, cell_text(cell))

    # -- drawing: two hooks into DataTable's drawing (Textual 8 internals; the tests
    # compare what they draw with DataTable's own) ---------------------------------------
    def _compute_row_renderables(self, row_index: int) -> RowRenderables:
        """Each row's number is its place in the sheet."""
        renderables = super()._compute_row_renderables(row_index)
        cells = renderables.cells
        if row_index >= 0 and cells and row_index < len(self._numbers):
            cells[0] = self._numbers[row_index].at(row_index)
        return renderables

    def _render_cell(
        self,
        row_index: int,
        column_index: int,
        base_style: Style,
        width: int,
        cursor: bool = False,
        hover: bool = False,
    ) -> list[list[Segment]]:
        """A cell is drawn again only when its value, its place (row numbers and mouse
        targets depend on it), its row's style or, under the cursor, focus changes."""
        if row_index < 0 or column_index < 0 or hover:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        row_key, column_key = self.coordinate_to_cell_key(Coordinate(row_index, column_index))
        value = self.get_cell(row_key, column_key)
        place = (row_index, column_index, base_style, width,
                 cursor and self.get_pseudo_class_state())  # fmt: skip
        drawn = self._drawn.get(place)
        if drawn is not None and drawn[0] is value:
            return drawn[1]
        text = value.at(row_index) if isinstance(value, RowNumber) else value
        if cursor or "\n" in text.plain or "\t" in text.plain:
            lines = super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        else:
            meta = Style.from_meta({"row": row_index, "column": column_index})
            lines = [draw_plain_cell(text, base_style + meta, width, self.app.console)]
        if len(self._drawn) >= DRAWN_CELLS_KEPT:
            self._drawn.clear()  # a few screenfuls; scrolling far draws anew anyway
        self._drawn[place] = (value, lines)
        return lines
