"""Run every benchmark: `python -m benchmarks` (or `python -m benchmarks score export`).

The truth audit, the kill soak and the fuzzing soak take minutes and are run by hand
only: `python -m benchmarks truth`, `python -m benchmarks kill`, `python -m benchmarks fuzz`.
`python -m benchmarks align` times `choreo align` on a 3-minute recording.

Each suite runs in an interpreter of its own, so what one leaves in memory (an exported
10,000-beat sheet, a parsed quartet) does not slow the next: the editor's figures, above
all, are those of an editor started afresh.
"""

from __future__ import annotations

import subprocess
import sys
import time

SUITES = ("score", "export", "sync", "tui", "align", "rehearsal", "abc", "play")


def main(names: list[str]) -> None:
    failed = []
    for name in names or SUITES:
        started = time.perf_counter()
        print(f"== {name}", flush=True)
        ran = subprocess.run(
            [sys.executable, "-c", f"from benchmarks.bench_{name} import main; main()"],
            check=False,
        )
        if ran.returncode != 0:
            failed.append(name)
        print(f"   ({time.perf_counter() - started:.1f} s)", flush=True)
    if failed:
        sys.exit(f"benchmarks that did not complete: {', '.join(failed)}")


if __name__ == "__main__":
    main(sys.argv[1:])
