"""The cast screen (``c``) and the settings screen (``s``) driven through Textual's pilot:
each change applies at once, ctrl+z takes it back, and the saved file says exactly that."""

from __future__ import annotations

import shutil
import wave
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Select

from choreo.journal import write_journal
from choreo.store import digest_of, read_scene
from choreo.tui.screens.cast import CastScreen
from choreo.tui.screens.questions import ConflictQuestion, RestoreQuestion
from choreo.tui.screens.settings import SettingsScreen
from tests.conftest import SCORES
from tests.run_cli import choreo
from tests.test_tui_editor import (
    ROOFTOP,
    SIZE,
    app_on,
    changed_lines,
    opened,
    saved,
    until,
    with_score,
    write_scene,
)


async def settle(pilot: Pilot[Any]) -> None:
    """Let debounced checks and workers finish; a newer check may cancel an older one."""
    await pilot.pause(0.05)
    await until(pilot, lambda: not any(w.is_running for w in pilot.app.workers))
    await pilot.pause()


async def cast_screen(pilot: Pilot[Any]) -> CastScreen:
    await pilot.press("c")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, CastScreen)
    return screen


async def settings_screen(pilot: Pilot[Any]) -> SettingsScreen:
    await pilot.press("s")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, SettingsScreen)
    return screen


async def add(pilot: Pilot[Any], *names: str) -> None:
    """Add performers by name; with no cast yet the screen opens on the new name."""
    if pilot.app.focused is None or pilot.app.focused.id != "cast-new-name":
        await pilot.press("a")
    for name in names:
        await pilot.press(*name, "enter")
    await pilot.press("escape")  # back to the list
    await settle(pilot)


async def test_a_new_scene_gets_a_cast_and_a_double_and_saves_without_a_conflict(
    tmp_path: Path,
) -> None:
    (tmp_path / "scenes").mkdir()
    path = tmp_path / "scenes" / "alley.yaml"
    made = choreo("new", path, "--title", "Alley")
    assert made.returncode == 0, made.stderr
    fresh = path.read_text(encoding="utf-8")
    app = app_on(path)
    async with app.run_test(size=SIZE) as pilot:
        editor = await opened(pilot)
        screen = await cast_screen(pilot)
        assert app.focused is screen.new_name  # no cast yet: typing a name starts one
        # The hint names what typing does there, not `a` (which would be typed).
        assert str(screen.hint.render()).startswith("type a name")
        await add(pilot, "Eve", "Guard 1", "Kim Lee")
        assert str(screen.hint.render()).startswith("a add")  # back in the list
        assert [m.id for m in screen.scene.cast] == ["eve", "guard-1", "kim-lee"]
        assert screen.table.row_count == 3
        # Kim Lee doubles Eve: the third row, its doubles field.
        await pilot.press("down", "down", "enter")
        assert str(screen.hint.render()).startswith("enter or tab applies")
        await pilot.press("tab", "tab", *"eve", "enter")
        await pilot.press("escape", "up", "up", "enter")  # Eve's props
        await pilot.press(*["tab"] * 5, *"knife, pistol", "enter", "escape")
        await settle(pilot)
        cast = screen.scene.cast
        assert cast[2].doubles == "eve" and cast[0].props == ["knife", "pistol"]
        assert str(screen.table.get_row_at(2)[2]) == "Eve"  # doubles shown by name
        await pilot.press("escape")  # closes the screen
        await settle(pilot)
        assert app.screen is editor and editor.header.dirty
        assert editor.form.completion("performers").choices[0].name == "eve"
        await saved(pilot, editor)
        assert not any(isinstance(s, ConflictQuestion) for s in app.screen_stack)
    written = path.read_text(encoding="utf-8")
    assert written == fresh + (
        "cast:\n"
        "  - id: eve\n"
        "    name: Eve\n"
        "    props: [knife, pistol]\n"
        "  - id: guard-1\n"
        "    name: Guard 1\n"
        "  - id: kim-lee\n"
        "    name: Kim Lee\n"
        "    doubles: eve\n"
    )
    checked = choreo("check", path)
    assert checked.returncode == 0, checked.stdout


