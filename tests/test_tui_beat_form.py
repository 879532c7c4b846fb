"""Every field of a beat in the form: each performer's own action completing from its
vocabulary, how and where, doubles and handoffs, notes on several lines; each edit
undoable and saved with the file's comments; and the table naming each performer's
moves."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from choreo.model import Beat, Position
from choreo.store import read_scene
from choreo.tui.fields import (
    FIELD_NAMES,
    FIELDS,
    FieldError,
    action_text,
    field_text,
    read_field,
    with_action,
    with_field,
)
from choreo.tui.screens.editor import EditorScreen
from choreo.tui.widgets.beat_form import ActionInput, ActionSlot, FieldInput, NoteArea
from tests.test_tui_editor import (
    SIZE,
    _private_state,  # noqa: F401  (the fixture: each test's own state and cache)
    app_on,
    changed_lines,
    opened,
    settle,
    until,
    write_scene,
)

ALLEY = """\
# An alley fight written as paper notation: A attacks, B reacts.
schema: 1
id: alley
title: The alley
score:
  tempo: 96
cast:
  - id: eve
    name: Eve
    props: [knife, pistol]
  - id: guard1
    name: Guard 1
  - id: kim
    name: Kim Lee
    doubles: eve
beats:
  # the first exchange
  - id: b01
    at: "1:1"
    ballet: fouetté en tournant
    combat: roundhouse kick
    performers: [eve, guard1]   # A and B
    attacker: eve
    partner: guard1
    actions:
      - performer: eve
        ballet: fouetté en tournant
        combat: roundhouse kick
  - id: b02
    at: "2:1"
    ballet: plié
    performers: [eve]
