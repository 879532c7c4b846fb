"""The committed example sheets are what the code writes now, and the demo exports agree
with the score engine.

When one of these fails after a change to the demo scenes or to the export, regenerate
the examples with ``.venv/bin/python scripts/write_examples.py`` and review the diff.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from choreo.export import export_scenes
from choreo.placement import UnplacedBeat, place_beats
from choreo.scene_score import measures_for, measures_of
from choreo.score import load_measure_map
from choreo.store import read_scene, scene_files_in
from scripts.write_examples import CARD_PICTURE, EXAMPLES, main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES_DIR = ROOT / "examples"
SCENES = scene_files_in(ROOT / "scenes")
CHOREO = Path(sys.executable).with_name("choreo")
REGENERATE = "run .venv/bin/python scripts/write_examples.py and review the diff"


def test_the_demo_has_scenes_with_scores() -> None:
    scenes = [read_scene(path).scene for path in SCENES]
    assert len(scenes) >= 3
    assert all(scene.score.file for scene in scenes)


def test_the_committed_beat_sheet_is_what_the_cli_writes() -> None:
    result = subprocess.run(
        [str(CHOREO), "export", "scenes/", "--format", "md"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    )
    committed = (EXAMPLES_DIR / "demo-beat-sheet.md").read_bytes()
    assert result.stdout == committed, REGENERATE


def test_the_committed_cue_sheet_is_what_the_export_writes() -> None:
    scene_files = [read_scene(path) for path in SCENES]
    written = export_scenes(
        scene_files, format="md", performer="eve", speed=0.5, measures=measures_of
    )
    committed = (EXAMPLES_DIR / "eve-cue-sheet-half-speed.md").read_bytes()
    assert written == committed, REGENERATE


def _pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True).stdout


@pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None,
    reason="poppler-utils (pdftotext, pdftoppm) not installed",
)
def test_regenerating_the_examples_changes_no_text(tmp_path: Path) -> None:
    # The PDF's bytes carry the time it was made and a PNG's pixels may differ by a font
    # hinting: the PDF's text and the picture's size are compared, not their bytes.
    main(ROOT, tmp_path)
    for name in EXAMPLES:
        fresh, committed = tmp_path / name, EXAMPLES_DIR / name
        if name.endswith(".pdf"):
            assert _pdf_text(fresh) == _pdf_text(committed), REGENERATE
        else:
            assert fresh.read_bytes() == committed.read_bytes(), REGENERATE
    fresh_picture = (tmp_path / CARD_PICTURE).read_bytes()
    committed_picture = (EXAMPLES_DIR / CARD_PICTURE).read_bytes()
    assert fresh_picture.startswith(b"\x89PNG\r\n\x1a\n")
    assert fresh_picture[16:24] == committed_picture[16:24], REGENERATE  # width, height


def test_the_example_has_one_row_per_demo_beat() -> None:
    tokens = MarkdownIt("gfm-like").parse((EXAMPLES_DIR / "demo-beat-sheet.md").read_text())
    rows: list[int] = []  # body rows of each beat table, scene by scene
    beat_table = in_body = False
    for index, token in enumerate(tokens):
        if token.type == "table_open":
            beat_table = tokens[index + 4].content == "#"  # table, thead, tr, th, inline
            rows += [0] if beat_table else []
        in_body = token.type == "tbody_open" or (in_body and token.type != "tbody_close")
        if beat_table and in_body and token.type == "tr_open":
            rows[-1] += 1
    assert rows == [len(read_scene(path).scene.beats) for path in SCENES]


@pytest.mark.parametrize("path", SCENES, ids=[p.stem for p in SCENES])
def test_json_times_equal_the_score_engines(path: Path) -> None:
    scene_file = read_scene(path)
    scene = scene_file.scene
    measures = load_measure_map(
        scene.score.file or "",
        base=path.parent,
        part=scene.score.part,
        performed=scene.score.order == "performed",
        default_tempo=scene.score.tempo,
        use_cache=False,
    )
    assert not measures.steady
    document = json.loads(export_scenes([scene_file], format="json", measures=measures_of))
    placed = place_beats(scene, measures)
    assert len(document["beats"]) == len(placed)
    for beat, spot in zip(document["beats"], placed, strict=True):
        if isinstance(spot, UnplacedBeat):
            assert (beat["start_seconds"], beat["problem"]) == (None, spot.problem)
            continue
        assert beat["start_seconds"] == spot.start_seconds
        assert beat["end_seconds"] == spot.end_seconds
        assert beat["timecode"] == str(spot.timecode)
        assert beat["counts"] == str(spot.counts)
    assert measures_for(scene, path).measures == measures.measures  # the cache agrees
