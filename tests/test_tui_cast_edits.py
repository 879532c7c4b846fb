"""The cast and settings screens' edits without a screen: what each change does to a scene."""

from __future__ import annotations

import pytest

from choreo.model import Scene
from choreo.tui.cast_edits import (
    add_member,
    beat_counts,
    beats_naming,
    known_props,
    new_member_id,
    remove_member,
    rename_member,
    with_member_field,
)
from choreo.tui.edits import EditRefused
from choreo.tui.fields import FieldError
from choreo.tui.scene_settings import setting_text, with_setting

FIGHT = Scene.model_validate(
    {
        "id": "alley",
        "title": "Alley",
        "cast": [
            {"id": "eve", "name": "Eve", "props": ["knife"]},
            {"id": "guard1", "name": "Guard 1", "props": ["pistol"]},
            {"id": "kim", "name": "Kim Lee", "doubles": "eve"},
        ],
        "beats": [
            {"id": "b01", "at": "1:1", "performers": ["eve"]},
            {
                "id": "b02",
                "at": "2:1",
                "performers": ["eve", "guard1"],
                "attacker": "guard1",
                "partner": "eve",
                "actions": [
                    {"performer": "guard1", "combat": "punch"},
                    {"performer": "eve", "reaction": "head snap"},
                ],
                "doubles": {"eve": "kim"},
                "handoffs": [
                    {"prop": "pistol", "from": "guard1", "to": "floor"},
                    {"prop": "knife", "from": "eve", "to": "guard1"},
                ],
                "weapon": "pistol",
            },
            {"id": "b03", "at": "3:1", "performers": ["guard1"]},
        ],
    }
)


def test_a_new_member_gets_an_id_made_from_the_name_and_free() -> None:
    assert new_member_id("Guard 1", set()) == "guard-1"
    assert new_member_id("Éve", {"eve"}) == "eve-2"
    assert new_member_id("Éve", {"eve", "eve-2"}) == "eve-3"
    assert new_member_id("李", set()) == "performer"
    assert new_member_id("Floor", set()) == "floor-performer"
    scene, index = add_member(FIGHT, "  Anna Maria ")
    assert index == 3 and scene.cast[3].model_dump(exclude_defaults=True) == {
        "id": "anna-maria",
        "name": "Anna Maria",
    }
    assert scene.beats is FIGHT.beats and len(FIGHT.cast) == 3  # the scene given is untouched
    with pytest.raises(FieldError, match="needs a name"):
        add_member(FIGHT, "  ")


def test_a_new_id_follows_into_every_key_that_names_the_performer() -> None:
    scene = rename_member(FIGHT, "guard1", "henchman")
    b01, b02, b03 = scene.beats
    assert b01 is FIGHT.beats[0]  # beats that do not name them are shared
    assert b02.performers == ["eve", "henchman"] and b02.attacker == "henchman"
    assert [a.performer for a in b02.actions] == ["henchman", "eve"]
    assert [(h.from_, h.to) for h in b02.handoffs] == [("henchman", "floor"), ("eve", "henchman")]
    assert b03.performers == ["henchman"]
    assert [m.id for m in scene.cast] == ["eve", "henchman", "kim"]
    assert scene.cast[1].props == ["pistol"] and scene.cast[1].name == "Guard 1"
    renamed = rename_member(FIGHT, "eve", "eva")
    assert renamed.beats[1].doubles == {"eva": "kim"} and renamed.beats[1].partner == "eva"
    assert renamed.cast[2].doubles == "eva"  # who doubles them follows too
    assert rename_member(FIGHT, "kim", "kl").beats[1].doubles == {"eve": "kl"}
    assert beats_naming(scene, "guard1") == [] and beats_naming(scene, "henchman") == ["b02", "b03"]
    assert beat_counts(scene) == {"eve": 2, "henchman": 2, "kim": 1}


