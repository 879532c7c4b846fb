"""A lock on a scene that lives exactly as long as the process holding it.

Two editors on one scene would each save over the other's work, and two commands saving
the same version would each think theirs won. The lock is an ``flock`` on the scene file
itself, so it belongs to the file's identity (device and inode), not a name: every
spelling, symlink and hard link of the scene, and every user's state folder, meets the
same lock. The kernel drops it when the process ends in any way (SIGKILL, a power cut's
reboot), so a crash never leaves a stale lock behind to be cleared by hand.

A save replaces the file with a new one (a rename), so the lock moves with it: the new
file is locked before it takes the name (see :meth:`SceneLock.moved_to`). Who holds a
lock is written, for the message only, to the user's state folder.
"""

from __future__ import annotations

import contextlib
import datetime
import fcntl
import hashlib
import json
import os
import socket
import stat
import time
from pathlib import Path
from types import TracebackType

import platformdirs

from choreo.errors import ChoreoError

STATE_DIR_VARIABLE = "CHOREO_STATE_DIR"
# A contender that opened the scene just before a save renamed a new file over it retries
# this often; more would mean someone is saving in a tight loop.
_ATTEMPTS = 5


def state_dir() -> Path:
    """The user's private state folder (journals, who holds a lock); ``CHOREO_STATE_DIR``
    overrides."""
    override = os.environ.get(STATE_DIR_VARIABLE)
    return Path(override) if override else Path(platformdirs.user_state_dir("choreo"))


def scene_key(scene_path: Path) -> str:
    """One name per scene file however it is spelled (relative, via ``..``, a symlink)."""
    return hashlib.sha256(str(Path(scene_path).resolve()).encode("utf-8")).hexdigest()


def holder_path(status: os.stat_result) -> Path:
    """Where the holder of the lock on this file says who it is."""
    return state_dir() / "locks" / f"{status.st_dev}-{status.st_ino}.json"


class SceneLocked(ChoreoError):
    """Another live process holds the scene's lock."""

    def __init__(
        self,
        scene_path: Path,
        *,
        pid: int | None,
        host: str | None,
        since: float | None,
        doing: str | None = None,
    ) -> None:
        self.pid = pid
        self.host = host
        self.since = since
        holder = f"process {pid}" if pid is not None else "another process"
        if host:
            holder += f" on {host}"
        if since is not None:
            with contextlib.suppress(ValueError, OverflowError, OSError):  # a garbled file
                stamp = datetime.datetime.fromtimestamp(since).astimezone()
                holder += f" since {stamp:%Y-%m-%d %H:%M:%S %Z}"
        if doing == "saving":
            message, hint = f"another choreo is saving the scene ({holder})", "try again"
        else:
            message = f"the scene is open in another choreo ({holder})"
            hint = "close it there first; the lock ends with that process"
        super().__init__(message, where=scene_path, hint=hint)


class SceneLock:
    """Held from :meth:`acquire` until :meth:`release`, the ``with`` block's end, or exit."""

    def __init__(self, scene_path: Path, descriptor: int, doing: str) -> None:
        self.scene_path = scene_path
        self.doing = doing
        self._descriptor: int | None = descriptor
        self._holder = _write_holder(descriptor, scene_path, doing)

    @classmethod
    def acquire(cls, scene_path: Path, *, doing: str = "open") -> SceneLock:
        """Lock the scene file, or raise :class:`SceneLocked` naming who has it.

        ``doing`` says what the holder does, for the message a contender gets: the
        editor has the scene ``open``, a command is ``saving`` it.
        """
        try:
            for _ in range(_ATTEMPTS):
                descriptor = os.open(scene_path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
                try:
                    if not stat.S_ISREG(os.fstat(descriptor).st_mode):
                        raise ChoreoError("cannot lock the scene: not a file", where=scene_path)
                    fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    if _still_named(scene_path, descriptor):
                        return cls(scene_path, descriptor, doing)
                except BlockingIOError:
                    pid, host, since, what = _read_holder(os.fstat(descriptor))
                    os.close(descriptor)
                    raise SceneLocked(
                        scene_path, pid=pid, host=host, since=since, doing=what
                    ) from None
                except BaseException:
                    os.close(descriptor)  # never keep a lock nobody can release
                    raise
                # A save renamed a new file over the name between our open and our flock:
                # we locked the old file, which nobody else will look at. Start again.
                os.close(descriptor)
        except OSError as error:
            raise ChoreoError(
                f"cannot lock the scene: {error.strerror or error}", where=scene_path
            ) from None
        raise ChoreoError("cannot lock the scene: it keeps being replaced", where=scene_path)

    @property
    def held(self) -> bool:
        return self._descriptor is not None

    def moved_to(self, descriptor: int) -> None:
        """The scene was saved as a new file, already locked on ``descriptor``: hold that
        one from now on and let the old one go."""
        old, self._descriptor = self._descriptor, descriptor
        _forget_holder(self._holder)
        self._holder = _write_holder(descriptor, self.scene_path, self.doing)
        if old is not None:
            os.close(old)

    def release(self) -> None:
        """Give the lock up; releasing twice is harmless."""
        descriptor, self._descriptor = self._descriptor, None
        if descriptor is None:
            return
        _forget_holder(self._holder)
        os.close(descriptor)

    def __enter__(self) -> SceneLock:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.release()

    def __repr__(self) -> str:
        state = "held" if self.held else "released"
        return f"SceneLock({str(self.scene_path)!r}, {state})"


def _still_named(path: Path, descriptor: int) -> bool:
    """Whether ``path`` still names the file open on ``descriptor``."""
    try:
        named = os.stat(path)
    except FileNotFoundError:
        return False
    opened = os.fstat(descriptor)
    return (named.st_dev, named.st_ino) == (opened.st_dev, opened.st_ino)


def _write_holder(descriptor: int, scene_path: Path, doing: str) -> Path | None:
    """Say who holds the lock; only for the message, so a full disk does not stop it."""
    record = {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "since": time.time(),
        "doing": doing,
        "scene": str(Path(scene_path).resolve()),
    }
    path = holder_path(os.fstat(descriptor))
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        written = os.open(
            path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600
        )
        try:
            os.write(written, json.dumps(record).encode("utf-8"))
        finally:
            os.close(written)
    except OSError:
        return None
    return path


def _forget_holder(path: Path | None) -> None:
    if path is not None:
        with contextlib.suppress(OSError):
            path.unlink()


def _read_holder(
    status: os.stat_result,
) -> tuple[int | None, str | None, float | None, str | None]:
    """Pid, host, start time and what it does, as the holder says; the holder may not have
    written yet, or keep its state elsewhere."""
    try:
        with holder_path(status).open("rb") as handle:
            record = json.loads(handle.read(4096))
    except (OSError, ValueError):
        return None, None, None, None
    if not isinstance(record, dict):
        return None, None, None, None
    pid, host, since = record.get("pid"), record.get("host"), record.get("since")
    doing = record.get("doing")
    return (
        pid if isinstance(pid, int) and not isinstance(pid, bool) else None,
        " ".join(host.split())[:255] if isinstance(host, str) else None,
        float(since) if isinstance(since, int | float) else None,
        doing if doing in ("open", "saving") else None,
    )
