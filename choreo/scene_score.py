"""The score a scene follows: its file, and its measure map from the score engine.

A scene without a score gets a steady 4/4 grid. The map carries the score file's content
hash (``MeasureMap.content_hash``), so nothing here hashes the file again.
"""

from __future__ import annotations

from pathlib import Path

from choreo.errors import SceneError
from choreo.model import Scene
from choreo.project import scene_folder, scores_folder
from choreo.recording_time import SyncPointError, follow_recording
from choreo.store import SceneFile
from choreo.timing import MeasureMap, steady_grid

# Room past the last beat on a steady grid, so a new beat at the end still has bars.
_GRID_SPARE_MEASURES = 16


def measures_for(scene: Scene, scene_path: Path, *, use_cache: bool = True) -> MeasureMap:
    """The scene's score as a measure map, or a steady 4/4 grid when it has none; with a
    recording, timed by the recording (its sync points)."""
    if not scene.score.file:
        measures = grid_for(scene)
    else:
        from choreo.score import load_measure_map  # music21 only when a score is asked for

        measures = load_measure_map(
            scene.score.file,
            base=scene_folder(scene_path),
            part=scene.score.part,
            performed=scene.score.order == "performed",
            default_tempo=scene.score.tempo,
            use_cache=use_cache,
        )
    return timed_by_recording(scene, scene_path, measures)


def timed_by_recording(scene: Scene, scene_path: Path, measures: MeasureMap) -> MeasureMap:
    """``measures`` in the recording's seconds when the scene names a recording, else as
    they are. A sync point the score cannot follow is a :class:`SceneError`."""
    if not scene.score.recording:
        return measures
    try:
        return follow_recording(measures, scene.score.sync)
    except SyncPointError as error:
        raise SceneError(f"score.sync: {error}", where=scene_path) from None


def measures_of(scene_file: SceneFile) -> MeasureMap:
    """The measure map of a scene as read from its file (what export is given)."""
    return measures_for(scene_file.scene, scene_file.path)


def score_file(scene: Scene, scene_path: Path) -> Path | None:
    """The score file the scene follows (its ``score.file`` is relative to the scene)."""
    if not scene.score.file:
        return None
    from choreo.score import resolve_score

    return resolve_score(scene.score.file, scene_folder(scene_path))


def score_key(scene: Scene) -> tuple[object, ...]:
    """What a scene's measure map is read from: another value means another map."""
    score = scene.score
    return (score.file, score.part, score.order, score.tempo, score.recording, tuple(score.sync))


def project_scores(scene_path: Path) -> list[Path]:
    """The score files in the scene's project ``scores/`` (not choreo's own sync copies)."""
    from choreo.score.files import FORMATS

    folder = scores_folder(scene_path)
    if not folder.is_dir():
        return []
    return sorted(
        path
        for path in folder.iterdir()
        if path.suffix.lower() in FORMATS
        and not path.name.endswith(".choreo.musicxml")
        and path.is_file()
    )


def project_recordings(scene_path: Path) -> list[Path]:
    """The recordings (audio files) in the scene's project ``scores/``."""
    from choreo.score.files import AUDIO

    folder = scores_folder(scene_path)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in AUDIO and p.is_file())


def grid_for(scene: Scene) -> MeasureMap:
    last = max((b.at.measure_value for b in scene.beats), default=0)
    last = max([last, *(p.at.measure_value for p in scene.score.sync)])
    return steady_grid(scene.score.tempo, last + _GRID_SPARE_MEASURES)
