"""Timing edits: nudge a beat half a beat earlier or later (``[`` ``]``), or ripple a beat
and every beat later in time by a whole beat (``{`` ``}``).

Beats are counted in each bar's own beat (6/8 has two, a pickup only its own), so a nudge
crosses barlines and meter changes (``1:4.5`` a half beat later is ``2:1`` in 4/4) and a
ripple keeps the number of beats between the beats it moves. Nothing moves off the score
or, in a ripple earlier, onto or past the beat before: those are refused with the one
line the editor shows, and the scene is left as it was.
"""

from __future__ import annotations

from choreo.model import Beat, Scene
from choreo.timing import EPSILON, MeasureMap, OutsideScore
from choreo.tui.edits import EditRefused, replace_beat, score_end, with_beats

NUDGE = 0.5  # beats a nudge moves
RIPPLE = 1.0  # beats a ripple moves


def nudge_beat(scene: Scene, index: int, beats: float, measures: MeasureMap) -> Scene:
    """The beat at row ``index`` moved ``beats`` beats later (earlier when negative)."""
    beat = scene.beats[index]
    start = _start(beat, measures)
    return replace_beat(scene, index, _moved(beat, start, beats, measures))


def ripple_beats(scene: Scene, index: int, beats: float, measures: MeasureMap) -> Scene:
    """The beat at row ``index`` and every beat that starts with it or later, moved
    ``beats`` beats later (earlier when negative); rows stay in their order."""
    starts = [_start(beat, measures) for beat in scene.beats]
    origin = starts[index]
    moving = [row for row, start in enumerate(starts) if start >= origin - EPSILON]
    moved = list(scene.beats)
    for row in moving:
        moved[row] = _moved(scene.beats[row], starts[row], beats, measures)
    if beats < 0:
        _refuse_overtaking(scene, index, starts, origin, moved, measures)
    return with_beats(scene, moved)


def _refuse_overtaking(
    scene: Scene,
    index: int,
    starts: list[float],
    origin: float,
    moved: list[Beat],
    measures: MeasureMap,
) -> None:
    """A ripple earlier closes a gap; it never runs the beats into the one before."""
    before = [row for row, start in enumerate(starts) if start < origin - EPSILON]
    if not before:
        return
    previous = max(before, key=lambda row: starts[row])
    landing = _start(moved[index], measures)
    if landing <= starts[previous] + EPSILON:
        beat, other = scene.beats[index], scene.beats[previous]
        raise EditRefused(
            f"{beat.id} at {beat.at} cannot move a beat earlier: "
            f"{other.id} at {other.at} is less than a beat before it"
        )


def _start(beat: Beat, measures: MeasureMap) -> float:
    try:
        return measures.offset_of(beat.at, beat.pass_number or 1)
    except OutsideScore:
        raise EditRefused(f"{beat.id} at {beat.at} is outside the score: not moved") from None


def _moved(beat: Beat, start: float, beats: float, measures: MeasureMap) -> Beat:
    """The beat moved ``beats`` beats from ``start``, or :class:`EditRefused`."""
    target = _shifted(measures, start, beats)
    if target is None:
        direction = "later" if beats > 0 else "earlier"
        where = score_end(measures) if beats > 0 else _score_start(measures)
        raise EditRefused(f"{beat.id} at {beat.at} cannot move {direction}: {where}")
    try:
        position, pass_number = measures.position_at(target)
    except ValueError as error:  # a bar the scene file cannot name
        raise EditRefused(f"{beat.id} at {beat.at} not moved: {error}") from None
    return beat.model_copy(
        update={"at": position, "pass_number": pass_number if pass_number > 1 else None}
    )


def _shifted(measures: MeasureMap, offset: float, beats: float) -> float | None:
    """The offset ``beats`` beats later (earlier when negative), each bar counted in its
    own beat; None when that is not inside the score."""
    measure = measures.measure_at_offset(offset)
    if measure is None:
        return None
    if beats >= 0:
        target = measures.advance(offset, beats)
        return target if target < measures.end_offset - EPSILON else None
    remaining = -beats
    while True:
        room = (offset - measure.offset) / measure.beat_length
        if remaining <= room + EPSILON:
            return max(offset - remaining * measure.beat_length, measure.offset)
        if measure.index == 0:
            return None
        remaining -= room
        measure = measures.measures[measure.index - 1]
        offset = measure.end_offset


def _score_start(measures: MeasureMap) -> str:
    return f"the score starts with bar {measures.measures[0].number}"
