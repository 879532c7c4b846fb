"""Playing a recording from a second, after a one-bar count-in, off the caller's thread.

A :class:`Player` hands blocks of samples to a sink: :class:`SoundDeviceSink` (PortAudio
through ``sounddevice``) or :class:`NullSink`, which takes them at the pace of a clock
and plays nothing (tests, and machines without sound). The sink pulls the blocks on its
own thread, so the caller (the editor) only asks :meth:`Player.position` what is
sounding now.

Speeds below 1 keep the pitch because the caller hands in a recording already
time-stretched (e.g. by Rubber Band) together with the speed it was stretched to: the
player plays the stretched samples and reports positions in the score's seconds.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from choreo.audio.recording import Recording
from choreo.errors import ChoreoError

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

Clock = Callable[[], float]  # seconds, only ever compared with itself
Pull = Callable[[int], "NDArray[np.float32]"]  # up to n frames; fewer means the end

BLOCK_FRAMES = 1024  # about 23 ms at 44.1 kHz: small enough for the cursor to follow
_CLICK_SECONDS = 0.03
_CLICK_HZ = (1568.0, 1047.0)  # the bar's first click higher (G6), the others C6
_CLICK_LEVEL = 0.5
_NULL_TICK_SECONDS = 0.01  # how often the null sink's thread looks at its clock
_NO_OUTPUT = "no audio output device: "
OUTPUT_VARIABLE = "CHOREO_AUDIO_OUTPUT"  # "null": play nothing (tests, a terminal without sound)


def output_sink() -> Sink:
    """Where the editor's music goes: the machine's sound output, or the null sink where
    ``CHOREO_AUDIO_OUTPUT=null``. Raises the one-line :class:`ChoreoError` of
    :class:`SoundDeviceSink` where there is no output."""
    chosen = os.environ.get(OUTPUT_VARIABLE, "").strip().lower()
    if chosen == "null":
        return NullSink()
    if chosen not in ("", "device"):
        raise ChoreoError(
            f"{OUTPUT_VARIABLE}={chosen}: choose device (the sound output, the default) "
            "or null (play nothing)"
        )
    return SoundDeviceSink()


class Sink(Protocol):
    """Where blocks of mono float32 samples go once :meth:`open` is called.

    The sink calls ``pull`` on its own thread until it returns fewer frames than asked.
    """

    def open(self, rate: int, pull: Pull) -> None: ...

    def sounding(self) -> int:
        """How many frames have sounded since :meth:`open` (the one heard now)."""
        ...

    @property
    def active(self) -> bool:
        """Opened, and neither closed nor past the last frame pulled."""
        ...

    def close(self) -> None: ...


class Player:
    """Plays one recording at a time through ``sink``; every method returns at once.

    ``speed`` is the speed ``recording`` was already stretched to (1, ¾, ½): its second
    ``x`` is the score's second ``x * speed``, and :meth:`position` answers in the
    score's seconds.
    """

    def __init__(self, sink: Sink) -> None:
        self._sink = sink
        self._lock = threading.Lock()
        self._stopped = True
        self._rate = 1
        self._count_in_frames = 0
        self._start = 0.0
        self._speed = 1.0

    def play(
        self,
        recording: Recording,
        start: float,
        *,
        count_in: Sequence[float] = (),
        count_in_seconds: float = 0.0,
        speed: float = 1.0,
    ) -> None:
        """Play ``recording`` from the score's second ``start``, after a count-in.

        The count-in lasts ``count_in_seconds`` (a bar, as it sounds at this speed) with
        a click at each of the ``count_in`` seconds from its beginning, the first one
        higher. Raises a :class:`ChoreoError` where the sink cannot open.
        """
        import numpy as np

        if not 0 < speed <= 1:
            raise ChoreoError(f"cannot play at speed {speed}: speeds run from above 0 to 1")
        if start < 0:
            raise ChoreoError(f"cannot play from second {start:g}: the music starts at 0")
        if count_in_seconds < 0:
            raise ChoreoError(f"a count-in cannot last {count_in_seconds:g} s")
        self.stop()
        rate = recording.rate
        lead = _count_in(rate, count_in, count_in_seconds)
        music = recording.samples[min(round(start / speed * rate), len(recording.samples)) :]
        segments = [lead, music]
        cursor = [0, 0]  # segment, frame within it: only the sink's thread moves it

        def pull(frames: int) -> NDArray[np.float32]:
            parts: list[NDArray[np.float32]] = []
            wanted = frames
            while wanted and cursor[0] < len(segments):
                segment = segments[cursor[0]]
                part = segment[cursor[1] : cursor[1] + wanted]
                parts.append(part)
                wanted -= len(part)
                cursor[1] += len(part)
                if cursor[1] >= len(segment):
                    cursor[0] += 1
                    cursor[1] = 0
            if len(parts) == 1:
                return parts[0]
            return np.concatenate(parts) if parts else np.zeros(0, dtype=np.float32)

        with self._lock:
            self._rate = rate
            self._count_in_frames = len(lead)
            self._start = start
            self._speed = speed
            self._stopped = False
        try:
            self._sink.open(rate, pull)
        except BaseException:
            with self._lock:
                self._stopped = True
            raise

    def position(self) -> float:
        """The score's second now sounding; during the count-in, minus the seconds left
        before the music starts (score seconds are never negative)."""
        with self._lock:
            rate, lead, start, speed = self._rate, self._count_in_frames, self._start, self._speed
        sounded = self._sink.sounding()
        if sounded < lead:
            return -(lead - sounded) / rate
        return start + (sounded - lead) / rate * speed

    @property
    def playing(self) -> bool:
        """Playing or counting in: not stopped and not yet past the recording's end."""
        with self._lock:
            stopped = self._stopped
        return not stopped and self._sink.active

    def stop(self) -> None:
        """Silence at once; :meth:`position` keeps the second it stopped at."""
        with self._lock:
            self._stopped = True
        self._sink.close()


