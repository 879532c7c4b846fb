"""The edits the key contract makes to a scene: add, delete and move a beat, change a field.

Each returns a new :class:`Scene` and leaves the one given untouched, so the history can
keep both; the new scene shares every unchanged beat with the old one.
"""

from __future__ import annotations

import math

from choreo.model import Beat, Position, Scene, next_beat_id
from choreo.timing import EPSILON, MeasureMap, OutsideScore


def with_beats(scene: Scene, beats: list[Beat]) -> Scene:
    return scene.model_copy(update={"beats": beats})


def add_beat(scene: Scene, after: int | None, measures: MeasureMap) -> tuple[Scene, int]:
    """A new beat after row ``after`` (or first), one beat later, with the same performers."""
    new_id = next_beat_id({beat.id for beat in scene.beats})
    if after is None or not scene.beats:
        index = 0 if after is None else len(scene.beats)
        beat = Beat(id=new_id, at=_first_position(measures))
    else:
        source = scene.beats[after]
        position, pass_number = next_beat_position(source, measures)
        index = after + 1
        beat = Beat(
            id=new_id,
            at=position,
            performers=list(source.performers),
            pass_number=pass_number,
        )
    beats = [*scene.beats[:index], beat, *scene.beats[index:]]
    return with_beats(scene, beats), index


def next_beat_position(beat: Beat, measures: MeasureMap) -> tuple[Position, int | None]:
    """The next whole beat after a beat's start, or its end when it lasts longer; the
    same place when the score has no room after it."""
    pass_number = beat.pass_number or 1
    try:
        offset = measures.offset_of(beat.at, pass_number)
    except OutsideScore:
        return beat.at, beat.pass_number
    measure = measures.measure_at_offset(offset)
    if measure is None:
        return beat.at, beat.pass_number
    beat_in_measure = measure.first_beat + (offset - measure.offset) / measure.beat_length
    following = math.floor(beat_in_measure + EPSILON) + 1
    target = measure.offset + (following - measure.first_beat) * measure.beat_length
    target = min(target, measure.end_offset)
    if beat.length is not None:  # a long beat: the next one starts when it ends
        target = max(target, measures.advance(offset, beat.length))
    if target >= measures.end_offset - EPSILON:
        return beat.at, beat.pass_number
    try:
        position, found_pass = measures.position_at(target)
    except ValueError:  # a bar the scene file cannot name: stay on the beat's own place
        return beat.at, beat.pass_number
    return position, found_pass if found_pass > 1 else None


def _first_position(measures: MeasureMap) -> Position:
    """The score's first beat, or 1:1 when the score cannot name it."""
    if measures.measures:
        first = measures.measures[0]
        try:
            return Position.of(first.number, first.first_beat)
        except ValueError:
            pass
    return Position("1", 1.0)


def delete_beat(scene: Scene, index: int) -> tuple[Scene, int]:
    """The scene without row ``index``; the cursor stays on the row that takes its place."""
    beats = [*scene.beats[:index], *scene.beats[index + 1 :]]
    return with_beats(scene, beats), min(index, max(len(beats) - 1, 0))


def move_beat(scene: Scene, index: int, step: int) -> tuple[Scene, int] | None:
    """The beat at ``index`` swapped with its neighbour above (-1) or below (+1)."""
    target = index + step
    if not 0 <= index < len(scene.beats) or not 0 <= target < len(scene.beats):
        return None
    beats = list(scene.beats)
    beats[index], beats[target] = beats[target], beats[index]
    return with_beats(scene, beats), target


def replace_beat(scene: Scene, index: int, beat: Beat) -> Scene:
    beats = list(scene.beats)
    beats[index] = beat
    return with_beats(scene, beats)
