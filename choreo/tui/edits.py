"""The edits the key contract makes to a scene: add, delete and move a beat, change a field.

Each returns a new :class:`Scene` and leaves the one given untouched, so the history can
keep both; the new scene shares every unchanged beat with the old one. An edit that
cannot be made raises :class:`EditRefused` with the one line the editor shows.
"""

from __future__ import annotations

import math

from choreo.model import Beat, Position, Scene, next_beat_id
from choreo.timing import EPSILON, MeasureMap, OutsideScore


class EditRefused(Exception):
    """An edit the scene has no room for, and why, in one line naming the beat."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def with_beats(scene: Scene, beats: list[Beat]) -> Scene:
    return scene.model_copy(update={"beats": beats})


def add_beat(scene: Scene, after: int | None, measures: MeasureMap) -> tuple[Scene, int]:
    """A new beat after row ``after`` (or first), one beat later, with the same performers;
    refused after the score's last beat rather than piled onto it."""
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
    """The next whole beat after a beat's start, or its end when it lasts longer;
    :class:`EditRefused` when the score has no room after it."""
    pass_number = beat.pass_number or 1
    try:
        offset = measures.offset_of(beat.at, pass_number)
    except OutsideScore:
        raise EditRefused(f"no beat added: {beat.id} at {beat.at} is outside the score") from None
    measure = measures.measure_at_offset(offset)
    if measure is None:
        raise EditRefused(f"no beat added: {beat.id} at {beat.at} is outside the score")
    beat_in_measure = measure.first_beat + (offset - measure.offset) / measure.beat_length
    following = math.floor(beat_in_measure + EPSILON) + 1
    target = measure.offset + (following - measure.first_beat) * measure.beat_length
    target = min(target, measure.end_offset)
    if beat.length is not None:  # a long beat: the next one starts when it ends
        target = max(target, measures.advance(offset, beat.length))
    if target >= measures.end_offset - EPSILON:
        raise EditRefused(f"no beat added after {beat.id} at {beat.at}: {score_end(measures)}")
    try:
        position, found_pass = measures.position_at(target)
    except ValueError as error:  # a bar the scene file cannot name
        raise EditRefused(f"no beat added after {beat.id}: {error}") from None
    return position, found_pass if found_pass > 1 else None


def score_end(measures: MeasureMap) -> str:
    return f"the score ends with bar {measures.measures[-1].number}"


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
