"""Keys typed faster than the editor draws: nothing typed is lost while a screen mounts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual import events
from textual.pilot import Pilot
from textual.widgets import Input

from choreo.tui.screens.cast import CastScreen
from choreo.tui.screens.settings import SettingsScreen
from tests.test_tui_cast_settings import settle
from tests.test_tui_editor import SIZE, app_on, opened, write_scene


def type_at_once(pilot: Pilot[Any], *keys: str) -> None:
    """Keys as a fast typist sends them: all queued before the app handles the first."""
    app = pilot.app
    for key in keys:
        event = events.Key(key, key if len(key) == 1 else None)
        event.set_sender(app)
        app.post_message(event)


async def test_letters_typed_right_after_s_reach_the_title_field(tmp_path: Path) -> None:
    app = app_on(write_scene(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await opened(pilot)
        type_at_once(pilot, "s", *"Dusk")  # the title is selected when it gets focus
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SettingsScreen)
        title = screen.fields["title"]
        assert isinstance(title, Input)
        assert title.value == "Dusk"  # replacing the title, as when typed slowly


async def test_keys_typed_right_after_c_reach_the_cast_screen(tmp_path: Path) -> None:
    app = app_on(write_scene(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await opened(pilot)
        type_at_once(pilot, "c", "down")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CastScreen)
        assert screen.table.cursor_row == 1
