"""A scene's place in its project: its score, its measure map, where outputs may go."""

from __future__ import annotations

from pathlib import Path

from choreo.errors import ChoreoError
from choreo.model import Scene
from choreo.timing import MeasureMap, steady_grid

# Room past the last beat on a steady grid, so a new beat at the end still has bars.
_GRID_SPARE_MEASURES = 16


def measures_for(scene: Scene, scene_path: Path, *, use_cache: bool = True) -> MeasureMap:
    """The scene's score as a measure map, or a steady 4/4 grid when it has none."""
    if not scene.score.file:
        return grid_for(scene)
    from choreo.score import load_measure_map  # music21 only when a score is asked for

    return load_measure_map(
        scene.score.file,
        base=_scene_folder(scene_path),
        part=scene.score.part,
        performed=scene.score.order == "performed",
        default_tempo=scene.score.tempo,
        use_cache=use_cache,
    )


def score_file(scene: Scene, scene_path: Path) -> Path | None:
    """The score file the scene follows (its ``score.file`` is relative to the scene)."""
    if not scene.score.file:
        return None
    from choreo.score import resolve_score

    return resolve_score(scene.score.file, _scene_folder(scene_path))


def score_digest(scene: Scene, scene_path: Path) -> str | None:
    """The content hash of the scene's score file, to notice when it changed."""
    path = score_file(scene, scene_path)
    if path is None:
        return None
    from choreo.score import score_hash

    return score_hash(path)


def grid_for(scene: Scene) -> MeasureMap:
    last = max((b.at.measure_value for b in scene.beats), default=0)
    return steady_grid(scene.score.tempo, last + _GRID_SPARE_MEASURES)


def project_of(scene_path: Path) -> Path:
    """The parent of the scene's ``scenes/`` folder, else the scene's own folder."""
    folder = _scene_folder(scene_path)
    return folder.parent if folder.name == "scenes" else folder


def _scene_folder(scene_path: Path) -> Path:
    return scene_path.resolve().parent


def inside_project(target: Path, project: Path, *, what: str) -> Path:
    """Refuse a path a scene file pointed at when it leaves the project folder."""
    resolved = target.resolve()
    if not resolved.is_relative_to(project.resolve()):
        raise ChoreoError(
            f"{what} would be written outside the project folder {project}",
            where=target,
            hint="give an output path with -o",
        )
    return resolved
