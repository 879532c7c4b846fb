"""Keeping the open scene's edits safe, on the editor screen: the scene lock, the crash
journal, saving (which refuses to overwrite a file that changed on disk), syncing with the
score, exporting, and leaving (quitting, or going back to the scene list) with a question
when there are unsaved edits.

Syncing and exporting work from the scene file, so they save unsaved edits first (the
save asks about a file changed on disk as ctrl+s does). Only a write of the scene clears
the unsaved marker: the session is told a file is saved only by the code that wrote it.

The work itself is plain code in :mod:`choreo.tui.saving`; the screen runs it in its own
thread workers, which post a message back; failures come back through the editor
screen's one ``Worker.StateChanged`` handler.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path

from textual import on, work
from textual.timer import Timer

from choreo.delivery import deliver_to_browser
from choreo.errors import ChoreoError, ConflictError
from choreo.lock import SceneLock, SceneLocked
from choreo.model import Scene
from choreo.store import SceneFile
from choreo.timing import MeasureMap
from choreo.tui import saving
from choreo.tui.messages import BackToScenes, SceneSaved, ScoreSynced, SheetExported
from choreo.tui.screens.beat_edits import BeatEdits
from choreo.tui.screens.questions import (
    ConflictQuestion,
    LockedQuestion,
    QuitQuestion,
    RestoreQuestion,
    ScenesQuestion,
)
from choreo.tui.session import OpenScene
from choreo.tui.widgets.header import SceneHeader


class SceneSafety(BeatEdits):
    """The lock, journal, saves, syncs, exports and leaving of the scene on screen."""

    header: SceneHeader

    def __init__(self, session: OpenScene, *, journal_seconds: float) -> None:
        super().__init__(session)
        self.journal_seconds = journal_seconds
        self.journal = saving.Journal(self.session.path)
        self.scene_lock: SceneLock | None = None
        self._journaled: Scene | None = None  # the scene last journaled
        self._journal_timer: Timer | None = None
        self._writing = False  # a save or a sync is writing the scene file
        self._leave_when_done: Callable[[], None] | None = None  # asked for while it was
        self._after_save: Callable[[], None] | None = None  # what waits for the save

    @property
    def path(self) -> Path:
        return self.session.path

    def busy(self, *groups: str) -> bool:
        return any(w.group in groups and w.is_running for w in self.workers)

    # -- the lock ----------------------------------------------------------------------
    def take_lock(self) -> bool:
        """Lock the scene against a second editor; False when another has it (the user
        is asked whether to quit or read it only)."""
        try:
            self.scene_lock = SceneLock.acquire(self.path)
        except SceneLocked as error:
            question = LockedQuestion(self.path.name, error.message)
            self.app.push_screen(question, self._answer_locked)
            return False
        except ChoreoError as error:  # no state folder to lock in: edit, but say so
            self.notify(str(error), title="Not locked", severity="warning", timeout=8)
        return True

    def _answer_locked(self, answer: str | None) -> None:
        if answer == "quit":
            self.app.exit()
            return
        self.session.read_only = True
        self.header.read_only = True
        self.notify("open read-only: saving is off while another choreo has it", title="Read-only")

    def release_lock(self) -> None:
        if self.scene_lock is not None:
            self.scene_lock.release()
            self.scene_lock = None

    # -- the journal -------------------------------------------------------------------
    def start_journal(self) -> None:
        """Journal unsaved edits every few seconds from now on."""
        self._journal_timer = self.set_interval(self.journal_seconds, self._journal_tick)

    def offer_journal(self, scene: Scene, saved_at: float) -> None:
        """Ask whether to bring back edits journaled by an editor that did not close."""

        def answered(answer: str | None) -> None:
            if answer == "restore":
                before = self.session.scene
                self.session.apply("restore unsaved edits", scene, self.cursor, 0)
                self.show_scene_afresh(cursor=0)
                self.follow_scene(before)  # a restored title, cast or score shows too
                self.notify("restored the unsaved edits; ctrl+z undoes that", title="Restored")
            elif answer == "discard":
                self.journal.clear()

        when = datetime.datetime.fromtimestamp(saved_at).strftime("%Y-%m-%d %H:%M")
        question = RestoreQuestion(self.path.name, when, len(scene.beats))
        self.app.push_screen(question, answered)

    def show_scene_afresh(self, cursor: int) -> None:
        raise NotImplementedError  # the editor screen draws the scene

    def forget_journal(self) -> None:
        """The file on disk holds the edits now (saved, synced or reloaded)."""
        self.journal.clear()
        self._journaled = None

    def _journal_tick(self) -> None:
        session = self.session
        if session.read_only or self.busy("journal"):
            return
        if not session.dirty:
            if self._journaled is not None:
                self.forget_journal()
            return
        if session.scene is self._journaled:
            return
        self._journaled = session.scene
        self._write_journal(session.scene, session.file.text, session.file.digest)

    @work(thread=True, exclusive=True, exit_on_error=False, group="journal",
          description="journaling unsaved edits")  # fmt: skip
    def _write_journal(self, scene: Scene, text: str, digest: str) -> None:
        self.journal.write(scene, text, digest)

    def journal_failed(self, error: BaseException) -> None:
        self._journaled = None
        self.notify(str(error), title="Unsaved edits are not journaled", severity="warning")

    # -- saving ------------------------------------------------------------------------
    def save(self, *, force: bool = False, then: Callable[[], None] | None = None) -> None:
        """Write the scene; ``then`` runs once it is written (not when the save fails)."""
        if self.session.read_only:
            self.notify(
                "read-only: this scene is open in another choreo; not saving", severity="warning"
            )
            return
        if self._writing:
            self.notify("still saving…", timeout=2)
            return
        self._writing = True
        self._after_save = then
        self._write(self.session.file, self.session.scene, force)

    @work(thread=True, exit_on_error=False, group="save", description="saving the scene")
    def _write(self, scene_file: SceneFile, scene: Scene, force: bool) -> None:
        saved = saving.save(scene_file, scene, force=force, lock=self.scene_lock)
        self.post_message(SceneSaved(saved, scene))

    @on(SceneSaved)
    def _saved(self, message: SceneSaved) -> None:
        self._writing = False
        self.session.saved_as(message.scene_file, message.scene)
        self._journaled = None
        self.header.dirty = self.session.dirty
        self.notify(f"saved {self.path.name}", timeout=3)
        then, self._after_save = self._after_save, None
        if then is not None:
            then()
        self._leave_if_asked()

    def save_failed(self, error: BaseException) -> None:
        self._writing = False
        then, self._after_save = self._after_save, None
        self._leave_when_done = None
        if isinstance(error, ConflictError):

            def answered(answer: str | None) -> None:
                if answer == "reload":
                    self.reload_scene_file()
                elif answer == "overwrite":
                    self.save(force=True, then=then)

            self.app.push_screen(ConflictQuestion(self.path.name), answered)
            return
        self.notify(str(error), title="Not saved", severity="error", timeout=8)

    def reload_scene_file(self) -> None:
        raise NotImplementedError  # the editor screen reads the scene again

    def _saved_first(self, command: Callable[[SceneFile], None]) -> None:
        """Run a command that works from the scene file on the file as it is now: unsaved
        edits are saved first. Handing it the edited scene with the file's old text would
        let it write the old text back and mark the edits saved."""
        if not self.session.dirty:
            command(self.session.file)
            return
        self.save(then=lambda: command(self.session.file))  # the file as just saved

    # -- syncing and exporting ---------------------------------------------------------
    def sync(self) -> None:
        """Save the scene, write the beats into a copy of the score (``choreo sync``), and
        save the record of what the scene was synced against."""
        if self.session.read_only:
            self.notify(
                "read-only: syncing saves the scene, and it is open elsewhere", severity="warning"
            )
            return
        if not self.session.scene.score.file:
            self.notify("this scene has no score to sync with", severity="warning")
            return
        if self._writing:
            self.notify("still saving…", timeout=2)
            return
        self._saved_first(self._start_push)

    def _start_push(self, scene_file: SceneFile) -> None:
        self._writing = True
        self._push(scene_file)

    @work(thread=True, exit_on_error=False, group="sync", description="syncing with the score")
    def _push(self, scene_file: SceneFile) -> None:
        self.post_message(ScoreSynced(*saving.sync_with_score(scene_file, lock=self.scene_lock)))

    @on(ScoreSynced)
    def _synced(self, message: ScoreSynced) -> None:
        """The file holds the scene as saved plus its sync record; edits made while the
        sync ran stay, and stay unsaved."""
        session = self.session
        self._writing = False
        on_disk = message.scene_file.scene
        session.saved_as(message.scene_file, on_disk)
        record = on_disk.score.synced
        scene = session.scene
        if scene.score.synced != record:
            cursor = self.cursor
            synced = scene.model_copy(
                update={"score": scene.score.model_copy(update={"synced": record})}
            )
            session.apply("sync with the score", synced, cursor, cursor)
        self.forget_journal()
        self.show_scene(self.cursor)
        self.notify(message.summary, title="Synced with the score", timeout=6)
        self._leave_if_asked()

    def sync_failed(self, error: BaseException) -> None:
        self._writing = False
        self._leave_when_done = None
        self.notify(str(error), title="Not synced", severity="error", timeout=8)

    def export_markdown(self) -> None:
        """Save the scene, then write its beat sheet as Markdown next to it (NAME.md)."""
        if self.session.read_only and self.session.dirty:
            self.notify(
                "read-only: the sheet is written from the saved scene, and this one "
                "cannot be saved while it is open elsewhere",
                severity="warning",
            )
            return
        self._saved_first(self._start_export)

    def _start_export(self, scene_file: SceneFile) -> None:
        self._export(scene_file, self.session.measures)

    @work(thread=True, exclusive=True, exit_on_error=False, group="export",
          description="writing the Markdown beat sheet")  # fmt: skip
    def _export(self, scene_file: SceneFile, measures: MeasureMap) -> None:
        self.post_message(SheetExported(saving.export_markdown(scene_file, measures)))

    @on(SheetExported)
    def _exported(self, message: SheetExported) -> None:
        sent = " and sent it to your browser" if deliver_to_browser(self.app, message.path) else ""
        self.notify(f"wrote {message.path}{sent}", title="Exported Markdown", timeout=5)

    # -- leaving: quitting, or back to the scene list ------------------------------------
    def quit(self) -> None:
        """Quit, asking first when there are unsaved edits."""
        self._leave(self.app.exit, QuitQuestion)

    def back_to_scenes(self) -> None:
        """Go back to the scene list of the scene's folder, asking first when there are
        unsaved edits."""
        self._leave(lambda: self._tell_app(BackToScenes(self.path)), ScenesQuestion)

    def _tell_app(self, message: BackToScenes) -> None:
        self.app.post_message(message)

    def _leave(self, go: Callable[[], None], ask: type[QuitQuestion]) -> None:
        """Leave the scene (after a save or a sync that is writing it), asking first when
        there are unsaved edits: save and leave, leave without saving, or stay."""

        def leave_or_ask() -> None:
            if not self.session.dirty:
                go()
                return

            def answered(answer: str | None) -> None:
                if answer == "save":
                    self.save(then=leave_or_ask)
                elif answer == "discard":
                    if not self.session.read_only:
                        self.journal.clear()
                    go()

            self.app.push_screen(ask(self.path.name, can_save=not self.session.read_only), answered)

        if self._writing:
            self._leave_when_done = leave_or_ask
            return
        leave_or_ask()

    def _leave_if_asked(self) -> None:
        leave, self._leave_when_done = self._leave_when_done, None
        if leave is not None and not self._writing:
            leave()
