"""What the editor looks like, compared with SVG pictures accepted by a person.

Regenerate after an intended change with ``pytest tests/test_tui_snapshots.py
--snapshot-update`` and look at the pictures before committing them. Nothing on screen
blinks or ticks: the cursor blink is off, workers are waited for and notifications (which
name temporary paths) are dismissed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from choreo.tui.screens.columns import remember_columns
from choreo.tui.widgets.beat_table import COLUMN_KEYS
from tests.scene_texts import long_scene_text
from tests.test_tui_beat_form import ALLEY
from tests.test_tui_editor import (
    REPO,
    ROOFTOP,
    SIZE,
    app_on,
    opened,
    settle,
    with_score,
    write_scene,
)

SnapCompare = Callable[..., bool]


@pytest.fixture(autouse=True)
def _private_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHOREO_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("CHOREO_CACHE_DIR", str(tmp_path / "cache"))


def ready(*keys: str) -> Callable[[Pilot[Any]], Awaitable[None]]:
    """Open the scene, press the keys, let everything settle, dismiss notifications."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await opened(pilot)
        for key in keys:
            await pilot.press(key)
        await settle(pilot)
        await pilot.pause(0.3)  # the suggester answers after a short while
        pilot.app.clear_notifications()
        await pilot.pause()

    return run_before


def test_the_main_screen(tmp_path: Path, snap_compare: SnapCompare) -> None:
    app = app_on(write_scene(tmp_path))
    assert snap_compare(app, terminal_size=SIZE, run_before=ready("down"))


def test_the_table_at_80_by_24(tmp_path: Path, snap_compare: SnapCompare) -> None:
    app = app_on(write_scene(tmp_path, long_scene_text(40)))
    assert snap_compare(app, terminal_size=(80, 24), run_before=ready("down"))


def test_the_table_at_200_by_60_with_every_column(
    tmp_path: Path, snap_compare: SnapCompare
) -> None:
    remember_columns(COLUMN_KEYS)  # as if chosen with v
    scene = (REPO / "scenes" / "opera-house.yaml").read_text(encoding="utf-8")
    path = with_score(tmp_path, "opera-house.musicxml")
    path.write_text(scene, encoding="utf-8")
    app = app_on(path)
    assert snap_compare(app, terminal_size=(200, 60), run_before=ready("down"))


def test_the_column_chooser(tmp_path: Path, snap_compare: SnapCompare) -> None:
    app = app_on(write_scene(tmp_path))
    assert snap_compare(app, terminal_size=SIZE, run_before=ready("v", "down", "down"))


def test_the_form_being_edited(tmp_path: Path, snap_compare: SnapCompare) -> None:
    app = app_on(write_scene(tmp_path))
    keys = ["down", "enter", "tab", "tab", *"sisso"]
    assert snap_compare(app, terminal_size=SIZE, run_before=ready(*keys))


def test_the_form_with_actions(tmp_path: Path, snap_compare: SnapCompare) -> None:
    """Each performer's own action, and a reaction completing from its vocabulary."""
    app = app_on(write_scene(tmp_path, ALLEY, "alley.yaml"))
    # Into the form, past the headline to Guard 1's reaction, typing a reaction.
    keys = ["enter", *["tab"] * 12, *"head s"]
    assert snap_compare(app, terminal_size=SIZE, run_before=ready(*keys))


def test_the_help_screen(tmp_path: Path, snap_compare: SnapCompare) -> None:
    app = app_on(write_scene(tmp_path))
    assert snap_compare(app, terminal_size=SIZE, run_before=ready("f1"))


def test_a_score_that_fails_and_a_bad_value(tmp_path: Path, snap_compare: SnapCompare) -> None:
    path = with_score(tmp_path, "broken.musicxml", "this is not a score\n")
    path.write_text(
        path.read_text().replace("    combat: punch\n", "    combat: punch\n    attacker: guard9\n")
    )
    assert "guard9" in path.read_text() and ROOFTOP not in path.read_text()
    app = app_on(path)
    keys = ["enter", *["tab"] * 15, "9"]  # intensity 9: refused, said under the field
    assert snap_compare(app, terminal_size=SIZE, run_before=ready(*keys))


def test_the_cast_screen(tmp_path: Path, snap_compare: SnapCompare) -> None:
    app = app_on(write_scene(tmp_path))
    # Kim Lee added and made Eve's double, then guard1's removal refused.
    keys = ["c", "a", *"Kim Lee", "enter", "escape", "enter", "tab", "tab", *"eve", "enter",
            "escape", "up", "d"]  # fmt: skip
    assert snap_compare(app, terminal_size=SIZE, run_before=ready(*keys))


def test_the_settings_screen(tmp_path: Path, snap_compare: SnapCompare) -> None:
    app = app_on(with_score(tmp_path, "studio-waltz.musicxml"))
    assert snap_compare(app, terminal_size=SIZE, run_before=ready("s"))
