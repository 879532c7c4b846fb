"""Drift: what changed under the scene since it was last synced with its score."""

from __future__ import annotations

from dataclasses import dataclass

from choreo.model import Scene, SyncRecord
from choreo.placement import UnplacedBeat, place_beats
from choreo.sync.record import tempo_summary
from choreo.timing import MeasureMap


@dataclass(frozen=True, slots=True)
class Change:
    """One thing that moved: in the score as a whole (``beat`` None), or one beat."""

    beat: str | None
    message: str

    def __str__(self) -> str:
        return f"{self.beat} {self.message}" if self.beat else self.message


def score_changed(scene: Scene, score_hash: str) -> bool:
    """Whether the scene was synced with a score other than the one hashed now."""
    record = scene.score.synced
    return record is not None and record.hash != score_hash


def changes(scene: Scene, measures: MeasureMap, score_hash: str) -> list[Change]:
    """The score's bars, length and tempi, then each beat, where they differ from the sync.

    A beat counts as moved when it starts half a frame or more from where it was.
    """
    record = scene.score.synced
    if record is None or not score_changed(scene, score_hash):
        return []
    found = [Change(None, line) for line in _score_lines(record, measures)]
    tolerance = 0.5 / float(scene.score.fps)
    for spot in place_beats(scene, measures):
        before = record.beat_seconds.get(spot.beat.id)
        if before is None:
            continue  # added after the sync: nothing to compare with
        where = f"at {spot.beat.at}"
        if isinstance(spot, UnplacedBeat):
            found.append(Change(spot.beat.id, f"{where} is outside the score now: {spot.problem}"))
            continue
        moved = spot.start_seconds - before
        if abs(moved) >= tolerance:
            found.append(
                Change(
                    spot.beat.id,
                    f"{where} moved {_seconds(moved, signed=True)} "
                    f"({_seconds(before)} → {_seconds(spot.start_seconds)})",
                )
            )
    return found


def _score_lines(record: SyncRecord, measures: MeasureMap) -> list[str]:
    lines = []
    count = len(measures.measures)
    if count != record.measures:
        lines.append(f"measures: {record.measures} → {count}")
    duration = measures.duration_seconds
    if abs(duration - record.duration_seconds) >= 0.001:
        lines.append(f"length: {_seconds(record.duration_seconds)} → {_seconds(duration)}")
    tempos = tempo_summary(measures)
    if record.tempos and tempos != record.tempos:
        lines.append(f"tempo map: {record.tempos} → {tempos}")
    return lines


def _seconds(value: float, *, signed: bool = False) -> str:
    text = f"{value:+.2f}" if signed else f"{value:.2f}"
    return f"{text} s"
