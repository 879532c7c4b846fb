"""Audio-to-score alignment: where each moment of the score sounds in a recording.

Sync Toolbox (Müller et al., JOSS 2021) does the work, as its ``sync_audio_score_full``
example does: the score's notes, placed at choreo's own seconds (performed order, choreo's
tempo map), become pitch and onset features directly; the recording's come from its
filterbanks; chroma features (robust) and decaying locally adaptive normalized chroma
onset (DLNCO) features (exact) are aligned by memory-restricted multiscale DTW, which
its authors report exact to tens of milliseconds. Reading the score's features from its
notes, not from a synthesized sound, is exact and does half the work.

Speed (a 3-minute recording in a few seconds on two cores): the recording's two filterbank
passes run on two threads while this one reads the score's features, and the score itself
is read (in child processes, or from choreo's cache) meanwhile; the compiled code is cached.
"""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from choreo.audio.recording import Recording
from choreo.audio.synth import Sounding
from choreo.errors import ChoreoError
from choreo.store.scene_cache import cache_root, private_folder

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

Progress = Callable[[str], None]  # told each step's name as it starts

RATE = 22050  # Sync Toolbox's filterbanks are designed for 22050 Hz
FEATURE_RATE = 50  # features a second: one every 20 ms
_STEP_SIZES = ((1, 0), (0, 1), (1, 1))  # Sync Toolbox's DTW steps
_STEP_WEIGHTS = (1.5, 1.5, 2.0)  # as in Sync Toolbox's examples: no diagonal bias
_THRESHOLD_REC = 10**6  # cells a DTW level may hold before it is split (memory bound)
_SILENCE_DB = 40  # below the loudest frame by this much, leading and trailing frames are cut
_LOWEST, _HIGHEST = 21, 108  # the piano's keys: the filterbanks' range
# The chroma leaves out the top octave (C7 up, above 2 kHz): a score's notes sound
# there hardly ever, a recording's overtones always, so it blurs chroma against the
# score's; and its filters, the only ones run at the full rate, cost as much as all the
# rest. The onsets keep it: an attack shows in its overtones too.
_CHROMA_HIGHEST = 95
# The onsets in two parts on the two threads: the top keys' part (filtered at the full
# rate) ends about when the rest has done half, and its thread takes the chroma's pass.
_ONSET_PARTS = ((_LOWEST, 100), (101, _HIGHEST))
_ONSET_SCALE = 1e6  # a score's onset is its velocity over this: near the recording's peaks


@dataclass(frozen=True, eq=False)
class Alignment:
    """A warping path from the score's seconds to the recording's: strictly increasing
    in both."""

    score_seconds: NDArray[np.float64]
    recording_seconds: NDArray[np.float64]

    def recording_time(self, score_seconds: Sequence[float]) -> list[float]:
        """Where moments of the score sound in the recording."""
        import numpy as np

        found = np.interp(score_seconds, self.score_seconds, self.recording_seconds)
        return [float(s) for s in found]


def align(
    recording: Recording,
    notes: Callable[[], Sequence[Sounding]],
    progress: Progress | None = None,
) -> Alignment:
    """The warping path from the score to ``recording``. ``notes`` gives the score's notes
    at their seconds; it is asked once the recording is being heard, so a score read
    meanwhile (music21 runs in a child process) adds no wait."""
    import numpy as np

    tell = progress or (lambda _: None)
    _cache_compiled_code()
    tell("hearing the recording")
    heard, heard_start = _music(_at_rate(recording))
    _import_libraries()
    # The filterbanks print progress dots, from both threads: one redirect around them all.
    with (
        contextlib.redirect_stdout(io.StringIO()),
        ThreadPoolExecutor(max_workers=2, thread_name_prefix="choreo-align") as pool,
    ):
        hearing = _hear(heard, pool)
        tell("reading the score's notes")
        playable = [n for n in notes() if _LOWEST <= n.pitch <= _HIGHEST]
        if not playable:
            raise ChoreoError("the score has no notes to align")
        score_start = min(n.start for n in playable)
        score_features = _score_features(playable, score_start)
        tell("hearing the recording")
        heard_features = _chroma_and_dlnco(*hearing())
        tell("aligning")
        path = _warping_path(score_features, heard_features)
    return Alignment(
        path[0].astype(np.float64) / FEATURE_RATE + score_start,
        path[1].astype(np.float64) / FEATURE_RATE + heard_start,
    )