"""
CAST = {"eve", "guard1", "kim"}


def test_every_field_of_a_beat_is_in_the_form_and_reads_back_what_it_shows() -> None:
    names = set(Beat.model_fields) - {"id", "actions"}  # actions have their own slots
    assert {"pass_number" if f == "pass" else f for f in FIELD_NAMES} == names
    beat = Beat.model_validate(
        {"id": "b01", "at": "12:2.5", "pass": 2, "length": 1.5, "ballet": "plié",
         "combat": "jab", "performers": ["eve", "guard1"], "attacker": "eve",
         "partner": "guard1", "weapon": "knife", "target": "ribs", "line": "high inside",
         "distance": "in", "contact": True, "intensity": 4, "hit": True,
         "doubles": {"eve": "kim"},
         "handoffs": [{"prop": "pistol", "from": "eve", "to": "floor"},
                      {"prop": "knife", "from": "floor", "to": "guard1"}],
         "position": "DSL", "travel": "US → DS", "setup": "14C", "camera": "wide",
         "cue": "the cello", "status": "blocked", "safety": "mats\ncold blade",
         "notes": "fast"}
    )  # fmt: skip
    for field in FIELD_NAMES:
        assert with_field(beat, field, field_text(beat, field), CAST) is beat, field
    assert field_text(beat, "handoffs") == "pistol: eve → floor, knife: floor → guard1"
    assert field_text(beat, "doubles") == "eve: kim"
    assert [f.name for f in FIELDS if f.lines > 1] == ["safety", "notes"]


@pytest.mark.parametrize(
    ("field", "text", "problem"),
    [
        ("pass", "0", "1 to 99"),
        ("distance", "far", "distance is one of out, in, close"),
        ("contact", "maybe", "contact is yes or no"),
        ("doubles", "eve kim", "write character: double"),
        ("doubles", "eve: nobody", "nobody is not in the cast"),
        ("doubles", "eve: kim, eve: guard1", "eve is doubled twice"),
        ("handoffs", "pistol eve floor", "write prop: from → to"),
        ("handoffs", "pistol: eve -> nobody", "nobody is not in the cast"),
    ],
)
def test_a_bad_value_in_a_new_field_says_what_is_wrong(field: str, text: str, problem: str) -> None:
    with pytest.raises(FieldError) as caught:
        read_field(field, text, CAST)  # type: ignore[arg-type]
    assert problem in caught.value.message


def test_handoffs_read_arrows_as_typed() -> None:
    beat = Beat(id="b01", at=Position.parse("1:1"))
    for typed in ("pistol: eve -> floor", "pistol: eve > floor", "pistol: eve to floor"):
        changed = with_field(beat, "handoffs", typed, CAST)
        assert [(h.prop, h.from_, h.to) for h in changed.handoffs] == [("pistol", "eve", "floor")]


def test_an_action_is_added_in_the_beat_s_order_changed_and_dropped_when_empty() -> None:
    beat = Beat(id="b01", at=Position.parse("1:1"), performers=["eve", "guard1"])
    reacted = with_action(beat, "guard1", "reaction", " head snap ")
    both = with_action(reacted, "eve", "combat", "jab")
    assert [(a.performer, a.named_moves()) for a in both.actions] == [
        ("eve", ["jab"]), ("guard1", ["head snap"]),
    ]  # fmt: skip
    assert action_text(both, "guard1", "reaction") == "head snap"
    assert with_action(both, "eve", "combat", "jab") is both
    assert [a.performer for a in with_action(both, "eve", "combat", "").actions] == ["guard1"]
    assert beat.actions == [] and len(reacted.actions) == 1  # the beats given stay


async def in_form(pilot: Pilot[Any], editor: EditorScreen, widget: Any) -> None:
    """Into the form, straight to one field (as tab would, many presses later)."""
    await pilot.press("enter")
    widget.focus()
    await pilot.pause()
    assert editor.focused is widget


async def test_a_reaction_completes_from_the_reaction_vocabulary_saves_and_undoes(
    tmp_path: Path,
) -> None:
    path = write_scene(tmp_path, ALLEY, "alley.yaml")
    app = app_on(path)
    async with app.run_test(size=SIZE) as pilot:
        editor = await opened(pilot)
        reaction = editor.form.action_input("guard1", "reaction")
        await in_form(pilot, editor, reaction)
        await pilot.press(*"head s")
        await pilot.pause(0.2)
        completion = next(c for c in editor.query("FieldCompletion") if c.target is reaction)
        shown = [completion.option_list.get_option_at_index(i).prompt.plain
                 for i in range(completion.option_list.option_count)]  # fmt: skip
        assert completion.display and shown[0] == "head snap"
        await pilot.press("tab", "escape")  # accept, then back to the table
        await settle(pilot)
        beat = editor.session.scene.beats[0]
        assert [(a.performer, a.reaction) for a in beat.actions] == [
            ("eve", None), ("guard1", "head snap"),
        ]  # fmt: skip
        assert editor.header.dirty
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not editor.header.dirty)
        assert changed_lines(ALLEY, path.read_text()) == [
            "+      - performer: guard1", "+        reaction: head snap",
        ]  # fmt: skip
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert editor.session.scene.beats[0].actions == read_scene(path).scene.beats[0].actions[:1]
        assert editor.form.action_input("guard1", "reaction").value == ""


async def test_the_action_slots_follow_the_people_a_beat_names(tmp_path: Path) -> None:
    app = app_on(write_scene(tmp_path, ALLEY, "alley.yaml"))
    async with app.run_test(size=SIZE) as pilot:
        editor = await opened(pilot)
        assert editor.form.action_input("eve", "ballet").value == "fouetté en tournant"
        assert editor.form.action_input("guard1", "ballet").value == ""
        slots = [str(s.who.render()) for s in editor.form.query("ActionSlot") if s.display]
        assert slots == ["eve · Eve", "guard1 · Guard 1"]
        await pilot.press("down")
        await pilot.pause()
        slots = [s for s in editor.form.query(ActionSlot) if s.display]
        assert [str(s.who.render()) for s in slots] == ["eve · Eve", ""]
        # The slot this beat does not use keeps its lines (nothing below moves), blank,
        # and tab passes it by.
        assert slots[1].styles.opacity == 0
        assert not any(field.focusable for field in slots[1].inputs.values())
        assert all(field.focusable for field in slots[0].inputs.values())
        # A new performer gets a slot: their action can be written at once.
        await in_form(pilot, editor, editor.form.input_for("performers"))
        await pilot.press("end", *", guard1", "enter")
        await settle(pilot)
        combat = editor.form.action_input("guard1", "combat")
        combat.focus()
        await pilot.press(*"block", "escape")
        await settle(pilot)
        beat = editor.session.scene.beats[1]
        assert beat.performers == ["eve", "guard1"]
        assert [(a.performer, a.combat) for a in beat.actions] == [("guard1", "block")]


async def test_how_where_doubles_and_handoffs_are_edited_and_saved(tmp_path: Path) -> None:
    path = write_scene(tmp_path, ALLEY, "alley.yaml")
    app = app_on(path)
    async with app.run_test(size=SIZE) as pilot:
        editor = await opened(pilot)
        await in_form(pilot, editor, editor.form.input_for("target"))
        await pilot.press(*"jaw", "tab", *"high outside", "tab", *"cl")
        await pilot.pause(0.2)
        await pilot.press("tab", "tab")  # "close" from the list, then contact
        await pilot.press("ctrl+u", *"yes", "tab")
        editor.form.input_for("doubles").focus()
        await pilot.press(*"eve: kim", "tab", *"pistol: eve -> floor", "tab")
        await pilot.press(*"DSL", "tab", *"US to DS", "tab", *"14C", "escape")
        await settle(pilot)
        beat = editor.session.scene.beats[0]
        assert (beat.target, beat.line, beat.distance, beat.contact) == (
            "jaw", "high outside", "close", True,
        )  # fmt: skip
        assert beat.doubles == {"eve": "kim"}
        assert [(h.prop, h.from_, h.to) for h in beat.handoffs] == [("pistol", "eve", "floor")]
        assert (beat.position, beat.travel, beat.setup) == ("DSL", "US to DS", "14C")
        assert editor.form.input_for("handoffs").value == "pistol: eve → floor"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not editor.header.dirty)
    saved = read_scene(path)
    assert saved.scene.beats[0] == beat
    text = path.read_text()
    assert "# the first exchange" in text and "performers: [eve, guard1]   # A and B" in text


async def test_a_bad_doubles_value_shows_its_problem_and_changes_nothing(tmp_path: Path) -> None:
    app = app_on(write_scene(tmp_path, ALLEY, "alley.yaml"))
    async with app.run_test(size=SIZE) as pilot:
        editor = await opened(pilot)
        await in_form(pilot, editor, editor.form.input_for("doubles"))
        await pilot.press(*"eve: zed", "enter")
        await settle(pilot)
        assert "zed is not in the cast" in str(editor.form.query_one("#error-doubles").render())
        assert editor.session.scene.beats[0].doubles == {} and not editor.header.dirty


async def test_notes_take_several_lines_and_undo_as_one_edit(tmp_path: Path) -> None:
    path = write_scene(tmp_path, ALLEY, "alley.yaml")
    app = app_on(path)
    async with app.run_test(size=SIZE) as pilot:
        editor = await opened(pilot)
        notes = editor.form.input_for("notes")
        assert isinstance(notes, NoteArea)
        await in_form(pilot, editor, notes)
        await pilot.press(*"Eve spots", "enter", *"Guard 1 sells")
        await pilot.press("escape")
        await settle(pilot)
        assert editor.session.scene.beats[0].notes == "Eve spots\nGuard 1 sells"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not editor.header.dirty)
        assert read_scene(path).scene.beats[0].notes == "Eve spots\nGuard 1 sells"
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert editor.session.scene.beats[0].notes is None and notes.text == ""


async def test_pass_shows_only_where_the_scene_follows_the_performed_order(
    tmp_path: Path,
) -> None:
    app = app_on(write_scene(tmp_path, ALLEY, "alley.yaml"))
    async with app.run_test(size=SIZE) as pilot:
        editor = await opened(pilot)
        assert not editor.form.query_one("#row-pass").display
    performed = ALLEY.replace("  tempo: 96\n", "  tempo: 96\n  order: performed\n")
    app = app_on(write_scene(tmp_path, performed, "performed.yaml"))
    async with app.run_test(size=SIZE) as pilot:
        editor = await opened(pilot)
        assert editor.form.query_one("#row-pass").display


async def test_a_long_value_shows_its_start(tmp_path: Path) -> None:
    camera = "wide on the alley, then a slow push in to Eve's hands as the knife comes out"
    path = write_scene(tmp_path, ALLEY.replace("    attacker: eve\n",
                                               f"    attacker: eve\n    camera: {camera}\n"),
                       "alley.yaml")  # fmt: skip
    app = app_on(path)
    async with app.run_test(size=SIZE) as pilot:
        editor = await opened(pilot)
        field = editor.form.input_for("camera")
        assert isinstance(field, FieldInput) and field.value == camera
        assert field.scroll_offset.x == 0
        await in_form(pilot, editor, field)
        await pilot.press("end", *", dolly left")  # typing scrolls to its end...
        assert field.scroll_offset.x > 0
        await pilot.press("escape")  # ...and leaving shows its start again
        await settle(pilot)
        assert field.scroll_offset.x == 0
        assert editor.session.scene.beats[0].camera == camera + ", dolly left"


async def test_the_table_names_each_performer_s_own_moves(tmp_path: Path) -> None:
    text = ALLEY.replace(
        "        combat: roundhouse kick\n  - id: b02",
        "        combat: roundhouse kick\n      - performer: guard1\n"
        "        reaction: head snap\n  - id: b02",
    )
    app = app_on(write_scene(tmp_path, text, "alley.yaml"))
    async with app.run_test(size=(200, 40)) as pilot:
        editor = await opened(pilot)
        assert editor.table.cell(0, "ballet") == "Eve: fouetté en tournant"
        assert editor.table.cell(0, "combat") == "Eve: roundhouse kick · guard1: head snap"
        assert editor.table.cell(1, "ballet") == "plié"  # no actions: the headline
        # An edit of an action shows in the table at once.
        reaction = editor.form.action_input("guard1", "reaction")
        await in_form(pilot, editor, reaction)
        await pilot.press("ctrl+u", *"stagger", "escape")
        await settle(pilot)
        assert editor.table.cell(0, "combat") == "Eve: roundhouse kick · guard1: stagger"
        # A headline no action names stays in front, the attacker's.
        await in_form(pilot, editor, editor.form.action_input("eve", "combat"))
        await pilot.press("ctrl+u", "escape")
        await settle(pilot)
        assert (
            editor.table.cell(0, "combat") == "Eve: roundhouse kick · guard1: stagger"
        )  # the headline, hers
        await in_form(pilot, editor, editor.form.input_for("attacker"))
        await pilot.press("ctrl+u", "escape")
        await settle(pilot)
        assert (
            editor.table.cell(0, "combat") == "roundhouse kick · guard1: stagger"
        )  # nobody's in particular
        assert isinstance(reaction, ActionInput)
