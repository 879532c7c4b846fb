"""The editor uses the screen it has: at 80×24 at least 8 beats show, at 50×15 the table
still does, at 200×60 no move or performer name is cut, and ``v`` chooses the columns."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import SelectionList

from choreo.tui.screens.columns import ColumnChooser, remembered_columns
from choreo.tui.widgets.beat_table import NARROWEST_CUT, SHOWN_AT_FIRST, BeatTable, fitted_widths
from tests.scene_texts import long_scene_text
from tests.test_tui_editor import ROOFTOP, app_on, opened, settle, write_scene

LONG_NAMES = (
    ROOFTOP.replace("ballet: grand jeté", "ballet: grand jeté en tournant entrelacé")
    .replace("combat: flying kick", "combat: flying kick to the shoulder, pulled")
    .replace("id: guard1\n    name: Guard 1", "id: second_guard_of_the_tower\n    name: Guard 2")
    .replace("[eve, guard1]", "[eve, second_guard_of_the_tower]")
)


@pytest.fixture(autouse=True)
def _private_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHOREO_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("CHOREO_CACHE_DIR", str(tmp_path / "cache"))


def shown_lines(table: BeatTable) -> list[str]:
    """The table's lines as drawn now, the header first."""
    return [table.render_line(y).text for y in range(table.size.height)]


def beat_rows_shown(table: BeatTable) -> int:
    """How many beat rows are on screen: lines that start with a row number."""
    return sum(
        1 for line in shown_lines(table)[1:] if line.split()[:1] and line.split()[0].isdigit()
    )


async def test_at_80_by_24_at_least_8_beats_show_and_the_form_folds(tmp_path: Path) -> None:
    app = app_on(write_scene(tmp_path, long_scene_text(40)))
    async with app.run_test(size=(80, 24)) as pilot:
        editor = await opened(pilot)
        assert beat_rows_shown(editor.table) >= 8
        assert not editor.form.display  # the table has the width
        assert editor.timeline.display and editor.checks.display  # shrunk, not gone
        header = shown_lines(editor.table)[0]
        assert "ballet" in header and "combat" in header
        await pilot.press("enter")  # editing: the form unfolds beside the table
        await settle(pilot)
        assert editor.form.display and editor.form.region.width > 0
        assert editor.form.input_for("at").has_focus
        await pilot.press("escape")
        await settle(pilot)
        assert not editor.form.display and editor.table.has_focus
        assert beat_rows_shown(editor.table) >= 8


async def test_at_50_by_15_the_table_still_shows(tmp_path: Path) -> None:
    app = app_on(write_scene(tmp_path, long_scene_text(40)))
    async with app.run_test(size=(50, 15)) as pilot:
        editor = await opened(pilot)
        assert not editor.timeline.display and not editor.checks.display
        assert beat_rows_shown(editor.table) >= 8
        lines = shown_lines(editor.table)
        assert lines[1].split()[:2] == ["1", "1:1"]
        await pilot.press("down", "down")
        await settle(pilot)
        assert editor.table.cursor_row == 2


async def test_at_200_by_60_no_move_or_performer_name_is_cut(tmp_path: Path) -> None:
    app = app_on(write_scene(tmp_path, LONG_NAMES))
    async with app.run_test(size=(200, 60)) as pilot:
        editor = await opened(pilot)
        text = "\n".join(shown_lines(editor.table))
        for name in ("grand jeté en tournant entrelacé", "flying kick to the shoulder, pulled",
                     "eve, second_guard_of_the_tower", "pirouette", "punch"):  # fmt: skip
            assert name in text
        assert "…" not in text  # not even a label


async def test_a_narrow_table_cuts_the_long_names_and_keeps_the_rest(tmp_path: Path) -> None:
    app = app_on(write_scene(tmp_path, LONG_NAMES))
    async with app.run_test(size=(80, 24)) as pilot:
        editor = await opened(pilot)
        lines = shown_lines(editor.table)
        assert "grand jeté en tournant entrelacé" not in lines[2]
        assert "grand jeté" in lines[2] and "…" in lines[2]
        assert all(len(line) == editor.table.size.width for line in lines)
        assert lines[2].split()[:2] == ["2", "2:1"]  # the number and the place are never cut


