"""One timeline for the whole score: what MuseScore plays, whichever part is followed.

Small scores written for each case, and corpus pieces that were wrong before; where
MuseScore is installed, every bar's start is checked against its ``.mpos`` within 1 ms.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from choreo.score.files import resolve_score
from choreo.score.reader import ReadScore, parse_score, read_measure_map
from choreo.score.timeline import bar_numbers
from choreo.timing import MeasureMap
from tests.musescore import (
    FOUR_FOUR,
    WHOLE,
    assert_starts_match,
    bar_starts_ms,
    metronome,
    needs_musescore,
    note,
    uncounted_bars,
    write_score,
    written_order_copy,
)

QUARTET_I = "beethoven/opus18no1/movement1.mxl"  # the viola's overfull bar moved it 3 s
MADRIGAL = "monteverdi/madrigal.4.1.mxl"  # no time signature; parts of 4 and 8 quarters
FUGUE = "beethoven/opus133.mxl"  # a metronome mark drawn right of where it sounds


def _read(path: Path, part: int = 0) -> MeasureMap:
    return read_measure_map(parse_score(path, "musicxml"), part=part)[0]


def _starts(measures: MeasureMap) -> list[float]:
    return [m.start_seconds for m in measures.measures]


@pytest.fixture(scope="session")
def overfull(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Part 1's bar 2 holds five quarters; part 2's bar 3 only three."""
    folder = tmp_path_factory.mktemp("overfull")
    first = [
        ('number="1"', FOUR_FOUR + metronome(60) + WHOLE),
        ('number="2"', WHOLE + note(1)),
        ('number="3"', WHOLE),
        ('number="4"', WHOLE),
    ]
    second = [
        ('number="1"', FOUR_FOUR + WHOLE),
        ('number="2"', WHOLE),
        ('number="3"', note(3, "half")),
        ('number="4"', WHOLE),
    ]
    return write_score(folder / "overfull.musicxml", first, second)


@pytest.fixture(scope="session")
def corpus_copies(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[ReadScore, Path]]:
    """Corpus pieces parsed once, each with a written-order copy for MuseScore."""
    folder = tmp_path_factory.mktemp("corpus")
    found: dict[str, tuple[ReadScore, Path]] = {}
    for work in (QUARTET_I, MADRIGAL):
        path = resolve_score(f"corpus:{work}")
        copy = written_order_copy(path, folder / f"{path.parent.name}-{path.stem}.musicxml")
        found[work] = (parse_score(path, "musicxml"), copy)
    return found


# -- one length per bar ------------------------------------------------------------------


def test_a_bar_lasts_as_long_as_its_longest_part(overfull: Path) -> None:
    first, second = _read(overfull, 0), _read(overfull, 1)
    assert _starts(first) == _starts(second) == [0.0, 4.0, 9.0, 13.0]
    assert [m.quarter_length for m in first.measures] == [4.0, 5.0, 4.0, 4.0]
    assert first.notes == (
        "the parts disagree on the length of 2 bars (2, 3); each bar is played as long as "
        "its longest part, as MuseScore plays it",
    )


@needs_musescore
def test_musescore_plays_the_longest_part(overfull: Path) -> None:
    assert_starts_match(_starts(_read(overfull)), bar_starts_ms(overfull))


@pytest.mark.parametrize("work", [QUARTET_I, MADRIGAL])
def test_every_part_of_a_real_score_plays_a_bar_at_the_same_time(
    corpus_copies: dict[str, tuple[ReadScore, Path]], work: str
) -> None:
    read, _ = corpus_copies[work]
    maps = [read_measure_map(read, part=p)[0] for p in range(len(read.stream.parts))]
    for other in maps[1:]:
        assert _starts(other) == _starts(maps[0])
    assert any("disagree on the length" in n for n in maps[0].notes)


@needs_musescore
@pytest.mark.parametrize("work", [QUARTET_I, MADRIGAL])
def test_real_scores_start_every_bar_when_musescore_does(
    corpus_copies: dict[str, tuple[ReadScore, Path]], work: str
) -> None:
    read, copy = corpus_copies[work]
    last = len(read.stream.parts) - 1  # the part that drifted most before
    assert_starts_match(_starts(read_measure_map(read, part=last)[0]), bar_starts_ms(copy))


# -- tempo ------------------------------------------------------------------------------


def _tempo_score(path: Path, change: str, bar: int = 2) -> Path:
    bars = [('number="1"', FOUR_FOUR + metronome(60) + WHOLE)]
    bars += [(f'number="{n}"', (change if n == bar else "") + WHOLE) for n in range(2, 5)]
    return write_score(path, bars)


