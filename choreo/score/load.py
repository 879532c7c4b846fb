"""Load a score's measure map: resolve, guard, cache, parse, expand repeats."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

from choreo.errors import ScoreError
from choreo.score import cache, guard
from choreo.score.files import CORPUS_PREFIX, resolve_score, score_format, score_hash
from choreo.timing import MeasureMap


def load_measure_map(
    source: str,
    *,
    base: Path | None = None,
    part: int | str = 0,
    performed: bool = False,
    default_tempo: float = 120.0,
    use_cache: bool = True,
) -> MeasureMap:
    """The measure map of one part of a score, in written or performed order.

    ``source`` is a path (relative to ``base``) or ``corpus:PATH``. ``default_tempo`` (quarter
    notes per minute) is used only before the score's first metronome mark. Every failure
    is a :class:`ScoreError`. The map carries the file's content hash, so no caller hashes the
    file again.
    """
    if not math.isfinite(default_tempo) or default_tempo <= 0:
        raise ScoreError(f"the tempo {default_tempo} is not a positive number of quarters/min")
    path = resolve_score(source, base)
    try:
        form = score_format(path)
        guard.check_size(path)
        key = cache.CacheKey(score_hash(path), part, performed, default_tempo)
        if use_cache:
            found = cache.load_cached(key)
            if found is not None:
                return dataclasses.replace(found, source=source, content_hash=key.content_hash)
        guard.check_content(path, form)
        written, measures = read_file(
            path, form, part=part, performed=performed, default_tempo=default_tempo, source=source
        )
    except ScoreError as error:
        if source.startswith(CORPUS_PREFIX):
            error.where = source  # the name the user wrote, not music21's install path
        raise
    written = dataclasses.replace(written, content_hash=key.content_hash)
    measures = dataclasses.replace(measures, content_hash=key.content_hash)
    if use_cache:
        cache.store(key, measures)
        if performed:
            # Sync asks for the written map next: parsed already, so kept too.
            cache.store(dataclasses.replace(key, performed=False), written)
    return measures


def read_file(
    path: Path,
    score_format: str,
    *,
    part: int | str = 0,
    performed: bool = False,
    default_tempo: float = 120.0,
    source: str = "",
) -> tuple[MeasureMap, MeasureMap]:
    """Parse a vetted file with music21 and convert it (no cache): the written map, and
    the map in the order asked for (the same map when that is the written order)."""
    from choreo.score.reader import parse_score, read_measure_map
    from choreo.score.repeats import performed_map

    if score_format == "midi":  # music21 quantizes MIDI timing: its ticks are read exactly
        from choreo.score.midi import read_midi_map

        reading = read_midi_map(path, part=part, default_tempo=default_tempo, source=source)
    else:
        read = parse_score(path, score_format)
        reading = read_measure_map(
            read, part=part, default_tempo=default_tempo, source=source, where=path
        )
    written, signs = reading
    if not performed:
        return written, written
    try:
        return written, performed_map(written, signs)
    except ScoreError as error:
        error.where = error.where or str(path)
        error.hint = error.hint or "follow the written order instead"
        raise
