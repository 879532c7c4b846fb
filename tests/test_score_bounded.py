"""No score read runs unbounded: music21 reads in a child process with a time and a memory
bound, its answer is checked like a cache entry, and absurd meters are refused up front."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from choreo.errors import ScoreError
from choreo.score import bounded, load_measure_map
from tests.run_cli import assert_one_line_error, choreo

SCORES = Path(__file__).resolve().parent.parent / "scores"
WALTZ = SCORES / "studio-waltz.musicxml"


def _with_meter(folder: Path, beats: str, beat_type: str, bar: int = 1) -> Path:
    """The waltz with bar ``bar``'s time signature replaced (bar 1 has one)."""
    text = WALTZ.read_text(encoding="utf-8")
    meter = f"<time><beats>{beats}</beats><beat-type>{beat_type}</beat-type></time>"
    changed = re.sub(r"<time>.*?</time>", meter, text, count=1, flags=re.S)
    assert changed != text
    path = folder / f"meter-{beats.replace('+', '-')}-{beat_type}.musicxml"
    path.write_text(changed, encoding="utf-8")
    return path


def test_a_read_past_the_time_bound_is_stopped_and_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """Op. 132 takes music21 several processor seconds; two are not enough."""
    monkeypatch.setenv("CHOREO_PARSE_SECONDS", "2")
    result = choreo("score", "corpus:beethoven/opus132")
    assert_one_line_error(result, "took more than 2 s; refused", "CHOREO_PARSE_SECONDS")


def test_a_read_past_the_memory_bound_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHOREO_PARSE_MB", "40")  # music21 alone needs more than this
    result = choreo("score", WALTZ)
    assert_one_line_error(result, "more than 40 MB of memory; refused", "CHOREO_PARSE_MB")


@pytest.mark.parametrize("name", ["CHOREO_PARSE_SECONDS", "CHOREO_PARSE_MB"])
@pytest.mark.parametrize("value", ["nan", "inf", "-1", "lots"])
def test_a_bound_that_is_no_number_is_one_line(
    name: str, value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ScoreError, match=f"{name} is '{value}', not a number"):
        load_measure_map(str(WALTZ), use_cache=False)


