"""Keeping the open scene's edits safe: the scene lock, the crash journal, saving (which
refuses to overwrite a file that changed on disk), syncing with the score, exporting, and
quitting with a question when there are unsaved edits.

Syncing and exporting work from the scene file, so they save unsaved edits first (the
save asks about a file changed on disk as ctrl+s does). Only a write of the scene clears
the unsaved marker: the session is told a file is saved only by the code that wrote it.

Slow work runs in thread workers that post a message back to the editor screen, which
hands it here; failures come back through the screen's one ``Worker.StateChanged``
handler.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from textual.timer import Timer

from choreo.errors import ChoreoError, ConflictError
from choreo.journal import clear_journal, read_journal, write_journal
from choreo.lock import SceneLock, SceneLocked
from choreo.model import Scene
from choreo.store import SceneFile, atomic_write, parse_scene, render_scene, save_scene
from choreo.timing import MeasureMap
from choreo.tui.messages import SceneSaved, ScoreSynced, SheetExported
from choreo.tui.screens.questions import (
    ConflictQuestion,
    LockedQuestion,
    QuitQuestion,
    RestoreQuestion,
)

if TYPE_CHECKING:
    from choreo.tui.screens.editor import EditorScreen


class Saving:
    """The lock, journal, saves, syncs and exports of the scene open in one editor."""

    def __init__(self, screen: EditorScreen, *, journal_seconds: float) -> None:
        self.screen = screen
        self.journal_seconds = journal_seconds
        self.lock: SceneLock | None = None
        self._journal_timer: Timer | None = None
        self._journaled: Scene | None = None  # the scene last journaled
        self._journal_copy: SceneFile | None = None  # owned by the journal worker
        self._writing = False  # a save or a sync is writing the scene file
        self._quit_when_done = False  # quit asked for while it was
        self._after_save: Callable[[], None] | None = None  # what waits for the save

    @property
    def path(self) -> Path:
        return self.screen.path

    def _run(self, work: Callable[[], None], group: str, description: str, exclusive: bool) -> None:
        self.screen.run_worker(
            work,
            name=group,
            group=group,
            description=description,
            exclusive=exclusive,
            exit_on_error=False,
            thread=True,
        )

    def busy(self, *groups: str) -> bool:
        return any(w.group in groups and w.is_running for w in self.screen.workers)

    # -- the lock ----------------------------------------------------------------------
    def take_lock(self) -> bool:
        """Lock the scene against a second editor; False when another has it (the user
        is asked whether to quit or read it only)."""
        try:
            self.lock = SceneLock.acquire(self.path)
        except SceneLocked as error:
            question = LockedQuestion(self.path.name, error.message)
            self.screen.app.push_screen(question, self._answer_locked)
            return False
        except ChoreoError as error:  # no state folder to lock in: edit, but say so
            self.screen.notify(str(error), title="Not locked", severity="warning", timeout=8)
        return True

    def _answer_locked(self, answer: str | None) -> None:
        if answer == "quit":
            self.screen.app.exit()
            return
        session = self.screen.session
        assert session is not None
        session.read_only = True
        self.screen.header.read_only = True
        self.screen.notify(
            "open read-only: saving is off while another choreo has it", title="Read-only"
        )

    def release_lock(self) -> None:
        if self.lock is not None:
            self.lock.release()
            self.lock = None

    # -- the journal -------------------------------------------------------------------
    def start_journal(self) -> None:
        """Journal unsaved edits every few seconds from now on."""
        self._journal_timer = self.screen.set_interval(self.journal_seconds, self._journal_tick)

    def offer_journal(self, scene: Scene, saved_at: float) -> None:
        """Ask whether to bring back edits journaled by an editor that did not close."""

        def answered(answer: str | None) -> None:
            session = self.screen.session
            assert session is not None
            if answer == "restore":
                session.apply("restore unsaved edits", scene, self.screen.cursor, 0)
                self.screen.show_scene_afresh(cursor=0)
                self.screen.notify(
                    "restored the unsaved edits; ctrl+z undoes that", title="Restored"
                )
            elif answer == "discard":
                clear_journal(self.path)

        when = datetime.datetime.fromtimestamp(saved_at).strftime("%Y-%m-%d %H:%M")
        question = RestoreQuestion(self.path.name, when, len(scene.beats))
        self.screen.app.push_screen(question, answered)

    def forget_journal(self) -> None:
        """The file on disk holds the edits now (saved, synced or reloaded)."""
        clear_journal(self.path)
        self._journaled = None

    def _journal_tick(self) -> None:
        session = self.screen.session
        if session is None or session.read_only or self.busy("journal"):
            return
        if not session.dirty:
            if self._journaled is not None:
                self.forget_journal()
            return
        if session.scene is self._journaled:
            return
        self._journaled = session.scene
        work = partial(self._write_journal, session.scene, session.file.text, session.file.digest)
        self._run(work, "journal", "journaling unsaved edits", exclusive=True)

    def _write_journal(self, scene: Scene, text: str, digest: str) -> None:
        # The journal renders into its own copy of the file's YAML tree, so the tree a
        # save writes from keeps every comment even after edits that were undone.
        if self._journal_copy is None or self._journal_copy.digest != digest:
            self._journal_copy = parse_scene(text.encode("utf-8"), self.path)
        write_journal(self.path, render_scene(self._journal_copy, scene), digest)

    def journal_failed(self, error: BaseException) -> None:
        self._journaled = None
        self.screen.notify(str(error), title="Unsaved edits are not journaled", severity="warning")

    # -- saving ------------------------------------------------------------------------
    def save(self, *, force: bool = False, then: Callable[[], None] | None = None) -> None:
        """Write the scene; ``then`` runs once it is written (not when the save fails)."""
        session = self.screen.session
        assert session is not None
        if session.read_only:
            self.screen.notify(
                "read-only: this scene is open in another choreo; not saving",
                severity="warning",
            )
            return
        if self._writing:
            self.screen.notify("still saving…", timeout=2)
            return
        self._writing = True
        self._after_save = then
        work = partial(self._write, session.file, session.scene, force)
        self._run(work, "save", f"saving {self.path.name}", exclusive=False)

    def _write(self, scene_file: SceneFile, scene: Scene, force: bool) -> None:
        saved = save_scene(scene_file, scene, force=force)
        clear_journal(saved.path)
        self.screen.post_message(SceneSaved(saved, scene))

    def saved(self, message: SceneSaved) -> None:
        session = self.screen.session
        assert session is not None
        self._writing = False
        session.saved_as(message.scene_file, message.scene)
        self._journaled = None
        self.screen.header.dirty = session.dirty
        self.screen.notify(f"saved {self.path.name}", timeout=3)
        then, self._after_save = self._after_save, None
        if then is not None:
            then()
        self._quit_if_asked()

    def save_failed(self, error: BaseException) -> None:
        self._writing = False
        then, self._after_save = self._after_save, None
        self._quit_when_done = False
        if isinstance(error, ConflictError):

            def answered(answer: str | None) -> None:
                if answer == "reload":
                    self.screen.read_scene_file(reload=True)
                elif answer == "overwrite":
                    self.save(force=True, then=then)

            self.screen.app.push_screen(ConflictQuestion(self.path.name), answered)
            return
        self.screen.notify(str(error), title="Not saved", severity="error", timeout=8)

    def _saved_first(self, command: Callable[[SceneFile], None]) -> None:
        """Run a command that works from the scene file on the file as it is now: unsaved
        edits are saved first. Handing it the edited scene with the file's old text would
        let it write the old text back and mark the edits saved."""
        session = self.screen.session
        assert session is not None
        if not session.dirty:
            command(session.file)
            return
        self.save(then=lambda: command(session.file))  # the file as just saved

    # -- syncing and exporting ---------------------------------------------------------
    def sync(self) -> None:
        """Save the scene, write the beats into a copy of the score (``choreo sync``), and
        save the record of what the scene was synced against."""
        session = self.screen.session
        assert session is not None
        if session.read_only:
            self.screen.notify(
                "read-only: syncing saves the scene, and it is open elsewhere", severity="warning"
            )
            return
        if not session.scene.score.file:
            self.screen.notify("this scene has no score to sync with", severity="warning")
            return
        if self._writing:
            self.screen.notify("still saving…", timeout=2)
            return
        self._saved_first(self._start_push)

    def _start_push(self, scene_file: SceneFile) -> None:
        self._writing = True
        self._run(
            partial(self._push, scene_file), "sync", "syncing with the score", exclusive=False
        )

    def _push(self, scene_file: SceneFile) -> None:
        from choreo.sync import push

        result = push(scene_file)
        self.screen.post_message(ScoreSynced(result.scene_file, result.summary()))

    def synced(self, message: ScoreSynced) -> None:
        """The file holds the scene as saved plus its sync record; edits made while the
        sync ran stay, and stay unsaved."""
        session = self.screen.session
        assert session is not None
        self._writing = False
        on_disk = message.scene_file.scene
        session.saved_as(message.scene_file, on_disk)
        record = on_disk.score.synced
        scene = session.scene
        if scene.score.synced != record:
            cursor = self.screen.cursor
            synced = scene.model_copy(
                update={"score": scene.score.model_copy(update={"synced": record})}
            )
            session.apply("sync with the score", synced, cursor, cursor)
        self.forget_journal()
        self.screen.show_scene(self.screen.cursor)
        self.screen.notify(message.summary, title="Synced with the score", timeout=6)
        self._quit_if_asked()

    def sync_failed(self, error: BaseException) -> None:
        self._writing = self._quit_when_done = False
        self.screen.notify(str(error), title="Not synced", severity="error", timeout=8)

    def export_markdown(self) -> None:
        """Save the scene, then write its beat sheet as Markdown next to it (NAME.md)."""
        session = self.screen.session
        assert session is not None
        if session.read_only and session.dirty:
            self.screen.notify(
                "read-only: the sheet is written from the saved scene, and this one "
                "cannot be saved while it is open elsewhere",
                severity="warning",
            )
            return
        self._saved_first(self._start_export)

    def _start_export(self, scene_file: SceneFile) -> None:
        session = self.screen.session
        assert session is not None
        target = self.path.with_name(f"{self.path.stem}.md")
        work = partial(self._export, scene_file, session.measures, target)
        self._run(work, "export", f"writing {target.name}", exclusive=True)

    def _export(self, scene_file: SceneFile, measures: MeasureMap, target: Path) -> None:
        from choreo.export import export_scenes

        data = export_scenes([scene_file], format="md", measures=lambda _: measures)
        atomic_write(target, data, backup=False)
        self.screen.post_message(SheetExported(target))

    # -- quitting ----------------------------------------------------------------------
    def quit(self) -> None:
        """Quit, asking first when there are unsaved edits (after a save or a sync that
        is writing the scene)."""
        if self._writing:
            self._quit_when_done = True
            return
        self._quit_or_ask()

    def _quit_if_asked(self) -> None:
        if self._quit_when_done and not self._writing:
            self._quit_when_done = False
            self._quit_or_ask()

    def _quit_or_ask(self) -> None:
        session = self.screen.session
        assert session is not None
        if not session.dirty:
            self.screen.app.exit()
            return

        def answered(answer: str | None) -> None:
            if answer == "save":
                self.save(then=self._quit_or_ask)
            elif answer == "discard":
                if self.screen.session is not None and not self.screen.session.read_only:
                    clear_journal(self.path)
                self.screen.app.exit()

        question = QuitQuestion(self.path.name, can_save=not session.read_only)
        self.screen.app.push_screen(question, answered)


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
