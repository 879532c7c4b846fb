"""The editor: one scene's beats in a table, the selected beat's form, the measure timeline
and the checks, with the key contract of DESIGN.md.

Slow work runs in thread workers (reading the scene and its score, checking, saving,
exporting, journaling); they post messages and never touch a widget. Every failure comes
back through one ``Worker.StateChanged`` handler.
"""

from __future__ import annotations

import dataclasses
import datetime
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import DataTable
from textual.worker import Worker, WorkerState

from choreo.checks import check_scene
from choreo.errors import ChoreoError, ConflictError
from choreo.journal import clear_journal, read_journal, write_journal
from choreo.lock import SceneLock, SceneLocked
from choreo.model import PALETTE_COLOURS, Scene, format_beat
from choreo.placement import place_beats
from choreo.project import measures_for, score_digest
from choreo.store import SceneFile, atomic_write, parse_scene, read_scene, render_scene, save_scene
from choreo.timing import MeasureMap
from choreo.tui.edits import add_beat, delete_beat, move_beat, replace_beat
from choreo.tui.fields import FieldError, FieldName, with_field
from choreo.tui.messages import (
    DiagnosticChosen,
    FieldEdited,
    OpeningFailed,
    SceneAnalysed,
    SceneRead,
    SceneSaved,
    ScoreRead,
    ScoreSynced,
    SheetExported,
)
from choreo.tui.screens.questions import (
    ConflictQuestion,
    LockedQuestion,
    QuitQuestion,
    RestoreQuestion,
)
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


