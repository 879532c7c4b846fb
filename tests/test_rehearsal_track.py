"""The rehearsal track: a corpus chorale synthesized, stretched to half speed by Rubber
Band, clicked and called by eSpeak NG; clicks and calls found again by onset detection,
the music's pitch measured, the cue markers read back from the file's own chunks."""

from __future__ import annotations

import math
import os
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from choreo.audio.music import at_speed, full_speed_music
from choreo.audio.recording import Recording
from choreo.audio.rehearsal import RehearsalTrack, rehearsal_track
from choreo.export.sheet import SceneSheet, build_sheets
from choreo.scene_score import measures_of
from choreo.store import SceneFile, read_scene
from tests.audio_helpers import needs_synth
from tests.run_cli import assert_one_line_error, choreo

librosa = pytest.importorskip("librosa")
needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="no espeak-ng")
pytestmark = [needs_synth, needs_espeak]

HALF = 0.5
TOLERANCE = 0.030  # seconds: the issue's ±30 ms
# A chorale in 4/4 at ♩=120 with a one-beat pickup: the count-in is the bar before it.
SCENE = """\
schema: 1
id: chorale
title: The chorale fight
score: {file: "corpus:bach/bwv66.6", tempo: 120}
cast:
  - {id: eve, name: Eve}
  - {id: kim, name: Kim}
beats:
  - {id: b01, at: "1:1", ballet: fouetté, combat: knife slash, performers: [eve]}
  - id: b02
    at: "2:1"
    actions:
      - {performer: eve, ballet: pirouette, combat: dodge}
      - {performer: kim, combat: knife thrust}
  - {id: b03, at: "3:3", ballet: grand jeté, performers: [eve]}
  - {id: b04, at: "4:1", combat: head butt, performers: [kim]}
  - {id: b05, at: "4:2", actions: [{performer: kim, reaction: stagger}]}
"""


@pytest.fixture(scope="session")
def scene_file(tmp_path_factory: pytest.TempPathFactory) -> SceneFile:
    path = tmp_path_factory.mktemp("rehearsal") / "chorale.yaml"
    path.write_text(SCENE, encoding="utf-8")
    return read_scene(path)


@pytest.fixture(scope="session")
def full_speed(scene_file: SceneFile) -> SceneSheet:
    return build_sheets([scene_file], measures=measures_of)[0]


@pytest.fixture(scope="session")
def music(scene_file: SceneFile, full_speed: SceneSheet) -> Recording:
    found = full_speed_music(scene_file, full_speed.measures)
    assert found is not None
    return found


@pytest.fixture(scope="session")
def track(scene_file: SceneFile, music: Recording) -> RehearsalTrack:
    sheet = build_sheets([scene_file], speed=HALF, measures=measures_of)[0]
    return rehearsal_track(sheet, at_speed(music, HALF))


