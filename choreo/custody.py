"""Weapon custody: who holds which prop at each beat of a scene, and what kind of weapon
each prop is.

A cast member's ``props`` are what they hold when the scene starts. After a beat's action,
a disarm moves the weapon it takes from the partner to the disarmer, then the beat's
``handoffs`` move props in the order they are listed (a pass or throw to a performer, a
drop ``to: floor``, a pick-up ``from: floor``). The armourer's list and the weapon checks
both read :func:`follow_custody`, so they never disagree. A prop is what its kind says
(``props.yaml``): a move or beat that needs a sword is met by a rapier, and a disarm of a
sword takes it.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

from choreo.model import FLOOR, Beat, Scene
from choreo.vocabulary import Vocabulary, is_of_kind, kinds_of, normalize

Hands = Mapping[str, tuple[str, ...]]  # holder id (a performer, or FLOOR) → props held
WeaponClass = Literal["blade", "firearm"]


@dataclass(frozen=True, slots=True)
class Transfer:
    """One prop changing hands in a beat, by a disarm or a handoff."""

    prop: str
    from_: str  # a performer id, or FLOOR for a pick-up
    to: str  # a performer id, or FLOOR for a drop
    how: Literal["disarm", "handoff"]


@dataclass(frozen=True, slots=True)
class Holding:
    """Who holds what around one beat: at its start, after its action and handoffs, and
    what changed hands in between.

    ``before`` and ``after`` name every cast member in cast order (an empty tuple for
    empty hands), then any other id a beat names, then FLOOR; a holder with two of a
    prop lists it twice.
    """

    beat: str  # the beat's id
    before: Hands
    after: Hands
    transfers: tuple[Transfer, ...]

    def holds(self, who: str, prop: str) -> bool:
        """Whether ``who`` holds ``prop`` at the beat's start: that prop, or one of that
        kind when ``prop`` names a kind (a rapier is a sword)."""
        return held_as(self.before.get(who, ()), prop) is not None


@dataclass(frozen=True, slots=True)
class CustodyProblem:
    """A move custody cannot make: the prop is not where the beat says it comes from, or
    a disarm that names no weapon (``prop`` None) or no one to take it from."""

    beat: str
    prop: str | None
    message: str


@dataclass(frozen=True, slots=True)
class Custody:
    """Custody through a scene: one :class:`Holding` per beat, in the order of
    ``scene.beats``, and the moves that could not be made."""

    holdings: list[Holding]
    problems: list[CustodyProblem]

    def of(self, beat_id: str) -> Holding | None:
        """The holding around the first beat with this id."""
        return next((h for h in self.holdings if h.beat == beat_id), None)


def follow_custody(scene: Scene, vocabulary: Vocabulary) -> Custody:
    """Who holds what at each beat, in sheet order.

    Sheet order (the order of ``scene.beats``) is the order the fight is written and
    rehearsed in, and it needs no score: the armourer's list is the same whether or not
    the score can be read, and a beat placed before the one above it is already the
    ``beats-out-of-order`` warning. Ids not in the cast are followed as written (the
    checks name them); a move whose prop is not where it should be is a problem and is
    not made. ``vocabulary`` tells a disarm's weapon; the scene's own moves are added.
    """
    if scene.moves:
        vocabulary = vocabulary.with_scene_moves(scene.moves)
    hands: dict[str, list[str]] = {member.id: list(member.props) for member in scene.cast}
    for beat in scene.beats:
        ends = [end for handoff in beat.handoffs for end in (handoff.from_, handoff.to)]
        for who in [*beat.everyone(), *ends]:
            if who != FLOOR:
                hands.setdefault(who, [])
    hands[FLOOR] = []
    holdings: list[Holding] = []
    problems: list[CustodyProblem] = []
    after = _frozen(hands)
    for beat in scene.beats:
        before = after  # what each holds after one beat is what they hold at the next
        transfers: list[Transfer] = []
        wanted = [
            *(_disarm_transfer(beat, disarm, problems) for disarm in _disarms(beat, vocabulary)),
            *(Transfer(h.prop, h.from_, h.to, "handoff") for h in beat.handoffs),
        ]
        for transfer in wanted:
            if transfer is None:
                continue
            held = hands[transfer.from_]
            moved = held_as(held, transfer.prop)  # a disarm of a sword takes the rapier
            if moved is None:
                problems.append(CustodyProblem(beat.id, transfer.prop, _not_held(transfer, held)))
                continue
            held.remove(moved)
            hands[transfer.to].append(moved)
            transfers.append(dataclasses.replace(transfer, prop=moved))
        after = _frozen(hands) if transfers else before
        holdings.append(Holding(beat.id, before, after, tuple(transfers)))
    return Custody(holdings, problems)


def held_as(held: Sequence[str], wanted: str) -> str | None:
    """The prop of ``held`` that is ``wanted``: that very prop first, else the first of
    that kind (``sword`` is met by a rapier; ``rapier`` only by a rapier)."""
    if wanted in held:
        return wanted
    return next((prop for prop in held if is_of_kind(prop, wanted)), None)


def wielder(beat: Beat) -> str | None:
    """Who delivers the beat's combat action and wields its ``weapon``: the attacker,
    else the one performer whose column has a combat action, else the first performer."""
    columns = [action.performer for action in beat.actions if action.combat]
    if beat.attacker:
        return beat.attacker
    if len(columns) == 1:
        return columns[0]
    return beat.performers[0] if beat.performers else None


def combat_actions(beat: Beat) -> list[tuple[str, str]]:
    """Each combat action with who does it: the beat's own (by its :func:`wielder`), then
    each performer's column."""
    delivered_by = wielder(beat)
    headline = [(delivered_by, beat.combat)] if delivered_by and beat.combat else []
    return headline + [(a.performer, a.combat) for a in beat.actions if a.combat]


