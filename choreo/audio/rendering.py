"""The score rendered by FluidSynth a piece at a time (:mod:`choreo.audio.pieces`), so
that playing from a bar starts after one short render rather than the whole score's
(a 13-minute quartet movement took 9 s, a whole quartet 27 s).

Each piece is the very sound the whole render has there, to the 16-bit sample (or one step
of it apart, where FluidSynth sums the same voices in another order):

- FluidSynth renders in blocks of 64 samples and starts a MIDI event on the first block
  whose whole milliseconds have reached it. A piece's MIDI file starts at a second that
  is a whole number of both (0.64 s at 44.1 kHz), so every event lands on the sample it
  has in the whole.
- A note still sounding where the piece starts, or dying away there, is played from its
  start: the piece is rendered from the earliest such note on, and the sound before
  the piece is dropped. Reverb and chorus, which would carry sound further, are off.
"""

from __future__ import annotations

import math
import tempfile
from collections.abc import Sequence
from pathlib import Path

from choreo.audio.pieces import Pieces
from choreo.audio.recording import Recording
from choreo.audio.synth import (
    TAIL_SECONDS,
    Sounding,
    midi_tick,
    place_notes,
    read_rendered,
    render,
    sound_end,
    write_midi,
)
from choreo.score.notes import ScoreNotes
from choreo.timing import MeasureMap

PIECE_SECONDS = 5.0  # a few tenths of a second's work, FluidSynth's start included
# How long a voice may sound after its note ends: FluidR3's piano still sounds (under
# -60 dB) 6 s after a key is let go, and is silent by 8 s (tests/test_play_rendering.py).
RELEASE_SECONDS = 10.0
_BLOCK = 64  # FluidSynth's samples per block


def score_rendering(measures: MeasureMap, notes: ScoreNotes, *, rate: int) -> ScoreRendering:
    """The score's notes placed on ``measures``, to be rendered a piece at a time as
    :func:`choreo.audio.synth.synthesize` renders them whole."""
    soundings = place_notes(measures, notes)
    end = sound_end(measures, soundings)
    return ScoreRendering(soundings, notes.programs, end_seconds=end, rate=rate)


class ScoreRendering(Pieces):
    """The score's ``soundings`` as the whole render of :func:`choreo.audio.synth.write_midi`
    plus :func:`~choreo.audio.synth.render` sounds them, made a piece at a time; seconds
    are the score's."""

    AHEAD_SECONDS = 1.0  # of music past the start; the count-in gives the thread its start too
    # Up to 40 s rendered at once behind the first pieces: each run renders the notes
    # ringing into it again, and a run of 8 does that once rather than 8 times.
    LONGEST_SPAN = 8

    def __init__(
        self,
        soundings: Sequence[Sounding],
        programs: tuple[int, ...],
        *,
        end_seconds: float,
        rate: int,
    ) -> None:
        import numpy as np

        self.rate = rate
        self._soundings = sorted(soundings, key=lambda s: (s.start, s.part, s.pitch))
        self._programs = programs
        self._starts = np.array([midi_tick(s.start) for s in self._soundings], dtype=np.int64)
        self._ends = np.array(
            [max(midi_tick(s.end), midi_tick(s.start) + 1) for s in self._soundings], dtype=np.int64
        )
        # Milliseconds where a piece may start: a whole number of FluidSynth's blocks.
        self._grid = _BLOCK * 1000 // math.gcd(rate, _BLOCK * 1000)
        self._piece_ms = self._grid * max(round(PIECE_SECONDS * 1000 / self._grid), 1)
        last_event = int(self._ends.max()) if len(self._ends) else 0
        self._end_ms = max(last_event, midi_tick(end_seconds + TAIL_SECONDS))
        silent = np.zeros(self._end_ms * rate // 1000, dtype=np.float32)
        count = math.ceil(self._end_ms / self._piece_ms)
        super().__init__(Recording(silent, rate), count, "choreo-rendering")

    def ready(self, first: int, last: int) -> None:
        """Samples ``first`` to before ``last`` made now (music stretched from them)."""
        per_piece = self._piece_ms * self.rate // 1000
        self.make(first // per_piece, max(last - 1, first) // per_piece)

    def _piece_at(self, seconds: float) -> int:
        return min(max(int(seconds * 1000) // self._piece_ms, 0), self._count - 1)

    def _make_pieces(self, first: int, last: int) -> None:
        begin = first * self._piece_ms
        end = min((last + 1) * self._piece_ms, self._end_ms)
        release = round(RELEASE_SECONDS * 1000)
        heard = (self._starts < end) & (self._ends + release > begin)
        if not heard.any():
            return  # silence, as the recording already is
        earliest = min(int(self._starts[heard].min()), begin)
        origin = earliest // self._grid * self._grid
        # The notes starting from the origin to the run's end (their ticks are in order).
        low, high = self._starts.searchsorted([origin, end])
        chosen = self._soundings[low:high]
        with tempfile.TemporaryDirectory(prefix="choreo-piece-") as folder:
            midi, wav = Path(folder) / "piece.mid", Path(folder) / "piece.wav"
            write_midi(chosen, self._programs, midi, end_seconds=end / 1000, origin=origin / 1000)
            render(midi, wav, rate=self.rate, stop=self._stopped)
            out = read_rendered(wav, self.rate).samples
        skip = (begin - origin) * self.rate // 1000
        first_sample, last_sample = begin * self.rate // 1000, end * self.rate // 1000
        take = max(min(last_sample - first_sample, len(out) - skip), 0)
        self.recording.samples[first_sample : first_sample + take] = out[skip : skip + take]