def _onsets(samples: np.ndarray, rate: int) -> np.ndarray:
    """Onset seconds; half a second of silence before the file lets one at 0 be found."""
    padded = np.concatenate([np.zeros(rate // 2, dtype=np.float32), samples])
    return np.asarray(librosa.onset.onset_detect(y=padded, sr=rate, units="time")) - 0.5


def _misplaced(expected: list[float], found: np.ndarray) -> list[tuple[float, float]]:
    """Each expected second with the nearest onset found, where that is over 30 ms off."""
    nearest = [(t, float(found[np.argmin(np.abs(found - t))])) for t in expected]
    return [(t, f) for t, f in nearest if abs(f - t) > TOLERANCE]


def _beat_at_half_speed(sheet: SceneSheet) -> float:
    first = sheet.measures.measures[0]
    assert first.number == "0" and first.beat_count == 4  # a pickup bar of 4/4
    return 60 / sheet.measures.tempo_at(first.offset) / HALF


def test_the_count_in_is_the_bar_before_the_first_beat(
    track: RehearsalTrack, full_speed: SceneSheet
) -> None:
    # Four quarters at half speed, ending where the pickup starts (second 0 of the score).
    beat = _beat_at_half_speed(full_speed)
    assert track.lead == pytest.approx(4 * beat)
    assert track.count_in_seconds == pytest.approx([0.0, beat, 2 * beat, 3 * beat])


def test_clicks_fall_on_every_beat_at_half_speed(
    track: RehearsalTrack, full_speed: SceneSheet
) -> None:
    measures = full_speed.measures
    # The score's beats at full speed, twice as far apart, after the count-in.
    beats = [
        measures.seconds_at(m.offset_of_beat(b)) for m in measures.measures for b in range(1, 5)
    ]
    beats = [s for s in beats if 0 <= s < measures.duration_seconds - 1e-9]
    expected = [*track.count_in_seconds] + [track.lead + s / HALF for s in dict.fromkeys(beats)]
    assert track.click_seconds == pytest.approx(sorted(expected), abs=1e-6)
    found = _onsets(track.clicks, track.rate)
    assert len(found) == len(expected)  # no click is missing, none is extra
    assert _misplaced(expected, found) == []
    assert _misplaced(expected, _onsets(track.mix(), track.rate)) == []


def test_calls_start_on_their_beats_at_half_speed(
    track: RehearsalTrack, full_speed: SceneSheet
) -> None:
    calls = [track.lead + p.start_seconds / HALF for p in full_speed.placed]
    assert track.call_seconds == pytest.approx(calls, abs=1e-6)
    found = _onsets(track.voice, track.rate)
    assert _misplaced([*track.count_in_seconds, *calls], found) == []
    assert track.count_in_seconds[0] == 0.0  # "five" starts the file
    # Each call is over before the next starts: the voice is quiet just before each one.
    for start in calls[1:]:
        before = track.voice[round((start - 0.04) * track.rate) : round(start * track.rate)]
        assert np.max(np.abs(before)) < 0.01
    mixed = _onsets(track.mix(), track.rate)
    assert _misplaced(calls, mixed) == []


GRID = 110.0 * 2 ** (np.arange(0, 5 * 1200, 5) / 1200)  # A2 to A7 in 5-cent steps
WITHIN_3_PERCENT = 1200 * math.log2(1.03)  # cents


def _spectrum(sound: Recording) -> np.ndarray:
    """The sound's average power spectrum on :data:`GRID`."""
    power = np.abs(librosa.stft(sound.samples, n_fft=16384)) ** 2
    freqs = librosa.fft_frequencies(sr=sound.rate, n_fft=16384)
    return np.interp(GRID, freqs, power.mean(axis=1))


def _pitch_change(original: Recording, other: Recording) -> tuple[float, float]:
    """How far ``other`` sounds from ``original``: the shift (cents, within half an
    octave) that lines their log spectra up best, and the ratio of their loudest partials
    (which an octave's error changes, where the spectra would line up again)."""
    before, after = _spectrum(original), _spectrum(other)
    logs = [np.log1p(s) - np.log1p(s).mean() for s in (before, after)]
    lags = range(-120, 121)
    fit = [float(np.sum(logs[0] * np.roll(logs[1], -lag))) for lag in lags]
    cents = 5.0 * lags[int(np.argmax(fit))]
    return cents, float(GRID[np.argmax(after)] / GRID[np.argmax(before)])


def test_the_music_keeps_its_pitch_at_half_speed(track: RehearsalTrack, music: Recording) -> None:
    start = round(track.lead * track.rate)
    slow = Recording(track.music[start : start + 2 * len(music.samples)], track.rate)
    assert len(slow.samples) / len(music.samples) == pytest.approx(2.0, abs=0.01)
    cents, partial = _pitch_change(music, slow)
    assert abs(cents) <= WITHIN_3_PERCENT
    assert partial == pytest.approx(1.0, abs=0.03)
    # The measures can fail: music 6% sharp, and music slowed by resampling (an octave down).
    sharp = librosa.resample(music.samples, orig_sr=music.rate, target_sr=music.rate / 1.06)
    assert _pitch_change(music, Recording(sharp, music.rate))[0] > WITHIN_3_PERCENT
    dropped = librosa.resample(music.samples, orig_sr=music.rate, target_sr=2 * music.rate)
    assert _pitch_change(music, Recording(dropped, music.rate))[1] < 0.9


def test_the_music_at_half_speed_sounds_at_twice_its_seconds(
    track: RehearsalTrack, music: Recording
) -> None:
    # Rubber Band makes up for its own latency: each note starts at twice its second.
    written = _onsets(music.samples, music.rate)
    heard = _onsets(track.music, track.rate) - track.lead
    late = np.array([heard[np.argmin(np.abs(heard - 2 * t))] - 2 * t for t in written])
    assert len(written) > 30
    assert np.median(np.abs(late)) <= TOLERANCE
    assert np.mean(np.abs(late) <= TOLERANCE + 0.01) >= 0.9


def read_cues(data: bytes) -> tuple[int, list[tuple[int, str]]]:
    """The data's sample count and each cue (its sample, its label), by a walk of the
    file's RIFF chunks."""
    assert data[:4] == b"RIFF" and data[8:12] == b"WAVE"
    assert struct.unpack("<I", data[4:8])[0] == len(data) - 8
    chunks: dict[bytes, bytes] = {}
    at = 12
    while at < len(data):
        kind, size = data[at : at + 4], struct.unpack("<I", data[at + 4 : at + 8])[0]
        chunks[kind] = data[at + 8 : at + 8 + size]
        at += 8 + size + size % 2
    samples = len(chunks[b"data"]) // 2
    count = struct.unpack("<I", chunks[b"cue "][:4])[0]
    points = {}
    for n in range(count):
        name, position, chunk, _, _, offset = struct.unpack(
            "<II4sIII", chunks[b"cue "][4 + 24 * n : 28 + 24 * n]
        )
        assert chunk == b"data" and position == offset
        points[name] = offset
    listing = chunks[b"LIST"]
    assert listing[:4] == b"adtl"
    labels = {}
    at = 4
    while at < len(listing):
        kind, size = listing[at : at + 4], struct.unpack("<I", listing[at + 4 : at + 8])[0]
        if kind == b"labl":
            body = listing[at + 8 : at + 8 + size]
            labels[struct.unpack("<I", body[:4])[0]] = body[4:].rstrip(b"\0").decode("utf-8")
        at += 8 + size + size % 2
    assert labels.keys() == points.keys()
    return samples, [(points[n], labels[n]) for n in sorted(points)]


def test_the_cli_writes_a_cue_per_beat_of_the_performer(
    scene_file: SceneFile, full_speed: SceneSheet, tmp_path: Path
) -> None:
    out = tmp_path / "kim.wav"
    result = choreo(
        "export", scene_file.path, "--format", "wav", "-o", out, "--speed", "0.5",
        "--performer", "kim",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    data = out.read_bytes()
    samples, cues = read_cues(data)
    lead = 4 * _beat_at_half_speed(full_speed)  # the count-in
    kims = [p for p in full_speed.placed if "kim" in p.beat.everyone()]
    assert [label for _, label in cues] == [
        "b02 Kim: knife thrust",
        "b04 Kim: head butt",
        "b05 Kim: stagger",
    ]
    assert [s for s, _ in cues] == [round((lead + p.start_seconds / HALF) * 44100) for p in kims]
    import soundfile

    sound, rate = soundfile.read(out)
    assert rate == 44100 and len(sound) == samples
    assert np.max(np.abs(sound)) > 0.3  # music, clicks and calls, not silence


def test_ballet_moves_are_spoken_in_french(track: RehearsalTrack) -> None:
    assert [label for _, label in [(c.sample, c.label) for c in track.cues]] == [
        "b01 Eve: fouetté, knife slash",
        "b02 Eve: pirouette, dodge. Kim: knife thrust",
        "b03 Eve: grand jeté",
        "b04 Kim: head butt",
        "b05 Kim: stagger",
    ]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--performer", "zed"], ["zed"]),
        (["--speed", "0"], ["speed 0"]),
        (["--speed", "-1"], ["speed -1"]),
        (["--speed", "nan"], ["speed nan"]),
        (["--speed", "100"], ["speed 100"]),
        (["--speed", "0.1"], ["0.25 to 1"]),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(
    scene_file: SceneFile, tmp_path: Path, args: list[str], words: list[str]
) -> None:
    out = tmp_path / "track.wav"
    result = choreo("export", scene_file.path, "--format", "wav", "-o", out, *args)
    assert_one_line_error(result, *words)
    assert list(tmp_path.iterdir()) == []


def test_no_file_two_scenes_or_an_unwritable_file_is_one_line(
    scene_file: SceneFile, tmp_path: Path
) -> None:
    result = choreo("export", scene_file.path, "--format", "wav")
    assert_one_line_error(result, "-o")
    two = ("export", scene_file.path, scene_file.path, "--format", "wav", "-o", tmp_path / "t.wav")
    assert_one_line_error(choreo(*two), "one scene")
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file", encoding="utf-8")
    result = choreo("export", scene_file.path, "--format", "wav", "-o", blocker / "track.wav")
    assert_one_line_error(result, "track.wav")
    assert list(tmp_path.iterdir()) == [blocker]


def test_without_espeak_ng_the_track_is_refused_in_one_line(
    scene_file: SceneFile, tmp_path: Path
) -> None:
    bare = tmp_path / "bin"  # a PATH where no espeak-ng is found
    bare.mkdir()
    out = tmp_path / "track.wav"
    result = subprocess.run(
        [sys.executable, "-m", "choreo", "export", str(scene_file.path), "--format", "wav",
         "-o", str(out)],
        capture_output=True, text=True, check=False, env={**os.environ, "PATH": str(bare)},
        stdin=subprocess.DEVNULL, timeout=300,
    )  # fmt: skip
    assert_one_line_error(result, "eSpeak NG is not installed")
    assert not out.exists()


def test_a_scene_without_a_score_gets_click_and_calls_to_the_fights_end(
    tmp_path: Path,
) -> None:
    path = tmp_path / "bare.yaml"
    path.write_text(
        "schema: 1\nid: bare\ntitle: Bare\nscore: {tempo: 120}\n"
        "beats:\n  - {id: b01, at: '2:1', combat: jab}\n  - {id: b02, at: '3:3', combat: cross}\n",
        encoding="utf-8",
    )
    scene_file = read_scene(path)
    sheet = build_sheets([scene_file], measures=measures_of)[0]
    assert full_speed_music(scene_file, sheet.measures) is None
    track = rehearsal_track(sheet, None)
    assert not track.music.any()
    # A 4/4 count-in of 2 s, then the steady grid's bars 1 to 3 (b02 lasts to bar 3's end).
    assert track.click_seconds == pytest.approx([0.5 * k for k in range(4 + 12)])
    assert [c.label for c in track.cues] == ["b01 jab", "b02 cross"]
    assert _misplaced([4.0, 7.0], _onsets(track.voice, track.rate)) == []


def test_a_scene_with_a_recording_is_rehearsed_to_the_recording(
    scene_file: SceneFile, full_speed: SceneSheet, music: Recording, tmp_path: Path
) -> None:
    import soundfile

    soundfile.write(tmp_path / "take.flac", music.samples[::2], music.rate // 2)  # 22.05 kHz
    path = tmp_path / "recorded.yaml"
    path.write_text(
        SCENE.replace("tempo: 120}", "tempo: 120, recording: take.flac}"), encoding="utf-8"
    )
    recorded = read_scene(path)
    heard = full_speed_music(recorded, full_speed.measures)
    assert heard is not None and heard.rate == 44100
    assert heard.seconds == pytest.approx(music.seconds, abs=0.01)


def test_the_track_modules_load_no_audio_library_until_a_track_is_made() -> None:
    code = (
        "import sys, choreo.audio.rehearsal, choreo.audio.music, choreo.audio.speech\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'numpy', 'librosa', 'pedalboard', 'soundfile'}))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