class EditorScreen(Screen[None]):
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
                tooltip="Undo the last edit: add, delete, move or a field change"),
        Binding("ctrl+y", "redo", "Redo", id="redo", priority=True, show=False,
                tooltip="Redo the edit undone last"),
        Binding("ctrl+e", "export_markdown", "Export", id="export-markdown", priority=True,
                tooltip="Write the beat sheet as Markdown next to the scene (NAME.md)"),
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
        self.scene_lock: SceneLock | None = None
        self.generation = 0
        self.score_digest: str | None = None
        self._check_timer: Timer | None = None
        self._score_timer: Timer | None = None
        self._score_started = 0.0
        self._journal_timer: Timer | None = None
        self._journaled: Scene | None = None
        self._journal_copy: SceneFile | None = None  # owned by the journal worker
        self._scene_vocabulary: tuple[object, Vocabulary] | None = None
        self._quit_when_saved = False
        self._save_then_quit = False

    # -- layout ------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield SceneHeader(id="header")
        with Horizontal(id="sheet"):
            yield BeatTable(id="beats")
            yield BeatForm(id="form")
        yield MeasureTimeline(id="timeline")
        yield DiagnosticsPanel(id="checks")
        yield KeyFooter()

    @property
    def table(self) -> BeatTable:
        return self.query_one("#beats", BeatTable)

    @property
    def form(self) -> BeatForm:
        return self.query_one("#form", BeatForm)

    @property
    def header(self) -> SceneHeader:
        return self.query_one("#header", SceneHeader)

    @property
    def timeline(self) -> MeasureTimeline:
        return self.query_one("#timeline", MeasureTimeline)

    @property
    def checks(self) -> DiagnosticsPanel:
        return self.query_one("#checks", DiagnosticsPanel)

    @property
    def cursor(self) -> int:
        return self.table.cursor_row if self.table.row_count else 0

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
        if self.scene_lock is not None:
            self.scene_lock.release()
            self.scene_lock = None

    # -- opening -----------------------------------------------------------------------
    @work(thread=True, exclusive=True, exit_on_error=False, group="open")
    def read_scene_file(self, reload: bool = False) -> None:
        scene_file = read_scene(self.path)
        unsaved = None if reload else journaled_edits(self.path, scene_file)
        self.post_message(SceneRead(scene_file, reload, unsaved))

    @on(SceneRead)
    def _scene_read(self, message: SceneRead) -> None:
        if message.reload and self.session is not None:
            self.session.reload(message.scene_file)
            self.header.scene_title = self.session.scene.title
            clear_journal(self.path)
            self._journaled = None
            self.notify(f"reloaded {self.path.name} from disk", title="Reloaded")
            self._scene_shown(cursor=min(self.cursor, len(self.session.scene.beats) - 1))
            self._read_score()
            return
        self.session = OpenScene(message.scene_file)
        scene = self.session.scene
        self.header.scene_title = scene.title
        self.header.file_name = self.path.name
        self._scene_shown(cursor=0)
        self._read_score()
        if self._take_lock() and message.unsaved is not None:
            self._offer_journal(*message.unsaved)
        self._journal_timer = self.set_interval(self.settings.journal_seconds, self._journal_tick)

    def _scene_shown(self, cursor: int) -> None:
        """Everything drawn afresh from the session (on opening, reloading, restoring)."""
        assert self.session is not None
        self.form.set_choices(self.session.scene, self.settings.vocabulary)
        self._refresh(max(cursor, 0))

    def _take_lock(self) -> bool:
        try:
            self.scene_lock = SceneLock.acquire(self.path)
        except SceneLocked as error:
            self.app.push_screen(LockedQuestion(self.path.name, error.message), self._answer_locked)
            return False
        except ChoreoError as error:  # no state folder to lock in: edit, but say so
            self.notify(str(error), title="Not locked", severity="warning", timeout=8)
        return True

    def _answer_locked(self, answer: str | None) -> None:
        if answer == "quit":
            self.app.exit()
            return
        assert self.session is not None
        self.session.read_only = True
        self.header.read_only = True
        self.notify("open read-only: saving is off while another choreo has it", title="Read-only")

    def _offer_journal(self, scene: Scene, saved_at: float) -> None:
        """Ask whether to bring back edits journaled by an editor that did not close."""

        def answered(answer: str | None) -> None:
            assert self.session is not None
            if answer == "restore":
                self.session.apply("restore unsaved edits", scene, self.cursor, 0)
                self._scene_shown(cursor=0)
                self.notify("restored the unsaved edits; ctrl+z undoes that", title="Restored")
            elif answer == "discard":
                clear_journal(self.path)

        when = datetime.datetime.fromtimestamp(saved_at).strftime("%Y-%m-%d %H:%M")
        self.app.push_screen(RestoreQuestion(self.path.name, when, len(scene.beats)), answered)

    # -- the score ---------------------------------------------------------------------
    def _read_score(self) -> None:
        assert self.session is not None
        scene = self.session.scene
        self.session.score = None
        self.session.score_problem = None
        self.header.score_failed = False
        if not scene.score.file:
            self.header.score_busy = False
            self.header.score_status = f"no score — steady 4/4 at {format_beat(scene.score.tempo)}"
            self._score_known()
            return
        self.header.score_busy = True
        self._score_started = time.monotonic()
        self._tick_score()
        if self._score_timer is None:
            self._score_timer = self.set_interval(0.2, self._tick_score)
        else:
            self._score_timer.resume()
        self.read_score(scene, self.path)

    def _tick_score(self) -> None:
        elapsed = time.monotonic() - self._score_started
        self.header.score_status = f"parsing score… {elapsed:.1f}s"

    def _stop_score_timer(self) -> None:
        if self._score_timer is not None:
            self._score_timer.pause()
        self.header.score_busy = False

    @work(thread=True, exclusive=True, exit_on_error=False, group="score")
    def read_score(self, scene: Scene, path: Path) -> None:
        started = time.monotonic()
        measures = measures_for(scene, path)
        digest = score_digest(scene, path)
        self.post_message(ScoreRead(measures, time.monotonic() - started, digest))

    @on(ScoreRead)
    def _score_read(self, message: ScoreRead) -> None:
        assert self.session is not None
        self._stop_score_timer()
        self.session.score = message.measures
        self.score_digest = message.digest
        name = _score_name(self.session.scene.score.file or "")
        count = len(message.measures.measures)
        self.header.score_status = f"score: {name}, {count} bar{'s' if count != 1 else ''}"
        self._score_known()

    def _score_failed(self, error: BaseException) -> None:
        assert self.session is not None
        self._stop_score_timer()
        problem = (
            error.message if isinstance(error, ChoreoError) else str(error) or type(error).__name__
        )
        self.session.score_problem = problem
        name = _score_name(self.session.scene.score.file or "")
        self.header.score_failed = True
        self.header.score_status = f"steady grid — score {name}: {problem}"
        self.notify(
            f"{error}\nThe beats sit on a steady 4/4 grid meanwhile.",
            title="The score could not be read",
            severity="error",
            timeout=8,
        )
        self._score_known()

    def _score_known(self) -> None:
        """The beats' times are final now (score read, failed, or none): redraw them."""
        assert self.session is not None
        self.timeline.show_measures(self.session.measures)
        self._show_rows(cursor=None)
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
        self.table.show_rows(self.rows.rows(scene, measures, self._vocabulary(scene)), cursor)

    def _refresh(self, cursor: int, *, keep_typed: bool = False) -> None:
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
        scene, measures = self.session.scene, self.session.measures
        self.analyse(self.generation, scene, measures, self.score_digest)

    @work(thread=True, exclusive=True, exit_on_error=False, group="checks")
    def analyse(
        self, generation: int, scene: Scene, measures: MeasureMap, score_hash: str | None
    ) -> None:
        placed = place_beats(scene, measures)
        found = check_scene(scene, self.settings.vocabulary, measures, score_hash=score_hash)
        self.post_message(SceneAnalysed(generation, placed, found))

    @on(SceneAnalysed)
    def _analysed(self, message: SceneAnalysed) -> None:
        if message.generation != self.generation or self.session is None:
            return
        colour = PALETTE_COLOURS.get(self.session.scene.palette or "", NO_PALETTE_COLOUR)
        self.timeline.show_beats(message.placed, colour)
        self.timeline.follow(self.cursor if message.placed else None)
        self.checks.show(message.diagnostics)

    @on(DiagnosticChosen)
    def _diagnostic_chosen(self, message: DiagnosticChosen) -> None:
        if self.session is None or message.beat_id is None:
            return
        index = self._index_of(message.beat_id)
        if index is not None:
            self.table.move_cursor(row=index, animate=False)
            self.table.focus()

    def _index_of(self, beat_id: str) -> int | None:
        assert self.session is not None
        return next((i for i, b in enumerate(self.session.scene.beats) if b.id == beat_id), None)

    # -- edits -------------------------------------------------------------------------
    def _apply(self, label: str, scene: Scene, cursor: int, *, keep_typed: bool = False) -> None:
        assert self.session is not None
        self.session.apply(label, scene, self.cursor, cursor)
        self._refresh(cursor, keep_typed=keep_typed)

    def _commit_form(self) -> None:
        """The field being typed in counts before a key acts on the scene."""
        edit = self.form.pending_edit()
        if edit is not None:
            self._apply_field(edit)

    @on(FieldEdited)
    def _field_edited(self, message: FieldEdited) -> None:
        self._apply_field(message)

    def _apply_field(self, edit: FieldEdited) -> None:
        if self.session is None:
            return
        beats = self.session.scene.beats
        index = edit.index
        if not (0 <= index < len(beats) and beats[index].id == edit.beat_id):
            found = self._index_of(edit.beat_id)
            if found is None:
                return
            index = found
        beat = beats[index]
        field_name: FieldName = edit.field  # type: ignore[assignment]
        try:
            changed = with_field(beat, field_name, edit.text, self.session.scene.cast_ids())
        except FieldError as error:
            if self.form.beat is beat:
                self.form.show_problem(edit.field, error.message)
            return
        if changed is beat:
            return
        scene = replace_beat(self.session.scene, index, changed)
        self._apply(f"{edit.field} of {beat.id}", scene, index, keep_typed=True)

    def action_add_beat(self) -> None:
        if self.session is None:
            return
        self._commit_form()
        scene = self.session.scene
        after = self.cursor if scene.beats else None
        changed, index = add_beat(scene, after, self.session.measures)
        self._apply(f"add {changed.beats[index].id}", changed, index)

    def action_delete_beat(self) -> None:
        if self.session is None or not self.session.scene.beats:
            self.app.bell()
            return
        self._commit_form()
        index = self.cursor
        removed = self.session.scene.beats[index].id
        changed, cursor = delete_beat(self.session.scene, index)
        self._apply(f"delete {removed}", changed, cursor)

    def action_move_beat(self, step: int) -> None:
        if self.session is None:
            return
        self._commit_form()
        moved = move_beat(self.session.scene, self.cursor, step)
        if moved is None:
            self.app.bell()
            return
        changed, cursor = moved
        direction = "up" if step < 0 else "down"
        self._apply(f"move {changed.beats[cursor].id} {direction}", changed, cursor)

    def action_edit_beat(self) -> None:
        if self.session is None or not self.session.scene.beats:
            self.notify("no beat to edit: press a to add one")
            return
        self.form.input_for("at").focus()

    def action_back_to_table(self) -> None:
        self._commit_form()
        self.table.focus()

    def action_undo(self) -> None:
        if self.session is None:
            return
        self._commit_form()
        edit = self.session.undo()
        if edit is None:
            self.notify("nothing to undo", timeout=2)
            return
        self._after_history(edit.cursor_before)

    def action_redo(self) -> None:
        if self.session is None:
            return
        self._commit_form()
        edit = self.session.redo()
        if edit is None:
            self.notify("nothing to redo", timeout=2)
            return
        self._after_history(edit.cursor_after)

    def _after_history(self, cursor: int) -> None:
        assert self.session is not None
        if self.form.has_focus_within:
            self.table.focus()
        self._refresh(cursor)

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
            except (KeyError, ValueError):
                continue
            if measure.offset - 1e-9 <= offset < best:
                index, best = position, offset
        if index is not None:
            self.table.move_cursor(row=index, animate=False)
        self.timeline.jump_to_measure(number)
        self.table.focus()

    # -- saving, exporting, journaling -----------------------------------------------
    def action_save(self) -> None:
        if self.session is None:
            return
        self._commit_form()
        if self.session.read_only:
            self.notify(
                "read-only: this scene is open in another choreo; not saving",
                severity="warning",
            )
            return
        self._save(force=False, then_quit=False)

    def _save(self, *, force: bool, then_quit: bool) -> None:
        assert self.session is not None
        if self._busy("save", "sync"):
            self.notify("still saving…", timeout=2)
            return
        self._save_then_quit = then_quit
        self.save(self.session.file, self.session.scene, force)

    def _busy(self, *groups: str) -> bool:
        return any(w.group in groups and w.is_running for w in self.workers)

    @work(thread=True, exclusive=False, exit_on_error=False, group="save")
    def save(self, scene_file: SceneFile, scene: Scene, force: bool) -> None:
        saved = save_scene(scene_file, scene, force=force)
        clear_journal(saved.path)
        self.post_message(SceneSaved(saved, scene))

    @on(SceneSaved)
    def _saved(self, message: SceneSaved) -> None:
        assert self.session is not None
        self.session.saved_as(message.scene_file, message.scene)
        self._journaled = None
        self.header.dirty = self.session.dirty
        self.notify(f"saved {self.path.name}", timeout=3)
        if self._save_then_quit or self._quit_when_saved:
            self._save_then_quit = self._quit_when_saved = False
            self._quit_or_ask()

    def _save_failed(self, error: BaseException) -> None:
        then_quit, self._save_then_quit = self._save_then_quit, False
        self._quit_when_saved = False
        if isinstance(error, ConflictError):

            def answered(answer: str | None) -> None:
                if answer == "reload":
                    self.read_scene_file(reload=True)
                elif answer == "overwrite":
                    self._save(force=True, then_quit=then_quit)

            self.app.push_screen(ConflictQuestion(self.path.name), answered)
            return
        self.notify(str(error), title="Not saved", severity="error", timeout=8)

    def action_sync(self) -> None:
        """Write the beats into a copy of the score (``choreo sync``) and save the scene
        with the record of what it was synced against."""
        if self.session is None:
            return
        self._commit_form()
        if self.session.read_only:
            self.notify("read-only: syncing saves the scene, and it is open elsewhere",
                        severity="warning")  # fmt: skip
            return
        if not self.session.scene.score.file:
            self.notify("this scene has no score to sync with", severity="warning")
            return
        if self._busy("save", "sync"):
            self.notify("still saving…", timeout=2)
            return
        self.sync_with_score(dataclasses.replace(self.session.file, scene=self.session.scene))

    @work(thread=True, exclusive=False, exit_on_error=False, group="sync")
    def sync_with_score(self, scene_file: SceneFile) -> None:
        from choreo.sync import push

        result = push(scene_file)
        self.post_message(ScoreSynced(result.scene_file, result.summary()))

    @on(ScoreSynced)
    def _synced(self, message: ScoreSynced) -> None:
        assert self.session is not None
        synced = message.scene_file.scene
        self.session.apply("sync with the score", synced, self.cursor, self.cursor)
        self.session.saved_as(message.scene_file, synced)
        clear_journal(self.path)
        self._journaled = None
        self._refresh(self.cursor)
        self.notify(message.summary, title="Synced with the score", timeout=6)

    def action_export_markdown(self) -> None:
        if self.session is None:
            return
        self._commit_form()
        target = self.path.with_name(f"{self.path.stem}.md")
        current = dataclasses.replace(self.session.file, scene=self.session.scene)
        self.export_sheet(current, self.session.measures, target)

    @work(thread=True, exclusive=True, exit_on_error=False, group="export")
    def export_sheet(self, scene_file: SceneFile, measures: MeasureMap, target: Path) -> None:
        from choreo.export import export_scenes

        data = export_scenes([scene_file], format="md", measures=lambda _: measures)
        atomic_write(target, data, backup=False)
        self.post_message(SheetExported(target))

    @on(SheetExported)
    def _exported(self, message: SheetExported) -> None:
        self.notify(f"wrote {message.path}", title="Exported Markdown", timeout=5)

    def _journal_tick(self) -> None:
        session = self.session
        if session is None or session.read_only or self._busy("journal"):
            return
        if not session.dirty:
            if self._journaled is not None:
                clear_journal(self.path)
                self._journaled = None
            return
        if session.scene is self._journaled:
            return
        self._journaled = session.scene
        self.write_journal_copy(session.scene, session.file.text, session.file.digest)

    @work(thread=True, exclusive=True, exit_on_error=False, group="journal")
    def write_journal_copy(self, scene: Scene, text: str, digest: str) -> None:
        # The journal renders into its own copy of the file's YAML tree, so the tree a
        # save writes from keeps every comment even after edits that were undone.
        if self._journal_copy is None or self._journal_copy.digest != digest:
            self._journal_copy = parse_scene(text.encode("utf-8"), self.path)
        write_journal(self.path, render_scene(self._journal_copy, scene), digest)

    # -- quitting ----------------------------------------------------------------------
    def request_quit(self) -> None:
        """Quit, asking first when there are unsaved edits."""
        if self.session is None:
            self.app.exit()
            return
        self._commit_form()
        if self._busy("save"):
            self._quit_when_saved = True
            return
        self._quit_or_ask()

    def _quit_or_ask(self) -> None:
        assert self.session is not None
        if not self.session.dirty:
            self.app.exit()
            return

        def answered(answer: str | None) -> None:
            if answer == "save":
                self._save(force=False, then_quit=True)
            elif answer == "discard":
                if self.session is not None and not self.session.read_only:
                    clear_journal(self.path)
                self.app.exit()

        self.app.push_screen(
            QuitQuestion(self.path.name, can_save=not self.session.read_only), answered
        )

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
            source = _score_name(scene.score.file or "")
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
            self._score_failed(error)
        elif worker.group == "save":
            self._save_failed(error)
        elif worker.group == "sync":
            hint = "\nSave first (ctrl+s) to settle it." if isinstance(error, ConflictError) else ""
            self.notify(f"{error}{hint}", title="Not synced", severity="error", timeout=8)
        elif worker.group == "export":
            self.notify(str(error), title="Not exported", severity="error", timeout=8)
        elif worker.group == "journal":
            self._journaled = None
            self.notify(str(error), title="Unsaved edits are not journaled", severity="warning")
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


def _score_name(reference: str) -> str:
    return reference if reference.startswith("corpus:") else Path(reference).name


def journaled_edits(path: Path, scene_file: SceneFile) -> tuple[Scene, float] | None:
    """Edits journaled by an editor that did not close cleanly, when they were made to the
    file as it is on disk now and differ from it: the scene they make, and when."""
    journal = read_journal(path)
    if journal is None or journal.base_digest != scene_file.digest:
        return None
    if journal.text == scene_file.text:
        return None
    try:
        scene = parse_scene(journal.text.encode("utf-8"), path).scene
    except ChoreoError:
        return None
    return None if scene == scene_file.scene else (scene, journal.saved_at)
