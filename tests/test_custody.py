"""Weapon custody: cast props at the start, then disarms and handoffs, beat by beat."""

from __future__ import annotations

from typing import Any

import pytest

from choreo.custody import Transfer, follow_custody, is_disarm, weapon_class, weapon_classes
from choreo.model import FLOOR, Scene
from choreo.vocabulary import Vocabulary

CAST = [
    {"id": "eve", "name": "Eve", "props": ["knife"]},
    {"id": "thug", "name": "Thug", "props": ["knife", "pistol"]},
    {"id": "mentor", "name": "The Mentor"},
]


def scene(*beats: dict[str, Any], **extra: Any) -> Scene:
    beats_with_ids = [{"id": f"b{n:02d}", "at": f"{n}:1", **b} for n, b in enumerate(beats, 1)]
    return Scene.model_validate(
        {"id": "t", "title": "T", "cast": CAST, "beats": beats_with_ids, **extra}
    )


def follow(s: Scene) -> Any:
    return follow_custody(s, Vocabulary.bundled())


def test_cast_props_are_held_at_the_start_and_floor_is_empty() -> None:
    custody = follow(scene({"performers": ["eve"]}))
    holding = custody.holdings[0]
    assert holding.before == {
        "eve": ("knife",),
        "thug": ("knife", "pistol"),
        "mentor": (),
        FLOOR: (),
    }
    assert holding.after == holding.before and holding.transfers == ()
    assert custody.problems == []


def test_a_disarm_moves_the_named_weapon_from_partner_to_attacker_after_the_beat() -> None:
    disarm = {"combat": "knife disarm", "attacker": "eve", "partner": "thug"}
    custody = follow(scene(disarm, {"performers": ["eve"]}))
    first, second = custody.holdings
    assert first.holds("thug", "knife") and first.before["eve"] == ("knife",)
    assert first.after["eve"] == ("knife", "knife") and first.after["thug"] == ("pistol",)
    assert first.transfers == (Transfer("knife", "thug", "eve", "disarm"),)
    assert second.before == first.after
    assert custody.problems == []


def test_a_plain_disarm_takes_the_beats_weapon() -> None:
    beat = {"combat": "take the weapon", "weapon": "pistol", "performers": ["mentor", "thug"]}
    holding = follow(scene(beat)).holdings[0]
    assert holding.after["mentor"] == ("pistol",) and holding.after["thug"] == ("knife",)


def test_a_disarm_in_the_columns_is_the_headlines_disarm_once() -> None:
    beat = {
        "combat": "pistol disarm",
        "attacker": "mentor",
        "partner": "thug",
        "actions": [
            {"performer": "mentor", "combat": "pistol disarm"},
            {"performer": "thug", "reaction": "stagger"},
        ],
    }
    holding = follow(scene(beat)).holdings[0]
    assert holding.transfers == (Transfer("pistol", "thug", "mentor", "disarm"),)


def test_the_partners_column_may_disarm_the_attacker() -> None:
    beat = {
        "combat": "knife thrust",
        "attacker": "thug",
        "partner": "eve",
        "actions": [
            {"performer": "thug", "combat": "knife thrust"},
            {"performer": "eve", "combat": "knife disarm"},
        ],
    }
    holding = follow(scene(beat)).holdings[0]
    assert holding.transfers == (Transfer("knife", "thug", "eve", "disarm"),)


def test_handoffs_pass_drop_and_pick_up_in_order_after_the_disarm() -> None:
    disarm_and_drop = {
        "combat": "pistol disarm",
        "attacker": "eve",
        "partner": "thug",
        "handoffs": [{"prop": "pistol", "from": "eve", "to": "floor"}],
    }
    pick_up = {
        "performers": ["mentor"],
        "handoffs": [{"prop": "pistol", "from": "floor", "to": "mentor"}],
    }
    throw = {
        "performers": ["mentor", "eve"],
        "handoffs": [{"prop": "pistol", "from": "mentor", "to": "eve"}],
    }
    custody = follow(scene(disarm_and_drop, pick_up, throw))
    first, second, third = custody.holdings
    assert first.after["eve"] == ("knife",) and first.after[FLOOR] == ("pistol",)
    assert [t.how for t in first.transfers] == ["disarm", "handoff"]
    assert second.before[FLOOR] == ("pistol",) and second.after["mentor"] == ("pistol",)
    assert third.after["eve"] == ("knife", "pistol") and third.after["mentor"] == ()
    assert custody.problems == []


