"""The fuzzing soak: `python -m benchmarks fuzz` (information, not a CI gate; minutes).

``CHOREO_FUZZ_RUNS`` mutated scenes and scores (MusicXML, .mxl, MIDI, ABC), 20,000 unless
set, through choreo's real entry points in two processes; one score in 50 through
``choreo score`` itself. Prints how many were read, refused with one line, ended in a
traceback or took over 10 s of processor time (the aim is 0 and 0); those inputs are kept
in the folder it names.
"""

from __future__ import annotations

import os
import resource
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from tests.safety_helpers.fuzzing import Figures, run

RUNS = 20_000
SHARDS = 2
MEMORY_BYTES = 4 * 1024**3  # a fuzzed score read in process cannot take the machine down


def main() -> None:
    runs = int(os.environ.get("CHOREO_FUZZ_RUNS", str(RUNS)))
    folder = Path(tempfile.mkdtemp(prefix="choreo-fuzz-"))
    os.environ["CHOREO_CACHE_DIR"] = str(folder / "cache")  # never the user's own cache
    started = time.perf_counter()
    total = Figures()
    with ProcessPoolExecutor(SHARDS) as pool:
        shares = [runs // SHARDS + (shard < runs % SHARDS) for shard in range(SHARDS)]
        for found in pool.map(_shard, range(SHARDS), shares, [folder] * SHARDS):
            total.inputs += found.inputs
            total.accepted += found.accepted
            total.refused += found.refused
            total.through_cli += found.through_cli
            total.tracebacks += found.tracebacks
            total.slow += found.slow
            if found.longest > total.longest:
                total.longest, total.longest_input = found.longest, found.longest_input
    print(f"   {total.line('fuzzing soak', time.perf_counter() - started)}")
    for kept in total.tracebacks + total.slow:
        print(f"   {kept}")
    print(f"   inputs kept in {folder}")


def _shard(shard: int, runs: int, folder: Path) -> Figures:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    own = folder / f"shard-{shard}"
    own.mkdir()
    started = time.perf_counter()

    def progress(figures: Figures) -> None:
        line = figures.line(f"shard {shard}", time.perf_counter() - started)
        print(f"   {line}", flush=True)

    return run(runs, own, seed=16 + shard, scores_share=0.2, cli_every=50, progress=progress)


if __name__ == "__main__":
    main()
