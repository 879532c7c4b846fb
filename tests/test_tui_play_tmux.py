"""Playing in the editor as a person does: the real command in tmux with the null sound
output (CHOREO_AUDIO_OUTPUT=null plays nothing, at the pace of the real clock), space,
the cursor moving with the music, t tapping a sync point, ctrl+s, and the file."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import numpy as np
import pytest
import soundfile

from choreo.store import read_scene
from tests.audio_helpers import needs_synth
from tests.test_tui_tmux import SCENE, Terminal, running

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

NULL_OUTPUT = {"CHOREO_AUDIO_OUTPUT": "null"}
RATE = 44100


def form_row(session: Terminal) -> str:
    """The form's title, "beat b02 · row 2": the beat under the table's cursor."""
    return next((line for line in session.screen().splitlines() if "· row " in line), "")


@needs_synth
def test_space_plays_the_demo_scene_and_the_cursor_moves_with_it(project: Path) -> None:
    scene = project / "scenes" / SCENE
    with running(project, "edit", str(scene), more_environment=NULL_OUTPUT) as session:
        session.wait_for_text("bars")  # the score is read
        assert "row 1 " in form_row(session)
        session.keys("Space")
        session.wait_for_text("preparing the music", timeout=10)
        session.wait_for_text("playing from bar 0 at full speed")  # the pickup
        session.wait_for(lambda: "row 2 " in form_row(session), "the cursor on the second beat")
        session.wait_for(lambda: "row 3 " in form_row(session), "the cursor on the third beat")
        assert "┃" in session.screen()  # the playhead on the timeline
        session.keys("Space")
        session.wait_for(lambda: "playing from" not in session.screen(), "the music to stop")
        stopped_on = form_row(session)
        session.keys("C-q")
        session.wait_for(lambda: not session.alive(), "choreo to quit", timeout=20)
    assert "row 3 " in stopped_on or "row 4 " in stopped_on


def test_t_taps_a_sync_point_that_ctrl_s_writes(project: Path) -> None:
    scene = project / "scenes" / SCENE
    t = np.arange(60 * RATE, dtype=np.float32) / RATE
    soundfile.write(project / "scores" / "take.wav", 0.2 * np.sin(2 * np.pi * 220 * t), RATE)
    text = scene.read_text(encoding="utf-8")
    assert "  tempo: 96\n" in text
    scene.write_text(
        text.replace("  tempo: 96\n", "  tempo: 96\n  recording: ../scores/take.wav\n"),
        encoding="utf-8",
    )
    with running(project, "edit", str(scene), more_environment=NULL_OUTPUT) as session:
        session.wait_for_text("bars")
        session.keys("Space")
        session.wait_for_text("playing from bar 0 at full speed")
        # Bar 2 starts 3.1 s into the recording (a pickup beat and a bar at ♩ = 96).
        session.wait_for(lambda: "row 2 " in form_row(session), "the cursor on the second beat")
        session.keys("t")
        session.wait_for_text("tapped bar")
        said = re.search(r"tapped bar (\d+) at 0:(\d+\.\d+)", session.screen())
        assert said is not None, session.screen()
        session.keys("Space", "C-s")
        session.wait_for(lambda: read_scene(scene).scene.score.sync != [], "the save")
        session.keys("C-q")
        session.wait_for(lambda: not session.alive(), "choreo to quit", timeout=20)
    points = read_scene(scene).scene.score.sync
    assert [(str(p.at), round(p.seconds, 2)) for p in points] == [
        (f"{said.group(1)}:1", float(said.group(2)))
    ]  # what the screen said is what the file holds
    assert "sync:" in scene.read_text(encoding="utf-8")
    assert "# the violin carries the tune" in scene.read_text(encoding="utf-8")  # comments kept
