"""What every export format shares: speeds, cue-sheet filtering, errors, import hygiene."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from choreo.errors import ChoreoError
from choreo.export import build_sheets, export_scenes, speed_label
from choreo.scene_score import measures_of
from choreo.store import SceneFile, read_scene
from tests.run_cli import assert_one_line_error, choreo
from tests.scene_texts import write_scene

SCENE = """\
schema: 1
id: rooftop
title: Rooftop
cast:
  - id: eve
    name: Eve
  - id: guard1
    name: Guard 1
  - id: guard2
    name: Guard 2
beats:
  - id: b01
    at: "1:1"
    combat: flying kick
    performers: [eve]
    partner: guard1
  - id: b02
    at: "2:1"
    combat: block
    attacker: guard2
  - id: b03
    at: "3:1"
    combat: knife slash
    performers: [guard1]
"""


@pytest.fixture
def scene_file(tmp_path: Path) -> SceneFile:
    return read_scene(write_scene(tmp_path, SCENE, name="rooftop.yaml"))


@pytest.mark.parametrize(
    ("speed", "label"),
    [
        (1.0, "full speed"),
        (0.25, "quarter speed (0.25×)"),
        (0.5, "half speed (0.5×)"),
        (0.75, "three-quarter speed (0.75×)"),
        (0.6, "0.6× speed"),
    ],
)
def test_speed_names(speed: float, label: str) -> None:
    assert speed_label(speed) == label


@pytest.mark.parametrize("speed", [0.0, 0.09, 2.01, -1.0, float("nan")])
def test_speeds_outside_a_tenth_to_double_are_refused(scene_file: SceneFile, speed: float) -> None:
    with pytest.raises(ChoreoError, match="speed"):
        export_scenes([scene_file], speed=speed, measures=measures_of)


def test_a_performer_in_no_scene_is_refused(scene_file: SceneFile) -> None:
    with pytest.raises(ChoreoError, match="no scene has a performer 'adam'"):
        export_scenes([scene_file], performer="adam", measures=measures_of)


def test_a_cue_sheet_keeps_beats_where_the_performer_is_anyone_in_it(
    scene_file: SceneFile,
) -> None:
    beats_of = {
        who: [
            b.beat.id
            for b in build_sheets([scene_file], performer=who, measures=measures_of)[0].beats
        ]
        for who in ("eve", "guard1", "guard2")
    }
    assert beats_of == {"eve": ["b01"], "guard1": ["b01", "b03"], "guard2": ["b02"]}


def test_a_cue_sheet_over_several_scenes_skips_scenes_without_the_performer(
    tmp_path: Path, scene_file: SceneFile
) -> None:
    other = tmp_path / "lobby.yaml"
    other.write_text("schema: 1\nid: lobby\ntitle: Lobby\ncast:\n  - id: adam\n    name: Adam\n")
    sheets = build_sheets([read_scene(other), scene_file], performer="eve", measures=measures_of)
    assert [sheet.scene.id for sheet in sheets] == ["rooftop"]


def test_risk_comes_from_the_vocabulary_and_the_scenes_own_moves(tmp_path: Path) -> None:
    path = tmp_path / "rooftop.yaml"
    path.write_text(
        SCENE.replace(
            "beats:\n",
            "moves:\n  - kind: combat\n    name: block\n    risk: 5\nbeats:\n",
        )
        + "  - id: b04\n    at: '4:1'\n    combat: a move nobody knows\n"
    )
    (sheet,) = build_sheets([read_scene(path)], measures=measures_of)
    assert [(b.beat.id, b.risk, b.hazards, b.on_safety_page) for b in sheet.beats] == [
        ("b01", 4, (), True),
        ("b02", 5, (), True),  # the scene made its block risky
        ("b03", 3, ("blade",), True),
        ("b04", None, (), True),  # nobody knows its risk: the safety page asks
    ]
    assert sheet.beats[3].unknown_moves == ("a move nobody knows",)


def test_no_scenes_and_unknown_formats_are_refused(scene_file: SceneFile) -> None:
    with pytest.raises(ChoreoError, match="no scenes"):
        export_scenes([], measures=measures_of)
    with pytest.raises(ChoreoError, match="unknown export format 'docx'"):
        export_scenes([scene_file], format="docx", measures=measures_of)  # type: ignore[arg-type]


def test_export_imports_neither_textual_nor_music21_nor_mido() -> None:
    code = (
        "import sys, choreo.export\n"
        "print(sorted(m for m in ('textual', 'music21', 'mido') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_the_cli_reports_an_unknown_performer_in_one_line(scene_file: SceneFile) -> None:
    result = choreo("export", scene_file.path, "--performer", "adam")
    assert_one_line_error(result)
    assert result.stderr.startswith("error: no scene has a performer 'adam'")


def test_dash_as_the_output_file_is_stdout(tmp_path: Path) -> None:
    scene = write_scene(tmp_path, SCENE, name="rooftop.yaml")
    to_stdout = choreo("export", scene, "--format", "csv", cwd=tmp_path)
    dashed = choreo("export", scene, "--format", "csv", "-o", "-", cwd=tmp_path)
    assert dashed.returncode == 0, dashed.stderr
    assert dashed.stdout == to_stdout.stdout and "knife slash" in dashed.stdout
    assert not (tmp_path / "-").exists()
