"""The measure map as DESIGN.md's JSON shape and as a readable table."""

from __future__ import annotations

import json

import pytest

from choreo.score import measure_map_json, measure_map_text
from choreo.score.repeats import performed_map
from choreo.timing import MeasureMap, steady_grid
from tests.score_fixtures import CHORALE, MAPLE_LEAF, written

DESIGN_KEYS = {"number", "offset", "quarter_length", "time_signature", "tempo_qpm", "start_seconds"}


def test_json_has_the_documented_shape() -> None:
    chorale = written(CHORALE)[0]
    data = measure_map_json(chorale)
    assert json.loads(json.dumps(data)) == data
    assert data["parts"] == ["Soprano", "Alto", "Tenor", "Bass"]
    assert data["part"] == 0
    # The last bar's notes fill three beats and a <forward> the fourth: MuseScore plays four.
    assert data["duration_seconds"] == pytest.approx(23.125)
    first = data["measures"][0]
    assert set(first) >= DESIGN_KEYS
    assert "pass" not in first
    assert first == {
        "number": "0",
        "offset": 0.0,
        "quarter_length": 1.0,
        "time_signature": "4/4",
        "tempo_qpm": 96.0,
        "start_seconds": 0.0,
        "seconds": 0.625,
        "beats": 1.0,
        "first_beat": 4.0,
    }
    assert len(data["measures"]) == 10


def test_performed_json_carries_the_pass() -> None:
    rag = performed_map(*written(MAPLE_LEAF))
    data = measure_map_json(rag)
    assert data["order"] == "performed"
    passes = [(m["number"], m["pass"]) for m in data["measures"]]
    assert passes[16:19] == [("16", 1), ("1", 2), ("2", 2)]
    assert data["duration_seconds"] == pytest.approx(rag.duration_seconds)
    assert data["measures"][-1]["start_seconds"] == pytest.approx(rag.measures[-1].start_seconds)


def test_text_table_is_aligned_with_a_header() -> None:
    text = measure_map_text(written(CHORALE)[0])
    lines = text.splitlines()
    assert lines[0] == (
        "corpus:bach/bwv66.6 · parts: 0 Soprano (followed), 1 Alto, 2 Tenor, 3 Bass · part 0 "
        "· 10 measures · written order · 0:23.125 (23.125 s)"
    )
    assert lines[1].split() == ["measure", "time", "tempo", "start", "s", "seconds", "beats",
                                "from", "beat"]  # fmt: skip
    assert lines[2].split() == ["0", "4/4", "96", "0.000", "0.625", "1", "4"]
    assert len({len(line) for line in lines[1:]}) == 1  # every row as wide as the titles


def test_text_table_shows_passes_and_notes() -> None:
    rag = performed_map(*written(MAPLE_LEAF))
    lines = measure_map_text(rag).splitlines()
    assert "145 measures · performed order · 2:53.100" in lines[0]
    assert lines[1].split()[-1] == "pass"
    second_time = lines[2 + 17].split()  # after the pickup (0.3 s) and 16 bars of 1.2 s
    assert second_time == ["1", "2/4", "100", "19.500", "1.200", "2", "1", "2"]
    noted = MeasureMap(measures=rag.measures, tempos=rag.tempos, notes=("first tune only",))
    assert measure_map_text(noted).splitlines()[1] == "note: first tune only"


def test_a_steady_grid_renders_too() -> None:
    grid = steady_grid(120.0, measure_count=2)
    assert measure_map_json(grid)["measures"][1]["start_seconds"] == 2.0
    assert "parts: none" in measure_map_text(grid)
