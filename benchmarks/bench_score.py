"""Score engine figures: parse vs cached load, a read in process vs bounded in a child,
placing beats, start-up import time.

Targets (issue 3): a cached load at least 200x faster than a parse; 10,000 beats placed in
under 50 ms; ``choreo --help`` under 0.3 s. Printed, never asserted.
"""

from __future__ import annotations

import math
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from importlib.util import find_spec
from pathlib import Path

WORK = "corpus:beethoven/opus132"
BEATS = 10_000


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="choreo-bench-") as folder:
        saved = os.environ.get("CHOREO_CACHE_DIR")
        os.environ["CHOREO_CACHE_DIR"] = folder  # never the user's own cache
        try:
            _loads()
        finally:
            if saved is None:
                os.environ.pop("CHOREO_CACHE_DIR", None)
            else:
                os.environ["CHOREO_CACHE_DIR"] = saved
    _start_up()


def _loads() -> None:
    from choreo.score import load_measure_map

    started = time.perf_counter()
    import music21  # noqa: F401  - timed apart from the parse

    print(f"   import music21           {time.perf_counter() - started:8.3f} s")
    started = time.perf_counter()
    measures = load_measure_map(WORK, use_cache=False)
    parse = time.perf_counter() - started
    print(f"   parse {WORK} (uncached) {parse:8.3f} s  ({len(measures.measures)} measures)")

    _bounded_overhead()
    load_measure_map(WORK)  # parses once more and stores the entry
    cached = []
    for _ in range(20):
        started = time.perf_counter()
        again = load_measure_map(WORK)
        cached.append(time.perf_counter() - started)
    assert again == measures  # a benchmark of a wrong answer is no benchmark
    best = statistics.median(cached)
    print(f"   cached load (median of 20) {best * 1000:8.2f} ms")
    print(f"   cached / parse           {parse / best:8.0f}x faster  (target >= 200x)")
    _place_beats(measures)


def _bounded_overhead() -> None:
    """Every read runs in a bounded child process: what that costs on a small score."""
    from choreo.score.bounded import read_bounded
    from choreo.score.load import read_file

    path = Path(__file__).resolve().parent.parent / "scores" / "studio-waltz.musicxml"
    read_file(path, "musicxml")  # music21's own first-use work out of the figure
    inside = _median(lambda: read_file(path, "musicxml"))
    child = _median(
        lambda: read_bounded(
            path, "musicxml", part=0, default_tempo=120.0, source="", performed=False
        )
    )
    print(f"   read studio-waltz in process {inside:8.3f} s")
    print(f"   read studio-waltz bounded    {child:8.3f} s  ({child - inside:.3f} s more)")


def _median(run: Callable[[], object], runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _place_beats(measures: object) -> None:
    from choreo.model import Beat, Position
    from choreo.placement import Placement
    from choreo.timing import MeasureMap, Timecode

    assert isinstance(measures, MeasureMap)
    chance = random.Random(132)
    beats = []
    for number in range(BEATS):
        measure = chance.choice(measures.measures)
        beat = chance.uniform(measure.first_beat, measure.last_beat - 1e-3)
        at = Position(measure.number, math.floor(beat * 1000) / 1000)
        beats.append(Beat(id=f"b{number + 1}", at=at))
    placement = Placement(measures, Timecode.parse("01:00:00:00", 24.0))
    for labelled in (False, True):
        started = time.perf_counter()
        for beat in beats:
            placed = placement.place(beat)
            if labelled:
                str(placed.timecode)
        elapsed = time.perf_counter() - started
        what = "+ timecode labels" if labelled else "(start, end, s, count, TC)"
        print(f"   place {BEATS:,} beats {what:22} {elapsed * 1000:8.2f} ms  (target < 50 ms)")


def _start_up() -> None:
    if find_spec("choreo.cli") is None:
        print("   import choreo.cli         skipped (choreo/cli.py does not exist yet)")
        return
    baseline = _median_run([sys.executable, "-c", "pass"])
    imported = _median_run([sys.executable, "-c", "import choreo.cli"])
    helped = _median_run([sys.executable, "-m", "choreo", "--help"])
    print(f"   python -c pass           {baseline:8.3f} s")
    over = imported - baseline
    print(f"   import choreo.cli        {imported:8.3f} s  ({over:.3f} s over bare Python)")
    print(f"   choreo --help            {helped:8.3f} s  (target < 0.3 s)")


def _median_run(command: list[str], runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


if __name__ == "__main__":
    main()
