"""Rebase: beats follow their bars' music, and their rehearsal marks, when the score changes.

When the last sync recorded each bar's music, the old and new bars are aligned by it
(:mod:`choreo.model.recut`): a beat moves to the bar that has its bar's music now, on the
same beat. Where the music cannot say (its bar was rewritten, or it is one of a run of
identical bars that grew or shrank) the beat's rehearsal mark can: two bars after mark B
at the last sync is two bars after mark B again. A record without the bars' music (an
older sync) is followed by marks alone.

Only beats still where the sync left them move. A beat moved by hand since, a beat in a
bar that was cut, a mark no longer printed, or a place the new score lacks is reported
and left alone: never moved somewhere it might not belong.
"""

from __future__ import annotations

from dataclasses import dataclass

from choreo.errors import ChoreoError
from choreo.model import Anchor, Beat, Position, SyncRecord
from choreo.model.recut import Recut, recut
from choreo.store import SceneFile, save_scene
from choreo.sync.record import anchor_marks, score_maps
from choreo.timing import MeasureMap, OutsideScore


@dataclass(frozen=True, slots=True)
class MovedBeat:
    """A beat the rebase moved: from where, to where, and what it followed."""

    beat_id: str
    before: Position
    after: Position
    followed: str  # "with its bar's music", "2 bars after B"


@dataclass(frozen=True)
class RebaseResult:
    """The beats that moved with their bars or marks, and the ones left where they were."""

    scene_file: SceneFile
    moved: tuple[MovedBeat, ...]
    left: tuple[str, ...]  # why a beat stayed, one line each
    bars: tuple[str, ...] = ()  # what happened to the score's bars, when the sync knew them

    def summary(self) -> str:
        lines = [f"the score: {line}" for line in self.bars]
        if not self.moved:
            lines.append("no beat needed to move: every synced beat is where its music is")
        else:
            count = len(self.moved)
            lines.append(f"moved {count} {'beat' if count == 1 else 'beats'}:")
            lines.extend(
                f"  {move.beat_id} {move.before} → {move.after} ({move.followed})"
                for move in self.moved
            )
        lines.extend(f"  left {line}" for line in self.left)
        if self.moved:
            lines.append("run `choreo sync` to write the beats into the new score")
        return "\n".join(lines)


@dataclass(frozen=True)
class _NewScore:
    """What a beat can follow in the new score: its bars' music and its rehearsal marks."""

    written: MeasureMap
    marks: dict[str, int]  # printed once, by text: written bar index
    bars: Recut | None  # None: the sync did not record the bars' music


def rebase(scene_file: SceneFile) -> RebaseResult:
    """Re-anchor beats to the bars and marks recorded at the last sync; save when any moved."""
    scene = scene_file.scene
    record = scene.score.synced
    if record is None or not (record.bars or any(a.mark for a in record.anchors.values())):
        raise ChoreoError(
            "the scene has no record of the score's bars or rehearsal marks from an earlier sync",
            where=scene_file.path,
            hint="run `choreo sync` once with the old score, then rebase after it changes",
        )
    written = score_maps(scene, scene_file.path).written
    bars = recut(record.bars, written.bars) if record.bars and written.bars else None
    new = _NewScore(written, anchor_marks(written), bars)
    moved: list[MovedBeat] = []
    left: list[str] = []
    beats: list[Beat] = []
    for beat in scene.beats:
        found = _follow(beat, record, new, left)
        if found is None or found[0] == beat.at:
            beats.append(beat)
            continue
        target, followed = found
        moved.append(MovedBeat(beat.id, beat.at, target, followed))
        beats.append(beat.model_copy(update={"at": target}))
    told = bars.lines if bars else ()
    if not moved:
        return RebaseResult(scene_file, (), tuple(left), told)
    saved = save_scene(scene_file, scene.model_copy(update={"beats": beats}))
    return RebaseResult(saved, tuple(moved), tuple(left), told)


