"""Each beat of a scene placed on the measure map: offsets, seconds, timecode, counts."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from choreo.model import Beat, Scene
from choreo.timing import Count, MeasureMap, Timecode

FULL_SPEED = 1.0


@dataclass(frozen=True, slots=True)
class PlacedBeat:
    """A beat with its time; ``problem`` says why it has none (outside the score)."""

    beat: Beat
    number: int  # 1-based place in the sheet
    start_offset: float | None = None
    end_offset: float | None = None
    length_beats: float | None = None
    start_seconds: float | None = None
    end_seconds: float | None = None
    timecode: Timecode | None = None
    end_timecode: Timecode | None = None
    counts: Count | None = None
    problem: str | None = None

    @property
    def placed(self) -> bool:
        return self.problem is None

    @property
    def seconds(self) -> float | None:
        if self.start_seconds is None or self.end_seconds is None:
            return None
        return self.end_seconds - self.start_seconds


def place_beats(
    scene: Scene, measures: MeasureMap, *, speed: float = FULL_SPEED
) -> list[PlacedBeat]:
    """Place every beat; at ``speed`` 0.5 the same music takes twice the seconds.

    A beat without a length lasts up to the next beat that starts later, the last one to
    its barline.
    """
    start = Timecode.parse(scene.score.start, float(scene.score.fps))
    offsets: list[float | None] = []
    problems: list[str | None] = []
    for beat in scene.beats:
        try:
            offsets.append(measures.offset_of(beat.at, beat.pass_number or 1))
            problems.append(None)
        except (KeyError, ValueError) as error:
            offsets.append(None)
            problems.append(str(error.args[0]))
    later = _next_later_offsets(offsets)
    placed = []
    for number, (beat, offset, problem, following) in enumerate(
        zip(scene.beats, offsets, problems, later, strict=True), start=1
    ):
        if offset is None:
            placed.append(PlacedBeat(beat, number, problem=problem))
            continue
        if beat.length is not None:
            end = measures.advance(offset, beat.length)
        elif following is not None:
            end = following
        else:
            measure = measures.measure_at_offset(offset)
            end = measure.end_offset if measure else offset
        start_seconds = measures.seconds_at(offset) / speed
        end_seconds = measures.seconds_at(end) / speed
        placed.append(
            PlacedBeat(
                beat,
                number,
                start_offset=offset,
                end_offset=end,
                length_beats=beat.length if beat.length else measures.beats_between(offset, end),
                start_seconds=start_seconds,
                end_seconds=end_seconds,
                timecode=start.plus_seconds(start_seconds),
                end_timecode=start.plus_seconds(end_seconds),
                counts=measures.count_at(offset),
            )
        )
    return placed


def _next_later_offsets(offsets: list[float | None]) -> list[float | None]:
    """For each beat, the nearest start after it in time (beats may share a moment)."""
    ordered = sorted({o for o in offsets if o is not None})
    result: list[float | None] = []
    for offset in offsets:
        if offset is None:
            result.append(None)
            continue
        index = bisect_right(ordered, offset + 1e-9)
        result.append(ordered[index] if index < len(ordered) else None)
    return result
