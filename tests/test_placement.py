"""One way to place a beat: Placement.place gives its time or raises OutsideScore."""

from __future__ import annotations

import pytest

from choreo.model import Beat, Scene, ScoreRef
from choreo.placement import PlacedBeat, Placement, UnplacedBeat, place_beats
from choreo.timing import OutsideScore, Timecode, steady_grid


def test_a_beat_is_placed_with_its_count_and_timecode() -> None:
    """17:3 at 96 is 41.250 s, 01:00:41:06 at 24 fps, the 3rd count of phrase 9."""
    placement = Placement(steady_grid(96), Timecode.parse("01:00:00:00", 24))
    placed = placement.place(Beat(id="b01", at="17:3"))
    assert placed.start_seconds == pytest.approx(41.25)
    assert (str(placed.timecode), str(placed.counts)) == ("01:00:41:06", "9·3")
    assert placed.length_beats == 2  # no length, no later beat: up to its barline
    later = placement.place(Beat(id="b01", at="17:3"), until=placed.start_offset + 1)
    assert later.length_beats == 1


def test_counts_follow_the_scene_phrase() -> None:
    """17:3 is the 67th beat: count 3 of the 9th eight, or count 3 of the 17th four."""
    beats = [Beat(id="b01", at="17:3")]
    eights = Scene(id="s", title="S", beats=beats)
    fours = Scene(id="s", title="S", score=ScoreRef(phrase=4), beats=beats)
    counts = [str(Placement.of(s, steady_grid(96)).place(beats[0]).counts) for s in (eights, fours)]
    assert counts == ["9·3", "17·3"]


def test_a_beat_outside_the_score_raises_one_error_that_says_where() -> None:
    placement = Placement(steady_grid(96, 8), Timecode.parse("01:00:00:00", 24))
    with pytest.raises(OutsideScore, match="measure 9 is not in the score"):
        placement.place(Beat(id="b01", at="9:1"))
    with pytest.raises(OutsideScore, match=r"measure 8 \(4/4\) has no beat 5"):
        placement.place(Beat(id="b01", at="8:5"))


def test_a_scene_places_each_beat_or_says_why_not() -> None:
    scene = Scene(
        id="s",
        title="S",
        score=ScoreRef(tempo=120, fps=25, start="10:00:00:00"),
        beats=[Beat(id="b01", at="1:1"), Beat(id="b02", at="99:1"), Beat(id="b03", at="1:3")],
    )
    first, outside, last = place_beats(scene, steady_grid(120, 4), speed=0.5)
    assert isinstance(first, PlacedBeat) and isinstance(last, PlacedBeat)
    assert first.end_offset == last.start_offset  # lasts up to the next beat
    assert str(last.timecode) == "10:00:02:00"  # two beats at 120, at half speed
    assert isinstance(outside, UnplacedBeat)
    assert outside.problem == "measure 99 is not in the score"


def test_the_start_timecode_is_read_once_and_follows_edits() -> None:
    score = ScoreRef(fps=25, start="00:00:01:00")
    assert score.start_timecode == Timecode(25, 25)
    score.start = "00:00:02:00"
    assert score.start_timecode == Timecode(50, 25)
    score.fps = 30
    assert score.start_timecode == Timecode(60, 30)
    assert score.model_dump()["start"] == "00:00:02:00"  # the file keeps the text
