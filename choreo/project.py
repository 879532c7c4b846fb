"""A scene's place in its project, and where choreo may write: path rules, no file read.

A project is the folder holding ``scenes/`` and ``scores/``; choreo writes only inside it
(or where the user's own ``-o`` says). Every write asks :func:`safe_target` first, so a
link planted in a project (a ``scenes/`` folder, a scene file, a ``NAME.md``, a dangling
link where a new file goes) cannot carry a write outside it.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from choreo.demo import HOW_TO_COPY, READ_ONLY, is_installed_demo
from choreo.errors import ChoreoError, SaveError

_DEFAULT_NAME_MAX = 255  # bytes; what nearly every file system allows in one name


def project_of(scene_path: Path) -> Path:
    """The parent of the scene's ``scenes/`` folder, else the scene's own folder.

    Found from the path as given, not through links: a project's links do not move it.
    """
    folder = Path(os.path.abspath(scene_path)).parent
    return folder.parent if folder.name == "scenes" else folder


def scene_folder(scene_path: Path) -> Path:
    """The folder a scene's relative paths (its ``score.file``) start from."""
    return scene_path.resolve().parent


def scores_folder(scene_path: Path) -> Path:
    """The project's ``scores/`` folder, where the settings screen offers scores from."""
    return project_of(scene_path) / "scores"


def reference_to(target: Path, scene_path: Path) -> str:
    """How a scene file names another file: relative to the scene's folder, with ``/``."""
    return Path(os.path.relpath(target.resolve(), scene_folder(scene_path))).as_posix()


def safe_target(target: Path, *, project: Path | None, what: str = "the file") -> Path:
    """The real file a write to ``target`` lands on, or a :class:`ChoreoError`.

    ``project`` is None only for the user's own ``-o``, which may lead anywhere, links
    included; every other write must land inside the project. Either way a name too long
    for the file system, a folder, a device, a pipe or a socket is refused: choreo replaces
    only regular files.
    """
    _refuse_long_names(target)
    try:
        real = target.resolve()
        status = os.lstat(real)
    except FileNotFoundError:
        status = None
    except (OSError, RuntimeError) as error:  # a link loop, a file where a folder should be
        raise SaveError(
            f"could not save: {_reason(error)}; the file on disk is unchanged", where=target
        ) from None
    if project is not None and is_installed_demo(real):
        raise ChoreoError(f"{READ_ONLY}: {what} is not written", where=target, hint=HOW_TO_COPY)
    if project is not None:
        home = project.resolve()
        if not real.is_relative_to(home):
            through = Path(os.path.abspath(target)).is_relative_to(Path(os.path.abspath(project)))
            raise ChoreoError(
                f"{what} would be written outside the project folder {project}"
                + (f" through a link (to {real})" if through else ""),
                where=target,
                hint="write the file where it really is, or give an output path with -o",
            )
    if status is not None and stat.S_ISDIR(status.st_mode):
        raise ChoreoError(f"is a folder; {what} is a file", where=target)
    if status is not None and not stat.S_ISREG(status.st_mode):
        raise ChoreoError(
            "is a device, pipe or socket, not a file; not replacing it",
            where=target,
            hint="give a file name",
        )
    return real


def _refuse_long_names(target: Path) -> None:
    limit = _name_limit(target)
    for part in target.parts:
        size = len(os.fsencode(part))
        if size > limit:
            raise ChoreoError(
                f"a name in this path is {size} bytes, more than the {limit} the file "
                "system allows",
                where=_shortened(target),
            )


def _name_limit(target: Path) -> int:
    folder = Path(os.path.abspath(target)).parent
    while True:
        try:
            return os.pathconf(folder, "PC_NAME_MAX")
        except (OSError, ValueError):
            if folder.parent == folder:
                return _DEFAULT_NAME_MAX
            folder = folder.parent


def _shortened(target: Path) -> str:
    """A path that fits on one line of an error message."""
    text = str(target)
    return text if len(text) <= 120 else f"{text[:60]}…{text[-40:]}"


def _reason(error: BaseException) -> str:
    return (error.strerror if isinstance(error, OSError) else None) or str(error)
