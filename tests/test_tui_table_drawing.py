"""The beat table draws again only the lines an edit or a cursor move changed: what it
shows after every key is what it would show drawn from scratch."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rich.style import Style
from textual.pilot import Pilot

from choreo.tui.screens.editor import EditorScreen
from tests.scene_texts import long_scene_text
from tests.test_tui_cast_settings import settle
from tests.test_tui_editor import SIZE, app_on, opened, write_scene

Painted = list[list[tuple[str, Style | None]]]


def table_as_painted(editor: EditorScreen) -> Painted:
    """Each cell of the table's part of the screen, as the screen would paint it now (lines
    not marked for drawing come from what the table drew before)."""
    region = editor.table.region
    strips = editor._compositor.render_strips()
    return [
        [(char, segment.style) for segment in strip for char in segment.text][
            region.x : region.right
        ]
        for strip in strips[region.y : region.bottom]
    ]


async def check_drawn_afresh(pilot: Pilot[Any], editor: EditorScreen) -> None:
    await settle(pilot)
    painted = table_as_painted(editor)
    editor.table._lines.clear()
    editor.table.refresh()  # every line drawn from its row again
    assert painted == table_as_painted(editor)


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
