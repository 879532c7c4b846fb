"""The CSV beat sheet, read back with Python's csv module and opened in LibreOffice."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from choreo.export import export_scenes
from choreo.export.csv_sheet import COLUMNS, NUMBERS, neutralise, reads_as_a_value
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
    assert data.startswith("\ufeff".encode())  # the byte order mark Excel needs for UTF-8
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_one_row_per_beat_with_the_placed_times(tmp_path: Path) -> None:
    path = tmp_path / "opera-house.yaml"
    path.write_text(SCENE, encoding="utf-8")
    scene_file = read_scene(path)
    data = export_scenes([scene_file], format="csv", measures=measures_of)
    assert data.startswith(b"\xef\xbb\xbfscene,number,id,bar,beat,pass,")
    assert data.count(b"\r\n") == 3 and data.endswith(b"\r\n")  # RFC 4180 line ends
    rows = rows_of(data)
    placed = place_beats(scene_file.scene, steady_grid(120, 18))
    assert len(rows) == 2
    for number, (row, spot) in enumerate(zip(rows, placed, strict=True), start=1):
        assert isinstance(spot, PlacedBeat)
        assert row["scene"] == "opera-house"
        assert row["number"] == str(number)
        assert row["id"] == spot.beat.id
        assert (row["bar"], row["beat"]) == ("2", str(spot.beat.at).partition(":")[2])
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
    assert dangerous or not reads_as_a_value(text)  # the formula rule alone decides these
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


# -- what a spreadsheet makes of it ---------------------------------------------------

READ_AS_VALUES = [
    "1:1", "12:2.5", "1:1:1", "5pm", "5 p", "10:30 am",  # times
    "1/2", "6/8", "1-2", "2026-12-01", "1 1/2", "May 4", "5 Jan", "Sept. 3",  # dates
    "1e5", "50%", "$5", "(5)", "1,000", "007", " 12", "3 -", "1.", "TRUE", "false",  # numbers
]  # fmt: skip
TEXT_AS_IS = [
    "01:00:04:12", "01:00:04;12", "3·5", "0·4", "12a", "3 guards", "1st", "DSR", "14C",
    "May", "maybe 5", "grand jeté",
]  # fmt: skip


@pytest.mark.parametrize("text", READ_AS_VALUES)
def test_text_a_spreadsheet_would_read_as_a_value_stays_text(text: str) -> None:
    assert reads_as_a_value(text)
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("text", TEXT_AS_IS)
def test_text_no_spreadsheet_reads_as_a_value_is_left_alone(text: str) -> None:
    assert neutralise(text) == text


SPREADSHEET_SCENE = """\
schema: 1
id: opera-house
title: The grand stage
score:
  tempo: 96
  start: "01:00:00:00"
cast:
  - id: zoe
    name: Zoë Durand
beats:
  - id: b01
    at: "1:1"
    ballet: fouetté en tournant
    combat: "May 4"
    performers: [zoe]
    notes: "1/2"
    camera: "1:1"
    safety: "=1+1"
    target: "TRUE"
    cue: "5 PM"
  - id: b02
    at: "3:2.5"
    ballet: grand jeté
    notes: Zoë lands, ½ turn
    weapon: "1e5"
  - id: b03
    at: "12a:1"
    ballet: plié
"""

ODF = {
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
}
# LibreOffice's CSV import: comma, double quotes, charset found from the file (its byte
# order mark), from line 1, English (USA), quoted fields not forced to text, and special
# numbers (dates, times, percentages) detected: as Excel types cells, and as the 1:1 that
# became 01:01:00 AM was opened.
IMPORT_AS_EXCEL_DOES = "CSV:44,34,,1,,1033,false,true"


def spreadsheet_cells(path: Path) -> list[list[tuple[str, str]]]:
    """Each row of a flat ODF spreadsheet as (type, shown text) per cell."""
    rows = []
    for row in ET.parse(path).iter(f"{{{ODF['table']}}}table-row"):
        cells: list[tuple[str, str]] = []
        for cell in row.findall("table:table-cell", ODF):
            kind = cell.get(f"{{{ODF['office']}}}value-type", "empty")
            shown = "\n".join("".join(p.itertext()) for p in cell.findall("text:p", ODF))
            repeat = int(cell.get(f"{{{ODF['table']}}}number-columns-repeated", "1"))
            cells += [(kind, shown)] * min(repeat, len(COLUMNS) + 1)
        rows.append(cells)
    return rows


def open_in_libreoffice(tmp_path: Path, *files: Path) -> list[Path]:
    """The CSV files opened and saved as flat ODF by a headless LibreOffice with a profile
    of its own (parallel runs share none)."""
    out = tmp_path / "opened"
    command = [
        "soffice", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
        f"--infilter={IMPORT_AS_EXCEL_DOES}", "--convert-to", "fods", "--outdir", str(out),
        *map(str, files),
    ]  # fmt: skip
    subprocess.run(command, check=True, capture_output=True, timeout=300)
    return [out / f"{file.stem}.fods" for file in files]


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_reads_numbers_as_numbers_and_the_rest_as_the_crew_wrote_it(
    tmp_path: Path,
) -> None:
    scene = tmp_path / "opera-house.yaml"
    scene.write_text(SPREADSHEET_SCENE, encoding="utf-8")
    data = export_scenes([read_scene(scene)], format="csv", measures=measures_of)
    sheet = tmp_path / "sheet.csv"
    sheet.write_bytes(data)
    # The same import turns a bare position and a fraction into a time and a date.
    control = tmp_path / "control.csv"
    control.write_bytes(b"\xef\xbb\xbfat,notes\r\n1:1,1/2\r\n")
    opened, control_opened = open_in_libreoffice(tmp_path, sheet, control)
    assert [kind for kind, _ in spreadsheet_cells(control_opened)[1][:2]] == ["time", "date"]

    header, *rows = spreadsheet_cells(opened)
    assert [shown for _, shown in header[: len(COLUMNS)]] == list(COLUMNS)
    written = rows_of(data)
    assert len(rows) == len(written) == 3
    for cells, row in zip(rows, written, strict=True):
        got = dict(zip(COLUMNS, cells, strict=False))
        for column, text in row.items():
            kind, shown = got[column]
            if not text:
                assert kind == "empty", column
            elif column in NUMBERS and text != "12a":
                assert kind == "float", (column, text, shown)
                assert float(shown) == pytest.approx(float(text)), column
            else:
                assert (kind, shown) == ("string", text), column
    b01, b02, b03 = (dict(zip(COLUMNS, cells, strict=False)) for cells in rows)
    assert (b01["bar"], b01["beat"], b02["bar"], b02["beat"]) == (
        ("float", "1"), ("float", "1"), ("float", "3"), ("float", "2.5")
    )  # fmt: skip
    assert b03["bar"] == ("string", "12a")  # as the score prints it
    assert b02["timecode"] == ("string", "01:00:05:22")  # 9.5 beats at 96: 5.9375 s
    assert b02["counts"] == ("string", "2·2.5")
    assert b01["ballet"] == ("string", "fouetté en tournant")
    assert b02["notes"] == ("string", "Zoë lands, ½ turn")
    assert (b01["notes"], b01["camera"], b01["combat"]) == (
        ("string", "'1/2"), ("string", "'1:1"), ("string", "'May 4")
    )  # fmt: skip
    assert (b01["safety"], b01["target"], b01["cue"], b02["weapon"]) == (
        ("string", "'=1+1"), ("string", "'TRUE"), ("string", "'5 PM"), ("string", "'1e5")
    )  # fmt: skip
