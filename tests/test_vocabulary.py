"""The bundled move vocabulary: its data, lookup, suggestions, scene moves and listing."""

from __future__ import annotations

import re
import subprocess
import sys
import unicodedata
from typing import get_args

import pytest

from choreo.model import BalletMove, CombatMove, ReactionMove, Scene
from choreo.vocabulary import (
    CATEGORIES,
    FAMILIES,
    KINDS,
    LEVELS,
    LISTING_WIDTH,
    REACTION_CATEGORIES,
    WEAPON_CLASSES,
    Kind,
    Move,
    Vocabulary,
    describe_move,
    moves_table,
    normalize,
    prop_kinds,
)
from tests.run_cli import assert_one_line_error, choreo

REQUIRED_BALLET = [
    "grand jeté", "fouetté en tournant", "pirouette", "plié", "relevé", "arabesque",
    "attitude", "développé", "grand battement", "pas de bourrée", "glissade", "assemblé",
    "sissonne", "cabriole", "entrechat", "tour en l'air", "chaîné", "piqué turn", "soutenu",
    "port de bras", "cambré", "balancé", "pas de chat", "sauté", "temps levé", "tombé",
    "pas de basque", "révérence", "grand plié", "rond de jambe", "saut de chat",
    "jeté entrelacé", "coupé", "passé", "échappé", "brisé", "ballonné", "emboîté", "fondu",
]  # fmt: skip
REQUIRED_COMBAT = [
    "knife slash", "knife thrust", "flying kick", "roundhouse kick", "front kick", "jab",
    "cross", "uppercut", "backhand slap", "elbow strike", "headbutt", "block", "parry",
    "disarm", "wrist lock", "choke", "hair pull", "shoulder throw", "hip throw", "sweep",
    "back fall", "side fall", "forward roll", "pistol whip", "pistol shot", "rifle butt",
    "sword cut", "sword parry", "staff strike", "chair smash", "rope garrotte", "dodge",
    "duck", "spin kick", "knee strike", "slap", "fall", "knap punch",
]  # fmt: skip
# What the SAFD and Fight Directors Canada glossaries teach, by weapon.
REQUIRED_STAGE_COMBAT = [
    # sword: the numbered cuts and parries, attacks, attacks on the blade, footwork
    "cut 1", "cut 2", "cut 3", "cut 4", "cut 5", "parry 1", "parry 2", "parry 3", "parry 4",
    "parry 5", "parry 6", "parry 7", "parry 8", "lunge", "riposte", "bind", "beat attack",
    "croisé", "envelopment", "corps-à-corps", "coulé", "flèche", "feint", "disengage",
    "moulinet", "sword thrust", "sword cut",
    # rapier and dagger, quarterstaff, knife
    "dagger parry", "cross parry", "staff strike", "staff block", "knife slash",
    "knife thrust", "knife disarm",
    # unarmed: contact and non-contact strikes, slaps, punches, kicks, chokes, hair pulls
    "contact punch", "knap punch", "slap", "backhand slap", "jab", "cross", "hook",
    "uppercut", "front kick", "roundhouse kick", "choke", "rear naked choke", "hair pull",
    # rolls and falls
    "forward roll", "backward roll", "shoulder roll", "front fall", "back fall", "side fall",
    "sit fall", "high fall",
    # firearms
    "pistol aim", "pistol shot", "pistol whip", "reload", "safety check",
]  # fmt: skip
REQUIRED_REACTIONS = [
    "head snap", "double over", "knap", "body knap", "clap knap", "shared knap", "slip knap",
    "sell", "stagger", "fall", "high fall", "recoil", "spin out", "crumple",
    "collapse to knees", "thrown back",
]  # fmt: skip


@pytest.fixture(scope="module")
def vocabulary() -> Vocabulary:
    return Vocabulary.bundled()


# The data


def test_there_are_enough_terms(vocabulary: Vocabulary) -> None:
    assert len(vocabulary.moves("ballet")) >= 70
    assert len(vocabulary.moves("combat")) >= 120
    assert len(vocabulary.moves("reaction")) >= 20
    assert len(vocabulary.moves()) == sum(len(vocabulary.moves(kind)) for kind in KINDS)


