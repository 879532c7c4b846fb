"""The MIDI click track, read back with mido: a count-in, then markers at the beats'
seconds (plus the count-in), clicks and tempo; and played by fluidsynth, a real MIDI client."""

from __future__ import annotations

import io
import itertools
import shutil
import subprocess
import wave
from pathlib import Path
from typing import Any

import mido
import numpy as np
import pytest

from choreo.errors import ChoreoError
from choreo.export import export_scenes
from choreo.export.midi import ascii_text, smpte_offset
from choreo.model.timecode import Timecode
from choreo.placement import PlacedBeat, place_beats
from choreo.scene_score import measures_for, measures_of
from choreo.store import SceneFile, read_scene
from choreo.timing import steady_grid
from tests.measure_maps import score_with_meter_and_tempo_changes
from tests.run_cli import assert_one_line_error, choreo
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
    hit: true
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


# The demo's measure map opens in 4/4 at 96: a bar of count-in is four beats of 0.625 s.
COUNT_IN_SECONDS = 4 * 60 / 96


def read_back(data: bytes) -> mido.MidiFile:
    # Latin-1 maps every byte to one character, so a byte past ASCII would show.
    return mido.MidiFile(file=io.BytesIO(data), charset="latin-1")


def texts_of(song: mido.MidiFile) -> list[str]:
    return [
        getattr(m, "text", None) or m.name
        for track in song.tracks
        for m in track
        if m.type in ("marker", "track_name", "text")
    ]


def timed(song: mido.MidiFile) -> list[tuple[float, Any]]:
    """Every message with its time in seconds, as a player computes it from the tempo map."""
    now = 0.0
    events = []
    for message in song:  # mido merges the tracks and turns ticks into seconds
        now += message.time
        events.append((now, message))
    return events


@pytest.mark.parametrize("count_in", [0, 1, 2])
@pytest.mark.parametrize("speed", [1.0, 0.5, 0.25])
def test_markers_sit_at_the_beats_seconds_after_the_count_in(
    scene_file: SceneFile, speed: float, count_in: int
) -> None:
    data = export_scenes(
        [scene_file], format="midi", speed=speed, count_in=count_in, measures=lambda _: MEASURES
    )
    song = read_back(data)
    assert (song.type, song.ticks_per_beat, len(song.tracks)) == (1, 480, 2)
    markers = [(t, m.text) for t, m in timed(song) if m.type == "marker"]
    placed = [
        p for p in place_beats(scene_file.scene, MEASURES, speed=speed) if isinstance(p, PlacedBeat)
    ]
    assert [text for _, text in markers] == [
        "b01 preparation",
        "HIT b02 grand jete / flying kick",
        "b03 fouette en tournant / knife slash",
        "b04",
    ]  # b05 is past the score's end: no marker
    shift = count_in * COUNT_IN_SECONDS / speed
    for (seconds, _), spot in zip(markers, placed, strict=True):
        assert seconds == pytest.approx(shift + spot.start_seconds, abs=0.002)
    assert markers[2][0] == pytest.approx(shift + (17 * 60 / 96 + 1.5 * 60 / 72) / speed, abs=0.002)
    assert all(text.isascii() for text in texts_of(song))


@pytest.mark.parametrize("count_in", [0, 1, 3])
def test_the_count_in_is_whole_bars_of_the_first_meter(
    scene_file: SceneFile, count_in: int
) -> None:
    data = export_scenes(
        [scene_file], format="midi", count_in=count_in, measures=lambda _: MEASURES
    )
    song = read_back(data)
    ticks, now = [], 0
    for message in mido.merge_tracks(song.tracks):
        now += message.time
        if message.type == "note_on" and message.velocity:
            ticks.append((now, message.note))
    assert len(ticks) == 4 * count_in + 31
    # Four quarter clicks a bar, beat 1 accented; then the score's pickup, a plain beat 4.
    expected = [(480 * n, 76 if n % 4 == 0 else 77) for n in range(4 * count_in)]
    assert ticks[: 4 * count_in] == expected
    assert ticks[4 * count_in] == (1920 * count_in, 77)
    seconds = [t for t, m in timed(song) if m.type == "note_on" and m.velocity]
    assert seconds[4 * count_in] == pytest.approx(count_in * COUNT_IN_SECONDS)
    score_length = read_back(
        export_scenes([scene_file], format="midi", count_in=0, measures=lambda _: MEASURES)
    ).length
    assert song.length == pytest.approx(score_length + count_in * COUNT_IN_SECONDS)
    # The opening tempo and meter hold from tick 0, through the count-in; the changes come
    # a count-in later (bar 5 at quarter 17, bar 9 at quarter 29).
    changes, now = [], 0
    for message in song.tracks[0]:
        now += message.time
        if message.type in ("set_tempo", "time_signature"):
            changes.append((now, message.type))
    later = [1920 * count_in + 480 * quarters for quarters in (17, 29)]
    assert changes == [
        (0, "set_tempo"), (0, "time_signature"),
        (later[0], "set_tempo"), (later[0], "time_signature"),
        (later[1], "set_tempo"), (later[1], "time_signature"),
    ]  # fmt: skip


