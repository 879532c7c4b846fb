"""Humdrum's playing order: the expansion list (``*>[A,A,B]``) over section labels, which
music21 skips; read from the text by :mod:`choreo.score.humdrum`, or refused at its line.

Bar starts are checked against verovio, which reads Humdrum itself (nothing shared with
music21), and against seconds worked by hand where verovio is known to play otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.truth_verovio import verovio_available, verovio_bar_ms
from choreo.errors import RepeatsError
from choreo.score import load_measure_map
from choreo.score.files import resolve_score
from choreo.score.humdrum import read_expansion
from choreo.timing import MeasureMap
from tests.run_cli import assert_one_line_error, choreo
from tests.score_fixtures import runs

needs_verovio = pytest.mark.skipif(not verovio_available(), reason="verovio is not installed")

SCHERZO = "corpus:beethoven/opus18no1/movement3.krn"  # its da capo is only in *>[...]
MAZURKA = "corpus:chopin/mazurka06-2.krn"  # *>[I,A,A,B,B,C] and *>norep[...], repeat bars
CHORALE = "corpus:bach/bwv366.krn"  # *>[A,A,B] and a repeat barline that agree

# Section A (3/4 at 60) then B (2/4 at 120); the list plays A again after B, with no sign
# in the bars. A named variant list (norep) is not the one a performance follows.
DA_CAPO = """\
!!!OTL: Da capo in the expansion list only
**kern\t**kern
*>[A,B,A]\t*>[A,B,A]
*>norep[A,B]\t*>norep[A,B]
*>A\t*>A
*M3/4\t*M3/4
*MM60\t*MM60
=1\t=1
4c\t4e
4d\t4f
4e\t4g
=2\t=2
2.c\t2.e
=3\t=3
*>B\t*>B
*M2/4\t*M2/4
*MM120\t*MM120
4d\t4f
4e\t4g
=4\t=4
2c\t2e
==\t==
*-\t*-
"""
# A one-beat pickup, then a tempo change after the first beat of bar 2.
PICKUP_AND_TEMPO_INSIDE_A_BAR = (
    "**kern\n*M3/4\n*MM100\n4c\n=1\n2.d\n=2\n4e\n*MM50\n2f\n=3\n2.e\n==\n*-\n"
)
LABEL_INSIDE_A_BAR = "**kern\n*>[A,B,A]\n*>A\n*M2/4\n=1\n4c\n*>B\n4d\n=2\n2c\n==\n*-\n"
MISSING_SECTION = "**kern\n*>[A,C]\n*>A\n*M2/4\n=1\n4c\n4d\n=2\n2c\n==\n*-\n"


@pytest.fixture(scope="session")
def scherzo() -> MeasureMap:
    return load_measure_map(SCHERZO, performed=True, use_cache=False)


@pytest.fixture(scope="session")
def mazurka() -> MeasureMap:
    return load_measure_map(MAZURKA, performed=True, use_cache=False)


def _written(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_da_capo_written_only_in_the_expansion_list_is_played(scherzo: MeasureMap) -> None:
    # *>[A,A,B,B,C,C,D,A,B]: sections start at bars 1, 11, 86, 102 (their *>labels).
    assert runs(scherzo) == "1-10 1-10/2 11-85 11-85/2 86-101 86-101/2 102-145 1-85/3"


@needs_verovio
@pytest.mark.parametrize("work", [SCHERZO, MAZURKA, CHORALE])
def test_performed_bars_start_where_verovio_plays_them(
    work: str, scherzo: MeasureMap, mazurka: MeasureMap
) -> None:
    measures = {SCHERZO: scherzo, MAZURKA: mazurka}.get(work) or load_measure_map(
        work, performed=True, use_cache=False
    )
    expected, _ = verovio_bar_ms(resolve_score(work), performed=True)
    assert len(measures.measures) == len(expected)
    for measure, (_, ms) in zip(measures.measures, expected, strict=True):
        assert measure.start_seconds * 1000 == pytest.approx(ms, abs=2.0), measure.number


def test_the_default_list_is_followed_not_a_named_variant(mazurka: MeasureMap) -> None:
    expansion = read_expansion(resolve_score(MAZURKA))
    assert expansion is not None and expansion.order == ("I", "A", "A", "B", "B", "C")
    assert [m.number for m in mazurka.measures].count("9") == 2  # A, bars 9-24, twice


def test_a_hand_written_da_capo_plays_at_the_seconds_worked_by_hand(tmp_path: Path) -> None:
    path = _written(tmp_path, "da-capo.krn", DA_CAPO)
    played = load_measure_map(str(path), performed=True, use_cache=False)
    # Bars of 3/4 at 60 last 3 s, of 2/4 at 120 1 s; A comes back at its own tempo, 60
    # (verovio keeps 120 there: it plays the opening *MM once, not on the return).
    assert [(m.number, m.pass_number, m.start_seconds) for m in played.measures] == [
        ("1", 1, 0.0),
        ("2", 1, 3.0),
        ("3", 1, 6.0),
        ("4", 1, 7.0),
        ("1", 2, 8.0),
        ("2", 2, 11.0),
    ]
    written = load_measure_map(str(path), use_cache=False)
    assert written.repeats  # so `choreo new` follows the list and `check` warns without it
    assert [m.start_seconds for m in written.measures] == [0.0, 3.0, 6.0, 7.0]


def test_a_pickup_and_a_tempo_change_inside_a_bar_are_timed_by_hand(tmp_path: Path) -> None:
    path = _written(tmp_path, "pickup.krn", PICKUP_AND_TEMPO_INSIDE_A_BAR)
    measures = load_measure_map(str(path), use_cache=False)
    # A quarter at 100 is 0.6 s, at 50 1.2 s: bar 2 is 0.6 + 2.4 s (verovio starts its
    # *MM50 at the bar's start and plays bar 3 at 6.0 s).
    assert [(m.number, m.start_seconds) for m in measures.measures] == [
        ("0", 0.0),
        ("1", pytest.approx(0.6)),
        ("2", pytest.approx(2.4)),
        ("3", pytest.approx(5.4)),
    ]
    assert not measures.repeats


def test_the_cli_plays_the_expansion_list(tmp_path: Path) -> None:
    path = _written(tmp_path, "da-capo.krn", DA_CAPO)
    result = choreo("score", path, "--performed")
    assert result.returncode == 0, result.stderr
    assert "6 measures · performed order · 0:14.000" in result.stdout


@pytest.mark.parametrize(
    ("name", "text", "where", "words"),
    [
        ("inside.krn", LABEL_INSIDE_A_BAR, ":7:1:", "section '*>B' starts inside a bar"),
        ("missing.krn", MISSING_SECTION, ":2:1:", "names section 'C', which no '*>C' starts"),
    ],
)
def test_an_order_choreo_cannot_place_on_bars_is_refused_at_its_line(
    tmp_path: Path, name: str, text: str, where: str, words: str
) -> None:
    path = _written(tmp_path, name, text)
    result = choreo("score", path, "--performed")
    assert_one_line_error(result, f"{path}{where}", "cannot expand repeats", words, "hint:")
    with pytest.raises(RepeatsError):
        load_measure_map(str(path), performed=True, use_cache=False)
    written = choreo("score", path)  # the written order is still there
    assert written.returncode == 0, written.stderr
    assert "2 measures · written order" in written.stdout