@pytest.mark.parametrize(
    ("kind", "names"),
    [
        ("ballet", REQUIRED_BALLET),
        ("combat", REQUIRED_COMBAT),
        ("combat", REQUIRED_STAGE_COMBAT),
        ("reaction", REQUIRED_REACTIONS),
    ],
)
def test_the_required_terms_are_there_by_their_canonical_names(
    vocabulary: Vocabulary, kind: Kind, names: list[str]
) -> None:
    assert [n for n in names if n not in vocabulary.names(kind)] == []


def test_every_ballet_entry_is_valid(vocabulary: Vocabulary) -> None:
    for move in vocabulary.moves("ballet"):
        assert move.kind == "ballet"
        assert move.family in FAMILIES, move
        assert move.level in LEVELS, move
        assert move.english, move
        assert 0 < move.counts <= 16, move
        assert isinstance(move.travels, bool), move
        assert (move.category, move.prop, move.risk, move.custom) == (None, None, 1, False)
        assert move.weapon_class is None


def test_every_combat_entry_is_valid(vocabulary: Vocabulary) -> None:
    for move in vocabulary.moves("combat"):
        assert move.kind == "combat"
        assert move.category in CATEGORIES, move
        assert isinstance(move.risk, int) and 1 <= move.risk <= 5, move
        assert move.prop is None or move.prop in prop_kinds(), move
        assert move.weapon_class in WEAPON_CLASSES, move
        assert (move.family, move.level, move.counts, move.custom) == (None, None, 1.0, False)


def test_every_reaction_entry_is_valid(vocabulary: Vocabulary) -> None:
    for move in vocabulary.moves("reaction"):
        assert move.kind == "reaction"
        assert move.category in REACTION_CATEGORIES, move
        assert isinstance(move.risk, int) and 1 <= move.risk <= 5, move
        assert (move.prop, move.weapon_class, move.family, move.english) == (None,) * 4, move


def test_every_move_has_a_one_sentence_plain_definition(vocabulary: Vocabulary) -> None:
    for move in vocabulary.moves():
        text = move.definition
        assert text, move
        assert text == text.strip() and text[0].isupper() and text.endswith("."), move
        # One sentence: no full stop inside, short enough to read at a glance.
        assert ". " not in text and len(text) <= 160, move
        assert unicodedata.is_normalized("NFC", text), move
    definitions = [move.definition for move in vocabulary.moves()]
    shared = {d for d in definitions if definitions.count(d) > 1}
    # The same fall in two kinds may share its words; nothing else is copied.
    assert shared <= {vocabulary.lookup("high fall", "combat").definition}  # type: ignore[union-attr]


def test_a_prop_belongs_to_its_weapon_class(vocabulary: Vocabulary) -> None:
    for move in vocabulary.moves("combat"):
        if move.prop == "dagger":  # the off-hand dagger of rapier and dagger
            assert move.weapon_class == "rapier-dagger", move
        elif move.prop is not None:
            assert move.weapon_class == prop_kinds()[move.prop].weapon_class, move
    # Checks can tell a firearm or a blade beat from the move alone.
    classes = {m.name: m.weapon_class for m in vocabulary.moves("combat")}
    assert classes["pistol shot"] == classes["rifle butt"] == classes["reload"] == "firearm"
    assert classes["knife threat"] == classes["knife disarm"] == "knife"
    assert classes["cut 3"] == classes["bind"] == "sword"
    assert classes["cross parry"] == "rapier-dagger"
    assert classes["staff sweep"] == "quarterstaff"
    assert classes["bottle smash"] == classes["rope garrotte"] == "found-object"
    assert classes["hair pull"] == classes["knap punch"] == "unarmed"


def test_names_are_lowercase_nfc_and_aliases_are_not_repeated(vocabulary: Vocabulary) -> None:
    for move in vocabulary.moves():
        for text in (move.name, *move.aliases):
            assert text == text.strip().lower(), move
            # NFC, so column widths and string comparisons see one character per letter.
            assert unicodedata.is_normalized("NFC", text), text
        assert len(set(move.aliases)) == len(move.aliases), move
        assert move.name not in move.aliases, move