def test_a_count_in_below_zero_is_refused(scene_file: SceneFile) -> None:
    with pytest.raises(ChoreoError, match="count-in of -1 bars"):
        export_scenes([scene_file], format="midi", count_in=-1, measures=lambda _: MEASURES)


@pytest.mark.parametrize(
    ("text", "ascii"),
    [
        ("fouetté en tournant", "fouette en tournant"),
        ("grand jeté", "grand jete"),
        ("Zoë Durand", "Zoe Durand"),
        ("pas de bourrée", "pas de bourree"),
        ("Straße", "Strasse"),
        ("cœur, Søren, Łódź", "coeur, Soren, Lodz"),
        ("“go” — she’s down", '"go" - she\'s down'),
        ("ﬁnal 3·5", "final 3.5"),
        ("剣の舞", "???"),
    ],
)
def test_marker_text_is_ascii_spelled_as_a_reader_would(text: str, ascii: str) -> None:
    assert ascii_text(text) == ascii


@pytest.mark.parametrize("fps", [24, 25, 29.97, 30])
@pytest.mark.parametrize("count_in", [0.0, 1.0, 2.5, 4 * 60 / 97])
def test_the_smpte_offset_puts_the_first_beat_on_the_scenes_start(
    fps: float, count_in: float
) -> None:
    start = Timecode.parse("01:00:00:00", fps)
    offset = smpte_offset(start, count_in)
    assert offset is not None
    label = f"{offset.hours:02d}:{offset.minutes:02d}:{offset.seconds:02d}:{offset.frames:02d}"
    rate = 30000 / 1001 if fps == 29.97 else fps
    tick_zero = (Timecode.parse(label, fps).frames + offset.sub_frames / 100) / rate
    assert tick_zero + count_in == pytest.approx(start.frames / rate, abs=0.006 / rate)


def test_a_count_in_reaching_back_past_midnight_leaves_the_smpte_offset_out() -> None:
    assert smpte_offset(Timecode.parse("00:00:01:00", 25), 2.5) is None
    assert smpte_offset(Timecode.parse("00:00:02:13", 25), 2.5) is not None


def test_a_click_on_every_beat_with_accented_downbeats(scene_file: SceneFile) -> None:
    song = read_back(
        export_scenes([scene_file], format="midi", count_in=0, measures=lambda _: MEASURES)
    )
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
    assert len(clicks) == 4 + 16  # a bar of count-in, then four bars
    assert song.length == pytest.approx(2.0 + 8.0, abs=0.01)


def test_midi_takes_one_scene(scene_file: SceneFile) -> None:
    with pytest.raises(ChoreoError, match="MIDI export takes one scene"):
        export_scenes([scene_file, scene_file], format="midi", measures=measures_of)


# -- real scores: the demo's own and music21's corpus ---------------------------------

ROOT = Path(__file__).resolve().parent.parent


