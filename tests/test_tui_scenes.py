"""Moving between the scenes of a sequence: escape in the table goes back to the scene
list of the scene's folder (also after ``choreo edit SCENE``), asking about unsaved
edits, and another scene opens from there without restarting."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from textual.widgets import OptionList

from choreo.lock import SceneLock
from choreo.store import read_scene
from choreo.tui.app import make_app
from choreo.tui.screens.editor import EditorScreen
from choreo.tui.screens.help import HelpScreen
from choreo.tui.screens.picker import ScenePicker
from choreo.tui.screens.questions import ScenesQuestion
from tests.test_tui_editor import (
    ROOFTOP,
    SIZE,
    _private_state,  # noqa: F401  (the fixture: each test's own state and cache)
    app_on,
    beat_ids,
    opened,
    quick_settings,
    settle,
    until,
    write_scene,
)

SECOND = ROOFTOP.replace("id: rooftop", "id: stairwell").replace(
    "Rooftop at dawn", "Stairwell at noon"
)


def two_scenes(tmp_path: Path) -> tuple[Path, Path]:
    return write_scene(tmp_path), write_scene(tmp_path, SECOND, "stairwell.yaml")


async def test_escape_after_choreo_edit_shows_the_scene_folder_and_opens_another(
    tmp_path: Path,
) -> None:
    rooftop, stairwell = two_scenes(tmp_path)
    app = make_app(rooftop, settings=quick_settings())  # as `choreo edit rooftop.yaml`
    async with app.run_test(size=SIZE) as pilot:
        await opened(pilot)
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ScenePicker))
        picker = app.screen
        assert isinstance(picker, ScenePicker)
        assert picker.folder == rooftop.parent
        assert picker.paths == [rooftop, stairwell]
        assert picker.query_one(OptionList).highlighted == 0  # the scene just left
        assert app.editor is None
        SceneLock.acquire(rooftop).release()  # the editor gave up its lock
        await pilot.press("down", "enter")
        editor = await opened(pilot)
        assert editor.header.scene_title == "Stairwell at noon"
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is picker)  # the same list, not another
        assert picker.query_one(OptionList).highlighted == 1
        await pilot.press("up", "enter")
        editor = await opened(pilot)
        assert editor.header.scene_title == "Rooftop at dawn"


async def test_escape_with_unsaved_edits_asks_and_cancel_keeps_the_edit(tmp_path: Path) -> None:
    rooftop, _ = two_scenes(tmp_path)
    app = app_on(rooftop)
    async with app.run_test(size=SIZE) as pilot:
        editor = await opened(pilot)
        await pilot.press("a", "escape")
        await until(pilot, lambda: isinstance(app.screen, ScenesQuestion))
        await pilot.press("c")
        await pilot.pause()
        assert app.screen is editor and editor.header.dirty
        assert beat_ids(editor) == ["b01", "b04", "b02", "b03"]
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ScenesQuestion))
        await pilot.press("escape")  # the question's own escape is the safe answer
        await pilot.pause()
        assert app.screen is editor and editor.header.dirty
    assert rooftop.read_text() == ROOFTOP


async def test_escape_then_save_writes_the_scene_and_shows_the_list(tmp_path: Path) -> None:
    rooftop, _ = two_scenes(tmp_path)
    app = make_app(None, folder=rooftop.parent, settings=quick_settings())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        picker = app.screen
        await pilot.press("enter")
        await opened(pilot)
        await pilot.press("d", "escape")
        await until(pilot, lambda: isinstance(app.screen, ScenesQuestion))
        await pilot.press("s")
        await until(pilot, lambda: app.screen is picker)
        await settle(pilot)
        assert [b.id for b in read_scene(rooftop).scene.beats] == ["b02", "b03"]
        assert "# the approach" in rooftop.read_text()
        # The list says what the file holds now.
        first = picker.query_one(OptionList).get_option_at_index(0).prompt
        console = Console(width=100)
        line = "".join(s.text for s in console.render_lines(first, console.options)[0])
        assert line.rstrip().endswith("2 beats")


async def test_escape_then_discard_leaves_the_file_as_it_was(tmp_path: Path) -> None:
    rooftop, _ = two_scenes(tmp_path)
    app = app_on(rooftop)
    async with app.run_test(size=SIZE) as pilot:
        await opened(pilot)
        await pilot.press("d", "escape")
        await until(pilot, lambda: isinstance(app.screen, ScenesQuestion))
        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, ScenePicker))
        assert not any(isinstance(s, EditorScreen) for s in app.screen_stack)
    assert rooftop.read_text() == ROOFTOP


async def test_escape_in_the_form_goes_back_to_the_table_not_the_list(tmp_path: Path) -> None:
    rooftop, _ = two_scenes(tmp_path)
    app = app_on(rooftop)
    async with app.run_test(size=SIZE) as pilot:
        editor = await opened(pilot)
        await pilot.press("enter", "escape")
        await pilot.pause()
        assert app.screen is editor and editor.table.has_focus


async def test_f1_says_escape_goes_back_to_the_scene_list(tmp_path: Path) -> None:
    rooftop, _ = two_scenes(tmp_path)
    app = app_on(rooftop)
    async with app.run_test(size=SIZE) as pilot:
        await opened(pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        table_keys = dict(app.screen.sections)["In the beat table"]
        back = next(binding for binding in table_keys if binding.id == "scene-list")
        assert back.key == "escape" and "scene list" in str(back.tooltip)
        assert any(title == "In the beat form" for title, _ in app.screen.notes)
