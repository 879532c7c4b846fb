"""Sync figures: 500 beats into Beethoven op. 132 (1,124 measures), push, pull and the drift check.

Target (issue 6): a sync in under 3 s once the measure map is cached (music21 itself needs
about 97 s to write this score). Printed, never asserted.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from choreo.timing import Measure
from tests.scene_texts import long_scene_text, write_scene

WORK = "corpus:beethoven/opus132"
BEATS = 500
TARGET_SECONDS = 3.0


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="choreo-bench-") as folder:
        saved = os.environ.get("CHOREO_CACHE_DIR")
        os.environ["CHOREO_CACHE_DIR"] = str(Path(folder) / "cache")  # never the user's
        try:
            _sync(Path(folder))
        finally:
            if saved is None:
                os.environ.pop("CHOREO_CACHE_DIR", None)
            else:
                os.environ["CHOREO_CACHE_DIR"] = saved


def _sync(folder: Path) -> None:
    from choreo.checks import ScoreReading, diagnose
    from choreo.score import load_measure_map, resolve_score, score_hash
    from choreo.store import read_scene
    from choreo.sync import pull, push
    from choreo.vocabulary import Vocabulary

    project = folder / "project"
    (project / "scenes").mkdir(parents=True)
    (project / "scores").mkdir()
    score = project / "scores" / "opus132.mxl"
    shutil.copyfile(resolve_score(WORK), score)  # a file of the project: no corpus look-up

    started = time.perf_counter()
    measures = load_measure_map(str(score))
    parse = time.perf_counter() - started
    print(
        f"   parse op. 132 once (then cached) {parse:8.2f} s  ({len(measures.measures)} measures)"
    )

    total = len(measures.measures)
    bars = [measures.measures[number * total // BEATS] for number in range(BEATS)]
    places = [f"{bar.number}:{bar.first_beat:g}" for bar in bars]
    text = long_scene_text(BEATS, score="../scores/opus132.mxl", places=places)
    scene_path = write_scene(project / "scenes", text, "quartet.yaml")

    runs = []
    for _ in range(3):
        started = time.perf_counter()
        result = push(read_scene(scene_path))
        runs.append(time.perf_counter() - started)
    best = statistics.median(runs)
    print(f"   push {BEATS} beats (read scene, write score copy, save scene, median of 3)")
    print(
        f"     {best:8.3f} s  ({TARGET_SECONDS / best:.1f}x inside the {TARGET_SECONDS:g} s target)"
    )
    print(f"     {result.beats} directions, {result.output.stat().st_size / 1e6:.1f} MB written")

    out = project / "quartet.mxl"
    started = time.perf_counter()
    push(read_scene(scene_path), out)
    print(f"   push to .mxl                      {time.perf_counter() - started:8.3f} s")

    started = time.perf_counter()
    pull(read_scene(scene_path))
    print(f"   pull marks                        {time.perf_counter() - started:8.3f} s")

    scene_file = read_scene(scene_path)
    started = time.perf_counter()
    changed = ScoreReading(replace(measures, content_hash="0" * 64))  # as if the score changed
    found = diagnose(scene_file.scene, changed, Vocabulary.bundled()).diagnostics
    drifted = sum(d.code == "score-drift" for d in found)
    print(
        f"   check against a changed hash      {time.perf_counter() - started:8.3f} s  "
        f"({drifted} drift lines)"
    )
    assert score_hash(score)  # the file the scene follows is still there

    _first_sync_scaling(project, measures.measures)

    command = [sys.executable, "-m", "choreo", "sync", str(scene_path)]
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env=dict(os.environ))
    elapsed = time.perf_counter() - started
    print(f"   `choreo sync` as a command        {elapsed:8.3f} s  (target < {TARGET_SECONDS:g} s)")


def _first_sync_scaling(project: Path, bars: tuple[Measure, ...]) -> None:
    """A first sync (no record yet) of 500 and of 2,000 beats: linear is about 4x."""
    from choreo.store import read_scene
    from choreo.sync import push

    seconds = {}
    for count in (500, 2000):
        chosen = [bars[n * len(bars) // count] for n in range(count)]
        places = [f"{bar.number}:{bar.first_beat:g}" for bar in chosen]
        text = long_scene_text(count, score="../scores/opus132.mxl", places=places)
        path = write_scene(project / "scenes", text, f"first-{count}.yaml")
        started = time.perf_counter()
        push(read_scene(path), project / f"first-{count}.mxl")
        seconds[count] = time.perf_counter() - started
    print(
        f"   first sync of 500 / 2,000 beats   {seconds[500]:8.3f} s / {seconds[2000]:.3f} s  "
        f"({seconds[2000] / seconds[500]:.1f}x for 4x the beats; was cubic: 111 s for 2,000)"
    )


if __name__ == "__main__":
    main()
