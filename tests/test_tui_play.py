"""Playing the music in the editor, driven through Textual's pilot: space plays from the
selected beat after a bar's count-in and again stops, the cursor and the playhead follow
the music, ¾ and ½ speed, t taps a sync point that a save writes, and a machine without
sound is told so in one line.

The music goes to a null sink on a clock the test moves (its thread plays nothing), so
every position is exact: on the rooftop's steady 4/4 at 120, bar N starts at second
2 (N - 1) of the music, and the count-in is a bar (2 s at full speed, 4 s at half).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile
from textual.pilot import Pilot

from choreo.audio.player import OUTPUT_VARIABLE, NullSink, SoundDeviceSink, output_sink
from choreo.errors import ChoreoError
from choreo.model import Position, Scene
from choreo.model.recording import SyncPoint
from choreo.store import read_scene
from choreo.timing import MeasureMap, TempoMark, build_measures, steady_grid
from choreo.tui.app import ChoreoApp
from choreo.tui.playback import PlayRefused, with_tapped_point
from choreo.tui.screens.editor import EditorScreen
from tests.audio_helpers import needs_synth
from tests.test_tui_editor import (
    ROOFTOP,
    SIZE,
    app_on,
    changed_lines,
    opened,
    settle,
    until,
    with_score,
    write_scene,
)

RATE = 44100
RECORDED = ROOFTOP.replace("  tempo: 120\n", "  tempo: 120\n  recording: ../scores/take.wav\n")


@pytest.fixture(autouse=True)
def _private_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHOREO_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("CHOREO_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv(OUTPUT_VARIABLE, raising=False)


class FakeClock:
    """A clock that moves only when the test says."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class Output:
    """The null sink the editor plays through, on the test's clock."""

    def __init__(self) -> None:
        self.clock = FakeClock()
        self.sink = NullSink(self.clock)

    def __call__(self) -> NullSink:
        return self.sink

    def at(self, seconds: float) -> None:
        """The music has sounded ``seconds`` since it started (count-in included)."""
        self.clock.now = seconds
        self.sink.pump()


def recorded_scene(tmp_path: Path, seconds: float = 12.0) -> Path:
    """The rooftop with a recording: a quiet tone, long enough for its bars."""
    scores = tmp_path / "scores"
    scores.mkdir(exist_ok=True)
    t = np.arange(round(seconds * RATE), dtype=np.float32) / RATE
    soundfile.write(scores / "take.wav", 0.2 * np.sin(2 * np.pi * 220 * t), RATE)
    return write_scene(tmp_path, RECORDED)


def playing_app(path: Path, output: Output) -> ChoreoApp:
    return app_on(path, audio_output=output)


async def playing(pilot: Pilot[Any], editor: EditorScreen) -> None:
    await until(pilot, lambda: editor.playback.playing is not None, timeout=60)


def notices(pilot: Pilot[Any]) -> list[str]:
    return [str(n.message) for n in pilot.app._notifications]


async def test_space_plays_from_the_beat_and_the_cursor_follows_the_music(
    tmp_path: Path,
) -> None:
    output = Output()
    app = playing_app(recorded_scene(tmp_path), output)
    async with app.run_test(size=SIZE) as pilot:
        editor = await opened(pilot)
        await pilot.press("space")
        await playing(pilot, editor)
        assert "playing from bar 1 at full speed" in str(editor.timeline.border_title)
        assert "t taps the bar" in str(editor.timeline.border_title)  # a recording plays
        output.at(1.0)  # counting in: the cursor waits on the beat played from
        await pilot.pause(0.1)
        assert editor.cursor == 0
        await pilot.press("t")  # no bar of the recording yet
        await pilot.pause()
        assert any("still counting in" in n for n in notices(pilot))
        assert editor.session.scene.score.sync == []
        start_column = editor.timeline._playhead
        assert start_column is not None

        output.at(2.0 + 2.3)  # second 2.3 of the music: bar 2, beat b02
        # The form follows the table's cursor a message later.
        await until(pilot, lambda: editor.form.beat is not None and editor.form.beat.id == "b02")
        assert editor.cursor == 1
        output.at(2.0 + 4.6)  # bar 3
        await until(pilot, lambda: editor.cursor == 2)
        playhead = editor.timeline._playhead
        assert playhead is not None and playhead > start_column

        await pilot.press("space")  # stops
        await pilot.pause()
        assert editor.playback.playing is None
        assert not output.sink.active
        assert editor.timeline._playhead is None
        assert editor.timeline.border_title == "timeline"
        output.at(2.0 + 9.0)
        await pilot.pause(0.1)
        assert editor.cursor == 2  # stopped: the cursor stays where the music was


async def test_space_on_a_later_beat_starts_there_after_a_bar_of_count_in(
    tmp_path: Path,
) -> None:
    output = Output()
    app = playing_app(recorded_scene(tmp_path), output)
    async with app.run_test(size=SIZE) as pilot:
        editor = await opened(pilot)
        await pilot.press("down", "space")  # b02 at 2:1, second 2 of the recording
        await playing(pilot, editor)
        assert "playing from bar 2" in str(editor.timeline.border_title)
        output.at(1.9)
        await pilot.pause(0.1)
        assert editor.playback._player is not None
        assert editor.playback._player.position() == pytest.approx(-0.1, abs=1e-3)
        output.at(2.0 + 2.1)  # the music's second 4.1: bar 3
        await until(pilot, lambda: editor.cursor == 2)