def _import_libraries() -> None:
    """Every module the alignment uses, imported before its threads start. Warning filters
    are global and numba's compiler (on a thread) puts back its copy of them when done:
    a filter a library sets as it is imported (requests hides a urllib3 warning, imported
    with music21) could be lost and the warning it hides printed."""
    import synctoolbox.dtw.mrmsdtw
    import synctoolbox.dtw.utils
    import synctoolbox.feature.dlnco
    import synctoolbox.feature.pitch
    import synctoolbox.feature.pitch_onset
    import synctoolbox.feature.utils  # noqa: F401

    _cache_peak_finder()


def _cache_compiled_code() -> None:
    """Sync Toolbox's DTW is numba code cached once compiled (seconds saved on every later
    run); the cache goes in choreo's own cache folder, never into the installed library.
    Only a folder that is the user's alone: numba loads machine code from it."""
    if "NUMBA_CACHE_DIR" in os.environ:
        return
    folder = cache_root() / "numba"
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError:
        return
    if private_folder(folder):
        os.environ["NUMBA_CACHE_DIR"] = str(folder)


def _cache_peak_finder() -> None:
    """Sync Toolbox's onset peak finder is numba code not marked to be cached, so it was
    compiled anew on every run (0.4-1.3 s): cached like the DTW, where the DTW is."""
    from synctoolbox.feature import pitch_onset

    finder = vars(pitch_onset).get("__find_peaks_jit_helper")
    if "NUMBA_CACHE_DIR" in os.environ and hasattr(finder, "enable_caching"):
        finder.enable_caching()


def _score_features(notes: Sequence[Sounding], start: float) -> tuple[Any, Any]:
    """Quantized chroma and DLNCO features of the notes, from ``start`` on."""
    pitch, onsets = _score_pitches(notes, start)
    pitch[_CHROMA_HIGHEST + 1 :] = 0  # as the recording's
    return _chroma_and_dlnco(pitch, onsets)


