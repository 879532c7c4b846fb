"""The editor: one scene's beats in a table, the selected beat's form, the measure timeline
and the checks, with the key contract of DESIGN.md.

Slow work runs in thread workers (reading the scene, checking it; reading the score in
:mod:`choreo.tui.score_loading`; saving, syncing, exporting and journaling in
:mod:`choreo.tui.screens.saving`); they post messages and never touch a widget. Every
failure comes back through one ``Worker.StateChanged`` handler.
"""

from __future__ import annotations

import gc
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.timer import Timer
from textual.widgets import DataTable
from textual.worker import Worker, WorkerState

from choreo.checks import ScoreReading, diagnose
from choreo.errors import ChoreoError
from choreo.model import PALETTE_COLOURS, Scene
from choreo.store import read_scene
from choreo.timing import OutsideScore
from choreo.tui.messages import (
    DiagnosticChosen,
    OpeningFailed,
    SceneAnalysed,
    SceneRead,
    SceneSaved,
    ScoreRead,
    ScoreSynced,
    SheetExported,
)
from choreo.tui.score_loading import ScoreLoading
from choreo.tui.screens.beat_edits import BeatEdits
from choreo.tui.screens.saving import Saving, journaled_edits
from choreo.tui.screens.score_info import ScoreInfoScreen, score_summary
from choreo.tui.session import OpenScene
from choreo.tui.widgets.beat_form import BeatForm
from choreo.tui.widgets.beat_table import NO_PALETTE_COLOUR, BeatRows, BeatTable
from choreo.tui.widgets.diagnostics import DiagnosticsPanel, summary
from choreo.tui.widgets.footer import KeyFooter
from choreo.tui.widgets.header import SceneHeader
from choreo.tui.widgets.timeline import MeasureTimeline
from choreo.vocabulary import Vocabulary


@dataclass(frozen=True)
class EditorSettings:
    """What tests and the benchmark tune; the defaults are what a user gets."""

    journal_seconds: float = 3.0  # how often unsaved edits are journaled
    check_delay: float = 0.25  # quiet time after an edit before the checks run again
    cursor_blink: bool = True
    vocabulary: Vocabulary = field(default_factory=Vocabulary.bundled)


