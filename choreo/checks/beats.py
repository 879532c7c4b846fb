"""The rules about the beats themselves: vocabulary, cast, props, safety, and where each
beat falls on the measure map (a steady grid has no score to be outside of)."""

from __future__ import annotations

import difflib
from typing import Literal

from choreo.checks.registry import Findings
from choreo.model import Beat, Scene, format_beat
from choreo.placement import PlacedBeat, Spot, UnplacedBeat
from choreo.timing import EPSILON, MeasureMap
from choreo.vocabulary import Move, Vocabulary

SAFETY_RISK = 4


def check_beats(
    scene: Scene,
    vocabulary: Vocabulary,
    measures: MeasureMap,
    placed: list[Spot],
    findings: Findings,
) -> None:
    """Each beat in sheet order, then the performers' overlaps in time."""
    cast = {member.id: member for member in scene.cast}
    seen: set[str] = set()
    previous: PlacedBeat | None = None
    for spot in placed:
        beat = spot.beat
        if beat.id in seen:
            findings.add("duplicate-beat-id", beat.id, f"beat id {beat.id} is used twice")
        seen.add(beat.id)
        if not 1 <= beat.intensity <= 5:
            findings.add("intensity-range", beat.id, f"intensity {beat.intensity} is outside 1..5")
        for who in beat.everyone():
            if who not in cast:
                findings.add(
                    "unknown-performer",
                    beat.id,
                    f"{who} is not in the cast" + _did_you_mean(who, list(cast)),
                )
        ballet = _known_move(vocabulary, beat, "ballet", findings)
        combat = _known_move(vocabulary, beat, "combat", findings)
        if combat is not None:
            prop = beat.weapon or combat.prop
            wielder = beat.attacker or (beat.performers[0] if beat.performers else None)
            member = cast.get(wielder) if wielder else None
            if prop and member is not None and prop not in member.props:
                findings.add(
                    "missing-prop",
                    beat.id,
                    f"{combat.name} needs a {prop}, and {wielder} "
                    f"carries {', '.join(member.props) or 'nothing'}",
                )
            if combat.risk >= SAFETY_RISK and not (beat.safety or "").strip():
                findings.add(
                    "no-safety-note",
                    beat.id,
                    f"{combat.name} is risk {combat.risk}: "
                    "add a safety note (mats, spotters, rehearsal speed)",
                )
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
        length = spot.length_beats
        if ballet is not None and length + EPSILON < ballet.counts:
            findings.add(
                "too-short",
                beat.id,
                f"{ballet.name} usually takes {format_beat(ballet.counts)} "
                f"counts; this beat lasts {format_beat(round(length, 3))}",
            )
    _check_overlaps(placed, findings)


def _known_move(
    vocabulary: Vocabulary,
    beat: Beat,
    kind: Literal["ballet", "combat"],
    findings: Findings,
) -> Move | None:
    name = getattr(beat, kind)
    if not name:
        return None
    move = vocabulary.lookup(name, kind)
    if move is None:
        suggestions = vocabulary.suggest(name, kind)
        hint = f"; did you mean {' or '.join(repr(s) for s in suggestions)}?" if suggestions else ""
        findings.add(
            "unknown-move", beat.id, f"{kind} move {name!r} is not in the vocabulary{hint}"
        )
    return move


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
