"""The rules about the beats themselves: vocabulary, cast and doubles, and where each
beat falls on the measure map (a steady grid has no score to be outside of); each beat's
weapons are :mod:`choreo.checks.weapons`' rules, run in the same pass so a beat's findings
stay together."""

from __future__ import annotations

import difflib

from choreo.checks.registry import Findings
from choreo.checks.weapons import check_weapons
from choreo.custody import CustodyProblem, follow_custody
from choreo.model import FLOOR, Beat, CastMember, Scene, format_beat
from choreo.placement import PlacedBeat, Spot, UnplacedBeat
from choreo.timing import EPSILON, MeasureMap
from choreo.vocabulary import Kind, Move, Vocabulary

# The quickest count a trained dancer keeps for a move: a count at ♩=200, twice a
# moderate class tempo (♩=100), where the vocabulary's counts are taught. Faster than
# that a grand jeté has no time in the air and a pirouette does not come round, so a move
# needs at least its counts times this: a plié (two counts) one beat long at ♩=96 has
# 0.62 s and is fine; a grand jeté (two counts) one beat long at ♩=120 has 0.50 s.
QUICKEST_COUNT_SECONDS = 0.3


def check_beats(
    scene: Scene,
    vocabulary: Vocabulary,
    measures: MeasureMap,
    placed: list[Spot],
    findings: Findings,
) -> None:
    """The cast's doubles, then each beat in sheet order, then the performers' overlaps
    in time."""
    cast = {member.id: member for member in scene.cast}
    for member in scene.cast:
        if member.doubles and member.doubles not in cast:
            findings.add(
                "unknown-performer",
                None,
                f"{member.id} doubles {member.doubles}, who is not in the cast"
                + _did_you_mean(member.doubles, list(cast)),
            )
    custody = follow_custody(scene, vocabulary)
    problems: dict[str, list[CustodyProblem]] = {}
    for problem in custody.problems:
        problems.setdefault(problem.beat, []).append(problem)
    seen: set[str] = set()
    previous: PlacedBeat | None = None
    for spot, holding in zip(placed, custody.holdings, strict=True):
        beat = spot.beat
        if beat.id in seen:
            findings.add("duplicate-beat-id", beat.id, f"beat id {beat.id} is used twice")
        seen.add(beat.id)
        if not 1 <= beat.intensity <= 5:
            findings.add("intensity-range", beat.id, f"intensity {beat.intensity} is outside 1..5")
        for who in _named_performers(beat):
            if who not in cast:
                findings.add(
                    "unknown-performer",
                    beat.id,
                    f"{who} is not in the cast" + _did_you_mean(who, list(cast)),
                )
        _check_doubles(beat, cast, findings)
        ballets = _known_moves(vocabulary, beat, findings)
        check_weapons(scene, vocabulary, beat, holding, problems.pop(beat.id, []), findings)
        if isinstance(spot, UnplacedBeat):
            measure = measures.measure(beat.at.measure, beat.pass_number or 1)
            past = measure is not None and beat.at.beat >= measure.last_beat - EPSILON
            code = "past-barline" if past else "outside-score"
            if not measures.steady or code == "past-barline":
                findings.add(code, beat.id, f"{beat.at}: {spot.problem}")
            continue
        start = spot.start_offset
        if previous is not None and start < previous.start_offset - EPSILON:
            findings.add(
                "beats-out-of-order",
                beat.id,
                f"{beat.at} comes before {previous.beat.id} at {previous.beat.at}",
            )
        previous = spot
        if beat.hit:
            _check_hit(beat, start, measures, findings)
        for ballet in ballets:
            _check_time_for(ballet, spot, findings)
    _check_overlaps(placed, findings)


def _named_performers(beat: Beat) -> list[str]:
    """Every id the beat names as a performer: performers, attacker, partner, columns,
    doubles (both sides) and the ends of handoffs (not the floor), each once."""
    names = [*beat.everyone(), *beat.doubles.keys(), *beat.doubles.values()]
    names += [end for h in beat.handoffs for end in (h.from_, h.to) if end != FLOOR]
    return list(dict.fromkeys(names))


def _check_doubles(beat: Beat, cast: dict[str, CastMember], findings: Findings) -> None:
    """A beat's double should be declared in the cast as doubling that character. Only a
    warning: a stunt performer may double a second character for a beat or two, and the
    cast has room for one."""
    for character, double in beat.doubles.items():
        member = cast.get(double)
        if member is None or character not in cast or member.doubles == character:
            continue
        declared = f"doubles {member.doubles}" if member.doubles else "doubles no one"
        findings.add(
            "undeclared-double",
            beat.id,
            f"{double} performs for {character} here, but in the cast {double} {declared}; "
            f"add `doubles: {character}` to {double}, or check the name",
        )


