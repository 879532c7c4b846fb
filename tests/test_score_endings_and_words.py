"""Endings of any length and jumps written as words: played as the orchestra plays them,
checked against MuseScore's own playback (``.mpos``) where it is installed and reads them."""

from __future__ import annotations

from pathlib import Path

import pytest

from choreo.errors import RepeatsError
from choreo.score import load_measure_map, resolve_score
from choreo.score.repeats import Jump, performed_map
from choreo.score.words import words_meaning
from choreo.timing import MeasureMap
from tests.musescore import MUSESCORE, needs_musescore, played_bars
from tests.score_fixtures import bars_score, runs, written


def assert_plays_as_musescore(path: Path, played: MeasureMap) -> None:
    """The same bars in the same order, each starting within 1 ms of MuseScore's start."""
    as_written = load_measure_map(str(path), use_cache=False)
    theirs = played_bars(path)
    assert [m.number for m in played.measures] == [
        as_written.measures[bar].number for bar, _ in theirs
    ]
    for measure, (_, seconds) in zip(played.measures, theirs, strict=True):
        assert measure.start_seconds == pytest.approx(seconds, abs=0.001), measure


# (the score as a line of bars, the bars as played, whether MuseScore reads its signs)
PLAYED = [
    ("|: 1 2 |1. 3 :| |2. 4 5 6 | 7", "1-3 1-2/2 4-7", True),
    ("|: 1 2 |1. 3 4 5 :| |2. 6 | 7", "1-5 1-2/2 6-7", True),
    ("|: 1 |1. 2 :| |2. 3 4 5 :| |3. 6 | 7", "1-2 1/2 3-5 1/3 6-7", True),
    # A first ending whose bracket stops before its repeat sign runs to the repeat sign
    # when the next ending starts right after it (MuseScore plays bar 4 on both passes).
    ("|: 1 2 |1. 3 | 4 :| |2. 5 | 6", "1-4 1-2/2 5-6", False),
    ("|: 1 2 |1. 3 | 4 5 :| |2. 6 | 7", "1-5 1-2/2 6-7", False),
    # A forward repeat on a right barline starts the next bar; after an open start
    # repeat it is an end-start barline too (music21 reads it as an end repeat only).
    ("1 2 ||: 3 4 :| 5", "1-4 3-4/2 5", False),
    ("|: 1 2 ||: 3 4 :| 5", "1-2 1-2/2 3-4 3-4/2 5", False),
    ('1 2 "Fine" || 3 4 "D.C. al Fine" |.', "1-4 1-2/2", True),
    ('1 2 3 "Da Capo" 4', "1-3 1-3/2 4", True),
    # The words sit over the last bar but one; the D.C. comes at the final barline.
    ('1 "Fine" || 2 ^"D.C. al Fine" 3 |.', "1-3 1/2", True),
    ('|: 1 2 "Fine" 3 :| 4 "D.C. al Fine" |.', "1-3 1-3/2 4 1-2/3", True),
    # Words MuseScore's playback does not read as a jump; players do.
    ('1 2 "Fine" || 3 4 "D.C.\nal Fine" |.', "1-4 1-2/2", False),
    ('1 2 "D.C. senza replica"', "1-2 1-2/2", False),
    ('|: 1 2 :| 3 "Fine" || 4 "Minuetto D.C. al Fine" |.', "1-2 1-2/2 3-4 1-2/3 3/2", False),
    ('|: 1 2 :| |: ^"Trio" 3 4 :| "Menuetto da capo"', "1-2 1-2/2 3-4 3-4/2 1-2/3", False),
    ('|: 1 2 :| |: ^"Trio I" 3 4 :| "M.D.C."', "1-2 1-2/2 3-4 3-4/2 1-2/3", False),
    ('1 2 "Fine" || 3 "D.C. al Fine (senza replica)" |.', "1-3 1-2/2", False),
    ('1 2 "To Coda" 3 "D.C. al Coda" || ^"Coda" 4 |.', "1-3 1-2/2 4", False),
    ('1 ^"Segno" 2 "To Coda" 3 "D.S. al Coda" || ^"Coda" 4 |.', "1-3 2/2 4", False),
    # An ending with no number just before the "2." ending is the "1." one (Mozart K. 458).
    ("|: 1 2 |_. 3 :| |2. 4 | 5", "1-3 1-2/2 4-5", False),
    # A repeat without a start sign goes back to the last section's start, never past a
    # Fine or a Trio heading (MuseScore goes back to the first bar).
    ('|: 1 :| 2 "Fine" || ^"Trio" 3 :| 4 "D.C. al Fine" |.', "1 1/2 2-3 3/2 4 1/3 2/2", False),
    ('|: 1 :| 2 "Fine" || 3 :| 4 "D.C. al Fine" |.', "1 1/2 2-3 3/2 4 1/3 2/2", False),
    # A minuet and trio of two repeated strains each, no Trio heading (Haydn op. 1 no. 1).
    ('|: 1 :| |: 2 :| |: 3 :| |: 4 :| "M.D.C."', "1 1/2 2 2/2 3 3/2 4 4/2 1-2/3", False),
    # Words at the barline before the strain's repeat sign: the jump comes at the sign.
    (
        '|: 1 :| |: 2 :| |: 3 :| |: 4 "Menuetto da capo senza Ritornello" 5 :|',
        "1 1/2 2 2/2 3 3/2 4-5 4-5/2 1-2/3",
        False,
    ),
    # A file of movements: the da capo returns to the Menuetto's heading and the next
    # movement follows it (Beethoven op. 18 no. 4 and no. 5, op. 132).
    (
        '1 2 ^!"Menuetto" |: 3 :| |: ^"Trio" 4 :| "Menuetto da capo" ^!"Allegro" 5 6 |.',
        "1-3 3/2 4 4/2 3/3 5-6",
        False,
    ),
    ('1 2 ^!"Allegretto" 3 "Fine" || 4 "D.C. al Fine" ^!"Adagio" 5 |.', "1-4 3/2 5", False),
    # The da capo twice, the Trio (here a "Maggiore" heading) once more between.
    (
        '|: 1 :| ^!"Maggiore" 2 "il minore ma senza replica ed allora ancora una volta il '
        'trio, e dopo di nuovo da capo il minore senza replica" |.',
        "1 1/2 2 1/3 2/2 1/4",
        False,
    ),
]


