"""The kill soak: 1,000 SIGKILLs during saves and syncs (issue 16, item 8).

After every kill the scene and its backup are whole and the score copy is whole XML;
after the next save no temp file is left. Information, run by hand
(`python -m benchmarks kill`, several minutes); CI runs a few dozen kills
(tests/test_safety_kills.py). Any failure stops it with the kill it happened at.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from tests.safety_helpers.kill_soak import soak

KILLS = {"save": 600, "sync": 400}


def main() -> None:
    for mode, kills in KILLS.items():
        with tempfile.TemporaryDirectory(prefix="choreo-kill-") as folder:
            report = soak(mode, Path(folder), kills)
        print(f"   {report.summary()}", flush=True)


if __name__ == "__main__":
    main()
