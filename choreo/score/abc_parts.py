"""ABC parts: the order a tune's header ``P:`` plays the parts its body marks.

ABC 2.1 §3.1.9: ``P:ABAB`` in the header is the order the parts are played in, and
``P:A`` in the body starts part A. Repeat counts and brackets shorten it (``P:A2B`` is
AAB, ``P:(AB)2C`` is ABABC) and dots only help the eye (``P:A.B.A``). music21 reads the
body in written order and ignores both, so choreo reads them: each part is a run of
written bars, and the performed order plays those runs in the header's order, each with
its own repeats, each pass after the first a new pass of the same written bars.
Pure text and numbers: no music21 here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from choreo.errors import ScoreError
from choreo.score.repeats import RepeatSigns

_PLAY_ORDER = re.compile(r"[A-Z0-9().\s]+")
_MAX_PASSES = 1000  # P:(A9)9... could ask for millions; no tune is played that long
_MAX_BRACKETS = 50  # each bracket is a level of the reader's recursion


@dataclass(frozen=True, slots=True)
class AbcParts:
    """A tune's play order and where each of its parts starts among the written bars."""

    order: tuple[str, ...]  # the parts as played: ("A", "B", "A") for P:ABA
    starts: tuple[tuple[str, int], ...]  # each part and its first written bar, as written
    notes: tuple[int, ...]  # the notes and rests of each written bar, to check music21's
    line: int  # the header's P: line, for refusals


def read_play_order(text: str) -> tuple[str, ...]:
    """The parts a header ``P:`` field plays, in order; a ValueError where it is not a play
    order (a title such as ``P:Modern Version.``)."""
    written = text.split("%")[0].strip()
    if not written or not _PLAY_ORDER.fullmatch(written) or written.count("(") > _MAX_BRACKETS:
        raise ValueError(written)
    order, end = _group(re.sub(r"[.\s]", "", written), 0)
    if end != len(re.sub(r"[.\s]", "", written)) or not order:
        raise ValueError(written)
    return tuple(order)


def _group(text: str, at: int) -> tuple[list[str], int]:
    """Parts from ``at`` up to an unmatched ``)`` or the end, repeat counts applied."""
    played: list[str] = []
    while at < len(text) and text[at] != ")":
        if text[at] == "(":
            inner, at = _group(text, at + 1)
            if at >= len(text):
                raise ValueError(text)  # a bracket never closed
            at += 1
        elif text[at].isalpha():
            inner, at = [text[at]], at + 1
        else:
            raise ValueError(text)  # a count with nothing before it
        count = re.compile(r"\d*").match(text, at)
        assert count is not None  # the pattern matches the empty string
        times = int(count.group()) if count.group() else 1
        at = count.end()
        if times == 0 or len(played) + len(inner) * times > _MAX_PASSES:
            raise ValueError(text)
        played += inner * times
    return played, at


def label_signs(
    signs: tuple[RepeatSigns, ...],
    parts: AbcParts,
    notes: list[int],
    *,
    where: str | Path | None,
) -> tuple[RepeatSigns, ...]:
    """The repeat signs with each written bar's part and, on the first, the play order.

    The parts' bars were found in the ABC text; music21 must have made the same bars, the
    same notes and rests in each (``notes``), or the parts would be played from the wrong
    bars: refused then."""
    if tuple(notes) != parts.notes:
        raise ScoreError(
            f"the play order P:{''.join(parts.order)} needs the bars each part starts at, but "
            f"music21 reads the bars apart from the text ({_apart(notes, parts.notes)}); "
            f"refused",
            where=where,
            line=parts.line,
            hint="write the parts out in the order they are played and remove the header P:",
        )
    labelled = list(signs)
    starts = sorted(parts.starts, key=lambda start: start[1])
    for (name, first), following in zip(starts, [*starts[1:], ("", len(signs))], strict=True):
        for index in range(first, following[1]):
            labelled[index] = replace(labelled[index], part=name)
    labelled[0] = replace(labelled[0], play_order=parts.order)
    return tuple(labelled)


def _apart(read: list[int], written: tuple[int, ...]) -> str:
    """Where music21's bars first differ from the text's, for the refusal."""
    if len(read) != len(written):
        return f"{len(read)} bars, the text has {len(written)}"
    first = next(i for i, pair in enumerate(zip(read, written, strict=True)) if len(set(pair)) > 1)
    return f"its bar {first + 1} holds {read[first]} notes and rests, the text's {written[first]}"
