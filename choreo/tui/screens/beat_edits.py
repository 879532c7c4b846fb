"""The editor's key actions that change beats: add, delete, move, nudge, ripple, a field
typed in the form, undo and redo. :class:`~choreo.tui.screens.editor.EditorScreen` builds
on this with the scene, its widgets and its workers; every edit goes through the session's
history so that ctrl+z takes it back.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.screen import Screen

from choreo.model import Scene
from choreo.timing import MeasureMap
from choreo.tui.edits import EditRefused, add_beat, delete_beat, move_beat, replace_beat
from choreo.tui.fields import ActionPart, FieldError, FieldName, with_action, with_field
from choreo.tui.messages import FieldEdited
from choreo.tui.session import OpenScene
from choreo.tui.timing_edits import nudge_beat, ripple_beats
from choreo.tui.widgets.beat_form import BeatForm
from choreo.tui.widgets.beat_table import BeatTable


class BeatEdits(Screen[None]):
    """Edits of the open scene's beats; the editor screen supplies what they act on."""

    form: BeatForm
    table: BeatTable

    def __init__(self, session: OpenScene) -> None:
        super().__init__()
        self.session = session

    @property
    def cursor(self) -> int:
        return self.table.cursor_row if self.table.row_count else 0

    def show_scene(self, cursor: int, *, keep_typed: bool = False) -> None:
        raise NotImplementedError  # the editor screen draws the scene

    def follow_scene(self, before: Scene) -> None:
        raise NotImplementedError  # the editor screen follows a changed cast or score

    def _index_of(self, beat_id: str) -> int | None:
        return next((i for i, b in enumerate(self.session.scene.beats) if b.id == beat_id), None)

    # -- edits -------------------------------------------------------------------------
    def _apply(self, label: str, scene: Scene, cursor: int, *, keep_typed: bool = False) -> None:
        self.session.apply(label, scene, self.cursor, cursor)
        self.show_scene(cursor, keep_typed=keep_typed)

    def _commit_form(self) -> None:
        """The field being typed in counts before a key acts on the scene."""
        edit = self.form.pending_edit()
        if edit is not None:
            self._apply_field(edit)

    @on(FieldEdited)
    def _field_edited(self, message: FieldEdited) -> None:
        self._apply_field(message)

    def _apply_field(self, edit: FieldEdited) -> None:
        beats = self.session.scene.beats
        index = edit.index
        if not (0 <= index < len(beats) and beats[index].id == edit.beat_id):
            found = self._index_of(edit.beat_id)
            if found is None:
                return
            index = found
        beat = beats[index]
        try:
            if edit.performer is None:
                field_name: FieldName = edit.field  # type: ignore[assignment]
                changed = with_field(beat, field_name, edit.text, self.session.scene.cast_ids())
                label = f"{edit.field} of {beat.id}"
            else:
                part: ActionPart = edit.field  # type: ignore[assignment]
                changed = with_action(beat, edit.performer, part, edit.text)
                label = f"{edit.performer}'s {edit.field} in {beat.id}"
        except FieldError as error:
            if self.form.beat is beat:
                self.form.show_problem(edit.field, error.message, edit.performer)
            return
        if changed is beat:
            return
        scene = replace_beat(self.session.scene, index, changed)
        self._apply(label, scene, index, keep_typed=True)

    def action_add_beat(self) -> None:
        self._commit_form()
        scene = self.session.scene
        after = self.cursor if scene.beats else None
        try:
            changed, index = add_beat(scene, after, self.session.measures)
        except EditRefused as refused:
            self._refuse(refused.message)
            return
        self._apply(f"add {changed.beats[index].id}", changed, index)

    def _refuse(self, message: str) -> None:
        self.app.bell()
        self.notify(message, severity="warning", timeout=4)

    def action_delete_beat(self) -> None:
        if not self.session.scene.beats:
            self.app.bell()
            return
        self._commit_form()
        index = self.cursor
        removed = self.session.scene.beats[index].id
        changed, cursor = delete_beat(self.session.scene, index)
        self._apply(f"delete {removed}", changed, cursor)

    def action_move_beat(self, step: int) -> None:
        self._commit_form()
        moved = move_beat(self.session.scene, self.cursor, step)
        if moved is None:
            self.app.bell()
            return
        changed, cursor = moved
        direction = "up" if step < 0 else "down"
        self._apply(f"move {changed.beats[cursor].id} {direction}", changed, cursor)

    def action_nudge(self, beats: float) -> None:
        self._retime("nudge", nudge_beat, beats)

    def action_ripple(self, beats: float) -> None:
        self._retime("ripple", ripple_beats, beats)

    def _retime(self, verb: str, edit: Callable[[Scene, int, float, MeasureMap], Scene],
                beats: float) -> None:  # fmt: skip
        """A nudge or ripple of the beat under the cursor, on the score's own bars."""
        if not self.session.scene.beats:
            self.app.bell()
            return
        self._commit_form()
        session = self.session
        if session.score_problem is not None or not session.score_known:
            why = "could not be read" if session.score_problem else "is still being read"
            self._refuse(f"not moved: timing edits follow the score's bars, and it {why}")
            return
        index = self.cursor
        beat = session.scene.beats[index]
        try:
            changed = edit(session.scene, index, beats, session.measures)
        except EditRefused as refused:
            self._refuse(refused.message)
            return
        direction = "later" if beats > 0 else "earlier"
        self._apply(f"{verb} {beat.id} {direction}", changed, index)

    def action_undo(self) -> None:
        self._commit_form()
        edit = self.session.undo()
        if edit is None:
            self.notify("nothing to undo", timeout=2)
            return
        self._after_history(edit.cursor_before, edit.after)

    def action_redo(self) -> None:
        self._commit_form()
        edit = self.session.redo()
        if edit is None:
            self.notify("nothing to redo", timeout=2)
            return
        self._after_history(edit.cursor_after, edit.before)

    def _after_history(self, cursor: int, left: Scene) -> None:
        if self.form.has_focus_within:
            self.table.focus()
        self.show_scene(cursor)
        self.follow_scene(left)
