"""choreo's own cache of measure maps and score notes: JSON in the user's cache folder.

music21's pickle cache lives in a shared temp folder and is unpickled on the next parse;
choreo never uses it. This cache holds derived data only, keyed by the file's content,
the music21 version, the reading options and :data:`CACHE_VERSION`. An entry that cannot
be read or does not match is a miss, never a crash; writes are atomic.

The cache is data, not trust: an entry is used only when every value has its type and
range, the bars lie end to end and their seconds are what the tempo marks give, and only
from a folder the user alone owns and can write (another user could otherwise plant a
map whose timecodes are wrong).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from choreo.errors import SaveError
from choreo.store.atomic import atomic_write
from choreo.store.scene_cache import cache_root, private_folder
from choreo.timing import MeasureMap, timed

if TYPE_CHECKING:
    from choreo.score.notes import ScoreNotes

CACHE_VERSION = 11  # bump when the measure map or how it is read changes

# Far beyond any score choreo reads (the largest corpus quartet in performed order is a
# few MB); anything larger is not an entry choreo wrote.
MAX_ENTRY_BYTES = 64 * 1024 * 1024


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
    return cache_root() / "measure-maps"


@cache
def music21_version() -> str:
    """music21's version without importing music21 itself (slow) or metadata at start-up."""
    from importlib import metadata

    try:
        return metadata.version("music21")
    except metadata.PackageNotFoundError:
        return "unknown"


def load_cached(key: CacheKey) -> MeasureMap | None:
    """The cached map for ``key``, or ``None`` for any miss: corrupt, implausible or
    planted entries included."""
    data = _entry(cache_folder(), key.digest())
    return None if data is None else measure_map_from(data.get("map"))


def _entry(folder: Path, digest: str) -> dict[str, Any] | None:
    """The entry ``digest`` in ``folder`` as JSON, or ``None`` when it is missing, too
    large, unreadable, for another key, or in a folder that is not the user's alone."""
    if not private_folder(folder):
        return None
    try:
        with (folder / f"{digest}.json").open("rb") as entry:
            raw = entry.read(MAX_ENTRY_BYTES + 1)
        if len(raw) > MAX_ENTRY_BYTES:
            return None
        data: Any = json.loads(raw.decode("utf-8"))
    except (OSError, ValueError, RecursionError):
        return None
    return data if isinstance(data, dict) and data.get("key") == digest else None


def measure_map_from(data: Any) -> MeasureMap | None:
    """The measure map in ``data`` (as :meth:`MeasureMap.to_dict` gives it) when every
    value has its type and range and the bars and seconds agree, else ``None``."""
    try:
        found = MeasureMap.from_dict(_checked_map(data))
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
        return None
    return found if _consistent(found) else None


def store(key: CacheKey, measures: MeasureMap) -> None:
    """Write an entry atomically; a cache that cannot be written is silently skipped."""
    _store(cache_folder(), key.digest(), "map", measures.to_dict())


def _store(folder: Path, digest: str, name: str, value: Any) -> None:
    payload = json.dumps({"key": digest, name: value}, separators=(",", ":"))
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not private_folder(folder):
            return
        atomic_write(folder / f"{digest}.json", payload.encode("utf-8"), backup=False, private=True)
    except (OSError, SaveError):
        return


# Score notes: what a score sounds like depends on its bytes and how they are read only
# (not on the part followed, the order or the tempo: those place the notes later).


def notes_folder() -> Path:
    return cache_root() / "score-notes"


def _notes_digest(content_hash: str, score_format: str) -> str:
    fields = [CACHE_VERSION, music21_version(), content_hash, score_format, "notes"]
    return hashlib.sha256(json.dumps(fields).encode()).hexdigest()


def load_cached_notes(content_hash: str, score_format: str) -> ScoreNotes | None:
    """The cached notes of the score with ``content_hash``, or ``None`` for any miss."""
    from choreo.score.notes import ScoreNotes

    data = _entry(notes_folder(), _notes_digest(content_hash, score_format))
    if data is None:
        return None
    try:
        return ScoreNotes.from_dict(data.get("notes"))
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
        return None


def store_notes(content_hash: str, score_format: str, notes: ScoreNotes) -> None:
    """Keep the notes for the next read; a cache that cannot be written is skipped."""
    _store(notes_folder(), _notes_digest(content_hash, score_format), "notes", notes.to_dict())


