"""The demo project that comes with choreo: where it is, whether a path is in it, and
copying it into the user's folder.

An installed choreo carries the demo's ``scenes/`` and ``scores/`` inside the package, in
``choreo/demo/`` (the wheel's build puts them there); a source checkout's demo is its own
top level. The installed copy is read-only: it belongs to the installation (the next
upgrade replaces it), so choreo writes nothing into it and offers a copy instead.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from choreo.errors import ChoreoError

PACKAGE = Path(__file__).resolve().parent
INSTALLED = PACKAGE / "demo"
FOLDERS = ("scenes", "scores")
READ_ONLY = "the demo that comes with choreo is read-only"
HOW_TO_COPY = "run `choreo` in your own folder and press c to copy the demo there"


def demo_project() -> Path:
    """The folder holding the demo's ``scenes/`` and ``scores/``."""
    return INSTALLED if INSTALLED.is_dir() else PACKAGE.parent


def demo_scenes() -> Path:
    return demo_project() / "scenes"


def is_installed_demo(path: Path) -> bool:
    """Is ``path`` (a file or folder, links followed) inside the installed, read-only demo?"""
    return Path(os.path.realpath(path)).is_relative_to(INSTALLED)


def copy_demo(into: Path) -> Path:
    """Copy the demo's ``scenes/`` and ``scores/`` into ``into``; its new ``scenes/``.

    Nothing is overwritten: when any file of the copy is there already, nothing is copied.
    The copies are new files with the user's permissions, not the installation's."""
    source = demo_project()
    files = [
        path.relative_to(source)
        for folder in FOLDERS
        for path in sorted((source / folder).rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    ]
    there = [name for name in files if os.path.lexists(into / name)]
    if there:
        raise ChoreoError(
            f"not copying the demo: {there[0].as_posix()} is already there",
            where=into,
            hint="copy it into an empty folder",
        )
    try:
        for name in files:
            (into / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source / name, into / name)
    except OSError as error:
        raise ChoreoError(
            f"could not copy the demo: {error.strerror or error}", where=into
        ) from None
    return into / "scenes"


def read_only_notice(scene_path: Path) -> str | None:
    """What the editor says on opening a scene of the installed demo; None for any other."""
    if not is_installed_demo(scene_path):
        return None
    return f"{READ_ONLY}: edits here are not saved. Escape to the scene list, c copies it."
