"""How many tunes of music21's ABC corpus choreo's pre-reading refuses, and what its
rewrites change in music21's reading.

`python -m benchmarks abc`. Every tune of every corpus ABC file (choreo itself reads only
the first tune of a file) goes through :func:`choreo.score.abc_text.rewrite_abc`; a handful
of refusals is right (real tunes with real problems), dozens mean a rule is too strict.
Then the first tune of every file is read by music21 as written and as rewritten:
the bars and tempos that differ are the misreadings fixed, and none may fail to parse.
Last, every tune whose header ``P:`` plays its parts in another order than written is
read through choreo's reader, each as the first tune of a file of its own: it is read in
that order, or refused (never read in written order as if it were played so).
"""

from __future__ import annotations

import collections
import re
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

from choreo.errors import ScoreError
from choreo.score.abc_text import rewrite_abc


def corpus_tunes() -> list[tuple[str, str]]:
    """(name, text) of every tune in music21's ABC corpus, each with its file's header."""
    from music21 import corpus

    tunes: list[tuple[str, str]] = []
    for path in corpus.getCorePaths():
        if not str(path).endswith(".abc"):
            continue
        lines = Path(path).read_text(encoding="utf-8", errors="replace").split("\n")
        starts = [i for i, line in enumerate(lines) if line.startswith("X:")] or [0]
        header = lines[: starts[0]]
        for start, end in zip(starts, [*starts[1:], len(lines)], strict=True):
            tunes.append((f"{Path(path).name}:{start + 1}", "\n".join(header + lines[start:end])))
    return tunes


def refusals(tunes: list[tuple[str, str]]) -> list[tuple[str, ScoreError]]:
    refused = []
    for name, text in tunes:
        try:
            rewrite_abc(text)
        except ScoreError as error:
            refused.append((name, error))
    return refused


def main() -> None:
    tunes = corpus_tunes()
    started = time.perf_counter()
    refused = refusals(tunes)
    took = time.perf_counter() - started
    print(f"abc pre-reading: {len(tunes)} corpus tunes in {took:.2f} s, {len(refused)} refused")
    kinds = collections.Counter(error.message.split(";")[0][:60] for _, error in refused)
    for kind, count in kinds.most_common():
        print(f"   {count:4d}  {kind}")
    compare_readings()
    read_play_orders(tunes)


def music21_reading(text: str, number: int | None) -> tuple[Any, ...]:
    """Each part's bar lengths and the tempos, as music21 reads the text."""
    from music21 import converter, stream, tempo

    reader = converter.Converter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reader.parseData(text, number=number, format="abc")
    score = reader.stream
    if isinstance(score, stream.Opus):
        score = score.scores[0]
    parts = score.parts if isinstance(score, stream.Score) else [score]
    bars = tuple(
        tuple(float(m.quarterLength) for m in part.getElementsByClass(stream.Measure))
        for part in parts
    )
    marks = score.recurse().getElementsByClass(tempo.MetronomeMark)
    return bars, tuple(float(mark.getQuarterBPM() or 0) for mark in marks)


def compare_readings(step: int = 1) -> None:
    from music21 import corpus

    paths = sorted(str(p) for p in corpus.getCorePaths() if str(p).endswith(".abc"))[::step]
    counts: collections.Counter[str] = collections.Counter()
    started = time.perf_counter()
    for path in paths:
        text = Path(path).read_text(encoding="utf-8")
        numbers = re.findall(r"^X:\s*(\d+)", text, re.MULTILINE)
        number = int(numbers[0]) if len(numbers) > 1 else None
        try:
            rewritten = rewrite_abc(text).text
        except ScoreError:
            counts["refused"] += 1
            continue
        if rewritten == text:
            counts["not rewritten"] += 1
            continue
        try:
            before, after = music21_reading(text, number), music21_reading(rewritten, number)
        except Exception as error:  # the rewrite must never break a tune music21 read
            counts["rewrite fails to parse"] += 1
            print(f"   rewrite fails to parse: {Path(path).name}: {error}")
            continue
        counts["rewritten, read the same" if before == after else "rewritten, read apart"] += 1
    took = time.perf_counter() - started
    print(f"music21 on the first tunes of {len(paths)} files in {took:.1f} s:")
    for kind, count in sorted(counts.items()):
        print(f"   {count:4d}  {kind}")


def read_play_orders(tunes: list[tuple[str, str]]) -> None:
    """Every tune with a play order, read as choreo reads a file: written and performed."""
    from choreo.score.load import performed_order, read_file

    counts: collections.Counter[str] = collections.Counter()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        for name, text in tunes:
            try:
                parts = rewrite_abc(text).parts
            except ScoreError:
                continue  # counted with the refusals above
            if parts is None:
                marked = re.search(r"^P:|\[P:", text, re.MULTILINE) is not None
                counts["with P:, played as written (no order, or parts once in order)"] += marked
                continue
            path = Path(folder) / "tune.abc"
            path.write_text(text, encoding="utf-8")
            try:
                written, signs = read_file(path, "abc")
                played = performed_order(written, signs, path)
            except ScoreError as error:
                counts["refused by the reader"] += 1
                print(f"   refused: {name}: {error.message}")
                continue
            counts["read in play order"] += 1
            counts["  with more bars played than written"] += len(played.measures) > len(
                written.measures
            )
    took = time.perf_counter() - started
    print(f"play orders (P:) read through choreo's reader in {took:.1f} s:")
    for kind, count in counts.items():
        print(f"   {count:4d}  {kind}")


if __name__ == "__main__":
    main()
