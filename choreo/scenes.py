"""What the commands do with scene files: write a new one, check several."""

from __future__ import annotations

import os
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from choreo.checks import Diagnostic, ScoreReading, diagnose
from choreo.errors import ChoreoError, RepeatsError, printable
from choreo.model import Scene, ScoreRef, id_from
from choreo.project import project_of, reference_to, safe_target
from choreo.scene_score import measures_for
from choreo.store import SCENE_SUFFIXES, SceneFile, atomic_write, new_scene_text, read_scene
from choreo.vocabulary import Vocabulary

Results = list[tuple[SceneFile, list[Diagnostic]]]
Order = Literal["written", "performed"]


@dataclass(frozen=True, slots=True)
class NewScene:
    path: Path
    order: Order
    note: str | None = None  # why a score with repeats is followed as written


def write_new_scene(path: Path, *, title: str, score: Path | None) -> NewScene:
    """A valid empty scene; its id is the file's stem, its score relative to it.

    A score with repeats or jumps gets ``order: performed``: the seconds are then what
    the orchestra plays.
    """
    if path.suffix not in SCENE_SUFFIXES:
        raise ChoreoError("a scene file ends in .yaml", where=path)
    target = safe_target(path, project=project_of(path), what="the scene")
    if os.path.lexists(target):
        raise ChoreoError("already exists; not overwriting it", where=path)
    folder = target.parent
    if not folder.is_dir() and (folder.name != "scenes" or not folder.parent.is_dir()):
        raise ChoreoError("no such folder", where=path.parent)
    reference = None
    order: Order = "written"
    note = None
    if score is not None:
        from choreo.score import resolve_score

        resolve_score(str(score))  # a missing file, a folder, a corpus work that is not there
        order, note = _order_of(str(score))
        reference = _reference(score, path)
    try:
        scene = Scene(
            id=id_from(path.stem) or "scene",
            title=title,
            score=ScoreRef(file=reference, order=order),
        )
    except ValidationError as error:
        problem = error.errors()[0]
        key = ".".join(str(part) for part in problem["loc"])
        raise ChoreoError(f"cannot make a scene: {key}: {problem['msg']}", where=path) from None
    _make_scenes_folder(folder)
    # `new`: another `choreo new` that got there first is not replaced.
    atomic_write(target, new_scene_text(scene).encode("utf-8"), backup=False, new=True)
    return NewScene(path, order, note)


def _make_scenes_folder(folder: Path) -> None:
    """A project's ``scenes/`` is made when missing (any other missing folder is a typo)."""
    try:
        folder.mkdir(exist_ok=True)
    except FileExistsError:
        pass  # a file by that name: the write says so
    except OSError as error:
        raise ChoreoError(
            f"cannot make the scenes folder: {error.strerror or error}", where=folder
        ) from None


def _order_of(score: str) -> tuple[Order, str | None]:
    """Performed order for a score with repeats; written, and why, where they are unclear."""
    from choreo.score import load_measure_map

    try:
        played = load_measure_map(score, performed=True)
    except RepeatsError as error:
        return "written", f"{error.message}; the scene follows the written order"
    return ("performed" if played.repeats else "written"), None


def _reference(score: Path, scene_path: Path) -> str:
    if str(score).startswith("corpus:"):
        return str(score)
    return reference_to(score, scene_path)


def check_files(
    paths: list[Path], *, progress: Callable[[str], AbstractContextManager[Any]]
) -> Results:
    """Load and lint each scene; the first unreadable file (or score) stops with its error."""
    vocabulary = Vocabulary.bundled()
    results: Results = []
    for path in paths:
        scene_file = read_scene(path)
        scene = scene_file.scene
        with progress(f"reading the score of {path}"):
            score = ScoreReading(measures_for(scene, path))
        diagnosis = diagnose(scene, score, vocabulary, line_of=scene_file.beat_line)
        results.append((scene_file, diagnosis.diagnostics))
    return results


def diagnostics_json(results: Results) -> list[dict[str, Any]]:
    rows = []
    for scene_file, found in results:
        for diagnostic in found:
            rows.append({**diagnostic.as_json(), "file": str(scene_file.path)})
    return rows


def diagnostics_text(results: Results) -> str:
    lines = []
    errors = warnings = 0
    for scene_file, found in results:
        for d in found:
            where = f"{scene_file.path}:{d.line}" if d.line else str(scene_file.path)
            beat = f" {d.beat}:" if d.beat else ""
            lines.append(printable(f"{where}: {d.severity}[{d.code}]{beat} {d.message}"))
            errors += d.severity == "error"
            warnings += d.severity == "warning"
    count = len(results)
    lines.append(
        f"{count} scene{'s' if count != 1 else ''} checked: "
        f"{errors} error{'s' if errors != 1 else ''}, "
        f"{warnings} warning{'s' if warnings != 1 else ''}"
    )
    return "\n".join(lines)