@pytest.mark.parametrize("kind", KINDS)
def test_no_name_or_alias_means_two_moves(vocabulary: Vocabulary, kind: Kind) -> None:
    owner: dict[str, str] = {}
    clashes = []
    for move in vocabulary.moves(kind):
        for text in (move.name, *move.aliases):
            key = normalize(text)
            if owner.setdefault(key, move.name) != move.name:
                clashes.append((text, owner[key], move.name))
    assert clashes == []


def test_allowed_values_match_the_scene_model() -> None:
    # A scene's custom moves and the bundled ones must draw from the same sets.
    assert set(get_args(BalletMove.model_fields["family"].annotation)) == set(FAMILIES)
    assert set(get_args(CombatMove.model_fields["category"].annotation)) == set(CATEGORIES)
    weapon = CombatMove.model_fields["weapon_class"].annotation
    assert set(get_args(get_args(weapon)[0])) == set(WEAPON_CLASSES)
    reaction = ReactionMove.model_fields["category"].annotation
    assert set(get_args(reaction)) == set(REACTION_CATEGORIES)


def test_stage_combat_risks_are_honest(vocabulary: Vocabulary) -> None:
    def risk(name: str) -> int:
        move = vocabulary.lookup(name, "combat")
        assert move is not None
        return move.risk

    assert risk("dodge") == 1
    assert risk("block") == 1
    assert risk("knap punch") <= 2
    assert risk("flying kick") >= 4
    assert risk("pistol shot") >= 4  # blanks kill at close range
    assert risk("rope garrotte") >= 4
    assert risk("high fall") == 5
    assert risk("stair fall") == 5
    assert risk("knife threat") >= 4  # a blade at the neck


def test_risks_follow_the_scale_in_the_data_header(vocabulary: Vocabulary) -> None:
    # combat.yaml: 1 no contact and no fall; 2 non-contact strikes, rolls, a cold firearm;
    # 3 kicks, throws, falls, every blade action; 4 airborne, blanks; 5 stunt work.
    for move in vocabulary.moves("combat"):
        rolling = move.name.endswith(" roll") and move.name != "dive roll"
        if move.category in ("kick", "throw", "blade") or (move.category == "fall" and not rolling):
            assert move.risk >= 3, move
        if rolling:
            assert move.risk == 2, move
        if move.category == "block":
            assert move.risk == 1, move
        if move.category == "evade":
            assert move.risk <= 2, move
        if move.weapon_class == "firearm":
            assert move.risk >= 2, move  # a firearm on stage is never risk 1
        if move.weapon_class in ("sword", "knife", "rapier-dagger"):
            assert move.risk >= 3, move
    for move in vocabulary.moves("reaction"):
        if move.category == "knap":
            assert move.risk == 1, move
        if move.category == "fall":
            assert move.risk >= 3, move
    blanks = [vocabulary.lookup(name, "combat") for name in ("fire blank", "rifle shot")]
    assert [move.risk for move in blanks if move] == [4, 4]
    # A word in two kinds carries the same risk in both.
    for name in ("fall", "high fall"):
        combat, reaction = vocabulary.lookup(name, "combat"), vocabulary.lookup(name, "reaction")
        assert combat is not None and reaction is not None
        assert combat.risk == reaction.risk


@pytest.mark.parametrize("number", [1, 2, 3, 4, 5])
def test_each_numbered_cut_is_met_by_the_parry_of_its_number(
    vocabulary: Vocabulary, number: int
) -> None:
    french = ["prime", "seconde", "tierce", "quarte", "quinte"][number - 1]
    cut = vocabulary.lookup(f"attack to {number}", "combat")
    parry = vocabulary.lookup(french, "combat")
    assert cut is not None and parry is not None
    assert (cut.name, parry.name) == (f"cut {number}", f"parry {number}")
    assert cut.definition is not None and f"parry {number} ({french})" in cut.definition
    assert (cut.category, parry.category) == ("blade", "parry")
    # The cut goes where the parry guards: both name the same body target.
    target = {1: "left hip", 2: "right hip", 3: "right shoulder", 4: "left shoulder", 5: "head"}
    assert parry.definition is not None and target[number] in parry.definition
    assert target[number] in cut.definition


