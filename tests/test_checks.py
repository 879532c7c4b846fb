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
    {"id": "guard1", "name": "Guard 1"},
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

CASES = [
    ("unknown-move", {"ballet": "pirouete"}, {"ballet": "pirouette"}),
    ("unknown-move", {"combat": "flyng kick", "safety": "mat"}, {"combat": "dodge"}),
    ("unknown-performer", {"performers": ["eva"]}, {"performers": ["eve"]}),
    ("unknown-performer", {"partner": "guard2"}, {"partner": "guard1"}),
    (
        "missing-prop",
        {"performers": ["guard1"], "combat": "knife slash"},
        {"performers": ["eve"], "combat": "knife slash"},
    ),
    (
        "no-safety-note",
        {"combat": "shoulder throw"},
        {"combat": "shoulder throw", "safety": "crash mat, spotter on the left"},
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
