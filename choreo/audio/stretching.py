"""Music at a rehearsal speed made a piece at a time, so that playing starts after one
piece rather than the whole (Rubber Band stretches about ten seconds of music a second
on a busy machine: a whole scene at ½ speed took 20 to 40 s before its first sound).

The piece where playing starts is stretched at once; a thread stretches the others
behind it, each far faster than it plays. Each piece is stretched with a second of the
music on either side, which is then dropped (Rubber Band's edges sound unlike its
middle), and neighbours cross-fade over a few milliseconds, so no seam clicks. Sample
``n / speed`` of the result is sample ``n`` of the music, as for
:func:`choreo.audio.music.at_speed`, which stretches every piece.
"""

from __future__ import annotations

import math
import threading

from choreo.audio.music import at_speed, check_speed
from choreo.audio.recording import Recording

PIECE_SECONDS = 5.0  # of the music at full speed: under a second's work, far ahead of playing
PAD_SECONDS = 1.0  # music stretched on each side of a piece and dropped
FADE_SECONDS = 0.01  # neighbouring pieces overlap by this and cross-fade


class Stretching:
    """``music`` at ``speed`` (pitch kept), made a piece at a time; any thread may ask.

    :attr:`recording` holds the music at speed from the start, silent where its pieces
    are not made yet; :meth:`from_second` makes the piece at a second, and starts the
    thread that makes the rest.
    """

    def __init__(self, music: Recording, speed: float) -> None:
        import numpy as np

        check_speed(speed)
        self.music = music
        self.speed = speed
        rate = music.rate
        self._piece = max(round(PIECE_SECONDS * rate), 1)
        self._pad = round(PAD_SECONDS * rate)
        self._half_fade = max(round(FADE_SECONDS * rate / speed / 2), 1)
        self._count = math.ceil(len(music.samples) / self._piece)
        self.recording = Recording(
            np.zeros(math.ceil(len(music.samples) / speed), dtype=np.float32), rate
        )
        self._made: set[int] = set()
        self._making = threading.Lock()  # one piece at a time, and each piece once
        self._next = 0  # where the thread goes on from
        self._thread: threading.Thread | None = None
        self._stopped = threading.Event()

    @property
    def complete(self) -> bool:
        return len(self._made) == self._count

    def from_second(self, seconds: float) -> Recording:
        """:attr:`recording` with the piece sounding at ``seconds`` (of the music at full
        speed) made; the thread makes the pieces after it, then those before."""
        first = min(max(int(seconds * self.music.rate) // self._piece, 0), self._count - 1)
        if first not in self._made:  # made already: no waiting for the thread's piece
            self._make(first)
        self._next = first + 1
        if self._thread is None and not self.complete:
            # Not a daemon: Python waits for its piece at exit rather than kill Rubber Band
            # mid-piece (which aborts the process); stop() makes it the last piece.
            self._thread = threading.Thread(target=self._make_the_rest, name="choreo-stretching")
            self._thread.start()
        return self.recording

    def stop(self) -> None:
        """No more pieces are made after the one being made (the editor closed, or other
        music is wanted)."""
        self._stopped.set()

    def _make_the_rest(self) -> None:
        while not self._stopped.is_set():
            start = self._next
            order = [*range(start, self._count), *range(min(start, self._count))]
            wanted = next((piece for piece in order if piece not in self._made), None)
            if wanted is None:
                return
            try:
                self._make(wanted)
            except Exception:  # said where a play asks for that piece itself (from_second)
                return

    def _make(self, piece: int) -> None:
        import numpy as np

        with self._making:
            if piece in self._made:
                return
            samples, speed, length = self.music.samples, self.speed, len(self.music.samples)
            begin, end = piece * self._piece, min((piece + 1) * self._piece, length)
            padded_begin, padded_end = max(begin - self._pad, 0), min(end + self._pad, length)
            piece_music = Recording(samples[padded_begin:padded_end], self.music.rate)
            out = at_speed(piece_music, speed).samples
            target = self.recording.samples
            half = self._half_fade
            # The piece's span at speed, reaching into its neighbours by half a fade.
            first = max(round(begin / speed) - (half if begin else 0), 0)
            last = min(round(end / speed) + (half if end < length else 0), len(target))
            weight = np.ones(last - first, dtype=np.float32)
            ramp = (np.arange(2 * half, dtype=np.float32) + 0.5) / (2 * half)
            if begin and len(weight) >= 2 * half:
                weight[: 2 * half] = ramp
            if end < length and len(weight) >= 2 * half:
                weight[-2 * half :] *= ramp[::-1]
            source = first - round(padded_begin / speed)
            take = min(last - first, len(out) - source)
            target[first : first + take] += weight[:take] * out[source : source + take]
            self._made.add(piece)
