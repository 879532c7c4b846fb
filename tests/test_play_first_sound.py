"""The first ``space`` on a scene that plays its score waits for one piece of music: the
score's notes are read once the editor has read the score, before any ``space``, and the
play renders only the piece where it starts before it sounds."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

import choreo.score.notes
from choreo.project import scene_folder
from tests.audio_helpers import needs_synth
from tests.test_tui_editor import opened, until, with_score
from tests.test_tui_play import Output, playing, playing_app


@pytest.fixture(autouse=True)
def _private_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHOREO_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("CHOREO_CACHE_DIR", str(tmp_path / "cache"))


@needs_synth
async def test_the_notes_are_read_before_space_and_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads: list[str] = []
    read = choreo.score.notes.load_score_notes

    def counted(source: str, **kwargs: Any) -> Any:
        reads.append(source)
        return read(source, **kwargs)

    monkeypatch.setattr(choreo.score.notes, "load_score_notes", counted)
    path = with_score(tmp_path, "studio-waltz.musicxml")
    output = Output()
    app = playing_app(path, output)
    async with app.run_test(size=(120, 36)) as pilot:
        editor = await opened(pilot)
        music = editor.playback._music
        source, folder = "../scores/studio-waltz.musicxml", scene_folder(path)
        content = editor.session.measures.content_hash
        await until(pilot, lambda: music.has_notes(folder, source, content), timeout=60)
        assert reads == [source]  # read ahead, with no space pressed

        await pilot.press("down", "down", "space")  # from b03, bar 3
        await playing(pilot, editor)
        request = editor.playback.playing
        assert request is not None and music.full is not None
        assert reads == [source]  # the play read no notes
        start = round(request.start * music.full.rate)
        assert np.abs(music.full.samples[start : start + music.full.rate]).max() > 0.05
        await pilot.press("space")

    music.notes(folder, source, "another content")  # the file changed: its notes read again
    assert reads == [source, source]