def _known_moves(vocabulary: Vocabulary, beat: Beat, findings: Findings) -> list[Move]:
    """Look up every move the beat names, its own and each performer's; an unknown one is
    a warning with "did you mean". Returns the ballet moves found, for their time."""
    named: list[tuple[str | None, Kind, str]] = [
        (beat.ballet, "ballet", "ballet move"),
        (beat.combat, "combat", "combat move"),
    ]
    for action in beat.actions:
        whose = f"{action.performer}'s"
        named += [
            (action.ballet, "ballet", f"{whose} ballet move"),
            (action.combat, "combat", f"{whose} combat move"),
            (action.reaction, "reaction", f"{whose} reaction"),
        ]
    ballets: list[Move] = []
    for name, kind, what in named:
        if not name or not name.strip():
            continue
        move = vocabulary.lookup(name, kind)
        if move is None:
            suggestions = vocabulary.suggest(name, kind)
            hint = (
                f"; did you mean {' or '.join(repr(s) for s in suggestions)}?"
                if suggestions
                else ""
            )
            findings.add("unknown-move", beat.id, f"{what} {name!r} is not in the vocabulary{hint}")
        elif kind == "ballet" and move not in ballets:
            ballets.append(move)
    return ballets


def _check_time_for(ballet: Move, spot: PlacedBeat, findings: Findings) -> None:
    """Seconds, not counts: the same one-count move is fine at a slow tempo and rushed at
    a fast one."""
    needs = ballet.counts * QUICKEST_COUNT_SECONDS
    if spot.seconds + EPSILON < needs:
        findings.add(
            "too-short",
            spot.beat.id,
            f"{ballet.name} needs {needs:.2f} s or more ({format_beat(ballet.counts)} counts); "
            f"this beat lasts {spot.seconds:.2f} s",
        )


def strong_beats(beat_count: int) -> list[int]:
    """Beat 1 always; the middle of a bar of four or six beats too (3 of 4/4)."""
    if beat_count >= 4 and beat_count % 2 == 0:
        return [1, beat_count // 2 + 1]
    return [1]


def _check_hit(beat: Beat, here: float, measures: MeasureMap, findings: Findings) -> None:
    """``here`` is the beat's placed offset."""
    measure = measures.measure(beat.at.measure, beat.pass_number or 1)
    if measure is None:
        return
    strong = strong_beats(measure.beat_count)
    if any(abs(beat.at.beat - s) < EPSILON for s in strong):
        return
    candidates = [
        (f"{measure.number}:{s}", measure.offset_of_beat(s))
        for s in strong
        if measure.first_beat <= s < measure.last_beat
    ]
    if measure.index + 1 < len(measures.measures):
        following = measures.measures[measure.index + 1]
        candidates.append(
            (f"{following.number}:{format_beat(following.first_beat)}", following.offset)
        )
    nearest = min(candidates, key=lambda c: abs(c[1] - here), default=None)
    findings.add(
        "hit-off-beat",
        beat.id,
        f"the hit at {beat.at} is not on a strong beat"
        + (f"; nearest is {nearest[0]}" if nearest else ""),
    )


def _check_overlaps(placed: list[Spot], findings: Findings) -> None:
    """A performer can't be in two beats at once: flag a beat starting inside another's."""
    # A stable sort: beats that start together stay in sheet order.
    timed = sorted((p for p in placed if isinstance(p, PlacedBeat)), key=lambda p: p.start_offset)
    busy: dict[str, PlacedBeat] = {}
    for spot in timed:
        start = spot.start_offset
        for who in spot.beat.everyone():
            earlier = busy.get(who)
            if earlier is not None and start < earlier.end_offset - EPSILON:
                findings.add(
                    "performer-overlap",
                    spot.beat.id,
                    f"{who} is still in {earlier.beat.id} "
                    f"({earlier.beat.at}, {format_beat(earlier.length_beats)} beats) "
                    f"when this beat starts",
                )
            if earlier is None or spot.end_offset > earlier.end_offset:
                busy[who] = spot


def _did_you_mean(name: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(name, choices, n=1)
    return f"; did you mean {close[0]}?" if close else ""
