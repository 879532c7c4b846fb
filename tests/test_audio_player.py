"""The player: count-in first, then the recording from the chosen second, at the pace of a
clock, on the sink's own thread; and a one-line refusal where the machine has no sound."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from choreo.audio.player import BLOCK_FRAMES, NullSink, Player, SoundDeviceSink
from choreo.audio.recording import Recording
from choreo.errors import ChoreoError
from tests.conftest import REPO

RATE = 1000  # few samples a second: the arithmetic stays readable and the tests fast
BAR = 2.0
CLICKS = (0.0, 0.5, 1.0, 1.5)


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _recording(seconds: float) -> Recording:
    # Every sample differs from its neighbours and from the count-in's silence.
    samples = 0.1 + np.arange(round(seconds * RATE), dtype=np.float32) / 1e5
    return Recording(samples.astype(np.float32), RATE)


def _player(clock: FakeClock) -> tuple[Player, NullSink]:
    sink = NullSink(clock, keep=True)
    return Player(sink), sink


def _at(clock: FakeClock, sink: NullSink, seconds: float) -> None:
    clock.now = 100.0 + seconds
    sink.pump()


def test_the_count_in_sounds_first_then_the_music_from_the_chosen_second() -> None:
    clock = FakeClock()
    player, sink = _player(clock)
    recording = _recording(5.0)
    player.play(recording, 1.0, count_in=CLICKS, count_in_seconds=BAR)
    assert player.playing
    assert player.position() == -2.0
    _at(clock, sink, 0.5)
    assert player.position() == -1.5
    _at(clock, sink, 2.0)
    assert player.position() == 1.0
    _at(clock, sink, 3.25)
    assert player.position() == 2.25

    heard = np.concatenate(sink.blocks)
    assert heard.dtype == np.float32
    assert len(heard) == 3250
    lead, music = heard[:2000], heard[2000:]
    for click in CLICKS:  # a click at each beat of the bar, silence between them
        at = round(click * RATE)
        assert np.abs(lead[at : at + 20]).max() > 0.1
        assert not lead[at + 100 : at + 500].any()
    # The bar's first click stands out (a higher pitch); the others are alike.
    assert not np.array_equal(lead[0:30], lead[500:530])
    np.testing.assert_array_equal(lead[500:530], lead[1500:1530])
    np.testing.assert_array_equal(music, recording.samples[1000:2250])


def test_the_music_plays_to_its_end_and_stops_by_itself() -> None:
    clock = FakeClock()
    player, sink = _player(clock)
    recording = _recording(3.0)
    player.play(recording, 2.5, count_in=CLICKS, count_in_seconds=BAR)
    _at(clock, sink, 2.4)
    assert player.playing
    assert player.position() == pytest.approx(2.9)
    _at(clock, sink, 10.0)
    assert not player.playing
    assert player.position() == 3.0
    np.testing.assert_array_equal(np.concatenate(sink.blocks)[2000:], recording.samples[2500:])


def test_stop_silences_at_once_and_keeps_the_position() -> None:
    clock = FakeClock()
    player, sink = _player(clock)
    player.play(_recording(5.0), 0.0, count_in=CLICKS, count_in_seconds=BAR)
    _at(clock, sink, 2.5)
    player.stop()
    assert not player.playing
    taken = sum(len(block) for block in sink.blocks)
    _at(clock, sink, 4.0)
    assert sum(len(block) for block in sink.blocks) == taken == 2500
    assert player.position() == 0.5


def test_a_stretched_recording_reports_the_scores_seconds() -> None:
    # At half speed the caller hands in the recording stretched to twice its length:
    # the score's second 1 is the stretched recording's second 2.
    clock = FakeClock()
    player, sink = _player(clock)
    stretched = _recording(8.0)
    player.play(stretched, 1.0, count_in=(0.0, 1.0, 2.0), count_in_seconds=3.0, speed=0.5)
    _at(clock, sink, 3.0)
    assert player.position() == 1.0
    _at(clock, sink, 4.0)
    assert player.position() == 1.5
    np.testing.assert_array_equal(np.concatenate(sink.blocks)[3000:], stretched.samples[2000:3000])


def test_playing_again_starts_over_without_a_count_in() -> None:
    clock = FakeClock()
    player, sink = _player(clock)
    recording = _recording(5.0)
    player.play(recording, 0.0, count_in=CLICKS, count_in_seconds=BAR)
    _at(clock, sink, 1.0)
    player.play(recording, 4.0)
    assert player.position() == 4.0
    _at(clock, sink, 1.5)
    assert player.position() == 4.5
    np.testing.assert_array_equal(np.concatenate(sink.blocks), recording.samples[4000:4500])


def test_the_sink_takes_the_blocks_on_its_own_thread() -> None:
    clock = FakeClock()
    player, _ = _player(clock)
    player.play(_recording(5.0), 1.0, count_in=CLICKS, count_in_seconds=BAR)
    clock.now += 3.0  # nobody pumps: only the sink's thread can take the blocks
    deadline = time.monotonic() + 30
    while player.position() < 2.0 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert player.position() == 2.0
    player.stop()


def test_a_click_outside_the_count_in_is_refused() -> None:
    player, _ = _player(FakeClock())
    with pytest.raises(ChoreoError, match=r"count-in click at 2\.5 s"):
        player.play(_recording(1.0), 0.0, count_in=(0.0, 2.5), count_in_seconds=BAR)
    assert not player.playing


def test_the_real_sink_plays_or_says_in_one_line_there_is_no_sound() -> None:
    try:
        sink = SoundDeviceSink()
    except ChoreoError as error:  # this machine: no sound card
        assert str(error).startswith("no audio output device: ")
        assert "\n" not in str(error)
        return
    player = Player(sink)  # a machine with sound: it plays, off this thread, and stops
    player.play(_recording(0.5), 0.0)
    assert player.playing
    player.stop()
    assert not player.playing


def test_importing_the_player_loads_no_audio_library() -> None:
    code = (
        "import sys, choreo.audio.player\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'numpy', 'sounddevice'}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
    )
    assert result.stdout.strip() == "[]"


PLAY_THROUGH_PORTAUDIO = """
import json, time
import numpy as np
from choreo.audio.player import Player, SoundDeviceSink
from choreo.audio.recording import Recording
from choreo.errors import ChoreoError

