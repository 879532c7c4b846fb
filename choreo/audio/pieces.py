"""Music made a piece at a time, so that playing starts after one piece rather than the
whole: the piece where playing starts at once, a thread the others behind it (those after
the start first), each far faster than it plays.

:class:`Pieces` is the bookkeeping both makers share: the score rendered by FluidSynth
(:mod:`choreo.audio.rendering`) and music stretched to a rehearsal speed
(:mod:`choreo.audio.stretching`). Its :attr:`~Pieces.recording` is the whole music from
the start, silent where a piece is not made yet; a player plays it while the pieces fill
it in place.
"""

from __future__ import annotations

import threading

from choreo.audio.recording import Recording


class Pieces:
    """``count`` pieces of :attr:`recording`, each made once; any thread may ask.

    A subclass says which piece sounds at a second (:meth:`_piece_at`) and makes a run of
    them (:meth:`_make_pieces`, which writes their samples into :attr:`recording`).
    """

    AHEAD_SECONDS = 0.0  # made at once past the start too, so the thread has a head start
    # The most pieces the thread makes at once, where that is less work than one by one;
    # a play elsewhere waits for them.
    LONGEST_SPAN = 1

    def __init__(self, recording: Recording, count: int, name: str) -> None:
        self.recording = recording
        self._count = max(count, 1)
        self._name = name
        self._made: set[int] = set()
        self._making = threading.Lock()  # one piece at a time, and each piece once
        self._next = 0  # where the thread goes on from
        self._thread: threading.Thread | None = None
        self._stopped = threading.Event()

    @property
    def complete(self) -> bool:
        return len(self._made) == self._count

    def from_second(self, seconds: float) -> Recording:
        """:attr:`recording` with the pieces sounding from ``seconds`` (as the subclass
        counts them) to :attr:`AHEAD_SECONDS` later made; the thread makes those after
        them, then those before."""
        first = self._piece_at(seconds)
        last = self._piece_at(seconds + self.AHEAD_SECONDS)
        self.make(first, last)
        self._next = last + 1
        if self._thread is None and not self.complete:
            # Not a daemon: Python waits for its piece at exit rather than kill a maker
            # mid-piece (Rubber Band aborts the process); stop() makes it the last piece.
            self._thread = threading.Thread(target=self._make_the_rest, name=self._name)
            self._thread.start()
        return self.recording

    def make(self, first: int, last: int) -> None:
        """Pieces ``first`` to ``last`` (clamped to the pieces there are), made now."""
        first, last = max(first, 0), min(last, self._count - 1)
        if all(piece in self._made for piece in range(first, last + 1)):
            return  # made: no waiting for the pieces the thread is making
        with self._making:
            piece = first
            while piece <= last:
                if piece in self._made:
                    piece += 1
                    continue
                end = piece
                while end < last and end + 1 not in self._made:
                    end += 1
                self._make_pieces(piece, end)
                self._made.update(range(piece, end + 1))
                piece = end + 1

    def stop(self) -> None:
        """No more pieces are made after the one being made (the editor closed, or other
        music is wanted)."""
        self._stopped.set()

    def _make_the_rest(self) -> None:
        span = 1  # pieces made at once: more each time, up to LONGEST_SPAN
        while not self._stopped.is_set():
            start = min(self._next, self._count)
            order = [*range(start, self._count), *range(start)]
            wanted = next((piece for piece in order if piece not in self._made), None)
            if wanted is None:
                return
            try:
                self.make(wanted, wanted + span - 1)
            except Exception:  # said where a play asks for that piece itself (from_second)
                return
            span = min(span * 2, self.LONGEST_SPAN)

    def _piece_at(self, seconds: float) -> int:
        raise NotImplementedError

    def _make_pieces(self, first: int, last: int) -> None:
        """Pieces ``first`` to ``last``, none of them made yet."""
        raise NotImplementedError
