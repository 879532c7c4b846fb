"""Saves a scene on command, as one of several processes racing to save the same version.

Usage: ``save_race.py SCENE``. Commands on stdin, one a line; answers on stdout:

- ``load``: read the scene as it is now; answer ``loaded``.
- ``save TITLE``: save the scene as loaded with its title changed (``choreo.store.save_scene``,
  as the editor and every command save); answer ``saved``, ``conflict`` (the file changed
  since it was loaded) or ``locked`` (another process was saving it).
"""

from __future__ import annotations

import sys
from pathlib import Path

from choreo.errors import ConflictError
from choreo.lock import SceneLocked
from choreo.store import SceneFile, read_scene, save_scene


def main() -> None:
    scene = Path(sys.argv[1])
    loaded: SceneFile | None = None
    for line in sys.stdin:
        command, _, title = line.strip().partition(" ")
        if command == "load":
            loaded = read_scene(scene)
            print("loaded", flush=True)
        elif command == "save" and loaded is not None:
            try:
                save_scene(loaded, loaded.scene.model_copy(update={"title": title}))
                print("saved", flush=True)
            except ConflictError:
                print("conflict", flush=True)
            except SceneLocked:
                print("locked", flush=True)


if __name__ == "__main__":
    main()
