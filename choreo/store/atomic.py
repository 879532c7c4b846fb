"""Writing a file atomically: readers see the old file or the new one, never half.

Every file choreo writes goes through here: scenes, journals, exports, score copies and
the measure-map cache. A write is two steps, so a caller can make sure of one write
before it commits another (``sync`` commits the score copy only once the scene's save is
ready): :class:`PendingWrite` writes the new version to a hidden temp file beside the
target (``.NAME.RANDOM.tmp``) and flushes it; :meth:`PendingWrite.commit` renames it over.

A kill can land anywhere, so nothing a killed write leaves behind is trusted or kept:

- The writer holds an ``flock`` on its temp file from creation to rename; the kernel drops
  it with the process. The next write of the same file removes every temp file nobody
  holds, so leftovers never pile up.
- The backup ``NAME~`` is replaced by a rename, never deleted first: the old version is
  hard-linked to ``.NAME~.RANDOM.tmp`` (a partner of the temp file) and renamed over
  ``NAME~``, so once a backup exists there is one at every instant.
- New files get the user's umask (they are for the crew to read); a file that exists
  keeps its mode. Private state (journals, caches) asks for ``private``.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import re
import secrets
import stat
from pathlib import Path
from types import TracebackType

from choreo.errors import ChoreoError, SaveError

BACKUP_SUFFIX = "~"
_TEMP_SUFFIX = ".tmp"
_RANDOM_LETTERS = "abcdefghijklmnopqrstuvwxyz0123456789_"  # tempfile's, so old leftovers match
_RANDOM_LENGTH = 8
# `.` + stem + `~.` + random + `.tmp` must fit the 255 bytes most file systems allow.
_MAX_STEM_BYTES = 255 - len(".~.") - _RANDOM_LENGTH - len(_TEMP_SUFFIX)


def atomic_write(
    path: Path, data: bytes, *, backup: bool = True, private: bool = False, new: bool = False
) -> None:
    """Write, flush, fsync, rename over; a failure is a :class:`SaveError` and the file on
    disk is unchanged.

    ``path`` is the real file to write (see :func:`choreo.project.safe_target`): a link
    there is replaced, not followed. With ``backup`` the previous version stays beside it
    as ``NAME~``; ``private`` makes a new file 0600; ``new`` refuses to replace a file that
    exists by the time of the rename.
    """
    with PendingWrite(path, data, backup=backup, private=private, new=new) as pending:
        pending.commit()


class PendingWrite:
    """A new version of ``path`` written and flushed to a temp file, not yet in place.

    Use as a context manager: leaving the block without :meth:`commit` removes the temp
    file and leaves ``path`` as it was.
    """

    def __init__(
        self,
        path: Path,
        data: bytes,
        *,
        backup: bool = True,
        private: bool = False,
        new: bool = False,
    ) -> None:
        self.path = path
        self.backup = backup
        self.new = new
        self.committed = False
        self._stem = _temp_stem(path.name)
        self._descriptor: int | None = None
        self._temporary: Path | None = None
        try:
            remove_leftovers(path)
            existing = _regular_status(path)
            self._descriptor, self._temporary = _create_temporary(path.parent, self._stem, private)
            if existing is not None and not new:
                os.fchmod(self._descriptor, stat.S_IMODE(existing.st_mode))
            _write_all(self._descriptor, data)
            os.fsync(self._descriptor)
        except OSError as error:
            self.close()
            raise _save_error(error, path) from None
        except BaseException:
            self.close()
            raise

    def commit(self) -> None:
        """Put the new version in place (the old one as ``NAME~`` with ``backup``)."""
        assert self._temporary is not None and not self.committed
        try:
            if self.new:
                # A link fails if the name exists: nobody else's new file is replaced.
                os.link(self._temporary, self.path)
                os.unlink(self._temporary)
            else:
                if self.backup and _regular_status(self.path) is not None:
                    self._keep_backup()
                os.replace(self._temporary, self.path)
        except FileExistsError:
            raise ChoreoError("already exists; not overwriting it", where=self.path) from None
        except OSError as error:
            raise _save_error(error, self.path) from None
        self.committed = True
        self._temporary = None
        _fsync_folder(self.path.parent)

    def take_descriptor(self) -> int:
        """The committed file, open and ``flock``-ed, for a lock that moves onto it."""
        assert self.committed and self._descriptor is not None
        descriptor, self._descriptor = self._descriptor, None
        return descriptor

    def close(self) -> None:
        """Remove an uncommitted temp file (still holding its lock) and let go of it."""
        if self._temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(self._temporary)
            self._temporary = None
        if self._descriptor is not None:
            os.close(self._descriptor)
            self._descriptor = None

    def _keep_backup(self) -> None:
        assert self._temporary is not None
        random = self._temporary.name.removesuffix(_TEMP_SUFFIX).rsplit(".", 1)[1]
        partner = self.path.with_name(f".{self._stem}{BACKUP_SUFFIX}.{random}{_TEMP_SUFFIX}")
        try:
            os.link(self.path, partner)  # the old inode lives on under the backup's name
        except OSError as error:
            if error.errno not in (errno.EPERM, errno.ENOTSUP, errno.EXDEV, errno.EMLINK):
                raise
            _copy_file(self.path, partner)  # a file system without hard links
        os.replace(partner, self.path.with_name(self.path.name + BACKUP_SUFFIX))
        # Renaming a link onto another link of the same file does nothing (POSIX): after
        # a kill between the two renames NAME~ and NAME are one file, and the partner stays.
        with contextlib.suppress(FileNotFoundError):
            os.unlink(partner)

    def __enter__(self) -> PendingWrite:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


def remove_leftovers(path: Path) -> None:
    """Remove the temp files of writes of ``path`` whose writer is gone (killed mid-save).

    A temp file is in use exactly while its writer holds its ``flock``; a backup partner
    (``.NAME~.R.tmp``) is in use while its temp file (``.NAME.R.tmp``) is.
    """
    folder = path.parent
    stem = _temp_stem(path.name)
    pattern = re.compile(
        rf"\.{re.escape(stem)}(?P<backup>{re.escape(BACKUP_SUFFIX)})?"
        rf"\.(?P<random>[{_RANDOM_LETTERS}]{{{_RANDOM_LENGTH}}}){re.escape(_TEMP_SUFFIX)}"
    )
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        found = pattern.fullmatch(name)
        if found is None:
            continue
        temporary = folder / f".{stem}.{found['random']}{_TEMP_SUFFIX}"
        if found["backup"] and not os.path.lexists(temporary):
            # Its writer renamed it already (then this is gone too) or died.
            with contextlib.suppress(OSError):
                os.unlink(folder / name)
        elif not found["backup"]:
            partner = folder / f".{stem}{BACKUP_SUFFIX}.{found['random']}{_TEMP_SUFFIX}"
            _remove_if_abandoned(temporary, partner)


def _remove_if_abandoned(temporary: Path, partner: Path) -> None:
    try:
        descriptor = os.open(temporary, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return  # gone already, or not a file choreo made
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        if _names(temporary, descriptor):
            with contextlib.suppress(OSError):
                os.unlink(partner)
            os.unlink(temporary)
    except OSError:
        pass  # held: a live writer's
    finally:
        os.close(descriptor)


def _create_temporary(folder: Path, stem: str, private: bool) -> tuple[int, Path]:
    """A new temp file, open and locked; the mode lets the umask decide unless private."""
    mode = 0o600 if private else 0o666
    for _ in range(100):
        random = "".join(secrets.choice(_RANDOM_LETTERS) for _ in range(_RANDOM_LENGTH))
        temporary = folder / f".{stem}.{random}{_TEMP_SUFFIX}"
        try:
            descriptor = os.open(
                temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, mode
            )
        except FileExistsError:
            continue
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)  # a cleaner holds it only for a moment
        except BaseException:
            os.close(descriptor)
            raise
        if _names(temporary, descriptor):
            return descriptor, temporary
        os.close(descriptor)  # another save took it for a leftover before we locked it
    raise FileExistsError(errno.EEXIST, "no free temporary name", str(folder))


def _names(path: Path, descriptor: int) -> bool:
    """Whether ``path`` still names the file open on ``descriptor``."""
    try:
        named = os.lstat(path)
    except OSError:
        return False
    opened = os.fstat(descriptor)
    return (named.st_dev, named.st_ino) == (opened.st_dev, opened.st_ino)


def _temp_stem(name: str) -> str:
    """The file's name as its temp files carry it, cut to fit the file system's limit."""
    encoded = os.fsencode(name)
    return name if len(encoded) <= _MAX_STEM_BYTES else os.fsdecode(encoded[:_MAX_STEM_BYTES])


def _regular_status(path: Path) -> os.stat_result | None:
    """The file's status when a regular file is there; None when nothing (or a link,
    which is replaced) is. A folder, device, pipe or socket is never replaced."""
    try:
        status = os.lstat(path)
    except FileNotFoundError:
        return None
    if stat.S_ISDIR(status.st_mode):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    if stat.S_ISLNK(status.st_mode):
        return None
    if not stat.S_ISREG(status.st_mode):
        raise OSError(errno.EEXIST, "not a regular file (a device, pipe or socket)", str(path))
    return status


def _write_all(descriptor: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(descriptor, view) :]


def _copy_file(source: Path, target: Path) -> None:
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
    try:
        os.fchmod(descriptor, stat.S_IMODE(os.stat(source).st_mode))
        _write_all(descriptor, source.read_bytes())
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _save_error(error: OSError, path: Path) -> SaveError:
    return SaveError(
        f"could not save: {error.strerror or error}; the file on disk is unchanged", where=path
    )


def _fsync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
