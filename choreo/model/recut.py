"""How a score's bars moved between the last sync and now, found from their music.

The bars of both versions are aligned by their fingerprints (difflib's longest matching
blocks, no junk heuristic): a run of bars with the same music in the same order is the
same music, wherever it is numbered now. What is left over was inserted, cut or changed.

Where a run of identical bars (an ostinato, bars of rest) grew or shrank, the music
cannot say which of them is new or gone: every bar of that run is *unsure*, and nothing
follows it there without another anchor (a rehearsal mark).
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

from choreo.model.synced import BarPrints

Fate = Literal["kept", "cut", "changed", "unsure"]


@dataclass(frozen=True, slots=True)
class BarFate:
    """What became of one bar of the synced score: its new written index, when it has one."""

    fate: Fate
    new: int | None
    why: str  # for cut, changed and unsure bars: one phrase naming the bars


@dataclass(frozen=True)
class Recut:
    """The old score's bars aligned with the new score's."""

    old: BarPrints
    new: BarPrints
    lines: tuple[str, ...]  # what happened to the bars, in score order; () when nothing did
    fates: dict[int, BarFate]  # by old index, one for every old bar

    def fate(self, old_index: int) -> BarFate:
        return self.fates[old_index]


def recut(old: BarPrints, new: BarPrints) -> Recut:
    """Align ``old`` (the bars at the last sync) with ``new`` (the bars now)."""
    a, b = old.prints, new.prints
    matcher = SequenceMatcher(None, a, b, autojunk=False)  # rests repeat: no junk
    fates: dict[int, BarFate] = {}
    lines: list[str] = []
    cut_runs: list[tuple[int, int, str]] = []  # old bars, unsure
    inserted_runs: list[tuple[int, int, str]] = []  # new bars: the old ones there are unsure
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for k in range(i2 - i1):
                fates[i1 + k] = BarFate("kept", j1 + k, "")
        elif tag == "delete":
            start, end = _slide(a, i1, i2)
            if (start, end) == (i1, i2):
                span = old.span(i1, i2)
                lines.append(f"{span} cut")
                for k in range(i1, i2):
                    fates[k] = BarFate("cut", None, f"{span} cut")
            else:
                lines.append(_run_line(old, start, end, i2 - i1, "fewer"))
                cut_runs.append((start, end, _unsure(old, start, end, "fewer")))
        elif tag == "insert":
            start, end = _slide(b, j1, j2)
            count = j2 - j1
            if (start, end) == (j1, j2):
                after = f"after bar {new.bars[j1 - 1][0]}" if j1 else "at the start"
                lines.append(f"{count} {'bar' if count == 1 else 'bars'} inserted {after}")
            else:
                lines.append(_run_line(new, start, end, count, "more"))
                inserted_runs.append((start, end, _unsure(new, start, end, "more")))
        else:
            old_span, new_span = old.span(i1, i2), new.span(j1, j2)
            same_size = i2 - i1 == j2 - j1
            if not same_size:
                lines.append(f"{old_span} replaced by {new_span}")
            elif old_span == new_span:
                lines.append(f"{old_span} changed")
            else:
                lines.append(f"{old_span} changed (now {new_span})")
            for k in range(i1, i2):
                # Bars of the same count changed in place keep their place; others have none.
                fates[k] = BarFate(
                    "changed",
                    j1 + k - i1 if same_size else None,
                    f"the music of {old_span} changed",
                )
    for start, end, why in cut_runs:
        for index in range(start, end):
            fates[index] = BarFate("unsure", None, why)
    for start, end, why in inserted_runs:
        for index, fate in fates.items():
            if fate.fate == "kept" and fate.new is not None and start <= fate.new < end:
                fates[index] = BarFate("unsure", None, why)
    return Recut(old, new, tuple(lines), fates)


def _slide(prints: tuple[str, ...], start: int, end: int) -> tuple[int, int]:
    """Every place the gap ``start:end`` could equally sit in ``prints`` (bars with the
    same music before or after it), as the widest span of bars it could be taken from."""
    left, right = start, end
    while left > 0 and prints[left - 1] == prints[left - 1 + end - start]:
        left -= 1
    while right < len(prints) and prints[right] == prints[right - (end - start)]:
        right += 1
    return left, right


def _run_line(bars: BarPrints, start: int, end: int, count: int, more: str) -> str:
    noun = "bar" if count == 1 else "bars"
    return (
        f"{bars.span(start, end)} repeat the same music; the score has {count} {noun} "
        f"{more} of it now, and which cannot be told from the music"
    )


def _unsure(bars: BarPrints, start: int, end: int, more: str) -> str:
    return f"{bars.span(start, end)} repeat the same music and the score has {more} of it now"
