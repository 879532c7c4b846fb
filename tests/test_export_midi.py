"""The MIDI click track, read back with mido: markers at the beats' seconds, clicks, tempo."""

from __future__ import annotations

import io
import itertools
from pathlib import Path
from typing import Any

import mido
import pytest

from choreo.errors import ChoreoError
from choreo.export import export_scenes
from choreo.placement import PlacedBeat, place_beats
from choreo.scene_score import measures_for, measures_of
from choreo.store import SceneFile, read_scene
from choreo.timing import steady_grid
from tests.measure_maps import score_with_meter_and_tempo_changes
from tests.scene_texts import write_scene

SCENE = """\
schema: 1
id: opera-house
title: The grand stage
cast:
  - id: eve
    name: Eve
  - id: guard1
    name: Guard 1
beats:
  - id: b01
    at: "0:4"
    ballet: préparation
    performers: [eve]
  - id: b02
    at: "1:1"
    ballet: grand jeté
    combat: flying kick
    performers: [eve, guard1]
  - id: b03
    at: "5:2"
    ballet: "fouetté\\nen tournant"
    combat: knife slash
    performers: [guard1]
  - id: b04
    at: "9:2.5"
    performers: [guard1]
  - id: b05
    at: "40:1"
    combat: block
    performers: [eve]
"""


MEASURES = score_with_meter_and_tempo_changes()


@pytest.fixture
def scene_file(tmp_path: Path) -> SceneFile:
    return read_scene(write_scene(tmp_path, SCENE, name="opera-house.yaml"))


def read_back(data: bytes) -> mido.MidiFile:
    return mido.MidiFile(file=io.BytesIO(data), charset="utf-8")


def timed(song: mido.MidiFile) -> list[tuple[float, Any]]:
    """Every message with its time in seconds, as a player computes it from the tempo map."""
    now = 0.0
    events = []
    for message in song:  # mido merges the tracks and turns ticks into seconds
        now += message.time
        events.append((now, message))
    return events


@pytest.mark.parametrize("speed", [1.0, 0.5, 0.25])
def test_markers_sit_at_the_beats_seconds(scene_file: SceneFile, speed: float) -> None:
    data = export_scenes([scene_file], format="midi", speed=speed, measures=lambda _: MEASURES)
    song = read_back(data)
    assert (song.type, song.ticks_per_beat, len(song.tracks)) == (1, 480, 2)
    markers = [(t, m.text) for t, m in timed(song) if m.type == "marker"]
    placed = [
        p for p in place_beats(scene_file.scene, MEASURES, speed=speed) if isinstance(p, PlacedBeat)
    ]
    assert [text for _, text in markers] == [
        "b01 préparation",
        "b02 grand jeté / flying kick",
        "b03 fouetté en tournant / knife slash",
        "b04",
    ]  # b05 is past the score's end: no marker
    for (seconds, _), spot in zip(markers, placed, strict=True):
        assert seconds == pytest.approx(spot.start_seconds, abs=0.002)
    assert markers[2][0] == pytest.approx((17 * 60 / 96 + 1.5 * 60 / 72) / speed, abs=0.002)


def test_a_click_on_every_beat_with_accented_downbeats(scene_file: SceneFile) -> None:
    song = read_back(export_scenes([scene_file], format="midi", measures=lambda _: MEASURES))
    events = timed(song)
    clicks = [(t, m) for t, m in events if m.type == "note_on" and m.velocity > 0]
    # pickup 1 + four 4/4 bars 16 + four 6/8 bars 8 + two 3/4 bars 6
    assert len(clicks) == 31
    assert all(m.channel == 9 for _, m in clicks)  # channel 10, GM percussion
    accented = [m for _, m in clicks if (m.note, m.velocity) == (76, 120)]
    plain = [m for _, m in clicks if (m.note, m.velocity) == (77, 80)]
    assert (len(accented), len(plain)) == (10, 21)
    assert (clicks[0][1].note, clicks[1][1].note) == (77, 76)  # the pickup is not a downbeat
    # Clicks in 6/8 are a dotted quarter apart at 72: 1.25 s.
    six_eight = [t for t, _ in clicks[17:25]]
    assert [b - a for a, b in itertools.pairwise(six_eight)] == pytest.approx([1.25] * 7)
    offs = [
        m for _, m in events if m.type == "note_off" or (m.type == "note_on" and not m.velocity)
    ]
    assert len(offs) == 31


def test_tempo_and_meter_changes(scene_file: SceneFile) -> None:
    for speed in (1.0, 0.5):
        data = export_scenes([scene_file], format="midi", speed=speed, measures=lambda _: MEASURES)
        conductor = read_back(data).tracks[0]
        tempos = [m.tempo for m in conductor if m.type == "set_tempo"]
        assert tempos == [mido.bpm2tempo(qpm * speed) for qpm in (96, 72, 140)]
        meters = [(m.numerator, m.denominator) for m in conductor if m.type == "time_signature"]
        assert meters == [(4, 4), (6, 8), (3, 4)]
    assert mido.tempo2bpm(tempos[0]) == pytest.approx(48)  # half speed: 96 becomes 48


