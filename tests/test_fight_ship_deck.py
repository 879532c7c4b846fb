"""The ship-deck fight (tests/fights/ship-deck.yaml): 40 beats written from paper
notation, checked clean by the real CLI, with custody saying who holds what where it
changes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from choreo.custody import Custody, Holding, Transfer, follow_custody
from choreo.model import FLOOR, Scene
from choreo.store import read_scene
from choreo.vocabulary import Vocabulary
from tests.run_cli import choreo

SHIP_DECK = Path(__file__).parent / "fights" / "ship-deck.yaml"


@pytest.fixture(scope="module")
def scene() -> Scene:
    return read_scene(SHIP_DECK).scene


@pytest.fixture(scope="module")
def custody(scene: Scene) -> Custody:
    return follow_custody(scene, Vocabulary.bundled())


def at(custody: Custody, beat_id: str) -> Holding:
    holding = custody.of(beat_id)
    assert holding is not None
    return holding


def test_it_is_the_fight_the_tests_need(scene: Scene) -> None:
    doubles = {m.id: m.doubles for m in scene.cast if m.doubles}
    assert len(scene.beats) == 40 and doubles == {"rae": "anne", "tom": "silas"}
    assert {a.performer for b in scene.beats for a in b.actions} == {"anne", "silas", "bosun"}
    # Paper notation: every beat has its A column, and every exchange its B column.
    assert all(b.actions and b.actions[0].performer == b.everyone()[0] for b in scene.beats)
    assert sum(len(b.actions) == 2 for b in scene.beats) == 34
    assert {b.performed_by("anne") for b in scene.beats} == {"anne", "rae"}


def test_the_cli_checks_it_clean() -> None:
    result = choreo("check", SHIP_DECK, "--format", "json")
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(result.stdout) == []


def test_everyone_starts_with_their_cast_props(custody: Custody) -> None:
    assert at(custody, "b01").before == {
        "anne": ("sword",),
        "silas": ("sword", "knife"),
        "bosun": ("pistol", "knife"),
        "rae": (),
        "tom": (),
        FLOOR: (),
    }


def test_anne_takes_silas_dagger_at_b09(custody: Custody) -> None:
    disarm = at(custody, "b09")
    assert disarm.holds("silas", "knife") and not disarm.holds("anne", "knife")
    assert disarm.transfers == (Transfer("knife", "silas", "anne", "disarm"),)
    assert disarm.after["anne"] == ("sword", "knife") and disarm.after["silas"] == ("sword",)
    assert at(custody, "b11").holds("anne", "knife")  # she slashes with it


def test_the_bosuns_pistol_is_kicked_down_picked_up_taken_and_dropped(custody: Custody) -> None:
    assert at(custody, "b16").after["bosun"] == ("knife",)
    assert at(custody, "b16").after[FLOOR] == ("pistol",)
    assert at(custody, "b23").before[FLOOR] == ("pistol",)  # on the deck until Silas bends
    assert at(custody, "b23").after["silas"] == ("sword", "pistol")
    assert at(custody, "b24").holds("silas", "pistol")  # he aims it
    assert at(custody, "b25").transfers == (Transfer("pistol", "silas", "anne", "disarm"),)
    assert at(custody, "b26").after["anne"] == ("sword", "knife")
    assert at(custody, "b26").after[FLOOR] == ("pistol",)


def test_at_the_end_anne_has_only_the_dagger(custody: Custody) -> None:
    end = at(custody, "b40").after
    assert end["anne"] == ("knife",) and end[FLOOR] == ("pistol", "sword")
    assert end["silas"] == ("sword",) and end["bosun"] == ("knife",)
    assert end["rae"] == end["tom"] == ()  # a double fights with the character's props
    assert custody.problems == []