@pytest.mark.parametrize(("notation", "expected", "musescore_reads_it"), PLAYED)
def test_played_in_order(
    tmp_path: Path, notation: str, expected: str, musescore_reads_it: bool
) -> None:
    path = bars_score(tmp_path / "score.musicxml", notation)
    played = load_measure_map(str(path), performed=True, use_cache=False)
    assert runs(played) == expected
    assert played.measures[-1].start_seconds == pytest.approx(2.0 * (len(played.measures) - 1))
    assert load_measure_map(str(path), use_cache=False).repeats
    if musescore_reads_it and MUSESCORE is not None:
        assert_plays_as_musescore(path, played)


@pytest.mark.parametrize("notation", ["1 2 3", "1 2 || 3 |.", '1 "dolce" 2', "|: 1 2"])
def test_a_score_without_repeats_says_so(tmp_path: Path, notation: str) -> None:
    path = bars_score(tmp_path / "score.musicxml", notation)
    assert not load_measure_map(str(path), use_cache=False).repeats


UNCLEAR = [
    (
        '1 2 "Da Capo, then the coda twice"',
        "measure 2 has the words 'Da Capo, then the coda twice', whose jump is unclear",
    ),
    ('1 2 "Scherzo D.C. con replica"', "measure 2 has the words 'Scherzo D.C. con replica'"),
    (
        '|: 1 2 :| |: 3 4 :| "Menuetto da capo"',
        "'Menuetto da capo' in measure 4, but the score marks neither a Fine nor a Trio",
    ),
    (
        '|: 1 :| |: 2 :| 3 |: 4 :| 5 "Menuetto da capo"',
        "'Menuetto da capo' in measure 5, but the score marks neither a Fine nor a Trio, and "
        "its repeated strains are not a minuet's two and a trio's two",
    ),
    (
        '|: 1 2 :| |: ^"Trio" 3 4 :| "Menuetto da capo" 5',
        "'Menuetto da capo' in measure 4 is followed by measure 5",
    ),
    ('1 ^"Segno" 2 3 "D.C." "D.S."', "measure 3 says both 'D.C.' and 'D.S.'"),
    ("|: 1 |2. 2 :| |2. 3 | 4", "the endings over measure 2 and measure 3 are both for pass 2"),
    ("|: 1 |_. 2 :| 3 4", "the ending bracket over measure 2 has no number"),
    # No second ending after the repeat sign: whether bar 3 is an ending of one bar is unclear.
    (
        "|: 1 2 |1. 3 | 4 :| 5",
        "the ending 1. over measure 3 has no repeat sign at its end (the repeat sign is at "
        "measure 4)",
    ),
]


