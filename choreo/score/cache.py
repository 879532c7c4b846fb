"""choreo's own cache of measure maps: JSON in the user's cache folder.

music21's pickle cache lives in a shared temp folder and is unpickled on the next parse;
choreo never uses it. This cache holds derived data only, keyed by the file's content,
the music21 version, the reading options and :data:`CACHE_VERSION`. An entry that cannot
be read or does not match is a miss, never a crash; writes are atomic.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from choreo.errors import SaveError
from choreo.store.atomic import atomic_write
from choreo.timing import MeasureMap

CACHE_VERSION = 5  # bump when the measure map or how it is read changes


@dataclass(frozen=True, slots=True)
class CacheKey:
    """What a cached measure map was derived from."""

    content_hash: str
    part: int | str
    performed: bool
    default_tempo: float

    def digest(self) -> str:
        part = f"index:{self.part}" if isinstance(self.part, int) else f"name:{self.part}"
        fields = [
            CACHE_VERSION,
            music21_version(),
            self.content_hash,
            part.casefold(),
            self.performed,
            repr(float(self.default_tempo)),
        ]
        return hashlib.sha256(json.dumps(fields).encode()).hexdigest()


def cache_folder() -> Path:
    """``CHOREO_CACHE_DIR`` when set, else the user's cache folder for choreo."""
    override = os.environ.get("CHOREO_CACHE_DIR", "").strip()
    if override:
        return Path(override).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("choreo")) / "measure-maps"


@cache
def music21_version() -> str:
    """music21's version without importing music21 itself (slow) or metadata at start-up."""
    from importlib import metadata

    try:
        return metadata.version("music21")
    except metadata.PackageNotFoundError:
        return "unknown"


def load_cached(key: CacheKey) -> MeasureMap | None:
    """The cached map for ``key``, or ``None`` for any miss, corrupt entry included."""
    digest = key.digest()
    path = cache_folder() / f"{digest}.json"
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get("key") != digest:
            return None
        found = MeasureMap.from_dict(data["map"])
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None
    if not found.measures or not found.tempos:
        return None
    return found


def store(key: CacheKey, measures: MeasureMap) -> None:
    """Write an entry atomically; a cache that cannot be written is silently skipped."""
    digest = key.digest()
    folder = cache_folder()
    payload = json.dumps({"key": digest, "map": measures.to_dict()}, separators=(",", ":"))
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        atomic_write(folder / f"{digest}.json", payload.encode("utf-8"), backup=False)
    except (OSError, SaveError):
        return
