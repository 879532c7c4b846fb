"""A strip of measures, meters and tempi with the beats drawn on it as blocks, and a
playhead where the music plays.

It draws only the columns on screen, so a score of a thousand measures and a scene of
thousands of beats cost no more than a short one; the view scrolls sideways to keep the
selected beat in sight.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip
from textual.widget import Widget

from choreo.model import format_beat
from choreo.placement import PlacedBeat, Spot
from choreo.timing import MeasureMap

COLUMNS_PER_BEAT = 2
LINES = ("numbers", "changes", "grid", "beats")


class MeasureTimeline(Widget):
    """Measure numbers, meter and tempo changes, a beat grid, and the beats as blocks."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "measure-timeline--number",
        "measure-timeline--change",
        "measure-timeline--grid",
        "measure-timeline--selected",
        "measure-timeline--playhead",
        "measure-timeline--empty",
    }

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.measures: MeasureMap | None = None
        self.placed: list[Spot] = []
        self.selected: int | None = None
        self.colour = "#9a9aa8"
        self.window_start = 0
        self._starts: list[int] = []  # each measure's barline column
        self._offsets: list[float] = []
        self._spans: list[tuple[int, int] | None] = []  # each beat's first and end column
        self._lines: dict[int, list[tuple[str, Style]]] | None = None
        self._subtitle = ""
        self._playhead: int | None = None  # the column the music is at, while it plays

    # -- what to show ------------------------------------------------------------------
    def show_measures(self, measures: MeasureMap | None) -> None:
        self.measures = measures
        self._starts, self._offsets = [], []
        column = 0
        for measure in measures.measures if measures else ():
            self._starts.append(column)
            self._offsets.append(measure.offset)
            beats = measure.quarter_length / measure.beat_length
            column += 1 + max(1, round(beats * COLUMNS_PER_BEAT))
        self._starts.append(column)
        self._place_beats()
        self._changed()

    def show_beats(self, placed: list[Spot], colour: str) -> None:
        self.placed, self.colour = placed, colour
        self._place_beats()
        self._changed()

    def _place_beats(self) -> None:
        """Each beat's columns, worked out once per change rather than on every redraw."""
        self._spans = []
        for spot in self.placed:
            if not isinstance(spot, PlacedBeat) or self.measures is None:
                self._spans.append(None)
                continue
            start = self.column_of(spot.start_offset)
            end = self.column_of(spot.end_offset)
            self._spans.append((start, max(end, start + 1)))

    def follow(self, index: int | None) -> None:
        """Select a beat and scroll so it is in sight."""
        shown = (self.selected, self.window_start, self._subtitle)
        self.selected = index
        subtitle = ""
        if index is not None and 0 <= index < len(self.placed):
            spot = self.placed[index]
            moves = " / ".join(m for m in (spot.beat.ballet, spot.beat.combat) if m)
            subtitle = f"{spot.beat.id} at {spot.beat.at}" + (f" · {moves}" if moves else "")
            if isinstance(spot, PlacedBeat):
                self._keep_in_sight(self.column_of(spot.start_offset))
        if subtitle != self._subtitle:
            self._subtitle = self.border_subtitle = subtitle
        if (self.selected, self.window_start, self._subtitle) != shown:
            self._changed()  # the same beat in the same place: nothing to draw again

    def show_playhead(self, offset: float | None) -> None:
        """The playhead at a quarter offset, kept in sight; ``None`` takes it away."""
        column = None if offset is None or self.measures is None else self.column_of(offset)
        if column == self._playhead:
            return  # most ticks of the music stay in one column
        self._playhead = column
        if column is not None:
            self._keep_in_sight(column)
        self._changed()

    def jump_to_measure(self, number: str) -> bool:
        if self.measures is None:
            return False
        for measure in self.measures.measures:
            if measure.number == number:
                self.window_start = max(0, self._starts[measure.index] - 2)
                self._changed()
                return True
        return False

    def column_of(self, offset: float) -> int:
        """The column at a quarter offset from the start of the score."""
        if not self._offsets or self.measures is None:
            return 0
        index = max(bisect_right(self._offsets, offset + 1e-9) - 1, 0)
        measure = self.measures.measures[index]
        inside = (offset - measure.offset) / measure.beat_length * COLUMNS_PER_BEAT
        return min(self._starts[index] + 1 + round(inside), self._starts[index + 1])

    def _keep_in_sight(self, column: int) -> None:
        width = max(self.size.width, 20)
        if not self.window_start + 2 <= column <= self.window_start + width - 6:
            self.window_start = max(0, column - width // 3)

    def on_resize(self) -> None:
        self._changed()

    def _changed(self) -> None:
        self._lines = None
        self.refresh()

    # -- drawing -----------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if self._lines is None:
            self._lines = self._draw(width)
        cells = self._lines.get(y)
        if not cells:
            return Strip.blank(width, self.rich_style)
        segments: list[Segment] = []
        text, style = "", cells[0][1]
        for char, cell_style in cells:
            if cell_style != style:
                segments.append(Segment(text, style))
                text, style = "", cell_style
            text += char
        segments.append(Segment(text, style))
        return Strip(segments, width)

    def _draw(self, width: int) -> dict[int, list[tuple[str, Style]]]:
        base = self.rich_style
        lines = {y: [(" ", base)] * width for y in range(len(LINES))}
        if self.measures is None:
            self._put(lines[1], 1, "reading the score…", self._style("empty"))
            return lines
        first = max(bisect_right(self._starts, self.window_start) - 1, 0)
        number_style, change_style = self._style("number"), self._style("change")
        grid_style = self._style("grid")
        numbers_end = changes_end = -1
        measures = self.measures.measures
        for index in range(first, len(measures)):
            column = self._starts[index] - self.window_start
            if column >= width:
                break
            measure = measures[index]
            self._put(lines[2], column, "│", grid_style)
            beats = round(measure.quarter_length / measure.beat_length * COLUMNS_PER_BEAT)
            for tick in range(0, beats, COLUMNS_PER_BEAT):
                self._put(lines[2], column + 1 + tick, "·", grid_style)
            if column + 1 > numbers_end:
                numbers_end = self._put(lines[0], column + 1, measure.number, number_style)
            change = self._change_at(index)
            if change and column + 1 > changes_end:
                changes_end = self._put(lines[1], column + 1, change, change_style)
        self._draw_beats(lines, width)
        playhead = None if self._playhead is None else self._playhead - self.window_start
        if playhead is not None and 0 <= playhead < width:
            style = self._style("playhead")
            if lines[1][playhead][0] == " ":  # a meter or tempo change stays readable
                lines[1][playhead] = ("▼", style)
            lines[2][playhead] = ("┃", style)
        return lines

    def _change_at(self, index: int) -> str:
        assert self.measures is not None
        measure = self.measures.measures[index]
        previous = self.measures.measures[index - 1] if index else None
        parts = []
        if previous is None or previous.time_signature != measure.time_signature:
            parts.append(measure.time_signature)
        if previous is None or abs(previous.tempo_qpm - measure.tempo_qpm) > 0.01:
            parts.append(f"♩={format_beat(round(measure.tempo_qpm, 1))}")
        return " ".join(parts)

    def _draw_beats(self, lines: dict[int, list[tuple[str, Style]]], width: int) -> None:
        colour = Style(color=self.colour)
        lighter = Style(color=self.colour, dim=True)
        hit_style = Style(color=self.colour, bold=True)
        order = [i for i in range(len(self.placed)) if i != self.selected]
        if self.selected is not None and self.selected < len(self.placed):
            order.append(self.selected)
        left, right = self.window_start, self.window_start + width
        for index in order:
            span = self._spans[index] if index < len(self._spans) else None
            if span is None or span[1] <= left or span[0] >= right:
                continue
            spot = self.placed[index]
            start, end = span[0] - left, span[1] - left
            if index == self.selected:
                style = self._style("selected")
            else:
                style = colour if index % 2 == 0 else lighter
            for column in range(max(start, 0), min(end, width)):
                lines[3][column] = ("█", style)
            if spot.beat.hit and 0 <= start < width:
                lines[2][start] = ("✶", hit_style)

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"measure-timeline--{name}")

    @staticmethod
    def _put(line: list[tuple[str, Style]], column: int, text: str, style: Style) -> int:
        """Write text into a line from a column; returns the column after it."""
        for offset, char in enumerate(text):
            if 0 <= column + offset < len(line):
                line[column + offset] = (char, style)
        return column + len(text)