try:
    player = Player(SoundDeviceSink())
except ChoreoError as error:
    print(json.dumps({"refused": str(error)}))
    raise SystemExit
recording = Recording(np.full(22050, 0.1, dtype=np.float32), 22050)
player.play(recording, 0.5, count_in=(0.0, 0.1), count_in_seconds=0.2)
deadline = time.monotonic() + 60
while player.playing and time.monotonic() < deadline:
    time.sleep(0.01)
ended = {"playing": player.playing, "position": player.position()}
player.play(recording, 0.0)
player.stop()
print(json.dumps({"ended": ended, "stopped": player.playing}))
"""


def test_the_real_sink_plays_through_portaudio_to_the_end(tmp_path: Path) -> None:
    # ALSA's null output, made the default by a private ~/.asoundrc: a real PortAudio
    # stream and callback on a machine without a sound card.
    (tmp_path / ".asoundrc").write_text("pcm.!default {\n  type null\n}\n")
    result = subprocess.run(
        [sys.executable, "-c", PLAY_THROUGH_PORTAUDIO],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
        env={**os.environ, "HOME": str(tmp_path)},
    )
    said = json.loads(result.stdout.strip().splitlines()[-1])
    if "refused" in said:
        pytest.skip(f"PortAudio has no ALSA here: {said['refused']}")
    assert said["ended"]["playing"] is False  # it stopped by itself at the end
    assert said["ended"]["position"] == pytest.approx(1.0, abs=BLOCK_FRAMES / 22050)
    assert said["stopped"] is False
