"""Every lint rule, with a scene that trips it and one that passes."""

from __future__ import annotations

from typing import Any

import pytest

from choreo.checks import RULES, Diagnostic, check_scene, has_errors, strong_beats
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


def score_map() -> MeasureMap:
    """A pickup of one beat in 4/4, three bars of 4/4, two of 6/8 — a real-shaped score."""
    rows = [("0", 1.0, "4/4", 4, 1.0, 4.0)]
    rows += [(str(n), 4.0, "4/4", 4, 1.0, 1.0) for n in (1, 2, 3)]
    rows += [(str(n), 3.0, "6/8", 2, 1.5, 1.0) for n in (4, 5)]
    tempos = [TempoMark(0.0, 96.0), TempoMark(13.0, 120.0)]
    return MeasureMap(build_measures(rows, tempos), tuple(tempos))


def codes(found: list[Diagnostic]) -> list[str]:
    return [d.code for d in found if d.code != "no-score"]


def run(s: Scene, measures: MeasureMap | None = None, **kw: Any) -> list[str]:
    return codes(check_scene(s, Vocabulary.bundled(), measures or steady_grid(120), **kw))


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
    found = check_scene(
        scene({**GOOD, "ballet": "grand jette"}), Vocabulary.bundled(), steady_grid(120)
    )
    assert any("did you mean 'grand jeté'" in d.message for d in found)


def test_a_scene_may_add_its_own_moves() -> None:
    beat = {**GOOD, "ballet": "the swan's revenge"}
    assert "unknown-move" in run(scene(beat))
    own = [{"kind": "ballet", "name": "the swan's revenge", "counts": 2}]
    assert run(scene(beat, moves=own)) == []


def test_duplicate_beat_id() -> None:
    twice = scene(GOOD, {**GOOD, "at": "3:1"})
    assert codes(check_scene(twice, Vocabulary.bundled(), steady_grid(120))) == [
        "duplicate-beat-id"
    ]
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
    found = check_scene(scene({**GOOD, "at": "200:1"}), Vocabulary.bundled(), steady_grid(120))
    assert [d.code for d in found] == ["no-score"]
    assert not has_errors(found)


def test_hit_off_beat_suggests_the_nearest_strong_beat() -> None:
    measures = score_map()
    found = check_scene(
        scene({**GOOD, "at": "2:2.5", "hit": True, "length": 2}), Vocabulary.bundled(), measures
    )
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


def test_score_changed_since_the_last_sync() -> None:
    synced = {
        "score": {
            "file": "x.musicxml",
            "synced": {"hash": "a" * 64, "measures": 6, "duration_seconds": 10},
        }
    }
    assert run(scene(GOOD, **synced), score_map(), score_hash="b" * 64) == ["score-changed"]
    assert run(scene(GOOD, **synced), score_map(), score_hash="a" * 64) == []


def test_every_rule_is_tested_here() -> None:
    tested = {code for code, _, _ in CASES} | {
        "duplicate-beat-id",
        "beats-out-of-order",
        "performer-overlap",
        "outside-score",
        "past-barline",
        "hit-off-beat",
        "too-short",
        "score-changed",
        "no-score",
        "score-drift",  # tests/test_cli.py: a sync, then the score's tempo changes
    }
    assert tested == set(RULES)


def test_diagnostics_carry_the_file_line() -> None:
    lines = {"b01": 17}
    found = check_scene(
        scene({**GOOD, "intensity": 9}), Vocabulary.bundled(), steady_grid(120), line_of=lines.get
    )
    assert [(d.code, d.severity, d.beat, d.line) for d in found if d.beat] == [
        ("intensity-range", "error", "b01", 17)
    ]
