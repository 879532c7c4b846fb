"""A few thousand mutated scenes and scores (MusicXML, .mxl, MIDI, ABC) through the real
entry points, the cheap share of the soak (`python -m benchmarks fuzz`): every one is read
or refused with one line, none ends in a traceback. Timings are printed, never asserted."""

from __future__ import annotations

import time
from pathlib import Path

from tests.safety_helpers.fuzzing import run


def test_mutated_scenes_and_scores_are_read_or_refused_with_one_line(tmp_path: Path) -> None:
    started = time.perf_counter()
    figures = run(2_000, tmp_path, seed=7, scores_share=0.05, cli_every=50, hang_seconds=10)
    print(f"\n{figures.line('fuzzing', time.perf_counter() - started)}")
    assert figures.inputs == 2_000 and figures.through_cli >= 1
    assert figures.refused > 0 and figures.accepted > 0
    assert figures.tracebacks == []