TEMPO_CASES = {
    # drawn two quarters right of bar 2's start; it sounds at the start
    "visual offset": (metronome(120, offset="<offset>2</offset>"), [0.0, 4.0, 6.0, 8.0]),
    "metronome without sound": (metronome(120, sound=False), [0.0, 4.0, 6.0, 8.0]),
    "words with a sound tempo": (
        metronome(90, words="Lebhaft, mit Humor"),
        [0.0, 4.0, 4 + 8 / 3, 4 + 16 / 3],
    ),
}


@pytest.mark.parametrize("case", list(TEMPO_CASES))
def test_tempo_sounds_where_the_score_says(tmp_path: Path, case: str) -> None:
    change, expected = TEMPO_CASES[case]
    measures = _read(_tempo_score(tmp_path / "tempo.musicxml", change))
    assert _starts(measures) == pytest.approx(expected)


@needs_musescore
@pytest.mark.parametrize("case", list(TEMPO_CASES))
def test_musescore_plays_the_tempo_the_same_way(tmp_path: Path, case: str) -> None:
    path = _tempo_score(tmp_path / "tempo.musicxml", TEMPO_CASES[case][0])
    assert_starts_match(_starts(_read(path)), bar_starts_ms(path))


def test_an_offset_that_says_it_sounds_moves_the_tempo(tmp_path: Path) -> None:
    # MusicXML: <offset sound="yes"> moves playback too (MuseScore 3 ignores it).
    change = metronome(120, offset='<offset sound="yes">2</offset>')
    measures = _read(_tempo_score(tmp_path / "tempo.musicxml", change))
    assert _starts(measures) == pytest.approx([0.0, 4.0, 7.0, 9.0])


MODULATION = (
    '<direction placement="above"><direction-type><metronome><beat-unit>quarter</beat-unit>'
    "<beat-unit>quarter</beat-unit><beat-unit-dot/></metronome></direction-type>{}</direction>"
)


def test_a_metric_modulation_is_played_as_the_players_play_it(tmp_path: Path) -> None:
    # ♩ = ♩. at bar 2: the new dotted quarter lasts as long as the old quarter, so quarters
    # go 1.5 times as fast (MuseScore's playback ignores a modulation without <sound>).
    measures = _read(_tempo_score(tmp_path / "modulation.musicxml", MODULATION.format("")))
    assert [t.qpm for t in measures.tempos] == [60.0, 90.0]
    assert _starts(measures) == pytest.approx([0.0, 4.0, 4 + 8 / 3, 4 + 16 / 3])


@needs_musescore
def test_a_modulation_with_a_sound_tempo_plays_that_tempo(tmp_path: Path) -> None:
    change = MODULATION.format('<sound tempo="90"/>')
    path = _tempo_score(tmp_path / "modulation.musicxml", change)
    assert_starts_match(_starts(_read(path)), bar_starts_ms(path))


def test_a_tempo_word_without_a_number_keeps_the_tempo_and_says_so(tmp_path: Path) -> None:
    words = metronome(0, sound=False, words="Allegro")
    measures = _read(_tempo_score(tmp_path / "words.musicxml", words, bar=3))
    assert [t.qpm for t in measures.tempos] == [60.0]  # not music21's 132, not 120
    assert measures.notes == (
        "bar 3: the tempo mark 'Allegro' gives no number; the tempo before it (♩ = 60) goes on",
    )