def test_a_scene_without_a_score_clicks_its_steady_grid(scene_file: SceneFile) -> None:
    song = read_back(
        export_scenes([scene_file], format="midi", measures=lambda _: steady_grid(120, 4))
    )
    clicks = [m for m in song.tracks[1] if m.type == "note_on" and m.velocity > 0]
    assert len(clicks) == 16
    assert song.length == pytest.approx(8.0, abs=0.01)


def test_midi_takes_one_scene(scene_file: SceneFile) -> None:
    with pytest.raises(ChoreoError, match="MIDI export takes one scene"):
        export_scenes([scene_file, scene_file], format="midi", measures=measures_of)


# -- real scores: the demo's own and music21's corpus ---------------------------------

ROOT = Path(__file__).resolve().parent.parent


def markers_match_the_placement(scene_file: SceneFile, speed: float) -> list[Any]:
    """Export, read back, and check every marker against the placement; the messages."""
    song = read_back(export_scenes([scene_file], format="midi", speed=speed, measures=measures_of))
    measures = measures_for(scene_file.scene, scene_file.path)
    placed = [
        p for p in place_beats(scene_file.scene, measures, speed=speed) if isinstance(p, PlacedBeat)
    ]
    events = timed(song)
    markers = [(t, m.text) for t, m in events if m.type == "marker"]
    expected = sorted(placed, key=lambda p: p.start_seconds)
    assert [text.split()[0] for _, text in markers] == [p.beat.id for p in expected]
    for (seconds, _), spot in zip(markers, expected, strict=True):
        assert seconds == pytest.approx(spot.start_seconds, abs=0.002)
    tempos = [m.tempo for _, m in events if m.type == "set_tempo"]
    assert tempos == [mido.bpm2tempo(t.qpm * speed) for t in measures.tempos]
    return [m for _, m in events]


@pytest.mark.parametrize("speed", [1.0, 0.5])
def test_the_demo_opera_house_click_track(speed: float) -> None:
    scene_file = read_scene(ROOT / "scenes" / "opera-house.yaml")
    messages = markers_match_the_placement(scene_file, speed)
    measures = measures_for(scene_file.scene, scene_file.path).measures
    # a one-beat pickup, then full bars of 4/4, 3/4 and 6/8 (two dotted-quarter beats)
    assert measures[0].first_beat == 4.0
    clicks = [m for m in messages if m.type == "note_on" and m.velocity > 0]
    assert len(clicks) == 1 + sum(m.beat_count for m in measures[1:])
    assert sum(1 for m in clicks if m.note == 76) == len(measures) - 1
    meters = [f"{m.numerator}/{m.denominator}" for m in messages if m.type == "time_signature"]
    assert meters == ["4/4", "3/4", "6/8"]
    (start,) = [m for m in messages if m.type == "smpte_offset"]
    assert (start.frame_rate, start.hours, start.minutes, start.frames) == (24, 1, 0, 0)


def corpus_scene(tmp_path: Path, work: str, beats: list[str], order: str = "written") -> SceneFile:
    lines = [
        "schema: 1",
        "id: corpus",
        "title: On a corpus score",
        "score:",
        f"  file: corpus:{work}",
        f"  order: {order}",
        "beats:",
    ]
    for number, at in enumerate(beats, start=1):
        measure_beat, _, passes = at.partition(" pass ")
        lines += [f"  - id: b{number:02d}", f'    at: "{measure_beat}"', "    ballet: plié"]
        lines += [f"    pass: {passes}"] if passes else []
    path = tmp_path / "corpus.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return read_scene(path)


@pytest.mark.parametrize("speed", [1.0, 0.5])
def test_a_corpus_score_with_ten_tempo_marks(tmp_path: Path, speed: float) -> None:
    beats = ["1:1", "2:2", "40:2", "60:1", "100:2", "150:1", "200:2", "240:1"]
    scene_file = corpus_scene(tmp_path, "weber/concertino_clarinet", beats)
    messages = markers_match_the_placement(scene_file, speed)
    assert len([m for m in messages if m.type == "marker"]) == len(beats)
    # Ten marks, seven changes as MuseScore plays them (two sound on the same beat as another).
    assert len(measures_for(scene_file.scene, scene_file.path).tempos) == 7


def test_a_corpus_score_in_performed_order(tmp_path: Path) -> None:
    # the half-beat pickup, the first ending, then the repeat (pass 2) and the second ending
    beats = ["0:2.5", "1:1", "16:2", "5:1 pass 2", "17:1", "20:1 pass 2"]
    scene_file = corpus_scene(tmp_path, "joplin/maple_leaf_rag", beats, order="performed")
    messages = markers_match_the_placement(scene_file, 1.0)
    markers = [m.text for m in messages if m.type == "marker"]
    assert markers == [f"b{n:02d} plié" for n in range(1, 7)]
