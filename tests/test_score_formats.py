"""Every supported format reads into a measure map that agrees with music21."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from choreo.errors import ScoreError
from choreo.score import load_measure_map, resolve_score, score_hash
from choreo.score.files import score_format
from choreo.score.reader import parse_score, read_measure_map
from tests.score_fixtures import music21_measure_seconds

SCORES = Path(__file__).resolve().parent.parent / "scores"

TWO_TUNES = """\
X:1
T:The Opera House Reel
M:4/4
L:1/8
Q:1/4=150
K:D
A2|d2fd A2FA|d2fd e2ce|d2fd A2FA|BAGF E2D2|]

X:2
T:The Second Tune
M:6/8
L:1/8
K:G
GAB c2d|e2d c2B|]
"""


def _agrees_with_music21(path: Path, score_kind: str) -> None:
    read = parse_score(path, score_kind)
    measures = read_measure_map(read)[0]
    expected = music21_measure_seconds(read, 0)
    assert [m.start_seconds for m in measures.measures] == pytest.approx(expected, abs=1e-3)


def test_musicxml_and_xml(tmp_path: Path) -> None:
    copy = tmp_path / "waltz.xml"
    shutil.copyfile(SCORES / "studio-waltz.musicxml", copy)
    first = load_measure_map(str(SCORES / "studio-waltz.musicxml"), use_cache=False)
    second = load_measure_map(str(copy), use_cache=False)
    assert first.measures == second.measures and len(first.measures) == 32
    _agrees_with_music21(copy, "musicxml")


def test_compressed_mxl_and_corpus_reference() -> None:
    path = resolve_score("corpus:joplin/maple_leaf_rag")
    assert path.suffix == ".mxl" and path.is_file()
    by_path = load_measure_map(str(path), use_cache=False)
    by_name = load_measure_map("corpus:joplin/maple_leaf_rag", use_cache=False)
    assert by_path.measures == by_name.measures
    assert by_name.source == "corpus:joplin/maple_leaf_rag"


def test_unknown_corpus_work() -> None:
    with pytest.raises(ScoreError, match="music21's corpus has no work 'nobody/nothing'"):
        resolve_score("corpus:nobody/nothing")


def test_midi_with_tempo_changes(tmp_path: Path) -> None:
    from music21 import meter, note, stream, tempo

    part = stream.Part()
    part.append(meter.TimeSignature("3/4"))
    part.append(tempo.MetronomeMark(number=90))
    for _ in range(12):
        part.append(note.Note("D4", quarterLength=1.0))
    part.insert(6.0, tempo.MetronomeMark(number=180))
    score = stream.Score()
    score.insert(0, part.makeMeasures())
    path = tmp_path / "click.mid"
    score.write("midi", fp=path)
    measures = load_measure_map(str(path), use_cache=False)
    assert [m.number for m in measures.measures] == ["1", "2", "3", "4"]
    assert [m.time_signature for m in measures.measures] == ["3/4"] * 4
    # A MIDI tempo is whole microseconds a quarter: 180 is written as 333,333 µs.
    assert [t.qpm for t in measures.tempos] == pytest.approx([90, 180], abs=1e-3)
    assert [m.seconds for m in measures.measures] == pytest.approx([2.0, 2.0, 1.0, 1.0], abs=1e-5)
    _agrees_with_music21(path, "midi")


def test_abc_book_follows_the_first_tune_and_says_so(tmp_path: Path) -> None:
    path = tmp_path / "reels.abc"
    path.write_text(TWO_TUNES)
    measures = load_measure_map(str(path), use_cache=False)
    assert measures.notes == ("the ABC file holds 2 tunes; following the first (X:1)",)
    assert measures.measures[0].time_signature == "4/4"
    assert measures.measures[0].first_beat == pytest.approx(4.0)  # the A2 pickup
    assert measures.tempos[0].qpm == pytest.approx(150)
    assert len(measures.measures) == 5


def test_abc_tune_without_measures_is_barred_by_its_meter(tmp_path: Path) -> None:
    path = tmp_path / "one.abc"
    path.write_text(TWO_TUNES.split("\n\n")[1])
    measures = load_measure_map(str(path), use_cache=False)
    assert measures.notes == ("the part has no measures of its own; barred by its time signature",)
    assert [(m.number, m.time_signature, m.beat_count) for m in measures.measures] == [
        ("1", "6/8", 2),
        ("2", "6/8", 2),
    ]
    assert measures.duration_seconds == pytest.approx(3.0)  # 6 quarters at 120


def test_humdrum_kern() -> None:
    path = resolve_score("corpus:chopin/mazurka06-2.krn")
    assert score_format(path) == "humdrum"
    measures = load_measure_map(str(path), use_cache=False)
    assert measures.measures[0].time_signature == "3/4"
    assert measures.tempos[0].qpm == pytest.approx(189)
    _agrees_with_music21(path, "humdrum")


def test_score_hash_is_sha256_of_the_bytes(tmp_path: Path) -> None:
    import hashlib

    path = SCORES / "corridor.musicxml"
    assert score_hash(path) == hashlib.sha256(path.read_bytes()).hexdigest()