def _count_in(rate: int, clicks: Sequence[float], seconds: float) -> NDArray[np.float32]:
    import numpy as np

    lead = np.zeros(round(seconds * rate), dtype=np.float32)
    length = round(_CLICK_SECONDS * rate)
    t = np.arange(length, dtype=np.float32) / rate
    fade = np.exp(-t / (_CLICK_SECONDS / 5)).astype(np.float32)
    for index, at in enumerate(sorted(clicks)):
        hz = _CLICK_HZ[0] if index == 0 else _CLICK_HZ[1]
        click = (_CLICK_LEVEL * np.sin(2 * np.pi * hz * t) * fade).astype(np.float32)
        begin = round(at * rate)
        if not 0 <= begin < len(lead):
            raise ChoreoError(f"a count-in click at {at:g} s falls outside its {seconds:g} s")
        end = min(begin + length, len(lead))
        lead[begin:end] += click[: end - begin]
    return lead


class NullSink:
    """Plays nothing: takes blocks as fast as ``clock`` says they would sound.

    Its own thread looks at the clock every few milliseconds; :meth:`pump` takes what is
    due now at once (a test with a fake clock calls it after moving the clock). With
    ``keep``, the blocks taken are kept in :attr:`blocks`.
    """

    def __init__(self, clock: Clock = time.monotonic, *, keep: bool = False) -> None:
        self._clock = clock
        self._keep = keep
        self._lock = threading.Lock()
        self._pull: Pull | None = None
        self._rate = 1
        self._began = 0.0
        self._taken = 0
        self._ended = True
        self._thread: threading.Thread | None = None
        self._wake = threading.Event()
        self.blocks: list[NDArray[np.float32]] = []

    def open(self, rate: int, pull: Pull) -> None:
        self.close()
        with self._lock:
            self._pull, self._rate = pull, rate
            self._began, self._taken, self._ended = self._clock(), 0, False
            self.blocks = []
        self._wake = threading.Event()
        self._thread = threading.Thread(
            target=self._run, args=(self._wake,), name="choreo-null-sink", daemon=True
        )
        self._thread.start()

    def pump(self) -> None:
        """Take every block due by the clock now."""
        with self._lock:
            if self._ended or self._pull is None:
                return
            due = round((self._clock() - self._began) * self._rate)
            while self._taken < due:
                wanted = min(due - self._taken, BLOCK_FRAMES)
                block = self._pull(wanted)
                self._taken += len(block)
                if self._keep and len(block):
                    self.blocks.append(block.copy())
                if len(block) < wanted:
                    self._ended = True
                    return

    def sounding(self) -> int:
        with self._lock:
            return self._taken

    @property
    def active(self) -> bool:
        with self._lock:
            return not self._ended

    def close(self) -> None:
        with self._lock:
            self._ended = True
        self._wake.set()
        thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join()

    def _run(self, wake: threading.Event) -> None:
        while not wake.wait(_NULL_TICK_SECONDS):
            self.pump()
            if not self.active:
                return


