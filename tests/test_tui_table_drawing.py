"""The editor draws again only what a key changed: the beat table only the lines of the
rows that changed, the form only the fields in sight. What the screen shows after every
key is what it would show drawn from scratch."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rich.style import Style
from textual.geometry import Region
from textual.pilot import Pilot

from choreo.tui.screens.editor import EditorScreen
from choreo.tui.widgets.beat_form import NoteArea
from tests.scene_texts import long_scene_text
from tests.test_tui_cast_settings import settle
from tests.test_tui_editor import SIZE, app_on, opened, write_scene

Painted = list[list[tuple[str, Style | None]]]


def as_painted(editor: EditorScreen, region: Region) -> Painted:
    """Each cell of a region of the screen as the screen would paint it now (lines not
    marked for drawing come from what each widget drew before)."""
    strips = editor._compositor.render_strips()
    return [
        [(char, segment.style) for segment in strip for char in segment.text][
            region.x : region.right
        ]
        for strip in strips[region.y : region.bottom]
    ]


async def check_drawn_afresh(pilot: Pilot[Any], editor: EditorScreen) -> None:
    await settle(pilot)
    painted = as_painted(editor, editor.table.region)
    editor.table._lines.clear()
    editor.table.refresh()  # every line drawn from its row again
    assert painted == as_painted(editor, editor.table.region)


KEYS = [
    ["down", "down", "down"],
    ["right_square_bracket"],  # nudge: one row's cells
    ["left_square_bracket"],
    ["right_curly_bracket"],  # ripple: this row and every later one
    ["a"],  # a row comes: every row below moves down
    ["d"],
    ["ctrl+z"],
    ["shift+down"],
    ["pagedown", "down"],  # the table scrolls
    ["up", "up"],
    ["left_curly_bracket"],
    ["ctrl+end"],
    ["d"],  # the last row goes: its line is blank
    ["ctrl+home", "up"],
    ["enter"],  # to the form: the cursor row's look follows focus
    ["escape"],
]


@pytest.mark.parametrize("size", [SIZE, (80, 24)])
async def test_every_key_leaves_the_table_as_drawn_from_scratch(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    app = app_on(write_scene(tmp_path, long_scene_text(60)))
    async with app.run_test(size=size) as pilot:
        editor = await opened(pilot)
        editor.table.focus()
        for keys in KEYS:
            await pilot.press(*keys)
            await check_drawn_afresh(pilot, editor)


async def test_fields_out_of_sight_show_the_beat_when_scrolled_to(tmp_path: Path) -> None:
    app = app_on(write_scene(tmp_path, long_scene_text(60)))
    async with app.run_test(size=SIZE) as pilot:
        editor = await opened(pilot)
        editor.table.focus()
        form = editor.form
        assert form.region and form.max_scroll_y > 0  # shown, the notes out of sight
        form.scroll_end(animate=False, immediate=True)  # the notes drawn once
        await settle(pilot)
        form.scroll_home(animate=False, immediate=True)
        await settle(pilot)
        await pilot.press("down", "down")  # another beat: other intensity and notes
        await settle(pilot)
        form.scroll_end(animate=False, immediate=True)
        await settle(pilot)
        painted = as_painted(editor, form.region)
        for widget in form.walk_children():
            widget._styles_cache.clear()  # every line drawn from the widget again
            widget.refresh()
        assert painted == as_painted(editor, form.region)
        assert form.query_one("#field-notes", NoteArea).text == editor.session.scene.beats[2].notes
