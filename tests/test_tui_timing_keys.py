"""The timing keys in the editor under Pilot: ``[`` ``]`` nudge, ``{`` ``}`` ripple, each one
undoable edit, refused with a notice at the score's edges; ``a`` at the score's end."""

from __future__ import annotations

from pathlib import Path

import pytest

from choreo.tui.app import ChoreoApp
from choreo.tui.screens.editor import EditorScreen
from choreo.tui.screens.help import HelpScreen
from tests.test_tui_editor import ROOFTOP, SIZE, app_on, opened, with_score, write_scene


@pytest.fixture(autouse=True)
def _private_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHOREO_STATE_DIR", str(tmp_path / "state"))


def places(editor: EditorScreen) -> list[str]:
    assert editor.session is not None
    return [str(beat.at) for beat in editor.session.scene.beats]


def notices(app: ChoreoApp) -> list[str]:
    return [str(notification.message) for notification in app._notifications]


async def test_brackets_nudge_half_a_beat_across_the_barline_and_undo_one_at_a_time(
    tmp_path: Path,
) -> None:
    app = app_on(write_scene(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        editor = await opened(pilot)
        await pilot.press("down", "left_square_bracket")
        assert places(editor) == ["1:1", "1:4.5", "3:1"]
        await pilot.press("right_square_bracket", "right_square_bracket")
        assert places(editor) == ["1:1", "2:1.5", "3:1"]
        assert editor.table.cursor_row == 1 and editor.header.dirty
        assert editor.form.input_for("at").value == "2:1.5"
        await pilot.press("ctrl+z")
        assert places(editor) == ["1:1", "2:1", "3:1"]
        await pilot.press("ctrl+z")
        assert places(editor) == ["1:1", "1:4.5", "3:1"]
        await pilot.press("ctrl+z")
        assert places(editor) == ["1:1", "2:1", "3:1"]
        assert not editor.header.dirty


async def test_braces_ripple_the_beat_and_every_later_one_as_one_edit(tmp_path: Path) -> None:
    app = app_on(write_scene(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        editor = await opened(pilot)
        await pilot.press("down", "right_curly_bracket")
        assert places(editor) == ["1:1", "2:2", "3:2"]
        await pilot.press("left_curly_bracket", "left_curly_bracket")
        assert places(editor) == ["1:1", "1:4", "2:4"]
        await pilot.press("ctrl+z", "ctrl+z")
        assert places(editor) == ["1:1", "2:2", "3:2"]
        await pilot.press("ctrl+z")
        assert places(editor) == ["1:1", "2:1", "3:1"]


async def test_a_nudge_off_the_score_is_refused_with_a_notice(tmp_path: Path) -> None:
    app = app_on(write_scene(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        editor = await opened(pilot)
        await pilot.press("left_square_bracket", "left_curly_bracket")
        await pilot.pause()
        assert places(editor) == ["1:1", "2:1", "3:1"]
        assert not editor.header.dirty and editor.session.history.undo_count == 0  # type: ignore[union-attr]
        assert "b01 at 1:1 cannot move earlier: the score starts with bar 1" in notices(app)


async def test_brackets_typed_in_a_field_are_text_not_nudges(tmp_path: Path) -> None:
    app = app_on(write_scene(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        editor = await opened(pilot)
        await pilot.press("enter", "tab", "tab", "ctrl+u", *"plié [slow]", "escape")
        await pilot.pause()
        assert places(editor) == ["1:1", "2:1", "3:1"]
        assert editor.session is not None and editor.session.scene.beats[0].ballet == "plié [slow]"


async def test_timing_keys_follow_the_score_s_meter_and_end(tmp_path: Path) -> None:
    """The opera-house score ends with bar 48 in 6/8 (two dotted-quarter beats)."""
    path = with_score(tmp_path, "opera-house.musicxml")
    text = path.read_text(encoding="utf-8").replace('at: "3:1"', 'at: "48:1.5"')
    path.write_text(text, encoding="utf-8")
    app = app_on(path)
    async with app.run_test(size=SIZE) as pilot:
        editor = await opened(pilot)
        assert editor.session is not None and editor.session.score is not None
        await pilot.press("down", "down", "right_square_bracket")
        assert places(editor)[2] == "48:2"
        await pilot.press("a")  # on the score's last beat: refused, nothing piled on it
        await pilot.pause()
        assert places(editor) == ["1:1", "2:1", "48:2"]
        assert "no beat added after b03 at 48:2: the score ends with bar 48" in notices(app)
        await pilot.press("right_square_bracket")
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert places(editor)[2] == "48:2.5"
        assert "b03 at 48:2.5 cannot move later: the score ends with bar 48" in notices(app)
        await pilot.press(*["left_square_bracket"] * 4)
        assert places(editor)[2] == "47:2.5"  # back over the barline, in 6/8's beats


async def test_help_lists_the_timing_keys_as_they_are_typed(tmp_path: Path) -> None:
    app = app_on(write_scene(tmp_path, ROOFTOP))
    async with app.run_test(size=SIZE) as pilot:
        await opened(pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        shown = {b.key_display: b.id for _, bindings in app.screen.sections for b in bindings}
        assert shown["["] == "nudge-earlier" and shown["]"] == "nudge-later"
        assert shown["{"] == "ripple-earlier" and shown["}"] == "ripple-later"
