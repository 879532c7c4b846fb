"""The bundled move vocabulary: its data, lookup, suggestions, scene moves and listing."""

from __future__ import annotations

import re
import subprocess
import sys
import unicodedata
from typing import get_args

import pytest

from choreo.model import BalletMove, CombatMove
from choreo.vocabulary import (
    CATEGORIES,
    FAMILIES,
    KINDS,
    LEVELS,
    PROPS,
    Kind,
    Move,
    Vocabulary,
    moves_table,
    normalize,
)

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


@pytest.fixture(scope="module")
def vocabulary() -> Vocabulary:
    return Vocabulary.bundled()


# The data


def test_there_are_enough_terms(vocabulary: Vocabulary) -> None:
    assert len(vocabulary.moves("ballet")) >= 70
    assert len(vocabulary.moves("combat")) >= 50
    assert len(vocabulary.moves("reaction")) >= 7
    assert len(vocabulary.moves()) == sum(len(vocabulary.moves(kind)) for kind in KINDS)


@pytest.mark.parametrize(
    ("kind", "names"), [("ballet", REQUIRED_BALLET), ("combat", REQUIRED_COMBAT)]
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


def test_every_combat_entry_is_valid(vocabulary: Vocabulary) -> None:
    for move in vocabulary.moves("combat"):
        assert move.kind == "combat"
        assert move.category in CATEGORIES, move
        assert isinstance(move.risk, int) and 1 <= move.risk <= 5, move
        assert move.prop is None or move.prop in PROPS, move
        assert (move.family, move.level, move.counts, move.custom) == (None, None, 1.0, False)


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


def test_ballet_table(vocabulary: Vocabulary) -> None:
    lines = moves_table(vocabulary, "ballet").splitlines()
    assert lines[0] == f"Ballet moves ({len(vocabulary.moves('ballet'))})"
    assert _cells(lines[1]) == ["name", "english", "family", "counts", "travels", "level"]
    assert len(lines) == 2 + len(vocabulary.moves("ballet"))
    row = next(line for line in lines if line.startswith("grand jeté "))
    assert _cells(row) == [
        "grand jeté",
        "big leap from one foot to the other, legs in the splits",
        "jump",
        "2",
        "yes",
        "air",
    ]
    # Columns line up: every row's family starts under the header's "family".
    column = lines[1].index("family")
    assert row[column:].startswith("jump")
    plie = next(line for line in lines if line.startswith("plié "))
    assert plie[column:].startswith("step")
    assert all(line == line.rstrip() for line in lines)
    assert "Combat" not in moves_table(vocabulary, "ballet")


def test_combat_table(vocabulary: Vocabulary) -> None:
    lines = moves_table(vocabulary, "combat").splitlines()
    assert lines[0] == f"Combat moves ({len(vocabulary.moves('combat'))})"
    assert _cells(lines[1]) == ["name", "category", "risk", "prop"]
    assert ["knife slash", "blade", "3", "knife"] in [_cells(line) for line in lines]
    assert ["roundhouse kick", "kick", "3", "-"] in [_cells(line) for line in lines]


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
