"""Run every benchmark: `python -m benchmarks` (or `python -m benchmarks score export`).

The truth audit, the kill soak and the fuzzing soak take minutes and are run by hand
only: `python -m benchmarks truth`, `python -m benchmarks kill`, `python -m benchmarks fuzz`.
`python -m benchmarks align` times `choreo align` on a 3-minute recording.
"""

from __future__ import annotations

import importlib
import sys
import time

SUITES = ("score", "export", "sync", "tui", "align", "rehearsal", "abc", "play")


def main(names: list[str]) -> None:
    for name in names or SUITES:
        started = time.perf_counter()
        print(f"== {name}", flush=True)
        module = importlib.import_module(f"benchmarks.bench_{name}")
        module.main()
        print(f"   ({time.perf_counter() - started:.1f} s)", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