@pytest.mark.parametrize(
    ("french", "number"),
    [("sixte", 6), ("septime", 7), ("octave", 8), ("Quarte", 4), ("parry in seconde", 2)],
)
def test_the_french_parries_are_the_numbered_ones(
    vocabulary: Vocabulary, french: str, number: int
) -> None:
    parry = vocabulary.lookup(french, "combat")
    assert parry is not None and parry.name == f"parry {number}"


@pytest.mark.parametrize(
    ("kind", "typed", "canonical"),
    [
        # Names and aliases that once meant a broader move still name a move of that kind.
        ("combat", "lunge", "lunge"),
        ("combat", "sword lunge", "sword thrust"),
        ("combat", "shoulder roll", "shoulder roll"),
        ("combat", "knap", "knap punch"),
        ("combat", "collapse", "fall"),
        ("reaction", "slip knap", "slip knap"),
        ("reaction", "clap knap", "clap knap"),
        ("reaction", "body knap", "body knap"),
        ("reaction", "snap", "head snap"),
        ("reaction", "stumble", "stagger"),
        ("reaction", "take", "sell"),
        ("reaction", "stunt fall", "high fall"),
        ("reaction", "Knee-Drop", "collapse to knees"),
    ],
)
def test_old_and_new_reaction_and_combat_names(
    vocabulary: Vocabulary, kind: Kind, typed: str, canonical: str
) -> None:
    move = vocabulary.lookup(typed, kind)
    assert move is not None and move.name == canonical


def test_knap_types_are_reactions_and_the_knap_punch_is_the_strike(
    vocabulary: Vocabulary,
) -> None:
    knaps = [m.name for m in vocabulary.moves("reaction") if m.category == "knap"]
    assert knaps == ["knap", "body knap", "clap knap", "shared knap", "slip knap"]
    assert all(vocabulary.lookup(name, "combat") is None for name in knaps[1:])
    punch = vocabulary.lookup("non-contact punch", "combat")
    assert punch is not None and punch.name == "knap punch" and "knap" in (punch.definition or "")


def test_props_and_ballet_facts(vocabulary: Vocabulary) -> None:
    props = {m.name: m.prop for m in vocabulary.moves("combat")}
    assert props["knife slash"] == "knife"
    assert props["pistol whip"] == "pistol"
    assert props["rifle butt"] == "rifle"
    assert props["sword parry"] == "sword"
    assert props["chair smash"] == "chair"
    assert props["rope garrotte"] == "rope"
    assert props["roundhouse kick"] is None
    leap = vocabulary.lookup("grand jeté", "ballet")
    assert leap == Move(
        kind="ballet",
        name="grand jeté",
        aliases=("grand jete", "big leap", "leap", "split leap"),
        english="big leap from one foot to the other, legs in the splits",
        family="jump",
        counts=2.0,
        travels=True,
        level="air",
        definition="A big leap from one foot to the other with the legs stretched into the splits "
        "in the air.",
    )


# Normalizing and looking up


@pytest.mark.parametrize(
    "spelling", ["Grand Jeté", "grand-jete", "GRAND JETE", "grand  jeté ", "grand jete\u0301"]
)
def test_normalize_ignores_accents_case_and_separators(spelling: str) -> None:
    assert normalize(spelling) == normalize("grand jeté") == "grandjete"


def test_normalize_drops_apostrophes_and_folds_ligatures() -> None:
    assert normalize("Tour en l’air") == normalize("tour en l'air") == "tourenlair"
    assert normalize("Cœur") == "coeur"
    assert normalize(" - ' ") == ""


