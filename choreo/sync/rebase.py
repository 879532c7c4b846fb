"""Rebase: beats follow the rehearsal marks they were anchored to when the marks move.

A beat two bars after mark B at the last sync is put two bars after mark B again, on the
same beat. Only beats still where the sync left them move; a beat moved by hand since,
a mark no longer printed, or a place the new score lacks is reported and left alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from choreo.errors import ChoreoError
from choreo.model import Anchor, Beat, Position
from choreo.store import SceneFile, save_scene
from choreo.sync.record import anchor_marks, score_maps
from choreo.timing import MeasureMap, OutsideScore


@dataclass(frozen=True, slots=True)
class MovedBeat:
    """A beat the rebase moved with its rehearsal mark: from where, to where, after which."""

    beat_id: str
    before: Position
    after: Position
    mark: str
    bars: int


@dataclass(frozen=True)
class RebaseResult:
    """The beats that moved with their marks, and the ones left where they were."""

    scene_file: SceneFile
    moved: tuple[MovedBeat, ...]
    left: tuple[str, ...]  # why a beat stayed, one line each

    def summary(self) -> str:
        if not self.moved:
            lines = ["no beat needed to move: every anchored beat is where its mark says"]
        else:
            count = len(self.moved)
            lines = [f"moved {count} {'beat' if count == 1 else 'beats'} with their marks:"]
            lines.extend(
                f"  {move.beat_id} {move.before} → {move.after} "
                f"({move.bars} {'bar' if move.bars == 1 else 'bars'} after {move.mark})"
                for move in self.moved
            )
        lines.extend(f"  left {line}" for line in self.left)
        if self.moved:
            lines.append("run `choreo sync` to write the beats into the new score")
        return "\n".join(lines)


def rebase(scene_file: SceneFile) -> RebaseResult:
    """Re-anchor beats to the marks recorded at the last sync; save when any moved."""
    scene = scene_file.scene
    record = scene.score.synced
    if record is None or not record.anchors:
        raise ChoreoError(
            "the scene has no rehearsal-mark anchors from an earlier sync",
            where=scene_file.path,
            hint="run `choreo sync` once with the old score, then rebase after it changes",
        )
    written = score_maps(scene, scene_file.path).written
    marks = anchor_marks(written)
    moved: list[MovedBeat] = []
    left: list[str] = []
    beats: list[Beat] = []
    for beat in scene.beats:
        anchor = record.anchors.get(beat.id)
        target = _follow(beat, anchor, marks, written, left) if anchor else None
        if anchor is None or target is None or target == beat.at:
            beats.append(beat)
            continue
        moved.append(MovedBeat(beat.id, beat.at, target, anchor.mark, anchor.bars))
        beats.append(beat.model_copy(update={"at": target}))
    if not moved:
        return RebaseResult(scene_file, (), tuple(left))
    saved = save_scene(scene_file, scene.model_copy(update={"beats": beats}))
    return RebaseResult(saved, tuple(moved), tuple(left))


def _follow(
    beat: Beat, anchor: Anchor, marks: dict[str, int], written: MeasureMap, left: list[str]
) -> Position | None:
    """Where the anchor puts the beat now, or ``None`` (with a line saying why)."""
    label = f"{beat.id} at {beat.at}"
    index = marks.get(anchor.mark)
    if index is None:
        left.append(f"{label}: the score no longer prints mark {anchor.mark} once")
        return None
    place = index + anchor.bars
    if not 0 <= place < len(written.measures):
        left.append(f"{label}: {anchor.bars} bars after {anchor.mark} is past the score's end")
        return None
    try:
        # Position.of: a place the scene file can hold (not a bar numbered "12bis").
        target = Position.of(written.measures[place].number, anchor.beat)
    except ValueError as error:
        left.append(f"{label}: {error.args[0]}")
        return None
    if beat.at not in (anchor.at, target):
        left.append(f"{label}: moved by hand since the sync (it was at {anchor.at})")
        return None
    try:
        written.offset_of(target)
    except OutsideScore as error:
        left.append(f"{label}: {error.args[0]}")
        return None
    return target