async def test_v_chooses_the_columns_and_the_choice_is_remembered(tmp_path: Path) -> None:
    path = write_scene(tmp_path)
    app = app_on(path)
    async with app.run_test(size=(120, 36)) as pilot:
        editor = await opened(pilot)
        assert "weapon" not in shown_lines(editor.table)[0]
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, ColumnChooser)
        choices = app.screen.query_one(SelectionList)
        assert choices.has_focus
        keys = [choices.get_option_at_index(i).value for i in range(choices.option_count)]
        await pilot.press("home", *["down"] * keys.index("safety"), "space")  # shown
        await pilot.press("home", *["down"] * keys.index("timecode"), "space")  # hidden
        await settle(pilot)
        header = shown_lines(editor.table)[0]  # the table follows each tick at once
        assert "safety" in header and "timecode" not in header
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is editor
        assert "crash mat downstage left" in "\n".join(shown_lines(editor.table))
    assert "safety" in remembered_columns() and "timecode" not in remembered_columns()
    again = app_on(path)
    async with again.run_test(size=(120, 36)) as pilot:
        editor = await opened(pilot)
        header = shown_lines(editor.table)[0]
        assert "safety" in header and "timecode" not in header


def test_fitting_cuts_labels_first_then_the_widest_text() -> None:
    # number, at (label wider than its cells), ballet and combat (may be cut)
    wanted, least, cut = [2, 8, 30, 12], [2, 4, 30, 12], [0, 0, 2, 2]
    assert fitted_widths(wanted, least, cut, 100) == wanted  # room to spare: all of it
    assert fitted_widths(wanted, least, cut, 52) == [2, 4, 30, 12]  # the label gives way
    assert fitted_widths(wanted, least, cut, 40) == [2, 4, 18, 12]  # the widest text
    narrowest = fitted_widths(wanted, least, cut, 10)
    assert narrowest == [2, 4, NARROWEST_CUT, NARROWEST_CUT]  # and no further
    # with safety notes (free text) shown too, they give way before the moves
    assert fitted_widths([*wanted, 40], [*least, 40], [*cut, 1], 66) == [2, 4, 30, 12, 13]
    assert fitted_widths([*wanted, 40], [*least, 40], [*cut, 1], 56) == [2, 4, 27, 12, 6]


def test_a_columns_file_that_is_not_ours_is_the_first_choice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHOREO_STATE_DIR", str(tmp_path))
    for text in ("not json", '{"a": 1}', '["ballet", "no such column"]'):
        (tmp_path / "table-columns.json").write_text(text, encoding="utf-8")
        assert remembered_columns() == SHOWN_AT_FIRST


async def test_a_click_moves_the_cursor_and_a_second_click_edits(tmp_path: Path) -> None:
    app = app_on(write_scene(tmp_path, long_scene_text(40)))
    async with app.run_test(size=(120, 36)) as pilot:
        editor = await opened(pilot)
        row_four = (10, 1 + 1 + 3)  # past the border and the header, the fourth row
        await pilot.click(BeatTable, offset=row_four)
        await settle(pilot)
        assert editor.table.cursor_row == 3 and editor.table.has_focus
        assert editor.form.beat is not None and editor.form.beat.id == "b04"
        await pilot.click(BeatTable, offset=row_four)
        await settle(pilot)
        assert editor.form.input_for("at").has_focus


async def test_the_cursor_stays_in_sight_at_the_end_of_a_long_sheet(tmp_path: Path) -> None:
    app = app_on(write_scene(tmp_path, long_scene_text(400)))
    async with app.run_test(size=(80, 24)) as pilot:
        editor = await opened(pilot)
        await pilot.press("end")
        await settle(pilot)
        last = shown_lines(editor.table)[-1].split()
        assert last[:2] == ["400", "100:4"]
        await pilot.press("pageup", "home")
        await settle(pilot)
        assert shown_lines(editor.table)[1].split()[:2] == ["1", "1:1"]