class EditorScreen(BeatEdits):
    """One scene open for editing."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add_beat", "Add", id="add-beat",
                tooltip="Add a beat after the cursor, on the next beat, with its performers"),
        Binding("d", "delete_beat", "Delete", id="delete-beat",
                tooltip="Delete the beat under the cursor (ctrl+z brings it back)"),
        Binding("shift+up", "move_beat(-1)", "Move up", id="move-beat-up", show=False,
                tooltip="Move the beat one row up in the sheet"),
        Binding("shift+down", "move_beat(1)", "Move down", id="move-beat-down", show=False,
                tooltip="Move the beat one row down in the sheet"),
        Binding("escape", "back_to_table", "Table", id="back-to-table", show=False,
                tooltip="Leave the form (keeping the field's edit) and go back to the table"),
        Binding("ctrl+s", "save", "Save", id="save", priority=True,
                tooltip="Save the scene; comments and key order stay; refuses to overwrite "
                "a file that changed on disk"),
        Binding("ctrl+z", "undo", "Undo", id="undo", priority=True,
                tooltip="Undo the last edit: add, delete, move, nudge, ripple or a field change"),
        Binding("ctrl+y", "redo", "Redo", id="redo", priority=True, show=False,
                tooltip="Redo the edit undone last"),
        Binding("left_square_bracket", "nudge(-0.5)", "Earlier", id="nudge-earlier",
                key_display="[", show=False,
                tooltip="Nudge the beat half a beat earlier (across barlines)"),
        Binding("right_square_bracket", "nudge(0.5)", "Later", id="nudge-later",
                key_display="]", show=False,
                tooltip="Nudge the beat half a beat later (across barlines)"),
        Binding("left_curly_bracket", "ripple(-1)", "Ripple earlier", id="ripple-earlier",
                key_display="{", show=False,
                tooltip="Move this beat and every beat later in time a beat earlier"),
        Binding("right_curly_bracket", "ripple(1)", "Ripple later", id="ripple-later",
                key_display="}", show=False,
                tooltip="Move this beat and every beat later in time a beat later"),
        Binding("ctrl+e", "export_markdown", "Export", id="export-markdown", priority=True,
                tooltip="Save the scene, then write its beat sheet as Markdown next to it "
                "(NAME.md)"),
    ]  # fmt: skip

    def __init__(
        self, path: Path, *, settings: EditorSettings, exit_on_failure: bool = True
    ) -> None:
        super().__init__()
        self.path = path
        self.settings = settings
        self.exit_on_failure = exit_on_failure
        self.session: OpenScene | None = None
        self.rows = BeatRows()
        self.generation = 0  # which edit the checks shown describe
        self.score_loading = ScoreLoading(self)
        self.saving = Saving(self, journal_seconds=settings.journal_seconds)
        self._check_timer: Timer | None = None
        self._frozen = False  # the scene's objects are out of the cycle collector's sight
        self._scene_vocabulary: tuple[object, Vocabulary] | None = None
        # The widgets are made here and kept: every keystroke reaches several of them.
        self.header = SceneHeader(id="header")
        self.table = BeatTable(id="beats")
        self.form = BeatForm(id="form")
        self.timeline = MeasureTimeline(id="timeline")
        self.checks = DiagnosticsPanel(id="checks")

    # -- layout ------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield self.header
        with Horizontal(id="sheet"):
            yield self.table
            yield self.form
        yield self.timeline
        yield self.checks
        yield KeyFooter()

    def on_mount(self) -> None:
        self.header.scene_title = f"opening {self.path.name}…"
        self.header.score_busy = True
        self.timeline.border_title = "timeline"
        self.table.border_title = "beats"
        for field_input in self.form.inputs():
            field_input.cursor_blink = self.settings.cursor_blink
        self.table.focus()
        self.read_scene_file()

    def on_unmount(self) -> None:
        self.saving.release_lock()
        gc.unfreeze()  # what the scene held can be collected again

    # -- opening -----------------------------------------------------------------------
    @work(thread=True, exclusive=True, exit_on_error=False, group="open",
          description="reading the scene")  # fmt: skip
    def read_scene_file(self, reload: bool = False) -> None:
        scene_file = read_scene(self.path)
        unsaved = None if reload else journaled_edits(self.path, scene_file)
        self.post_message(SceneRead(scene_file, reload, unsaved))

    @on(SceneRead)
    def _scene_read(self, message: SceneRead) -> None:
        if message.reload and self.session is not None:
            self.session.reload(message.scene_file)
            self.header.scene_title = self.session.scene.title
            self.saving.forget_journal()
            self.notify(f"reloaded {self.path.name} from disk", title="Reloaded")
            self.show_scene_afresh(cursor=min(self.cursor, len(self.session.scene.beats) - 1))
            self.score_loading.start()
            return
        self.session = OpenScene(message.scene_file)
        scene = self.session.scene
        self.header.scene_title = scene.title
        self.header.file_name = self.path.name
        self.show_scene_afresh(cursor=0)
        self.score_loading.start()
        if self.saving.take_lock() and message.unsaved is not None:
            self.saving.offer_journal(*message.unsaved)
        self.saving.start_journal()

    def show_scene_afresh(self, cursor: int) -> None:
        """Everything drawn afresh from the session (on opening, reloading, restoring)."""
        assert self.session is not None
        self.form.set_choices(self.session.scene, self.settings.vocabulary)
        self.show_scene(max(cursor, 0))

    # -- the score ---------------------------------------------------------------------
    @on(ScoreRead)
    def _score_read(self, message: ScoreRead) -> None:
        self.score_loading.read(message)

    def score_known(self) -> None:
        """The beats' times are final now (score read, failed, or none): redraw them."""
        assert self.session is not None
        self.timeline.show_measures(self.session.measures)
        self._show_rows(cursor=None)
        self._frozen = False
        self._analyse_now()

    # -- drawing -----------------------------------------------------------------------
    def _vocabulary(self, scene: Scene) -> Vocabulary:
        if self._scene_vocabulary is None or self._scene_vocabulary[0] is not scene.moves:
            vocabulary = self.settings.vocabulary.with_scene_moves(scene.moves)
            self._scene_vocabulary = (scene.moves, vocabulary)
        return self._scene_vocabulary[1]

    def _show_rows(self, cursor: int | None) -> None:
        assert self.session is not None
        scene = self.session.scene
        measures = self.session.measures if self.session.score_known else None
        rows = self.rows.rows(scene, measures, self._vocabulary(scene))
        self.table.show_rows(rows, cursor, numbers=self.rows.colour)

    def show_scene(self, cursor: int, *, keep_typed: bool = False) -> None:
        """Show the session's scene: rows that changed, the beat in the form, the timeline."""
        assert self.session is not None
        beats = self.session.scene.beats
        cursor = max(0, min(cursor, len(beats) - 1))
        self._show_rows(cursor)
        beat = beats[cursor] if beats else None
        self.form.show_beat(cursor if beat else None, beat, keep_typed=keep_typed)
        self.timeline.follow(cursor if beat else None)
        self.header.dirty = self.session.dirty
        self._schedule_checks()

    @on(DataTable.RowSelected, "#beats")
    def _beat_chosen(self, event: DataTable.RowSelected) -> None:
        """A click on the row under the cursor edits it too."""
        event.stop()
        self.action_edit_beat()

    @on(DataTable.RowHighlighted, "#beats")
    def _beat_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if self.session is None:
            return
        beats = self.session.scene.beats
        index = event.cursor_row
        if not 0 <= index < len(beats):
            return
        if self.form.beat is not beats[index] or self.form.index != index:
            self.form.show_beat(index, beats[index])
        self.timeline.follow(index)

    # -- checks ------------------------------------------------------------------------
    def _schedule_checks(self) -> None:
        self.generation += 1
        if self._check_timer is not None:
            self._check_timer.stop()
        self._check_timer = self.set_timer(self.settings.check_delay, self._analyse_now)

    def _analyse_now(self) -> None:
        if self.session is None or not self.session.score_known:
            return
        self.analyse(self.generation, self.session.scene, self.session.score_reading)

    @work(thread=True, exclusive=True, exit_on_error=False, group="checks",
          description="checking the scene")  # fmt: skip
    def analyse(self, generation: int, scene: Scene, score: ScoreReading) -> None:
        diagnosis = diagnose(scene, score, self.settings.vocabulary)
        self.post_message(SceneAnalysed(generation, diagnosis.placed, diagnosis.diagnostics))

    @on(SceneAnalysed)
    def _analysed(self, message: SceneAnalysed) -> None:
        if message.generation != self.generation or self.session is None:
            return
        colour = PALETTE_COLOURS.get(self.session.scene.palette or "", NO_PALETTE_COLOUR)
        self.timeline.show_beats(message.placed, colour)
        self.timeline.follow(self.cursor if message.placed else None)
        self.checks.show(message.diagnostics)
        if not self._frozen:
            # Everything drawn now: a long scene is hundreds of thousands of objects (beats,
            # rows, cells, measures, checks) that live as long as the editor, and every
            # full pass of the cycle collector over them stalls a keystroke by most of
            # 100 ms. Collect once, and leave them out of later passes.
            self._frozen = True
            gc.collect()
            gc.freeze()

    @on(DiagnosticChosen)
    def _diagnostic_chosen(self, message: DiagnosticChosen) -> None:
        if self.session is None or message.beat_id is None:
            return
        index = self._index_of(message.beat_id)
        if index is not None:
            self.table.move_cursor(row=index, animate=False)
            self.table.focus()

    def action_edit_beat(self) -> None:
        if self.session is None or not self.session.scene.beats:
            self.notify("no beat to edit: press a to add one")
            return
        self.form.input_for("at").focus()

    def action_back_to_table(self) -> None:
        self._commit_form()
        self.table.focus()

    def jump_to_measure(self, number: str) -> None:
        """Show measure ``number``: the first beat on it or after it, and the measure."""
        if self.session is None:
            return
        measures = self.session.measures
        measure = measures.measure(number)
        if measure is None:
            self.notify(f"there is no measure {number}", severity="warning")
            return
        index: int | None = None
        best = float("inf")
        for position, beat in enumerate(self.session.scene.beats):
            try:
                offset = measures.offset_of(beat.at, beat.pass_number or 1)
            except OutsideScore:
                continue
            if measure.offset - 1e-9 <= offset < best:
                index, best = position, offset
        if index is not None:
            self.table.move_cursor(row=index, animate=False)
        self.timeline.jump_to_measure(number)
        self.table.focus()

    # -- saving, syncing, exporting, quitting (the work is in saving.py) -------------
    def action_save(self) -> None:
        if self.session is not None:
            self._commit_form()
            self.saving.save()

    def action_sync(self) -> None:
        if self.session is not None:
            self._commit_form()
            self.saving.sync()

    def action_export_markdown(self) -> None:
        if self.session is not None:
            self._commit_form()
            self.saving.export_markdown()

    def request_quit(self) -> None:
        """Quit, asking first when there are unsaved edits."""
        if self.session is None:
            self.app.exit()
            return
        self._commit_form()
        self.saving.quit()

    @on(SceneSaved)
    def _saved(self, message: SceneSaved) -> None:
        self.saving.saved(message)

    @on(ScoreSynced)
    def _synced(self, message: ScoreSynced) -> None:
        self.saving.synced(message)

    @on(SheetExported)
    def _exported(self, message: SheetExported) -> None:
        self.notify(f"wrote {message.path}", title="Exported Markdown", timeout=5)

    # -- the command palette's commands ------------------------------------------------
    def action_check(self) -> None:
        if self.session is None:
            return
        self._commit_form()
        self._analyse_now()
        self.checks.focus()
        self.notify(f"checks: {summary(self.checks.diagnostics)}", timeout=3)

    def action_score_info(self) -> None:
        if self.session is None:
            return
        scene = self.session.scene
        if self.session.score is not None:
            source = scene.score.file_name
        elif self.session.score_problem:
            source = f"{scene.score.file} could not be read: {self.session.score_problem}"
        elif scene.score.file and not self.session.score_known:
            source = f"{scene.score.file} (still being read)"
        else:
            source = "none"
        self.app.push_screen(ScoreInfoScreen(score_summary(self.session.measures, source)))

    # -- failures ----------------------------------------------------------------------
    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Every worker's failure ends here, said in the user's terms."""
        if event.state != WorkerState.ERROR:
            return
        worker = event.worker
        error = worker.error or RuntimeError("unknown failure")
        if worker.group == "open":
            self._open_failed(error)
        elif worker.group == "score":
            self.score_loading.failed(error)
        elif worker.group == "save":
            self.saving.save_failed(error)
        elif worker.group == "sync":
            self.saving.sync_failed(error)
        elif worker.group == "export":
            self.notify(str(error), title="Not exported", severity="error", timeout=8)
        elif worker.group == "journal":
            self.saving.journal_failed(error)
        else:
            self.notify(str(error), title=f"{worker.group} failed", severity="error")

    def _open_failed(self, error: BaseException) -> None:
        if self.session is not None:  # a reload: keep what is open
            self.notify(str(error), title="Not reloaded", severity="error", timeout=8)
            return
        if self.exit_on_failure:
            failure = error if isinstance(error, ChoreoError) else ChoreoError(str(error))
            self.app.post_message(OpeningFailed(failure))
            return
        self.app.pop_screen()
        self.app.notify(str(error), title="Cannot open the scene", severity="error", timeout=8)