def _score_pitches(notes: Sequence[Sounding], start: float) -> tuple[Any, dict[int, Any]]:
    """The notes' pitch features and pitch onsets, number for number as Sync Toolbox's
    ``df_to_pitch_features`` and ``df_to_pitch_onset_features`` give them for a table of
    the notes, without the table: its pandas rows took a second for three minutes of a
    quartet, and its module imports pandas, and music21 through libfmp, on every run."""
    import numpy as np

    starts = [n.start - start for n in notes]
    lengths = [n.end - n.start for n in notes]
    step = 1 / FEATURE_RATE * 1000  # milliseconds
    frames = int(np.ceil(max(s + d for s, d in zip(starts, lengths, strict=True)) * 1000 / step))
    pitch = np.zeros((128, frames), dtype=np.float64)
    onsets: dict[int, list[tuple[float, float]]] = {}
    for note, begin, length in zip(notes, starts, lengths, strict=True):
        begin_ms, end_ms = 1000 * begin, 1000 * (begin + length)
        # Each frame holds what sounds in the two steps before its end, by velocity.
        first = int(np.floor(begin_ms / step)) + 1
        last = int(min(min(np.floor(end_ms / step) + 1, frames) + 1, frames))
        ends = np.arange(first, last + 1) * step
        share = (np.minimum(end_ms, ends) - np.maximum(begin_ms, ends - 2 * step)) / (2 * step)
        pitch[note.pitch, first - 1 : last] += note.velocity * share
        onsets.setdefault(note.pitch, []).append((begin_ms, note.velocity / _ONSET_SCALE))
    peaks = {}
    for key, found in onsets.items():
        # Sync Toolbox's layout: columns in blocks of 1000, the unused ones zero, by time.
        table = np.zeros((2, 1000 * -(-len(found) // 1000)), dtype=np.float64)
        table[:, : len(found)] = np.array(found, dtype=np.float64).T
        peaks[key] = table[:, np.argsort(table[0, :])]
    return pitch, peaks


def _at_rate(recording: Recording) -> NDArray[np.float32]:
    """The samples at :data:`RATE`, resampled by SoX's resampler (as librosa's
    ``soxr_hq``) without loading librosa for it."""
    if recording.rate == RATE:
        return recording.samples
    import soxr

    resampled: NDArray[np.float32] = soxr.resample(
        recording.samples, recording.rate, RATE, quality="HQ"
    )
    return resampled


def _music(samples: NDArray[np.float32]) -> tuple[NDArray[np.float32], float]:
    """The samples from the first sound to the last, and the second where they start:
    silence before and after would pull the path's ends (DTW pins them together).

    As librosa's ``effects.trim`` finds them (the mean power of centred frames against
    the loudest frame's), in a few lines of numpy rather than loading librosa's feature
    module and compiling its numba code on every run."""
    import numpy as np

    # Short frames (6 ms apart): the path's first step is where the music starts.
    frame, hop = 512, 128
    padded = np.pad(samples.astype(np.float64), frame // 2)
    energy = np.concatenate(([0.0], np.cumsum(padded * padded)))
    starts = np.arange(0, len(padded) - frame + 1, hop)
    power = (energy[starts + frame] - energy[starts]) / frame
    loud = np.flatnonzero(power > max(float(power.max()), 1e-10) * 10 ** (-_SILENCE_DB / 10))
    start = int(loud[0]) * hop if len(loud) else 0
    end = min(len(samples), (int(loud[-1]) + 1) * hop) if len(loud) else 0
    if end - start < RATE:
        raise ChoreoError("the recording holds less than a second of music to align")
    return samples[start:end], start / RATE


def _hear(samples: NDArray[np.float32], pool: Executor) -> Callable[[], tuple[Any, Any]]:
    """The recording's pitch features and pitch onsets, from its filterbanks, computed on
    ``pool``'s threads (scipy's filters free the interpreter while they run); the function
    returned waits for them."""
    from synctoolbox.feature.pitch import audio_to_pitch_features
    from synctoolbox.feature.pitch_onset import audio_to_pitch_onset_features

    tuning = _tuning(samples)
    onset_parts = [
        pool.submit(
            audio_to_pitch_onset_features,
            f_audio=samples,
            Fs=RATE,
            tuning_offset=tuning,
            midi_min=lowest,
            midi_max=highest,
        )
        for lowest, highest in _ONSET_PARTS
    ]
    pitch = pool.submit(
        audio_to_pitch_features,
        f_audio=samples,
        Fs=RATE,
        tuning_offset=tuning,
        feature_rate=FEATURE_RATE,
        midi_min=_LOWEST,
        midi_max=_CHROMA_HIGHEST,
    )

    def heard() -> tuple[Any, Any]:
        onsets: dict[int, Any] = {}
        for part in onset_parts:
            onsets.update(part.result())  # keyed by pitch: the parts' keys do not meet
        return pitch.result(), onsets

    return heard


def _tuning(samples: NDArray[np.float32]) -> int:
    """How far the recording is tuned from A=440, in cents: Sync Toolbox's
    ``estimate_tuning`` (libfmp's frequency distribution, matched against a comb of
    semitones), with its short-time Fourier transform done as librosa's ``stft`` does it
    but in numpy. librosa's own would load its spectrum module, whose import compiles a
    dozen numba functions: 10-20 s on a user's first run, 2 s from numba's cache on
    every later one."""
    import numpy as np
    from libfmp.c2 import compute_f_coef_log
    from libfmp.c3 import tuning_similarity
    from scipy import signal
    from scipy.interpolate import interp1d

    window, gamma, smoothing = 16384, 100.0, 101  # Sync Toolbox's choices
    # Centred frames half a window apart, zeros past the ends; a periodic Hann window.
    padded = np.pad(samples, window // 2)
    frames = np.lib.stride_tricks.sliding_window_view(padded, window)[:: window // 2]
    hann = signal.get_window("hann", window, fftbins=True)
    spectrum = np.fft.rfft(hann * frames, axis=-1).astype(np.complex64).T
    power = np.log(1 + gamma * np.abs(spectrum) ** 2).sum(axis=1)
    # On a grid of cents from C1 to C8, less its local average, rectified.
    lowest, highest = 440 * 2 ** ((24 - 69) / 12), 440 * 2 ** ((108 - 69) / 12)
    grid, _ = compute_f_coef_log(R=1, F_min=lowest, F_max=highest)
    hertz = np.fft.rfftfreq(window, 1 / RATE)
    cents = interp1d(hertz, power, kind="cubic", fill_value="extrapolate")(grid)
    above = cents - signal.convolve(cents, np.ones(smoothing), mode="same") / smoothing
    above[above < 0] = 0
    return int(tuning_similarity(above / np.max(above))[3])


def _chroma_and_dlnco(pitch: Any, onsets: Any) -> tuple[Any, Any]:
    """The two features the alignment compares, from pitch features and pitch onsets."""
    from synctoolbox.feature.chroma import pitch_to_chroma, quantize_chroma
    from synctoolbox.feature.dlnco import pitch_onset_features_to_DLNCO

    chroma = quantize_chroma(f_chroma=pitch_to_chroma(f_pitch=pitch))
    dlnco = pitch_onset_features_to_DLNCO(
        f_peaks=onsets,
        feature_rate=FEATURE_RATE,
        feature_sequence_length=chroma.shape[1],
        visualize=False,
    )
    return chroma, dlnco


def _warping_path(score: tuple[Any, Any], heard: tuple[Any, Any]) -> Any:
    import numpy as np
    from synctoolbox.dtw.mrmsdtw import sync_via_mrmsdtw
    from synctoolbox.dtw.utils import (
        compute_optimal_chroma_shift,
        make_path_strictly_monotonic,
        shift_chroma_vectors,
    )
    from synctoolbox.feature.chroma import quantized_chroma_to_CENS

    score_chroma, score_onsets = score
    heard_chroma, heard_onsets = heard
    heard_onsets = heard_onsets[:, : heard_chroma.shape[1]]
    score_onsets = score_onsets[:, : score_chroma.shape[1]]
    # A recording tuned or transposed away from the score: shift its chroma to match.
    score_cens = quantized_chroma_to_CENS(score_chroma, 201, 50, FEATURE_RATE)[0]
    heard_cens = quantized_chroma_to_CENS(heard_chroma, 201, 50, FEATURE_RATE)[0]
    shift = compute_optimal_chroma_shift(score_cens, heard_cens)
    heard_chroma = shift_chroma_vectors(heard_chroma, shift)
    heard_onsets = shift_chroma_vectors(heard_onsets, shift)
    path = sync_via_mrmsdtw(
        f_chroma1=score_chroma,
        f_onset1=score_onsets,
        f_chroma2=heard_chroma,
        f_onset2=heard_onsets,
        input_feature_rate=FEATURE_RATE,
        # As the chroma shift's DTW takes them (int64): numba compiles one signature, not two.
        step_sizes=np.array(_STEP_SIZES, np.int64),
        step_weights=np.array(_STEP_WEIGHTS, np.float64),
        threshold_rec=_THRESHOLD_REC,
        verbose=False,
    )
    return make_path_strictly_monotonic(path)
