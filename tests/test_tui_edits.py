"""The editor's edits and history without a screen: what a key does to a scene."""

from __future__ import annotations

import itertools

import pytest

from choreo.model import Beat, Position, Scene
from choreo.timing import steady_grid
from choreo.tui.edits import add_beat, delete_beat, move_beat, next_beat_position
from choreo.tui.fields import FIELD_NAMES, FieldError, field_text, read_field, with_field
from choreo.tui.history import Edit, History
from tests.measure_maps import pickup_then_waltz

CAST = {"eve", "guard1"}


def scene_of(*positions: str) -> Scene:
    beats = [
        Beat(id=f"b{i:02d}", at=Position.parse(at), performers=["eve"])
        for i, at in enumerate(positions, start=1)
    ]
    return Scene(id="s", title="S", beats=beats)


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        ("1:1", "1:2"),
        ("1:2.5", "1:3"),  # the next whole beat, not one beat later
        ("1:4", "2:1"),  # over the barline
        ("0:4", "1:1"),  # from the pickup
        ("2:4", "3:1"),  # into 6/8
        ("3:2", "4:1"),  # 6/8 has two beats
    ],  # the last beat, or outside the score: refused (test_tui_timing_edits.py)
)
def test_a_new_beat_goes_on_the_next_beat(at: str, expected: str) -> None:
    beat = Beat(id="b01", at=Position.parse(at))
    position, pass_number = next_beat_position(beat, pickup_then_waltz())
    assert (str(position), pass_number) == (expected, None)


@pytest.mark.parametrize(
    ("at", "length", "expected"),
    [("1:1", 3, "1:4"), ("1:3", 4, "2:3"), ("2:3", 3, "3:2"), ("1:1", 0.5, "1:2")],
)
def test_a_new_beat_starts_when_a_long_beat_ends(at: str, length: float, expected: str) -> None:
    beat = Beat(id="b01", at=Position.parse(at), length=length)
    position, _ = next_beat_position(beat, pickup_then_waltz())
    assert str(position) == expected


def test_add_puts_the_beat_after_the_cursor_with_its_performers() -> None:
    scene = scene_of("1:1", "2:1")
    changed, index = add_beat(scene, 0, steady_grid(120))
    assert index == 1
    assert [b.id for b in changed.beats] == ["b01", "b03", "b02"]
    assert changed.beats[1].performers == ["eve"] and str(changed.beats[1].at) == "1:2"
    assert [b.id for b in scene.beats] == ["b01", "b02"]  # the scene given is untouched
    assert changed.beats[0] is scene.beats[0]  # unchanged beats are shared


def test_add_to_an_empty_scene_starts_on_the_first_measure() -> None:
    changed, index = add_beat(scene_of(), None, pickup_then_waltz())
    assert index == 0 and str(changed.beats[0].at) == "0:4"


def test_delete_and_move_at_the_edges() -> None:
    scene = scene_of("1:1", "2:1", "3:1")
    changed, cursor = delete_beat(scene, 2)
    assert [b.id for b in changed.beats] == ["b01", "b02"] and cursor == 1
    assert move_beat(scene, 0, -1) is None
    assert move_beat(scene, 2, 1) is None
    moved = move_beat(scene, 0, 1)
    assert moved is not None
    assert [b.id for b in moved[0].beats] == ["b02", "b01", "b03"] and moved[1] == 1


def test_history_undoes_more_than_a_hundred_steps_and_a_new_edit_ends_redo() -> None:
    history = History()
    scenes = [scene_of(*[f"{m}:1" for m in range(1, n + 2)]) for n in range(151)]
    for before, after in itertools.pairwise(scenes):
        history.record(Edit("add", before, after, 0, 0))
    undone = [history.undo() for _ in range(150)]
    assert all(edit is not None for edit in undone)
    assert undone[-1] is not None and undone[-1].before is scenes[0]
    assert history.undo() is None
    assert history.redo() is not None and history.can_redo
    history.record(Edit("delete", scenes[1], scenes[0], 0, 0))
    assert not history.can_redo


def test_history_keeps_at_most_its_limit() -> None:
    history = History(limit=3)
    scene = scene_of("1:1")
    for _ in range(5):
        history.record(Edit("x", scene, scene, 0, 0))
    assert history.undo_count == 3


@pytest.mark.parametrize(
    ("field", "text", "problem"),
    [
        ("at", "five", "MEASURE:BEAT"),
        ("at", "5:0", "beats count from 1"),
        ("length", "-1", "more than 0"),
        ("length", "long", "number of beats"),
        ("intensity", "6", "1 to 5"),
        ("intensity", "", "1 to 5"),
        ("hit", "maybe", "yes or no"),
        ("status", "done", "status is one of"),
        ("performers", "eve, eve", "listed twice"),
        ("performers", "eve, nobody", "nobody is not in the cast"),
        ("attacker", "nobody", "not in the cast"),
    ],
)
def test_a_bad_value_says_what_is_wrong(field: str, text: str, problem: str) -> None:
    with pytest.raises(FieldError) as caught:
        read_field(field, text, CAST)  # type: ignore[arg-type]
    assert problem in caught.value.message


def test_each_field_reads_back_what_it_shows() -> None:
    beat = Beat.model_validate(
        {"id": "b01", "at": "12:2.5", "length": 1.5, "ballet": "plié", "combat": "jab",
         "performers": ["eve", "guard1"], "attacker": "eve", "partner": "guard1",
         "weapon": "knife", "intensity": 4, "hit": True, "cue": "the cello", "status": "blocked",
         "camera": "wide", "safety": "mats", "notes": "fast"}
    )  # fmt: skip
    for field in FIELD_NAMES:
        assert with_field(beat, field, field_text(beat, field), CAST) is beat


def test_a_field_change_makes_a_new_beat_and_empties_clear() -> None:
    beat = Beat(id="b01", at=Position.parse("1:1"), ballet="plié", performers=["eve"])
    changed = with_field(beat, "ballet", "  sissonne ", CAST)
    assert changed is not beat and changed.ballet == "sissonne" and beat.ballet == "plié"
    assert with_field(beat, "ballet", "", CAST).ballet is None
    assert with_field(beat, "performers", "eve guard1", CAST).performers == ["eve", "guard1"]
    assert with_field(beat, "hit", "yes", CAST).hit is True
    assert str(with_field(beat, "at", "07:3", CAST).at) == "7:3"
