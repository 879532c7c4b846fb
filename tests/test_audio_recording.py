"""Recordings read as mono samples, in every format a scene may name; bad audio refused."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile

from choreo.audio.recording import read_recording
from choreo.errors import RecordingError

RATE = 22050


def _tone(seconds: float = 1.0, amplitude: float = 0.3) -> np.ndarray:
    t = np.arange(int(RATE * seconds)) / RATE
    left = amplitude * np.sin(2 * np.pi * 440 * t)
    return np.stack([left, -0.5 * left], axis=1)  # stereo, the channels unlike


@pytest.mark.parametrize("suffix", ["wav", "flac", "ogg", "mp3"])
def test_each_format_reads_as_mono_at_its_rate(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"cue.{suffix}"
    soundfile.write(path, _tone(2.0), RATE)
    recording = read_recording(path)
    assert recording.rate == RATE
    assert recording.samples.ndim == 1
    assert recording.samples.dtype == np.float32
    assert recording.seconds == pytest.approx(2.0, abs=0.06)  # MP3 frames pad a little
    # The mix of the two channels: half the left one (the right is minus half of it).
    assert float(np.max(np.abs(recording.samples))) == pytest.approx(0.075, rel=0.1)


def _refused(path: Path) -> str:
    with pytest.raises(RecordingError) as raised:
        read_recording(path)
    message = str(raised.value)
    assert message.startswith(f"{path}: ")
    assert "\n" not in message
    return message


def test_a_file_that_is_not_audio_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "cue.wav"
    path.write_bytes(b"RIFF\x10\x00\x00\x00WAVEnot really sound at all")
    assert "not a recording choreo can read (WAV, FLAC, OGG, MP3)" in _refused(path)
    text = tmp_path / "notes.mp3"
    text.write_text("a shopping list, not a song\n" * 50, encoding="utf-8")
    assert "not a recording" in _refused(text)


def test_silence_and_emptiness_are_refused(tmp_path: Path) -> None:
    quiet = tmp_path / "quiet.flac"
    soundfile.write(quiet, 1e-5 * _tone(1.0), RATE)
    assert "silent" in _refused(quiet)
    empty = tmp_path / "empty.wav"
    soundfile.write(empty, np.zeros((0, 2)), RATE)
    assert "empty" in _refused(empty)


def test_a_recording_too_long_is_refused_from_its_header(tmp_path: Path) -> None:
    # Two hours and a bit at one sample a second: the header says how long, no decoding.
    path = tmp_path / "long.wav"
    soundfile.write(path, np.full(2 * 3600 + 100, 0.5), 1)
    assert "lasts 2:01:40: more than the 2:00:00" in _refused(path)


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    assert "no such recording" in _refused(tmp_path / "nowhere.wav")
