"""Reading the open scene's score, as plain code, and what the header says about it.

A score can take seconds to parse; the editor screen runs :func:`read_score` in its
worker while the beats sit on a steady 4/4 grid and the scene stays editable. A score
that cannot be read is said once, clearly, and the grid stays.
"""

from __future__ import annotations

import time
from pathlib import Path

from choreo.errors import ChoreoError
from choreo.model import Scene, format_beat
from choreo.scene_score import measures_for
from choreo.timing import MeasureMap

PROGRESS_SECONDS = 0.2  # how often the "parsing score…" line ticks


def read_score(scene: Scene, path: Path) -> tuple[MeasureMap, float]:
    """The scene's score as a measure map, and the seconds it took to read."""
    started = time.monotonic()
    measures = measures_for(scene, path)
    return measures, time.monotonic() - started


def no_score_status(scene: Scene) -> str:
    return f"no score — steady 4/4 at {format_beat(scene.score.tempo)}"


def reading_status(elapsed: float) -> str:
    return f"parsing score… {elapsed:.1f}s"


def read_status(scene: Scene, measures: MeasureMap) -> str:
    count = len(measures.measures)
    return f"score: {scene.score.file_name}, {count} bar{'s' if count != 1 else ''}"


def problem_of(error: BaseException) -> str:
    """Why the score could not be read, in one line."""
    if isinstance(error, ChoreoError):
        return error.message
    return str(error) or type(error).__name__


def failed_status(scene: Scene, problem: str) -> str:
    return f"steady grid — score {scene.score.file_name}: {problem}"
