"""What the audio tests share: skips where a system tool is missing, onsets of a sound."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from choreo.audio.recording import Recording
from choreo.audio.synth import SOUNDFONTS

HAS_SYNTH = shutil.which("fluidsynth") is not None and any(Path(p).is_file() for p in SOUNDFONTS)
needs_synth = pytest.mark.skipif(
    not HAS_SYNTH, reason="FluidSynth or a General MIDI soundfont is not installed"
)


def onsets(recording: Recording, threshold: float = 0.02, gap: float = 0.25) -> list[float]:
    """Seconds where the sound rises past ``threshold`` after ``gap`` seconds under it:
    the starts of notes set apart by silence."""
    loud = np.abs(recording.samples) > threshold
    found: list[float] = []
    quiet_since = -gap
    for index in np.flatnonzero(loud):
        now = index / recording.rate
        if now - quiet_since >= gap:
            found.append(now)
        quiet_since = now
    return found
