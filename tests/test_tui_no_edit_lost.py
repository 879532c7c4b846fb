"""No edit is ever lost: every command the palette offers, run with an unsaved edit and
followed by ctrl+q, leaves the edit in the scene file or makes the quit ask first.

The commands are read from the palette itself (its providers' list before anything is
typed), so a command added later is covered without touching this test. The scene is a
demo scene synced once by the real ``choreo sync``: the case where "Sync to score" used
to write the old scene back and clear the unsaved marker.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from textual.command import CommandList, CommandPalette
from textual.pilot import Pilot

from choreo.store import read_scene
from choreo.tui.app import make_app
from choreo.tui.screens.editor import EditorScreen, EditorSettings
from choreo.tui.screens.questions import QuitQuestion
from tests.run_cli import choreo

REPO = Path(__file__).resolve().parent.parent
SCENE = "opera-house.yaml"
EDITED = "sissonne"  # beat 1's ballet move after the edit (the demo has relevé)
SIZE = (120, 36)


@pytest.fixture(scope="module")
def synced_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo project after ``choreo sync`` of one scene: the scene records the sync."""
    project = tmp_path_factory.mktemp("synced")
    shutil.copytree(REPO / "scenes", project / "scenes")
    shutil.copytree(REPO / "scores", project / "scores")
    result = choreo("sync", project / "scenes" / SCENE)
    assert result.returncode == 0, result.stderr
    scene = read_scene(project / "scenes" / SCENE).scene
    assert scene.score.synced is not None and scene.beats[0].ballet != EDITED
    return project


@pytest.fixture
def fresh_copy(synced_project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh copy of the synced project for each command; screenshots go to tmp_path."""
    monkeypatch.setenv("CHOREO_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("HOME", str(tmp_path))  # Textual's "Screenshot" writes to ~/Downloads
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def settings() -> EditorSettings:
    return EditorSettings(cursor_blink=False, check_delay=0.01, journal_seconds=3600)


async def until(pilot: Pilot[Any], condition: Any, timeout: float = 60) -> None:
    for _ in range(int(timeout / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"timed out waiting for {condition}")


async def open_and_edit(pilot: Pilot[Any]) -> EditorScreen:
    """Open the scene, wait for its score, and type a new ballet move into beat 1's form,
    leaving the cursor in the field (the edit is not even committed by leaving it)."""
    app = pilot.app
    await until(pilot, lambda: isinstance(app.screen, EditorScreen) and app.screen.session)
    editor = app.screen
    assert isinstance(editor, EditorScreen) and editor.session is not None
    await until(pilot, lambda: editor.session is not None and editor.session.score_known)
    await until(pilot, lambda: all(worker.is_finished for worker in app.workers))
    await pilot.press("enter", "tab", "tab", "ctrl+u", *EDITED)
    await pilot.pause()
    assert editor.form.input_for("ballet").value == EDITED
    return editor


async def offered_commands(pilot: Pilot[Any]) -> list[str]:
    """The commands the palette lists before anything is typed."""
    await pilot.press("ctrl+p")
    await until(pilot, lambda: isinstance(pilot.app.screen, CommandPalette))
    commands = pilot.app.screen.query_one(CommandList)
    await until(pilot, lambda: commands.option_count > 0)
    await pilot.pause(0.3)  # every provider has answered
    names = [str(commands.get_option_at_index(i).hit.text) for i in range(commands.option_count)]
    await pilot.press("escape")
    await pilot.pause()
    return names


async def choose(pilot: Pilot[Any], name: str) -> None:
    """Open the palette and choose ``name`` with the arrow keys and enter."""
    await pilot.press("ctrl+p")
    await until(pilot, lambda: isinstance(pilot.app.screen, CommandPalette))
    commands = pilot.app.screen.query_one(CommandList)
    await until(pilot, lambda: commands.option_count > 0)
    await pilot.pause(0.3)
    texts = [commands.get_option_at_index(i).hit.text for i in range(commands.option_count)]
    assert name in texts, texts
    for _ in range(texts.index(name)):  # the first is highlighted when the palette opens
        await pilot.press("down")
    assert commands.highlighted == texts.index(name)
    await pilot.press("enter")


async def test_every_palette_command_keeps_an_unsaved_edit(
    fresh_copy: Path, synced_project: Path
) -> None:
    first = make_app(_copy(synced_project, fresh_copy / "first") / SCENE, settings=settings())
    async with first.run_test(size=SIZE) as pilot:
        await open_and_edit(pilot)
        names = await offered_commands(pilot)
    assert "Sync to score" in names and len(names) >= 5
    outcomes = {}
    for number, name in enumerate(names):
        scenes = _copy(synced_project, fresh_copy / f"run{number}")
        outcomes[name] = await _run_then_quit(scenes / SCENE, name)
    # The reproduction of issue 13: sync saves the edit (it writes the scene anyway).
    assert outcomes["Sync to score"] == "saved"
    assert outcomes["Export Markdown"] == "saved"
    assert outcomes["Check the scene"] == "asked"


def _copy(project: Path, target: Path) -> Path:
    shutil.copytree(project / "scenes", target / "scenes")
    shutil.copytree(project / "scores", target / "scores")
    return target / "scenes"


async def _run_then_quit(path: Path, name: str) -> str:
    """Run one palette command on an unsaved edit, then ctrl+q: "saved" when the edit is
    in the file, "asked" when the quit asks first; anything else fails the test."""
    app = make_app(path, settings=settings())
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_and_edit(pilot)
        await choose(pilot, name)
        await pilot.pause(0.3)
        await until(pilot, lambda: all(worker.is_finished for worker in app.workers))
        await pilot.pause(0.3)
        session = editor.session
        assert session is not None
        on_disk = read_scene(path).scene
        if not editor.header.dirty:  # the marker is clear only when the file holds the scene
            assert on_disk == session.scene, f"{name}: unsaved marker cleared, file not written"
        await pilot.press("ctrl+q")
        await pilot.pause(0.3)
        asked = app.is_running and isinstance(app.screen, QuitQuestion)
        if app.is_running and not asked:
            await until(pilot, lambda: not app.is_running or isinstance(app.screen, QuitQuestion))
            asked = app.is_running
    saved = read_scene(path).scene.beats[0].ballet == EDITED
    assert saved or asked, f"{name}: the edit is not in the file and the quit did not ask"
    return "saved" if saved else "asked"


async def test_ctrl_q_during_a_sync_waits_for_it_then_quits_with_the_edit_saved(
    fresh_copy: Path, synced_project: Path
) -> None:
    path = _copy(synced_project, fresh_copy) / SCENE
    before = read_scene(path).scene.score.synced
    app = make_app(path, settings=settings())
    async with app.run_test(size=SIZE) as pilot:
        await open_and_edit(pilot)
        await choose(pilot, "Sync to score")
        await pilot.press("ctrl+q")  # while the scene is being saved and synced
        await until(pilot, lambda: not app.is_running or isinstance(app.screen, QuitQuestion))
        assert not app.is_running
    after = read_scene(path).scene
    assert after.beats[0].ballet == EDITED
    assert after.score.synced is not None and before is not None
    assert after.score.synced.beat_seconds.keys() == before.beat_seconds.keys()
    assert EDITED in (fresh_copy / "scores" / "opera-house.choreo.musicxml").read_text("utf-8")
