"""The score's time told by the scene's recording: every second is the recording's.

Real players do not follow the metronome marks, so a scene with a recording says where
bars fall in it (``score.sync``). Between two sync points the score's own tempo map is
stretched to fit; before the first and after the last it runs unstretched (DESIGN.md,
"The recording"). The result is a measure map like any other, whose seconds are the
recording's, so placing, timecode, counts, clicks and every export follow it unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from itertools import pairwise

from choreo.model.recording import SyncPoint
from choreo.timing import EPSILON, MeasureMap, OutsideScore, TempoMark, tempo_changes, timed


class SyncPointError(ValueError):
    """A sync point the score has no place for, or one out of the score's order."""


def follow_recording(measures: MeasureMap, points: Sequence[SyncPoint]) -> MeasureMap:
    """``measures`` re-timed so that each sync point's position sounds at its second of the
    recording. With no points the score's second 0 is the recording's first sample.
    Raises :class:`SyncPointError` for a point outside the score or out of its order."""
    if not points or not measures.measures:
        return measures
    anchors = _anchors(measures, points)
    first_offset, first_seconds = anchors[0]
    # Before the first point the score runs unstretched: its first bar starts this early.
    origin = first_seconds - (measures.seconds_at(first_offset) - measures.origin_seconds)
    breaks = sorted({mark.offset for mark in measures.tempos} | {o for o, _ in anchors})
    marks: list[TempoMark] = []
    for offset in breaks:
        marks.append(
            TempoMark(offset, measures.tempo_at(offset) * _stretch(measures, anchors, offset))
        )
    tempos = tempo_changes(marks)
    return replace(
        measures,
        measures=timed(measures.measures, tempos, origin),
        tempos=tuple(tempos),
        origin_seconds=origin,
    )


def _anchors(measures: MeasureMap, points: Sequence[SyncPoint]) -> list[tuple[float, float]]:
    """Each point's offset in the score and its second, checked in the score's order."""
    anchors: list[tuple[float, float]] = []
    for number, point in enumerate(points, start=1):
        try:
            offset = measures.offset_of(point.at, point.pass_number or 1)
        except OutsideScore as error:
            raise SyncPointError(f"sync point {number} ({point.where()}): {error}") from None
        if anchors and offset <= anchors[-1][0] + EPSILON:
            raise SyncPointError(
                f"sync point {number} ({point.where()}) comes before sync point {number - 1} "
                f"({points[number - 2].where()}) in the score's {measures.order} order, "
                "yet later in the recording"
            )
        anchors.append((offset, point.seconds))
    return anchors


def _stretch(measures: MeasureMap, anchors: list[tuple[float, float]], offset: float) -> float:
    """How much faster than written the music plays from ``offset`` on (1 outside the
    points): the score's seconds between the two points around it over the recording's."""
    for (start, heard), (end, next_heard) in pairwise(anchors):
        if start - EPSILON <= offset < end - EPSILON:
            written = measures.seconds_at(end) - measures.seconds_at(start)
            return written / (next_heard - heard)
    return 1.0
