"""Which file a score reference names, what format it is in, and its content hash."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from choreo.errors import ScoreError

CORPUS_PREFIX = "corpus:"

# music21's format names, by the extensions choreo accepts.
FORMATS = {
    ".musicxml": "musicxml",
    ".xml": "musicxml",
    ".mxl": "musicxml",
    ".mid": "midi",
    ".midi": "midi",
    ".abc": "abc",
    ".krn": "humdrum",
}
# Recordings, which a scene will name as ``score.recording``; they are not scores.
AUDIO = (".wav", ".wave", ".mp3", ".flac", ".ogg", ".oga", ".opus", ".m4a", ".aif", ".aiff")


def resolve_score(source: str, base: Path | None = None) -> Path:
    """The real file behind a path (relative to ``base``) or a ``corpus:PATH`` reference."""
    if source.startswith(CORPUS_PREFIX):
        return _corpus_file(source[len(CORPUS_PREFIX) :].strip(), source)
    path = Path(source).expanduser()
    if not path.is_absolute() and base is not None:
        path = base / path
    if path.suffix.lower() in AUDIO:
        raise ScoreError(
            "this is an audio recording, not a score",
            where=path,
            hint="give the score itself (MusicXML, .mxl, MIDI, ABC or Humdrum); a scene "
            "names its recording as score.recording",
        )
    if not path.exists():
        raise ScoreError("no such score file", where=path)
    if path.is_dir():
        raise ScoreError("this is a folder, not a score file", where=path)
    return path


def score_format(path: Path) -> str:
    """music21's name for the file's format, from its extension."""
    found = FORMATS.get(path.suffix.lower())
    if found is None:
        known = ", ".join(sorted(FORMATS))
        what = f"'{path.suffix}'" if path.suffix else "a file without an extension"
        raise ScoreError(f"choreo cannot read {what} as a score (it reads {known})", where=path)
    return found


def score_hash(path: Path) -> str:
    """sha256 hex of the file's bytes: the cache key and what a scene was synced against."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    except OSError as error:
        raise ScoreError(f"cannot read the score: {error.strerror or error}", where=path) from None
    return digest.hexdigest()


def _corpus_file(work: str, source: str) -> Path:
    if not work:
        raise ScoreError("a corpus reference names a work, e.g. corpus:bach/bwv66.6", where=source)
    from music21 import corpus  # the corpus index lives in music21

    try:
        found: Any = corpus.getWork(work)
    except Exception as error:  # music21 raises its own types; say it in one line
        raise ScoreError(
            f"music21's corpus has no work '{work}'",
            where=source,
            hint=_first_line(error),
        ) from None
    paths = [Path(str(p)) for p in (found if isinstance(found, list) else [found])]
    if not paths:
        raise ScoreError(f"music21's corpus has no work '{work}'", where=source)
    if len(paths) > 1:
        names = ", ".join(p.name for p in paths[:5])
        raise ScoreError(
            f"corpus reference '{work}' matches {len(paths)} files ({names})",
            where=source,
            hint="name the file more fully, e.g. with its extension",
        )
    return paths[0]


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0][:200] if text else type(error).__name__