def markers_match_the_placement(scene_file: SceneFile, speed: float) -> list[Any]:
    """Export, read back, and check every marker against the placement, a bar of count-in
    later; the messages."""
    song = read_back(export_scenes([scene_file], format="midi", speed=speed, measures=measures_of))
    measures = measures_for(scene_file.scene, scene_file.path)
    first = measures.measures[0]
    count_in = first.beat_count * first.beat_length * 60 / (first.tempo_qpm * speed)
    placed = [
        p for p in place_beats(scene_file.scene, measures, speed=speed) if isinstance(p, PlacedBeat)
    ]
    events = timed(song)
    markers = [(t, m.text) for t, m in events if m.type == "marker"]
    expected = sorted(placed, key=lambda p: p.start_seconds)
    assert [text.removeprefix("HIT ").split()[0] for _, text in markers] == [
        p.beat.id for p in expected
    ]
    for (seconds, text), spot in zip(markers, expected, strict=True):
        assert seconds == pytest.approx(count_in + spot.start_seconds, abs=0.002)
        assert text.startswith("HIT ") == spot.beat.hit
        assert text.isascii()
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
    assert len(clicks) == 4 + 1 + sum(m.beat_count for m in measures[1:])
    assert sum(1 for m in clicks if m.note == 76) == 1 + len(measures) - 1
    meters = [f"{m.numerator}/{m.denominator}" for m in messages if m.type == "time_signature"]
    assert meters == ["4/4", "3/4", "6/8"]
    # 01:00:00:00 less a bar of 4/4 at 96: 2.5 s at full speed, 5 s at half speed
    (start,) = [m for m in messages if m.type == "smpte_offset"]
    fields = (start.hours, start.minutes, start.seconds, start.frames, start.sub_frames)
    expected = {1.0: (0, 59, 57, 12, 0), 0.5: (0, 59, 55, 0, 0)}[speed]
    assert (start.frame_rate, *fields) == (24, *expected)


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
    assert markers == [f"b{n:02d} plie" for n in range(1, 7)]


# -- through the command line, and played by a real MIDI client -----------------------


def test_count_in_on_the_command_line(scene_file: SceneFile, tmp_path: Path) -> None:
    for bars in (0, 2):
        out = tmp_path / f"count-in-{bars}.mid"
        done = choreo("export", scene_file.path, "--format", "midi", "--count-in", bars, "-o", out)
        assert done.returncode == 0, done.stderr
        clicks = [m for m in read_back(out.read_bytes()).tracks[1] if m.type == "note_on"]
        first_score_click = next(n for n, m in enumerate(clicks) if m.note == 76 and n >= 4 * bars)
        assert first_score_click == 4 * bars  # the steady grid starts on a downbeat
    assert_one_line_error(
        choreo("export", scene_file.path, "--format", "midi", "--count-in", -1, "-o", out),
        "count-in of -1 bars",
    )
    assert_one_line_error(
        choreo("export", scene_file.path, "--format", "csv", "--count-in", 1), "--format midi"
    )


def onsets(path: Path) -> list[tuple[float, float]]:
    """Seconds where the sound rises out of silence, each click's attack, with how loud
    the click peaks (a fraction of the loudest)."""
    with wave.open(str(path)) as audio:
        rate, channels = audio.getframerate(), audio.getnchannels()
        samples = np.frombuffer(audio.readframes(audio.getnframes()), dtype="<i2")
    level = np.abs(samples.reshape(-1, channels).astype(float)).max(axis=1)
    window = rate // 1000  # 1 ms
    envelope = level[: len(level) // window * window].reshape(-1, window).max(axis=1)
    loud = envelope > envelope.max() * 0.05
    # A click decays well within a beat: count a rise after 100 ms of quiet as a new one.
    found, quiet = [], 100
    for ms, on in enumerate(loud):
        if on and quiet >= 100:
            found.append((ms / 1000, float(envelope[ms : ms + 50].max() / envelope.max())))
        quiet = 0 if on else quiet + 1
    return found


@pytest.mark.skipif(shutil.which("fluidsynth") is None, reason="fluidsynth is not installed")
def test_fluidsynth_plays_the_count_in_then_the_score(
    scene_file: SceneFile, tmp_path: Path
) -> None:
    soundfont = Path("/usr/share/sounds/sf2/FluidR3_GM.sf2")
    if not soundfont.exists():
        pytest.skip("no General MIDI soundfont")
    midi = tmp_path / "click.mid"
    midi.write_bytes(
        export_scenes([scene_file], format="midi", measures=lambda _: steady_grid(120, 2))
    )
    played = tmp_path / "click.wav"
    render = ["fluidsynth", "-ni", "-q", "-g", "1", "-r", "22050", "-F", str(played)]
    subprocess.run(
        [*render, str(soundfont), str(midi)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    # A bar of count-in at 120 (four clicks, 2 s), then two bars: a click every half second
    # (fluidsynth's own clock runs about 0.3 % slow), beat 1 of each bar the loud one.
    heard = onsets(played)
    assert len(heard) == 12
    assert heard[0][0] < 0.01
    gaps = [b - a for (a, _), (b, _) in itertools.pairwise(heard)]
    assert gaps == pytest.approx([0.5] * 11, abs=0.01)
    accented = [n for n, (_, peak) in enumerate(heard) if peak > 0.9]
    assert accented == [0, 4, 8]
