"""Lint rules a fight director wants before rehearsal, each with a stable code.

Rules that need no score run on the scene alone; the score rules run when a measure map
of the real score is given (a steady grid has no score to be outside of).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any, Literal

from choreo.model import Beat, Scene, format_beat
from choreo.placement import PlacedBeat, Spot, UnplacedBeat, place_beats
from choreo.timing import EPSILON, MeasureMap
from choreo.vocabulary import Move, Vocabulary

Severity = Literal["error", "warning", "info"]
SAFETY_RISK = 4

# code: (severity, what it catches) — the codes are a contract for users' scripts.
RULES: dict[str, tuple[Severity, str]] = {
    "unknown-move": ("warning", "a ballet move or combat action not in the vocabulary"),
    "unknown-performer": ("error", "a performer, attacker or partner not in the cast"),
    "duplicate-beat-id": ("error", "two beats with the same id"),
    "missing-prop": ("error", "a weapon action by a performer who does not carry that prop"),
    "no-safety-note": ("error", "a combat action of risk 4 or more without a safety note"),
    "beats-out-of-order": ("warning", "a beat placed before the beat above it"),
    "performer-overlap": ("error", "two beats overlapping in time for the same performer"),
    "intensity-range": ("error", "intensity outside 1..5"),
    "outside-score": ("error", "a beat on a measure the score does not have"),
    "past-barline": ("error", "a beat past the last beat of its measure"),
    "hit-off-beat": ("warning", "a hit that does not land on a strong beat"),
    "too-short": ("warning", "a beat shorter than its ballet move's typical counts"),
    "score-changed": ("warning", "the score changed since the scene was last synced"),
    "score-drift": ("warning", "what moved since the last sync: bars, tempi, beats in seconds"),
    "no-score": ("info", "the scene has no score; beats sit on a steady 4/4 grid"),
}


@dataclass(frozen=True, slots=True)
class Diagnostic:
    code: str
    severity: Severity
    beat: str | None
    message: str
    line: int | None = None

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def check_scene(
    scene: Scene,
    vocabulary: Vocabulary,
    measures: MeasureMap,
    *,
    line_of: Callable[[str], int | None] = lambda _: None,
    score_hash: str | None = None,
) -> list[Diagnostic]:
    """Every diagnostic for a scene, in beat order then rule order."""
    vocabulary = vocabulary.with_scene_moves(scene.moves)
    found: list[Diagnostic] = []

    def report(code: str, beat: Beat | None, message: str) -> None:
        severity = RULES[code][0]
        found.append(
            Diagnostic(
                code,
                severity,
                beat.id if beat else None,
                message,
                line_of(beat.id) if beat else None,
            )
        )

    if measures.steady:
        report(
            "no-score",
            None,
            f"no score: beats sit on a steady 4/4 grid at "
            f"{format_beat(scene.score.tempo)} quarter notes per minute",
        )
    elif scene.score.synced and score_hash and scene.score.synced.hash != score_hash:
        report(
            "score-changed",
            None,
            "the score changed since the last sync; "
            "run `choreo sync` to update, or `choreo sync --rebase` to follow moved marks",
        )

    placed = place_beats(scene, measures)
    _check_each_beat(scene, vocabulary, measures, placed, report)
    _check_overlaps(placed, report)
    return found


def _check_each_beat(
    scene: Scene,
    vocabulary: Vocabulary,
    measures: MeasureMap,
    placed: list[Spot],
    report: Callable[[str, Beat | None, str], None],
) -> None:
    cast = {member.id: member for member in scene.cast}
    seen: set[str] = set()
    previous: PlacedBeat | None = None
    for spot in placed:
        beat = spot.beat
        if beat.id in seen:
            report("duplicate-beat-id", beat, f"beat id {beat.id} is used twice")
        seen.add(beat.id)
        if not 1 <= beat.intensity <= 5:
            report("intensity-range", beat, f"intensity {beat.intensity} is outside 1..5")
        for who in beat.everyone():
            if who not in cast:
                report(
                    "unknown-performer",
                    beat,
                    f"{who} is not in the cast" + _did_you_mean(who, list(cast)),
                )
        ballet = _known_move(vocabulary, beat, "ballet", report)
        combat = _known_move(vocabulary, beat, "combat", report)
        if combat is not None:
            prop = beat.weapon or combat.prop
            wielder = beat.attacker or (beat.performers[0] if beat.performers else None)
            member = cast.get(wielder) if wielder else None
            if prop and member is not None and prop not in member.props:
                report(
                    "missing-prop",
                    beat,
                    f"{combat.name} needs a {prop}, and {wielder} "
                    f"carries {', '.join(member.props) or 'nothing'}",
                )
            if combat.risk >= SAFETY_RISK and not (beat.safety or "").strip():
                report(
                    "no-safety-note",
                    beat,
                    f"{combat.name} is risk {combat.risk}: "
                    "add a safety note (mats, spotters, rehearsal speed)",
                )
        if isinstance(spot, UnplacedBeat):
            measure = measures.measure(beat.at.measure, beat.pass_number or 1)
            past = measure is not None and beat.at.beat >= measure.last_beat - EPSILON
            code = "past-barline" if past else "outside-score"
            if not measures.steady or code == "past-barline":
                report(code, beat, f"{beat.at}: {spot.problem}")
            continue
        start = spot.start_offset
        if previous is not None and start < previous.start_offset - EPSILON:
            report(
                "beats-out-of-order",
                beat,
                f"{beat.at} comes before {previous.beat.id} at {previous.beat.at}",
            )
        previous = spot
        if beat.hit:
            _check_hit(beat, start, measures, report)
        length = spot.length_beats
        if ballet is not None and length + EPSILON < ballet.counts:
            report(
                "too-short",
                beat,
                f"{ballet.name} usually takes {format_beat(ballet.counts)} "
                f"counts; this beat lasts {format_beat(round(length, 3))}",
            )


def _known_move(
    vocabulary: Vocabulary,
    beat: Beat,
    kind: Literal["ballet", "combat"],
    report: Callable[[str, Beat | None, str], None],
) -> Move | None:
    name = getattr(beat, kind)
    if not name:
        return None
    move = vocabulary.lookup(name, kind)
    if move is None:
        suggestions = vocabulary.suggest(name, kind)
        hint = f"; did you mean {' or '.join(repr(s) for s in suggestions)}?" if suggestions else ""
        report("unknown-move", beat, f"{kind} move {name!r} is not in the vocabulary{hint}")
    return move


def strong_beats(beat_count: int) -> list[int]:
    """Beat 1 always; the middle of a bar of four or six beats too (3 of 4/4)."""
    if beat_count >= 4 and beat_count % 2 == 0:
        return [1, beat_count // 2 + 1]
    return [1]


def _check_hit(beat: Beat, here: float, measures: MeasureMap, report: Callable[..., None]) -> None:
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
    report(
        "hit-off-beat",
        beat,
        f"the hit at {beat.at} is not on a strong beat"
        + (f"; nearest is {nearest[0]}" if nearest else ""),
    )


def _check_overlaps(placed: list[Spot], report: Callable[..., None]) -> None:
    """A performer can't be in two beats at once: flag a beat starting inside another's."""
    # A stable sort: beats that start together stay in sheet order.
    timed = sorted((p for p in placed if isinstance(p, PlacedBeat)), key=lambda p: p.start_offset)
    busy: dict[str, PlacedBeat] = {}
    for spot in timed:
        start = spot.start_offset
        for who in spot.beat.everyone():
            earlier = busy.get(who)
            if earlier is not None and start < earlier.end_offset - EPSILON:
                report(
                    "performer-overlap",
                    spot.beat,
                    f"{who} is still in {earlier.beat.id} "
                    f"({earlier.beat.at}, {format_beat(earlier.length_beats)} beats) "
                    f"when this beat starts",
                )
            if earlier is None or spot.end_offset > earlier.end_offset:
                busy[who] = spot


def _did_you_mean(name: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(name, choices, n=1)
    return f"; did you mean {close[0]}?" if close else ""


def has_errors(diagnostics: list[Diagnostic]) -> bool:
    return any(d.severity == "error" for d in diagnostics)