@pytest.mark.parametrize(("notation", "reason"), UNCLEAR)
def test_unclear_jumps_are_refused_naming_the_bar(
    tmp_path: Path, notation: str, reason: str
) -> None:
    path = bars_score(tmp_path / "score.musicxml", notation)
    with pytest.raises(RepeatsError) as refused:
        load_measure_map(str(path), performed=True, use_cache=False)
    assert refused.value.message.startswith("cannot expand repeats: ")
    assert reason in refused.value.message
    # The written order is still there, and says the score has repeats.
    assert load_measure_map(str(path), use_cache=False).repeats


@pytest.mark.parametrize(
    ("text", "meaning"),
    [
        ("D.C.\nal Fine", Jump("capo", "fine", "D.C. al Fine")),
        ("Menuetto da capo.", Jump("capo", "section", "Menuetto da capo", "menuetto")),
        ("M.D.C.", Jump("capo", "section", "M.D.C.", "menuetto")),
        ("Men. D.C.", Jump("capo", "section", "Men. D.C.", "men.")),
        ("Dal Segno sin' al Coda", Jump("segno", "coda", "Dal Segno sin' al Coda")),
        ("Da Capo (senza replica)", Jump("capo", "end", "Da Capo (senza replica)")),
        (
            "il minore ma senza\n replica ed allora ancora una\n volta il trio, e dopo di "
            "nuovo\nda capo il minore senza replica",
            Jump(
                "capo",
                "section",
                "il minore ma senza replica ed allora ancora una volta il trio, e dopo di "
                "nuovo da capo il minore senza replica",
                "minore",
                times=2,
            ),
        ),
        ("Fine.", "fine"),
        ("To Coda", "to coda"),
        ("Trio. Allegretto", "trio"),
        ("dolce", None),
        ("poi la Coda", "unclear"),
        ("Scherzo D.C. con replica", "unclear"),
    ],
)
def test_words_meaning(text: str, meaning: object) -> None:
    assert words_meaning(text) == meaning


# -- corpus pieces ------------------------------------------------------------------------

LONG_FIRST_ENDINGS = [
    # The second repeat's first ending is bars 211-214.
    ("beethoven/opus59no2/movement1", "1-70 2-68/2 71-214 74-210/2 215-261"),
    # The first ending is bars 129-150, 22 bars long.
    ("schumann_robert/opus41no1/movement1", "1-150 36-128/2 151-374"),
]


@pytest.mark.slow
@pytest.mark.parametrize(("work", "expected"), LONG_FIRST_ENDINGS)
def test_long_first_endings_in_the_corpus(work: str, expected: str) -> None:
    assert runs(performed_map(*written(work))) == expected


