"""Verovio's playback of a Humdrum score as the oracle: every bar's start in ms.

MuseScore cannot open Humdrum. Verovio (C++, its own Humdrum reader, humlib; nothing
shared with music21) reads ``**kern`` natively, ``*MM`` tempos and ``*>`` expansion lists
included, and its timemap lists each bar it plays with its start in ms. A bar's id names
the line of the barline that opens it (``measure-L62``; the first bar is ``measure-L1``)
and each later pass adds ``-rend2``, ``-rend3``: so every played bar is matched to its
written place. With ``expandNever`` it plays the bars as written.

Verovio 6.4 expands nothing when a file also holds a labelled variant list
(``*>norep[A,B]``): it then cannot find the sections the default list names. Those lines
are dropped before verovio reads the file; the default list, which a performance
follows, is untouched.

Verovio is known to play two things otherwise than the score (neither is in the sampled
corpus pieces; tests/test_humdrum.py holds choreo to seconds worked by hand there): a
``*MM`` inside a bar takes effect from the bar's start, and a section played again after
a later ``*MM`` keeps that tempo rather than its own opening one.

Where a file has no ``*MM``, verovio plays 120 quarter notes a minute, or 400 when its
lines last more than a quarter note on average (its "Renaissance default"): neither is the
score's, so choreo is given the tempo verovio starts at as its default tempo.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

_VARIANT_LIST = re.compile(r"^\*>[^\[\t]+\[[^\]]*\]$")
_PASS = re.compile(r"-rend\d+$")


class VerovioError(Exception):
    """Verovio could not say: it is missing or cannot read the file."""


def verovio_available() -> bool:
    try:
        import verovio  # noqa: F401
    except ImportError:
        return False
    return True


def verovio_bar_ms(score: Path, *, performed: bool) -> tuple[list[tuple[int, float]], float]:
    """Each played bar as verovio plays the score: its written place (0 for the first bar)
    and its start in ms, in written order unless ``performed``; and the tempo it starts at
    (quarter notes a minute)."""
    import verovio

    verovio.enableLog(False)
    text = _without_variant_lists(score.read_text(encoding="utf-8", errors="replace"))
    written, tempo = _timemap(verovio, text, expand=False)
    place = {bar: index for index, (bar, _) in enumerate(written)}
    played = _timemap(verovio, text, expand=True)[0] if performed else written
    try:
        return [(place[_PASS.sub("", bar)], ms) for bar, ms in played], tempo
    except KeyError as error:
        raise VerovioError(f"verovio played a bar it did not write: {error}") from None


def _timemap(verovio: Any, text: str, *, expand: bool) -> tuple[list[tuple[str, float]], float]:
    toolkit = verovio.toolkit()
    toolkit.setOptions({"inputFrom": "humdrum", "expandNever": not expand})
    if not toolkit.loadData(text):
        raise VerovioError("verovio cannot read it")
    events = toolkit.renderToTimemap({"includeMeasures": True, "includeRests": True})
    bars = [(str(e["measureOn"]), float(e["tstamp"])) for e in events if "measureOn" in e]
    if not bars:
        raise VerovioError("verovio played no bars")
    return bars, float(events[0].get("tempo", 120.0))


def _without_variant_lists(text: str) -> str:
    kept = []
    for line in text.splitlines():
        tokens = line.split("\t")
        if not all(_VARIANT_LIST.match(token) for token in tokens):
            kept.append(line)
    return "\n".join(kept) + "\n"