@pytest.mark.parametrize(
    ("kind", "typed", "canonical"),
    [
        ("ballet", "Grand Jeté", "grand jeté"),
        ("ballet", "grand-jete", "grand jeté"),
        ("ballet", "GRAND JETE", "grand jeté"),
        ("ballet", "big leap", "grand jeté"),
        ("ballet", "Tour en l’air", "tour en l'air"),
        ("ballet", "tour jete", "jeté entrelacé"),
        ("ballet", "Fouettés", "fouetté en tournant"),
        ("ballet", "retire", "passé"),
        ("ballet", "cut", "coupé"),
        ("combat", "Roundhouse", "roundhouse kick"),
        ("combat", "KNIFE-SLASH", "knife slash"),
        ("combat", "garrote", "rope garrotte"),
        ("combat", "firemans carry", "fireman's carry"),
        ("combat", "cut", "sword cut"),
        ("combat", "head butt", "headbutt"),
    ],
)
def test_lookup_by_name_or_alias(
    vocabulary: Vocabulary, kind: Kind, typed: str, canonical: str
) -> None:
    move = vocabulary.lookup(typed, kind)
    assert move is not None
    assert (move.kind, move.name) == (kind, canonical)


def test_lookup_is_per_kind_and_misses_are_none(vocabulary: Vocabulary) -> None:
    assert vocabulary.lookup("flying kick", "ballet") is None
    assert vocabulary.lookup("pirouette", "combat") is None
    assert vocabulary.lookup("moonwalk", "ballet") is None
    assert vocabulary.lookup("", "combat") is None


def test_names_are_canonical_and_in_data_order(vocabulary: Vocabulary) -> None:
    ballet = vocabulary.names("ballet")
    assert ballet[0] == "pirouette"
    assert "grand jete" not in ballet and "big leap" not in ballet
    assert vocabulary.names("combat")[:3] == ["jab", "cross", "hook"]


# Suggestions


@pytest.mark.parametrize(
    ("kind", "typo", "expected"),
    [
        ("ballet", "grand jette", "grand jeté"),
        ("ballet", "arabeske", "arabesque"),
        ("ballet", "pirouete", "pirouette"),
        ("combat", "roundhose kick", "roundhouse kick"),
        ("combat", "kinfe slash", "knife slash"),
        ("combat", "upercut", "uppercut"),
    ],
)
def test_suggest_puts_the_intended_move_first(
    vocabulary: Vocabulary, kind: Kind, typo: str, expected: str
) -> None:
    assert vocabulary.suggest(typo, kind)[0] == expected


def test_suggest_finds_fouette_from_a_misspelled_alias(vocabulary: Vocabulary) -> None:
    assert any("fouetté" in name for name in vocabulary.suggest("fuette", "ballet"))


@pytest.mark.parametrize("nonsense", ["xyzzy qwerty", "banana", "", "!!!"])
def test_suggest_offers_nothing_for_nonsense(vocabulary: Vocabulary, nonsense: str) -> None:
    assert vocabulary.suggest(nonsense, "ballet") == []
    assert vocabulary.suggest(nonsense, "combat") == []


def test_suggest_respects_the_limit_and_names_each_move_once(vocabulary: Vocabulary) -> None:
    # "pistol" is close to several firearm names and aliases.
    three = vocabulary.suggest("pistol", "combat")
    assert len(three) == 3
    assert len(set(three)) == 3
    assert all(name.startswith("pistol ") for name in three)
    assert vocabulary.suggest("pistol", "combat", limit=1) == three[:1]
    assert vocabulary.suggest("pistol", "combat", limit=0) == []


# Scene moves


def test_scene_moves_are_added_without_touching_the_bundled_vocabulary(
    vocabulary: Vocabulary,
) -> None:
    before = len(vocabulary.moves())
    scene = vocabulary.with_scene_moves(
        [
            BalletMove(kind="ballet", name="Assassin's Leap", aliases=["kill leap"], counts=2),
            CombatMove(kind="combat", name="bow strike", category="strike", risk=3, prop="bow"),
        ]
    )
    leap = scene.lookup("assassins leap", "ballet")
    assert leap == Move(
        kind="ballet",
        name="Assassin's Leap",
        aliases=("kill leap",),
        family="step",
        counts=2.0,
        custom=True,
    )
    assert scene.lookup("Kill-Leap", "ballet") is leap
    bow = scene.lookup("bow strike", "combat")
    assert bow is not None and (bow.risk, bow.prop, bow.custom) == (3, "bow", True)
    assert scene.names("combat")[-1] == "bow strike"
    assert len(scene.moves()) == before + 2
    assert vocabulary.lookup("assassin's leap", "ballet") is None
    assert len(Vocabulary.bundled().moves()) == before
    assert scene.lookup("grand jete", "ballet") is vocabulary.lookup("grand jete", "ballet")