async def test_the_music_ending_stops_the_playback(tmp_path: Path) -> None:
    output = Output()
    app = playing_app(recorded_scene(tmp_path, seconds=5.0), output)
    async with app.run_test(size=SIZE) as pilot:
        editor = await opened(pilot)
        await pilot.press("space")
        await playing(pilot, editor)
        output.at(2.0 + 6.0)  # past the recording's 5 s
        await until(pilot, lambda: editor.playback.playing is None)
        assert editor.timeline.border_title == "timeline"


async def test_half_speed_counts_in_and_follows_at_half_speed(tmp_path: Path) -> None:
    output = Output()
    app = playing_app(recorded_scene(tmp_path), output)
    async with app.run_test(size=SIZE) as pilot:
        editor = await opened(pilot)
        await pilot.press("ctrl+p", *"play at ½")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await playing(pilot, editor)
        assert "at ½ speed" in str(editor.timeline.border_title)
        output.at(3.9)  # the count-in lasts 4 s at half speed
        await pilot.pause(0.1)
        assert editor.cursor == 0
        output.at(4.0 + 3.0)  # 3 s heard at half speed: the music's 1.5 s, still bar 1
        await pilot.pause(0.1)
        assert editor.cursor == 0
        output.at(4.0 + 4.4)  # the music's 2.2 s: bar 2
        await until(pilot, lambda: editor.cursor == 1)
        await pilot.press("space", "up", "space")  # space keeps the speed chosen
        await playing(pilot, editor)
        assert "at ½ speed" in str(editor.timeline.border_title)


async def test_t_taps_the_bar_now_starting_and_ctrl_s_writes_it(tmp_path: Path) -> None:
    output = Output()
    path = recorded_scene(tmp_path)
    app = playing_app(path, output)
    async with app.run_test(size=SIZE) as pilot:
        editor = await opened(pilot)
        await pilot.press("space")
        await playing(pilot, editor)
        output.at(2.0 + 2.13)  # bar 2 is heard at 2.13 s, later than the score says
        await pilot.pause(0.1)
        await pilot.press("t")
        await pilot.pause()
        tapped = SyncPoint(at=Position.parse("2:1"), seconds=2.13)
        assert editor.session.scene.score.sync == [tapped]
        assert editor.header.dirty
        assert "tapped bar 2 at 0:02.13" in str(editor.timeline.border_title)
        output.at(2.0 + 5.9)  # just before bar 4's start (6 s): bar 4 is tapped
        await pilot.pause(0.1)
        await pilot.press("t")
        await pilot.pause()
        assert [str(p.at) for p in editor.session.scene.score.sync] == ["2:1", "4:1"]

        await pilot.press("space", "ctrl+z")  # the last tap is an edit like any other
        await settle(pilot)
        assert editor.session.scene.score.sync == [tapped]
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not editor.header.dirty)
    assert read_scene(path).scene.score.sync == [tapped]
    added = changed_lines(RECORDED, path.read_text(encoding="utf-8"))
    assert added == ["+  sync:", '+    - at: "2:1"', "+      seconds: 2.13"]


async def test_t_without_a_recording_is_refused_in_one_line(tmp_path: Path) -> None:
    output = Output()
    app = playing_app(write_scene(tmp_path), output)
    async with app.run_test(size=SIZE) as pilot:
        editor = await opened(pilot)
        await pilot.press("t")
        await pilot.pause()
        assert any("sync points say where bars fall in a recording" in n for n in notices(pilot))
        assert editor.session.scene.score.sync == []
        assert not editor.header.dirty


async def test_t_with_a_recording_but_no_music_playing_is_refused(tmp_path: Path) -> None:
    output = Output()
    app = playing_app(recorded_scene(tmp_path), output)
    async with app.run_test(size=SIZE) as pilot:
        editor = await opened(pilot)
        await pilot.press("t")
        await pilot.pause()
        assert any("as the music plays: space plays it" in n for n in notices(pilot))
        assert not editor.header.dirty


async def test_a_scene_with_nothing_to_play_says_so(tmp_path: Path) -> None:
    output = Output()
    app = playing_app(write_scene(tmp_path), output)  # no score, no recording
    async with app.run_test(size=SIZE) as pilot:
        editor = await opened(pilot)
        await pilot.press("space")
        await pilot.pause()
        assert any("nothing to play" in n for n in notices(pilot))
        assert editor.playback.playing is None and not editor.playback.preparing


