"""Export speed: 10,000 beats on a steady grid, to each format (target: Markdown < 1 s);
the PDF, typeset page by page with every performer's cue cards, from 1,000 beats.

.venv/bin/python -m benchmarks export
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from ruamel.yaml import YAML

from choreo.export import FORMATS, export_scenes
from choreo.model import Scene
from choreo.store import SceneFile
from choreo.timing import MeasureMap, steady_grid
from tests.scene_texts import in_memory, long_scene_text

BEATS = 10_000
RUNS = 3
# Typesetting is the slow format (about 140 pages and two long cue cards for 1,000 beats):
# fewer beats and one run keep the whole benchmark run short.
FEWER = {"pdf": (1_000, 1)}


def grid_for(grid: MeasureMap) -> Callable[[SceneFile], MeasureMap]:
    return lambda _: grid


def main() -> None:
    # More beats than a scene file may hold (the reader refuses 100,000 lines): built in
    # memory from the same text the tests use.
    for format in FORMATS:
        beats, runs = FEWER.get(format, (BEATS, RUNS))
        scene = Scene.model_validate(YAML(typ="safe").load(long_scene_text(beats)))
        scene_file = in_memory(scene)
        grid = steady_grid(scene_file.scene.score.tempo, beats // 4 + 1)
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            data = export_scenes([scene_file], format=format, measures=grid_for(grid))
            times.append(time.perf_counter() - started)
        print(
            f"   export {beats:,} beats to {format:<4}: {statistics.median(times):.3f} s "
            f"median of {runs} ({len(data) / 1e6:.1f} MB)",
            flush=True,
        )


if __name__ == "__main__":
    main()