async def test_each_cast_change_is_undone_by_ctrl_z_one_at_a_time(tmp_path: Path) -> None:
    app = app_on(write_scene(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        editor = await opened(pilot)
        session = editor.session
        assert session is not None
        original = session.scene
        screen = await cast_screen(pilot)
        await add(pilot, "Kim")
        await pilot.press("down", "down", "enter", "tab", "tab", *"eve", "enter", "escape")
        await settle(pilot)
        with_double = session.scene
        assert with_double.cast[2].doubles == "eve"
        await pilot.press("ctrl+z")  # the double
        await settle(pilot)
        assert session.scene.cast[2].doubles is None
        assert screen.inputs["doubles"].value == ""
        await pilot.press("ctrl+z")  # the new member
        await settle(pilot)
        assert session.scene == original and screen.table.row_count == 2
        await pilot.press("ctrl+y", "ctrl+y")
        await settle(pilot)
        assert session.scene == with_double
        await pilot.press("escape", "ctrl+z")  # and in the editor
        await settle(pilot)
        assert session.scene.cast[2].doubles is None


async def test_a_new_id_follows_into_the_beats_and_only_those_lines_change(
    tmp_path: Path,
) -> None:
    path = write_scene(tmp_path)
    app = app_on(path)
    async with app.run_test(size=SIZE) as pilot:
        editor = await opened(pilot)
        screen = await cast_screen(pilot)
        await pilot.press("down", "enter", "tab", "ctrl+u", *"henchman", "enter")
        await settle(pilot)
        assert editor.session is not None
        assert editor.session.scene.beats[1].performers == ["eve", "henchman"]
        assert str(screen.table.get_row_at(1)[0]) == "henchman"
        await pilot.press("ctrl+z")  # the beats go back with the cast
        await settle(pilot)
        assert editor.session.scene.beats[1].performers == ["eve", "guard1"]
        assert str(screen.table.get_row_at(1)[0]) == "guard1"
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert editor.session.scene.beats[2].performers == ["eve", "henchman"]
        await pilot.press("escape")
        await settle(pilot)
        assert editor.table.cell(1, "performers") == "eve, henchman"
        await saved(pilot, editor)
    assert changed_lines(ROOFTOP, path.read_text()) == [
        "-  - id: guard1",
        "+  - id: henchman",
        "-    performers: [eve, guard1]",
        "+    performers: [eve, henchman]",
        "-    performers: [eve, guard1]",
        "+    performers: [eve, henchman]",
    ]


async def test_removing_a_performer_beats_name_is_refused_with_the_beats(tmp_path: Path) -> None:
    app = app_on(write_scene(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        editor = await opened(pilot)
        screen = await cast_screen(pilot)
        await pilot.press("down", "d")
        await settle(pilot)
        assert editor.session is not None and len(editor.session.scene.cast) == 2
        assert str(screen.problem.render()) == (
            "guard1 is not removed: beats b02, b03 name them; take them out of those beats first"
        )
        await add(pilot, "Extra")
        await pilot.press("down", "d")  # nobody names the extra: removed
        await settle(pilot)
        assert [m.id for m in editor.session.scene.cast] == ["eve", "guard1"]
        assert not screen.problem.has_class("-shown")
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert [m.id for m in editor.session.scene.cast] == ["eve", "guard1", "extra"]
        assert screen.table.row_count == 3


async def test_a_value_that_does_not_read_is_said_and_not_applied(tmp_path: Path) -> None:
    app = app_on(write_scene(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        editor = await opened(pilot)
        screen = await cast_screen(pilot)
        await pilot.press("enter", "tab", "ctrl+u", *"two words", "enter")
        await settle(pilot)
        assert "an id is letters, digits" in str(screen.problem.render())
        assert editor.session is not None and editor.session.scene.cast[0].id == "eve"
        await pilot.press("escape")  # the field keeps the text; escape is refused with it
        assert isinstance(app.screen, CastScreen)


async def test_tempo_and_fps_apply_at_once_and_save_as_typed(tmp_path: Path) -> None:
    path = write_scene(tmp_path)
    app = app_on(path)
    async with app.run_test(size=SIZE) as pilot:
        editor = await opened(pilot)
        assert editor.session is not None
        timecode_before = editor.table.cell(1, "timecode")
        screen = await settings_screen(pilot)
        tempo = screen.fields["tempo"]
        tempo.focus()
        await pilot.press("ctrl+u", *"60", "enter")
        await settle(pilot)
        assert editor.session.scene.score.tempo == 60
        assert "steady 4/4 at 60" in editor.header.score_status  # placed again at once
        assert editor.table.cell(1, "timecode") == "01:00:04:00"
        assert timecode_before == "01:00:02:00"
        fps = screen.fields["fps"]
        assert isinstance(fps, Select)
        fps.value = "25"
        await settle(pilot)
        assert editor.session.scene.score.fps == 25
        tempo.focus()
        await pilot.press("ctrl+u", *"fast", "tab")
        await settle(pilot)
        assert str(screen.problem.render()) == "tempo is quarter notes per minute, e.g. 96"
        assert editor.session.scene.score.tempo == 60
        await pilot.press("ctrl+z")  # fps back to 24
        await settle(pilot)
        assert editor.session.scene.score.fps == 24 and fps.value == "24"
        await pilot.press("ctrl+z")  # tempo back to 120, the beats placed again
        await settle(pilot)
        assert editor.session.scene.score.tempo == 120 and tempo.value == "120"
        assert editor.table.cell(1, "timecode") == timecode_before
        await pilot.press("ctrl+y", "ctrl+y", "escape")
        await settle(pilot)
        assert isinstance(app.screen, type(editor))
        await saved(pilot, editor)
    assert changed_lines(ROOFTOP, path.read_text()) == [
        "-  tempo: 120",
        "+  tempo: 60",
        "+  fps: 25",
    ]


async def test_a_bad_start_timecode_is_said_and_escape_puts_it_back(tmp_path: Path) -> None:
    app = app_on(write_scene(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        editor = await opened(pilot)
        screen = await settings_screen(pilot)
        screen.fields["start"].focus()
        await pilot.press("ctrl+u", *"01:00:00:30", "escape")
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen)
        assert str(screen.problem.render()) == "timecode '01:00:00:30' is out of range at 24 fps"
        assert screen.fields["start"].value == "01:00:00:00"
        assert editor.session is not None and not editor.header.dirty
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is editor


async def test_choosing_another_score_reads_it_and_lists_its_parts(tmp_path: Path) -> None:
    path = with_score(tmp_path, "studio-waltz.musicxml")
    shutil.copy(SCORES / "corridor.musicxml", tmp_path / "scores" / "corridor.musicxml")
    before = path.read_text()
    app = app_on(path)
    async with app.run_test(size=SIZE) as pilot:
        editor = await opened(pilot)
        session = editor.session
        assert session is not None and session.score is not None
        waltz_bars = len(session.score.measures)
        screen = await settings_screen(pilot)
        score = screen.fields["score"]
        assert isinstance(score, Select)
        values = [value for _, value in score._options]
        assert values == ["", "../scores/corridor.musicxml", "../scores/studio-waltz.musicxml"]
        score.value = "../scores/corridor.musicxml"
        await settle(pilot)
        await until(pilot, lambda: session.score is not None)
        assert session.scene.score.file == "../scores/corridor.musicxml"
        assert session.score is not None and session.score.source.endswith("corridor.musicxml")
        await until(pilot, lambda: "score read" in str(screen.score_status.render()))
        part = screen.fields["part"]
        assert isinstance(part, Select) and not part.disabled
        names = [str(prompt) for prompt, _ in part._options]
        assert names == [f"{i} {name}" for i, name in enumerate(session.score.parts)]
        await pilot.press("ctrl+z")
        await settle(pilot)
        await until(pilot, lambda: session.score is not None)
        assert session.scene.score.file == "../scores/studio-waltz.musicxml"
        assert len(session.score.measures) == waltz_bars
        assert score.value == "../scores/studio-waltz.musicxml"
        await pilot.press("ctrl+y", "escape", "ctrl+s")
        await settle(pilot)
        await until(pilot, lambda: not editor.header.dirty)
    assert read_scene(path).scene.score.file == "../scores/corridor.musicxml"
    assert changed_lines(before, path.read_text()) == [
        "-  file: ../scores/studio-waltz.musicxml",
        "+  file: ../scores/corridor.musicxml",
    ]


async def test_the_title_shows_in_the_header_and_letters_typed_are_not_keys(
    tmp_path: Path,
) -> None:
    app = app_on(write_scene(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        editor = await opened(pilot)
        await settings_screen(pilot)  # the title field has focus
        await pilot.press("end", "ctrl+u", *"Dawn, cast and settings", "enter")
        await settle(pilot)
        assert editor.header.scene_title == "Dawn, cast and settings"
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert editor.header.scene_title == "Rooftop at dawn"


async def test_ctrl_z_in_a_field_takes_back_what_is_typed_there_only(tmp_path: Path) -> None:
    app = app_on(write_scene(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        editor = await opened(pilot)
        screen = await cast_screen(pilot)
        await add(pilot, "Kim")
        await pilot.press("enter", *"Kimberly", "ctrl+z")  # the name typed, then undone
        await settle(pilot)
        assert editor.session is not None
        assert [m.name for m in editor.session.scene.cast] == ["Eve", "Guard 1", "Kim"]
        assert screen.inputs["name"].value == "Kim"
        await pilot.press("escape")  # ctrl+z left the field for the list: escape closes
        await settle(pilot)
        assert app.screen is editor
        await pilot.press("s")
        await settle(pilot)
        settings = app.screen
        assert isinstance(settings, SettingsScreen)
        await pilot.press("end", "ctrl+u", *"Dusk", "ctrl+z")
        await settle(pilot)
        assert editor.session.scene.title == "Rooftop at dawn"
        assert settings.fields["title"].value == "Rooftop at dawn"
        assert len(editor.session.scene.cast) == 3  # the edit before stays


async def test_restored_edits_to_the_settings_show_in_the_header(tmp_path: Path) -> None:
    path = write_scene(tmp_path)
    journaled = ROOFTOP.replace("title: Rooftop at dawn", "title: Rooftop at dusk")
    write_journal(
        path, journaled.replace("  tempo: 120", "  tempo: 60"), digest_of(ROOFTOP.encode())
    )
    app = app_on(path)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, RestoreQuestion))
        await pilot.press("r")
        editor = await opened(pilot)
        await settle(pilot)
        assert editor.header.scene_title == "Rooftop at dusk"
        assert "steady 4/4 at 60" in editor.header.score_status


async def test_the_recording_is_chosen_from_the_projects_audio_files(tmp_path: Path) -> None:
    path = with_score(tmp_path, "studio-waltz.musicxml")
    with wave.open(str(tmp_path / "scores" / "take-1.wav"), "wb") as take:
        take.setnchannels(1)
        take.setsampwidth(2)
        take.setframerate(8000)
        take.writeframes(b"\x00\x10" * 8000)
    before = path.read_text()
    app = app_on(path)
    async with app.run_test(size=SIZE) as pilot:
        editor = await opened(pilot)
        session = editor.session
        assert session is not None
        screen = await settings_screen(pilot)
        recording = screen.fields["recording"]
        assert isinstance(recording, Select)
        assert [value for _, value in recording._options] == ["", "../scores/take-1.wav"]
        recording.value = "../scores/take-1.wav"
        await settle(pilot)
        assert session.scene.score.recording == "../scores/take-1.wav"
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert session.scene.score.recording is None and recording.value == ""
        await pilot.press("ctrl+y", "escape", "ctrl+s")
        await settle(pilot)
        await until(pilot, lambda: not editor.header.dirty)
    assert changed_lines(before, path.read_text()) == ["+  recording: ../scores/take-1.wav"]


async def test_a_score_with_its_own_tempo_says_the_scene_tempo_is_unused(tmp_path: Path) -> None:
    app = app_on(with_score(tmp_path, "corridor.musicxml"))  # ♩=112 from its first bar
    async with app.run_test(size=SIZE) as pilot:
        await opened(pilot)
        screen = await settings_screen(pilot)
        await until(pilot, lambda: "score read" in str(screen.score_status.render()))
        status = str(screen.score_status.render())
        assert "own tempo (♩=112), so the tempo above is unused" in status
        tempo = screen.fields["tempo"]
        await pilot.press(*["tab"] * 6)  # title … recording, tempo
        assert app.focused is tempo
        await pilot.press("end", "ctrl+u", *"112", "enter")
        await settle(pilot)
        assert "unused" not in str(screen.score_status.render())  # the same tempo: nothing unused
