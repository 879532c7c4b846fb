"""Load a score's measure map: resolve, guard, cache, parse (bounded), expand repeats."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

from choreo.errors import ScoreError
from choreo.score import cache, guard
from choreo.score.bounded import read_bounded
from choreo.score.files import CORPUS_PREFIX, resolve_score, score_format, score_hash
from choreo.score.humdrum import expanded_order, read_expansion
from choreo.score.repeats import RepeatSigns, performed_map, relay
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
        written, played = read_bounded(
            path, form, part=part, default_tempo=default_tempo, source=source, performed=performed
        )
        written = dataclasses.replace(written, content_hash=key.content_hash)
        if use_cache:
            # Kept even when the repeats cannot be expanded: the written order still can be.
            cache.store(dataclasses.replace(key, performed=False), written)
        if isinstance(played, ScoreError):
            raise played
        measures = written
        if played is not None:
            measures = dataclasses.replace(played, content_hash=key.content_hash)
    except ScoreError as error:
        if source.startswith(CORPUS_PREFIX):
            error.where = source  # the name the user wrote, not music21's install path
        raise
    if use_cache and performed:
        cache.store(key, measures)
    return measures


def read_file(
    path: Path,
    score_format: str,
    *,
    part: int | str = 0,
    default_tempo: float = 120.0,
    source: str = "",
) -> tuple[MeasureMap, tuple[RepeatSigns, ...]]:
    """Parse a vetted file and convert it, in this process and without bounds (no cache):
    the written map and the repeat signs on each of its measures. Scores are read through
    :mod:`choreo.score.bounded`, which runs this in a child process."""
    if score_format == "midi":  # music21 quantizes MIDI timing: its ticks are read exactly
        from choreo.score.midi import read_midi_map

        return read_midi_map(path, part=part, default_tempo=default_tempo, source=source)
    from choreo.score.reader import parse_score, read_measure_map

    read = parse_score(path, score_format)
    written, signs = read_measure_map(
        read, part=part, default_tempo=default_tempo, source=source, where=path
    )
    if score_format == "humdrum" and not written.repeats and _expands(written, path):
        written = dataclasses.replace(written, repeats=True)
    return written, signs


def _expands(written: MeasureMap, path: Path) -> bool:
    """Whether a Humdrum file's expansion list plays its bars in another order than
    written (a list choreo cannot follow counts: the music does not simply run on)."""
    try:
        expansion = read_expansion(path)
        if expansion is None:
            return False
        order = expanded_order(expansion, len(written.measures), path)
    except ScoreError:
        return True
    return order != list(range(len(written.measures)))


def performed_order(written: MeasureMap, signs: tuple[RepeatSigns, ...], path: Path) -> MeasureMap:
    try:
        if score_format(path) == "humdrum":  # its own expansion list, which music21 skips
            expansion = read_expansion(path)
            if expansion is not None:
                return relay(written, expanded_order(expansion, len(written.measures), path))
        return performed_map(written, signs)
    except ScoreError as error:
        error.where = error.where or str(path)
        error.hint = error.hint or "follow the written order instead"
        raise