class SoundDeviceSink:
    """The machine's default sound output, through PortAudio (``sounddevice``).

    Made where there is one; otherwise a :class:`ChoreoError` in one line,
    ``no audio output device: why``, so the editor can say so and go on without sound.
    """

    def __init__(self) -> None:
        try:
            import sounddevice
        except ImportError:
            raise ChoreoError(
                _NO_OUTPUT + "sounddevice is not installed (the audio extra)"
            ) from None
        except OSError:  # sounddevice is there, the PortAudio library is not
            raise ChoreoError(_NO_OUTPUT + "PortAudio is not installed (libportaudio2)") from None
        try:
            sounddevice.query_devices(kind="output")
        except sounddevice.PortAudioError as error:
            raise ChoreoError(
                _NO_OUTPUT + f"PortAudio finds no sound output ({_said(error)})"
            ) from None
        self._sd: Any = sounddevice
        self._lock = threading.Lock()
        self._stream: Any = None
        self._fed = 0  # frames handed to PortAudio
        self._block_start = 0  # the first frame of the block last handed over
        self._block_heard_at = 0.0  # when, on the stream's clock, that frame is heard
        self._ended = True

    def open(self, rate: int, pull: Pull) -> None:
        self.close()
        sd = self._sd

        def feed(outdata: Any, frames: int, moment: Any, status: Any) -> None:
            block = pull(frames)
            outdata[: len(block), 0] = block
            outdata[len(block) :, 0] = 0
            with self._lock:
                self._block_start = self._fed
                self._block_heard_at = float(moment.outputBufferDacTime)
                self._fed += len(block)
            if len(block) < frames:
                raise sd.CallbackStop

        def finished() -> None:
            with self._lock:
                self._ended = True

        with self._lock:
            self._fed = self._block_start = 0
            self._block_heard_at = 0.0
            self._ended = False
        try:
            stream = sd.OutputStream(
                samplerate=rate,
                channels=1,
                dtype="float32",
                blocksize=BLOCK_FRAMES,
                callback=feed,
                finished_callback=finished,
            )
            stream.start()
        except Exception as error:  # sounddevice.PortAudioError, or a rate it refuses
            with self._lock:
                self._ended = True
            raise ChoreoError(_NO_OUTPUT + _said(error)) from None
        self._stream = stream

    def sounding(self) -> int:
        stream = self._stream
        with self._lock:
            start, heard_at, fed = self._block_start, self._block_heard_at, self._fed
        if stream is None or heard_at <= 0:  # some hosts give no output time
            return start
        try:
            now = float(stream.time)
        except Exception:  # the stream closed meanwhile
            return start
        return max(0, min(fed, start + round((now - heard_at) * float(stream.samplerate))))

    @property
    def active(self) -> bool:
        with self._lock:
            return not self._ended

    def close(self) -> None:
        heard = self.sounding()
        stream, self._stream = self._stream, None
        with self._lock:
            self._ended = True
            self._block_start, self._block_heard_at = heard, 0.0  # kept once silent
        if stream is not None:
            stream.abort()
            stream.close()


def _said(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0][:200]
