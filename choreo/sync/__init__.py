"""Score sync: beats into a copy of the score, marks out of it, beats following moved marks.

``push`` writes each beat into the score as a MusicXML direction (text spliced into the
file, never re-serialised), ``pull`` makes beat skeletons from rehearsal marks and staff
text, and ``rebase`` moves beats with their marks. What changed since the last sync is a
check (``score-changed``, ``score-drift`` in :mod:`choreo.checks`). None of it imports
music21: measure maps come from ``choreo.score``.
"""

from __future__ import annotations

from choreo.sync.pull import PullResult, pull
from choreo.sync.push import SyncResult, push
from choreo.sync.rebase import RebaseResult, rebase

__all__ = ["PullResult", "RebaseResult", "SyncResult", "pull", "push", "rebase"]
