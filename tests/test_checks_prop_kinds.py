"""``choreo check`` asks what a fight director asks: does the performer hold a weapon of
the kind the move needs? A rapier is a sword, a dagger is a knife (``props.yaml``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.run_cli import choreo

SAFETY = "blunt steel, checked by the armourer; half speed"


def scene_text(eve_props: list[str], guard_props: list[str], *beats: str) -> str:
    return (
        "schema: 1\nid: duel\ntitle: Duel\nscore:\n  tempo: 120\ncast:\n"
        f"  - {{id: eve, name: Eve, props: [{', '.join(eve_props)}]}}\n"
        f"  - {{id: guard1, name: Guard 1, props: [{', '.join(guard_props)}]}}\n"
        "beats:\n" + "".join(beats)
    )


def beat(number: int, combat: str, *, attacker: str = "eve", weapon: str = "") -> str:
    partner = "guard1" if attacker == "eve" else "eve"
    return (
        f"  - {{id: b{number}, at: '{number}:1', combat: {combat}, performers: [eve, guard1], "
        f"attacker: {attacker}, partner: {partner}, safety: '{SAFETY}'"
        + (f", weapon: {weapon}" if weapon else "")
        + "}\n"
    )


def prop_findings(tmp_path: Path, text: str) -> list[tuple[str, str, str]]:
    path = tmp_path / "duel.yaml"
    path.write_text(text, encoding="utf-8")
    result = choreo("check", path, "--format", "json")
    assert result.returncode in (0, 1), result.stderr
    found: list[dict[str, Any]] = json.loads(result.stdout)
    return [(d["code"], d["beat"], d["message"]) for d in found if d["code"].endswith("-prop")]


@pytest.mark.parametrize(
    ("props", "combat"),
    [
        (["rapier"], "sword parry"),
        (["Eve's sabre"], "cut 3"),
        (["broadsword"], "sword thrust"),
        (["rubber dagger"], "knife slash"),
        (["dagger"], "dagger parry"),
        (["Épée"], "sword parry"),
    ],
)
def test_a_prop_of_the_kind_the_move_needs_is_enough(
    tmp_path: Path, props: list[str], combat: str
) -> None:
    assert prop_findings(tmp_path, scene_text(props, ["bottle"], beat(1, combat))) == []


@pytest.mark.parametrize(
    ("props", "combat", "needs"),
    [
        (["knife"], "dagger parry", "dagger"),  # a knife is not the off-hand dagger
        (["rapier"], "knife slash", "knife"),
        (["knifepoint map"], "knife slash", "knife"),
        (["staff"], "sword parry", "sword"),
    ],
)
def test_a_prop_of_another_kind_is_not(
    tmp_path: Path, props: list[str], combat: str, needs: str
) -> None:
    assert prop_findings(tmp_path, scene_text(props, ["bottle"], beat(1, combat))) == [
        (
            "missing-prop",
            "b1",
            f"{combat} needs a {needs}, and eve holds {', '.join(props)} at this beat",
        )
    ]


def test_a_beat_whose_weapon_names_a_kind_is_met_by_a_prop_of_it(tmp_path: Path) -> None:
    text = scene_text(["rapier"], ["bottle"], beat(1, "sword parry", weapon="sword"))
    assert prop_findings(tmp_path, text) == []


def test_a_beats_weapon_not_of_the_kind_its_move_needs_is_said(tmp_path: Path) -> None:
    # The weapon names the very prop wielded: a knife slash with a rapier was silent.
    text = scene_text(["rapier", "knife"], ["bottle"], beat(1, "knife slash", weapon="rapier"))
    assert prop_findings(tmp_path, text) == [
        ("missing-prop", "b1", "knife slash needs a knife, and the beat's weapon is a rapier")
    ]


def test_a_disarm_of_a_kind_takes_the_prop_of_that_kind(tmp_path: Path) -> None:
    # Guard 1 takes Eve's dagger with a knife disarm; from then on he may slash, she may not.
    text = scene_text(
        ["rapier", "dagger"],
        ["bottle"],
        beat(1, "knife disarm", attacker="guard1"),
        beat(2, "knife slash", attacker="guard1"),
        beat(3, "knife slash"),
    )
    assert prop_findings(tmp_path, text) == [
        (
            "missing-prop",
            "b3",
            "knife slash needs a knife, and eve holds rapier at this beat "
            "(the knife is with guard1)",
        )
    ]


def test_the_armourers_list_names_the_prop_a_disarm_of_a_kind_takes(tmp_path: Path) -> None:
    path = tmp_path / "duel.yaml"
    disarm = beat(1, "disarm", attacker="guard1", weapon="sword")
    path.write_text(scene_text(["rapier"], ["bottle"], disarm), encoding="utf-8")
    result = choreo("export", path, "-o", tmp_path / "duel.md")
    assert result.returncode == 0, result.stderr
    sheet = (tmp_path / "duel.md").read_text(encoding="utf-8")
    rows = [" ".join(line.split()) for line in sheet.splitlines()]
    assert "| b1 | 1:1 | rapier | bottle | Guard 1 takes the rapier from Eve |" in rows
    assert "| end | | | bottle, rapier | |" in rows
