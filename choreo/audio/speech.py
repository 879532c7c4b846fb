"""Spoken words by eSpeak NG: the calls and the count-in of a rehearsal track.

eSpeak NG installs from every distribution's packages (``apt-get install espeak-ng``),
needs no download at run time, and speaks French as well as English: a call's ballet
moves are read with its French voice (``<voice xml:lang="fr">``, SSML), so "fouetté"
sounds as dancers say it. Its robotic voice is clear at speed, which a call must be.
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape

from choreo.audio.programs import installed
from choreo.audio.recording import Recording
from choreo.errors import ChoreoError
from choreo.export.calls import ENGLISH, Words

WORDS_PER_MINUTE = 175  # eSpeak NG's own pace
FASTEST_WORDS_PER_MINUTE = 350  # twice that: still understood when the words are known
# Below this (relative to the loudest sample) a spoken clip is silence: eSpeak NG starts
# and ends its clips with some, which would put the call late on its beat.
QUIET = 10 ** (-40 / 20)
_TIMEOUT = 60


def espeak() -> str:
    """The ``espeak-ng`` program, or one line that says how to install it."""
    used_for = "choreo speaks the calls with it"
    return installed("espeak-ng", name="eSpeak NG", used_for=used_for, packages="espeak-ng")


def speak(words: Sequence[Words], *, pace: int = WORDS_PER_MINUTE) -> Recording:
    """``words`` spoken at ``pace`` words a minute, each run in its language, trimmed so
    the first sample is the first sound."""
    ssml = "".join(
        escape(w.text)
        if w.language == ENGLISH
        else f'<voice xml:lang="{w.language}">{escape(w.text)}</voice>'
        for w in words
    )
    with tempfile.TemporaryDirectory(prefix="choreo-speech-") as folder:
        wav = Path(folder) / "call.wav"
        command = [espeak(), "-m", "-v", ENGLISH, "-s", str(pace), "-w", str(wav)]
        try:
            done = subprocess.run(
                [*command, f"<speak>{ssml}</speak>"],
                capture_output=True,
                timeout=_TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise ChoreoError("eSpeak NG took too long to speak a call") from None
        if done.returncode != 0 or not wav.is_file():
            said = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
            raise ChoreoError(f"eSpeak NG could not speak a call: {said[0][:200]}")
        return _trimmed(wav)


def _trimmed(wav: Path) -> Recording:
    import numpy as np
    import soundfile

    samples, rate = soundfile.read(str(wav), dtype="float32", always_2d=True)
    mono = samples.mean(axis=1, dtype=np.float32)
    peak = float(np.max(np.abs(mono))) if len(mono) else 0.0
    loud = np.flatnonzero(np.abs(mono) > peak * QUIET) if peak > 0 else np.zeros(0, dtype=int)
    if not len(loud):
        return Recording(np.zeros(0, dtype=np.float32), int(rate))
    return Recording(np.ascontiguousarray(mono[loud[0] : loud[-1] + 1]), int(rate))
