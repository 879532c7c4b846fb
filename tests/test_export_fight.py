"""A fight as fight directors write it, through the real ``choreo export``: A/B columns,
doubles and their cue sheets, the armourer's list, the shot list and the safety page.

The scene (``tests/fight_notation/rooftop.yaml``) was written from paper notation: Eve,
Jon and Ray; Kim Lee doubles Eve and Zoë Durand doubles Jon; Eve disarms Jon of his
knife, drops her pistol when Ray's staff floors her, and Jon picks it up and shoots Ray.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

from choreo.export import export_scenes
from choreo.model import Action, Beat, CastMember, Scene
from choreo.scene_score import measures_of
from tests.run_cli import assert_one_line_error, choreo
from tests.scene_texts import in_memory
from tests.test_export_markdown import (
    Table,
    all_tokens,
    assert_nothing_got_in,
    beat_table,
    markdown,
    tables,
)

ROOFTOP = Path(__file__).parent / "fight_notation" / "rooftop.yaml"
PARSER = MarkdownIt("gfm-like")


def test_the_fight_checks_clean() -> None:
    result = choreo("check", ROOFTOP)
    assert result.returncode == 0, result.stdout
    assert "0 errors, 0 warnings" in result.stdout


def exported(*options: str) -> str:
    result = choreo("export", ROOFTOP, *options)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def sheet() -> str:
    return exported()


def section(document: str, title: str) -> str:
    """The text under a ``## title`` heading, up to the next heading of that level."""
    return document.split(f"\n## {title}\n")[1].split("\n## ")[0]


def table_headed(tokens: list[Token], first: str) -> Table:
    (table,) = [t for t in tables(tokens) if t.header[0] == first]
    return table


def column(table: Table, name: str) -> list[str]:
    index = table.header.index(name)
    return [row[index] for row in table.rows]


# -- the beat sheet -------------------------------------------------------------------


def test_a_and_b_columns_say_who_does_what_as_paper_notation_does(sheet: str) -> None:
    table = beat_table(PARSER.parse(sheet))
    assert table.header == [
        "#", "id", "bar:beat", "counts", "timecode", "secs", "A", "B", "performers", "where",
        "setup", "weapon", "intensity", "hit", "safety",
    ]  # fmt: skip
    # A is the attacker's column whatever order the actions are written in; a beat
    # without actions keeps its headline.
    assert list(zip(column(table, "A"), column(table, "B"), strict=True)) == [
        ("pas marché", ""),
        ("Jon: knife thrust", "Eve: pirouette / dodge"),
        ("Kim Lee as Eve: arabesque / knife disarm", "Jon: stagger"),
        ("Ray: staff strike", "Kim Lee as Eve: fall"),
        ("Zoë Durand as Jon: plié", ""),
        ("Jon: pistol shot", "Ray: high fall"),
        ("révérence", ""),
    ]
    assert column(table, "performers") == [
        "eve", "jon, eve", "eve (kim), jon", "ray, eve (kim)", "jon (zoe)", "jon, ray", "eve, jon",
    ]  # fmt: skip
    assert column(table, "where") == ["USL, USL → CS", "CS", "", "DSR", "CS → DSR", "DSR", ""]
    assert column(table, "setup") == ["14A", "14A", "14B", "14B", "14C", "14C", ""]
    # The beat's weapon, or its moves' props, and whatever changes hands in it.
    assert column(table, "weapon") == [
        "",
        "knife",
        "knife",
        "staff, pistol",
        "pistol",
        "pistol",
        "",
    ]
    assert column(table, "safety")[5] == (
        "cold gun, checked by the armourer; air bag behind the parapet"
    )
    beats = section(sheet, "Beats")
    assert "A attacks, B parries or reacts, as paper fight notation writes them." in beats
    assert "“Kim Lee as Eve”: Kim Lee performs Eve's part" in beats


