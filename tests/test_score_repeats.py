"""Performed order: choreo expands repeats correctly or refuses, never silently wrong."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest

from choreo.errors import ScoreError
from choreo.model.position import Position
from choreo.score import load_measure_map
from choreo.score.repeats import Jump, RepeatSigns, performed_map, performed_order
from tests.score_fixtures import HANDEL, MAPLE_LEAF, QUARTET, repeat_score, runs, written


def _played(measures: object) -> list[str]:
    return [f"{m.number}/{m.pass_number}" for m in measures.measures]  # type: ignore[attr-defined]


def _strain(first: int, last: int, pass_number: int) -> list[str]:
    return [f"{n}/{pass_number}" for n in range(first, last + 1)]


def test_maple_leaf_rag_plays_aabbaccdd() -> None:
    # Each strain has a first ending closed by a repeat sign; the first strain prints no
    # "2." bracket over measure 17, which is what trips music21's expandRepeats.
    rag = performed_map(*written(MAPLE_LEAF))
    expected = [
        "0/1",
        *_strain(1, 16, 1), *_strain(1, 15, 2), "17/1",  # A A
        *_strain(18, 33, 1), *_strain(18, 32, 2), "34/1",  # B B
        *_strain(35, 50, 1),  # A (written out)
        *_strain(51, 66, 1), *_strain(51, 65, 2), "67/1",  # C C
        *_strain(68, 83, 1), *_strain(68, 82, 2), "84/1",  # D D
    ]  # fmt: skip
    assert _played(rag) == expected
    assert len(rag.measures) == 145
    assert rag.order == "performed"


def test_performed_time_runs_end_to_end() -> None:
    written_rag = written(MAPLE_LEAF)[0]
    rag = performed_map(*written(MAPLE_LEAF))
    for before, after in pairwise(rag.measures):
        assert after.offset == pytest.approx(before.end_offset)
        assert after.start_seconds == pytest.approx(before.start_seconds + before.seconds)
    # Four strains play 15 measures a second time; first endings are played once.
    again = [range(1, 16), range(18, 33), range(51, 66), range(68, 83)]
    extra = sum(m.seconds for m in written_rag.measures if any(int(m.number) in r for r in again))
    assert rag.duration_seconds == pytest.approx(written_rag.duration_seconds + extra)
    assert rag.duration_seconds == pytest.approx(101.1 + 60 * 1.2)  # 2/4 at quarter = 100
    # A beat names its pass: the second time through measure 5 comes 16 measures later.
    first = rag.offset_of(Position("5", 1), pass_number=1)
    second = rag.offset_of(Position("5", 1), pass_number=2)
    assert second - first == pytest.approx(16 * 2.0)


def test_handel_dal_segno_al_fine() -> None:
    aria = performed_map(*written(HANDEL))
    assert _played(aria) == _strain(1, 54, 1) + _strain(13, 42, 2)
    back = aria.measures[54]
    assert back.number == "13" and back.tempo_qpm == 60.0  # the Larghetto, not the recitative


def test_clara_schumann_polonaise_trio_repeat_and_da_capo_al_fine() -> None:
    # MuseScore 3.2 plays this one wrong (a truth-audit oracle fault): the Trio's repeat
    # in bar 28 goes back to bar 1 across the Fine, and the D.C. al Fine written with
    # <sound dacapo="yes"> plays on to bar 40. The signs say: Trio repeated, Fine at 20.
    polonaise = performed_map(*written("schumann_clara/polonaise_op1n1"))
    assert _played(polonaise) == (
        _strain(1, 8, 1)
        + _strain(1, 8, 2)
        + _strain(9, 20, 1)
        + _strain(21, 28, 1)
        + _strain(21, 28, 2)
        + _strain(29, 40, 1)
        + _strain(1, 8, 3)
        + _strain(9, 20, 2)
    )


def test_endings_and_da_capo_al_fine_from_a_written_score(tmp_path: Path) -> None:
    path = repeat_score(tmp_path / "endings.musicxml")
    played = load_measure_map(str(path), performed=True, use_cache=False)
    assert _played(played) == [
        "1/1", "2/1", "3/1",  # first ending
        "1/2", "2/2", "4/1",  # second ending
        "5/1", "6/1", "7/1", "8/1",  # D.C. al Fine
        "1/3", "2/3", "4/2", "5/2", "6/2",  # no repeat after the D.C.; the last ending; Fine
    ]  # fmt: skip
    assert played.duration_seconds == pytest.approx(15 * 2.0)
    assert load_measure_map(str(path), use_cache=False).order == "written"


def test_dal_segno_al_coda_from_a_written_score(tmp_path: Path) -> None:
    path = repeat_score(tmp_path / "coda.musicxml", coda=True)
    played = load_measure_map(str(path), performed=True, use_cache=False)
    assert _played(played) == [
        "1/1", "2/1", "3/1", "4/1", "5/1", "3/2", "4/2", "6/1",
        "7/1", "8/1", "9/1", "7/2", "8/2", "10/1", "11/1",
    ]  # fmt: skip
    coda = played.measures[-2]
    assert coda.tempo_qpm == 60.0 and played.measures[-3].tempo_qpm == 120.0
    assert played.duration_seconds == pytest.approx(13 * 2.0 + 2 * 4.0)


def test_the_quartet_plays_each_movement_as_written() -> None:
    # Op. 132 in one file of five movements, no final barline between them. Movement ii's
    # first ending is bracketed over bar 364 while its repeat sign is at 368; its D.C. al
    # Fine returns to the movement's head (bar 265, "Allegro ma non tanto" over a new
    # key and time), and the Molto Adagio follows the Fine. MuseScore returns to bar 1.
    assert runs(performed_map(*written(QUARTET))) == (
        "1-286 265-285/2 287-368 290-363/2 369-510 265-285/3 287-289/2 290-363/3 369-389/2 "
        "511-730 723-730/2 731-746 731-746/2 747-1124"
    )


def _signs(count: int, **at: RepeatSigns) -> list[RepeatSigns]:
    signs = [RepeatSigns() for _ in range(count)]
    for key, sign in at.items():
        signs[int(key[1:])] = sign
    return signs


def _numbers(count: int) -> list[str]:
    return [str(n + 1) for n in range(count)]


def test_a_repeat_played_three_times() -> None:
    signs = _signs(4, m1=RepeatSigns(start_repeat=True), m2=RepeatSigns(end_repeat=True, times=3))
    assert performed_order(signs, _numbers(4)) == [0, 1, 2, 1, 2, 1, 2, 3]


def test_three_endings() -> None:
    signs = _signs(
        6,
        m0=RepeatSigns(start_repeat=True),
        m1=RepeatSigns(endings=(1, 2), ending_stops=True, end_repeat=True),
        m2=RepeatSigns(endings=(3,), ending_stops=True),
    )
    assert performed_order(signs, _numbers(6)) == [0, 1, 0, 1, 0, 2, 3, 4, 5]


def test_a_repeat_without_a_start_sign_returns_to_the_last_section() -> None:
    signs = _signs(6, m1=RepeatSigns(end_repeat=True), m3=RepeatSigns(end_repeat=True))
    assert performed_order(signs, _numbers(6)) == [0, 1, 0, 1, 2, 3, 2, 3, 4, 5]


@pytest.mark.parametrize(
    ("signs", "reason"),
    [
        (
            _signs(4, m3=RepeatSigns(jump=Jump("segno", "end", "D.S."))),
            "D.S. in measure 4 but the score has no segno",
        ),
        (
            _signs(4, m3=RepeatSigns(jump=Jump("capo", "fine", "D.C. al Fine"))),
            "the score has no Fine",
        ),
        (
            _signs(
                5,
                m1=RepeatSigns(jump=Jump("capo", "end", "D.C.")),
                m3=RepeatSigns(jump=Jump("capo", "end", "D.C.")),
            ),
            "the score has 2 jumps",
        ),
        (
            _signs(4, m1=RepeatSigns(endings=(1,), ending_stops=True)),
            "the ending 1. over measure 2 has no repeat sign at its end",
        ),
        (
            _signs(
                4,
                m1=RepeatSigns(endings=(1,), ending_stops=True),
                m2=RepeatSigns(endings=(2,), ending_stops=True),
            ),
            "the ending 1. over measure 2 has no repeat sign",
        ),
        (
            _signs(4, m2=RepeatSigns(jump=Jump("capo", "coda", "D.C. al Coda"))),
            "needs one 'To Coda' and one coda sign",
        ),
        (
            _signs(
                6,
                m1=RepeatSigns(final_barline=True),
                m4=RepeatSigns(jump=Jump("capo", "end", "D.C.")),
            ),
            "several movements",
        ),
        (
            _signs(3, m1=RepeatSigns(problems=("the segno sits inside measure 2",))),
            "the segno sits inside measure 2",
        ),
        (
            _signs(3, m1=RepeatSigns(endings=(0,), ending_stops=True, end_repeat=True)),
            "has no number",
        ),
        (
            _signs(
                4,
                m0=RepeatSigns(fine=True),
                m1=RepeatSigns(
                    endings=(1,),
                    ending_stops=True,
                    end_repeat=True,
                    jump=Jump("capo", "fine", "D.C. al Fine"),
                ),
                m2=RepeatSigns(endings=(2,), ending_stops=True),
            ),
            "D.C. al Fine in measure 2 is never reached",
        ),
    ],
)
def test_unclear_signs_are_refused(signs: list[RepeatSigns], reason: str) -> None:
    with pytest.raises(ScoreError) as caught:
        performed_order(signs, _numbers(len(signs)))
    assert caught.value.message.startswith("cannot expand repeats: ")
    assert reason in caught.value.message
