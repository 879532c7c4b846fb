"""The measure map read from real scores agrees with music21 itself."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest

from choreo.errors import ScoreError
from choreo.model.position import Position
from choreo.score import load_measure_map
from choreo.score.reader import read_measure_map
from tests.score_fixtures import (
    CHORALE,
    HANDEL,
    MAPLE_LEAF,
    QUARTET,
    WEBER,
    music21_measure_seconds,
    parsed,
    pickup_score,
    written,
)

SCORES = Path(__file__).resolve().parent.parent / "scores"

CORPUS_WORKS = [
    MAPLE_LEAF,
    WEBER,
    CHORALE,
    pytest.param(QUARTET, marks=pytest.mark.slow),
    HANDEL,
]


@pytest.mark.parametrize("work", [w for w in CORPUS_WORKS if w != WEBER])
def test_measure_starts_equal_music21_seconds_map(work: str) -> None:
    # Weber is left out: music21 starts its second tempo where it is drawn, not where it
    # sounds (see test_score_timeline.py, checked against MuseScore).
    measures, _ = written(work)
    expected = music21_measure_seconds(parsed(work), 0)
    assert len(measures.measures) == len(expected)
    for measure, seconds in zip(measures.measures, expected, strict=True):
        assert measure.start_seconds == pytest.approx(seconds, abs=1e-3), measure.number


@pytest.mark.parametrize("work", CORPUS_WORKS)
def test_measures_lie_end_to_end_and_seconds_add_up(work: str) -> None:
    measures = written(work)[0].measures
    for before, after in pairwise(measures):
        assert after.offset == pytest.approx(before.end_offset, abs=1e-9)
        assert after.start_seconds == pytest.approx(before.start_seconds + before.seconds)
    assert [m.index for m in measures] == list(range(len(measures)))


def test_the_conductors_tempo_applies_to_every_part() -> None:
    # The left hand of the rag has no metronome mark of its own; music21's secondsMap of
    # that part alone would run at 120. choreo follows the first part's marks.
    right_hand, _ = written(MAPLE_LEAF, 0)
    left_hand, _ = written(MAPLE_LEAF, 1)
    assert left_hand.part == 1
    assert [m.start_seconds for m in left_hand.measures] == pytest.approx(
        [m.start_seconds for m in right_hand.measures]
    )
    assert left_hand.tempos[0].qpm == 100


def test_pickups_count_as_musicians_count() -> None:
    rag = written(MAPLE_LEAF)[0].measures[0]
    assert (rag.number, rag.quarter_length, rag.first_beat) == ("0", 0.5, 2.5)
    chorale = written(CHORALE)[0]
    pickup = chorale.measures[0]
    assert (pickup.number, pickup.quarter_length, pickup.first_beat) == ("0", 1.0, 4.0)
    assert chorale.offset_of(Position("0", 4)) == 0.0
    assert chorale.offset_of(Position("1", 1)) == 1.0


def test_music21_counts_the_pickup_beat_the_same_way() -> None:
    from music21 import note, stream

    part = parsed(CHORALE).stream.parts[0]
    first_note = (
        part.getElementsByClass(stream.Measure).first().recurse().getElementsByClass(note.Note)[0]
    )
    assert float(first_note.beat) == written(CHORALE)[0].measures[0].first_beat


@pytest.mark.parametrize(
    ("beats", "meter", "first_beat"),
    [(1.0, "4/4", 4.0), (2.0, "3/4", 2.0), (1.5, "6/8", 2.0), (0.5, "2/4", 2.5)],
)
def test_hand_made_pickups(tmp_path: Path, beats: float, meter: str, first_beat: float) -> None:
    path = pickup_score(tmp_path / "pickup.musicxml", beats=beats, meter_text=meter)
    measures = load_measure_map(str(path), use_cache=False)
    pickup, first_full = measures.measures[0], measures.measures[1]
    assert (pickup.number, pickup.quarter_length) == ("0", beats)
    assert pickup.first_beat == pytest.approx(first_beat)
    assert pickup.last_beat == pytest.approx(first_full.beat_count + 1)
    assert first_full.first_beat == 1.0
    assert measures.count_at(first_full.offset).phrase == 1


def test_tempo_changes_and_a_dotted_referent() -> None:
    measures = written(WEBER)[0]
    qpms = [t.qpm for t in measures.tempos]
    # Bar 1 says "Adagio ma non troppo" (sound 72) and then quarter = 60 (sound 60) at the
    # same beat, drawn to the right: MuseScore plays 60 from the first beat, and so does choreo.
    assert measures.tempos[0].offset == 0.0 and qpms[0] == 60
    # The last mark is a dotted quarter = 100, i.e. 150 quarter notes a minute.
    assert qpms[-1] == pytest.approx(150)
    assert len(qpms) == 7


def test_default_tempo_fills_only_the_start_without_a_mark() -> None:
    # Handel's recitative has no mark; the aria's Larghetto (quarter = 60) has one.
    slow = read_measure_map(parsed(HANDEL), default_tempo=60.0)[0]
    fast = written(HANDEL)[0]
    assert slow.tempos[0].qpm == 60.0 and fast.tempos[0].qpm == 120.0
    aria = fast.measure("13")
    assert aria is not None and aria.tempo_qpm == 60.0
    assert slow.measure("14") is not None and fast.measure("14") is not None
    assert slow.measure("14").seconds == fast.measure("14").seconds  # type: ignore[union-attr]


def test_meter_changes_carry_music21s_beats() -> None:
    quartet = written(QUARTET)[0]
    meters = {m.time_signature: (m.beat_count, m.beat_length) for m in quartet.measures}
    assert meters["2/2"] == (2, 2.0)
    assert meters["3/4"] == (3, 1.0)
    assert meters["3/8"] == (1, 1.5)
    changes = [
        m.number
        for before, m in pairwise(quartet.measures)
        if m.time_signature != before.time_signature
    ]
    assert changes[:3] == ["9", "265", "489"]
    assert len(quartet.measures) == 1124
    handel = written(HANDEL)[0]
    assert (handel.measure("12").time_signature, handel.measure("13").time_signature) == (  # type: ignore[union-attr]
        "4/4",
        "3/4",
    )


def test_rehearsal_marks_and_staff_text_of_the_followed_part() -> None:
    rag = written(MAPLE_LEAF)[0]
    assert [(k.text, k.measure, k.kind) for k in rag.marks] == [
        ("Tempo Di Marcia", "1", "words"),
        ("TRIO", "51", "words"),
    ]
    demo = load_measure_map(str(SCORES / "corridor.musicxml"), use_cache=False)
    rehearsal = [(k.text, k.measure, k.beat) for k in demo.marks if k.kind == "rehearsal"]
    assert rehearsal[:2] == [("A", "1", 1.0), ("B", "13", 1.0)]


def test_parts_by_name_and_id() -> None:
    read = parsed(CHORALE)
    assert read_measure_map(read, part="bass")[0].part == 3
    assert read_measure_map(read, part="ALTO")[0].part == 1
    assert read_measure_map(read, part="Tenor")[0].parts == ("Soprano", "Alto", "Tenor", "Bass")
    rag = parsed(MAPLE_LEAF)
    assert read_measure_map(rag, part="p1-staff2")[0].part == 1  # a MusicXML part id


@pytest.mark.parametrize("part", ["flute", 7, -1])
def test_unknown_part_names_the_parts_there_are(part: int | str) -> None:
    with pytest.raises(ScoreError) as caught:
        read_measure_map(parsed(CHORALE), part=part)
    assert "0 Soprano, 1 Alto, 2 Tenor, 3 Bass" in caught.value.message


@pytest.mark.parametrize("name", sorted(p.name for p in SCORES.glob("*.musicxml")))
def test_demo_scores_agree_with_music21(name: str) -> None:
    from choreo.score.reader import parse_score

    read = parse_score(SCORES / name, "musicxml")
    measures = read_measure_map(read)[0]
    expected = music21_measure_seconds(read, 0)
    assert [m.start_seconds for m in measures.measures] == pytest.approx(expected, abs=1e-3)
