"""choreo's cache of read scenes: the scene a file's bytes describe, as JSON.

Reading a scene's YAML with its comments is pure Python and slow (about a millisecond a
beat); validating the same scene from JSON takes a fiftieth of that. So the scene read
from a file's bytes is kept, keyed by those bytes, the scene model's own source and
:data:`CACHE_VERSION`: a changed file or a changed model is a miss. An entry is written
only for bytes that were read in full (every hostile check passed) or were just written
from the scene; one that cannot be read is a miss, never a crash. The YAML tree a save
merges into is then read from the text only when a save needs it.

The cache is data, not trust: entries are read only from a folder the user alone owns
and can write (another user could otherwise plant a scene the file does not say), and
the scene in one is validated as a file's scene is.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from choreo.errors import SaveError
from choreo.model import Scene
from choreo.store.atomic import atomic_write

CACHE_VERSION = 1  # bump when what an entry holds changes
ENTRIES_KEPT = 64  # the scenes opened most recently; a 2,000-beat scene is ~0.5 MB
MAX_ENTRY_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class CachedScene:
    scene: Scene
    indent: tuple[int, int]  # the file's sequence indent and dash offset


def cache_root() -> Path:
    """``CHOREO_CACHE_DIR`` when set, else the user's cache folder for choreo."""
    override = os.environ.get("CHOREO_CACHE_DIR", "").strip()
    if override:
        return Path(override).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("choreo"))


def scene_cache_folder() -> Path:
    return cache_root() / "scenes"


def private_folder(folder: Path) -> bool:
    """The folder is a real folder, the user's own, and nobody else may write in it.

    ``mkdir``'s mode is cut by the umask, and a folder made earlier may be loose: make it
    0700 when it is ours; refuse it when it is not."""
    try:
        found = folder.lstat()
        if not stat.S_ISDIR(found.st_mode) or found.st_uid != os.getuid():
            return False
        if stat.S_IMODE(found.st_mode) != 0o700:
            folder.chmod(0o700)
    except OSError:
        return False
    return True


@cache
def model_fingerprint() -> str:
    """The scene model's source: an entry made by another model is a miss."""
    import pydantic

    import choreo.model

    digest = hashlib.sha256(f"{CACHE_VERSION} {pydantic.VERSION}".encode())
    for source in sorted(Path(choreo.model.__file__).parent.glob("*.py")):
        digest.update(source.name.encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()


def _entry_key(file_digest: str) -> str:
    return hashlib.sha256(f"{model_fingerprint()} {file_digest}".encode()).hexdigest()


def cached_scene(file_digest: str) -> CachedScene | None:
    """The scene read before from bytes with this digest, or ``None``."""
    key = _entry_key(file_digest)
    folder = scene_cache_folder()
    if not private_folder(folder):
        return None
    try:
        with (folder / f"{key}.json").open("rb") as entry:
            raw = entry.read(MAX_ENTRY_BYTES + 1)
        if len(raw) > MAX_ENTRY_BYTES:
            return None
        data: Any = json.loads(raw.decode("utf-8"))
        if not isinstance(data, dict) or data.get("key") != key:
            return None
        sequence_indent, offset = data["indent"]
        scene = Scene.model_validate(data["scene"])
        return CachedScene(scene, (int(sequence_indent), int(offset)))
    except (OSError, ValueError, TypeError, KeyError, RecursionError, ValidationError):
        return None


def remember_scene(file_digest: str, cached: CachedScene) -> None:
    """Keep the scene read from (or written as) bytes with this digest; a cache that
    cannot be written is skipped."""
    key = _entry_key(file_digest)
    folder = scene_cache_folder()
    entry = {
        "key": key,
        "indent": list(cached.indent),
        "scene": cached.scene.model_dump(mode="json", by_alias=True),
    }
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not private_folder(folder):
            return
        data = json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        atomic_write(folder / f"{key}.json", data, backup=False, private=True)
        _forget_oldest(folder)
    except (OSError, SaveError):
        return


def _forget_oldest(folder: Path) -> None:
    entries = list(folder.glob("*.json"))
    if len(entries) <= ENTRIES_KEPT:
        return
    entries.sort(key=lambda entry: entry.stat().st_mtime)
    for entry in entries[: len(entries) - ENTRIES_KEPT]:
        entry.unlink(missing_ok=True)