@pytest.mark.parametrize(
    ("new", "problem"),
    [
        ("eve", "eve is already in the cast"),
        ("", "needs an id"),
        ("floor", "'floor' is where dropped props lie"),
        ("two words", "an id is letters, digits"),
    ],
)
def test_a_new_id_that_cannot_be_is_refused(new: str, problem: str) -> None:
    with pytest.raises(FieldError, match=problem):
        with_member_field(FIGHT, 1, "id", new)


def test_a_removal_is_refused_while_beats_or_a_double_name_the_performer() -> None:
    with pytest.raises(EditRefused) as caught:
        remove_member(FIGHT, 1)
    assert caught.value.message == (
        "guard1 is not removed: beats b02, b03 name them; take them out of those beats first"
    )
    lone = FIGHT.model_copy(update={"beats": []})
    with pytest.raises(EditRefused, match="kim doubles them"):
        remove_member(lone, 0)
    assert [m.id for m in remove_member(lone, 2).cast] == ["eve", "guard1"]


def test_doubles_names_a_cast_member_by_id_or_name_and_props_are_a_comma_list() -> None:
    scene = with_member_field(FIGHT, 1, "doubles", "Eve")
    assert scene.cast[1].doubles == "eve"
    assert with_member_field(scene, 1, "doubles", "").cast[1].doubles is None
    with pytest.raises(FieldError, match="cannot double themselves"):
        with_member_field(FIGHT, 0, "doubles", "eve")
    with pytest.raises(FieldError, match=r"nobody is not in the cast \(guard1, kim\)"):
        with_member_field(FIGHT, 0, "doubles", "nobody")
    props = with_member_field(FIGHT, 0, "props", "stunt knife,  rope dart ,")
    assert props.cast[0].props == ["stunt knife", "rope dart"]
    with pytest.raises(FieldError, match="knife is listed twice"):
        with_member_field(FIGHT, 0, "props", "knife, knife")
    assert with_member_field(FIGHT, 0, "props", "knife") is FIGHT  # unchanged: the same scene
    assert known_props(FIGHT) == ["knife", "pistol"]


def test_settings_read_back_what_they_show_and_refuse_bad_values() -> None:
    for name in ("title", "palette", "score", "part", "tempo", "fps", "start", "order", "phrase"):
        assert with_setting(FIGHT, name, setting_text(FIGHT, name)) is FIGHT  # type: ignore[arg-type]
    scene = with_setting(with_setting(FIGHT, "tempo", "96"), "fps", "25")
    assert (scene.score.tempo, scene.score.fps) == (96, 25)
    assert with_setting(scene, "fps", "23.976").score.fps == 23.976
    assert with_setting(FIGHT, "start", "00:59:58:00").score.start == "00:59:58:00"
    assert with_setting(FIGHT, "location", "").location is None
    chosen = with_setting(with_setting(FIGHT, "part", "1"), "score", "../scores/a.musicxml")
    assert chosen.score.file == "../scores/a.musicxml" and chosen.score.part == 0


@pytest.mark.parametrize(
    ("name", "text", "problem"),
    [
        ("title", "", "a scene needs a title"),
        ("tempo", "fast", "tempo is quarter notes per minute"),
        ("tempo", "0.5", "tempo is 1 to 1000 quarter notes per minute"),
        ("tempo", "nan", "tempo is quarter notes per minute"),
        ("fps", "60", "fps is one of 23.976, 24, 25, 29.97, 30"),
        ("start", "1:00", "start is a timecode HH:MM:SS:FF"),
        ("start", "01:00:00:24", "out of range at 24 fps"),  # frames 0 to 23
        ("phrase", "40", "2 to 32"),
        ("order", "backwards", "written or performed"),
        ("palette", "teal", "palette is one of"),
    ],
)
def test_a_bad_setting_says_what_is_wrong_in_one_line(name: str, text: str, problem: str) -> None:
    with pytest.raises(FieldError) as caught:
        with_setting(FIGHT, name, text)  # type: ignore[arg-type]
    assert problem in caught.value.message and "\n" not in caught.value.message
