"""MIDI files read exactly: bar starts equal mido's own tick-to-second sum, markers are marks.

Each file is written here with mido the way a DAW writes one: tempo changes wherever the
player put them (not on music21's grid), meter changes, markers and cue points.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import mido
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from choreo.errors import ScoreError
from choreo.score import load_measure_map
from choreo.store import read_scene
from choreo.sync import pull
from choreo.timing import ScoreMark
from tests.midi_files import bar_seconds, write_midi
from tests.run_cli import assert_one_line_error, choreo

METERS = ["4/4", "3/4", "7/8", "6/8", "5/4", "2/2", "12/8", "4/4"]


def _rubato(bars: int) -> list[tuple[int, float]]:
    """A tempo played in by hand: a change every 343 ticks, wherever it falls in the beat."""
    chance = random.Random(bars)
    return [(tick, round(chance.uniform(60, 140), 3)) for tick in range(0, bars * 1920, 343)]


def _score_json(path: Path, *options: str) -> dict[str, Any]:
    """``choreo score PATH --format json``, the real command line."""
    result = choreo("score", path, "--format", "json", *options)
    assert result.returncode == 0, result.stderr
    found: dict[str, Any] = json.loads(result.stdout)
    return found


def _starts(found: dict[str, Any]) -> list[float]:
    return [float(m["start_seconds"]) for m in found["measures"]]


def test_a_tempo_played_in_by_hand_keeps_every_bar_to_the_millisecond(tmp_path: Path) -> None:
    path = tmp_path / "rubato.mid"
    ticks = write_midi(path, ["4/4"] * 24, tempos=_rubato(24))
    expected = bar_seconds(path, ticks)

    found = _score_json(path)

    assert _starts(found) == pytest.approx(expected, abs=1e-3)
    assert len(found["measures"]) == 24
    performed = _score_json(path, "--performed")  # no repeats in MIDI: the same seconds
    assert _starts(performed) == pytest.approx(expected, abs=1e-3)


def test_a_ritardando_in_fine_steps_through_meter_changes(tmp_path: Path) -> None:
    path = tmp_path / "ritardando.mid"
    steps = [(tick, 140 - tick / 400) for tick in range(0, 40_000, 77)]
    ticks = write_midi(path, METERS * 2, tempos=steps, ticks_per_beat=960)

    found = _score_json(path)

    assert _starts(found) == pytest.approx(bar_seconds(path, ticks), abs=1e-3)
    rows = [(m["number"], m["time_signature"], m["beats"]) for m in found["measures"]][:8]
    assert rows == [
        ("1", "4/4", 4),
        ("2", "3/4", 3),
        ("3", "7/8", 7),
        ("4", "6/8", 2),  # two dotted-quarter beats, as music21 and musicians count
        ("5", "5/4", 5),
        ("6", "2/2", 2),
        ("7", "12/8", 4),
        ("8", "4/4", 4),
    ]


def test_type_0_and_type_1_files_read_alike(tmp_path: Path) -> None:
    tempos = _rubato(6)
    one = write_midi(tmp_path / "one.mid", ["5/8"] * 6, tempos=tempos, single_track=True)
    several = write_midi(tmp_path / "several.mid", ["5/8"] * 6, tempos=tempos)
    assert one == several

    first = load_measure_map(str(tmp_path / "one.mid"), use_cache=False)
    second = load_measure_map(str(tmp_path / "several.mid"), use_cache=False)

    assert first.measures == second.measures and first.tempos == second.tempos
    expected = bar_seconds(tmp_path / "one.mid", one)
    assert [m.start_seconds for m in first.measures] == pytest.approx(expected, abs=1e-6)


def test_markers_and_cue_points_are_rehearsal_marks(tmp_path: Path) -> None:
    path = tmp_path / "hits.mid"
    markers = [(0, "A"), (4 * 1920 + 240, "B"), (9 * 1920 + 1000, "Schlag über")]
    write_midi(path, ["4/4"] * 12, markers=markers, cues=[(6 * 1920 + 960, "Punch")])

    found = load_measure_map(str(path), use_cache=False)

    assert found.marks == (
        ScoreMark("A", "1", 1.0),
        ScoreMark("B", "5", 1.5),  # 240 ticks: the and of one
        ScoreMark("Punch", "7", 3.0),
        ScoreMark("Schlag über", "10", 3.083333),  # UTF-8, as a DAW writes it
    )


def test_a_tempo_map_without_notes_is_a_score_too(tmp_path: Path) -> None:
    """A composer's hit-point file: tempo, meter and markers, no notes."""
    track = mido.MidiTrack(
        [
            mido.MetaMessage("time_signature", numerator=3, denominator=4),
            mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(90)),
            mido.MetaMessage("marker", text="Door", time=1440 * 2),
            mido.MetaMessage("marker", text="Shot", time=1440 * 3 + 480),
        ]
    )
    path = tmp_path / "tempo-map.mid"
    mido.MidiFile(tracks=[track]).save(path)

    found = load_measure_map(str(path), use_cache=False)

    assert found.parts == ()
    assert [m.number for m in found.measures] == ["1", "2", "3", "4", "5", "6"]
    assert found.marks == (ScoreMark("Door", "3", 1.0), ScoreMark("Shot", "6", 2.0))
    assert found.measures[5].start_seconds == pytest.approx(10.0)  # 5 bars of 3 at 90


