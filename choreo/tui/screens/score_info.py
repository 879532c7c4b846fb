"""The measure map the scene follows, summed up: measures, meters, tempi, length."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from choreo.model import format_beat
from choreo.timing import MeasureMap, clock

CHANGES_SHOWN = 40


def score_summary(measures: MeasureMap, source: str) -> str:
    """A few lines a composer would read: what, how long, and where meter or tempo change."""
    lines = [f"score: {source}"]
    if measures.part < len(measures.parts):
        lines.append(f"part {measures.part}: {measures.parts[measures.part]}")
    count = len(measures.measures)
    lines.append(
        f"{count} measures in {measures.order} order, {clock(measures.duration_seconds)} long"
    )
    if measures.steady:
        lines.append("no score file: a steady 4/4 grid")
    changes = []
    previous = None
    for measure in measures.measures:
        said = []
        if previous is None or previous.time_signature != measure.time_signature:
            said.append(measure.time_signature)
        if previous is None or abs(previous.tempo_qpm - measure.tempo_qpm) > 0.01:
            said.append(f"♩={format_beat(round(measure.tempo_qpm, 1))}")
        if said:
            changes.append(f"  m{measure.number}: {' '.join(said)}")
        previous = measure
    lines.append("meter and tempo:")
    lines.extend(changes[:CHANGES_SHOWN])
    if len(changes) > CHANGES_SHOWN:
        lines.append(f"  … and {len(changes) - CHANGES_SHOWN} more changes")
    if measures.marks:
        lines.append("rehearsal marks: " + ", ".join(
            f"{mark.text} (m{mark.measure})" for mark in measures.marks[:20]))  # fmt: skip
    lines.extend(measures.notes)
    return "\n".join(lines)


class ScoreInfoScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,enter", "close", "Close", id="score-info-close",
                tooltip="Close the score information"),
    ]  # fmt: skip

    def __init__(self, summary: str) -> None:
        super().__init__()
        self.summary = summary

    def compose(self) -> ComposeResult:
        with Vertical(id="score-info-box"):
            yield Label("The score", id="score-info-title")
            with VerticalScroll():
                yield Static(self.summary, markup=False)

    def action_close(self) -> None:
        self.dismiss(None)