def test_a_scene_adds_reactions_and_its_combat_moves_get_a_weapon_class(
    vocabulary: Vocabulary,
) -> None:
    scene = Scene.model_validate(
        {
            "id": "s",
            "title": "Roof",
            "moves": [
                {
                    "kind": "reaction",
                    "name": "Roof Slide",
                    "aliases": ["slide off"],
                    "category": "fall",
                    "risk": 4,
                    "definition": "Sliding down the roof tiles onto the hidden ledge.",
                },
                {"kind": "reaction", "name": "shudder"},
                {"kind": "combat", "name": "bayonet thrust", "category": "blade", "prop": "Rifle"},
                {"kind": "combat", "name": "tile throw", "prop": "roof tile"},
                {"kind": "combat", "name": "dirk stab", "category": "blade", "prop": " Dagger"},
                {"kind": "combat", "name": "arrow", "prop": "bow", "weapon_class": "found-object"},
                {"kind": "combat", "name": "shoulder charge", "category": "throw"},
                {"kind": "combat", "name": "cold draw", "category": "firearm"},
            ],
        }
    )
    merged = vocabulary.with_scene_moves(scene.moves)
    slide = merged.lookup("slide-off", "reaction")
    assert slide == Move(
        kind="reaction",
        name="Roof Slide",
        aliases=("slide off",),
        category="fall",
        risk=4,
        definition="Sliding down the roof tiles onto the hidden ledge.",
        custom=True,
    )
    shudder = merged.lookup("shudder", "reaction")
    assert shudder is not None and (shudder.category, shudder.risk) == ("sell", 1)
    assert merged.lookup("shudder", "combat") is None
    assert merged.names("reaction")[-2:] == ["Roof Slide", "shudder"]
    # Bundled reactions stay; a scene reaction of the same name takes its place.
    assert merged.lookup("head snap", "reaction") is vocabulary.lookup("head snap", "reaction")
    classes = {m.name: m.weapon_class for m in merged.moves("combat") if m.custom}
    assert classes == {
        "bayonet thrust": "firearm",  # from its prop, whatever its case
        "tile throw": None,  # a prop choreo does not know has no class to guess
        "dirk stab": "knife",
        "arrow": "found-object",  # said outright
        "shoulder charge": "unarmed",
        "cold draw": "firearm",
    }
    again = vocabulary.with_scene_moves([ReactionMove(kind="reaction", name="Head Snap", risk=3)])
    snap = again.lookup("head whip", "reaction")
    assert snap is None  # the bundled aliases go with the bundled move
    replaced = again.lookup("head snap", "reaction")
    assert replaced is not None and (replaced.risk, replaced.custom) == (3, True)


