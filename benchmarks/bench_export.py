"""Export speed: 10,000 beats on a steady grid, to each format (target: Markdown < 1 s).

.venv/bin/python -m benchmarks export
"""

from __future__ import annotations

import statistics
import time

from ruamel.yaml import YAML

from choreo.export import FORMATS, export_scenes
from choreo.model import Scene
from choreo.timing import steady_grid
from tests.scene_texts import in_memory, long_scene_text

BEATS = 10_000
RUNS = 3


def main() -> None:
    # More beats than a scene file may hold (the reader refuses 100,000 lines): built in
    # memory from the same text the tests use.
    scene = Scene.model_validate(YAML(typ="safe").load(long_scene_text(BEATS)))
    scene_file = in_memory(scene)
    grid = steady_grid(scene_file.scene.score.tempo, BEATS // 4 + 1)
    for format in FORMATS:
        times = []
        for _ in range(RUNS):
            started = time.perf_counter()
            data = export_scenes([scene_file], format=format, measures=lambda _: grid)
            times.append(time.perf_counter() - started)
        print(
            f"   export {BEATS:,} beats to {format:<4}: {statistics.median(times):.3f} s "
            f"median of {RUNS} ({len(data) / 1e6:.1f} MB)",
            flush=True,
        )


if __name__ == "__main__":
    main()
