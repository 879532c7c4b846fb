"""Tries to take a scene's lock in a process of its own.

Usage: ``lock_probe.py SCENE [--hold]``. Prints ``locked PID`` or ``refused MESSAGE``;
with ``--hold`` keeps the lock until stdin closes (or the process is killed).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from choreo.lock import SceneLock, SceneLocked


def main() -> int:
    try:
        lock = SceneLock.acquire(Path(sys.argv[1]))
    except SceneLocked as error:
        print(f"refused {error}", flush=True)
        return 3
    print(f"locked {os.getpid()}", flush=True)
    if "--hold" in sys.argv:
        sys.stdin.read()
    lock.release()
    return 0


if __name__ == "__main__":
    sys.exit(main())