@pytest.mark.slow
@needs_musescore
@pytest.mark.parametrize("work", [work for work, _ in LONG_FIRST_ENDINGS])
def test_long_first_endings_play_as_in_musescore(tmp_path: Path, work: str) -> None:
    path = resolve_score(f"corpus:{work}")
    copy = tmp_path / path.name  # MuseScore writes its .mpos beside the score
    copy.write_bytes(path.read_bytes())
    as_written = written(work)[0]
    played = performed_map(*written(work))
    theirs = played_bars(copy)
    assert [m.number for m in played.measures] == [
        as_written.measures[bar].number for bar, _ in theirs
    ]
    for measure, (_, seconds) in zip(played.measures, theirs, strict=True):
        assert measure.start_seconds == pytest.approx(seconds, abs=0.001), measure


@pytest.mark.slow
def test_an_ending_without_a_number_before_the_second_is_the_first() -> None:
    # K. 458 ii marks its first endings (bars 38 and 62) with no number.
    quartet = performed_map(*written("mozart/k458/movement2"))
    assert runs(quartet) == "1-8 1-8/2 9-28 9-28/2 29-38 29-37/2 39-62 40-61/2 63"


@pytest.mark.slow
def test_menuetto_da_capo_in_words_plays_the_menuetto_again() -> None:
    # K. 80 iii: "Trio." over bar 29, "Menuetto da capo." over bar 51 of 52.
    quartet = performed_map(*written("mozart/k80/movement3"))
    assert runs(quartet) == "1-8 1-8/2 9-28 9-28/2 29-36 29-36/2 37-52 37-52/2 1-28/3"


PLAIN_DA_CAPOS = [
    # "M.D.C." with no Trio heading: a minuet and a trio of two repeated strains each.
    (
        "haydn/opus1no1/movement4",
        "0-12 0-12/2 13-27 13-26/2 28-36 29-36/2 37-44 37-43/2 45 0-26/3 28/2",
    ),
    # Set at the barline before the repeat sign of the last strain; no repeats after it.
    ("mozart/k156/movement3", "1-14 1-14/2 15-36 15-36/2 37-46 37-46/2 47-62 47-62/2 1-36/3"),
    # "il minore ma senza replica ed allora ancora una volta il trio, e dopo di nuovo da
    # capo il minore senza replica": the Minore ends where the Maggiore's heading starts.
    (
        "beethoven/opus59no2/movement3",
        "1-9 2-7/2 10-55 12-51/2 56-142 1/2 2-7/3 10-11/2 12-51/3 56-142/2 1/3 2-7/4 10-11/3 "
        "12-51/4 56-58/3",
    ),
    # The Menuetto ends where the Trio starts; the Coda follows the da capo.
    (
        "beethoven/opus59no3/movement3",
        "1-38 17-38/2 39-54 39-53/2 55-75 56-74/2 76-78 1-16/2 17-38/3 79-96",
    ),
]


@pytest.mark.slow
@pytest.mark.parametrize(("work", "expected"), PLAIN_DA_CAPOS)
def test_da_capos_in_words_play_as_they_read(work: str, expected: str) -> None:
    assert runs(performed_map(*written(work))) == expected


@pytest.mark.slow
def test_first_endings_bracketed_over_their_first_bar_run_to_the_repeat_sign() -> None:
    # Op. 18 no. 3: the brackets cover bars 108 and 709; the repeat signs are at 109 and
    # 715, the second endings start at 110 and 716. Bar 431's forward repeat on its right
    # barline is an end-start :|: (a start repeat is open at 423), bar 596's a start.
    quartet = performed_map(*written("beethoven/opus18no3"))
    assert runs(quartet) == (
        "1-109 3-107/2 110-431 423-431/2 432-486 432-486/2 487-499 487-499/2 500-715 "
        "597-708/2 716-966"
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    ("work", "reason"),
    [
        ("mozart/k80/movement4", "measure 56 has the words 'Da Capo ma senza replicarlo"),
    ],
)
def test_corpus_jumps_that_are_unclear_are_refused(work: str, reason: str) -> None:
    with pytest.raises(RepeatsError) as refused:
        performed_map(*written(work))
    assert reason in refused.value.message
