"""A short fingerprint of each bar's music, so a recut score can be aligned with the last.

The fingerprint hashes what is played in the bar: in every part, each note and chord
with its place in the bar, its length and its pitches. Rests, words, dynamics, marks,
layout and bar numbers are left out, so choreo's own directions, a renumbering, a new
rehearsal letter or the rests MuseScore adds to fill a short bar on export change no
fingerprint; a changed note or rhythm does.
"""

from __future__ import annotations

import hashlib
from typing import Any

from choreo.model.synced import BarPrints
from choreo.timing import Measure

FINGERPRINT_BYTES = 4  # eight hex digits: two bars of a 1,000-bar score collide 1 in 8,600


def bar_prints(
    parts: list[Any], index_of: dict[int, int], measures: tuple[Measure, ...]
) -> BarPrints:
    """The fingerprint of each written bar (``index_of`` gives a music21 measure's bar)."""
    from music21 import stream

    played: list[list[str]] = [[] for _ in measures]
    for number, part in enumerate(parts):
        for measure in part.getElementsByClass(stream.Measure):
            index = index_of.get(id(measure))
            if index is None or index >= len(played):
                continue
            played[index].append(f"part {number}: " + " ".join(_sounds(measure)))
    return BarPrints(
        bars=tuple(
            (measure.number, _digest("\n".join(words)))
            for measure, words in zip(measures, played, strict=True)
        )
    )


def _sounds(measure: Any) -> list[str]:
    """Each note and chord of a bar (all its voices): where, how long, which pitches."""
    words = []
    for element in measure.recurse().notes:
        where = element.getOffsetInHierarchy(measure)
        words.append(f"{where}+{element.quarterLength}{_pitches(element)}")
    return words


def _pitches(element: Any) -> str:
    pitches = getattr(element, "pitches", ())
    if pitches:
        return ",".join(sorted(pitch.nameWithOctave for pitch in pitches))
    return "x"  # unpitched percussion: its rhythm is its music


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=FINGERPRINT_BYTES).hexdigest()
