"""Writing a file atomically: readers see the old file or the new one, never half.

Every file choreo writes goes through :func:`atomic_write`: scenes, journals, exports,
score copies and the measure-map cache.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from choreo.errors import SaveError

BACKUP_SUFFIX = "~"


def atomic_write(path: Path, data: bytes, *, backup: bool = True) -> None:
    """Write, flush, fsync, rename over; a failure is a :class:`SaveError` and the file on
    disk is unchanged.

    With ``backup`` the previous version stays beside it as ``NAME~``. A symlink keeps
    pointing at the file it named: the write goes to its target.
    """
    path = path.resolve() if path.is_symlink() else path
    folder = path.parent
    descriptor = -1
    temporary = ""
    try:
        descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
        with os.fdopen(descriptor, "wb") as handle:
            descriptor = -1
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            os.chmod(temporary, path.stat().st_mode & 0o777)
            if backup:
                _keep_backup(path)
        os.replace(temporary, path)
        temporary = ""
        _fsync_folder(folder)
    except OSError as error:
        raise SaveError(
            f"could not save: {error.strerror or error}; the file on disk is unchanged",
            where=path,
        ) from None
    finally:
        if descriptor >= 0:
            os.close(descriptor)
        if temporary:
            with contextlib.suppress(OSError):
                os.unlink(temporary)


def _keep_backup(path: Path) -> None:
    backup = path.with_name(path.name + BACKUP_SUFFIX)
    with contextlib.suppress(FileNotFoundError):
        os.unlink(backup)
    try:
        os.link(path, backup)  # the old inode lives on under the backup name
    except OSError:
        backup.write_bytes(path.read_bytes())


def _fsync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
