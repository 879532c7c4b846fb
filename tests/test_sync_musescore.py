"""The synced demo score opens in MuseScore: it renders to a PDF and keeps every beat."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from choreo.store import read_scene
from choreo.sync import push
from choreo.sync.push import words
from tests.musescore import musescore

MUSESCORE = shutil.which("mscore3")
pytestmark = pytest.mark.skipif(MUSESCORE is None, reason="MuseScore 3 (mscore3) is not installed")


def test_the_synced_demo_score_renders(project: Path) -> None:
    result = push(read_scene(project / "scenes" / "opera-house.yaml"))
    pdf = project / "opera-house.pdf"
    musescore(result.output, pdf)
    assert pdf.stat().st_size > 1000
    assert pdf.read_bytes().startswith(b"%PDF")

    # MuseScore's own MusicXML export still holds each beat's words and each mark.
    exported = project / "exported.musicxml"
    musescore(result.output, exported)
    text = exported.read_text(encoding="utf-8")
    for beat in result.scene_file.scene.beats:
        assert f">{words(beat)}</words>" in text.replace("&amp;", "&"), beat.id
    assert text.count("</rehearsal>") >= result.marks
