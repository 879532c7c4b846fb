"""``choreo check`` and the editor's checks panel say the same about a scene: both ask
``diagnose()``. The real command in a subprocess, the real editor under Pilot.

The editor's diagnostics carry no file line (it checks the scene as edited, whose lines
the file on disk does not have yet), so the comparison leaves ``line`` out.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from choreo.store import scene_files_in
from tests.conftest import SCENES
from tests.run_cli import choreo
from tests.test_tui_editor import SIZE, app_on, opened, settle, until

Row = tuple[str, str, str | None, str]  # code, severity, beat, message


def from_the_command(scene: Path) -> list[Row]:
    result = choreo("check", scene, "--format", "json")
    assert result.returncode in (0, 1), result.stderr
    return [(r["code"], r["severity"], r["beat"], r["message"]) for r in json.loads(result.stdout)]


async def from_the_editor(scene: Path) -> list[Row]:
    app = app_on(scene)
    async with app.run_test(size=SIZE) as pilot:
        editor = await opened(pilot)  # the score worker is done: the beats' times are final
        await until(pilot, lambda: editor.checks.option_count > 0)  # the panel was filled
        await settle(pilot)
        shown = editor.checks.diagnostics
        assert editor.checks.option_count == max(len(shown), 1)  # one line each, or "no problems"
        return [(d.code, d.severity, d.beat, d.message) for d in shown]


@pytest.mark.parametrize("name", [path.name for path in scene_files_in(SCENES)])
async def test_a_demo_scene_gets_the_same_diagnostics(project: Path, name: str) -> None:
    scene = project / "scenes" / name
    command = from_the_command(scene)
    assert ("no-score", "info", None) not in [row[:3] for row in command]  # the score was read
    assert await from_the_editor(scene) == command


async def test_a_scene_with_problems_gets_the_same_diagnostics(project: Path) -> None:
    """The demo scenes are clean: this one is not, so there is something to compare."""
    scene = project / "scenes" / "opera-house.yaml"
    text = scene.read_text(encoding="utf-8")
    for old, new in [
        ("ballet: relevé", "ballet: relevee"),
        ("performers: [guard1, eve]", "performers: [guard1, eva]"),
        ('at: "3:1"', 'at: "60:1"'),
        ("intensity: 1\n", "intensity: 9\n"),
        ("id: b05", "id: b04"),
    ]:
        assert old in text
        text = text.replace(old, new, 1)
    scene.write_text(text, encoding="utf-8")
    command = from_the_command(scene)
    assert {code for code, *_ in command} >= {
        "unknown-move",
        "unknown-performer",
        "outside-score",
        "intensity-range",
        "duplicate-beat-id",
    }
    assert await from_the_editor(scene) == command


async def test_a_score_changed_since_the_sync_gets_the_same_drift(project: Path) -> None:
    scene = project / "scenes" / "opera-house.yaml"
    assert choreo("sync", scene).returncode == 0
    score = project / "scores" / "opera-house.musicxml"
    text = score.read_text(encoding="utf-8")
    assert text.count("<per-minute>132</per-minute>") == text.count('tempo="132"') == 1
    # The mark as printed and as played (<sound tempo>, which is what MuseScore plays).
    text = text.replace("<per-minute>132</per-minute>", "<per-minute>120</per-minute>")
    score.write_text(text.replace('tempo="132"', 'tempo="120"'))
    command = from_the_command(scene)
    codes = [code for code, *_ in command]
    assert codes[0] == "score-changed" and codes.count("score-drift") > 1
    assert await from_the_editor(scene) == command


async def test_a_score_that_is_not_music_is_refused_by_the_command_and_shown_by_the_editor(
    project: Path,
) -> None:
    """``check`` stops on bad input (exit 2); the editor keeps the scene editable and says
    why in the panel, with the same reason."""
    scene = project / "scenes" / "corridor.yaml"
    score = project / "scores" / "corridor.musicxml"
    score.write_text("this is not a score\n", encoding="utf-8")
    result = choreo("check", scene, "--format", "json")
    assert result.returncode == 2 and result.stdout == ""
    editor = await from_the_editor(scene)
    [(_, severity, beat, message)] = [row for row in editor if row[0] == "score-unreadable"]
    assert (severity, beat) == ("error", None)
    reason = message.removeprefix("corridor.musicxml could not be read: ")
    assert reason != message and reason in result.stderr