def test_impossible_moves_are_problems_with_their_beat_and_are_not_made() -> None:
    custody = follow(
        scene(
            {
                "performers": ["mentor"],
                "handoffs": [{"prop": "knife", "from": "mentor", "to": "eve"}],
            },
            {"combat": "pistol disarm", "attacker": "thug", "partner": "eve"},
            {"handoffs": [{"prop": "pistol", "from": "floor", "to": "eve"}]},
            {"combat": "disarm", "attacker": "eve", "partner": "thug"},
            {"combat": "knife disarm", "performers": ["eve", "thug", "mentor"]},
        )
    )
    assert [(p.beat, p.message) for p in custody.problems] == [
        ("b01", "mentor has no knife to hand to eve: mentor holds nothing"),
        ("b02", "thug cannot disarm eve of a pistol: eve holds knife"),
        ("b03", "no pistol lies on the floor for eve to pick up (on it: nothing)"),
        ("b04", "disarm names no weapon: say which in `weapon`"),
        ("b05", "knife disarm has no partner to take the knife from"),
    ]
    assert all(h.before == h.after and h.transfers == () for h in custody.holdings)


def test_custody_follows_sheet_order_not_time() -> None:
    # The pick-up is written first but placed later: sheet order says the floor is empty.
    custody = follow(
        scene(
            {
                "at": "5:1",
                "performers": ["eve"],
                "handoffs": [{"prop": "pistol", "from": "floor", "to": "eve"}],
            },
            {
                "at": "1:1",
                "performers": ["thug"],
                "handoffs": [{"prop": "pistol", "from": "thug", "to": "floor"}],
            },
        )
    )
    assert [p.beat for p in custody.problems] == ["b01"]
    assert custody.holdings[1].after[FLOOR] == ("pistol",)


def test_an_id_not_in_the_cast_is_followed_as_written() -> None:
    beat = {"performers": ["thug"], "handoffs": [{"prop": "pistol", "from": "thug", "to": "eva"}]}
    holding = follow(scene(beat)).holdings[0]
    assert list(holding.after) == ["eve", "thug", "mentor", "eva", FLOOR]
    assert holding.after["eva"] == ("pistol",)


def test_a_scenes_own_disarm_move_names_its_weapon() -> None:
    own = [{"kind": "combat", "name": "parasol disarm", "category": "grab", "prop": "parasol"}]
    cast = [*CAST, {"id": "aunt", "name": "Aunt", "props": ["parasol"]}]
    beat = {"combat": "parasol disarm", "attacker": "eve", "partner": "aunt"}
    holding = follow(scene(beat, moves=own, cast=cast)).holdings[0]
    assert holding.after["eve"] == ("knife", "parasol")


@pytest.mark.parametrize(
    ("name", "disarm"),
    [
        ("knife disarm", True),
        ("Disarm", True),
        ("gun-disarm", True),
        ("take the weapon", True),
        ("knife thrust", False),
    ],
)
def test_is_disarm(name: str, disarm: bool) -> None:
    assert is_disarm(name, Vocabulary.bundled()) is disarm


@pytest.mark.parametrize(
    ("prop", "kind"),
    [
        ("knife", "blade"),
        ("rubber knife", "blade"),
        ("Épée", "blade"),
        ("sword-cane", "blade"),
        ("pistol", "firearm"),
        ("blank-firing revolver", "firearm"),
        ("bottle", None),
        ("knifepoint map", None),
    ],
)
def test_weapon_class(prop: str, kind: str | None) -> None:
    assert weapon_class(prop) == kind


def test_weapon_classes_of_a_beat() -> None:
    vocabulary = Vocabulary.bundled()
    beats = scene(
        {"combat": "dodge", "weapon": "pistol"},
        {"combat": "pistol shot"},
        {"combat": "jab", "actions": [{"performer": "thug", "combat": "knife thrust"}]},
        {"combat": "jab", "weapon": "bottle"},
        {"combat": "flyng kick"},
        {"handoffs": [{"prop": "pistol", "from": "thug", "to": "floor"}]},
    ).beats
    assert [weapon_classes(b, vocabulary) for b in beats] == [
        {"firearm"},
        {"firearm"},
        {"blade"},
        set(),
        set(),
        {"firearm"},
    ]


def test_the_holding_of_a_beat_by_its_id() -> None:
    custody = follow(scene({"performers": ["eve"]}, {"performers": ["thug"]}))
    assert custody.of("b02") is custody.holdings[1] and custody.of("b09") is None
