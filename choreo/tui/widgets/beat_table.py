"""The beat sheet as a table: one row per beat, updated cell by cell as beats change."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import DataTable
from textual.widgets.data_table import RowKey

from choreo.model import PALETTE_COLOURS, Beat, Scene
from choreo.timing import MeasureMap, Timecode
from choreo.vocabulary import Vocabulary

# Intensity 1..5 from a calm blue to an all-out red.
INTENSITY_COLOURS = ("#5f87af", "#5faf87", "#d7af00", "#ff8700", "#e0303a")
NO_PALETTE_COLOUR = "#9a9aa8"
UNKNOWN_MOVE_STYLE = "italic #d7af00"
UNPLACED_STYLE = "bold #e0303a"

Cell = tuple[str, str]  # text and its rich style


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
    """What one beat's row shows; two rows compare equal when they look the same."""

    beat_id: str
    cells: tuple[Cell, ...]


class BeatRows:
    """Rows for a scene's beats; each beat's cells are built once and reused while the
    beat is unchanged (beats are never changed in place), so only the row number is new
    when beats above it are added, removed or moved."""

    def __init__(self) -> None:
        self._context: tuple[object, ...] | None = None
        self._cache: dict[int, tuple[Beat, tuple[Cell, ...]]] = {}
        self._start = Timecode(0, 24.0)
        self._colour = NO_PALETTE_COLOUR
        self._vocabulary = Vocabulary.bundled()
        self._measures: MeasureMap | None = None

    def rows(
        self, scene: Scene, measures: MeasureMap | None, vocabulary: Vocabulary
    ) -> list[BeatRow]:
        context = (id(measures), id(vocabulary), scene.palette, scene.score.start,
                   scene.score.fps)  # fmt: skip
        if context != self._context:
            self._context = context
            self._cache.clear()
            self._start = Timecode.parse(scene.score.start, float(scene.score.fps))
            self._colour = PALETTE_COLOURS.get(scene.palette or "", NO_PALETTE_COLOUR)
            self._vocabulary = vocabulary
            self._measures = measures
        rows = []
        for number, beat in enumerate(scene.beats, start=1):
            cached = self._cache.get(id(beat))
            if cached is None or cached[0] is not beat:
                cached = (beat, self._cells(beat))
                self._cache[id(beat)] = cached
            rows.append(BeatRow(beat.id, ((str(number), self._colour), *cached[1])))
        if len(self._cache) > 2 * len(rows) + 64:
            live = {id(beat) for beat in scene.beats}
            self._cache = {key: value for key, value in self._cache.items() if key in live}
        return rows

    def _cells(self, beat: Beat) -> tuple[Cell, ...]:
        """Every cell of a beat's row but its number."""
        at_style = f"bold {self._colour}" if beat.hit else ""
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
            ("✶" if beat.hit else "", f"bold {self._colour}"),
        )

    def _time_of(self, beat: Beat) -> tuple[str, str | None]:
        if self._measures is None:
            return "…", "…"
        try:
            offset = self._measures.offset_of(beat.at, beat.pass_number or 1)
        except (KeyError, ValueError):
            return "", None
        seconds = self._measures.seconds_at(offset)
        return str(self._measures.count_at(offset)), str(self._start.plus_seconds(seconds))

    def _move(self, name: str | None, kind: str) -> Cell:
        if not name:
            return ("", "")
        known = self._vocabulary.lookup(name, "ballet" if kind == "ballet" else "combat")
        return (name, "" if known is not None else UNKNOWN_MOVE_STYLE)


def cell_text(cell: Cell) -> Text:
    text, style = cell
    return Text(" " + text, style=style, no_wrap=True, overflow="ellipsis")


class BeatTable(DataTable[Text]):
    """The beat sheet: a row per beat in sheet order; the cursor is the selected beat.

    Add, delete and move are the editor screen's keys; enter is the table's own (a
    DataTable takes enter first), so the footer can show it.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "screen.edit_beat", "Edit", id="edit-beat",
                tooltip="Edit the beat in the form (escape comes back to the table)"),
    ]  # fmt: skip

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True, cell_padding=0)
        self._rows: list[BeatRow] = []
        self._keys: list[RowKey] = []  # the table's row keys in sheet order

    def on_mount(self) -> None:
        for column in COLUMNS:
            self.add_column(f" {column.label}", width=column.width, key=column.key)

    @property
    def beat_rows(self) -> list[BeatRow]:
        return self._rows

    def show_rows(self, rows: list[BeatRow], cursor: int | None = None) -> None:
        """Show these rows, touching as little of the table as it takes.

        Same number of rows: only the cells that changed. One beat added or removed: that
        row, and the row numbers below it. Anything else: the table is built again.
        """
        old = self._rows
        change = _one_row_changed([r.beat_id for r in old], [r.beat_id for r in rows])
        if len(rows) == len(old) == len(self._keys):
            self._update_cells(range(len(rows)), old, rows)
        elif change is not None and change[0] == "added" and self._keys:
            self._insert_row(change[1], old, rows)
        elif change is not None and change[0] == "removed":
            index = change[1]
            self.remove_row(self._keys.pop(index))
            self._update_cells(range(index, len(rows)), old[index + 1 :], rows[index:])
        else:
            self.clear()
            self._keys = self.add_rows([cell_text(cell) for cell in row.cells] for row in rows)
        self._rows = rows
        if cursor is not None and rows:
            self.move_cursor(row=max(0, min(cursor, len(rows) - 1)), animate=False)

    def _insert_row(self, index: int, old: list[BeatRow], rows: list[BeatRow]) -> None:
        """DataTable appends rows only: number the rows below anew, append the new row
        with its own number, and let a sort on the number put it in its place."""
        for position in range(index, len(old)):
            self.update_cell(self._keys[position], "number", cell_text(rows[position + 1].cells[0]))
        key = self.add_row(*[cell_text(cell) for cell in rows[index].cells])
        self._keys.insert(index, key)
        self.sort("number", key=_row_number)
        moved = range(index + 1, len(rows))
        self._update_cells(moved, old[index:], rows[index + 1 :], skip_number=True)

    def _update_cells(
        self,
        positions: range,
        before: list[BeatRow],
        after: list[BeatRow],
        *,
        skip_number: bool = False,
    ) -> None:
        for position, was_row, row in zip(positions, before, after, strict=True):
            if was_row == row:
                continue
            for column, was, now in zip(COLUMNS, was_row.cells, row.cells, strict=True):
                if was != now and not (skip_number and column.key == "number"):
                    self.update_cell(self._keys[position], column.key, cell_text(now))


def _row_number(cell: Text) -> int:
    return int(cell.plain)


def _one_row_changed(old: list[str], new: list[str]) -> tuple[str, int] | None:
    """("added", i) or ("removed", i) when the lists differ by exactly that one row."""
    if abs(len(old) - len(new)) != 1:
        return None
    longer, shorter = (new, old) if len(new) > len(old) else (old, new)
    index = next(
        (i for i, (a, b) in enumerate(zip(longer, shorter, strict=False)) if a != b),
        len(shorter),
    )
    if longer[index + 1 :] != shorter[index:]:
        return None
    return ("added" if longer is new else "removed", index)
