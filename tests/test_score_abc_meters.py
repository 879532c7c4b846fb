"""ABC meters read as the tune means them, through ``choreo score``: an additive meter
times its bars as the same meter in MusicXML does (and as MuseScore plays that), and a
meter choreo cannot count beats by is one error line naming the ``M:`` field's line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.musescore import bar_starts_ms, needs_musescore
from tests.run_cli import assert_one_line_error, choreo

# Three bars of five eighths (the last two a 2+3 grouping written out), at 120 a quarter.
BARS_OF_FIVE = "CD EFG | AB cde | CD EFG |]"
# The same music with no L: field, in the sixteenths the meter's default length gives.
BARS_OF_FIVE_IN_SIXTEENTHS = "C2D2 E2F2G2 | A2B2 c2d2e2 | C2D2 E2F2G2 |]"


def abc(path: Path, meter: str, music: str = BARS_OF_FIVE, *, length: str = "L:1/8\n") -> Path:
    path.write_text(f"X:1\nT:t\nM:{meter}\n{length}Q:1/4=120\nK:C\n{music}\n", encoding="utf-8")
    return path


def musicxml(
    path: Path, beats: str, beat_type: int, eighths: list[int], *, pickup: bool = False
) -> Path:
    """One part, one bar of ``n`` eighth notes per entry, the meter ``beats/beat_type``,
    a metronome mark of 120 a quarter on the first bar (an implicit bar 0 if ``pickup``)."""
    eighth = "<note><pitch><step>C</step><octave>5</octave></pitch><duration>1</duration><type>eighth</type></note>"  # noqa: E501
    attributes = (
        f"<attributes><divisions>2</divisions><time><beats>{beats}</beats>"
        f"<beat-type>{beat_type}</beat-type></time></attributes>"
        '<direction placement="above"><direction-type><metronome><beat-unit>quarter</beat-unit>'
        '<per-minute>120</per-minute></metronome></direction-type><sound tempo="120"/></direction>'
    )
    first = 0 if pickup else 1
    implicit = ' implicit="yes"'
    bars = "".join(
        f'<measure number="{number}"{implicit if number == 0 else ""}>'
        f"{attributes if number == first else ''}{eighth * count}</measure>"
        for number, count in enumerate(eighths, start=first)
    )
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<score-partwise version="3.1"><part-list>'
        '<score-part id="P1"><part-name>Part 1</part-name></score-part></part-list>'
        f'<part id="P1">{bars}</part></score-partwise>\n',
        encoding="utf-8",
    )
    return path


def measure_map(score: Path | str) -> list[dict[str, Any]]:
    result = choreo("score", score, "--format", "json")
    assert result.returncode == 0, result.stderr
    measures: list[dict[str, Any]] = json.loads(result.stdout)["measures"]
    return measures


def timing(measures: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    keys = ("number", "time_signature", "quarter_length", "start_seconds", "seconds", "beats")
    return [(*(m[key] for key in keys), round(m["first_beat"], 6)) for m in measures]


@pytest.mark.parametrize(
    ("meter", "music", "length", "beats", "beat_type"),
    [
        ("(2+3)/8", BARS_OF_FIVE, "L:1/8\n", "2+3", 8),
        ("2+3/8", BARS_OF_FIVE, "L:1/8\n", "2+3", 8),
        ("( 3 + 2 )/8", BARS_OF_FIVE, "L:1/8\n", "3+2", 8),
        # No L:: the default note length follows the meter, 5/8 (a sixteenth), not 23/8.
        ("(2+3)/8", BARS_OF_FIVE_IN_SIXTEENTHS, "", "2+3", 8),
    ],
)
def test_an_additive_abc_meter_times_its_bars_as_musicxml_does(
    tmp_path: Path, meter: str, music: str, length: str, beats: str, beat_type: int
) -> None:
    tune = measure_map(abc(tmp_path / "tune.abc", meter, music, length=length))
    same = measure_map(musicxml(tmp_path / "tune.musicxml", beats, beat_type, [5, 5, 5]))
    assert timing(tune) == timing(same)
    assert [m["time_signature"] for m in tune] == [f"{beats.replace('+', '/8+')}/8"] * 3
    assert [m["start_seconds"] for m in tune] == pytest.approx([0.0, 1.25, 2.5])


def test_a_seven_eighths_meter_makes_the_short_first_bar_a_pickup(tmp_path: Path) -> None:
    tune = measure_map(abc(tmp_path / "tune.abc", "(3+2+2)/8", "CD | EFG AB cd | dcB AG FE |]"))
    same = measure_map(musicxml(tmp_path / "tune.musicxml", "3+2+2", 8, [2, 7, 7], pickup=True))
    assert timing(tune) == timing(same)
    assert [(m["number"], m["quarter_length"]) for m in tune] == [("0", 1), ("1", 3.5), ("2", 3.5)]
    assert tune[0]["first_beat"] == pytest.approx(6)  # the pickup is the bar's last two


@needs_musescore
def test_the_additive_tunes_seconds_are_musescores(tmp_path: Path) -> None:
    tune = measure_map(abc(tmp_path / "tune.abc", "(2+3)/8"))
    played = bar_starts_ms(musicxml(tmp_path / "tune.musicxml", "2+3", 8, [5, 5, 5]))
    assert [round(m["start_seconds"] * 1000) for m in tune] == played


@pytest.mark.parametrize(("meter", "shown"), [("C", "4/4"), ("C|", "2/2"), ("FREI4/4", "4/4")])
def test_symbols_and_a_word_before_the_figures_read_as_music21_reads_them(
    tmp_path: Path, meter: str, shown: str
) -> None:
    tune = measure_map(abc(tmp_path / "tune.abc", meter, "CDEF GABc | cdef gabc |]"))
    assert [m["time_signature"] for m in tune] == [shown] * 2


def test_a_full_first_bar_is_bar_1_and_a_short_one_a_pickup(tmp_path: Path) -> None:
    # music21 numbers a full first bar of an ABC tune 0, like a pickup.
    full = measure_map(abc(tmp_path / "full.abc", "4/4", "CDEF GABc | cdef gabc | CDEF GABc |]"))
    assert [(m["number"], m["first_beat"]) for m in full] == [("1", 1), ("2", 1), ("3", 1)]
    short = measure_map(abc(tmp_path / "short.abc", "4/4", "GA | CDEF GABc | cdef gabc |]"))
    assert [(m["number"], m["first_beat"]) for m in short] == [("0", 4), ("1", 1), ("2", 1)]


@pytest.mark.parametrize(
    ("meter", "reason"),
    [
        ("none", "the meter M:none is free meter"),
        ("3/4+2/8", "the meter M:3/4+2/8 is not a meter choreo reads"),
        ("2/4 3/4", "the meter M:2/4 3/4 is not a meter choreo reads"),
        ("", "the meter M: is not a meter choreo reads"),
        ("c", "the meter M:c is not a meter choreo reads"),
    ],
)
def test_a_meter_choreo_cannot_count_beats_by_is_refused_naming_its_line(
    tmp_path: Path, meter: str, reason: str
) -> None:
    path = abc(tmp_path / "tune.abc", "4/4", f"CDEF GABc |\n[M:{meter}] cdef gabc |]")
    assert_one_line_error(choreo("score", path), f"tune.abc:8: {reason}")


def test_a_corpus_tune_in_free_meter_is_refused_and_a_later_one_is_not_followed() -> None:
    # The Essen collection in music21's corpus writes ``M: none`` for its free-metre songs.
    assert_one_line_error(
        choreo("score", "corpus:essenFolksong/ballad10.abc"),
        "error: corpus:essenFolksong/ballad10.abc:9: the meter M:none is free meter",
    )
    # zuccal0's first tune is in 4/4; its 217th, in free meter, is not the one followed.
    measures = measure_map("corpus:essenFolksong/zuccal0.abc")
    assert {m["time_signature"] for m in measures} == {"4/4"}
