"""The editor driven through Textual's pilot: every key of the contract, undo chains, the
questions before losing work, saving safely, and slow or failing work in workers.

Each test works on its own scene files in tmp_path and its own state and cache folders.
"""

from __future__ import annotations

import difflib
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from textual.pilot import Pilot

from choreo.journal import read_journal, write_journal
from choreo.lock import SceneLock, SceneLocked
from choreo.store import digest_of, read_scene
from choreo.tui import score_loading
from choreo.tui.app import ChoreoApp, make_app
from choreo.tui.screens.editor import EditorScreen, EditorSettings
from choreo.tui.screens.help import HelpScreen
from choreo.tui.screens.picker import describe
from choreo.tui.screens.questions import (
    ConflictQuestion,
    LockedQuestion,
    QuitQuestion,
    RestoreQuestion,
)
from choreo.tui.screens.score_info import ScoreInfoScreen
from choreo.tui.widgets.beat_form import FieldInput, NoteArea
from choreo.tui.widgets.beat_table import BeatTable
from choreo.tui.widgets.footer import KeyFooter
from tests import scene_texts
from tests.scene_texts import long_scene_text

REPO = Path(__file__).resolve().parent.parent
SIZE = (120, 36)

ROOFTOP = """\
# A rooftop fight for the editor's tests.
schema: 1
id: rooftop
title: Rooftop at dawn
palette: hope   # dawn gold
score:
  tempo: 120
cast:
  - id: eve
    name: Eve
    props: [knife]
  - id: guard1
    name: Guard 1
beats:
  # the approach
  - id: b01
    at: "1:1"
    ballet: plié
    combat: block
    performers: [eve]
    intensity: 2
  - id: b02
    at: "2:1"   # the first hit lands on the downbeat
    ballet: grand jeté
    combat: flying kick
    performers: [eve, guard1]
    intensity: 4
    hit: true
    safety: crash mat downstage left
  # the answer
  - id: b03
    at: "3:1"
    ballet: pirouette
    combat: punch
    performers: [eve, guard1]
"""


@pytest.fixture(autouse=True)
def _private_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Journals, locks and the score cache of each test stay in its own folders."""
    monkeypatch.setenv("CHOREO_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("CHOREO_CACHE_DIR", str(tmp_path / "cache"))


def write_scene(tmp_path: Path, text: str = ROOFTOP, name: str = "rooftop.yaml") -> Path:
    """The scene in the ``scenes/`` folder of a project at ``tmp_path``."""
    return scene_texts.write_scene(tmp_path / "scenes", text, name)


def with_score(tmp_path: Path, score_name: str, score_text: str | None = None) -> Path:
    """The rooftop scene following ``../scores/score_name`` (copied from the demo, or text)."""
    scores = tmp_path / "scores"
    scores.mkdir(exist_ok=True)
    if score_text is None:
        source = REPO / "scores" / score_name
        if source.exists():
            shutil.copy(source, scores / score_name)
    else:
        (scores / score_name).write_text(score_text, encoding="utf-8")
    text = ROOFTOP.replace("  tempo: 120\n", f"  file: ../scores/{score_name}\n  tempo: 120\n")
    return write_scene(tmp_path, text)


def quick_settings(**changes: Any) -> EditorSettings:
    values: dict[str, Any] = {"cursor_blink": False, "check_delay": 0.01, "journal_seconds": 3600}
    values.update(changes)
    return EditorSettings(**values)


def app_on(path: Path | None, **changes: Any) -> ChoreoApp:
    return make_app(path, folder=path.parent if path else None, settings=quick_settings(**changes))


def editor_of(app: ChoreoApp) -> EditorScreen:
    editor = app.editor
    assert editor is not None
    return editor


async def until(pilot: Pilot[Any], condition: Callable[[], object], timeout: float = 20) -> None:
    """Wait, letting the app run, until ``condition()`` holds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {condition}")
        await pilot.pause(0.02)


async def settle(pilot: Pilot[Any]) -> None:
    """Let debounced checks and workers finish, then let the screen catch up."""
    await pilot.pause(0.05)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def saved(pilot: Pilot[Any], editor: EditorScreen) -> None:
    """ctrl+s, then wait until the save is written and the unsaved marker gone."""
    await pilot.press("ctrl+s")
    await settle(pilot)
    await until(pilot, lambda: not editor.header.dirty)


async def opened(pilot: Pilot[Any]) -> EditorScreen:
    """The editor once its scene is read and its beats' times are known."""
    app = pilot.app
    assert isinstance(app, ChoreoApp)
    await until(pilot, lambda: app.editor is not None and app.editor.session is not None)
    editor = editor_of(app)
    await until(pilot, lambda: editor.session is not None and editor.session.score_known)
    await settle(pilot)
    return editor


