"""Music at a rehearsal speed made a piece at a time (:mod:`choreo.audio.pieces`), so that
playing starts after one piece rather than the whole (Rubber Band stretches about ten
seconds of music a second on a busy machine: a whole scene at ½ speed took 20 to 40 s
before its first sound).

Each piece is stretched with a second of the music on either side, which is then dropped
(Rubber Band's edges sound unlike its middle), and neighbours cross-fade over a few
milliseconds, so no seam clicks. Sample ``n / speed`` of the result is sample ``n`` of
the music, as for :func:`choreo.audio.music.at_speed`, which stretches every piece.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from choreo.audio.music import at_speed, check_speed
from choreo.audio.pieces import Pieces
from choreo.audio.recording import Recording

PIECE_SECONDS = 5.0  # of the music at full speed: under a second's work, far ahead of playing
PAD_SECONDS = 1.0  # music stretched on each side of a piece and dropped
FADE_SECONDS = 0.01  # neighbouring pieces overlap by this and cross-fade

# Makes the music's samples from the first to before the last (a score being rendered).
Ready = Callable[[int, int], None]


class Stretching(Pieces):
    """``music`` at ``speed`` (pitch kept), made a piece at a time; any thread may ask.

    Pieces are counted and :meth:`from_second` is asked in seconds of the music at full
    speed. ``ready``, where given, makes the music's samples a piece needs before it is
    stretched (the music is itself being made a piece at a time).
    """

    def __init__(self, music: Recording, speed: float, *, ready: Ready | None = None) -> None:
        import numpy as np

        check_speed(speed)
        self.music = music
        self.speed = speed
        self._ready = ready
        rate = music.rate
        self._piece = max(round(PIECE_SECONDS * rate), 1)
        self._pad = round(PAD_SECONDS * rate)
        self._half_fade = max(round(FADE_SECONDS * rate / speed / 2), 1)
        silent = np.zeros(math.ceil(len(music.samples) / speed), dtype=np.float32)
        count = math.ceil(len(music.samples) / self._piece)
        super().__init__(Recording(silent, rate), count, "choreo-stretching")

    def _piece_at(self, seconds: float) -> int:
        return min(max(int(seconds * self.music.rate) // self._piece, 0), self._count - 1)

    def _make_pieces(self, first: int, last: int) -> None:
        for piece in range(first, last + 1):
            self._make_piece(piece)

    def _make_piece(self, piece: int) -> None:
        import numpy as np

        samples, speed, length = self.music.samples, self.speed, len(self.music.samples)
        begin, end = piece * self._piece, min((piece + 1) * self._piece, length)
        padded_begin, padded_end = max(begin - self._pad, 0), min(end + self._pad, length)
        if self._ready is not None:
            self._ready(padded_begin, padded_end)
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
