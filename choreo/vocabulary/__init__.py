"""The move vocabulary: the ballet terms, combat actions and reactions a beat can name.

The bundled terms live in ``ballet.yaml``, ``combat.yaml`` (the stage-combat actions the
SAFD and Fight Directors Canada glossaries teach, each with its weapon class and risk) and
``reaction.yaml`` (the sells, knaps, recoils and falls of the partner who receives an
action) beside this module, with ``props.yaml``, the kinds of prop those moves need; every
term has a one-sentence definition for the crew. A scene may add its own moves
(``Scene.moves``), which override bundled ones of the same name. Names are matched by
:func:`normalize`, so accents, case, hyphens, spaces and apostrophes never make a move
unknown.
"""

from __future__ import annotations

import difflib
import functools
import re
import textwrap
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any, Literal

from ruamel.yaml import YAML

from choreo.model.scene import BalletMove, CombatMove, ReactionMove

Kind = Literal["ballet", "combat", "reaction"]
KINDS: tuple[Kind, ...] = ("ballet", "combat", "reaction")
FAMILIES = ("turn", "jump", "step", "pose", "linking")
LEVELS = ("floor", "low", "middle", "high", "air")
CATEGORIES = (
    "strike", "kick", "block", "parry", "grab", "throw", "fall", "blade", "firearm", "evade",
    "choke", "lift",
)  # fmt: skip
REACTION_CATEGORIES = ("sell", "knap", "recoil", "fall")
# What a combat action is fought with (the scene model's WeaponClass).
WEAPON_CLASSES = (
    "unarmed", "knife", "sword", "rapier-dagger", "quarterstaff", "firearm", "found-object",
)  # fmt: skip
Safety = Literal["blade", "firearm"]
# The width ``choreo moves`` wraps definitions to: an 80-column terminal.
LISTING_WIDTH = 80

# difflib ratio below which a name is not offered as "did you mean": 0.75 keeps one-letter
# slips ("pirouete", "upercut") and drops near misses that are other moves ("passé" for
# "assamble"); a very short name ("jab") needs its exact spelling.
SUGGEST_CUTOFF = 0.75

# Letters NFKD does not split into a base letter and an accent.
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ø": "o"})


@dataclass(frozen=True, slots=True)
class Move:
    """One ballet term, combat action or reaction, bundled or added by a scene."""

    kind: Kind
    name: str
    aliases: tuple[str, ...] = ()
    english: str | None = None
    family: str | None = None  # ballet
    counts: float = 1.0  # ballet: typical counts; combat and reaction: 1
    travels: bool = False
    level: str | None = None
    category: str | None = None  # combat (CATEGORIES), reaction (REACTION_CATEGORIES)
    risk: int = 1  # combat and reaction 1..5; ballet 1
    prop: str | None = None  # combat: the prop the performer must hold
    weapon_class: str | None = None  # combat: one of WEAPON_CLASSES; None when unknown
    definition: str | None = None  # one plain sentence; every bundled move has one
    custom: bool = False  # added by a scene


@dataclass(frozen=True, slots=True)
class PropKind:
    """A kind of prop (``props.yaml``): a sword, a knife, a pistol; what a combat move's
    ``prop`` names, and what a cast member's prop is by the words of its name."""

    name: str
    weapon_class: str | None  # one of WEAPON_CLASSES; None for kinds no move is fought with
    safety: Safety | None  # a beat that uses or moves one needs a safety note
    words: frozenset[str]  # normalized


@functools.lru_cache(maxsize=1)
def prop_kinds() -> dict[str, PropKind]:
    """The bundled prop kinds by name, in data order."""
    text = resources.files(__name__).joinpath("props.yaml").read_text(encoding="utf-8")
    entries: list[dict[str, Any]] = YAML(typ="safe").load(text)
    return {
        entry["kind"]: PropKind(
            entry["kind"],
            entry["weapon_class"],
            entry["safety"],
            frozenset(normalize(word) for word in entry["words"]),
        )
        for entry in entries
    }


@functools.lru_cache(maxsize=4096)
def kinds_of(prop: str) -> tuple[PropKind, ...]:
    """The kinds a prop is by the words of its name: "Eve's rapier" is a sword, "rubber
    knife" a knife, "dagger" a dagger and a knife; "knifepoint map" is none."""
    words = {normalize(word) for word in re.split(r"[\W_]+", prop)}
    return tuple(kind for kind in prop_kinds().values() if words & kind.words)


def is_of_kind(prop: str, wanted: str) -> bool:
    """Whether a held ``prop`` is what a move or beat names as ``wanted``: the same prop
    (whatever its case or accents), or, when ``wanted`` is a kind, a prop of that kind."""
    key = normalize(wanted)
    return normalize(prop) == key or any(kind.name == key for kind in kinds_of(prop))


