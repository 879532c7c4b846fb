"""A scene's recording read as mono samples, or refused with one line that says why."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from choreo.errors import RecordingError
from choreo.model.recording import MAX_RECORDING_SECONDS

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

FORMATS = ("WAV", "FLAC", "OGG", "MP3")
# The loudest sample of a silent file: -60 dBFS is below any music a fight is set to,
# and above the dither of a silent 16-bit file.
SILENCE_PEAK = 10 ** (-60 / 20)
_BLOCK_FRAMES = 1 << 16


@dataclass(frozen=True, eq=False)
class Recording:
    """Mono samples (float32, -1..1) and their rate; sample 0 is second 0."""

    samples: NDArray[np.float32]
    rate: int

    @property
    def seconds(self) -> float:
        return len(self.samples) / self.rate


def read_recording(path: Path) -> Recording:
    """The recording at ``path`` (WAV, FLAC, OGG or MP3) as mono samples at its own rate.

    Refused with a :class:`RecordingError`: a missing or unreadable file, one that is not
    audio, one longer than :data:`MAX_RECORDING_SECONDS` (told by its header, before any
    decoding), an empty or a silent one.
    """
    import numpy as np
    import soundfile

    if not path.is_file():
        raise RecordingError("no such recording", where=path)
    try:
        info = soundfile.info(str(path))
    except (soundfile.LibsndfileError, RuntimeError, OSError, TypeError):
        raise RecordingError(
            f"not a recording choreo can read ({', '.join(FORMATS)})", where=path
        ) from None
    rate = int(info.samplerate)
    if rate <= 0 or info.channels <= 0:
        raise RecordingError("the recording's header gives no sample rate", where=path)
    if info.frames > MAX_RECORDING_SECONDS * rate:
        raise RecordingError(
            f"the recording lasts {_duration(info.frames / rate)}: more than the "
            f"{_duration(MAX_RECORDING_SECONDS)} a scene's music can be",
            where=path,
        )
    chunks: list[NDArray[np.float32]] = []
    kept = 0
    try:
        for block in soundfile.blocks(
            str(path), blocksize=_BLOCK_FRAMES, dtype="float32", always_2d=True
        ):
            chunks.append(block.mean(axis=1, dtype=np.float32))
            kept += len(block)
            if kept > MAX_RECORDING_SECONDS * rate:  # a header that understated its length
                raise RecordingError(
                    f"the recording lasts more than {_duration(MAX_RECORDING_SECONDS)}",
                    where=path,
                )
    except (soundfile.LibsndfileError, RuntimeError) as error:
        reason = _said(error)
        raise RecordingError(f"the recording cannot be decoded: {reason}", where=path) from None
    samples = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.float32)
    if not len(samples):
        raise RecordingError("the recording holds no sound: it is empty", where=path)
    peak = float(np.max(np.abs(samples)))
    if not np.isfinite(peak):
        raise RecordingError("the recording holds samples that are not numbers", where=path)
    if peak < SILENCE_PEAK:
        raise RecordingError(
            "the recording is silent (its loudest sample is below -60 dBFS)", where=path
        )
    return Recording(samples, rate)


def _duration(seconds: float) -> str:
    hours, rest = divmod(round(seconds), 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


def _said(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0][:200]
