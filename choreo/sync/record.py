"""What a sync remembers about the score: hash, measures, tempi, bars, seconds and anchors.

The record (:class:`choreo.model.SyncRecord`) lets ``check`` notice a changed score and
say which bars were inserted or cut, and ``--rebase`` follow the beats' bars and marks;
this module makes one from the score's measure map.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path

from choreo.errors import ChoreoError
from choreo.model import Anchor, Position, Scene, SyncRecord
from choreo.placement import PlacedBeat
from choreo.scene_score import measures_for, score_file
from choreo.timing import EPSILON, MeasureMap, OutsideScore, ScoreMark, tempo_summary


@dataclass(frozen=True)
class ScoreMaps:
    """The scene's measure map (its own order) and the written one (the file's order)."""

    scene: MeasureMap
    written: MeasureMap


def synced_score(scene: Scene, scene_path: Path) -> Path:
    """The scene's score file; a scene without one has nothing to sync with."""
    source = score_file(scene, scene_path)
    if source is None:
        raise ChoreoError(
            "the scene has no score to sync with",
            where=scene_path,
            hint="set score.file to a MusicXML file or corpus:PATH",
        )
    return source


def score_maps(scene: Scene, scene_path: Path) -> ScoreMaps:
    """Both maps from the score engine. A performed read caches the written map it was
    made from, so asking for the written one next parses nothing again."""
    synced_score(scene, scene_path)
    measures = measures_for(scene, scene_path)
    if measures.order == "written":
        return ScoreMaps(measures, measures)
    # The written order only to place directions: a recording's sync points name passes
    # the written order does not have.
    written: dict[str, object] = {"order": "written", "recording": None, "sync": []}
    unrolled = scene.model_copy(update={"score": scene.score.model_copy(update=written)})
    return ScoreMaps(measures, measures_for(unrolled, scene_path))


def sync_record(digest: str, maps: ScoreMaps, placed: list[PlacedBeat], scene: Scene) -> SyncRecord:
    measures = maps.scene
    return SyncRecord(
        hash=digest,
        measures=len(measures.measures),
        duration_seconds=round(measures.duration_seconds, 3),
        tempos=tempo_summary(measures),
        bars=maps.written.bars,
        beat_seconds={spot.beat.id: round(spot.start_seconds, 3) for spot in placed},
        anchors=anchors(scene, maps.written),
    )


# -- anchors ------------------------------------------------------------------------------


def anchor_marks(measures: MeasureMap) -> dict[str, int]:
    """Rehearsal marks a beat can follow, by text, with their written bar index.

    A text printed twice cannot say which one a beat followed, so it anchors nothing.
    """
    seen: dict[str, int] = {}
    repeated: set[str] = set()
    for mark in measures.marks:
        if mark.kind != "rehearsal":
            continue
        measure = measures.measure(mark.measure)
        if measure is None:
            continue
        if mark.text in seen:
            repeated.add(mark.text)
        seen[mark.text] = measure.index
    return {text: index for text, index in seen.items() if text not in repeated}


def anchors(scene: Scene, written: MeasureMap) -> dict[str, Anchor]:
    """Each beat's anchor: its place and the nearest rehearsal mark at or before it, in
    written order (just its place when no mark comes before it)."""
    marks = anchor_marks(written)
    by_time: list[tuple[float, str, int]] = []
    for mark in written.marks:
        if mark.text in marks:
            offset = _offset(written, mark)
            if offset is not None:
                by_time.append((offset, mark.text, marks[mark.text]))
    by_time.sort()
    times = [entry[0] for entry in by_time]
    found: dict[str, Anchor] = {}
    for beat in scene.beats:
        measure = written.measure(beat.at.measure)
        try:
            offset = written.offset_of(beat.at)
        except OutsideScore:
            continue
        before = bisect_right(times, offset + EPSILON)
        if measure is None:
            continue
        if before == 0:
            found[beat.id] = Anchor(at=beat.at)
            continue
        _, text, index = by_time[before - 1]
        found[beat.id] = Anchor(
            at=beat.at, mark=text, bars=measure.index - index, beat=beat.at.beat
        )
    return found


def _offset(measures: MeasureMap, mark: ScoreMark) -> float | None:
    try:
        return measures.offset_of(Position(mark.measure, mark.beat))
    except OutsideScore:
        return None
