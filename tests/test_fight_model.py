"""The fight-notation keys: actions per performer, doubles, handoffs, where and who sees it."""

from __future__ import annotations

from pathlib import Path

import pytest

from choreo.errors import SceneError
from choreo.model import Action, Handoff
from choreo.store import read_scene, save_scene
from tests.scene_texts import write_scene

NOTATED = """\
schema: 1
id: rooftop
title: Rooftop at dawn
cast:
  - id: eve
    name: Eve
    props: [knife]
  - id: kim
    name: Kim Lee
    doubles: eve   # Eve's stunt double
  - id: guard1
    name: Guard 1
    props: [pistol]
beats:
  - id: b01
    at: "1:1"
    ballet: fouetté
    combat: roundhouse kick
    performers: [eve, guard1]
    actions:
      - performer: eve
        ballet: fouetté en tournant
        combat: roundhouse kick
      - performer: guard1
        ballet: cambré
        reaction: head snap
    doubles: {eve: kim}
    handoffs:
      - {prop: pistol, from: guard1, to: floor}
    position: DSL
    travel: "US → DS"
    setup: 14C
"""


def test_notated_scene_loads_and_saves_byte_for_byte(tmp_path: Path) -> None:
    path = write_scene(tmp_path, NOTATED)
    loaded = read_scene(path)
    beat = loaded.scene.beats[0]
    assert beat.action_of("guard1") == Action(
        performer="guard1", ballet="cambré", reaction="head snap"
    )
    assert beat.handoffs == [
        Handoff.model_validate({"prop": "pistol", "from": "guard1", "to": "floor"})
    ]
    assert beat.performed_by("eve") == "kim" and beat.performed_by("guard1") == "guard1"
    assert loaded.scene.member("kim") is not None and loaded.scene.member("kim").doubles == "eve"
    save_scene(loaded, loaded.scene.model_copy(deep=True))
    assert path.read_text(encoding="utf-8") == NOTATED


def test_a_new_handoff_is_written_with_its_file_key(tmp_path: Path) -> None:
    path = write_scene(tmp_path, NOTATED)
    loaded = read_scene(path)
    edited = loaded.scene.model_copy(deep=True)
    edited.beats[0].handoffs.append(
        Handoff.model_validate({"prop": "pistol", "from": "floor", "to": "eve"})
    )
    save_scene(loaded, edited)
    assert "      - prop: pistol\n        from: floor\n        to: eve\n" in path.read_text(
        encoding="utf-8"
    )
    assert read_scene(path).scene.beats[0].handoffs[-1].from_ == "floor"


def test_everyone_counts_those_with_an_action() -> None:
    from choreo.model import Beat

    beat = Beat.model_validate(
        {
            "id": "b01",
            "at": "1:1",
            "performers": ["eve"],
            "actions": [{"performer": "guard1", "reaction": "fall"}],
        }
    )
    assert beat.everyone() == ["eve", "guard1"]


@pytest.mark.parametrize(
    ("old", "new", "says"),
    [
        (
            "      - performer: guard1\n        ballet: cambré",
            "      - performer: eve\n        ballet: cambré",
            "two actions",
        ),
        ("  - id: guard1\n", "  - id: floor\n", "floor"),
    ],
)
def test_notation_mistakes_name_the_place(tmp_path: Path, old: str, new: str, says: str) -> None:
    path = write_scene(tmp_path, NOTATED.replace(old, new))
    with pytest.raises(SceneError, match=says):
        read_scene(path)
