"""The repeat signs on each written measure, read from a music21 score.

Repeat barlines, ending brackets, segno and coda signs, D.C./D.S./Fine and the words that
mean one. What cannot be placed or read plainly is kept as a problem on its measure:
the performed order refuses it, the written order does not need it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any, Literal

from choreo.score.repeats import Jump, RepeatSigns
from choreo.score.words import words_meaning
from choreo.timing import EPSILON, Measure

# Where an element sits: its written measure and its quarter offset within it.
Placed = tuple[Measure, float]
Placer = Callable[[Any], Placed | None]

# music21's repeat-expression classes, by name: where the jump returns and where it ends.
_JUMPS = {
    "DaCapo": Jump("capo", "end", "D.C."),
    "DaCapoAlFine": Jump("capo", "fine", "D.C. al Fine"),
    "DaCapoAlCoda": Jump("capo", "coda", "D.C. al Coda"),
    "DalSegno": Jump("segno", "end", "D.S."),
    "DalSegnoAlFine": Jump("segno", "fine", "D.S. al Fine"),
    "DalSegnoAlCoda": Jump("segno", "coda", "D.S. al Coda"),
}

_SECTION_BARLINES = ("double", "final", "heavy-heavy", "heavy-light")


def read_repeat_signs(
    score: Any,
    measures_m21: list[Any],
    index_of: dict[int, int],
    measures: tuple[Measure, ...],
    place: Placer,
    forward_at_end: frozenset[int] = frozenset(),
) -> tuple[RepeatSigns, ...]:
    """One :class:`RepeatSigns` per written measure of the followed part.

    ``index_of`` maps a music21 measure of any part (by ``id``) to its written index;
    ``forward_at_end`` holds the measures whose right barline is a forward repeat in the file.
    """
    signs = _Signs(measures)
    _read_barlines(signs, measures_m21, forward_at_end)
    _read_endings(signs, score, index_of)
    _read_headings(signs, score, place)
    _read_expressions(signs, score, place)
    _read_words(signs, score, place)
    return tuple(signs.found)


class _Signs:
    """The signs found so far, one per written measure."""

    def __init__(self, measures: tuple[Measure, ...]) -> None:
        self.measures = measures
        self.found = [RepeatSigns() for _ in measures]
        # Measures whose end closes a section: a repeat sign, a double or final barline.
        self.closes = [index == len(measures) - 1 for index in range(len(measures))]
        self.drawn = [False for _ in measures]  # closed by a barline the score draws

    def section_end(self, placed: Placed, *, jump: bool = False) -> int:
        """Where a D.C. or Fine set over a measure takes effect.

        Engravers set the words over the last bars of a section, not always over the
        last one: unless they sit at the barline itself, the jump comes where the section
        ends, at the end of this measure or, when the next one closes it, of the next.
        A jump at a barline no section closes waits for the next one's drawn barline: it
        cannot come before the repeat sign or double bar that ends its strain.
        """
        measure, within = placed
        index = measure.index
        at_barline = within >= measure.quarter_length - EPSILON
        if self.closes[index] or index + 1 == len(self.closes):
            return index
        if at_barline:
            return index + 1 if jump and self.drawn[index + 1] else index
        return index + 1 if self.closes[index + 1] else index

    def fine(self, placed: Placed) -> None:
        here = self.section_end(placed)
        self.found[here] = replace(self.found[here], fine=True)

    def to_coda(self, placed: Placed) -> None:
        here = placed[0].index
        self.found[here] = replace(self.found[here], to_coda=True)

    def problem(self, index: int, reason: str) -> None:
        sign = self.found[index]
        self.found[index] = replace(sign, problems=(*sign.problems, reason))

    def jump(self, placed: Placed, jump: Jump) -> None:
        """A jump at the end of a measure; the same jump in another part is no news."""
        index = self.section_end(placed, jump=True)
        sign = self.found[index]
        if sign.jump is None or _says_more(jump, sign.jump):
            self.found[index] = replace(sign, jump=jump)
        elif _says_more(sign.jump, jump):
            return
        elif (sign.jump.target, sign.jump.until) != (jump.target, jump.until):
            number = self.measures[index].number
            both = f"'{sign.jump.label}' and '{jump.label}'"
            self.problem(index, f"measure {number} says both {both}")

    def at_barline(self, name: Literal["segno", "coda"], placed: Placed) -> None:
        """A segno or coda sign marks the measure that starts at its barline."""
        measure, within = placed
        here = self._starting(placed)
        if within > EPSILON and here == measure.index:
            reason = f"the {name} sits inside measure {measure.number}, not at a barline"
            self.problem(measure.index, reason)
        elif here < len(self.found) and name == "segno":
            self.found[here] = replace(self.found[here], segno=True)
        elif here < len(self.found):
            self.found[here] = replace(self.found[here], coda=True)

    def trio(self, placed: Placed) -> None:
        """A Trio heading: set over its first bar, wherever in that bar the first note is."""
        here = self._starting(placed)
        if here < len(self.found):
            self.found[here] = replace(self.found[here], trio=True)

    def _starting(self, placed: Placed) -> int:
        """The measure a sign at the start or end of ``placed``'s measure starts."""
        measure, within = placed
        at_end = within >= measure.quarter_length - EPSILON and within > 0
        return measure.index + (1 if at_end else 0)


