"""A scene's music as it is rehearsed: its recording when it names one, else its score
synthesized, at a rehearsal speed with the pitch kept.

The time-stretcher is Rubber Band (through Spotify's ``pedalboard``): a phase vocoder
with transient handling, so the clicks of a snare and the attack of a string stay sharp
at half speed and a note sounds at its own pitch. Sample ``n / speed`` of the music at
speed is sample ``n`` of the music at full speed (Rubber Band compensates its latency),
so every second of the score divided by the speed is where it sounds.
"""

from __future__ import annotations

from choreo.audio.recording import Recording, read_recording
from choreo.errors import ChoreoError
from choreo.project import scene_folder
from choreo.store import SceneFile
from choreo.timing import MeasureMap

RATE = 44100  # samples a second of a rehearsal track: a CD's, what every player plays
# Rubber Band keeps a voice and a string section natural down to a quarter speed; slower
# still, notes smear into a drone. Faster than written is not a rehearsal.
SLOWEST, FASTEST = 0.25, 1.0


def check_speed(speed: float) -> None:
    """A rehearsal speed the music can be played at, or one line that says which are."""
    if not SLOWEST <= speed <= FASTEST:  # also NaN
        raise ChoreoError(
            f"speed {speed:g}: the music plays at {SLOWEST:g} to {FASTEST:g} of its speed",
            hint="fight call runs at 0.25, 0.5 or 0.75; full speed is 1",
        )


def scene_music(
    scene_file: SceneFile, measures: MeasureMap, *, speed: float = 1.0, rate: int = RATE
) -> Recording | None:
    """The scene's music at ``speed`` (pitch kept) and ``rate``: its recording, else its
    score synthesized on ``measures``; ``None`` for a scene with neither."""
    check_speed(speed)
    music = full_speed_music(scene_file, measures, rate=rate)
    return None if music is None else at_speed(music, speed)


def full_speed_music(
    scene_file: SceneFile, measures: MeasureMap, *, rate: int = RATE
) -> Recording | None:
    """The scene's recording (resampled to ``rate``), else its score synthesized, else
    ``None``. Sample 0 is the score's (or the recording's) second 0."""
    score = scene_file.scene.score
    if score.recording:
        recording = read_recording(scene_folder(scene_file.path) / score.recording)
        return resampled(recording, rate)
    if not score.file:
        return None
    from choreo.audio.synth import synthesize
    from choreo.score.notes import load_score_notes

    notes = load_score_notes(score.file, base=scene_folder(scene_file.path))
    return synthesize(measures, notes, rate=rate)


def at_speed(music: Recording, speed: float) -> Recording:
    """``music`` played at ``speed`` of its tempo, at its own pitch (Rubber Band)."""
    check_speed(speed)
    if speed == 1.0:
        return music
    import numpy as np
    import pedalboard

    stretched = pedalboard.time_stretch(
        music.samples[np.newaxis, :], float(music.rate), stretch_factor=speed
    )
    return Recording(np.ascontiguousarray(stretched[0], dtype=np.float32), music.rate)


def resampled(recording: Recording, rate: int) -> Recording:
    """``recording`` at ``rate`` samples a second (soxr, through librosa)."""
    if recording.rate == rate:
        return recording
    import librosa
    import numpy as np

    samples = librosa.resample(recording.samples, orig_sr=recording.rate, target_sr=rate)
    return Recording(np.ascontiguousarray(samples, dtype=np.float32), rate)
