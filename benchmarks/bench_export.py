"""Export speed: 10,000 beats on a steady grid, to each format (target: Markdown < 1 s).

.venv/bin/python -m benchmarks export
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from ruamel.yaml.comments import CommentedMap

from choreo.export import FORMATS, export_scenes
from choreo.model import Beat, CastMember, Scene, ScoreRef
from choreo.store import SceneFile
from choreo.timing import steady_grid

BEATS = 10_000
RUNS = 3
MOVES = [
    ("grand jeté", "flying kick"),
    ("fouetté", "knife slash"),
    ("pirouette", "spinning back kick"),
    ("plié", "block"),
    ("arabesque", "side kick"),
]


def long_scene(beats: int = BEATS) -> Scene:
    """Four beats a bar, every fifth with notes and a safety note, the way scenes read."""
    cast = [CastMember(id="eve", name="Eve", props=["knife"]), CastMember(id="guard1", name="G1")]
    rows = []
    for n in range(beats):
        ballet, combat = MOVES[n % len(MOVES)]
        rows.append(
            Beat(
                id=f"b{n + 1:05d}",
                at=f"{n // 4 + 1}:{n % 4 + 1}",
                ballet=ballet,
                combat=combat,
                performers=["eve", "guard1"],
                intensity=n % 5 + 1,
                hit=n % 4 == 0,
                notes="She turns | and <strikes> low" if n % 5 == 0 else None,
                safety="crash mat downstage left" if n % 5 == 0 else None,
            )
        )
    return Scene(
        id="bench", title="Ten thousand beats", score=ScoreRef(tempo=120), cast=cast, beats=rows
    )


def main() -> None:
    scene = long_scene()
    scene_file = SceneFile(Path("bench.yaml"), scene, CommentedMap(), "", "", (4, 2))
    grid = steady_grid(scene.score.tempo, BEATS // 4 + 1)
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
