"""Completion that shows its choices: the matching rules on the real vocabulary, and the
dropdown under a form field driven with keys under Pilot."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from choreo.tui.screens.editor import EditorScreen
from choreo.tui.widgets.completion import Choice, FieldCompletion, matched_letters, matching
from choreo.vocabulary import Vocabulary
from tests.test_tui_editor import SIZE, app_on, opened, write_scene

BALLET = [Choice(m.name, m.aliases) for m in Vocabulary.bundled().moves("ballet")]


@pytest.fixture(autouse=True)
def _private_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHOREO_STATE_DIR", str(tmp_path / "state"))


def names(typed: str) -> list[str]:
    return [choice.name for choice, _ in matching(typed, BALLET)]


def test_a_few_letters_find_every_variant_whole_names_first() -> None:
    assert names("pirou") == [
        "pirouette",
        "pirouette en dedans",
        "pirouette en attitude",
        "pirouette en arabesque",
        "grande pirouette à la seconde",  # a later word starts with it
    ]


@pytest.mark.parametrize(
    ("typed", "first"),
    [("plie", "plié"), ("PLIÉ", "plié"), ("grand je", "grand jeté"), ("grandjete", "grand jeté"),
     ("chain turns", "chaîné"), ("fouette", "fouetté en tournant")],
)  # fmt: skip
def test_matching_ignores_accents_case_and_spaces_and_knows_aliases(typed: str, first: str) -> None:
    assert names(typed)[0] == first


def test_an_alias_match_says_which_alias() -> None:
    choice, text = matching("chain turns", BALLET)[0]
    assert (choice.name, text) == ("chaîné", "chain turns")
    assert matching("", BALLET) == [] and matching("zzz", BALLET) == []


def test_a_cast_member_is_found_by_name_and_written_by_id() -> None:
    cast = [Choice("eve", ("Eve",)), Choice("kim", ("Kim Ortega",))]
    assert [(c.name, text) for c, text in matching("orte", cast)] == [("kim", "Kim Ortega")]


def test_the_matched_letters_are_found_in_the_accented_name() -> None:
    assert matched_letters("jete", "grand jeté") == [6, 7, 8, 9]
    assert matched_letters("grandje", "grand jeté") == [0, 1, 2, 3, 4, 6, 7]


def dropdown(editor: EditorScreen, field: str) -> FieldCompletion:
    return editor.form.completion(field)


def shown(completion: FieldCompletion) -> list[str]:
    if not completion.display:
        return []
    options = completion.option_list
    return [options.get_option_at_index(i).prompt.plain for i in range(options.option_count)]  # type: ignore[union-attr]


async def into_ballet(pilot: Pilot[Any], typed: str) -> None:
    await pilot.press("enter", "tab", "tab", "ctrl+u", *typed)
    await pilot.pause(0.2)


async def test_pirou_shows_every_pirouette_and_enter_accepts_the_one_chosen(
    tmp_path: Path,
) -> None:
    app = app_on(write_scene(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        editor = await opened(pilot)
        await into_ballet(pilot, "pirou")
        ballet = dropdown(editor, "ballet")
        assert shown(ballet) == names("pirou")
        await pilot.press("down", "down", "enter")
        assert editor.form.input_for("ballet").value == "pirouette en attitude"
        assert shown(ballet) == []  # accepted: the list is gone, the field still focused
        await pilot.press("enter")  # and now enter commits the field
        await pilot.pause()
        assert editor.session is not None
        assert editor.session.scene.beats[0].ballet == "pirouette en attitude"


async def test_typed_without_accents_tab_writes_the_vocabulary_s_spelling(tmp_path: Path) -> None:
    app = app_on(write_scene(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        editor = await opened(pilot)
        await into_ballet(pilot, "grand jete")
        assert shown(dropdown(editor, "ballet"))[0] == "grand jeté"
        await pilot.press("tab")
        assert editor.form.input_for("ballet").value == "grand jeté"
        assert editor.form.input_for("ballet").has_focus
        await pilot.press("tab")  # a whole name shows no list: tab moves on
        assert editor.form.input_for("combat").has_focus
        await pilot.press(*"slash")
        await pilot.pause(0.2)
        assert shown(dropdown(editor, "combat"))[0] == "knife slash  slash"  # by its alias
        await pilot.press("tab")
        assert editor.form.input_for("combat").value == "knife slash"


async def test_escape_hides_the_list_and_keeps_what_is_typed(tmp_path: Path) -> None:
    app = app_on(write_scene(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        editor = await opened(pilot)
        await into_ballet(pilot, "pirou")
        await pilot.press("escape")
        assert shown(dropdown(editor, "ballet")) == []
        assert editor.form.input_for("ballet").has_focus
        assert editor.form.input_for("ballet").value == "pirou"
        await pilot.press("escape")  # the second goes back to the table
        assert editor.table.has_focus


async def test_performers_complete_only_the_name_being_typed(tmp_path: Path) -> None:
    app = app_on(write_scene(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        editor = await opened(pilot)
        await pilot.press("enter", *["tab"] * 4, "end", *", gu")
        await pilot.pause(0.2)
        assert shown(dropdown(editor, "performers")) == ["guard1"]
        await pilot.press("tab")
        assert editor.form.input_for("performers").value == "eve, guard1"


async def test_moving_through_the_table_fills_the_form_without_opening_lists(
    tmp_path: Path,
) -> None:
    app = app_on(write_scene(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        editor = await opened(pilot)
        await pilot.press("down", "down", "up")
        await pilot.pause(0.2)
        # A dropdown joins the screen when its field is first used, and is shown only
        # when something typed matches.
        assert not list(editor.query(FieldCompletion))
        await pilot.press("enter", "tab", "tab")  # the ballet field, as filled
        await pilot.pause(0.2)
        dropdowns = list(editor.query(FieldCompletion))
        assert dropdowns == [dropdown(editor, "ballet")]
        assert not dropdowns[0].display