def test_a_meter_changing_inside_a_bar_cuts_it_short_and_says_so(tmp_path: Path) -> None:
    path = tmp_path / "cut.mid"
    write_midi(path, ["4/4"] * 4)
    song = mido.MidiFile(path)
    meter = mido.MetaMessage("time_signature", numerator=3, denominator=4, time=1920 + 960)
    song.tracks[0].insert(-1, meter)  # the conductor track: its name, 4/4, then this
    song.save(path)

    found = load_measure_map(str(path), use_cache=False)

    assert [(m.number, m.time_signature, m.quarter_length) for m in found.measures][:3] == [
        ("1", "4/4", 4.0),
        ("2", "4/4", 2.0),
        ("3", "3/4", 3.0),
    ]
    assert found.notes == ("measure 2 is cut short: 3/4 starts inside it",)


def test_a_midi_file_timed_in_smpte_frames_is_refused_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "frames.mid"
    write_midi(path, ["4/4"] * 2)
    data = bytearray(path.read_bytes())
    data[12:14] = (0xE7, 0x28)  # division: -25 frames a second, 40 ticks a frame
    path.write_bytes(bytes(data))

    assert_one_line_error(choreo("score", path), str(path))


def test_a_type_2_midi_file_is_refused_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "songs.mid"
    write_midi(path, ["4/4"] * 2)
    song = mido.MidiFile(path)
    song.type = 2
    song.save(path)

    assert_one_line_error(choreo("score", path), str(path), "type 2", "types 0 and 1")


DAMAGE = st.lists(st.tuples(st.integers(14, 10_000), st.integers(0, 255)), min_size=1, max_size=8)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(damage=DAMAGE, cut=st.one_of(st.none(), st.integers(14, 10_000)))
def test_a_damaged_midi_file_is_read_or_refused_never_a_traceback(
    tmp_path: Path, damage: list[tuple[int, int]], cut: int | None
) -> None:
    path = tmp_path / "damaged.mid"
    write_midi(
        path, ["4/4", "3/4", "7/8"] * 2, tempos=[(0, 100.0), (777, 90.0)], markers=[(9, "A")]
    )
    data = bytearray(path.read_bytes())
    for where, byte in damage:
        data[where % len(data)] = byte
    path.write_bytes(bytes(data[:cut]))
    try:
        load_measure_map(str(path), use_cache=False)
    except ScoreError as error:
        assert "\n" not in str(error)


def test_the_cache_keeps_the_exact_map(tmp_path: Path) -> None:
    path = tmp_path / "rubato.mid"
    write_midi(path, ["4/4"] * 6, tempos=_rubato(6), markers=[(1920, "A")])
    fresh = load_measure_map(str(path), use_cache=False)
    load_measure_map(str(path))  # stores it
    assert load_measure_map(str(path)) == fresh


def test_a_missing_part_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "duo.mid"
    write_midi(path, ["4/4"] * 2, parts=("Brass", "Strings"))
    assert load_measure_map(str(path), part="strings", use_cache=False).part == 1
    with pytest.raises(ScoreError, match="no part 'oboe'; its parts are: 0 Brass, 1 Strings"):
        load_measure_map(str(path), part="oboe", use_cache=False)


# -- sync from a MIDI file's markers ----------------------------------------------------

SCENE = """\
schema: 1
id: hits
title: Hits from the composer's MIDI
score:
  file: ../scores/hits.mid
beats:
  - id: b01
    at: "1:1"
    ballet: balancé
"""


def _project(tmp_path: Path) -> Path:
    (tmp_path / "scenes").mkdir()
    (tmp_path / "scores").mkdir()
    scene = tmp_path / "scenes" / "hits.yaml"
    scene.write_text(SCENE, encoding="utf-8")
    return scene


def test_sync_pull_makes_a_beat_at_each_marker(tmp_path: Path) -> None:
    scene = _project(tmp_path)
    markers = [(0, "A"), (4 * 1920 + 240, "B")]
    write_midi(
        tmp_path / "scores" / "hits.mid",
        ["4/4"] * 8,
        tempos=_rubato(8),
        markers=markers,
        cues=[(6 * 1920 + 960, "Punch")],
    )

    result = choreo("sync", scene, "--pull")

    assert result.returncode == 0, result.stderr
    beats = read_scene(scene).scene.beats
    assert [(b.id, str(b.at), b.cue and str(b.cue)) for b in beats] == [
        ("b01", "1:1", None),  # already on mark A's place
        ("mark-B", "5:1.5", "rehearsal B"),
        ("mark-Punch", "7:3", "rehearsal Punch"),
    ]
    assert pull(read_scene(scene)).added == ()  # pulling again adds nothing


def test_sync_rebase_follows_a_marker_that_moved(tmp_path: Path) -> None:
    scene = _project(tmp_path)
    score = tmp_path / "scores" / "hits.mid"
    write_midi(score, ["4/4"] * 8, markers=[(4 * 1920, "B")])
    text = SCENE + '  - id: b02\n    at: "6:3"\n    combat: jab\n'
    record = '  synced:\n    hash: "{}"\n    measures: 8\n    duration_seconds: 16\n'
    record += '    anchors:\n      b02: "6:3 = B+1:3"\n'
    text = text.replace("beats:\n", record.format("0" * 64) + "beats:\n")
    scene.write_text(text, encoding="utf-8")
    write_midi(score, ["4/4"] * 10, markers=[(6 * 1920, "B")])  # two bars added before B

    result = choreo("sync", scene, "--rebase")

    assert result.returncode == 0, result.stderr
    assert [str(b.at) for b in read_scene(scene).scene.beats] == ["1:1", "8:3"]