async def test_no_sound_output_is_said_in_one_line_and_editing_goes_on(tmp_path: Path) -> None:
    try:
        SoundDeviceSink()
    except ChoreoError:
        pass
    else:
        pytest.skip("this machine has a sound output")
    path = recorded_scene(tmp_path)
    app = app_on(path)  # the machine's own output
    async with app.run_test(size=SIZE) as pilot:
        editor = await opened(pilot)
        await pilot.press("space")
        await until(pilot, lambda: any("no audio output device" in n for n in notices(pilot)))
        said = [n for n in notices(pilot) if "no audio output device" in n]
        assert len(said) == 1 and "\n" not in said[0]
        await settle(pilot)
        assert editor.playback.playing is None and not editor.playback.preparing
        assert editor.timeline.border_title == "timeline"
        await pilot.press("down", "a")
        await settle(pilot)
        assert len(editor.session.scene.beats) == 4


async def test_leaving_the_editor_stops_the_music(tmp_path: Path) -> None:
    output = Output()
    app = playing_app(recorded_scene(tmp_path), output)
    async with app.run_test(size=SIZE) as pilot:
        editor = await opened(pilot)
        await pilot.press("space")
        await playing(pilot, editor)
        assert output.sink.active
        await pilot.press("escape")  # back to the scene list
        await until(pilot, lambda: app.editor is None)
        assert not output.sink.active


@needs_synth
async def test_without_a_recording_the_score_is_synthesized_once(tmp_path: Path) -> None:
    output = Output()
    app = playing_app(with_score(tmp_path, "studio-waltz.musicxml"), output)
    async with app.run_test(size=SIZE) as pilot:
        editor = await opened(pilot)
        await pilot.press("space")
        assert "preparing the music" in str(editor.timeline.border_title)
        assert editor.playback.preparing
        await pilot.press("space")  # changed my mind: nothing plays when it is ready
        assert not editor.playback.preparing
        assert editor.timeline.border_title == "timeline"
        await settle(pilot)
        assert editor.playback.playing is None and not output.sink.active
        await pilot.press("space")
        await playing(pilot, editor)
        assert "t taps" not in str(editor.timeline.border_title)  # no recording to tap
        made = editor.playback._music.full
        assert made is not None and made.seconds > 10
        await pilot.press("space", "space")
        await playing(pilot, editor)
        assert editor.playback._music.full is made  # not synthesized again


def test_the_output_is_chosen_by_choreo_audio_output(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(OUTPUT_VARIABLE, "null")
    assert isinstance(output_sink(), NullSink)
    monkeypatch.setenv(OUTPUT_VARIABLE, "speakers")
    with pytest.raises(ChoreoError, match="CHOREO_AUDIO_OUTPUT=speakers: choose device"):
        output_sink()


# -- the tap, as plain code -------------------------------------------------------------


def recorded(tmp_path: Path, order: str = "written", sync: list[SyncPoint] | None = None) -> Scene:
    scene = read_scene(write_scene(tmp_path, RECORDED)).scene
    score = scene.score.model_copy(update={"order": order, "sync": sync or []})
    return scene.model_copy(update={"score": score})


def test_a_tap_lands_on_the_nearest_bar_start_and_replaces_a_point_there(
    tmp_path: Path,
) -> None:
    grid = steady_grid(120, 8)  # bar N starts at 2 (N - 1) s
    scene, first = with_tapped_point(recorded(tmp_path), grid, 4.9)  # bar 3 starts at 4 s
    assert first == SyncPoint(at=Position.parse("3:1"), seconds=4.9)
    # With that point bar 3 is heard at 4.9 s, so bar 5 at 8.9 s (bar 6 would be 10 s on
    # the grid alone): a tap follows the points tapped before it.
    scene, _ = with_tapped_point(scene, grid, 9.2)
    scene, again = with_tapped_point(scene, grid, 5.1)  # bar 3 again: the new point replaces it
    assert [(str(p.at), p.seconds) for p in scene.score.sync] == [("3:1", 5.1), ("5:1", 9.2)]
    assert again.seconds == 5.1


def test_a_tap_past_the_score_or_in_the_count_in_is_refused(tmp_path: Path) -> None:
    grid = steady_grid(120, 8)
    scene = recorded(tmp_path)
    with pytest.raises(PlayRefused, match=r"last bar ends at 0:16\.00"):
        with_tapped_point(scene, grid, 16.5)
    with pytest.raises(PlayRefused, match="counting in"):
        with_tapped_point(scene, grid, -0.2)


def test_in_performed_order_a_tap_names_the_pass(tmp_path: Path) -> None:
    rows = [(n, 4.0, "4/4", 4, 1.0, 1.0) for n in ("1", "2", "1", "2", "3")]
    tempos = [TempoMark(0.0, 120.0)]
    measures = [
        replace(m, pass_number=2) if m.index in (2, 3) else m for m in build_measures(rows, tempos)
    ]
    performed = MeasureMap(tuple(measures), tuple(tempos), order="performed")
    scene, point = with_tapped_point(
        recorded(tmp_path, "performed"), performed, 6.1
    )  # bar 2, pass 2
    assert (str(point.at), point.pass_number, point.seconds) == ("2:1", 2, 6.1)
    _, first_time = with_tapped_point(scene, performed, 2.1)
    assert (str(first_time.at), first_time.pass_number) == ("2:1", None)