def _says_more(jump: Jump, than: Jump) -> bool:
    """Words that say more than a plain D.C. set with them ("... ancora una volta il trio")."""
    return jump.target == than.target and than == Jump(than.target, "end", than.label) != jump


def _read_barlines(signs: _Signs, measures_m21: list[Any], forward_at_end: frozenset[int]) -> None:
    from music21 import bar

    found = signs.found
    count = len(measures_m21)
    for index, m in enumerate(measures_m21):
        for barline, side in ((m.leftBarline, "left"), (m.rightBarline, "right")):
            if isinstance(barline, bar.Repeat):
                forward = side == "right" and index in forward_at_end
                start = barline.direction == "start" or forward
                # A forward repeat on a right barline starts the next measure; a backward
                # repeat on a left barline ends the previous one.
                target = index + (1 if start and side == "right" else 0)
                target -= 1 if not start and side == "left" else 0
                if not 0 <= target < count:
                    continue
                sign = found[target]
                if start:
                    found[target] = replace(sign, start_repeat=True)
                    signs.closes[max(target - 1, 0)] = True
                    signs.drawn[max(target - 1, 0)] = True
                    if forward and _repeat_open(found, index):
                        # Written after a start repeat, the sign is an end-start ":|:"
                        # barline whose backward half the file left out.
                        found[index] = replace(found[index], end_repeat=True)
                else:
                    times = int(barline.times) if barline.times is not None else sign.times
                    found[target] = replace(sign, end_repeat=True, times=times)
                    signs.closes[target] = signs.drawn[target] = True
            elif isinstance(barline, bar.Barline) and side == "right":
                if barline.type == "final":
                    found[index] = replace(found[index], final_barline=True)
                if barline.type in _SECTION_BARLINES:
                    signs.closes[index] = signs.drawn[index] = True


def _repeat_open(found: list[RepeatSigns], index: int) -> bool:
    """Whether the last repeat sign up to ``index`` is a start repeat, not yet closed."""
    for sign in reversed(found[: index + 1]):
        if sign.end_repeat:
            return False
        if sign.start_repeat:
            return True
    return False


