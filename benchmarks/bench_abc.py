"""How many tunes of music21's ABC corpus choreo's pre-reading refuses, and why.

`python -m benchmarks abc`. Every tune of every corpus ABC file (choreo itself reads only
the first tune of a file) goes through :func:`choreo.score.abc_text.rewrite_abc`; a handful
of refusals is right (real tunes with real problems), dozens mean a rule is too strict.
"""

from __future__ import annotations

import collections
import time
from pathlib import Path

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


if __name__ == "__main__":
    main()
