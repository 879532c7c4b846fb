"""A lock on a scene that lives exactly as long as the process holding it.

Two editors on one scene would each save over the other's work. The lock is an
``flock`` on a file in the user's state folder, held through an open descriptor: the
kernel drops it when the process ends in any way (SIGKILL, a power cut's reboot), so a
crash never leaves a stale lock behind to be cleared by hand.
"""

from __future__ import annotations

import contextlib
import datetime
import fcntl
import hashlib
import json
import os
import socket
import time
from pathlib import Path
from types import TracebackType

import platformdirs

from choreo.errors import ChoreoError

STATE_DIR_VARIABLE = "CHOREO_STATE_DIR"
# A contender that opened the lock file just before the holder removed it retries this
# often; more would mean someone is locking and releasing in a tight loop.
_ATTEMPTS = 5


def state_dir() -> Path:
    """The user's private state folder (locks, journals); ``CHOREO_STATE_DIR`` overrides."""
    override = os.environ.get(STATE_DIR_VARIABLE)
    return Path(override) if override else Path(platformdirs.user_state_dir("choreo"))


def scene_key(scene_path: Path) -> str:
    """One name per scene file however it is spelled (relative, via ``..``, a symlink)."""
    return hashlib.sha256(str(Path(scene_path).resolve()).encode("utf-8")).hexdigest()


def lock_path(scene_path: Path) -> Path:
    return state_dir() / "locks" / f"{scene_key(scene_path)}.lock"


class SceneLocked(ChoreoError):
    """Another live process holds the scene's lock."""

    def __init__(
        self, scene_path: Path, *, pid: int | None, host: str | None, since: float | None
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
        super().__init__(
            f"the scene is open in another choreo ({holder})",
            where=scene_path,
            hint="close it there first; the lock ends with that process",
        )


class SceneLock:
    """Held from :meth:`acquire` until :meth:`release`, the ``with`` block's end, or exit."""

    def __init__(self, scene_path: Path, path: Path, descriptor: int) -> None:
        self.scene_path = scene_path
        self.path = path
        self._descriptor: int | None = descriptor

    @classmethod
    def acquire(cls, scene_path: Path) -> SceneLock:
        """Take the scene's lock, or raise :class:`SceneLocked` naming who has it."""
        path = lock_path(scene_path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            for _ in range(_ATTEMPTS):
                descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
                try:
                    fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    if _still_named(path, descriptor):
                        _write_holder(descriptor, scene_path)
                        return cls(scene_path, path, descriptor)
                except BlockingIOError:
                    pid, host, since = _read_holder(descriptor)
                    os.close(descriptor)
                    raise SceneLocked(scene_path, pid=pid, host=host, since=since) from None
                except BaseException:
                    os.close(descriptor)  # never keep a lock nobody can release
                    raise
                # The holder released and removed the file between our open and our flock:
                # we locked an orphan that nobody else would see. Start again.
                os.close(descriptor)
        except OSError as error:
            raise ChoreoError(
                f"cannot lock the scene: {error.strerror or error}",
                where=path,
                hint=f"set {STATE_DIR_VARIABLE} to a folder you can write",
            ) from None
        raise ChoreoError("cannot lock the scene: its lock file keeps changing", where=path)

    @property
    def held(self) -> bool:
        return self._descriptor is not None

    def release(self) -> None:
        """Give the lock up; releasing twice is harmless."""
        descriptor, self._descriptor = self._descriptor, None
        if descriptor is None:
            return
        # Remove the name while still holding the lock, so a contender that opened the
        # old file notices (see `_still_named`) instead of sharing the scene.
        with contextlib.suppress(OSError):
            if _still_named(self.path, descriptor):
                self.path.unlink()
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


def _write_holder(descriptor: int, scene_path: Path) -> None:
    """Say who holds the lock; only for the message, so a full disk does not stop it."""
    record = {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "since": time.time(),
        "scene": str(Path(scene_path).resolve()),
    }
    with contextlib.suppress(OSError):
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, json.dumps(record).encode("utf-8"), 0)


def _read_holder(descriptor: int) -> tuple[int | None, str | None, float | None]:
    """Pid, host and start time as the lock file says; the holder may not have written yet."""
    try:
        record = json.loads(os.pread(descriptor, 4096, 0))
    except (OSError, ValueError):
        return None, None, None
    if not isinstance(record, dict):
        return None, None, None
    pid, host, since = record.get("pid"), record.get("host"), record.get("since")
    return (
        pid if isinstance(pid, int) and not isinstance(pid, bool) else None,
        " ".join(host.split())[:255] if isinstance(host, str) else None,
        float(since) if isinstance(since, int | float) else None,
    )
