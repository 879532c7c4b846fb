"""Reading the open scene's score in a worker, with a ticking progress line in the header.

A score can take seconds to parse; meanwhile the beats sit on a steady 4/4 grid and the
scene stays editable. A score that cannot be read is said once, clearly, and the grid
stays. Either way the editor is told when the beats' times are final.
"""

from __future__ import annotations

import time
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from textual.timer import Timer

from choreo.errors import ChoreoError
from choreo.model import Scene, format_beat
from choreo.scene_score import measures_for
from choreo.tui.messages import ScoreRead

if TYPE_CHECKING:
    from choreo.tui.screens.editor import EditorScreen

PROGRESS_SECONDS = 0.2  # how often the "parsing score…" line ticks


class ScoreLoading:
    """The score of the scene open in one editor screen: reading it, and what came of it."""

    def __init__(self, screen: EditorScreen) -> None:
        self.screen = screen
        self._timer: Timer | None = None
        self._started = 0.0

    def start(self) -> None:
        """Read the session's score again (on opening, or after a reload)."""
        session, header = self.screen.session, self.screen.header
        assert session is not None
        scene = session.scene
        session.score = None
        session.score_problem = None
        header.score_failed = False
        if not scene.score.file:
            header.score_busy = False
            header.score_status = f"no score — steady 4/4 at {format_beat(scene.score.tempo)}"
            self.screen.score_known()
            return
        header.score_busy = True
        self._started = time.monotonic()
        self._tick()
        if self._timer is None:
            self._timer = self.screen.set_interval(PROGRESS_SECONDS, self._tick)
        else:
            self._timer.resume()
        self.screen.run_worker(
            partial(self._read, scene, self.screen.path),
            name="read_score",
            group="score",
            description=f"reading the score {scene.score.file_name}",
            exclusive=True,
            exit_on_error=False,
            thread=True,
        )

    def _read(self, scene: Scene, path: Path) -> None:
        """In a thread: parse the score into a measure map and post it."""
        started = time.monotonic()
        measures = measures_for(scene, path)
        self.screen.post_message(ScoreRead(measures, time.monotonic() - started))

    def _tick(self) -> None:
        elapsed = time.monotonic() - self._started
        self.screen.header.score_status = f"parsing score… {elapsed:.1f}s"

    def _stop_ticking(self) -> None:
        if self._timer is not None:
            self._timer.pause()
        self.screen.header.score_busy = False

    def read(self, message: ScoreRead) -> None:
        """The worker read the score."""
        session = self.screen.session
        assert session is not None
        self._stop_ticking()
        session.score = message.measures
        name = session.scene.score.file_name
        count = len(message.measures.measures)
        self.screen.header.score_status = f"score: {name}, {count} bar{'s' if count != 1 else ''}"
        self.screen.score_known()

    def failed(self, error: BaseException) -> None:
        """The worker could not read the score: say why; the beats stay on the grid."""
        session = self.screen.session
        assert session is not None
        self._stop_ticking()
        problem = (
            error.message if isinstance(error, ChoreoError) else str(error) or type(error).__name__
        )
        session.score_problem = problem
        name = session.scene.score.file_name
        self.screen.header.score_failed = True
        self.screen.header.score_status = f"steady grid — score {name}: {problem}"
        self.screen.notify(
            f"{error}\nThe beats sit on a steady 4/4 grid meanwhile.",
            title="The score could not be read",
            severity="error",
            timeout=8,
        )
        self.screen.score_known()