def test_the_cast_says_who_doubles_whom(sheet: str) -> None:
    cast = table_headed(PARSER.parse(sheet), "id")
    assert cast.header == ["id", "name", "double", "doubles", "props"]
    assert cast.rows[0] == ["eve", "Eve", "Kim Lee (kim)", "", "pistol"]
    assert cast.rows[4] == ["zoe", "Zoë Durand", "", "Jon", ""]


def test_the_armourers_list_follows_every_weapon_through_the_fight(sheet: str) -> None:
    table = table_headed(PARSER.parse(sheet), "beat")
    assert table.header == ["beat", "bar:beat", "Eve", "Jon", "Ray", "floor", "changes hands"]
    assert [row[:6] for row in table.rows] == [
        ["b01", "1:1", "pistol", "knife", "staff", ""],
        ["b02", "2:1", "pistol", "knife", "staff", ""],
        ["b03", "3:1", "pistol (Kim Lee)", "knife", "staff", ""],  # the double takes it
        ["b04", "4:1", "pistol, knife (Kim Lee)", "", "staff", ""],
        ["b05", "5:1", "knife", "", "staff", "pistol"],
        ["b06", "6:1", "knife", "pistol", "staff", ""],
        ["b07", "7:1", "knife", "pistol", "staff", ""],
        ["end", "", "knife", "pistol", "staff", ""],
    ]
    assert column(table, "changes hands")[2:5] == [
        "Kim Lee as Eve takes the knife from Jon",
        "Kim Lee as Eve drops the pistol",
        "Zoë Durand as Jon picks up the pistol",
    ]
    assert "Moves custody cannot make" not in sheet


def test_a_move_custody_cannot_make_is_named_under_the_list(tmp_path: Path) -> None:
    path = tmp_path / "rooftop.yaml"
    path.write_text(
        ROOFTOP.read_text().replace("{prop: pistol, from: floor", "{prop: rope, from: floor")
    )
    result = choreo("export", path)
    assert result.returncode == 0, result.stderr
    armourer = section(result.stdout, "Armourer's list")
    assert "- **b05**: no rope lies on the floor for jon to pick up (on it: pistol)" in armourer
    # The pistol stays where it fell: the list shows what custody could do, not the wish.
    table = table_headed(PARSER.parse(result.stdout), "beat")
    assert table.rows[5][2:6] == ["knife", "", "staff", "pistol"]


def test_the_shot_list_groups_beats_by_setup_in_order_of_appearance(sheet: str) -> None:
    shots = section(sheet, "Shot list")
    assert [line for line in shots.splitlines() if line.startswith("- ")] == [
        "- **Setup 14A**: b01, b02 (2 beats, 01:00:00:00 – 01:00:05:00)",
        "- **Setup 14B**: b03, b04 (2 beats, 01:00:05:00 – 01:00:10:00)",
        "- **Setup 14C**: b05, b06 (2 beats, 01:00:10:00 – 01:00:15:00)",
        "- **No setup**: b07 (1 beat, 01:00:15:00 – 01:00:17:12)",
    ]
    assert "  - b03 (3:1) arabesque / knife disarm: tight on the wrists" in shots
    assert "  - b06 (6:1) pistol shot: A on Jon, B on Ray's fall" in shots


def test_a_sheet_without_setups_has_no_shot_list() -> None:
    scene = Scene(id="s", title="S", beats=[Beat(id="b01", at="1:1", ballet="plié")])
    assert "Shot list" not in markdown([in_memory(scene)])


# -- the safety page ------------------------------------------------------------------