@pytest.fixture(scope="session")
def lower_part_tempo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tempo lives in the second part only, one change in the middle of a bar."""
    top = [('number="1"', FOUR_FOUR + WHOLE)] + [(f'number="{n}"', WHOLE) for n in (2, 3)]
    middle = note(2, "half") + metronome(120) + note(2, "half")
    bottom = [
        ('number="1"', FOUR_FOUR + metronome(60) + WHOLE),
        ('number="2"', middle),
        ('number="3"', WHOLE),
    ]
    return write_score(tmp_path_factory.mktemp("lower") / "lower.musicxml", top, bottom)


def test_a_tempo_in_any_part_counts_for_every_part(lower_part_tempo: Path) -> None:
    for part in (0, 1):
        assert _starts(_read(lower_part_tempo, part)) == [0.0, 4.0, 7.0]


@needs_musescore
def test_musescore_agrees_on_a_lower_parts_tempo(lower_part_tempo: Path) -> None:
    assert_starts_match(_starts(_read(lower_part_tempo)), bar_starts_ms(lower_part_tempo))


@pytest.fixture(scope="session")
def clashing_tempi(tmp_path_factory: pytest.TempPathFactory) -> Path:
    top = [
        ('number="1"', FOUR_FOUR + metronome(60) + WHOLE),
        ('number="2"', metronome(120) + WHOLE),
        ('number="3"', WHOLE),
    ]
    bottom = [('number="1"', FOUR_FOUR + WHOLE), ('number="2"', metronome(90) + WHOLE)]
    bottom.append(('number="3"', WHOLE))
    return write_score(tmp_path_factory.mktemp("clash") / "clash.musicxml", top, bottom)


def test_parts_whose_tempo_marks_disagree_are_named(clashing_tempi: Path) -> None:
    measures = _read(clashing_tempi, 0)
    assert _starts(measures) == pytest.approx([0.0, 4.0, 4 + 8 / 3])
    assert measures.notes == (
        "bar 2: tempo marks on the same beat disagree (♩ = 120, 90); playing the last, "
        "as MuseScore does",
    )


@needs_musescore
def test_musescore_plays_the_last_parts_tempo(clashing_tempi: Path) -> None:
    assert_starts_match(_starts(_read(clashing_tempi)), bar_starts_ms(clashing_tempi))


@pytest.mark.slow
@needs_musescore
def test_op133_starts_every_bar_when_musescore_does(tmp_path: Path) -> None:
    path = resolve_score(f"corpus:{FUGUE}")
    measures = _read(path)
    assert len(measures.measures) == 742
    assert_starts_match(
        _starts(measures), bar_starts_ms(written_order_copy(path, tmp_path / "f.xml"))
    )


# -- bar numbers ------------------------------------------------------------------------

NUMBERING = {
    "first bar written 0, not implicit": (["0", "1", "2", "3"], [], ["1", "2", "3", "4"]),
    "two bars written 1": (["1", "1", "2"], [], ["1", "2", "3"]),
    "suffixes and an implicit split bar": (
        ["0", "1", "2", "X1", "3", "3a", "4"],
        [0, 3],
        ["0", "1", "2", "2a", "3", "4", "5"],
    ),
}


def _numbered(path: Path, written: list[str], implicit: list[int]) -> Path:
    bars = []
    for index, number in enumerate(written):
        flag = ' implicit="yes"' if index in implicit else ""
        short = index in implicit  # an implicit bar here is a short one: a pickup, a split
        content = (FOUR_FOUR + metronome(60) if index == 0 else "") + (
            note(2, "half") if short else WHOLE
        )
        bars.append((f'number="{number}"{flag}', content))
    return write_score(path, bars)


@pytest.mark.parametrize("case", list(NUMBERING))
def test_bars_are_numbered_as_musescore_counts_them(tmp_path: Path, case: str) -> None:
    written, implicit, shown = NUMBERING[case]
    measures = _read(_numbered(tmp_path / "numbers.musicxml", written, implicit))
    assert [m.number for m in measures.measures] == shown


@needs_musescore
@pytest.mark.parametrize("case", list(NUMBERING))
def test_musescore_plays_the_numbered_bars_at_the_same_times(tmp_path: Path, case: str) -> None:
    written, implicit, _ = NUMBERING[case]
    path = _numbered(tmp_path / "numbers.musicxml", written, implicit)
    measures = _read(path)
    assert_starts_match(_starts(measures), bar_starts_ms(path))
    # MuseScore leaves out of its count exactly the bars choreo does not count.
    counted = [m.number.isdigit() and (m.number != "0") for m in measures.measures]
    assert uncounted_bars(path) == [not c for c in counted]


@needs_musescore
def test_a_multi_bar_rest_keeps_the_count(tmp_path: Path) -> None:
    rest = "<note><rest/><duration>4</duration></note>"
    style = (
        "<attributes><measure-style><multiple-rest>2</multiple-rest></measure-style></attributes>"
    )
    bars = [
        ('number="1"', FOUR_FOUR + metronome(60) + WHOLE),
        ('number="2"', style + rest),
        ('number="3"', rest),
        ('number="4"', WHOLE),
    ]
    path = write_score(tmp_path / "rests.musicxml", bars)
    measures = _read(path)
    assert [m.number for m in measures.measures] == ["1", "2", "3", "4"]
    assert_starts_match(_starts(measures), bar_starts_ms(path))


def test_uncounted_bars_get_names_a_scene_can_tell_apart() -> None:
    assert bar_numbers([True, True, False, False, True, False]) == ["0", "0a", "1", "2", "2a", "3"]
    many = bar_numbers([False] + [True] * 28)
    assert many[26:] == ["1z", "1aa", "1ab"] and len(set(many)) == len(many)