def is_disarm(name: str, vocabulary: Vocabulary) -> bool:
    """A combat move whose name says disarm (``knife disarm``), as written or as the
    vocabulary calls it (``take the weapon`` is ``disarm``)."""
    if _says_disarm(name):
        return True
    move = vocabulary.lookup(name, "combat")
    return move is not None and _says_disarm(move.name)


@functools.lru_cache(maxsize=4096)
def _says_disarm(name: str) -> bool:
    # Cached: a scene names the same few moves on thousands of beats.
    return "disarm" in normalize(name)


def weapon_class(prop: str) -> WeaponClass | None:
    """``blade`` or ``firearm`` when the prop's kind says so (``props.yaml``), else None;
    a firearm when it is both (a pistol with a bayonet)."""
    safety = {kind.safety for kind in kinds_of(prop)}
    return "firearm" if "firearm" in safety else "blade" if "blade" in safety else None


def weapon_classes(beat: Beat, vocabulary: Vocabulary) -> set[WeaponClass]:
    """The kinds of weapon a beat uses or moves: by its ``weapon``, the props it hands
    off (a pistol dropped is a firearm beat), and the category or prop of its combat
    action and of each performer's (a ``pistol shot`` is a firearm beat)."""
    classes: set[WeaponClass] = set()
    names = [beat.combat, *(action.combat for action in beat.actions)]
    for name in names:
        move = vocabulary.lookup(name, "combat") if name else None
        if move is None:
            continue
        if move.category in ("blade", "firearm"):
            classes.add("blade" if move.category == "blade" else "firearm")
        if move.prop and (kind := weapon_class(move.prop)):
            classes.add(kind)
    for prop in [beat.weapon, *(handoff.prop for handoff in beat.handoffs)]:
        if prop and (kind := weapon_class(prop)):
            classes.add(kind)
    return classes


@dataclass(frozen=True, slots=True)
class _Disarm:
    disarmer: str
    partner: str | None
    weapon: str | None
    move: str


def _disarms(beat: Beat, vocabulary: Vocabulary) -> list[_Disarm]:
    """The beat's disarms: its headline combat, then each action's, once per disarmer and
    weapon (an A column that repeats the headline is one disarm)."""
    found: list[_Disarm] = []
    for who, name in combat_actions(beat):
        if not is_disarm(name, vocabulary):
            continue
        move = vocabulary.lookup(name, "combat")
        disarm = _Disarm(who, _other(beat, who), beat.weapon or (move.prop if move else None), name)
        if all((d.disarmer, d.weapon) != (disarm.disarmer, disarm.weapon) for d in found):
            found.append(disarm)
    return found


def _other(beat: Beat, who: str) -> str | None:
    """Whom ``who`` acts on: the partner, else the attacker, else the one other performer."""
    for candidate in (beat.partner, beat.attacker):
        if candidate and candidate != who:
            return candidate
    others = [name for name in beat.everyone() if name != who]
    return others[0] if len(others) == 1 else None


def _disarm_transfer(
    beat: Beat, disarm: _Disarm, problems: list[CustodyProblem]
) -> Transfer | None:
    if disarm.weapon is None:
        problems.append(
            CustodyProblem(beat.id, None, f"{disarm.move} names no weapon: say which in `weapon`")
        )
        return None
    if disarm.partner is None:
        problems.append(
            CustodyProblem(
                beat.id,
                disarm.weapon,
                f"{disarm.move} has no partner to take the {disarm.weapon} from",
            )
        )
        return None
    return Transfer(disarm.weapon, disarm.partner, disarm.disarmer, "disarm")


def _not_held(transfer: Transfer, held: list[str]) -> str:
    if transfer.from_ == FLOOR:
        lying = ", ".join(held) or "nothing"
        return f"no {transfer.prop} lies on the floor for {transfer.to} to pick up (on it: {lying})"
    holds = f"{transfer.from_} holds {', '.join(held) or 'nothing'}"
    if transfer.how == "disarm":
        return f"{transfer.to} cannot disarm {transfer.from_} of a {transfer.prop}: {holds}"
    where = "drop" if transfer.to == FLOOR else f"hand to {transfer.to}"
    return f"{transfer.from_} has no {transfer.prop} to {where}: {holds}"


def _frozen(hands: dict[str, list[str]]) -> Hands:
    # Read-only: one beat's ``after`` is the next beat's ``before``, the same mapping.
    return MappingProxyType({who: tuple(props) for who, props in hands.items()})