# A sheet or a check asks for the same few names again and again.
@functools.lru_cache(maxsize=4096)
def normalize(name: str) -> str:
    """The matching key of a move name: no accents, case, spaces, hyphens or apostrophes.

    ``"Grand Jeté"``, ``"grand-jete"`` and ``"GRAND JETE"`` share the key ``"grandjete"``;
    dropping every separator also makes ``"tour en l'air"`` equal ``"tour en lair"``.
    """
    decomposed = unicodedata.normalize("NFKD", name.casefold().translate(_LIGATURES))
    return "".join(char for char in decomposed if char.isalnum())


class Vocabulary:
    """The moves a scene may name, looked up by normalized name or alias."""

    def __init__(self, moves: Iterable[Move]) -> None:
        self._moves: tuple[Move, ...] = tuple(moves)
        self._index: dict[tuple[Kind, str], Move] = {}
        # Names win over aliases, and scene moves over bundled ones, when keys collide.
        by_priority = sorted(self._moves, key=lambda move: not move.custom)
        named = [(move, move.name) for move in by_priority]
        aliased = [(move, alias) for move in by_priority for alias in move.aliases]
        for move, name in [*named, *aliased]:
            if key := normalize(name):
                self._index.setdefault((move.kind, key), move)
        self._keys: dict[Kind, list[str]] = {kind: [] for kind in KINDS}
        for kind, key in self._index:
            self._keys[kind].append(key)

    @classmethod
    def bundled(cls) -> Vocabulary:
        """The moves shipped with choreo (loaded once, then shared)."""
        return _bundled()

    def with_scene_moves(
        self, moves: Sequence[BalletMove | CombatMove | ReactionMove]
    ) -> Vocabulary:
        """This vocabulary plus a scene's moves; a scene move replaces one of the same name."""
        added: dict[tuple[Kind, str], Move] = {
            (move.kind, normalize(move.name)): _from_scene(move) for move in moves
        }
        merged = [added.pop((move.kind, normalize(move.name)), move) for move in self._moves]
        return Vocabulary([*merged, *added.values()])

    def lookup(self, name: str, kind: Kind) -> Move | None:
        """The move called ``name`` (or with ``name`` as an alias), or None."""
        return self._index.get((kind, normalize(name)))

    def suggest(self, name: str, kind: Kind, limit: int = 3) -> list[str]:
        """Canonical names close to ``name``, best first, for "did you mean"."""
        key = normalize(name)
        keys = self._keys[kind]
        if not key or not keys or limit < 1:
            return []
        suggestions: list[str] = []
        for match in difflib.get_close_matches(key, keys, n=len(keys), cutoff=SUGGEST_CUTOFF):
            canonical = self._index[(kind, match)].name
            if canonical not in suggestions:
                suggestions.append(canonical)
            if len(suggestions) == limit:
                break
        return suggestions

    def moves(self, kind: Kind | None = None) -> list[Move]:
        """The moves of one kind, or all, in data order (scene additions last)."""
        return [move for move in self._moves if kind is None or move.kind == kind]

    def names(self, kind: Kind) -> list[str]:
        """Canonical names of one kind, for completion."""
        return [move.name for move in self.moves(kind)]


def moves_table(vocabulary: Vocabulary, kind: str | None) -> str:
    """The listing printed by ``choreo moves [--kind ballet|combat|reaction]``.

    One aligned row of facts per move, its definition wrapped on the indented line below,
    so the listing reads on an 80-column terminal.
    """
    kinds = [k for k in KINDS if kind is None or k == kind]
    if not kinds:
        raise ValueError(f"unknown move kind {kind!r}; expected 'ballet', 'combat' or 'reaction'")
    sections = []
    for section_kind in kinds:
        moves = vocabulary.moves(section_kind)
        header = _COLUMNS[section_kind]
        rows = _aligned([header, *(_facts(move) for move in moves)])
        lines = [f"{_TITLES[section_kind]} ({len(moves)})", rows[0]]
        for move, row in zip(moves, rows[1:], strict=True):
            lines.append(row)
            if move.definition:
                lines.extend(_wrapped(move.definition, "    "))
        sections.append("\n".join(lines))
    return "\n\n".join(sections) + "\n"


def describe_move(move: Move) -> str:
    """Everything the vocabulary says about one move, for ``choreo moves NAME``."""
    facts = dict(zip(_COLUMNS[move.kind][1:], _facts(move)[1:], strict=True))
    lines = [f"{move.name} ({move.kind})"]
    if move.english:
        lines.append(f"  in English: {move.english}")
    if move.aliases:
        lines.extend(_wrapped("also called: " + ", ".join(move.aliases), "  "))
    lines.append("  " + ", ".join(f"{column} {value}" for column, value in facts.items()))
    if move.definition:
        lines.extend(_wrapped(move.definition, "  "))
    return "\n".join(lines) + "\n"