def _read_endings(signs: _Signs, score: Any, index_of: dict[int, int]) -> None:
    """Every bar from a bracket's first to its last is under it.

    music21 spans a bracket read from MusicXML by its first and last bar only, so an
    ending of three or more bars would otherwise lose the bars between.
    """
    from music21 import spanner

    brackets: set[tuple[int, int, frozenset[int]]] = set()  # each part has its own
    for bracket in score.spannerBundle.getByClass(spanner.RepeatBracket):
        spanned = [index_of[id(m)] for m in bracket.getSpannedElements() if id(m) in index_of]
        if spanned:
            numbers = frozenset(int(n) for n in bracket.numberRange)
            brackets.add((min(spanned), max(spanned), numbers))
    next_number = {first: min(numbers) for first, _, numbers in brackets if 0 not in numbers}
    found = signs.found
    for first, last, numbers in brackets:
        if numbers == {0} and next_number.get(last + 1, 0) > 1:
            # A bracket with no number just before the "2." bracket is the "1." one.
            numbers = frozenset({next_number[last + 1] - 1})
        for index in range(first, last + 1):
            endings = tuple(sorted(set(found[index].endings) | numbers))
            found[index] = replace(found[index], endings=endings)
        found[last] = replace(found[last], ending_stops=True)


def _read_expressions(signs: _Signs, score: Any, place: Placer) -> None:
    """The segno, coda, Fine and D.C./D.S. music21 itself recognised."""
    from music21 import repeat

    for element in score.recurse().getElementsByClass(repeat.RepeatExpression):
        placed = place(element)
        if placed is None:
            continue
        measure = placed[0]
        name = type(element).__name__
        text = str(element.getText() or "")
        if name in _JUMPS:
            signs.jump(placed, _JUMPS[name])
        elif name == "Fine":
            signs.fine(placed)
        elif name == "Coda" and ("to coda" in text.casefold() or "al coda" in text.casefold()):
            signs.to_coda(placed)
        elif name in ("Segno", "Coda"):
            signs.at_barline("segno" if name == "Segno" else "coda", placed)
        else:
            reason = f"measure {measure.number} has '{text}', which choreo cannot follow"
            signs.problem(measure.index, reason)


def _read_words(signs: _Signs, score: Any, place: Placer) -> None:
    """Jumps written as plain words; refused, naming the bar, where they are unclear."""
    from music21 import expressions, repeat

    for element in score.recurse().getElementsByClass(expressions.TextExpression):
        if isinstance(element, repeat.RepeatExpression) or element.content is None:
            continue
        text = " ".join(str(element.content).split())
        meaning = words_meaning(text)
        placed = place(element) if meaning is not None else None
        if placed is None:
            continue
        if isinstance(meaning, Jump):
            signs.jump(placed, meaning)
        elif meaning == "fine":
            signs.fine(placed)
        elif meaning == "to coda":
            signs.to_coda(placed)
        elif meaning == "coda" or meaning == "segno":
            signs.at_barline(meaning, placed)
        elif meaning == "trio":
            signs.trio(placed)
        else:
            reason = (
                f"measure {placed[0].number} has the words '{text}', whose jump is unclear; "
                "choreo cannot tell where the music goes"
            )
            signs.problem(placed[0].index, reason)


def _read_headings(signs: _Signs, score: Any, place: Placer) -> None:
    """Words at the start of a measure that brings a new time or key signature: a new
    movement or section begins there, so the measure before closes one."""
    from music21 import expressions, key, meter, repeat

    changes: set[int] = set()
    for element in score.recurse().getElementsByClass((meter.TimeSignature, key.KeySignature)):
        placed = place(element)
        if placed is not None and placed[1] <= EPSILON:
            changes.add(placed[0].index)
    for element in score.recurse().getElementsByClass(expressions.TextExpression):
        if isinstance(element, repeat.RepeatExpression) or element.content is None:
            continue
        placed = place(element)
        text = " ".join(str(element.content).split())
        if placed is None or placed[1] > EPSILON or placed[0].index not in changes or not text:
            continue
        here = placed[0].index
        if not signs.found[here].heading:
            signs.found[here] = replace(signs.found[here], heading=text)
            signs.closes[max(here - 1, 0)] = True
