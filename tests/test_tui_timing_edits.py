"""Nudges and ripples without a screen: where ``[`` ``]`` ``{`` ``}`` put beats on real
shapes of score (a pickup, a meter change, a repeat), and what they refuse."""

from __future__ import annotations

import dataclasses

import pytest

from choreo.model import Beat, Position, Scene
from choreo.timing import MeasureMap, TempoMark, build_measures
from choreo.tui.edits import EditRefused, add_beat
from choreo.tui.timing_edits import NUDGE, RIPPLE, nudge_beat, ripple_beats
from tests.measure_maps import pickup_then_waltz
from tests.test_tui_edits import scene_of


def repeated_twice() -> MeasureMap:
    """Bars 1 and 2 of 4/4, played twice (performed order): the second time is pass 2."""
    rows = [(number, 4.0, "4/4", 4, 1.0, 1.0) for number in ("1", "2", "1", "2")]
    tempos = [TempoMark(0.0, 120.0)]
    measures = build_measures(rows, tempos)
    measures = (*measures[:2], *(dataclasses.replace(m, pass_number=2) for m in measures[2:]))
    return MeasureMap(measures, tuple(tempos), order="performed")


def nudged(at: str, beats: float, measures: MeasureMap | None = None) -> str:
    changed = nudge_beat(scene_of(at), 0, beats, measures or pickup_then_waltz())
    beat = changed.beats[0]
    return f"{beat.at}" + (f" pass {beat.pass_number}" if beat.pass_number else "")


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        ("1:1", "1:1.5"),
        ("1:4.5", "2:1"),  # over the barline
        ("0:4", "0:4.5"),  # in the pickup
        ("0:4.5", "1:1"),  # out of the pickup
        ("2:4.5", "3:1"),  # into 6/8
        ("3:1", "3:1.5"),  # half of 6/8's dotted-quarter beat
        ("3:2.5", "4:1"),
        ("1:2.25", "1:2.75"),  # off the grid stays off it by as much
    ],
)
def test_right_bracket_nudges_half_a_beat_later(at: str, expected: str) -> None:
    assert nudged(at, NUDGE) == expected


@pytest.mark.parametrize(
    ("at", "expected"),
    [("2:1", "1:4.5"), ("1:1", "0:4.5"), ("3:1", "2:4.5"), ("4:1", "3:2.5"), ("3:1.5", "3:1")],
)
def test_left_bracket_nudges_half_a_beat_earlier(at: str, expected: str) -> None:
    assert nudged(at, -NUDGE) == expected


def test_a_nudge_crosses_a_repeat_into_the_second_pass() -> None:
    assert nudged("2:4.5", NUDGE, repeated_twice()) == "1:1 pass 2"
    second_time = Scene(id="s", title="S", beats=[Beat(id="b01", at=Position.parse("1:1"),
                                                        pass_number=2)])  # fmt: skip
    back = nudge_beat(second_time, 0, -NUDGE, repeated_twice()).beats[0]
    assert (str(back.at), back.pass_number) == ("2:4.5", None)


@pytest.mark.parametrize(
    ("at", "beats", "said"),
    [
        ("4:2.5", NUDGE, "b01 at 4:2.5 cannot move later: the score ends with bar 4"),
        ("0:4", -NUDGE, "b01 at 0:4 cannot move earlier: the score starts with bar 0"),
        ("9:1", NUDGE, "b01 at 9:1 is outside the score: not moved"),
    ],
)
def test_a_nudge_off_the_score_is_refused_with_one_line(at: str, beats: float, said: str) -> None:
    with pytest.raises(EditRefused) as refused:
        nudge_beat(scene_of(at), 0, beats, pickup_then_waltz())
    assert refused.value.message == said


def test_a_nudge_keeps_everything_else_and_the_scene_given() -> None:
    scene = scene_of("1:1", "2:1")
    changed = nudge_beat(scene, 1, NUDGE, pickup_then_waltz())
    assert [str(b.at) for b in scene.beats] == ["1:1", "2:1"]
    assert changed.beats[0] is scene.beats[0]
    assert changed.beats[1].model_dump(exclude={"at"}) == scene.beats[1].model_dump(exclude={"at"})


def test_right_brace_ripples_this_beat_and_every_later_one() -> None:
    # Rows are not in time order: the ripple follows time, and keeps the rows' order.
    scene = scene_of("2:4", "1:1", "1:3", "3:2", "1:3")
    changed = ripple_beats(scene, 2, RIPPLE, pickup_then_waltz())
    assert [str(b.at) for b in changed.beats] == ["3:1", "1:1", "1:4", "4:1", "1:4"]
    assert changed.beats[1] is scene.beats[1]


def test_left_brace_ripples_earlier_and_keeps_the_beats_between() -> None:
    scene = scene_of("1:1", "1:4", "2:2", "3:1")
    changed = ripple_beats(scene, 1, -RIPPLE, pickup_then_waltz())
    assert [str(b.at) for b in changed.beats] == ["1:1", "1:3", "2:1", "2:4"]


def test_a_ripple_earlier_never_runs_into_the_beat_before() -> None:
    scene = scene_of("1:1", "1:2", "2:1")
    with pytest.raises(EditRefused) as refused:
        ripple_beats(scene, 1, -RIPPLE, pickup_then_waltz())
    assert refused.value.message == (
        "b02 at 1:2 cannot move a beat earlier: b01 at 1:1 is less than a beat before it"
    )


def test_a_ripple_that_would_push_a_beat_off_the_end_moves_nothing() -> None:
    scene = scene_of("1:1", "4:2")
    with pytest.raises(EditRefused) as refused:
        ripple_beats(scene, 0, RIPPLE, pickup_then_waltz())
    assert refused.value.message == "b02 at 4:2 cannot move later: the score ends with bar 4"
    assert [str(b.at) for b in scene.beats] == ["1:1", "4:2"]


@pytest.mark.parametrize(
    ("at", "said"),
    [
        ("4:2", "no beat added after b01 at 4:2: the score ends with bar 4"),
        ("9:1", "no beat added: b01 at 9:1 is outside the score"),
    ],
)
def test_a_near_the_end_refuses_rather_than_piling_beats(at: str, said: str) -> None:
    with pytest.raises(EditRefused) as refused:
        add_beat(scene_of(at), 0, pickup_then_waltz())
    assert refused.value.message == said
