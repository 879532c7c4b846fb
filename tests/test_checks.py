"""Every lint rule, with a scene that trips it and one that passes."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from choreo.checks import RULES, Diagnostic, Rule, ScoreReading, diagnose, has_errors, strong_beats
from choreo.model import Scene
from choreo.timing import MeasureMap, TempoMark, build_measures, steady_grid
from choreo.vocabulary import Vocabulary

CAST = [
    {"id": "eve", "name": "Eve", "props": ["knife"]},
    {"id": "guard1", "name": "Guard 1", "props": ["bottle"]},
    {"id": "kim", "name": "Kim Lee", "doubles": "eve"},
]


def scene(*beats: dict[str, Any], **extra: Any) -> Scene:
    return Scene.model_validate(
        {"id": "t", "title": "T", "cast": CAST, "beats": list(beats), **extra}
    )


def score_map(content_hash: str = "") -> MeasureMap:
    """A pickup of one beat in 4/4, three bars of 4/4, two of 6/8 — a real-shaped score,
    read from a file whose content hash is ``content_hash``."""
    rows = [("0", 1.0, "4/4", 4, 1.0, 4.0)]
    rows += [(str(n), 4.0, "4/4", 4, 1.0, 1.0) for n in (1, 2, 3)]
    rows += [(str(n), 3.0, "6/8", 2, 1.5, 1.0) for n in (4, 5)]
    tempos = [TempoMark(0.0, 96.0), TempoMark(13.0, 120.0)]
    return MeasureMap(build_measures(rows, tempos), tuple(tempos), content_hash=content_hash)


def codes(found: list[Diagnostic]) -> list[str]:
    return [d.code for d in found if d.code != "no-score"]


def check(s: Scene, measures: MeasureMap | None = None, **kw: Any) -> list[Diagnostic]:
    score = ScoreReading(measures or steady_grid(120))
    return diagnose(s, score, Vocabulary.bundled(), **kw).diagnostics


def run(s: Scene, measures: MeasureMap | None = None) -> list[str]:
    return codes(check(s, measures))


GOOD = {
    "id": "b01",
    "at": "1:1",
    "ballet": "pirouette",
    "combat": "dodge",
    "performers": ["eve"],
    "length": 2,
}

SELL = {"performer": "guard1", "reaction": "head snap"}
KNIFE_SAFETY = "rubber knife, checked by the armourer"

CASES = [
    ("unknown-move", {"ballet": "pirouete"}, {"ballet": "pirouette"}),
    ("unknown-move", {"combat": "flyng kick", "safety": "mat"}, {"combat": "dodge"}),
    ("unknown-move", {"actions": [{**SELL, "reaction": "head snp"}]}, {"actions": [SELL]}),
    (
        "unknown-move",
        {"actions": [{"performer": "eve", "ballet": "arabesk"}]},
        {"actions": [{"performer": "eve", "ballet": "arabesque"}]},
    ),
    ("unknown-performer", {"performers": ["eva"]}, {"performers": ["eve"]}),
    ("unknown-performer", {"partner": "guard2"}, {"partner": "guard1"}),
    ("unknown-performer", {"actions": [{**SELL, "performer": "gaurd1"}]}, {"actions": [SELL]}),
    ("unknown-performer", {"doubles": {"eve": "kym"}}, {"doubles": {"eve": "kim"}}),
    ("unknown-performer", {"doubles": {"evie": "kim"}}, {"doubles": {"eve": "kim"}}),
    (
        "unknown-performer",
        {"handoffs": [{"prop": "knife", "from": "eve", "to": "guard2"}], "safety": "cold"},
        {"handoffs": [{"prop": "knife", "from": "eve", "to": "guard1"}], "safety": "cold"},
    ),
    (
        "undeclared-double",
        {"performers": ["guard1"], "doubles": {"guard1": "kim"}},
        {"performers": ["eve"], "doubles": {"eve": "kim"}},
    ),
    (
        "unknown-prop",
        {"handoffs": [{"prop": "botle", "from": "guard1", "to": "floor"}]},
        {"handoffs": [{"prop": "bottle", "from": "guard1", "to": "floor"}]},
    ),
    (
        "unknown-prop",
        {"combat": "jab", "weapon": "sword", "safety": "blunt"},
        {"combat": "jab", "weapon": "knife", "safety": "blunt"},
    ),
    (
        "missing-prop",
        {"performers": ["guard1"], "combat": "knife slash", "safety": KNIFE_SAFETY},
        {"performers": ["eve"], "combat": "knife slash", "safety": KNIFE_SAFETY},
    ),
    (
        "missing-prop",
        {"handoffs": [{"prop": "bottle", "from": "eve", "to": "guard1"}]},
        {"handoffs": [{"prop": "bottle", "from": "guard1", "to": "eve"}]},
    ),
    (
        "no-safety-note",
        {"combat": "shoulder throw"},
        {"combat": "shoulder throw", "safety": "crash mat, spotter on the left"},
    ),
    ("no-safety-note", {"combat": "knife slash"}, {"combat": "knife slash", "safety": "rubber"}),
    (
        "no-safety-note",
        {"actions": [{"performer": "guard1", "reaction": "high fall"}]},
        {"actions": [{"performer": "guard1", "reaction": "high fall"}], "safety": "air bag"},
    ),
    ("intensity-range", {"intensity": 7}, {"intensity": 5}),
    ("intensity-range", {"intensity": 0}, {"intensity": 1}),
]


@pytest.mark.parametrize(("code", "bad", "good"), CASES)
def test_each_beat_rule_fails_and_passes(
    code: str, bad: dict[str, Any], good: dict[str, Any]
) -> None:
    assert code in run(scene({**GOOD, **bad}))
    assert run(scene({**GOOD, **good})) == []


def test_unknown_move_suggests_the_near_name() -> None:
    found = check(scene({**GOOD, "ballet": "grand jette"}))
    assert any("did you mean 'grand jeté'" in d.message for d in found)


def test_a_scene_may_add_its_own_moves() -> None:
    beat = {**GOOD, "ballet": "the swan's revenge"}
    assert "unknown-move" in run(scene(beat))
    own = [{"kind": "ballet", "name": "the swan's revenge", "counts": 2}]
    assert run(scene(beat, moves=own)) == []


def test_duplicate_beat_id() -> None:
    twice = scene(GOOD, {**GOOD, "at": "3:1"})
    assert run(twice) == ["duplicate-beat-id"]
    assert run(scene(GOOD, {**GOOD, "id": "b02", "at": "3:1"})) == []


def test_beats_out_of_order() -> None:
    second = {**GOOD, "id": "b02", "performers": ["guard1"]}
    assert "beats-out-of-order" in run(scene({**GOOD, "at": "3:1"}, {**second, "at": "2:1"}))
    assert run(scene({**GOOD, "at": "2:1"}, {**second, "at": "3:1"})) == []


def test_performer_overlap() -> None:
    long = {**GOOD, "length": 8}
    second = {**GOOD, "id": "b02", "at": "2:1"}
    assert run(scene(long, second)) == ["performer-overlap"]
    assert run(scene(GOOD, second)) == []
    # Other performers may act during the long beat.
    assert run(scene(long, {**second, "performers": ["guard1"]})) == []


def test_outside_score_and_past_barline() -> None:
    measures = score_map()
    assert run(scene({**GOOD, "at": "9:1"}), measures) == ["outside-score"]
    assert run(scene({**GOOD, "at": "4:3"}), measures) == ["past-barline"]  # 6/8: two beats
    assert run(scene({**GOOD, "at": "0:2"}), measures) == ["outside-score"]  # pickup is beat 4
    assert run(scene({**GOOD, "at": "0:4", "length": 1, "ballet": None}), measures) == []
    assert run(scene({**GOOD, "at": "4:2", "length": 2}), measures) == []


def test_steady_grid_has_no_score_to_be_outside_of() -> None:
    found = check(scene({**GOOD, "at": "200:1"}))
    assert [d.code for d in found] == ["no-score"]
    assert not has_errors(found)


def test_hit_off_beat_suggests_the_nearest_strong_beat() -> None:
    measures = score_map()
    found = check(scene({**GOOD, "at": "2:2.5", "hit": True, "length": 2}), measures)
    assert [d.code for d in found] == ["hit-off-beat"]
    assert "nearest is 2:3" in found[0].message
    assert run(scene({**GOOD, "at": "2:3", "hit": True}), measures) == []
    assert run(scene({**GOOD, "at": "5:1", "hit": True}), measures) == []
    assert strong_beats(4) == [1, 3] and strong_beats(2) == [1] and strong_beats(3) == [1]


def test_too_short_for_the_ballet_move() -> None:
    # grand jeté takes more than one count; the next beat cuts it to one.
    jete = {**GOOD, "ballet": "grand jeté", "length": None}
    after = {**GOOD, "id": "b02", "at": "1:2", "performers": ["guard1"]}
    assert "too-short" in run(scene(jete, after))
    assert "too-short" not in run(scene({**jete, "length": 4}, {**after, "at": "2:1"}))


def test_too_short_judges_seconds_at_the_scenes_tempo() -> None:
    # A plié takes two counts in class; one beat at ♩=96 is 0.62 s, time enough to bend.
    plie = {**GOOD, "ballet": "plié", "length": 1}
    assert run(scene(plie), score_map()) == []
    found = [d for d in check(scene(plie), steady_grid(150)) if d.code == "too-short"]
    assert [d.message for d in found] == [
        "plié needs 0.60 s or more (2 counts); this beat lasts 0.40 s"
    ]


def test_too_short_reads_each_performers_ballet_move() -> None:
    leap = {
        **GOOD,
        "ballet": None,
        "length": 1,
        "actions": [{"performer": "guard1", "ballet": "grand jeté"}],
    }
    found = [d for d in check(scene(leap)) if d.code == "too-short"]
    assert [d.message for d in found] == [
        "grand jeté needs 0.60 s or more (2 counts); this beat lasts 0.50 s"
    ]


def test_an_unknown_reaction_suggests_the_near_one() -> None:
    sell = {**GOOD, "actions": [{"performer": "guard1", "reaction": "doubel over"}]}
    assert [d.message for d in check(scene(sell)) if d.code == "unknown-move"] == [
        "guard1's reaction 'doubel over' is not in the vocabulary; did you mean 'double over'?"
    ]


def test_a_cast_member_doubling_someone_not_in_the_cast() -> None:
    cast = [*CAST, {"id": "lee", "name": "Lee", "doubles": "guard2"}]
    found = check(scene(GOOD, cast=cast))
    assert [(d.code, d.beat, d.message) for d in found if d.code != "no-score"] == [
        (
            "unknown-performer",
            None,
            "lee doubles guard2, who is not in the cast; did you mean guard1?",
        )
    ]


def test_a_double_declared_for_someone_else_is_named() -> None:
    beat = {**GOOD, "performers": ["guard1"], "doubles": {"guard1": "kim"}}
    assert [d.message for d in check(scene(beat)) if d.code == "undeclared-double"] == [
        "kim performs for guard1 here, but in the cast kim doubles eve; "
        "add `doubles: guard1` to kim, or check the name"
    ]


DISARM = {
    "id": "b01",
    "at": "1:1",
    "combat": "knife disarm",
    "attacker": "guard1",
    "partner": "eve",
    "safety": KNIFE_SAFETY,
}
SLASH = {
    "id": "b02",
    "at": "2:1",
    "combat": "knife slash",
    "partner": "guard1",
    "safety": KNIFE_SAFETY,
}


def test_weapons_follow_custody_after_a_disarm() -> None:
    # Guard 1 takes Eve's knife: from then on he may slash, and she may not.
    assert run(scene(DISARM, {**SLASH, "attacker": "guard1", "partner": "eve"})) == []
    found = check(scene(DISARM, {**SLASH, "attacker": "eve"}))
    assert [(d.code, d.beat, d.message) for d in found if d.code != "no-score"] == [
        (
            "missing-prop",
            "b02",
            "knife slash needs a knife, and eve holds nothing at this beat "
            "(the knife is with guard1)",
        )
    ]


def test_a_disarm_needs_the_partner_to_hold_the_weapon() -> None:
    found = check(scene({**DISARM, "attacker": "eve", "partner": "guard1"}))
    assert [(d.code, d.message) for d in found if d.code != "no-score"] == [
        ("missing-prop", "eve cannot disarm guard1 of a knife: guard1 holds bottle")
    ]


def test_a_dropped_weapon_is_picked_up_from_the_floor() -> None:
    drop = {**GOOD, "handoffs": [{"prop": "knife", "from": "eve", "to": "floor"}], "safety": "x"}
    pick_up = {
        "id": "b02",
        "at": "2:1",
        "performers": ["guard1"],
        "handoffs": [{"prop": "knife", "from": "floor", "to": "guard1"}],
        "safety": "x",
    }
    slash = {**SLASH, "id": "b03", "at": "3:1", "attacker": "guard1", "partner": "eve"}
    assert run(scene(drop, pick_up, slash)) == []
    # Without the pick-up the knife is still on the floor.
    found = check(scene(drop, {**pick_up, "handoffs": []}, slash))
    assert [d.message for d in found if d.code == "missing-prop"] == [
        "knife slash needs a knife, and guard1 holds bottle at this beat "
        "(the knife is on the floor)"
    ]
    # A handoff takes effect after its beat's action: no slashing with it in that beat.
    assert run(scene(drop, {**slash, "id": "b02", "handoffs": pick_up["handoffs"]})) == [
        "missing-prop"
    ]


def test_an_unknown_prop_is_not_also_a_missing_one() -> None:
    beat = {**GOOD, "handoffs": [{"prop": "sword", "from": "eve", "to": "guard1"}], "safety": "x"}
    found = check(scene(beat))
    assert [(d.code, d.message) for d in found if d.code != "no-score"] == [
        (
            "unknown-prop",
            "no one in the cast has a sword (props: bottle, knife); "
            "add it to a cast member's props",
        )
    ]


def test_a_move_whose_prop_no_one_has_is_a_missing_prop() -> None:
    cut = {**GOOD, "combat": "sword cut", "safety": "blunt"}
    assert [d.message for d in check(scene(cut)) if d.code.endswith("-prop")] == [
        "sword cut needs a sword, and eve holds knife at this beat"
    ]


def test_a_weapon_beat_needs_a_safety_note_whatever_its_risk() -> None:
    draw = {**GOOD, "combat": "pistol draw"}
    cast = [{**CAST[0], "props": ["pistol"]}, *CAST[1:]]
    assert [d.message for d in check(scene(draw, cast=cast)) if d.code == "no-safety-note"] == [
        "a firearm beat: add a safety note (who checks the weapon, distance, rehearsal speed)"
    ]
    assert run(scene({**draw, "safety": "cold gun, checked by the armourer"}, cast=cast)) == []


def synced_to(measures: int = 6, tempos: str = "96@0:4 120@4:1", b01: float = 0.625) -> Any:
    """Score settings as a sync against ``score_map()`` (hash "a…") leaves them."""
    record = {
        "hash": "a" * 64,
        "measures": measures,
        "duration_seconds": 11.125,
        "tempos": tempos,
        "beat_seconds": {"b01": b01},
    }
    return {"score": {"file": "x.musicxml", "synced": record}}


def test_score_changed_since_the_last_sync() -> None:
    assert run(scene(GOOD, **synced_to()), score_map("b" * 64)) == ["score-changed"]
    assert run(scene(GOOD, **synced_to()), score_map("a" * 64)) == []


def test_score_drift_says_what_moved_after_the_note_that_it_changed() -> None:
    found = check(scene(GOOD, **synced_to(5, "96@0:4", 0.5)), score_map("b" * 64))
    assert [(d.code, d.beat, d.message) for d in found][1:] == [
        ("score-drift", None, "measures: 5 → 6"),
        ("score-drift", None, "tempo map: 96@0:4 → 96@0:4 120@4:1"),
        ("score-drift", "b01", "at 1:1 moved +0.12 s (0.50 s → 0.62 s)"),
    ]
    assert found[0].code == "score-changed"


def test_an_unreadable_score_replaces_the_note_that_there_is_none() -> None:
    unreadable = ScoreReading(steady_grid(120), problem="not a score")
    found = diagnose(scene(GOOD, score={"file": "x.musicxml"}), unreadable, Vocabulary.bundled())
    assert [(d.code, d.severity, d.message) for d in found.diagnostics] == [
        ("score-unreadable", "error", "x.musicxml could not be read: not a score")
    ]


# -- every rule in the registry trips on a scene and passes on the scene made right -----

GRID = ScoreReading(steady_grid(120))  # no score
SCORE = ScoreReading(score_map("a" * 64))  # the score a scene was synced with
CHANGED = ScoreReading(score_map("b" * 64))  # that score, changed since
REPEATED = ScoreReading(dataclasses.replace(score_map(), repeats=True))  # followed as written
PERFORMED = ScoreReading(dataclasses.replace(REPEATED.measures, order="performed"))
Case = tuple[Scene, ScoreReading]
EXAMPLES: dict[str, tuple[Case, Case]] = {
    code: ((scene({**GOOD, **bad}), GRID), (scene({**GOOD, **good}), GRID))
    for code, bad, good in CASES
}
EXAMPLES |= {
    "duplicate-beat-id": (
        (scene(GOOD, {**GOOD, "at": "3:1"}), GRID),
        (scene(GOOD, {**GOOD, "id": "b02", "at": "3:1"}), GRID),
    ),
    "beats-out-of-order": (
        (scene({**GOOD, "at": "3:1"}, {**GOOD, "id": "b02", "at": "2:1"}), GRID),
        (scene({**GOOD, "at": "3:1"}, {**GOOD, "id": "b02", "at": "4:1"}), GRID),
    ),
    "performer-overlap": (
        (scene({**GOOD, "length": 8}, {**GOOD, "id": "b02", "at": "2:1"}), GRID),
        (scene(GOOD, {**GOOD, "id": "b02", "at": "2:1"}), GRID),
    ),
    "outside-score": (
        (scene({**GOOD, "at": "9:1"}), SCORE),
        (scene({**GOOD, "at": "3:1"}), SCORE),
    ),
    "past-barline": ((scene({**GOOD, "at": "4:3"}), SCORE), (scene({**GOOD, "at": "4:2"}), SCORE)),
    "hit-off-beat": (
        (scene({**GOOD, "at": "2:2.5", "hit": True}), SCORE),
        (scene({**GOOD, "at": "2:3", "hit": True}), SCORE),
    ),
    "too-short": (
        (scene({**GOOD, "ballet": "grand jeté", "length": 1}), GRID),
        (scene({**GOOD, "ballet": "grand jeté", "length": 4}), GRID),
    ),
    "score-changed": ((scene(GOOD, **synced_to()), CHANGED), (scene(GOOD, **synced_to()), SCORE)),
    "score-drift": (
        (scene(GOOD, **synced_to(b01=0.5)), CHANGED),
        (scene(GOOD, **synced_to()), CHANGED),
    ),
    "score-unreadable": (
        (scene(GOOD, score={"file": "x.musicxml"}), ScoreReading(GRID.measures, problem="gone")),
        (scene(GOOD, score={"file": "x.musicxml"}), SCORE),
    ),
    "no-score": ((scene(GOOD), GRID), (scene(GOOD), SCORE)),
    "written-order-repeats": (
        (scene(GOOD), REPEATED),
        (scene(GOOD, score={"order": "performed"}), PERFORMED),
    ),
}


@pytest.mark.parametrize("rule", RULES.values(), ids=list(RULES))
def test_every_rule_trips_and_passes(rule: Rule) -> None:
    """Reads the registry: a rule added without an example here fails."""
    assert rule.code in EXAMPLES, f"{rule.code} has no example here: add one to EXAMPLES"
    tripped, passed = (
        diagnose(s, score, Vocabulary.bundled()).diagnostics for s, score in EXAMPLES[rule.code]
    )
    assert [d.severity for d in tripped if d.code == rule.code][:1] == [rule.severity]
    assert rule.code not in [d.code for d in passed]


def test_a_written_order_scene_on_a_score_with_repeats_says_what_to_do() -> None:
    found = diagnose(scene(GOOD), REPEATED, Vocabulary.bundled()).diagnostics
    assert [(d.code, d.severity, d.beat) for d in found] == [
        ("written-order-repeats", "warning", None)
    ]
    assert "set `order: performed`" in found[0].message
    assert diagnose(scene(GOOD), SCORE, Vocabulary.bundled()).diagnostics == []


def test_every_example_is_a_rule() -> None:
    assert set(EXAMPLES) <= set(RULES)


def test_diagnostics_carry_the_file_line() -> None:
    lines = {"b01": 17}
    found = check(scene({**GOOD, "intensity": 9}), line_of=lines.get)
    assert [(d.code, d.severity, d.beat, d.line) for d in found if d.beat] == [
        ("intensity-range", "error", "b01", 17)
    ]