def test_the_safety_page_lists_every_blade_firearm_fall_and_contact(sheet: str) -> None:
    safety = section(sheet, "Safety")
    listed = [line for line in safety.splitlines() if line.startswith("- ")]
    assert listed == [
        "- **b02** (2:1, 01:00:02:12) pirouette / knife thrust: blade, risk 3",
        "- **b03** (3:1, 01:00:05:00) arabesque / knife disarm: blade, contact, risk 3",
        # Her pistol falls: a firearm beat for the armourer, whatever else it is.
        "- **b04** (4:1, 01:00:07:12) staff strike: firearm, fall, contact, risk 3",
        "- **b05** (5:1, 01:00:10:00) plié: firearm",  # picked up: no combat, no risk
        "- **b06** (6:1, 01:00:12:12) pistol shot: firearm, fall, risk 5",  # the high fall
    ]
    b03 = safety.split("**b03**")[1].split("- **b04**")[0]
    assert "  - Performed by: Kim Lee (double, for Eve), Jon (actor)" in b03
    assert "  - Weapon: knife" in b03
    assert "  - Contact: yes, close" in b03
    assert "  - Safety: rubber knife; slow on the wrist, Jon lets go" in b03
    b06 = safety.split("**b06**")[1]
    assert "  - Contact: no, out of distance" in b06
    assert "  - Safety: cold gun, checked by the armourer; air bag behind the parapet" in b06


def test_a_fall_in_a_reaction_alone_puts_a_beat_on_the_safety_page() -> None:
    quiet = Beat(
        id="b01",
        at="1:1",
        intensity=1,
        actions=[Action(performer="eve", reaction="fall"), Action(performer="jon", ballet="plié")],
    )
    cast = [CastMember(id="eve", name="Eve"), CastMember(id="jon", name="Jon")]
    document = markdown([in_memory(Scene(id="s", title="S", cast=cast, beats=[quiet]))])
    safety = section(document, "Safety")
    assert "- **b01** (1:1, 01:00:00:00) fall / plié: fall, risk 3" in safety
    assert "  - Contact: no, distance not given" in safety
    assert "  - Safety: **MISSING**" in safety


# -- cue sheets and doubles -----------------------------------------------------------


def test_a_doubles_cue_sheet_lists_exactly_the_beats_they_perform() -> None:
    document = exported("--performer", "Kim Lee")
    assert document.startswith("# Cue sheet for Kim Lee, doubling Eve: The rooftop, at night\n")
    assert "- **Performer:** Kim Lee (kim), doubling Eve (eve) in 2 beats" in document
    assert "- **Beats:** 2 of 7" in document
    table = beat_table(PARSER.parse(document))
    assert column(table, "id") == ["b03", "b04"]
    # Their own column of the notation, not the beat's headline.
    assert column(table, "ballet") == ["arabesque", ""]
    assert column(table, "combat or reaction") == ["knife disarm", "fall"]
    assert column(table, "as") == ["Eve", "Eve"]
    assert column(table, "role") == ["attacks", "receives"]
    assert column(table, "with") == ["jon", "ray"]
    safety = section(document, "Safety")
    assert "**b03**" in safety and "**b04**" in safety and "b02" not in safety


def test_a_name_finds_the_double_whatever_its_case_and_accents() -> None:
    document = exported("--performer", "zoe DURAND")
    assert document.startswith("# Cue sheet for Zoë Durand, doubling Jon:")
    table = beat_table(PARSER.parse(document))
    assert column(table, "id") == ["b05"]
    assert column(table, "as") == ["Jon"]
    assert "  - Props: Zoë Durand as Jon picks up the pistol" in document


def test_the_characters_cue_sheet_marks_the_beats_their_double_performs() -> None:
    document = exported("--performer", "eve")
    assert "- **Performer:** Eve (eve), doubled by Kim Lee (kim)" in document
    table = beat_table(PARSER.parse(document))
    assert column(table, "id") == ["b01", "b02", "b03", "b04", "b07"]
    assert column(table, "double") == ["", "", "Kim Lee", "Kim Lee", ""]
    # b02: her own action (pirouette, dodge), not the headline's knife thrust.
    assert table.rows[1][6:10] == ["pirouette", "dodge", "jon", "receives"]


def test_the_partners_double_shows_in_with() -> None:
    table = beat_table(PARSER.parse(exported("--performer", "Ray")))
    assert column(table, "id") == ["b04", "b06"]
    assert column(table, "with") == ["eve (kim)", "jon"]
    assert column(table, "combat or reaction") == ["staff strike", "high fall"]


