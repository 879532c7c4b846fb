"""Drift: what changed under the scene since it was last synced with its score."""

from __future__ import annotations

from choreo.model import SyncRecord
from choreo.placement import place_beats
from choreo.store import SceneFile
from choreo.sync.record import tempo_summary
from choreo.timing import MeasureMap


def drift(scene_file: SceneFile, measures: MeasureMap, score_hash: str) -> list[str]:
    """Human lines: the score changed, its bars and tempi, and each beat that moved.

    Empty when the scene was never synced or the score is the one it was synced with.
    A beat counts as moved when it starts half a frame or more from where it was.
    """
    scene = scene_file.scene
    record = scene.score.synced
    if record is None or record.hash == score_hash:
        return []
    lines = ["the score changed since the last sync"]
    lines.extend(_score_lines(record, measures))
    tolerance = 0.5 / float(scene.score.fps)
    for spot in place_beats(scene, measures):
        before = record.beat_seconds.get(spot.beat.id)
        if before is None:
            continue  # added after the sync: nothing to compare with
        label = f"{spot.beat.id} at {spot.beat.at}"
        if spot.start_seconds is None:
            lines.append(f"{label} is outside the score now: {spot.problem}")
            continue
        moved = spot.start_seconds - before
        if abs(moved) >= tolerance:
            lines.append(
                f"{label} moved {_seconds(moved, signed=True)} "
                f"({_seconds(before)} → {_seconds(spot.start_seconds)})"
            )
    return lines


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
