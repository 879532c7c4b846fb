"""Undo and redo as two stacks of recorded edits, after Textual's document history.

Each edit keeps the whole scene before and after it. That is cheap: an edit builds a new
:class:`~choreo.model.Scene` whose beat list shares every unchanged :class:`Beat` with the
scene before, and no scene or beat is ever changed in place once it is recorded.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from choreo.model import Scene

HISTORY_LIMIT = 500


@dataclass(frozen=True, slots=True)
class Edit:
    """One change to the scene, and where the cursor was before and after it."""

    label: str
    before: Scene
    after: Scene
    cursor_before: int
    cursor_after: int


class History:
    """The edits that can be undone, newest last, and those undone that can be redone."""

    def __init__(self, limit: int = HISTORY_LIMIT) -> None:
        self._undo: deque[Edit] = deque(maxlen=limit)
        self._redo: list[Edit] = []

    def record(self, edit: Edit) -> None:
        """Remember a new edit; what was undone before it can no longer be redone."""
        self._undo.append(edit)
        self._redo.clear()

    def undo(self) -> Edit | None:
        if not self._undo:
            return None
        edit = self._undo.pop()
        self._redo.append(edit)
        return edit

    def redo(self) -> Edit | None:
        if not self._redo:
            return None
        edit = self._redo.pop()
        self._undo.append(edit)
        return edit

    def clear(self) -> None:
        self._undo.clear()
        self._redo.clear()

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    @property
    def undo_count(self) -> int:
        return len(self._undo)