def test_a_name_two_cast_members_share_is_one_error_line(tmp_path: Path) -> None:
    path = tmp_path / "rooftop.yaml"
    text = ROOFTOP.read_text().replace("    name: Ray\n", "    name: Jon\n")
    path.write_text(text)
    result = choreo("export", path, "--performer", "JON")
    # "JON" is no id; as a name it is Jon the guard and Ray, now also called Jon.
    assert_one_line_error(result, str(path), "jon (Jon)", "ray (Jon)", "give the cast id")
    assert choreo("export", path, "--performer", "jon").returncode == 0  # the id is exact


def test_an_unknown_performer_is_still_one_error_line() -> None:
    result = choreo("export", ROOFTOP, "--performer", "Nobody")
    assert_one_line_error(result, "no scene has a performer 'Nobody'")


# -- CSV and JSON ---------------------------------------------------------------------


def test_csv_carries_the_columns_the_doubles_and_who_holds_what() -> None:
    rows = list(csv.DictReader(io.StringIO(exported("--format", "csv"))))
    b03, b04, b05 = rows[2], rows[3], rows[4]
    assert b03["actions"] == "eve: arabesque / knife disarm; jon: stagger"
    assert b03["doubles"] == "eve: kim"
    assert b03["changes_hands"] == "knife: jon → eve (disarm)"
    assert b03["hazards"] == "blade contact"
    assert b04["holds"] == "eve: pistol, knife; ray: staff"
    assert b05["holds"] == "eve: knife; ray: staff; floor: pistol"
    assert b05["changes_hands"] == "pistol: floor → jon (handoff)"
    assert (b04["position"], b05["travel"], b05["setup"]) == ("DSR", "CS → DSR", "14C")


def test_json_carries_actions_doubles_and_who_holds_what() -> None:
    beats = json.loads(exported("--format", "json"))["beats"]
    b03, b05 = beats[2], beats[4]
    assert b03["actions"][1] == {
        "performer": "jon",
        "ballet": None,
        "combat": None,
        "reaction": "stagger",
    }
    assert b03["doubles"] == {"eve": "kim"}
    assert b03["performed_by"] == {"eve": "kim", "jon": "jon"}
    assert b03["holds"] == {
        "eve": ["pistol"], "jon": ["knife"], "ray": ["staff"], "kim": [], "zoe": [], "floor": [],
    }  # fmt: skip
    assert b03["holds_after"]["eve"] == ["pistol", "knife"]
    assert b03["changes_hands"] == [{"prop": "knife", "from": "jon", "to": "eve", "how": "disarm"}]
    assert (b03["hazards"], b03["weapons"], b03["safety_page"]) == (
        ["blade", "contact"],
        ["knife"],
        True,
    )
    assert b05["handoffs"] == [{"prop": "pistol", "from": "floor", "to": "jon"}]
    assert (b05["travel"], b05["setup"], b05["hazards"]) == ("CS → DSR", "14C", ["firearm"])
    assert [b["start_seconds"] for b in beats[:2]] == [0.0, 2.5]  # the contract's keys stay


def test_a_doubles_json_cue_sheet_names_the_part_they_play() -> None:
    document = json.loads(exported("--format", "json", "--performer", "kim"))
    assert document["performer"] == "kim"
    assert [(b["id"], b["part"]) for b in document["beats"]] == [("b03", "eve"), ("b04", "eve")]


# -- hostile text in the new keys -----------------------------------------------------

HOSTILE = "<b>|`x`| [l](javascript:1) **y**\nz"


