"""Takes and gives up a scene's lock in a tight loop, checking nobody else holds it too.

Usage: ``lock_race.py SCENE MARKER ROUNDS``. While holding the lock, the process creates
``MARKER`` exclusively and removes it again: if that ever fails, two processes held the
lock at once. Prints ``ok TAKEN REFUSED`` or ``double``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from choreo.lock import SceneLock, SceneLocked


def main() -> int:
    scene, marker, rounds = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    taken = refused = 0
    for _ in range(rounds):
        try:
            lock = SceneLock.acquire(scene)
        except SceneLocked:
            refused += 1
            continue
        try:
            descriptor = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            print("double", flush=True)
            return 4
        os.close(descriptor)
        os.unlink(marker)
        lock.release()
        taken += 1
    print(f"ok {taken} {refused}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