_TEXT_LIMIT = 200


def _checked_map(data: Any) -> dict[str, Any]:
    """The map's fields with the types and ranges choreo writes, or ValueError."""
    _require(isinstance(data, dict), "map")
    measures, tempos = data["measures"], data["tempos"]
    _require(isinstance(measures, list) and 0 < len(measures) <= 1_000_000, "measures")
    _require(isinstance(tempos, list) and 0 < len(tempos) <= len(measures) * 64, "tempos")
    for index, measure in enumerate(measures):
        _require(isinstance(measure, dict), "measure")
        _require(measure.get("index") == index, "measure index")
        _text(measure["number"])
        _text(measure["time_signature"])
        _whole(measure["beat_count"], 1, 4096)
        _whole(measure["pass_number"], 1, 99)
        _number(measure["offset"], 0)
        for name in ("quarter_length", "beat_length", "tempo_qpm"):
            _number(measure[name], 0, strict=True)
        for name in ("start_seconds", "seconds"):
            _number(measure[name], 0)
        _number(measure["first_beat"], 1)
    for tempo in tempos:
        _require(isinstance(tempo, dict), "tempo")
        _number(tempo["offset"], 0)
        _number(tempo["qpm"], 0, strict=True)
    for name in ("parts", "notes"):
        values = data.get(name, [])
        _require(isinstance(values, list) and len(values) <= 10_000, name)
        for value in values:
            _text(value)
    for mark in data.get("marks", []):
        _require(isinstance(mark, dict), "mark")
        _text(mark["text"])
        _text(mark["measure"])
        _number(mark["beat"], 0)
        _require(mark.get("kind", "rehearsal") in ("rehearsal", "words"), "mark kind")
    _whole(data.get("part", 0), 0, 10_000)
    _require(data.get("order", "written") in ("written", "performed"), "order")
    for name in ("steady", "repeats"):
        _require(isinstance(data.get(name, False), bool), name)
    _text(data.get("source", ""), limit=4096)
    _text(data.get("content_hash", ""))
    bars = data.get("bars", "")
    _require(isinstance(bars, str) and len(bars) <= 24 * (len(measures) + 1), "bars")
    checked: dict[str, Any] = data
    return checked


def _consistent(found: MeasureMap) -> bool:
    """Bars lie end to end, tempo marks come in order, and each bar's seconds are what
    the tempo marks give: a value edited in an entry cannot shift a timecode."""
    measures = found.measures
    if any(
        not math.isclose(before.end_offset, after.offset, rel_tol=1e-12, abs_tol=1e-9)
        for before, after in itertools.pairwise(measures)
    ):
        return False
    numbers = found.bars.numbers
    if numbers and not _bars_agree(found, numbers):
        return False
    offsets = [tempo.offset for tempo in found.tempos]
    if offsets != sorted(offsets) or offsets[0] != 0:
        return False
    return all(
        math.isclose(stored.start_seconds, fresh.start_seconds, rel_tol=1e-9, abs_tol=1e-9)
        and math.isclose(stored.seconds, fresh.seconds, rel_tol=1e-9, abs_tol=1e-9)
        and math.isclose(stored.tempo_qpm, fresh.tempo_qpm, rel_tol=1e-9)
        for stored, fresh in zip(measures, timed(measures, found.tempos), strict=True)
    )


def _bars_agree(found: MeasureMap, numbers: tuple[str, ...]) -> bool:
    """The fingerprinted bars are the written bars: one each, or every bar played."""
    if found.order == "written":
        return numbers == tuple(measure.number for measure in found.measures)
    return {measure.number for measure in found.measures} <= set(numbers)


def _require(condition: bool, what: str) -> None:
    if not condition:
        raise ValueError(f"cache entry: bad {what}")


def _text(value: Any, limit: int = _TEXT_LIMIT) -> None:
    _require(isinstance(value, str) and len(value) <= limit, "text")


def _whole(value: Any, low: int, high: int) -> None:
    _require(type(value) is int and low <= value <= high, "whole number")


def _number(value: Any, low: float, *, strict: bool = False) -> None:
    ok = type(value) in (int, float) and math.isfinite(value)
    _require(ok and (value > low if strict else value >= low), "number")
