"""Music at ½ and ¾ speed made a piece at a time for the editor's playback: each sound at
its second over the speed, the pitch kept, and no seam between the pieces to hear."""

from __future__ import annotations

import time

import numpy as np
import pytest

from choreo.audio.recording import Recording
from choreo.audio.stretching import PIECE_SECONDS, Stretching
from tests.audio_helpers import onsets

RATE = 44100


def made(stretching: Stretching, start: float) -> Recording:
    recording = stretching.from_second(start)
    deadline = time.monotonic() + 120
    while not stretching.complete:
        assert time.monotonic() < deadline, "the pieces were not all made"
        time.sleep(0.05)
    return recording


@pytest.mark.parametrize("speed", [0.5, 0.75])
def test_each_note_sounds_at_its_second_over_the_speed(speed: float) -> None:
    seconds = 3 * PIECE_SECONDS + 2
    samples = np.zeros(round(seconds * RATE), dtype=np.float32)
    notes = [0.5 + 1.3 * k for k in range(int((seconds - 1) / 1.3))]
    t = np.arange(round(0.08 * RATE), dtype=np.float32) / RATE
    tone = (0.5 * np.sin(2 * np.pi * 880 * t) * np.exp(-t / 0.02)).astype(np.float32)
    for at in notes:
        start = round(at * RATE)
        samples[start : start + len(tone)] += tone
    slower = made(Stretching(Recording(samples, RATE), speed), start=7.0)
    assert slower.seconds == pytest.approx(seconds / speed, abs=0.01)
    heard = onsets(slower, threshold=0.05, gap=0.3)
    assert len(heard) == len(notes)
    assert max(abs(h - n / speed) for h, n in zip(heard, notes, strict=True)) < 0.03


def test_the_pitch_is_kept_and_no_seam_is_heard() -> None:
    seconds = 4 * PIECE_SECONDS
    t = np.arange(round(seconds * RATE)) / RATE
    sine = (0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)
    speed = 0.5
    slower = made(Stretching(Recording(sine, RATE), speed), start=PIECE_SECONDS * 2.5).samples
    window = round(0.005 * RATE)
    loudness = np.array(
        [
            np.sqrt(np.mean(slower[i : i + window] ** 2))
            for i in range(RATE, len(slower) - RATE, window)
        ]
    )
    steady = float(np.median(loudness))
    assert loudness.min() > 0.9 * steady and loudness.max() < 1.1 * steady  # no dip, no click
    inside = slower[2 * RATE : 4 * RATE]
    crossings = np.count_nonzero(np.diff(np.signbit(inside).astype(np.int8)))
    assert crossings / 2 / 2.0 == pytest.approx(220, rel=0.03)
