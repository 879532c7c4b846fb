"""Performed order: repeats, first and second endings, D.C. and D.S. al Fine or al Coda.

music21's ``expandRepeats`` raises on some real scores and silently repeats the wrong
strain on others (Maple Leaf Rag's first strain), so choreo expands repeats itself from
the signs the reader found on each written measure. Where the signs do not say one thing
clearly, it refuses with ``cannot expand repeats: ...`` rather than guess.

Conventions followed (Gould, *Behind Bars*): a repeat without a number is played twice;
without a start sign it goes back to the end of the last repeat or ending, never past a
Fine or a Trio heading; on the last time through, endings that are not for that pass are
skipped; after a D.C. or D.S. repeats are not taken again and the last ending of each
group is played; a plain D.C./D.S. in a score with a Fine stops at the Fine, else plays
on to the end; a da capo that names its section ("Menuetto da capo") without a Fine
stops where the Trio (or the next heading) starts or, with no heading at all, after a
minuet's two repeated strains when the trio has two more. A da capo returns to the head
of its movement: in a file of several movements, the last heading over a new key or time
before it, or the heading that names its section; a new movement or a coda right after
the jump is played after the da capo. A first ending bracketed over its first bars only
runs to its repeat sign when the next ending starts right after that sign.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from choreo.errors import RepeatsError
from choreo.timing import EPSILON, Measure, MeasureMap, TempoMark, tempo_changes, timed

JumpTarget = Literal["capo", "segno"]
# "section": to the end of the section the words name ("Menuetto da capo"): its Fine, or
# where the Trio starts.
JumpEnd = Literal["end", "fine", "coda", "section"]


@dataclass(frozen=True, slots=True)
class Jump:
    """A D.C. or D.S. at the end of a measure: where it returns to and where it stops."""

    target: JumpTarget
    until: JumpEnd
    label: str  # as the score says it, for messages: "D.S. al Fine"
    section: str = ""  # the section the words name, lower case: "menuetto", "men."
    times: int = 1  # how often the jump is taken ("ancora una volta il trio": twice)


@dataclass(frozen=True, slots=True)
class RepeatSigns:
    """What one written measure says about the playing order."""

    start_repeat: bool = False  # a forward repeat barline at its start
    end_repeat: bool = False  # a backward repeat barline at its end
    times: int | None = None  # how often the repeated passage is played, when printed
    endings: tuple[int, ...] = ()  # the passes of the ending bracket over this measure
    ending_stops: bool = False  # the last measure under its ending bracket
    segno: bool = False  # the music resumes here after a D.S.
    fine: bool = False  # after a jump, the music ends with this measure
    to_coda: bool = False  # after a jump, go to the coda at the end of this measure
    coda: bool = False  # the coda sign: the coda starts with this measure
    jump: Jump | None = None
    final_barline: bool = False  # a plain final barline: the end of a piece or movement
    trio: bool = False  # a "Trio" heading: a minuet's da capo ends before it
    # Words over a new time or key signature at the measure's start ("Allegretto",
    # "Menuetto", "Coda"): where a movement or a section of one begins.
    heading: str = ""
    problems: tuple[str, ...] = field(default=())  # what the reader could not place
    part: str = ""  # the ABC part (P:A) the measure is in
    # On a tune's first measure: the order an ABC header plays its parts in (P:ABA -> A B A)
    play_order: tuple[str, ...] = ()


def performed_order(signs: Sequence[RepeatSigns], numbers: Sequence[str]) -> list[int]:
    """Written measure indices in the order they are played."""
    if signs and signs[0].play_order:
        return _play_parts(signs, numbers, signs[0].play_order)
    plan = _Plan(signs, numbers)
    return plan.play()


def _play_parts(
    signs: Sequence[RepeatSigns], numbers: Sequence[str], play_order: tuple[str, ...]
) -> list[int]:
    """An ABC tune's parts in its play order, each with its own repeats (§3.1.9: a part is
    played as written, wherever the order plays it)."""
    for index, sign in enumerate(signs):
        if sign.jump is not None:
            raise _refuse(
                f"the tune plays its parts in the order P:{''.join(play_order)} and measure "
                f"{numbers[index]} jumps ({sign.jump.label}); choreo follows one"
            )
    opened: int | None = None
    for index, sign in enumerate(signs):
        if sign.start_repeat:
            opened = index
        if sign.end_repeat and opened is not None and signs[opened].part != sign.part:
            raise _refuse(
                f"the repeat from measure {numbers[opened]} (part {signs[opened].part}) ends "
                f"in measure {numbers[index]} (part {sign.part}): a repeat across parts",
            )
        if sign.end_repeat:
            opened = None
    order: list[int] = []
    for name in play_order:
        bars = [i for i, sign in enumerate(signs) if sign.part == name]
        first, last = bars[0], bars[-1] + 1
        own = [replace(sign, part="", play_order=()) for sign in signs[first:last]]
        order += [first + i for i in _Plan(own, numbers[first:last]).play()]
    return order


def has_repeats(signs: Sequence[RepeatSigns], numbers: Sequence[str]) -> bool:
    """Whether the orchestra plays the measures in another order than they are written.

    Signs choreo cannot follow count as repeats: they say the music does not simply run on.
    """
    try:
        return performed_order(signs, numbers) != list(range(len(signs)))
    except RepeatsError:
        return True


def performed_map(written: MeasureMap, signs: Sequence[RepeatSigns]) -> MeasureMap:
    """The written measure map re-laid end to end in performed order, with passes."""
    if len(signs) != len(written.measures):
        raise ValueError("one RepeatSigns per written measure is needed")
    numbers = [m.number for m in written.measures]
    order = performed_order(signs, numbers)
    return relay(written, order)


def relay(written: MeasureMap, order: Sequence[int]) -> MeasureMap:
    """Measures in ``order`` laid end to end, each carrying the tempo it had as written."""
    tempos: list[TempoMark] = []
    placed: list[Measure] = []
    passes: Counter[str] = Counter()
    offset = written.measures[0].offset if written.measures else 0.0
    for index in order:
        measure = written.measures[index]
        passes[measure.number] += 1
        tempos.append(TempoMark(offset, written.tempo_at(measure.offset)))
        for mark in written.tempos:
            if measure.offset + EPSILON < mark.offset < measure.end_offset - EPSILON:
                tempos.append(TempoMark(offset + mark.offset - measure.offset, mark.qpm))
        pass_number = passes[measure.number]
        placed.append(replace(measure, index=len(placed), offset=offset, pass_number=pass_number))
        offset += measure.quarter_length
    tempos = tempo_changes(tempos)
    return MeasureMap(
        measures=timed(placed, tempos),
        tempos=tuple(tempos),
        parts=written.parts,
        part=written.part,
        order="performed",
        source=written.source,
        marks=written.marks,
        notes=written.notes,
        content_hash=written.content_hash,
        repeats=written.repeats,
        bars=written.bars,
    )


class _Plan:
    """Checks the signs say one thing, then plays them through."""

    def __init__(self, signs: Sequence[RepeatSigns], numbers: Sequence[str]) -> None:
        self.signs = _endings_to_their_repeat_signs(signs)
        self.numbers = numbers
        self.jump_at: int | None = None
        self.jump: Jump | None = None
        self.return_to = 0
        self.fine_at: int | None = None
        self.resume_at: int | None = None  # after the da capo, the music goes on here
        self.to_coda_at: int | None = None
        self.coda_at: int | None = None
        self.group_last: dict[int, int] = {}  # measure index -> last ending of its group
        self._check_endings()
        self._check_jump()

    def refuse(self, reason: str) -> RepeatsError:
        return _refuse(reason)

    def name(self, index: int) -> str:
        return f"measure {self.numbers[index]}"

    # -- checks -----------------------------------------------------------------------
    def _check_endings(self) -> None:
        for index, sign in enumerate(self.signs):
            if sign.problems:
                raise self.refuse(sign.problems[0])
            if 0 in sign.endings:
                raise self.refuse(f"the ending bracket over {self.name(index)} has no number")
        index = 0
        count = len(self.signs)
        while index < count:
            if not self.signs[index].endings:
                index += 1
                continue
            group_start = index
            brackets: list[tuple[int, int]] = []
            bracket_start = index
            while index < count and self.signs[index].endings:
                sign = self.signs[index]
                following = self.signs[index + 1] if index + 1 < count else None
                if sign.ending_stops or following is None or following.endings != sign.endings:
                    brackets.append((bracket_start, index))
                    bracket_start = index + 1
                index += 1
            last = max(n for i in range(group_start, index) for n in self.signs[i].endings)
            self._check_one_ending_per_pass(brackets)
            for first, stop in brackets:
                if self.signs[stop].end_repeat:
                    continue
                # An ending that is not the last of its group, or is only for the first
                # time through, must send the player back with a repeat sign at its end.
                endings = self.signs[first].endings
                if last not in endings or max(endings) < 2:
                    later = self._repeat_after(stop)
                    where = "" if later is None else f" (the repeat sign is at {self.name(later)})"
                    raise self.refuse(
                        f"the ending {_passes(endings)} over {self._span(first, stop)} "
                        f"has no repeat sign at its end{where}"
                    )
            for i in range(group_start, index):
                self.group_last[i] = last

    def _check_one_ending_per_pass(self, brackets: list[tuple[int, int]]) -> None:
        """Two endings of one group for the same pass: which one is played is unclear."""
        seen: dict[int, tuple[int, int]] = {}
        for first, stop in brackets:
            for number in self.signs[first].endings:
                if number in seen:
                    raise self.refuse(
                        f"the endings over {self._span(*seen[number])} and "
                        f"{self._span(first, stop)} are both for pass {number}"
                    )
                seen[number] = (first, stop)

    def _repeat_after(self, stop: int) -> int | None:
        """The backward repeat sign after an ending closed at ``stop``, for the message."""
        for index in range(stop + 1, len(self.signs)):
            sign = self.signs[index]
            if sign.start_repeat or sign.endings:
                return None
            if sign.end_repeat:
                return index
        return None

    def _check_jump(self) -> None:
        jumps = [(i, s.jump) for i, s in enumerate(self.signs) if s.jump is not None]
        fines = [i for i, s in enumerate(self.signs) if s.fine]
        if not jumps:
            return
        if len(jumps) > 1:
            listed = ", ".join(f"{j.label} in {self.name(i)}" for i, j in jumps)
            raise self.refuse(f"the score has {len(jumps)} jumps ({listed}); choreo follows one")
        self.jump_at, self.jump = jumps[0]
        jump, at = self.jump, self.jump_at
        if jump.target == "segno":
            segnos = [i for i, s in enumerate(self.signs) if s.segno]
            if not segnos:
                raise self.refuse(f"{jump.label} in {self.name(at)} but the score has no segno")
            if len(segnos) > 1:
                listed = ", ".join(self.name(i) for i in segnos)
                raise self.refuse(f"{jump.label} with {len(segnos)} segnos ({listed})")
            if segnos[0] > at:
                raise self.refuse(f"the segno in {self.name(segnos[0])} comes after {jump.label}")
            self.return_to = segnos[0]
        until = jump.until
        if until in ("end", "section") and fines:
            until = "fine"  # a plain D.C. in a score with a Fine stops there
        if until == "fine":
            if len(fines) != 1:
                found = "no Fine" if not fines else f"{len(fines)} Fines"
                raise self.refuse(f"{jump.label} in {self.name(at)} but the score has {found}")
            if jump.target == "capo":
                self.return_to = self._head(jump, fines[0])
            if not self.return_to <= fines[0] <= at:
                raise self.refuse(
                    f"the Fine in {self.name(fines[0])} is not between where "
                    f"{jump.label} returns to and {self.name(at)}"
                )
            self.fine_at = fines[0]
        if until == "coda":
            self._find_coda(jump, at)
        if until == "section":
            self._find_section_end(jump, at)
        if until == "end" and jump.target == "capo":
            self.return_to = self._head(jump, at)
        self._check_one_movement(jump, at)
        self._check_what_follows(jump, at)

    def _head(self, jump: Jump, before: int) -> int:
        """Where a da capo returns to: the head of its movement, at or before ``before``.

        A file may hold several movements without a final barline between them; a movement
        (or a minuet) begins with a heading over a new time or key signature. A heading
        that names the section ("Menuetto" for "Menuetto da capo") wins over a later one.
        """
        named = self._named_head(jump, before)
        if named is not None:
            return named
        headings = [i for i in range(before + 1) if self._starts_section_heading(i)]
        return headings[-1] if headings else 0

    def _named_head(self, jump: Jump, before: int) -> int | None:
        """The last heading up to ``before`` that names the section the jump names."""
        stem = jump.section.rstrip(".")[:4]
        named = [
            i
            for i in range(before + 1)
            if stem and self._starts_section_heading(i) and stem in self.signs[i].heading.casefold()
        ]
        return named[-1] if named else None

    def _starts_section_heading(self, index: int) -> bool:
        return bool(self.signs[index].heading) and not self.signs[index].trio

    def _find_section_end(self, jump: Jump, at: int) -> None:
        """'Menuetto da capo' without a Fine: the Menuetto ends where the Trio starts or,
        without a Trio heading, after its two repeated strains (the Trio has two more)."""
        # The section ends where the Trio (or the next heading: "Maggiore") starts.
        trios = [i for i in range(1, at + 1) if self._starts_trio(i)]
        named = self._named_head(jump, at)
        last_trio = trios[-1] - 1 if trios else at
        self.return_to = named if named is not None else self._head(jump, last_trio)
        trios = [i for i in trios if i > self.return_to]
        if trios:
            self.fine_at = trios[0] - 1
            return
        strains = self._strain_ends(self.return_to, at)
        if len(strains) != 4 or strains[-1] != at:
            raise self.refuse(
                f"'{jump.label}' in {self.name(at)}, but the score marks neither a Fine nor "
                "a Trio, and its repeated strains are not a minuet's two and a trio's two: "
                "where the section it returns to ends is unclear"
            )
        self.fine_at = strains[1]

    def _starts_trio(self, index: int) -> bool:
        return self.signs[index].trio or bool(self.signs[index].heading)

    def _strain_ends(self, first: int, last: int) -> list[int]:
        """The measures that end a repeated strain: an end repeat, or a last ending."""
        ends = []
        for index in range(first, last + 1):
            sign = self.signs[index]
            following = self.signs[index + 1] if index + 1 < len(self.signs) else None
            last_ending = (
                bool(sign.endings)
                and sign.ending_stops
                and not sign.end_repeat
                and (following is None or not following.endings)
            )
            if (sign.end_repeat and not sign.endings) or last_ending:
                ends.append(index)
        return ends

    def _check_what_follows(self, jump: Jump, at: int) -> None:
        """Measures after a da capo that stops early: the next movement, or unclear."""
        if at + 1 >= len(self.signs) or self.fine_at is None:
            return
        following = self.signs[at + 1]
        # music21 sets "Coda" written over the bar's start at its end: the next bar's sign.
        coda_next = any(s.coda for s in self.signs[at + 1 : at + 3])
        if following.heading or coda_next:
            self.resume_at = at + 1  # a new movement or the coda, played after the da capo
        elif jump.until == "section":
            raise self.refuse(
                f"'{jump.label}' in {self.name(at)} is followed by "
                f"{self._span(at + 1, len(self.signs) - 1)}: whether they are played after "
                "the da capo is unclear"
            )

    def _find_coda(self, jump: Jump, at: int) -> None:
        to_codas = [i for i, s in enumerate(self.signs) if s.to_coda]
        codas = [i for i, s in enumerate(self.signs) if s.coda]
        if not to_codas and len(codas) == 2:
            to_codas, codas = codas[:1], codas[1:]  # the first sign says "to coda"
        if len(to_codas) != 1 or len(codas) != 1:
            raise self.refuse(
                f"{jump.label} in {self.name(at)} needs one 'To Coda' and one coda sign; "
                f"the score has {len(to_codas)} and {len(codas)}"
            )
        if not self.return_to <= to_codas[0] <= at:
            raise self.refuse(f"the 'To Coda' in {self.name(to_codas[0])} is never reached")
        if codas[0] <= at:
            raise self.refuse(f"the coda in {self.name(codas[0])} comes before {jump.label}")
        self.to_coda_at, self.coda_at = to_codas[0], codas[0]

    def _check_one_movement(self, jump: Jump, at: int) -> None:
        """A final barline before the jump means several movements: where would D.C. go?"""
        for index in range(self.return_to, at):
            if self.signs[index].final_barline and index != self.fine_at:
                raise self.refuse(
                    f"{jump.label} in {self.name(at)} comes after the final barline of "
                    f"{self.name(index)}; the score seems to hold several movements, so "
                    "where it returns to is unclear"
                )

    def _span(self, first: int, last: int) -> str:
        if first == last:
            return self.name(first)
        return f"measures {self.numbers[first]}-{self.numbers[last]}"

    # -- playing ----------------------------------------------------------------------
    def play(self) -> list[int]:
        signs = self.signs
        count = len(signs)
        order: list[int] = []
        limit = 64 * count + 64
        index = 0
        section_start = 0  # where a backward repeat returns to
        signed = False  # whether a start-repeat sign says so
        time_through = 1
        jumped = False  # playing the da capo (or dal segno)
        jumps = 0  # how often the jump has been taken
        jump_times = self.jump.times if self.jump is not None else 0
        in_endings = False
        while index < count:
            if len(order) > limit:
                raise self.refuse("the repeats never end")
            sign = signs[index]
            if sign.endings:
                # The pass of the repeat the ending closes, even where a new repeat
                # starts with the second ending (Beethoven op. 18 no. 4 i, bar 79).
                wanted = self.group_last[index] if jumped else time_through
                if wanted not in sign.endings:
                    in_endings = True
                    index += 1
                    continue
            if sign.start_repeat:
                if index != section_start:
                    section_start, time_through = index, 1
                signed = True
            elif not signed and time_through == 1 and self._starts_section(index):
                section_start = index  # a repeat does not go back past a Fine or a Trio
            if in_endings and not sign.endings:
                section_start, time_through, signed = index, 1, False  # a new section
            in_endings = bool(sign.endings)
            order.append(index)
            if sign.end_repeat and not jumped:
                times = sign.times or (max(2, self.group_last[index]) if sign.endings else 2)
                if time_through < times:
                    time_through += 1
                    index, in_endings = section_start, False
                    continue
                if not sign.endings:
                    section_start, time_through, signed = index + 1, 1, False
            if index == self.jump_at and jumps < jump_times:
                jumped, jumps = True, jumps + 1
                index, in_endings = self.return_to, False
                continue
            if jumped and index == self.fine_at and jumps < jump_times:
                index += 1  # the Trio once more, then the jump again
                continue
            if jumped and index == self.fine_at and self.resume_at is not None:
                jumped, index, in_endings = False, self.resume_at, False
                section_start, time_through, signed = index, 1, False
                continue
            if jumped and index == self.fine_at:
                break
            if jumped and index == self.to_coda_at and self.coda_at is not None:
                index = self.coda_at
                continue
            index += 1
        if self.jump is not None and self.jump_at is not None and not jumps:
            raise self.refuse(f"{self.jump.label} in {self.name(self.jump_at)} is never reached")
        return order

    def _starts_section(self, index: int) -> bool:
        """A heading, or the measure after a Fine, starts a section of its own."""
        sign = self.signs[index]
        return sign.trio or bool(sign.heading) or (index > 0 and self.signs[index - 1].fine)


def _refuse(reason: str) -> RepeatsError:
    return RepeatsError(f"cannot expand repeats: {reason}")


def _endings_to_their_repeat_signs(signs: Sequence[RepeatSigns]) -> list[RepeatSigns]:
    """A first ending whose bracket stops a few bars before its repeat sign runs to it.

    Engravers (and exports) often draw the bracket over the first bar of the ending only;
    players read the ending as running to the repeat sign when the next ending starts right
    after it and nothing else (another bracket or repeat, a Fine, a jump, a heading) comes
    between: Beethoven op. 18 no. 3 i, bars 108-109.
    """
    found = list(signs)
    count = len(found)
    for stop, sign in enumerate(signs):
        if not (sign.endings and sign.ending_stops) or sign.end_repeat:
            continue
        later = stop + 1
        while later < count and _runs_on(found[later]) and not found[later].end_repeat:
            later += 1
        if later + 1 >= count or not _runs_on(found[later]):
            continue
        following = found[later + 1].endings
        if not following or min(following) <= max(sign.endings):
            continue
        found[stop] = replace(sign, ending_stops=False)
        for index in range(stop + 1, later + 1):
            found[index] = replace(found[index], endings=sign.endings, ending_stops=index == later)
    return found


def _runs_on(sign: RepeatSigns) -> bool:
    """A measure that says nothing but, perhaps, an end repeat: it can close an ending."""
    return sign == RepeatSigns(end_repeat=sign.end_repeat, times=sign.times)


def _passes(endings: tuple[int, ...]) -> str:
    return ", ".join(str(n) for n in endings) + "."
