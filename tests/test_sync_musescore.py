"""The synced demo scores as MuseScore renders them: every label there, hits boxed, no
label stacked three deep, and the score's own page and system breaks kept."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from choreo.store import read_scene
from choreo.sync import push
from tests.musescore import musescore
from tests.score_render import (
    added_texts,
    bar_layout,
    deepest_stack,
    page_width,
    staff_right,
    staff_tops,
    svg_pages,
)

MUSESCORE = shutil.which("mscore3")
pytestmark = pytest.mark.skipif(MUSESCORE is None, reason="MuseScore 3 (mscore3) is not installed")

DEMO_SCENES = ["corridor", "opera-house", "prague-alley", "studio-flashback"]


@pytest.mark.parametrize("name", DEMO_SCENES)
def test_the_synced_demo_score_renders_readably(project: Path, name: str) -> None:
    result = push(read_scene(project / "scenes" / f"{name}.yaml"))
    scene = result.scene_file.scene

    # MuseScore's own file of the score holds each label, the hits' in bold, the cues.
    saved = musescore(result.output, project / "saved.mscx").read_text(encoding="utf-8")
    for number, beat in enumerate(scene.beats, start=1):
        label = result.labels[beat.id].replace("&", "&amp;").replace("<", "&lt;")
        assert label.startswith(f"{number} HIT" if beat.hit else f"{number}"), label
        assert beat.id not in label.split() and "mark-" not in label
        assert (f"<b>{label}</b>" if beat.hit else f"{label}</text>") in saved, label
    own = musescore(result.score, project / "own.mscx").read_text(encoding="utf-8")
    assert saved.count("<RehearsalMark>") == own.count("<RehearsalMark>")  # the score's only

    # In the render: one text per label and cue, a box round each hit's, none three deep.
    original = svg_pages(result.score, project / "original")
    synced = svg_pages(result.output, project / "synced")
    texts = added_texts(synced, original)
    hits = sum(1 for beat in scene.beats if beat.hit)
    assert len(texts) == len(scene.beats) + result.cues
    assert sum(1 for box in texts if box.framed) == hits
    assert deepest_stack(texts, staff_tops(synced)) <= 2
    # None runs off the page; where the score prints its own system breaks, none runs
    # past the end of a system's staff lines.
    assert max(box.right for box in texts) < page_width(synced)
    if 'new-system="yes"' in result.score.read_text(encoding="utf-8"):
        assert max(box.right for box in texts) <= staff_right(synced)


@pytest.mark.parametrize("name", DEMO_SCENES)
def test_the_score_keeps_its_systems_and_its_own_page_breaks(project: Path, name: str) -> None:
    """Choreo adds no break and removes none: each system holds the same bars as in the
    score, and a score that prints its own page breaks (Lascia ch'io pianga) keeps every
    bar on its page. (Without them, the labels' height may push a system to a new page.)"""
    result = push(read_scene(project / "scenes" / f"{name}.yaml"))
    before = bar_layout(result.score, project / "original")
    after = bar_layout(result.output, project / "synced")
    assert _systems(after) == _systems(before)
    if 'new-page="yes"' in result.score.read_text(encoding="utf-8"):
        assert after == before


def _systems(layout: list[tuple[int, int]]) -> list[int]:
    """The bars that start a system."""
    return [bar for bar, place in enumerate(layout) if bar == 0 or layout[bar - 1] != place]


def test_the_examples_page_is_the_synced_opera_house(tmp_path: Path) -> None:
    """scripts/write_examples.py renders the page README shows (pictures are not compared
    byte for byte: the committed one must exist and be a full PNG page)."""
    import importlib.util

    root = Path(__file__).resolve().parent.parent
    spec = importlib.util.spec_from_file_location(
        "write_examples", root / "scripts" / "write_examples.py"
    )
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    page = tmp_path / "page.png"
    assert script.synced_score_page(root, page)
    committed = root / "examples" / script.SYNCED_SCORE_PAGE
    for png in (page, committed):
        data = png.read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 100_000, png
    assert f"]({committed.relative_to(root)})" in (root / "README.md").read_text(encoding="utf-8")
