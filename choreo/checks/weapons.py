"""The rules about weapons: props nobody has, a weapon used or taken from someone who does
not hold it at that beat (custody follows disarms and handoffs), and the safety note every
weapon beat and every risky move needs."""

from __future__ import annotations

from dataclasses import dataclass

from choreo.checks.registry import Findings
from choreo.custody import (
    CustodyProblem,
    Holding,
    combat_actions,
    held_as,
    is_disarm,
    weapon_classes,
    wielder,
)
from choreo.model import FLOOR, Beat, Scene
from choreo.vocabulary import Kind, Vocabulary, is_of_kind

SAFETY_RISK = 4


@dataclass(frozen=True, slots=True)
class _Use:
    """A performer who must hold a prop at the beat's start, and the move that needs it."""

    who: str
    prop: str
    move: str
    wrong_kind: str | None = None  # the kind the move needs, when the beat's weapon is not


def check_weapons(
    scene: Scene,
    vocabulary: Vocabulary,
    beat: Beat,
    holding: Holding,
    problems: list[CustodyProblem],
    findings: Findings,
) -> None:
    """One beat: its props are the cast's, each weapon is in the right hands at this beat,
    and a weapon beat or a risky move has a safety note. ``problems`` are custody's for
    this beat (a handoff or disarm whose prop is not there)."""
    known = list(dict.fromkeys(prop for member in scene.cast for prop in member.props))
    named = [beat.weapon, *(handoff.prop for handoff in beat.handoffs)]
    unknown = list(dict.fromkeys(p for p in named if p and held_as(known, p) is None))
    for prop in unknown:
        findings.add(
            "unknown-prop",
            beat.id,
            f"no one in the cast has a {prop} "
            f"(props: {', '.join(sorted(known)) or 'none'}); add it to a cast member's props",
        )
    cast = scene.cast_ids()
    for use in _uses(beat, vocabulary):
        if use.wrong_kind and use.prop not in unknown:
            findings.add(
                "missing-prop",
                beat.id,
                f"{use.move} needs a {use.wrong_kind}, and the beat's weapon is a {use.prop}",
            )
        if use.who in cast and use.prop not in unknown and not holding.holds(use.who, use.prop):
            held = ", ".join(holding.before.get(use.who, ())) or "nothing"
            findings.add(
                "missing-prop",
                beat.id,
                f"{use.move} needs a {use.prop}, and {use.who} holds {held} at this beat"
                + _where_it_is(holding, use.prop),
            )
    for problem in problems:
        if problem.prop not in unknown:  # an unknown prop is named once, above
            findings.add("missing-prop", beat.id, problem.message)
    _check_safety_note(beat, vocabulary, findings)


def _uses(beat: Beat, vocabulary: Vocabulary) -> list[_Use]:
    """Who wields which prop in the beat: the beat's weapon by its wielder, and the prop
    each combat action needs by whoever does it, once per performer and prop (the A
    column often repeats the headline). A disarm's weapon is in the partner's hands, so
    custody checks it instead."""
    delivered_by = wielder(beat)
    uses: dict[tuple[str, str], _Use] = {}
    disarm = False
    for who, name in combat_actions(beat):
        if is_disarm(name, vocabulary):
            disarm = True
            continue
        move = vocabulary.lookup(name, "combat")
        if move is None:
            continue
        if who == delivered_by and beat.weapon:  # the beat names the very prop wielded
            wrong = move.prop if move.prop and not is_of_kind(beat.weapon, move.prop) else None
            uses.setdefault((who, beat.weapon), _Use(who, beat.weapon, move.name, wrong))
        elif move.prop:
            uses.setdefault((who, move.prop), _Use(who, move.prop, move.name))
    if beat.weapon and delivered_by and not disarm:
        uses.setdefault(
            (delivered_by, beat.weapon), _Use(delivered_by, beat.weapon, "the beat's weapon")
        )
    return list(uses.values())


def _where_it_is(holding: Holding, prop: str) -> str:
    holders = [who for who, props in holding.before.items() if held_as(props, prop)]
    if not holders:
        return ""
    places = ["on the floor" if who == FLOOR else f"with {who}" for who in holders]
    return f" (the {prop} is {' and '.join(places)})"


def _check_safety_note(beat: Beat, vocabulary: Vocabulary, findings: Findings) -> None:
    if (beat.safety or "").strip():
        return
    classes = sorted(weapon_classes(beat, vocabulary))
    if classes:
        findings.add(
            "no-safety-note",
            beat.id,
            f"a {' and '.join(classes)} beat: add a safety note "
            "(who checks the weapon, distance, rehearsal speed)",
        )
        return
    riskiest = max(_moves_with_risk(beat, vocabulary), key=lambda found: found[0], default=None)
    if riskiest is not None and riskiest[0] >= SAFETY_RISK:
        findings.add(
            "no-safety-note",
            beat.id,
            f"{riskiest[1]} is risk {riskiest[0]}: "
            "add a safety note (mats, spotters, rehearsal speed)",
        )


def _moves_with_risk(beat: Beat, vocabulary: Vocabulary) -> list[tuple[int, str]]:
    """The risk and name of the beat's combat action and of each performer's combat
    action and reaction (a high fall is risk 5 whoever sells it)."""
    named: list[tuple[str | None, Kind]] = [(beat.combat, "combat")]
    named += [(a.combat, "combat") for a in beat.actions]
    named += [(a.reaction, "reaction") for a in beat.actions]
    found = []
    for name, kind in named:
        move = vocabulary.lookup(name, kind) if name else None
        if move is not None:
            found.append((move.risk, move.name))
    return found
