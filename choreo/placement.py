"""Each beat of a scene placed on the measure map: offsets, seconds, timecode, counts.

One way to place a beat: :meth:`Placement.place` returns a :class:`PlacedBeat` or raises
:class:`~choreo.timing.OutsideScore`; :func:`place_beats` places a whole scene, keeping
each beat that has no place as an :class:`UnplacedBeat` that says why.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from choreo.model import Beat, Scene
from choreo.timing import EPSILON, Count, MeasureMap, OutsideScore, Timecode

FULL_SPEED = 1.0


@dataclass(frozen=True, slots=True)
class PlacedBeat:
    """A beat with its time: where it starts and ends in quarters, seconds and timecode."""

    beat: Beat
    start_offset: float
    end_offset: float
    length_beats: float
    start_seconds: float
    end_seconds: float
    timecode: Timecode
    end_timecode: Timecode
    counts: Count

    @property
    def seconds(self) -> float:
        return self.end_seconds - self.start_seconds


@dataclass(frozen=True, slots=True)
class UnplacedBeat:
    """A beat the score has no place for (its bar or beat is not in it), and why."""

    beat: Beat
    problem: str


Spot = PlacedBeat | UnplacedBeat  # a scene's beat after placing: placed, or why not


@dataclass(frozen=True)
class Placement:
    """A scene's clock on a measure map: its start timecode and the rehearsal speed."""

    measures: MeasureMap
    start: Timecode
    speed: float = FULL_SPEED
    phrase: int = 8  # counts in a dancer's phrase

    @classmethod
    def of(cls, scene: Scene, measures: MeasureMap, *, speed: float = FULL_SPEED) -> Placement:
        return cls(measures, scene.score.start_timecode, speed, scene.score.phrase)

    def offset_of(self, beat: Beat) -> float:
        """Where the beat starts in quarters; raises :class:`OutsideScore`."""
        return self.measures.offset_of(beat.at, beat.pass_number or 1)

    def place(self, beat: Beat, *, until: float | None = None) -> PlacedBeat:
        """The beat in time, or :class:`OutsideScore`. A beat without a length lasts
        ``until`` the next later beat starts, else to its barline; at ``speed`` 0.5 the
        same music takes twice the seconds."""
        return self._placed_at(beat, self.offset_of(beat), until)

    def _placed_at(self, beat: Beat, offset: float, until: float | None) -> PlacedBeat:
        measures = self.measures
        length = beat.length
        if length is not None:
            end = measures.advance(offset, length)
        elif until is not None:
            end = until
            length = measures.beats_between(offset, end)
        else:
            measure = measures.measure_at_offset(offset)
            end = measure.end_offset if measure else offset
            length = (end - offset) / measure.beat_length if measure else 0.0
        start_seconds = measures.seconds_at(offset) / self.speed
        end_seconds = measures.seconds_at(end) / self.speed
        return PlacedBeat(
            beat,
            start_offset=offset,
            end_offset=end,
            length_beats=length,
            start_seconds=start_seconds,
            end_seconds=end_seconds,
            timecode=self.start.plus_seconds(start_seconds),
            end_timecode=self.start.plus_seconds(end_seconds),
            counts=measures.count_at(offset, self.phrase),
        )


def place_beats(scene: Scene, measures: MeasureMap, *, speed: float = FULL_SPEED) -> list[Spot]:
    """Every beat of the scene in sheet order, each placed or saying why it is not."""
    placement = Placement.of(scene, measures, speed=speed)
    offsets: list[float | OutsideScore] = []
    for beat in scene.beats:
        try:
            offsets.append(placement.offset_of(beat))
        except OutsideScore as error:
            offsets.append(error)
    starts = sorted({o for o in offsets if not isinstance(o, OutsideScore)})
    spots: list[Spot] = []
    for beat, offset in zip(scene.beats, offsets, strict=True):
        if isinstance(offset, OutsideScore):
            spots.append(UnplacedBeat(beat, str(offset)))
            continue
        # The nearest start after this one (beats may share a moment).
        index = bisect_right(starts, offset + EPSILON)
        following = starts[index] if index < len(starts) else None
        spots.append(placement._placed_at(beat, offset, following))  # offset found above
    return spots