@pytest.mark.parametrize(
    ("move", "says"),
    [
        ({"kind": "reaction", "name": "x", "category": "strike"}, "category"),
        ({"kind": "reaction", "name": "x", "risk": 6}, "risk"),
        ({"kind": "reaction", "name": "x", "prop": "knife"}, "prop"),
        ({"kind": "combat", "name": "x", "weapon_class": "bazooka"}, "weapon_class"),
        ({"kind": "dance", "name": "x"}, "kind"),
    ],
)
def test_a_scene_move_outside_the_vocabulary_sets_is_refused(move: dict, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        Scene.model_validate({"id": "s", "title": "T", "moves": [move]})


def test_a_scene_move_overrides_the_bundled_move_of_the_same_name(
    vocabulary: Vocabulary,
) -> None:
    position = vocabulary.names("combat").index("knife slash")
    scene = vocabulary.with_scene_moves(
        [CombatMove(kind="combat", name="Knife Slash", category="blade", risk=5, prop="knife")]
    )
    slash = scene.lookup("knife slash", "combat")
    assert slash is not None
    assert (slash.name, slash.risk, slash.custom) == ("Knife Slash", 5, True)
    # It takes the bundled move's place, and the bundled aliases go with the bundled move.
    assert scene.names("combat").index("Knife Slash") == position
    assert len(scene.moves("combat")) == len(vocabulary.moves("combat"))
    assert scene.lookup("slash", "combat") is None
    assert scene.suggest("knife slsh", "combat")[0] == "Knife Slash"


def test_a_scene_move_named_like_a_bundled_alias_wins_that_name(vocabulary: Vocabulary) -> None:
    scene = vocabulary.with_scene_moves([BalletMove(kind="ballet", name="leap", family="jump")])
    leap = scene.lookup("leap", "ballet")
    assert leap is not None and leap.custom
    jete = scene.lookup("big leap", "ballet")
    assert jete is not None and jete.name == "grand jeté"


def test_a_scene_alias_wins_over_a_bundled_alias_but_not_a_bundled_name(
    vocabulary: Vocabulary,
) -> None:
    scene = vocabulary.with_scene_moves(
        [BalletMove(kind="ballet", name="death leap", aliases=["big leap", "sauté"])]
    )
    big_leap = scene.lookup("big leap", "ballet")
    assert big_leap is not None and big_leap.name == "death leap"
    saute = scene.lookup("saute", "ballet")
    assert saute is not None and saute.name == "sauté"


# The `choreo moves` listing


def _cells(line: str) -> list[str]:
    return re.split(r"\s{2,}", line.strip())


def _rows(text: str) -> dict[str, list[str]]:
    """Each move's row of facts by name, and the definition lines under it joined."""
    rows: dict[str, list[str]] = {}
    last: list[str] = []
    for line in text.splitlines()[2:]:
        if line.startswith("    "):
            last[-1] = (last[-1] + " " + line.strip()).strip()
        else:
            last = [*_cells(line), ""]
            rows[last[0]] = last
    return rows


def test_ballet_table(vocabulary: Vocabulary) -> None:
    text = moves_table(vocabulary, "ballet")
    lines = text.splitlines()
    assert lines[0] == f"Ballet moves ({len(vocabulary.moves('ballet'))})"
    assert _cells(lines[1]) == ["name", "family", "counts", "travels", "level"]
    rows = _rows(text)
    assert list(rows) == vocabulary.names("ballet")
    assert rows["grand jeté"] == [
        "grand jeté",
        "jump",
        "2",
        "yes",
        "air",
        "A big leap from one foot to the other with the legs stretched into the splits in the air.",
    ]
    # Columns line up: every row's family starts under the header's "family".
    column = lines[1].index("family")
    row = next(line for line in lines if line.startswith("grand jeté "))
    assert row[column:].startswith("jump")
    plie = next(line for line in lines if line.startswith("plié "))
    assert plie[column:].startswith("step")
    assert all(line == line.rstrip() for line in lines)
    assert "Combat" not in text


def test_combat_table(vocabulary: Vocabulary) -> None:
    text = moves_table(vocabulary, "combat")
    lines = text.splitlines()
    assert lines[0] == f"Combat moves ({len(vocabulary.moves('combat'))})"
    assert _cells(lines[1]) == ["name", "category", "risk", "weapon", "prop"]
    rows = _rows(text)
    assert rows["knife slash"][:5] == ["knife slash", "blade", "3", "knife", "knife"]
    assert rows["roundhouse kick"][:5] == ["roundhouse kick", "kick", "3", "unarmed", "-"]
    assert rows["cut 4"][5] == (
        "A cut at the partner's left shoulder (high inside line), met by parry 4 (quarte)."
    )


def test_every_table_row_reads_on_an_80_column_terminal(vocabulary: Vocabulary) -> None:
    text = moves_table(vocabulary, None)
    assert LISTING_WIDTH == 80
    assert max(len(line) for line in text.splitlines()) <= LISTING_WIDTH
    for kind in KINDS:
        rows = _rows(moves_table(vocabulary, kind))
        assert {name: row[-1] for name, row in rows.items()} == {
            move.name: move.definition for move in vocabulary.moves(kind)
        }


def test_reaction_table(vocabulary: Vocabulary) -> None:
    text = moves_table(vocabulary, "reaction")
    assert text.splitlines()[0] == f"Reactions ({len(vocabulary.moves('reaction'))})"
    assert _cells(text.splitlines()[1]) == ["name", "category", "risk"]
    assert _rows(text)["head snap"][:3] == ["head snap", "sell", "2"]


def test_describe_a_move_says_everything_about_it(vocabulary: Vocabulary) -> None:
    lunge = vocabulary.lookup("lunge", "combat")
    assert lunge is not None
    assert describe_move(lunge).splitlines() == [
        "lunge (combat)",
        "  also called: fencing lunge",
        "  category blade, risk 3, weapon sword, prop sword",
        "  An attack made by reaching forward with the sword arm and stepping out long on",
        "  the front foot, the back leg straight.",
    ]
    jete = vocabulary.lookup("grand jete", "ballet")
    assert jete is not None
    assert describe_move(jete).splitlines()[1:4] == [
        "  in English: big leap from one foot to the other, legs in the splits",
        "  also called: grand jete, big leap, leap, split leap",
        "  family jump, counts 2, travels yes, level air",
    ]


def test_table_of_every_kind_groups_them_under_headings(vocabulary: Vocabulary) -> None:
    text = moves_table(vocabulary, None)
    assert text.endswith("\n")
    headings = [line for line in text.splitlines() if line.endswith(")") and " (" in line]
    assert headings == [
        f"Ballet moves ({len(vocabulary.moves('ballet'))})",
        f"Combat moves ({len(vocabulary.moves('combat'))})",
        f"Reactions ({len(vocabulary.moves('reaction'))})",
    ]
    ballet, combat, reaction = text.split("\n\n")
    assert ballet + "\n" == moves_table(vocabulary, "ballet")
    assert combat + "\n" == moves_table(vocabulary, "combat")
    assert reaction == moves_table(vocabulary, "reaction")
    assert "[" not in text  # plain text, no rich markup


def test_table_rejects_an_unknown_kind(vocabulary: Vocabulary) -> None:
    with pytest.raises(ValueError, match="dance"):
        moves_table(vocabulary, "dance")


# The real `choreo moves`


def test_choreo_moves_prints_definitions_through_the_real_cli() -> None:
    result = choreo("moves", "--kind", "reaction")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Reactions (") and _cells(lines[1]) == ["name", "category", "risk"]
    head_snap = lines.index(next(line for line in lines if line.startswith("head snap ")))
    assert lines[head_snap + 1].startswith("    The head thrown in the direction of a blow")
    assert "grand jeté" not in result.stdout and "knife slash" not in result.stdout
    everything = choreo("moves")
    assert everything.returncode == 0
    assert max(len(line) for line in everything.stdout.splitlines()) <= 80
    assert "    A cut at the partner's left hip (low inside line), met by parry 1 (prime)." in (
        everything.stdout
    )


def test_choreo_moves_name_describes_it_in_every_kind_that_has_it() -> None:
    result = choreo("moves", "Fall")
    assert result.returncode == 0, result.stderr
    blocks = result.stdout.split("\n\n")
    assert [block.splitlines()[0] for block in blocks] == ["fall (combat)", "fall (reaction)"]
    prime = choreo("moves", "prime", "--kind", "combat")
    assert prime.stdout.splitlines()[0] == "parry 1 (combat)"
    assert "left hip" in prime.stdout


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("moves", "kinfe slash"), ("no move called 'kinfe slash'", "'knife slash'")),
        (("moves", "grand jete", "--kind", "combat"), ("no combat move called 'grand jete'",)),
        (("moves", "xyzzy"), ("no move called 'xyzzy'",)),
    ],
)
def test_choreo_moves_an_unknown_name_is_one_line_and_exit_2(
    args: tuple[str, ...], words: tuple[str, ...]
) -> None:
    assert_one_line_error(choreo(*args), *words)


# Loading


def test_data_loads_lazily_once_and_without_textual_or_music21() -> None:
    code = (
        "import sys, choreo.vocabulary as v\n"
        "assert v._bundled.cache_info().currsize == 0, 'loaded at import'\n"
        "assert v.Vocabulary.bundled() is v.Vocabulary.bundled()\n"
        "assert v._bundled.cache_info().misses == 1\n"
        "assert 'textual' not in sys.modules and 'music21' not in sys.modules\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
