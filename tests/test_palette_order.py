"""The command palette lists choreo's own commands first, Textual's (keys, theme, quit)
after them, every time it opens; in the scene list only Textual's are offered."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import SCENES
from tests.test_tui_editor import app_on, opened
from tests.test_tui_no_edit_lost import offered_commands

CHOREO_COMMANDS = [
    "Export Markdown", "Check the scene", "Score info", "Sync to score",
    "Play at ¾ speed", "Play at ½ speed", "Play at full speed",
]  # fmt: skip
TEXTUAL_COMMANDS = {"Keys", "Quit", "Theme"}


async def test_choreos_commands_come_first_in_the_palette(project: Path) -> None:
    app = app_on(project / "scenes" / "corridor.yaml")
    async with app.run_test(size=(120, 36)) as pilot:
        await opened(pilot)
        for _ in range(4):  # providers answer in no set order: the order must not vary
            names = await offered_commands(pilot)
            assert names[: len(CHOREO_COMMANDS)] == CHOREO_COMMANDS, names
            assert names[len(CHOREO_COMMANDS)] == "Jump to measure…"
            assert set(names[len(CHOREO_COMMANDS) + 1 :]) >= TEXTUAL_COMMANDS, names


async def test_the_scene_list_offers_textuals_commands() -> None:
    app = app_on(None)
    app.folder = SCENES
    async with app.run_test(size=(120, 36)) as pilot:
        names = await offered_commands(pilot)
        assert set(names) >= TEXTUAL_COMMANDS and not set(CHOREO_COMMANDS) & set(names)
