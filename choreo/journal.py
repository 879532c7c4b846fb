"""Unsaved edits kept in the user's state folder, so a crash loses seconds, not hours.

The editor writes the whole scene text as it would be saved every few seconds while
there are unsaved edits, clears it on save, and offers it back on open when the file on
disk is still the one the edits started from (``base_digest``).
"""

from __future__ import annotations

import contextlib
import json
import math
import time
from dataclasses import dataclass
from pathlib import Path

from choreo.demo import is_installed_demo
from choreo.lock import scene_key, state_dir
from choreo.store import MAX_SCENE_BYTES, atomic_write

JOURNAL_VERSION = 1
# JSON escapes can grow a scene's text several times (`\u00e9`); beyond this a journal is
# not one choreo wrote.
_MAX_JOURNAL_BYTES = 8 * MAX_SCENE_BYTES


@dataclass(frozen=True)
class Journal:
    text: str  # the whole scene text as it would be saved
    base_digest: str  # sha256 of the file on disk the edits started from
    saved_at: float  # time.time() when journaled


def journal_path(scene_path: Path) -> Path:
    return state_dir() / "journal" / f"{scene_key(scene_path)}.json"


def write_journal(scene_path: Path, text: str, base_digest: str) -> None:
    """Journal ``text`` atomically; raises :class:`~choreo.errors.SaveError` if it cannot.

    The demo installed with choreo has no journal: it cannot be saved, and the copy ``c``
    makes of it is another file, so its edits could never be restored, only left behind."""
    if is_installed_demo(scene_path):
        return
    path = journal_path(scene_path)
    record = {
        "version": JOURNAL_VERSION,
        "scene": str(Path(scene_path).resolve()),
        "text": text,
        "base_digest": base_digest,
        "saved_at": time.time(),
    }
    # mkdir failures surface from atomic_write as a SaveError naming the journal.
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    # ASCII JSON: any str the editor holds (even a lone surrogate) encodes without error.
    atomic_write(path, json.dumps(record).encode("ascii"), backup=False, private=True)


def read_journal(scene_path: Path) -> Journal | None:
    """The journal for this scene, or None when there is none or it cannot be trusted."""
    path = journal_path(scene_path)
    try:
        if path.stat().st_size > _MAX_JOURNAL_BYTES:
            return None
        record = json.loads(path.read_bytes())
    except (OSError, ValueError, RecursionError):
        # Absent, unreadable, not UTF-8, not JSON: a broken journal only means no offer.
        return None
    if not isinstance(record, dict) or record.get("version") != JOURNAL_VERSION:
        return None
    text, digest, saved_at = record.get("text"), record.get("base_digest"), record.get("saved_at")
    if record.get("scene") != str(Path(scene_path).resolve()):
        return None
    if not isinstance(text, str) or not isinstance(digest, str):
        return None
    if isinstance(saved_at, bool) or not isinstance(saved_at, int | float):
        return None
    if not math.isfinite(saved_at):
        return None
    return Journal(text=text, base_digest=digest, saved_at=float(saved_at))


def clear_journal(scene_path: Path) -> None:
    """Forget the journal; one that cannot be removed is only offered again, so no error."""
    with contextlib.suppress(OSError):
        journal_path(scene_path).unlink()