_TITLES: dict[Kind, str] = {
    "ballet": "Ballet moves",
    "combat": "Combat moves",
    "reaction": "Reactions",
}
_COLUMNS: dict[Kind, tuple[str, ...]] = {
    "ballet": ("name", "family", "counts", "travels", "level"),
    "combat": ("name", "category", "risk", "weapon", "prop"),
    "reaction": ("name", "category", "risk"),
}


def _facts(move: Move) -> tuple[str, ...]:
    if move.kind == "ballet":
        travels = "yes" if move.travels else "no"
        return (move.name, move.family or "-", f"{move.counts:g}", travels, move.level or "-")
    if move.kind == "reaction":
        return (move.name, move.category or "-", str(move.risk))
    return (
        move.name,
        move.category or "-",
        str(move.risk),
        move.weapon_class or "-",
        move.prop or "-",
    )


def _wrapped(text: str, indent: str) -> list[str]:
    return textwrap.wrap(
        text, LISTING_WIDTH, initial_indent=indent, subsequent_indent=indent, break_on_hyphens=False
    )


def _aligned(rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    return [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]


def _from_scene(move: BalletMove | CombatMove | ReactionMove) -> Move:
    if isinstance(move, BalletMove):
        return Move(
            kind="ballet",
            name=move.name,
            aliases=tuple(move.aliases),
            family=move.family,
            counts=float(move.counts),
            definition=move.definition,
            custom=True,
        )
    if isinstance(move, ReactionMove):
        return Move(
            kind="reaction",
            name=move.name,
            aliases=tuple(move.aliases),
            category=move.category,
            risk=move.risk,
            definition=move.definition,
            custom=True,
        )
    return Move(
        kind="combat",
        name=move.name,
        aliases=tuple(move.aliases),
        category=move.category,
        risk=move.risk,
        prop=move.prop,
        weapon_class=move.weapon_class or _scene_weapon_class(move),
        definition=move.definition,
        custom=True,
    )


def _scene_weapon_class(move: CombatMove) -> str | None:
    """A scene's combat move without a weapon class: its prop's, else unarmed; a firearm
    action is a firearm's, and a blade action or an unknown prop has no class to guess."""
    if move.prop:
        kind = prop_kinds().get(normalize(move.prop))
        return kind.weapon_class if kind else None
    return {"firearm": "firearm", "blade": None}.get(move.category, "unarmed")


@functools.lru_cache(maxsize=1)
def _bundled() -> Vocabulary:
    return Vocabulary([*_load("ballet"), *_load("combat"), *_load("reaction")])


def _load(kind: Kind) -> list[Move]:
    text = resources.files(__name__).joinpath(f"{kind}.yaml").read_text(encoding="utf-8")
    entries: list[dict[str, Any]] = YAML(typ="safe").load(text)
    reader = {"ballet": _ballet, "combat": _combat, "reaction": _reaction}[kind]
    return [reader(entry) for entry in entries]


def _ballet(entry: dict[str, Any]) -> Move:
    return Move(
        kind="ballet",
        name=entry["name"],
        aliases=tuple(entry.get("aliases") or ()),
        english=entry.get("english"),
        family=entry["family"],
        counts=float(entry["counts"]),
        travels=bool(entry["travels"]),
        level=entry["level"],
        definition=entry["definition"],
    )


def _combat(entry: dict[str, Any]) -> Move:
    return Move(
        kind="combat",
        name=entry["name"],
        aliases=tuple(entry.get("aliases") or ()),
        category=entry["category"],
        risk=int(entry["risk"]),
        prop=entry.get("prop"),
        weapon_class=entry["weapon_class"],
        definition=entry["definition"],
    )


def _reaction(entry: dict[str, Any]) -> Move:
    return Move(
        kind="reaction",
        name=entry["name"],
        aliases=tuple(entry.get("aliases") or ()),
        category=entry["category"],
        risk=int(entry["risk"]),
        definition=entry["definition"],
    )


__all__ = [
    "CATEGORIES",
    "FAMILIES",
    "KINDS",
    "LEVELS",
    "LISTING_WIDTH",
    "REACTION_CATEGORIES",
    "WEAPON_CLASSES",
    "Kind",
    "Move",
    "PropKind",
    "Vocabulary",
    "describe_move",
    "is_of_kind",
    "kinds_of",
    "moves_table",
    "normalize",
    "prop_kinds",
]
