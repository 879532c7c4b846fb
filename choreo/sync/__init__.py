"""Score sync: beats into a copy of the score, marks out of it, drift caught.

``push`` writes each beat into the score as a MusicXML direction (text spliced into the
file, never re-serialised), ``pull`` makes beat skeletons from rehearsal marks and staff
text, ``drift`` says what changed since the last sync and ``rebase`` moves beats with
their marks. None of it imports music21: measure maps come from ``choreo.score``.
"""

from __future__ import annotations

from choreo.sync.pull import PullResult, pull
from choreo.sync.push import SyncResult, push
from choreo.sync.rebase import RebaseResult, rebase

__all__ = ["PullResult", "RebaseResult", "SyncResult", "pull", "push", "rebase"]
