"""The CSV beat sheet, read back with Python's csv module."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from choreo.export import export_scenes
from choreo.export.csv_sheet import neutralise
from choreo.model import Beat, CastMember, Scene
from choreo.placement import PlacedBeat, place_beats
from choreo.scene_score import measures_of
from choreo.store import read_scene
from choreo.timing import steady_grid
from tests.scene_texts import in_memory

SCENE = """\
schema: 1
id: opera-house
title: The grand stage
score:
  tempo: 120
cast:
  - id: eve
    name: Eve
  - id: guard1
    name: Guard 1
beats:
  - id: b01
    at: "2:1"
    length: 2
    ballet: grand jeté
    combat: flying kick
    performers: [eve, guard1]
    intensity: 4
    hit: true
    safety: crash mat downstage left
    notes: "She clears the pit, lands \\"soft\\", then: go"
    camera: wide, dolly left
    status: half-speed
  - id: b02
    at: "2:3.5"
    ballet: fouetté
    combat: knife slash
    attacker: eve
    partner: guard1
    weapon: knife
    distance: in
    contact: true
"""

HOSTILE = [
    "=cmd|' /C calc'!A0",
    "+SUM(A1:A9)",
    "-2+3",
    "@import",
    "\tTAB first",
    "\rCR first",
    'quote " and, comma',
    "line one\nline two\r\nline three",
    "<script>alert(1)</script>",
    "plain text",
]


def rows_of(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


def test_one_row_per_beat_with_the_placed_times(tmp_path: Path) -> None:
    path = tmp_path / "opera-house.yaml"
    path.write_text(SCENE, encoding="utf-8")
    scene_file = read_scene(path)
    data = export_scenes([scene_file], format="csv", measures=measures_of)
    assert data.startswith(b"scene,number,id,at,")
    assert data.count(b"\r\n") == 3 and data.endswith(b"\r\n")  # RFC 4180 line ends
    rows = rows_of(data)
    placed = place_beats(scene_file.scene, steady_grid(120, 18))
    assert len(rows) == 2
    for number, (row, spot) in enumerate(zip(rows, placed, strict=True), start=1):
        assert isinstance(spot, PlacedBeat)
        assert row["scene"] == "opera-house"
        assert row["number"] == str(number)
        assert row["id"] == spot.beat.id
        assert row["at"] == str(spot.beat.at)
        assert row["counts"] == str(spot.counts)
        assert row["timecode"] == str(spot.timecode)
        assert float(row["start_seconds"]) == pytest.approx(spot.start_seconds, abs=5e-4)
        assert float(row["end_seconds"]) == pytest.approx(spot.end_seconds, abs=5e-4)
        assert float(row["seconds"]) == pytest.approx(spot.seconds, abs=5e-4)
    first, second = rows
    assert first["start_seconds"] == "2.000"  # bar 2 at 120 quarters a minute
    assert first["seconds"] == "1.000"
    assert first["performers"] == "eve guard1"
    assert first["notes"] == 'She clears the pit, lands "soft", then: go'
    assert first["camera"] == "wide, dolly left"
    assert (first["hit"], first["risk"], first["status"]) == ("yes", "4", "half-speed")
    assert (second["attacker"], second["partner"], second["weapon"]) == ("eve", "guard1", "knife")
    assert (second["distance"], second["contact"], second["hit"]) == ("in", "yes", "")
    assert second["counts"] == "1·7.5"


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_reads_back_the_same_with_formulas_neutralised(text: str) -> None:
    scene = Scene(
        id="hostile",
        title="t",
        cast=[CastMember(id="eve", name="Eve")],
        beats=[
            Beat(
                id="b01",
                at="1:1",
                ballet=text,
                combat=text,
                performers=["eve"],
                notes=text,
                safety=text,
                camera=text,
                cue=text,
                target=text,
            )
        ],
    )
    (row,) = rows_of(export_scenes([in_memory(scene)], format="csv", measures=measures_of))
    dangerous = text[0] in "=+-@\t\r"
    expected = "'" + text if dangerous else text
    for column in ("ballet", "combat", "notes", "safety", "camera", "cue", "target"):
        assert row[column] == expected


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30))
def test_every_cell_is_safe_for_a_spreadsheet(text: str) -> None:
    scene = Scene(id="s", title=text, beats=[Beat(id="b01", at="1:1", notes=text, ballet=text)])
    (row,) = rows_of(export_scenes([in_memory(scene)], format="csv", measures=measures_of))
    assert row["notes"] == neutralise(text)
    assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row.values())


def test_several_scenes_make_one_table_with_a_scene_column(tmp_path: Path) -> None:
    scenes = []
    for name in ("opera-house", "rooftop"):
        path = tmp_path / f"{name}.yaml"
        path.write_text(SCENE.replace("id: opera-house", f"id: {name}"), encoding="utf-8")
        scenes.append(read_scene(path))
    rows = rows_of(export_scenes(scenes, format="csv", measures=measures_of))
    assert [(r["scene"], r["id"]) for r in rows] == [
        ("opera-house", "b01"),
        ("opera-house", "b02"),
        ("rooftop", "b01"),
        ("rooftop", "b02"),
    ]


def test_cue_sheet_rows_and_half_speed(tmp_path: Path) -> None:
    path = tmp_path / "opera-house.yaml"
    path.write_text(SCENE + "  - id: b03\n    at: '3:1'\n    performers: [guard1]\n")
    scene_file = read_scene(path)
    full = rows_of(export_scenes([scene_file], format="csv", measures=measures_of))
    rows = rows_of(
        export_scenes([scene_file], format="csv", performer="eve", speed=0.5, measures=measures_of)
    )
    assert [r["id"] for r in rows] == ["b01", "b02"]
    assert [r["with"] for r in rows] == ["guard1", "guard1"]
    for half, whole in zip(rows, full, strict=False):
        assert float(half["start_seconds"]) == pytest.approx(2 * float(whole["start_seconds"]))
        assert float(half["seconds"]) == pytest.approx(2 * float(whole["seconds"]))