def _follow(
    beat: Beat, record: SyncRecord, new: _NewScore, left: list[str]
) -> tuple[Position, str] | None:
    """Where the beat belongs now and what it followed there, or ``None`` (with a line in
    ``left`` saying why, unless the beat has nothing to follow)."""
    label = f"{beat.id} at {beat.at}"
    anchor = record.anchors.get(beat.id)
    if new.bars is None:  # an older sync: marks alone
        if anchor is None or not anchor.mark:
            return None
        found = _by_mark(label, anchor, new, left)
    elif anchor is None:
        if beat.id in record.beat_seconds:
            left.append(f"{label}: its place at the last sync was not recorded")
        else:
            left.append(f"{label}: added since the last sync, so not known against the old score")
        return None
    else:
        found = _by_music(label, anchor, new.bars, new, left)
    if found is None:
        return None
    target = found[0]
    if beat.at not in (anchor.at, target):
        left.append(f"{label}: moved by hand since the sync (it was at {anchor.at})")
        return None
    try:
        new.written.offset_of(target)
    except OutsideScore as error:
        left.append(f"{label}: {error.args[0]}")
        return None
    return found


def _by_music(
    label: str, anchor: Anchor, bars: Recut, new: _NewScore, left: list[str]
) -> tuple[Position, str] | None:
    """The bar with the music the beat's bar had, else its mark where the music cannot say."""
    old = bars.old.index_of(anchor.at.measure)
    if old is None:
        left.append(f"{label}: bar {anchor.at.measure} was not in the synced score's bars")
        return None
    fate = bars.fate(old)
    if fate.fate == "cut":
        left.append(f"{label}: its bar was cut ({fate.why}); move or delete the beat by hand")
        return None
    if fate.fate == "kept" and fate.new is not None:
        return _at(label, new.written, fate.new, anchor.at.beat, "with its bar's music", left)
    # Rewritten or ambiguous music: a mark printed once still says where the beat goes.
    if anchor.mark and anchor.mark in new.marks:
        place = new.marks[anchor.mark] + anchor.bars
        if _same_music(bars, old, place) or (fate.fate == "changed" and _unclaimed(bars, place)):
            return _by_mark(label, anchor, new, left)
    if fate.fate == "changed" and fate.new is not None:
        return _at(
            label, new.written, fate.new, anchor.at.beat, "with its bar, whose music changed", left
        )
    left.append(f"{label}: {fate.why}, so which bar the beat belongs to cannot be told")
    return None


def _same_music(bars: Recut, old: int, new: int) -> bool:
    return 0 <= new < len(bars.new.bars) and bars.new.prints[new] == bars.old.prints[old]


def _unclaimed(bars: Recut, new: int) -> bool:
    """A new bar no old bar's music went to: one the changed bar may have become."""
    return 0 <= new < len(bars.new.bars) and all(
        fate.new != new for fate in bars.fates.values() if fate.fate == "kept"
    )


def _by_mark(
    label: str, anchor: Anchor, new: _NewScore, left: list[str]
) -> tuple[Position, str] | None:
    """As many written bars after the beat's rehearsal mark as at the last sync."""
    index = new.marks.get(anchor.mark)
    if index is None:
        left.append(f"{label}: the score no longer prints mark {anchor.mark} once")
        return None
    bars = f"{anchor.bars} {'bar' if anchor.bars == 1 else 'bars'} after {anchor.mark}"
    return _at(label, new.written, index + anchor.bars, anchor.beat, bars, left)


def _at(
    label: str, written: MeasureMap, index: int, beat: float, followed: str, left: list[str]
) -> tuple[Position, str] | None:
    if not 0 <= index < len(written.measures):
        left.append(f"{label}: {followed} is past the score's end")
        return None
    try:
        # Position.of: a place the scene file can hold (not a bar numbered "12bis").
        return Position.of(written.measures[index].number, beat), followed
    except ValueError as error:
        left.append(f"{label}: {error.args[0]}")
        return None