def test_hostile_text_in_actions_setups_and_props_stays_literal() -> None:
    cast = [
        CastMember(id="eve", name=HOSTILE, props=[HOSTILE]),
        CastMember(id="kim", name=HOSTILE, doubles="eve"),
        CastMember(id="jon", name="Jon"),
    ]
    beat = Beat(
        id="b01",
        at="1:1",
        attacker="eve",
        partner="jon",
        actions=[
            Action(performer="eve", ballet=HOSTILE, combat=HOSTILE),
            Action(performer="jon", reaction=HOSTILE),
        ],
        doubles={"eve": "kim"},
        handoffs=[{"prop": HOSTILE, "from": "eve", "to": "floor"}],  # type: ignore[list-item]
        position=HOSTILE,
        travel=HOSTILE,
        setup=HOSTILE,
        camera=HOSTILE,
    )
    document = markdown([in_memory(Scene(id="s", title="S", cast=cast, beats=[beat]))])
    tokens = PARSER.parse(document)
    assert_nothing_got_in(tokens)
    assert "<" not in document
    for table in tables(tokens):
        assert all(len(row) == len(table.header) for row in table.rows)
    seen = HOSTILE.replace("\n", " ")
    table = beat_table(tokens)
    assert column(table, "A") == [f"{seen} as {seen}: {seen} / {seen}"]
    assert column(table, "setup") == [seen]
    assert not [t for t in all_tokens(tokens) if t.type == "link_open"]


def test_a_headline_beat_puts_the_attacker_in_a_and_the_partner_in_b() -> None:
    cast = [CastMember(id="eve", name="Eve"), CastMember(id="jon", name="Jon")]
    beats = [
        Beat(id="b01", at="1:1", combat="jab", attacker="eve", partner="jon"),
        Beat(id="b02", at="2:1", attacker="jon", partner="eve", doubles={"eve": "jon"}),
        Beat(id="b03", at="3:1", actions=[Action(performer="jon", reaction="sell")]),
    ]
    table = beat_table(
        PARSER.parse(markdown([in_memory(Scene(id="s", title="S", cast=cast, beats=beats))]))
    )
    assert list(zip(column(table, "A"), column(table, "B"), strict=True)) == [
        ("Eve: jab", "Jon"),
        ("Jon", "Jon as Eve"),  # no moves named: still who attacks and who receives
        ("Jon: sell", ""),
    ]


def test_a_name_finds_each_scenes_own_cast_id(tmp_path: Path) -> None:
    other = tmp_path / "other.yaml"
    other.write_text(
        "schema: 1\nid: other\ntitle: Other\ncast:\n  - {id: k1, name: Kim Lee}\n"
        "beats:\n  - {id: b01, at: '1:1', ballet: plié, performers: [k1]}\n"
    )
    result = choreo("export", ROOFTOP, other, "--performer", "kim lee", "--format", "json")
    assert result.returncode == 0, result.stderr
    scenes = json.loads(result.stdout)["scenes"]
    assert [[b["id"] for b in scene["beats"]] for scene in scenes] == [["b03", "b04"], ["b01"]]
    assert [b.get("part") for b in scenes[1]["beats"]] == ["k1"]


def test_csv_neutralises_formulas_in_the_new_columns() -> None:
    formula = "=HYPERLINK(1)"
    cast = [CastMember(id="eve", name="Eve", props=[formula])]
    beat = Beat(
        id="b01",
        at="1:1",
        actions=[Action(performer="eve", combat=formula)],
        handoffs=[{"prop": formula, "from": "eve", "to": "floor"}],  # type: ignore[list-item]
        position=formula,
        travel=formula,
        setup=formula,
    )
    scene = in_memory(Scene(id="s", title="S", cast=cast, beats=[beat]))
    text = export_scenes([scene], format="csv", measures=measures_of).decode()
    (row,) = csv.DictReader(io.StringIO(text))
    assert (row["position"], row["travel"], row["setup"]) == (f"'{formula}",) * 3
    assert row["actions"] == f"eve: {formula}"  # starts with the performer, not "="
    assert row["holds"] == f"eve: {formula}"
    assert row["changes_hands"] == f"'{formula}: eve → floor (handoff)"
