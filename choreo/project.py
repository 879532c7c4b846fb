"""A scene's place in its project: plain path rules, no file is read here.

A project is the folder holding ``scenes/`` and ``scores/``; choreo writes only inside it
(or where the user's own ``-o`` says).
"""

from __future__ import annotations

import os
from pathlib import Path

from choreo.errors import ChoreoError


def project_of(scene_path: Path) -> Path:
    """The parent of the scene's ``scenes/`` folder, else the scene's own folder."""
    folder = scene_folder(scene_path)
    return folder.parent if folder.name == "scenes" else folder


def scene_folder(scene_path: Path) -> Path:
    """The folder a scene's relative paths (its ``score.file``) start from."""
    return scene_path.resolve().parent


def scores_folder(scene_path: Path) -> Path:
    """The project's ``scores/`` folder, where the settings screen offers scores from."""
    return project_of(scene_path) / "scores"


def reference_to(target: Path, scene_path: Path) -> str:
    """How a scene file names another file: relative to the scene's folder, with ``/``."""
    return Path(os.path.relpath(target.resolve(), scene_folder(scene_path))).as_posix()


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