def test_the_time_bound_grows_with_the_document(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CHOREO_PARSE_SECONDS", raising=False)
    opus132 = bounded.time_bound(_corpus("beethoven/opus132"))  # 10 MB of MusicXML zipped
    assert bounded.BASE_SECONDS < bounded.time_bound(WALTZ) < opus132
    assert opus132 > bounded.BASE_SECONDS + 10 * bounded.SECONDS_PER_MB
    monkeypatch.setenv("CHOREO_PARSE_SECONDS", "7")
    assert bounded.time_bound(WALTZ) == 7


def _corpus(name: str) -> Path:
    from choreo.score import resolve_score

    return resolve_score(f"corpus:{name}", None)


def test_a_bounded_read_is_the_read_in_process() -> None:
    from choreo.score.load import performed_order, read_file

    written, signs = read_file(WALTZ, "musicxml", source=str(WALTZ))
    found, played = bounded.read_bounded(
        WALTZ, "musicxml", part=0, default_tempo=120.0, source=str(WALTZ), performed=True
    )
    assert found == written
    assert played == performed_order(written, signs, WALTZ)


def test_an_answer_that_does_not_add_up_is_refused() -> None:
    """The child's answer is data: a map whose seconds disagree with its tempi is refused,
    as a planted cache entry would be."""
    from choreo.score.load import read_file

    written, _ = read_file(WALTZ, "musicxml")
    data = written.to_dict()
    data["measures"][3]["seconds"] += 1.0
    answer = json.dumps({"written": data}).encode()
    with pytest.raises(ScoreError, match="bars choreo cannot use"):
        bounded._answered(answer, 0, WALTZ, 2048)
    with pytest.raises(ScoreError, match="memory"):
        bounded._answered(b"", -9, WALTZ, 2048)  # killed by the kernel
    with pytest.raises(ScoreError, match=r"no answer \(exit 1: SystemError: boom\)"):
        bounded._answered(b"", 1, WALTZ, 2048, b"Traceback\nSystemError: boom\n")


def test_music21_warnings_never_reach_stderr(tmp_path: Path) -> None:
    """An overfull bar makes music21 warn; choreo prints the map and nothing else."""
    text = WALTZ.read_text(encoding="utf-8")
    overfull = text.replace(
        "</measure>", "<note><rest/><duration>99</duration></note></measure>", 1
    )
    assert overfull != text
    path = tmp_path / "overfull.musicxml"
    path.write_text(overfull, encoding="utf-8")
    result = choreo("score", path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def test_a_meter_no_music_has_is_refused_naming_the_bar(tmp_path: Path) -> None:
    result = choreo("score", _with_meter(tmp_path, "1000", "1"))
    assert_one_line_error(result, "measure 1 has the time signature 1000/1", "refused")
    assert re.search(r"meter-1000-1\.musicxml:\d+: ", result.stderr)
    with pytest.raises(ScoreError, match="3/0"):
        load_measure_map(str(_with_meter(tmp_path, "3", "0")), use_cache=False)


@pytest.mark.parametrize(
    ("beats", "beat_type", "shown"),
    [("3+2", "8", "3/8+2/8"), ("25", "16", "25/16"), ("3", "10", "3/10"), ("64", "4", "64/4")],
)
def test_additive_odd_and_irrational_meters_still_read(
    beats: str, beat_type: str, shown: str, tmp_path: Path
) -> None:
    measures = load_measure_map(str(_with_meter(tmp_path, beats, beat_type)), use_cache=False)
    assert measures.measures[0].time_signature == shown


def test_an_abc_tune_with_an_absurd_meter_is_refused_naming_the_line(tmp_path: Path) -> None:
    path = tmp_path / "tune.abc"
    path.write_text("X:1\nT:t\nM:4/4\nL:1/4\nK:C\nCDEF|[M:1000/1]G|\n", encoding="utf-8")
    result = choreo("score", path)
    assert_one_line_error(result, "tune.abc:6: the tune has the time signature 1000/1")


@pytest.mark.parametrize(
    ("unit", "music"),
    [
        ("1/8", "G F65536|"),  # a note: music21 would give the bar a 65538/8 meter of its own
        ("1000/8", "G d2|"),
        ("1/8", "CDEF GABc " * 150 + "|"),  # a thousand bars' worth without a bar line
    ],
)
def test_a_bar_longer_than_any_meter_is_refused(tmp_path: Path, unit: str, music: str) -> None:
    path = tmp_path / "tune.abc"
    path.write_text(f"X:1\nT:t\nM:4/4\nL:{unit}\nK:C\nCDEF|{music}\n", encoding="utf-8")
    result = choreo("score", path)
    assert_one_line_error(result, "tune.abc: a bar runs", "past its time signature", "refused")


@pytest.mark.parametrize(
    ("meter", "reason"),
    [
        # music21 reads every digit: 1e-300/4 would be 1300/4.
        ("1e-300/4", "the meter M:1e-300/4 is not a meter choreo reads"),
        ("9" * 5000 + "/4", "the tune has the time signature 99"),
        ("(64+64+1)/4", "the tune has the time signature (64+64+1)/4"),
    ],
)
def test_an_abc_meter_is_judged_as_choreo_reads_it(tmp_path: Path, meter: str, reason: str) -> None:
    path = tmp_path / "tune.abc"
    path.write_text(f"X:1\nT:t\nM:4/4\nL:1/8\nK:C\nCDEF|\n[M:{meter}]G|\n", encoding="utf-8")
    result = choreo("score", path)
    assert_one_line_error(result, f"tune.abc:7: {reason}")


def test_a_long_abc_tune_reads_within_the_bound(tmp_path: Path) -> None:
    # music21 beams every ABC part it reads, in time quadratic in the tune's length: 1,200
    # bars took minutes and were refused. choreo reads time, not beams.
    bars = "|:DFAF dFAF|GBdB AFEF|DFAF dfed|1 cdec d2z2:|2 cdec d4||\n" * 240
    path = tmp_path / "long.abc"
    path.write_text(f"X:1\nT:long reel\nM:4/4\nL:1/8\nK:D\n{bars}", encoding="utf-8")
    measures = load_measure_map(str(path), use_cache=False)
    assert len(measures.measures) == 5 * 240


@pytest.mark.parametrize("part", ["9" * 5000, "99999999999999999999", "-1"])
def test_a_part_no_score_has_is_one_line(part: str) -> None:
    assert_one_line_error(choreo("score", WALTZ, "--part", part), "has no part")
