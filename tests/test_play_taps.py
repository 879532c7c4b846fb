"""Taps as the music plays, on a scene with a score and a recording: a tap, and its undo,
time the score again from the map the playback keeps. No score is read, and the times
shown never blank or wander: they go straight to the times the scene now has."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile
from textual.pilot import Pilot

import choreo.score
from choreo.scene_score import measures_for
from choreo.tui.screens.editor import EditorScreen
from tests.test_tui_editor import opened, settle, with_score
from tests.test_tui_play import RATE, Output, playing, playing_app


@pytest.fixture(autouse=True)
def _private_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHOREO_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("CHOREO_CACHE_DIR", str(tmp_path / "cache"))


class Reads:
    """Every read of a score's measure map (from its file or choreo's cache), counted."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        read = choreo.score.load_measure_map

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.count += 1
            return read(*args, **kwargs)

        monkeypatch.setattr(choreo.score, "load_measure_map", counted)


def scored_and_recorded(tmp_path: Path) -> Path:
    """The rooftop following the demo's waltz, with a 30 s recording of it."""
    path = with_score(tmp_path, "studio-waltz.musicxml")
    t = np.arange(30 * RATE, dtype=np.float32) / RATE
    soundfile.write(tmp_path / "scores" / "take.wav", 0.2 * np.sin(2 * np.pi * 220 * t), RATE)
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("  tempo: 120\n", "  tempo: 120\n  recording: ../scores/take.wav\n"),
        encoding="utf-8",
    )
    return path


def shown_times(editor: EditorScreen) -> list[str]:
    return [editor.table.cell(row, "timecode") for row in range(len(editor.session.scene.beats))]


async def times_while_settling(pilot: Pilot[Any], editor: EditorScreen) -> list[list[str]]:
    """The times shown at each of a few turns of the app after a key."""
    seen = []
    for _ in range(5):
        seen.append(shown_times(editor))
        await pilot.pause(0.05)
    await settle(pilot)
    seen.append(shown_times(editor))
    return seen


async def test_a_tap_and_its_undo_read_no_score_and_the_times_go_straight_to_the_new(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = scored_and_recorded(tmp_path)
    reads = Reads(monkeypatch)
    output = Output()
    app = playing_app(path, output)
    async with app.run_test(size=(120, 36)) as pilot:
        editor = await opened(pilot)
        await pilot.press("space")
        await playing(pilot, editor)
        request = editor.playback.playing
        assert request is not None
        before = shown_times(editor)
        assert all(":" in time for time in before)
        measures = editor.session.measures
        bar_2 = measures.seconds_at(measures.measure("2").offset)
        read_so_far = reads.count

        output.at(request.count_in_seconds + bar_2 + 0.25)  # bar 2 heard a quarter second late
        await pilot.pause(0.1)
        await pilot.press("t")
        seen = await times_while_settling(pilot, editor)
        assert reads.count == read_so_far  # the tap read no score
        tapped = editor.session.scene
        assert [str(p.at) for p in tapped.score.sync] == ["2:1"]
        assert seen == [seen[0]] * len(seen)  # no blank, no wander: the new times at once
        assert seen[0][0] == "01:00:00:06"  # a lone point moves every bar: 0.25 s is 6 frames
        truth = measures_for(tapped, path)  # the score read afresh, timed by the point
        assert editor.session.measures.measures == truth.measures
        read_so_far = reads.count  # the truth was read here

        await pilot.press("ctrl+z")
        seen = await times_while_settling(pilot, editor)
        assert reads.count == read_so_far  # nor did its undo
        assert editor.session.scene.score.sync == []
        assert seen == [before] * len(seen)
