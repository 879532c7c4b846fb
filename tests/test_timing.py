"""Positions, seconds, timecode and counts on measure maps built without music21."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from choreo.model import Position
from choreo.timing import (
    MeasureMap,
    OutsideScore,
    TempoMark,
    Timecode,
    build_measures,
    clock,
    steady_grid,
)


def pickup_map() -> MeasureMap:
    """One-beat pickup, 4/4 at 96, then 3/4, then 6/8 at 132 (dotted quarter 88)."""
    rows = [("0", 1.0, "4/4", 4, 1.0, 4.0)]
    rows += [(str(n), 4.0, "4/4", 4, 1.0, 1.0) for n in range(1, 5)]
    rows += [(str(n), 3.0, "3/4", 3, 1.0, 1.0) for n in range(5, 7)]
    rows += [(str(n), 3.0, "6/8", 2, 1.5, 1.0) for n in range(7, 11)]
    tempos = [TempoMark(0.0, 96.0), TempoMark(23.0, 132.0)]
    return MeasureMap(build_measures(rows, tempos), tuple(tempos))


@pytest.mark.parametrize(
    ("text", "measure", "beat"),
    [("5:1", "5", 1.0), ("12:2.5", "12", 2.5), ("0:4", "0", 4.0), ("012a:3", "12a", 3.0)],
)
def test_positions_parse(text: str, measure: str, beat: float) -> None:
    assert Position.parse(text) == Position(measure, beat)


@pytest.mark.parametrize("text", ["5", "5:0", "-1:1", "a:1", "5:1:2", "5:x", ""])
def test_bad_positions_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        Position.parse(text)


def test_the_issue_example_on_a_steady_grid() -> None:
    """17:3 at 96 is 41.250 s, 01:00:41:06 at 24 fps, the 3rd count of phrase 9."""
    grid = steady_grid(96)
    offset = grid.offset_of(Position.parse("17:3"))
    assert grid.seconds_at(offset) == pytest.approx(41.25)
    assert str(Timecode.parse("01:00:00:00", 24).plus_seconds(41.25)) == "01:00:41:06"
    assert str(grid.count_at(offset)) == "9·3"


def test_pickup_is_counted_as_musicians_count_it() -> None:
    measures = pickup_map()
    assert measures.offset_of(Position.parse("0:4")) == 0.0
    assert measures.offset_of(Position.parse("1:1")) == 1.0
    assert str(measures.count_at(0.0)) == "0·8"
    assert str(measures.count_at(1.0)) == "1·1"
    with pytest.raises(OutsideScore, match="starts on beat 4"):
        measures.offset_of(Position.parse("0:1"))
    with pytest.raises(OutsideScore, match="measure 99 is not in the score"):
        measures.offset_of(Position.parse("99:1"))


def test_seconds_follow_meter_and_tempo_changes() -> None:
    measures = pickup_map()
    # 6/8 beats are dotted quarters: 7:2 is 1.5 quarters after 7:1.
    seven = measures.offset_of(Position.parse("7:1"))
    assert seven == 1 + 16 + 6
    assert measures.offset_of(Position.parse("7:2")) == seven + 1.5
    assert measures.seconds_at(seven) == pytest.approx(23 * 60 / 96)
    assert measures.seconds_at(seven + 1.5) - measures.seconds_at(seven) == pytest.approx(
        1.5 * 60 / 132
    )
    assert measures.duration_seconds == pytest.approx(23 * 60 / 96 + 12 * 60 / 132)


def test_lengths_cross_barlines_and_meter_changes() -> None:
    measures = pickup_map()
    start = measures.offset_of(Position.parse("6:2"))  # two beats left in 3/4
    end = measures.advance(start, 3)  # ... then one 6/8 beat
    assert end == measures.offset_of(Position.parse("7:2"))
    assert measures.beats_between(start, end) == pytest.approx(3)


@pytest.mark.parametrize(
    ("fps", "seconds", "label"),
    [
        (24, 3600.5, "02:00:00:12"),
        (25, 1.04, "01:00:01:01"),
        (30, 59.99, "01:00:59:29"),
        (29.97, 60.06, "01:01:00;02"),  # drop-frame skips ;00 and ;01
        (29.97, 600.0, "01:10:00;00"),  # ten real minutes: no drop on the tenth
        (23.976, 1.001, "01:00:01:00"),  # 24 frames take 1.001 s
    ],
)
def test_timecode_at_film_rates(fps: float, seconds: float, label: str) -> None:
    assert str(Timecode.parse("01:00:00:00", fps).plus_seconds(seconds)) == label


@given(st.integers(0, 10), st.sampled_from([1.0, 1.5, 2.0, 2.5, 3.25, 4.0, 4.75]))
def test_position_seconds_position_round_trips(measure: int, beat: float) -> None:
    measures = pickup_map()
    spot = measures.measure(str(measure))
    assert spot is not None
    assume(spot.first_beat <= beat < spot.last_beat)
    offset = measures.offset_of(Position(str(measure), beat))
    back = measures.offset_at_seconds(measures.seconds_at(offset))
    assert back == pytest.approx(offset)
    assert measures.position_at(back)[0] == Position(str(measure), beat)


def test_measure_map_survives_json() -> None:
    measures = pickup_map()
    assert MeasureMap.from_dict(measures.to_dict()) == measures


@pytest.mark.parametrize(
    ("seconds", "places", "label"),
    [(95.25, 1, "1:35.2"), (59.96, 1, "1:00.0"), (59.9996, 3, "1:00.000"), (81.989, 3, "1:21.989")],
)
def test_clock_never_shows_sixty_seconds(seconds: float, places: int, label: str) -> None:
    assert clock(seconds, places) == label


def test_a_bar_the_scene_file_cannot_name_has_no_position() -> None:
    rows = [("1", 4.0, "4/4", 4, 1.0, 1.0), ("1bis", 4.0, "4/4", 4, 1.0, 1.0)]
    tempos = [TempoMark(0.0, 120.0)]
    measures = MeasureMap(build_measures(rows, tempos), tuple(tempos))
    assert measures.position_at(2.0)[0] == Position("1", 3.0)
    with pytest.raises(ValueError):
        measures.position_at(5.0)