def beat_ids(editor: EditorScreen) -> list[str]:
    assert editor.session is not None
    return [beat.id for beat in editor.session.scene.beats]


def changed_lines(before: str, after: str) -> list[str]:
    """The lines added or removed between two texts, each with its + or -."""
    return [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


# -- opening and showing ----------------------------------------------------------------


async def test_the_editor_shows_the_beats_the_form_and_the_header(tmp_path: Path) -> None:
    app = app_on(write_scene(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        editor = await opened(pilot)
        assert editor.table.row_count == 3
        assert [editor.table.cell(1, key) for key in ("at", "counts", "timecode")] == [
            "2:1", "1·5", "01:00:02:00",
        ]  # fmt: skip
        assert editor.header.scene_title == "Rooftop at dawn"
        assert editor.header.score_status == "no score — steady 4/4 at 120"
        assert not editor.header.dirty
        assert editor.form.input_for("ballet").value == "plié"
        assert editor.form.input_for("performers").value == "eve"
        assert editor.timeline.measures is not None and editor.timeline.measures.steady
        assert len(editor.timeline.placed) == 3
        assert editor.focused is editor.table


async def test_moving_the_cursor_shows_that_beat_in_the_form_and_timeline(tmp_path: Path) -> None:
    app = app_on(write_scene(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        editor = await opened(pilot)
        await pilot.press("down", "down")
        await pilot.pause()
        assert editor.form.beat is not None and editor.form.beat.id == "b03"
        assert editor.form.input_for("combat").value == "punch"
        assert editor.timeline.selected == 2
        assert "b03 at 3:1" in str(editor.timeline.border_subtitle)


# -- the keys of the contract -----------------------------------------------------------


async def test_a_adds_a_beat_after_the_cursor_on_the_next_beat(tmp_path: Path) -> None:
    path = write_scene(tmp_path)
    app = app_on(path)
    async with app.run_test(size=SIZE) as pilot:
        editor = await opened(pilot)
        await pilot.press("down", "a")
        await settle(pilot)
        assert beat_ids(editor) == ["b01", "b02", "b04", "b03"]
        assert editor.session is not None
        added = editor.session.scene.beats[2]
        assert str(added.at) == "2:2"
        assert added.performers == ["eve", "guard1"]
        assert editor.table.cursor_row == 2
        assert editor.table.row_count == 4
        assert editor.header.dirty
        assert path.read_text() == ROOFTOP  # nothing written until ctrl+s


async def test_d_deletes_the_beat_under_the_cursor(tmp_path: Path) -> None:
    app = app_on(write_scene(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        editor = await opened(pilot)
        await pilot.press("down", "d")
        await settle(pilot)
        assert beat_ids(editor) == ["b01", "b03"]
        assert editor.table.cursor_row == 1
        assert editor.form.beat is not None and editor.form.beat.id == "b03"
        await pilot.press("d", "d", "d")  # the last press finds no beat: a bell, no error
        await settle(pilot)
        assert beat_ids(editor) == []
        assert editor.form.beat is None


async def test_shift_up_and_down_move_the_beat_in_the_sheet(tmp_path: Path) -> None:
    app = app_on(write_scene(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        editor = await opened(pilot)
        await pilot.press("shift+down")
        await settle(pilot)
        assert beat_ids(editor) == ["b02", "b01", "b03"]
        assert editor.table.cursor_row == 1
        await pilot.press("shift+down", "shift+down")  # the second is past the end
        await settle(pilot)
        assert beat_ids(editor) == ["b02", "b03", "b01"]
        await pilot.press("shift+up")
        await settle(pilot)
        assert beat_ids(editor) == ["b02", "b01", "b03"]
        # The sheet order changed, not the music: b01 now sits below a later beat.
        assert any(d.code == "beats-out-of-order" for d in editor.checks.diagnostics)


async def test_enter_edits_the_beat_and_escape_goes_back_to_the_table(tmp_path: Path) -> None:
    app = app_on(write_scene(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        editor = await opened(pilot)
        await pilot.press("enter")
        assert isinstance(editor.focused, FieldInput) and editor.focused.field == "at"
        await pilot.press("tab", "tab")
        assert isinstance(editor.focused, FieldInput) and editor.focused.field == "ballet"
        await pilot.press("escape")
        assert editor.focused is editor.table


async def test_typing_in_a_field_changes_the_beat_when_the_field_is_left(tmp_path: Path) -> None:
    app = app_on(write_scene(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        editor = await opened(pilot)
        await pilot.press("enter", "tab", "tab", *"arabesque", "tab", *"jab", "escape")
        await settle(pilot)
        assert editor.session is not None
        beat = editor.session.scene.beats[0]
        assert (beat.ballet, beat.combat) == ("arabesque", "jab")
        assert editor.table.cell(0, "ballet") == "arabesque"
        assert editor.session.history.undo_count == 2  # one edit per field


async def test_ballet_and_combat_complete_from_the_vocabulary(tmp_path: Path) -> None:
    app = app_on(write_scene(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        editor = await opened(pilot)
        await pilot.press("enter", "tab", "tab", "ctrl+u", *"fouett")
        await pilot.pause(0.2)
        await pilot.press("tab")  # accepts the choice shown under the field
        ballet = editor.form.input_for("ballet")
        assert ballet.value == "fouetté en tournant"
        await pilot.press("tab", "ctrl+u", *"roundh")
        await pilot.pause(0.2)
        await pilot.press("tab")
        assert editor.form.input_for("combat").value == "roundhouse kick"
        await pilot.press("tab", "end", *", gu")
        await pilot.pause(0.2)
        await pilot.press("tab")
        assert editor.form.input_for("performers").value == "eve, guard1"


async def test_a_bad_value_shows_its_problem_and_leaves_the_scene_alone(tmp_path: Path) -> None:
    app = app_on(write_scene(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        editor = await opened(pilot)
        assert editor.session is not None
        before = editor.session.scene
        intensity = editor.form.input_for("intensity")
        intensity.focus()
        await pilot.press("9")
        await pilot.pause()
        error = editor.form.query_one("#error-intensity")
        assert error.has_class("-shown")
        assert "1 to 5" in str(error.render())
        await pilot.press("enter", "escape")
        await settle(pilot)
        assert editor.session.scene is before
        assert not editor.header.dirty
        assert editor.session.history.undo_count == 0
        editor.form.input_for("at").focus()
        await pilot.press(*"x:y", "enter")
        await pilot.pause()
        assert "MEASURE:BEAT" in str(editor.form.query_one("#error-at").render())
        assert editor.session.scene is before
        editor.form.input_for("performers").focus()
        await pilot.press(*"eve, nobody", "enter")
        await pilot.pause()
        assert "nobody is not in the cast" in str(
            editor.form.query_one("#error-performers").render()
        )
        assert editor.session.scene is before


async def test_ctrl_s_saves_only_the_change_and_keeps_the_comments(tmp_path: Path) -> None:
    path = write_scene(tmp_path)
    app = app_on(path)
    async with app.run_test(size=SIZE) as pilot:
        editor = await opened(pilot)
        await pilot.press("down", "enter", "tab", "tab", *"sissonne", "ctrl+s")
        await settle(pilot)
        await until(pilot, lambda: not editor.header.dirty)
    after = path.read_text()
    assert changed_lines(ROOFTOP, after) == ["-    ballet: grand jeté", "+    ballet: sissonne"]
    assert read_scene(path).scene.beats[1].ballet == "sissonne"


async def test_undo_and_redo_walk_a_chain_of_edits(tmp_path: Path) -> None:
    app = app_on(write_scene(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        editor = await opened(pilot)
        session = editor.session
        assert session is not None
        original = session.scene
        await pilot.press("a")  # b04 after b01
        await pilot.press("enter", "tab", "tab", *"sissonne", "escape")  # its ballet
        await pilot.press("shift+up")  # b04 to the top
        await settle(pilot)
        assert beat_ids(editor) == ["b04", "b01", "b02", "b03"]
        edited = session.scene
        assert edited.beats[0].ballet == "sissonne"

        await pilot.press("ctrl+z")
        await settle(pilot)
        assert beat_ids(editor) == ["b01", "b04", "b02", "b03"]
        assert editor.table.cursor_row == 1
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert session.scene.beats[1].ballet is None
        assert editor.form.input_for("ballet").value == ""
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert session.scene == original
        assert not editor.header.dirty
        assert editor.table.row_count == 3

        await pilot.press("ctrl+y", "ctrl+y", "ctrl+y")
        await settle(pilot)
        assert session.scene == edited
        assert editor.table.cursor_row == 0
        assert editor.table.cell(0, "ballet") == "sissonne"
        await pilot.press("ctrl+y")  # nothing left to redo
        await settle(pilot)
        assert session.scene == edited

        await pilot.press("ctrl+z", "d")  # a new edit after an undo ends the redo chain
        await settle(pilot)
        assert not session.history.can_redo


async def test_ctrl_z_in_a_field_undoes_that_field(tmp_path: Path) -> None:
    app = app_on(write_scene(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        editor = await opened(pilot)
        await pilot.press("enter", "tab", "tab", *"sissonne", "ctrl+z")
        await settle(pilot)
        assert editor.session is not None
        assert editor.session.scene.beats[0].ballet == "plié"
        assert editor.form.input_for("ballet").value == "plié"


async def test_ctrl_e_saves_then_exports_markdown_next_to_the_scene(tmp_path: Path) -> None:
    path = write_scene(tmp_path)
    app = app_on(path)
    async with app.run_test(size=SIZE) as pilot:
        editor = await opened(pilot)
        await pilot.press("down", "enter", "tab", "tab", "ctrl+u", *"sissonne", "ctrl+e")
        await settle(pilot)
        target = path.with_name("rooftop.md")
        await until(pilot, target.exists)
        assert any(str(target) in str(n.message) for n in app._notifications)
        assert not editor.header.dirty
    sheet = target.read_text(encoding="utf-8")
    assert "Rooftop at dawn" in sheet
    assert "sissonne" in sheet
    # The sheet describes the scene file: the edit was saved first, and only it changed.
    assert changed_lines(ROOFTOP, path.read_text()) == [
        "-    ballet: grand jeté",
        "+    ballet: sissonne",
    ]


async def test_f1_shows_every_binding(tmp_path: Path) -> None:
    app = app_on(write_scene(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        editor = await opened(pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        listed = {binding.id for _, bindings in app.screen.sections for binding in bindings}
        for bindings in (ChoreoApp.BINDINGS, EditorScreen.BINDINGS, BeatTable.BINDINGS):
            for binding in bindings:
                assert not isinstance(binding, tuple)
                assert binding.id and binding.description and binding.tooltip
                assert binding.id in listed
        keys = {b.key for _, bindings in app.screen.sections for b in bindings}
        for key in ("a", "d", "shift+up", "shift+down", "enter", "escape", "ctrl+s", "ctrl+z",
                    "ctrl+y", "ctrl+e", "ctrl+p", "f1", "ctrl+q"):  # fmt: skip
            assert key in keys
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is editor


async def test_ctrl_p_offers_the_scene_commands_and_jumps_to_a_measure(tmp_path: Path) -> None:
    app = app_on(write_scene(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        editor = await opened(pilot)
        await pilot.press("ctrl+p", *"jump 3")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is editor
        assert editor.table.cursor_row == 2

        await pilot.press("ctrl+p", *"score info")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ScoreInfoScreen)
        assert "steady 4/4" in app.screen.summary
        await pilot.press("escape")

        await pilot.press("ctrl+p", *"export mark")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        await until(pilot, editor.path.with_name("rooftop.md").exists)


async def test_choosing_a_diagnostic_shows_its_beat(tmp_path: Path) -> None:
    text = ROOFTOP.replace("    combat: punch\n", "    combat: punch\n    attacker: guard9\n")
    app = app_on(write_scene(tmp_path, text))
    async with app.run_test(size=SIZE) as pilot:
        editor = await opened(pilot)
        found = [d for d in editor.checks.diagnostics if d.code == "unknown-performer"]
        assert found and found[0].beat == "b03"
        editor.checks.focus()
        editor.checks.highlighted = editor.checks.diagnostics.index(found[0])
        await pilot.press("enter")
        await pilot.pause()
        assert editor.table.cursor_row == 2
        assert editor.focused is editor.table


async def test_checks_follow_the_edits(tmp_path: Path) -> None:
    app = app_on(write_scene(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        editor = await opened(pilot)
        assert not [d for d in editor.checks.diagnostics if d.severity != "info"]
        await pilot.press("down", "enter", *["tab"] * 28)  # to safety, past both actions
        assert isinstance(editor.focused, NoteArea) and editor.focused.field == "safety"
        await pilot.press("ctrl+shift+k", "escape")  # a flying kick without a safety note
        await settle(pilot)
        assert [d.code for d in editor.checks.diagnostics if d.beat == "b02"] == ["no-safety-note"]
        assert "1 error" in str(editor.checks.border_title)


# -- quitting ---------------------------------------------------------------------------


async def test_ctrl_q_quits_at_once_without_unsaved_edits(tmp_path: Path) -> None:
    path = write_scene(tmp_path)
    app = app_on(path)
    async with app.run_test(size=SIZE) as pilot:
        await opened(pilot)
        with pytest.raises(SceneLocked):  # the editor holds the scene's lock
            SceneLock.acquire(path)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not app.is_running
    SceneLock.acquire(path).release()  # and gives it up when it ends


async def test_ctrl_q_asks_first_and_cancel_keeps_the_edits(tmp_path: Path) -> None:
    path = write_scene(tmp_path)
    app = app_on(path)
    async with app.run_test(size=SIZE) as pilot:
        editor = await opened(pilot)
        await pilot.press("a", "ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, QuitQuestion)
        await pilot.press("ctrl+q")  # asking again does not stack questions
        await pilot.pause()
        assert len([s for s in app.screen_stack if isinstance(s, QuitQuestion)]) == 1
        await pilot.press("escape")
        await pilot.pause()
        assert app.is_running and app.screen is editor
        assert beat_ids(editor) == ["b01", "b04", "b02", "b03"]
        await pilot.press("ctrl+q", "c")
        await pilot.pause()
        assert app.is_running and app.screen is editor
    assert path.read_text() == ROOFTOP


async def test_ctrl_q_then_discard_quits_without_writing(tmp_path: Path) -> None:
    path = write_scene(tmp_path)
    app = app_on(path)
    async with app.run_test(size=SIZE) as pilot:
        await opened(pilot)
        await pilot.press("a", "ctrl+q")
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        assert not app.is_running
    assert path.read_text() == ROOFTOP


async def test_ctrl_q_then_save_writes_and_quits(tmp_path: Path) -> None:
    path = write_scene(tmp_path)
    app = app_on(path)
    async with app.run_test(size=SIZE) as pilot:
        await opened(pilot)
        await pilot.press("a", "ctrl+q")
        await pilot.pause()
        await pilot.press("s")
        await until(pilot, lambda: not app.is_running)
    assert [b.id for b in read_scene(path).scene.beats] == ["b01", "b04", "b02", "b03"]


# -- saving safely ----------------------------------------------------------------------


async def test_saving_over_a_file_changed_on_disk_asks_and_writes_nothing(tmp_path: Path) -> None:
    path = write_scene(tmp_path)
    app = app_on(path)
    async with app.run_test(size=SIZE) as pilot:
        editor = await opened(pilot)
        await pilot.press("a")
        theirs = ROOFTOP.replace("title: Rooftop at dawn", "title: Rooftop at dusk")
        path.write_text(theirs)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ConflictQuestion))
        assert path.read_text() == theirs
        await pilot.press("c")  # cancel: nothing written, edits kept
        await pilot.pause()
        assert path.read_text() == theirs
        assert editor.header.dirty

        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ConflictQuestion))
        await pilot.press("r")  # reload: their version, my edit dropped
        await until(pilot, lambda: editor.header.scene_title == "Rooftop at dusk")
        await settle(pilot)
        assert beat_ids(editor) == ["b01", "b02", "b03"]
        assert not editor.header.dirty
        assert path.read_text() == theirs


async def test_overwrite_after_a_conflict_writes_my_version(tmp_path: Path) -> None:
    path = write_scene(tmp_path)
    app = app_on(path)
    async with app.run_test(size=SIZE) as pilot:
        editor = await opened(pilot)
        await pilot.press("d")
        path.write_text(ROOFTOP.replace("Rooftop at dawn", "Rooftop at dusk"))
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ConflictQuestion))
        await pilot.press("o")
        await until(pilot, lambda: not editor.header.dirty)
    assert [b.id for b in read_scene(path).scene.beats] == ["b02", "b03"]


async def test_unsaved_edits_are_journaled_and_cleared_by_a_save(tmp_path: Path) -> None:
    path = write_scene(tmp_path)
    app = app_on(path, journal_seconds=0.05)
    async with app.run_test(size=SIZE) as pilot:
        editor = await opened(pilot)
        await pilot.press("enter", "tab", "tab", *"sissonne", "escape")
        await until(pilot, lambda: read_journal(path) is not None)
        await settle(pilot)
        journal = read_journal(path)
        assert journal is not None
        assert journal.base_digest == digest_of(ROOFTOP.encode())
        assert "ballet: sissonne" in journal.text and "# the approach" in journal.text
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not editor.header.dirty)
        await settle(pilot)
        assert read_journal(path) is None


async def test_opening_offers_to_restore_journaled_edits(tmp_path: Path) -> None:
    path = write_scene(tmp_path)
    write_journal(
        path, ROOFTOP.replace("ballet: plié", "ballet: sissonne"), digest_of(ROOFTOP.encode())
    )
    app = app_on(path)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, RestoreQuestion))
        await pilot.press("r")
        editor = await opened(pilot)
        assert editor.session is not None
        assert editor.session.scene.beats[0].ballet == "sissonne"
        assert editor.header.dirty
        assert path.read_text() == ROOFTOP
        await pilot.press("ctrl+z")  # the restore itself can be undone
        await settle(pilot)
        assert not editor.header.dirty


async def test_a_stale_journal_is_not_offered(tmp_path: Path) -> None:
    path = write_scene(tmp_path)
    write_journal(path, ROOFTOP.replace("ballet: plié", "ballet: sissonne"), "0" * 64)
    app = app_on(path)
    async with app.run_test(size=SIZE) as pilot:
        editor = await opened(pilot)
        await pilot.pause(0.2)
        assert app.screen is editor


@pytest.fixture
def held_elsewhere(tmp_path: Path) -> Iterator[Path]:
    """The rooftop scene locked by another live process."""
    path = write_scene(tmp_path)
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys\nfrom pathlib import Path\nfrom choreo.lock import SceneLock\n"
         "lock = SceneLock.acquire(Path(sys.argv[1]))\nprint('locked', flush=True)\n"
         "sys.stdin.read()\nlock.release()\n",
         str(path)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        yield path
    finally:
        if holder.stdin:
            holder.stdin.close()
        holder.wait(timeout=20)


async def test_a_scene_open_elsewhere_opens_read_only(held_elsewhere: Path) -> None:
    path = held_elsewhere
    app = app_on(path)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, LockedQuestion))
        await pilot.press("r")
        editor = await opened(pilot)
        assert editor.header.read_only
        await pilot.press("d", "ctrl+s")
        await settle(pilot)
        assert path.read_text() == ROOFTOP
        assert any("read-only" in str(n.message) for n in app._notifications)


async def test_a_scene_open_elsewhere_can_be_left_at_once(held_elsewhere: Path) -> None:
    app = app_on(held_elsewhere)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, LockedQuestion))
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


# -- the score, read in a worker ---------------------------------------------------------


async def test_the_score_is_read_in_a_worker_and_times_the_beats(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The real read waits at a gate the test opens, so "while the score is read" is a
    # moment the test holds, whatever an earlier test left in the caches.
    gate = threading.Event()
    real_read = score_loading.read_score

    def gated_read(*args: Any) -> Any:
        gate.wait(timeout=60)
        return real_read(*args)

    monkeypatch.setattr(score_loading, "read_score", gated_read)
    app = app_on(with_score(tmp_path, "opera-house.musicxml"))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.editor is not None and app.editor.header.score_busy)
        editor = editor_of(app)
        # While the score is read, the sheet is there and answers keys; its times wait.
        assert editor.header.score_status.startswith("parsing score…")
        assert editor.table.cell(0, "timecode") == "…"
        await pilot.press("down")
        assert editor.table.cursor_row == 1
        gate.set()
        editor = await opened(pilot)
        assert editor.header.score_status == "score: opera-house.musicxml, 49 bars"
        assert not editor.header.score_failed
        assert editor.session is not None and editor.session.score is not None
        assert editor.timeline.measures is editor.session.score
        assert editor.table.cell(0, "timecode").startswith("01:00:")
        await pilot.press("ctrl+p", *"score info")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ScoreInfoScreen)
        assert "49 measures" in app.screen.summary


async def test_a_score_that_is_not_music_leaves_the_scene_editable(tmp_path: Path) -> None:
    path = with_score(tmp_path, "broken.musicxml", "this is not a score\n")
    app = app_on(path)
    # Notices expire after a few seconds, sooner than a loaded machine gets here: keep them.
    severities: list[str] = []
    shown = app.notify

    def notify(message: str, **options: Any) -> None:
        severities.append(options.get("severity", "information"))
        shown(message, **options)

    app.notify = notify  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        editor = await opened(pilot)
        assert editor.header.score_failed
        assert editor.header.has_class("-score-failed")
        assert "broken.musicxml" in editor.header.score_status
        assert "steady grid" in editor.header.score_status
        assert "error" in severities
        assert editor.table.cell(1, "timecode") == "01:00:02:00"  # the steady grid
        codes = [d.code for d in editor.checks.diagnostics]  # the failure, not "no score"
        assert "score-unreadable" in codes and "no-score" not in codes
        await pilot.press("a", "ctrl+s")
        await settle(pilot)
        await until(pilot, lambda: not editor.header.dirty)
    assert [b.id for b in read_scene(path).scene.beats] == ["b01", "b04", "b02", "b03"]


async def test_a_missing_score_says_so_in_the_header(tmp_path: Path) -> None:
    path = with_score(tmp_path, "nowhere.musicxml")
    app = app_on(path)
    async with app.run_test(size=SIZE) as pilot:
        editor = await opened(pilot)
        assert editor.header.score_failed
        assert "no such score file" in editor.header.score_status
        await pilot.press("down", "d")
        await settle(pilot)
        assert beat_ids(editor) == ["b01", "b03"]


# -- opening ----------------------------------------------------------------------------


async def test_a_scene_that_does_not_read_ends_the_app_with_its_error(tmp_path: Path) -> None:
    path = write_scene(tmp_path, ROOFTOP.replace("title: Rooftop at dawn", "title: [unclosed"))
    app = app_on(path)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: not app.is_running)
    assert app.failure is not None
    assert "malformed YAML" in str(app.failure)
    assert app.return_code == 2


async def test_the_picker_lists_the_scenes_and_opens_one(tmp_path: Path) -> None:
    path = write_scene(tmp_path)
    write_scene(tmp_path, ROOFTOP.replace("Rooftop at dawn", "Second roof"), "second.yaml")
    write_scene(tmp_path, "not: [a scene", "broken.yaml")
    app = make_app(None, folder=path.parent, settings=quick_settings())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        picker = app.screen
        assert [p.name for p in getattr(picker, "paths")] == [  # noqa: B009
            "broken.yaml", "rooftop.yaml", "second.yaml",
        ]  # fmt: skip
        await pilot.press("down", "down", "enter")
        editor = await opened(pilot)
        assert editor.header.scene_title == "Second roof"


@pytest.mark.parametrize("width", [80, 120])
def test_the_picker_cuts_a_long_title_short_and_keeps_the_beat_count(
    tmp_path: Path, width: int
) -> None:
    title = "A dimly lit corridor where every motion is part pirouette, part death blow, " * 2
    path = write_scene(tmp_path, ROOFTOP.replace("Rooftop at dawn", title), "corridor.yaml")
    console = Console(width=width)
    lines = console.render_lines(describe(path), console.options)
    assert len(lines) == 1  # one line per scene, however long its title
    line = "".join(segment.text for segment in lines[0])
    assert line.startswith("corridor.yaml ")
    assert "…" in line and line.rstrip().endswith("3 beats")


def test_with_no_scene_the_picker_looks_in_scenes_or_at_the_demo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert make_app(None).folder == REPO / "scenes"  # no ./scenes/ here: the demo
    (tmp_path / "scenes").mkdir()
    assert make_app(None).folder == Path("scenes")


async def test_the_picker_survives_a_scene_that_does_not_read(tmp_path: Path) -> None:
    path = write_scene(tmp_path, "not: [a scene", "broken.yaml")
    app = make_app(None, folder=path.parent, settings=quick_settings())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        picker = app.screen
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is picker)
        assert app.is_running
        assert any("malformed YAML" in str(n.message) for n in app._notifications)


# -- a long scene ----------------------------------------------------------------------


async def test_a_long_scene_edits_cell_by_cell_and_the_timeline_follows(tmp_path: Path) -> None:
    app = app_on(write_scene(tmp_path, long_scene_text(400)))
    async with app.run_test(size=SIZE) as pilot:
        editor = await opened(pilot)
        assert editor.table.row_count == 400
        await pilot.press("ctrl+end")
        await settle(pilot)
        assert editor.table.cursor_row == 399
        assert editor.timeline.window_start > 0
        rows = list(editor.table.rows)
        await pilot.press("enter", "tab", "tab", *"sissonne", "escape")
        await settle(pilot)
        kept = [a is b for a, b in zip(rows, editor.table.rows, strict=True)]
        assert kept == [True] * 399 + [False]  # one row built again, not the table
        assert editor.table.cell(399, "ballet") == "sissonne"


def shown_rows(table: BeatTable) -> list[list[str]]:
    """The table's rows as drawn on screen now, one list of words per row."""
    return [table.render_line(y).text.split() for y in range(1, table.size.height)]


async def test_rows_are_numbered_by_their_place_after_adds_deletes_and_undo(
    tmp_path: Path,
) -> None:
    app = app_on(write_scene(tmp_path, long_scene_text(40)))
    async with app.run_test(size=SIZE) as pilot:
        editor = await opened(pilot)
        rows = {id(row) for row in editor.table.rows}
        await pilot.press("down", "a", "a")  # two new beats after b02
        await settle(pilot)
        assert beat_ids(editor)[:5] == ["b01", "b02", "b41", "b42", "b03"]
        shown = shown_rows(editor.table)
        assert [row[0] for row in shown[:6]] == ["1", "2", "3", "4", "5", "6"]
        assert [row[1] for row in shown[:6]] == ["1:1", "1:2", "1:3", "1:4", "1:3", "1:4"]
        assert rows <= {id(row) for row in editor.table.rows}  # rows added, none built again
        await pilot.press("up", "d")
        await settle(pilot)
        assert [row[:2] for row in shown_rows(editor.table)[:4]] == [
            ["1", "1:1"], ["2", "1:2"], ["3", "1:4"], ["4", "1:3"],
        ]  # fmt: skip
        await pilot.press("ctrl+z", "ctrl+z", "ctrl+z")
        await settle(pilot)
        assert beat_ids(editor) == [f"b{n:02d}" for n in range(1, 41)]
        shown = shown_rows(editor.table)
        assert [row[:2] for row in shown[:3]] == [["1", "1:1"], ["2", "1:2"], ["3", "1:3"]]
        await pilot.press("ctrl+end", "a")  # after the last row: appended
        await settle(pilot)
        assert editor.session is not None and beat_ids(editor)[-2:] == ["b40", "b41"]
        added = editor.session.scene.beats[-1]
        assert editor.table.cell(40, "at") == str(added.at)
        assert [row[0] for row in shown_rows(editor.table) if row][-2:] == ["40", "41"]


async def test_the_footer_keeps_its_keys_in_place_and_dims_those_that_do_not_apply(
    tmp_path: Path,
) -> None:
    app = app_on(write_scene(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        editor = await opened(pilot)
        footer = editor.query_one(KeyFooter)
        keys = [key for key, _available in footer.shown()]
        described = [(k.key, k.description) for k in keys]
        assert described[:5] == [  # help and quit first: a narrow screen cuts the last
            ("ctrl+q", "Quit"), ("f1", "Help"), ("enter", "Edit"), ("a", "Add"), ("d", "Delete"),
        ]  # fmt: skip
        assert described[-1] == ("ctrl+p", "Commands")  # the palette's, on the right
        assert all(available for _key, available in footer.shown())
        line = footer_line(editor)
        assert line.startswith(" ^q Quit  f1 Help  ⏎ Edit  a Add ")
        assert line.endswith("▏^p Commands ")
        lit = footer_cells(editor)[line.index("Add")][1]
        await pilot.press("enter")  # into the form: enter, a, d, c and s type there
        await pilot.pause(0.1)
        assert [key for key, _available in footer.shown()] == keys  # in the same places
        assert footer_line(editor) == line
        dimmed = {key.description for key, available in footer.shown() if not available}
        assert dimmed == {"Edit", "Add", "Delete", "Play", "Columns", "Cast", "Settings"}
        dim = footer_cells(editor)[line.index("Add")][1]
        assert dim.color != lit.color  # dimmed
        await pilot.press("escape")
        await pilot.pause(0.1)
        assert all(available for _key, available in footer.shown())
        assert footer_cells(editor)[line.index("Add")][1] == lit


def footer_cells(editor: EditorScreen) -> list[tuple[str, Any]]:
    strip = editor._compositor.render_strips()[-1]
    return [(char, segment.style) for segment in strip for char in segment.text]


def footer_line(editor: EditorScreen) -> str:
    return "".join(char for char, _style in footer_cells(editor))


async def test_a_footer_key_clicked_does_what_its_key_does(tmp_path: Path) -> None:
    app = app_on(write_scene(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        editor = await opened(pilot)
        line = footer_line(editor)
        await pilot.click(KeyFooter, offset=(line.index("Columns"), 0))
        await pilot.pause(0.2)
        assert type(app.screen).__name__ == "ColumnChooser"
        await pilot.press("escape")
        await pilot.pause(0.2)
        await pilot.press("enter")  # in the form, Add does not apply: a bell, no beat
        await pilot.pause(0.1)
        beats = len(editor.session.scene.beats)
        await pilot.click(KeyFooter, offset=(line.index("Add"), 0))
        await pilot.pause(0.2)
        assert len(editor.session.scene.beats) == beats


async def test_sync_from_the_palette_writes_the_score_copy_and_saves(tmp_path: Path) -> None:
    path = with_score(tmp_path, "opera-house.musicxml")
    app = app_on(path)
    async with app.run_test(size=SIZE) as pilot:
        editor = await opened(pilot)
        await pilot.press("ctrl+p", *"sync to score")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await until(pilot, lambda: any(tmp_path.joinpath("scores").glob("*.choreo.musicxml")))
        await until(pilot, lambda: read_scene(path).scene.score.synced is not None)
        await settle(pilot)
        assert not editor.header.dirty
        assert editor.session is not None and editor.session.scene.score.synced is not None
    copies = list(tmp_path.joinpath("scores").glob("*.choreo.musicxml"))
    assert [p.name for p in copies] == ["opera-house.choreo.musicxml"]
    assert "b02" in copies[0].read_text(encoding="utf-8")


def test_the_editor_does_not_import_music21() -> None:
    """The score is parsed by choreo.score inside a worker; the editor's modules stay light."""
    code = (
        "import sys, choreo.tui.app, choreo.tui.commands, choreo.serve\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'music21'))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_serve_runs_the_editor_command_on_localhost_only() -> None:
    from choreo.serve import HOST, editor_command

    assert HOST == "127.0.0.1"
    assert editor_command(None).endswith("-m choreo edit")
    assert editor_command(Path("scenes/x.yaml")).endswith(str(Path("scenes/x.yaml").resolve()))
