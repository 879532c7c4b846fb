"""The editor: one scene's beats in a table, the selected beat's form, the measure timeline
and the checks, with the key contract of DESIGN.md.

The screen is made with its scene read (:mod:`choreo.tui.screens.opening` reads it).
Slow work runs in the screen's own thread workers (checking the scene and reading its
score here; saving, syncing, exporting and journaling in
:mod:`choreo.tui.screens.scene_safety`); the work is plain code, and the workers post
messages and never touch a widget. Every failure comes back through one
``Worker.StateChanged`` handler.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.reactive import Reactive
from textual.timer import Timer
from textual.widget import Widget
from textual.worker import Worker, WorkerState

from choreo.checks import ScoreReading, diagnose
from choreo.demo import read_only_notice
from choreo.model import PALETTE_COLOURS, Scene
from choreo.scene_score import score_key
from choreo.store import read_scene
from choreo.timing import OutsideScore
from choreo.tui import collector, score_loading
from choreo.tui.messages import DiagnosticChosen, SceneAnalysed, SceneRead, ScoreRead
from choreo.tui.screens.cast import CastScreen
from choreo.tui.screens.columns import ColumnChooser, remembered_columns
from choreo.tui.screens.scene_safety import SceneSafety
from choreo.tui.screens.score_info import ScoreInfoScreen, score_summary
from choreo.tui.screens.settings import SettingsScreen
from choreo.tui.session import OpenScene
from choreo.tui.widgets.beat_form import BeatForm
from choreo.tui.widgets.beat_table import NO_PALETTE_COLOUR, BeatRows, BeatTable
from choreo.tui.widgets.diagnostics import DiagnosticsPanel, summary
from choreo.tui.widgets.footer import KeyFooter
from choreo.tui.widgets.header import SceneHeader
from choreo.tui.widgets.playback import Playback
from choreo.tui.widgets.timeline import MeasureTimeline
from choreo.vocabulary import Vocabulary

if TYPE_CHECKING:
    from choreo.audio.player import Sink


@dataclass(frozen=True)
class EditorSettings:
    """What tests and the benchmark tune; the defaults are what a user gets."""

    journal_seconds: float = 3.0  # how often unsaved edits are journaled
    check_delay: float = 0.25  # quiet time after an edit before the checks run again
    cursor_blink: bool = True
    vocabulary: Vocabulary = field(default_factory=Vocabulary.bundled)
    # Where the music plays: None is the machine's sound output (CHOREO_AUDIO_OUTPUT=null:
    # nowhere); tests give a null sink on a clock of their own.
    audio_output: Callable[[], Sink] | None = None


class EditorScreen(SceneSafety):
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
        Binding("space", "play", "Play", id="play",
                tooltip="Play the music from the beat after a bar's count-in, the cursor "
                "following; again to stop (ctrl+p: play at ¾ or ½ speed)"),
        Binding("t", "tap", "Tap", id="tap", show=False,
                tooltip="While the music plays: a sync point on the bar now starting, "
                "where you hear it (the recording's time; ctrl+z takes it back)"),
        Binding("c", "cast", "Cast", id="cast",
                tooltip="Cast and props: add, rename or remove performers, who doubles whom, "
                "starting props"),
        Binding("s", "settings", "Settings", id="settings",
                tooltip="Scene settings: title, location, palette, score, part, recording, "
                "tempo, fps, start, order, phrase"),
        Binding("v", "choose_columns", "Columns", id="choose-columns",
                tooltip="Choose the table's columns: weapon, safety, camera, cue, status, "
                "attacker → partner, position · setup, ..."),
        Binding("ctrl+e", "export_markdown", "Export", id="export-markdown", priority=True,
                tooltip="Save the scene, then write its beat sheet as Markdown next to it "
                "(NAME.md)"),
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
    ]  # fmt: skip
    # Small screens give the table the room (editor.tcss): the form folds away when narrow,
    # the timeline and the checks shrink when short and fold when tiny.
    # Textual types these `ClassVar[...] | None`, which mypy cannot take; ruff asks for it.
    HORIZONTAL_BREAKPOINTS = [  # noqa: RUF012
        (0, "-narrow"), (100, "-wide"), (160, "-very-wide")
    ]  # fmt: skip
    VERTICAL_BREAKPOINTS = [  # noqa: RUF012
        (0, "-tiny"), (20, "-short"), (34, "-tall")
    ]  # fmt: skip

    # Textual repaints the whole screen when focus moves; the widgets that gain and lose
    # focus repaint themselves (their focus styles change), which is all that changes.
    focused: Reactive[Widget | None] = Reactive(None, repaint=False)

    def __init__(
        self,
        session: OpenScene,
        *,
        settings: EditorSettings,
        unsaved: tuple[Scene, float] | None = None,
    ) -> None:
        super().__init__(session, journal_seconds=settings.journal_seconds)
        # Styled for the screen's size from the start: Textual adds these classes at the
        # first resize, restyling every widget (20 ms), and then once more when it shows
        # the screen (below).
        width, height = self.app.size
        by_width = self._get_breakpoint_classes(width, self.HORIZONTAL_BREAKPOINTS)
        self.add_class(*by_width, *self._get_breakpoint_classes(height, self.VERTICAL_BREAKPOINTS))
        self._shown_before = False
        self.settings = settings
        self.unsaved = unsaved  # edits journaled by an editor that did not close
        self.rows = BeatRows()
        self.generation = 0  # which edit the checks shown describe
        self._check_timer: Timer | None = None
        self._score_timer: Timer | None = None  # ticks the "parsing score…" line
        self._score_started = 0.0
        self._scene_vocabulary: tuple[object, Vocabulary] | None = None
        # The widgets are made here and kept: every keystroke reaches several of them.
        self.header = SceneHeader(id="header")
        self.table = BeatTable(id="beats", shown=remembered_columns())
        self.form = BeatForm(session.scene, id="form", cursor_blink=settings.cursor_blink)
        self.timeline = MeasureTimeline(id="timeline")
        self.checks = DiagnosticsPanel(id="checks")
        self.playback = Playback(self, settings.audio_output)

    # -- layout ------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield self.header
        with Horizontal(id="sheet"):
            yield self.table
            yield self.form
        yield self.timeline
        yield self.checks
        yield self.playback
        yield KeyFooter()

    def on_mount(self) -> None:
        collector.editor_opened()
        self.timeline.border_title = "timeline"
        self.table.border_title = "beats"
        self.header.scene_title = self.session.scene.title
        self.header.file_name = self.path.name
        self.table.focus()
        self.show_scene_afresh(cursor=0)
        self.start_reading_score()
        if self.take_lock() and self.unsaved is not None:
            self.offer_journal(*self.unsaved)
        if (notice := read_only_notice(self.path)) is not None:  # the store refuses its saves
            self.header.read_only = True
            self.notify(notice, title="Read-only", timeout=10)
        self.unsaved = None
        self.start_journal()

    def on_unmount(self) -> None:
        self.release_lock()
        collector.editor_closed()

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        # Textual styles every widget of a screen again each time it is shown; the first
        # time, they were styled as they were mounted a moment before (85 ms on opening).
        # Screen's own handler runs after this one with the event as left here.
        if not self._shown_before:
            self._shown_before = True
            event.refresh_styles = False

    def _on_timer_update(self) -> None:
        # Textual takes a widget changed out of sight (a field scrolled out of the form,
        # a completion list about to show) for one it has not placed, and lays out the
        # whole screen again to find it. Nothing out of sight needs painting: such a
        # widget is drawn afresh as it comes into sight. (A hook of the pinned version.)
        self._dirty_widgets.intersection_update(self._compositor.visible_widgets)
        super()._on_timer_update()

    # -- reloading ---------------------------------------------------------------------
    def reload_scene_file(self) -> None:
        """Read the file as it is on disk now; the edits made here are dropped."""
        self._read_again()

    @work(thread=True, exclusive=True, exit_on_error=False, group="reload",
          description="reading the scene again")  # fmt: skip
    def _read_again(self) -> None:
        self.post_message(SceneRead(read_scene(self.path)))

    @on(SceneRead)
    def _read(self, message: SceneRead) -> None:
        self.session.reload(message.scene_file)
        self.header.scene_title = self.session.scene.title
        self.forget_journal()
        self.notify(f"reloaded {self.path.name} from disk", title="Reloaded")
        self.show_scene_afresh(cursor=min(self.cursor, len(self.session.scene.beats) - 1))
        self.start_reading_score()

    def show_scene_afresh(self, cursor: int) -> None:
        """Everything drawn afresh from the session (on opening, reloading, restoring)."""
        self.form.set_choices(self.session.scene, self.settings.vocabulary)
        self.show_scene(max(cursor, 0))

    # -- the score ---------------------------------------------------------------------
    def start_reading_score(self) -> None:
        """Read the session's score (on opening, or after a reload); meanwhile the beats
        sit on a steady grid and the header ticks."""
        session, header = self.session, self.header
        scene = session.scene
        session.score = None
        session.score_problem = None
        header.score_failed = False
        if not scene.score.file:
            header.score_busy = False
            header.score_status = score_loading.no_score_status(scene)
            self.score_known()
            return
        header.score_busy = True
        self._score_started = time.monotonic()
        self._tick_score()
        if self._score_timer is None:
            self._score_timer = self.set_interval(score_loading.PROGRESS_SECONDS, self._tick_score)
        else:
            self._score_timer.resume()
        self._read_score(scene)

    @work(thread=True, exclusive=True, exit_on_error=False, group="score",
          description="reading the score")  # fmt: skip
    def _read_score(self, scene: Scene) -> None:
        measures, seconds = score_loading.read_score(scene, self.path)
        self.post_message(ScoreRead(measures, seconds, score_key(scene)))

    def _tick_score(self) -> None:
        elapsed = time.monotonic() - self._score_started
        self.header.score_status = score_loading.reading_status(elapsed)

    def _stop_ticking(self) -> None:
        if self._score_timer is not None:
            self._score_timer.pause()
        self.header.score_busy = False

    @on(ScoreRead)
    def _score_read(self, message: ScoreRead) -> None:
        if message.key != score_key(self.session.scene):
            return  # read for a score, part or tempo changed since: a newer read follows
        self._stop_ticking()
        self.session.score = message.measures
        self.header.score_status = score_loading.read_status(self.session.scene, message.measures)
        self.score_known()

    def _score_failed(self, error: BaseException) -> None:
        """The score could not be read: say why; the beats stay on the grid."""
        self._stop_ticking()
        problem = score_loading.problem_of(error)
        self.session.score_problem = problem
        self.header.score_failed = True
        self.header.score_status = score_loading.failed_status(self.session.scene, problem)
        self.notify(
            f"{error}\nThe beats sit on a steady 4/4 grid meanwhile.",
            title="The score could not be read",
            severity="error",
            timeout=8,
        )
        self.score_known()

    def score_known(self) -> None:
        """The beats' times are final now (score read, failed, or none): redraw them."""
        self.timeline.show_measures(self.session.measures)
        self._show_rows(cursor=None)
        # Checked once the table is painted: the checks' thread and the first paint
        # would take turns at the interpreter (on opening, 2,000 beats: 50 ms).
        self.call_after_refresh(self._analyse_now)
        self.playback.score_known()  # its notes are read ahead of the first space

    # -- drawing -----------------------------------------------------------------------
    def _vocabulary(self, scene: Scene) -> Vocabulary:
        if self._scene_vocabulary is None or self._scene_vocabulary[0] is not scene.moves:
            vocabulary = self.settings.vocabulary.with_scene_moves(scene.moves)
            self._scene_vocabulary = (scene.moves, vocabulary)
        return self._scene_vocabulary[1]

    def _show_rows(self, cursor: int | None) -> None:
        scene = self.session.scene
        measures = self.session.measures if self.session.score_known else None
        rows = self.rows.rows(scene, measures, self._vocabulary(scene))
        self.table.show_rows(rows, cursor, numbers=self.rows.colour)

    def show_scene(self, cursor: int, *, keep_typed: bool = False) -> None:
        """Show the session's scene: rows that changed, the beat in the form, the timeline."""
        beats = self.session.scene.beats
        cursor = max(0, min(cursor, len(beats) - 1))
        self._show_rows(cursor)
        beat = beats[cursor] if beats else None
        self.form.show_beat(cursor if beat else None, beat, keep_typed=keep_typed)
        self.timeline.follow(cursor if beat else None)
        self.header.dirty = self.session.dirty
        self._schedule_checks()

    @on(BeatTable.RowSelected, "#beats")
    def _beat_chosen(self, event: BeatTable.RowSelected) -> None:
        """A click on the row under the cursor edits it too."""
        event.stop()
        self.action_edit_beat()

    @on(BeatTable.RowHighlighted, "#beats")
    def _beat_highlighted(self, event: BeatTable.RowHighlighted) -> None:
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
        if not self.session.score_known:
            return
        self.analyse(self.generation, self.session.scene, self.session.score_reading)

    @work(thread=True, exclusive=True, exit_on_error=False, group="checks",
          description="checking the scene")  # fmt: skip
    def analyse(self, generation: int, scene: Scene, score: ScoreReading) -> None:
        diagnosis = diagnose(scene, score, self.settings.vocabulary)
        self.post_message(SceneAnalysed(generation, diagnosis.placed, diagnosis.diagnostics))

    @on(SceneAnalysed)
    def _analysed(self, message: SceneAnalysed) -> None:
        if message.generation != self.generation:
            return
        colour = PALETTE_COLOURS.get(self.session.scene.palette or "", NO_PALETTE_COLOUR)
        self.timeline.show_beats(message.placed, colour)
        self.timeline.follow(self.cursor if message.placed else None)
        self.checks.show(message.diagnostics)
        self.call_after_refresh(collector.editor_idle)  # after the checks are painted

    @on(DiagnosticChosen)
    def _diagnostic_chosen(self, message: DiagnosticChosen) -> None:
        if message.beat_id is None:
            return
        index = self._index_of(message.beat_id)
        if index is not None:
            self.table.move_cursor(row=index, animate=False)
            self.table.focus()

    def action_edit_beat(self) -> None:
        if not self.session.scene.beats:
            self.notify("no beat to edit: press a to add one")
            return
        self.form.input_for("at").focus()

    @on(events.DescendantFocus)
    def _focus_moved(self) -> None:
        self._fold_form()

    def on_resize(self) -> None:
        self.call_after_refresh(self._fold_form)  # after the breakpoints' classes

    def _fold_form(self) -> None:
        """On a narrow screen the form is away (folded) while focus is outside it. Only
        there: a class that changes restyles the whole form."""
        focused = self.focused
        editing = focused is not None and self.form in focused.ancestors_with_self
        self.form.set_class(self.has_class("-narrow") and not editing, "-away")

    def action_choose_columns(self) -> None:
        self.app.push_screen(ColumnChooser(self.table.shown, self.table.show_columns))

    def action_back_to_table(self) -> None:
        self._commit_form()
        self.table.focus()

    def jump_to_measure(self, number: str) -> None:
        """Show measure ``number``: the first beat on it or after it, and the measure."""
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

    # -- the cast and settings screens ------------------------------------------------
    def action_cast(self) -> None:
        self._commit_form()
        self.app.push_screen(CastScreen(self))

    def action_settings(self) -> None:
        self._commit_form()
        self.app.push_screen(SettingsScreen(self))

    def change_scene(self, label: str, scene: Scene) -> None:
        """An edit made in the cast or settings screen: into the history, and shown."""
        before = self.session.scene
        self._apply(label, scene, self.cursor)
        self.follow_scene(before)

    def follow_scene(self, before: Scene) -> None:
        """What an edit or an undo changed besides the beats: the title, what the form
        completes from, and the score the beats follow (read again when it changed)."""
        scene = self.session.scene
        self.header.scene_title = scene.title
        if scene.cast is not before.cast or scene.moves is not before.moves:
            self.form.set_choices(scene, self.settings.vocabulary)
        if score_key(scene) != score_key(before):
            if self.playback.retime(scene):  # only the sync points changed: no score read
                self.score_known()
            else:
                self.start_reading_score()

    # -- playing the music (choreo/tui/widgets/playback.py) -----------------------------
    def action_play(self) -> None:
        self._commit_form()
        self.playback.toggle()

    def action_tap(self) -> None:
        self.playback.tap()

    def play_at(self, speed: float) -> None:
        self._commit_form()
        self.playback.play_at(speed)

    # -- saving, syncing, exporting, leaving (the flow is in scene_safety.py) --------
    def action_save(self) -> None:
        self._commit_form()
        self.save()

    def action_sync(self) -> None:
        self._commit_form()
        self.sync()

    def action_export_markdown(self) -> None:
        self._commit_form()
        self.export_markdown()

    def request_quit(self) -> None:
        """Quit, asking first when there are unsaved edits."""
        self._commit_form()
        self.quit()

    def action_scene_list(self) -> None:
        """Back to the scene list of the scene's folder, asking about unsaved edits."""
        self._commit_form()
        self.back_to_scenes()

    # -- the command palette's commands ------------------------------------------------
    def action_check(self) -> None:
        self._commit_form()
        self._analyse_now()
        self.checks.focus()
        self.notify(f"checks: {summary(self.checks.diagnostics)}", timeout=3)

    def action_score_info(self) -> None:
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
        if worker.group == "reload":
            self.notify(str(error), title="Not reloaded", severity="error", timeout=8)
        elif worker.group == "score":
            self._score_failed(error)
        elif worker.group == "save":
            self.save_failed(error)
        elif worker.group == "sync":
            self.sync_failed(error)
        elif worker.group == "export":
            self.notify(str(error), title="Not exported", severity="error", timeout=8)
        elif worker.group == "journal":
            self.journal_failed(error)
        else:
            self.notify(str(error), title=f"{worker.group} failed", severity="error")
