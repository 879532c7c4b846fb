"""What the score copy shows for each beat: a short label, and its cue, fitted to the room.

A label is the beat's number on the beat sheet and its moves (``7 tombé / wall slam``);
a hit's says HIT and is boxed and bold. A cue is italic staff text below the staff.

MuseScore sets a text above everything it would overlap. A text that overlaps the one
before it sits in the second row, so it is cut to end before the next one starts; a text
in the first row may reach over the next one but must end before the one after that.
Then no text is ever stacked three deep. Widths are estimated from the number of
characters against the least room MuseScore gives a quarter note in the demo scores.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

SIZE = 8  # points: smaller than MuseScore's 10 pt staff text, still readable on a stand
CHAR_QUARTERS = 0.22  # an average 8 pt character, in quarter notes of the tightest spacing
BOLD = 1.15  # a hit's bold letters are wider, and its box adds a character
GAP_QUARTERS = 0.5  # kept clear between a text and the one that must not touch it
LONGEST = 28  # characters: a label with room to spare still stops short of a system's end
LONGEST_CUE = 32  # characters: cues are few, and say more
SHORTEST_CUE = 16  # characters: below that a cut cue says nothing
ELLIPSIS = "…"


@dataclass(frozen=True, slots=True)
class Text:
    """A label or a cue before fitting: ``head`` is always shown, ``tails`` are the
    fuller forms to try, longest first (the last is cut at a word when none fits)."""

    at: float  # quarter notes from the start of the written score
    head: str
    tails: tuple[str, ...] = ()
    least: int = 0  # characters a cut may not go below (a cue)
    longest: int = LONGEST
    bold: bool = False

    def width(self, shown: str) -> float:
        """The estimated width of ``shown``, in quarter notes."""
        if self.bold:
            return (len(shown) * BOLD + 1) * CHAR_QUARTERS
        return len(shown) * CHAR_QUARTERS

    def fitted(self, room: float) -> str:
        """The longest form whose estimated width fits ``room`` quarter notes."""
        per_char = CHAR_QUARTERS * (BOLD if self.bold else 1)
        chars = int(min(self.longest, room / per_char - (1 if self.bold else 0)))
        for tail in self.tails:
            whole = self._with(tail)
            if len(whole) <= chars:
                return whole
        if not self.tails:
            return self.head
        room_left = max(chars, self.least) - len(self.head) - (1 if self.head else 0)
        # A label keeps whole words or none; a cue would rather keep part of one.
        return self._with(_cut(self.tails[-1], room_left, whole_words=not self.least))

    def _with(self, tail: str) -> str:
        return f"{self.head} {tail}".strip() if tail else self.head


def label(
    number: int,
    moves: list[str],
    *,
    fight: str | None = None,
    hit: bool = False,
    pass_number: int | None = None,
    at: float,
) -> Text:
    """``7 HIT tombé / wall slam``; when that is too long, ``fight`` alone (the combat
    action, ``7 HIT wall slam``), then cut after a word."""
    head = f"{number} HIT" if hit else str(number)
    if pass_number:
        head += f" (pass {pass_number})"
    tails = [" / ".join(moves)] if moves else []
    if fight and len(moves) > 1:
        tails.append(fight)
    return Text(at, head, tuple(tails), bold=hit)


def cue(text: str, at: float) -> Text:
    return Text(at, "", (" ".join(text.split()),), least=SHORTEST_CUE, longest=LONGEST_CUE)


def fit(texts: list[Text], system_ends: Sequence[float] = ()) -> list[str]:
    """Each text (in score order) as long as its row allows, and never past the end of a
    system (``system_ends``: where the score itself starts a new one, in quarter notes)."""
    walls = sorted(system_ends)
    shown: list[str] = []
    reaching: list[tuple[float, int]] = []  # (end, row) of the texts set so far that may overlap
    for index, text in enumerate(texts):
        reaching = [(end, row) for end, row in reaching if end > text.at]
        row = 1 + max((row for _, row in reaching), default=0)
        # The first row reaches at most to the text after next; the second, to the next;
        # a text already stacked higher (beats at one moment) is kept to its least.
        following = index + (2 if row == 1 else 1)
        room = float("inf") if row <= 2 else 0.0
        if following < len(texts):
            room = min(room, texts[following].at - text.at - GAP_QUARTERS)
        wall = bisect_right(walls, text.at)
        if wall < len(walls):
            room = min(room, walls[wall] - text.at)
        fitted = text.fitted(room)
        shown.append(fitted)
        reaching.append((text.at + text.width(fitted) + GAP_QUARTERS / 2, row))
    return shown


def _cut(text: str, chars: int, *, whole_words: bool) -> str:
    """``text`` in at most ``chars`` characters, cut after a word, with an ellipsis."""
    if len(text) <= chars:
        return text
    kept = text[: max(0, chars - len(ELLIPSIS))]
    if text[len(kept) : len(kept) + 1] not in ("", " "):  # the cut is inside a word
        if " " in kept.strip():
            kept = kept[: kept.rstrip().rfind(" ")]
        elif whole_words:
            return ""
    kept = kept.rstrip(" ,;:/&-")
    return kept + ELLIPSIS if kept else ""
