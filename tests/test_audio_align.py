"""`choreo align` finds every bar of a recording whose players do not follow the
metronome: recordings synthesized with a known tempo curve (a slower start, a held pause,
a ritardando, silence before the music), on pieces of different kinds."""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import soundfile

from choreo.audio.scene_align import align_scene
from choreo.audio.synth import synthesize
from choreo.score import load_measure_map
from choreo.score.notes import load_score_notes
from choreo.store import read_scene
from choreo.timing import MeasureMap
from tests.audio_helpers import needs_synth
from tests.run_cli import assert_one_line_error, choreo

pytestmark = [needs_synth, pytest.mark.slow]

LEAD_IN = 1.5  # seconds of silence before the music starts
HOLD = 1.2  # seconds the music holds still halfway (a fermata the players take)


@dataclass(frozen=True)
class Piece:
    kind: str
    work: str  # corpus path
    bars: tuple[int, int] | None  # an excerpt's first and last bar, or the whole piece
    program: int | None  # General MIDI program the "players" use; None: the score's own


PIECES = [
    Piece("chorale", "bach/bwv66.6", None, 46),  # four voices on a harp
    Piece("string quartet", "haydn/opus74no1/movement1", (1, 16), None),  # the score's strings
    Piece("piano rag", "joplin/maple_leaf_rag", (0, 12), 4),  # on an electric piano
]


def tempo_curve(duration: float):  # type: ignore[no-untyped-def]
    """Score seconds to the players' seconds: the first quarter 25% slower, a held pause
    halfway, a ritardando over the last fifth (down to about half speed)."""
    slow_until, hold_at, rit_from = 0.25 * duration, 0.5 * duration, 0.8 * duration

    def played(seconds: float) -> float:
        heard = LEAD_IN + seconds + 0.25 * min(seconds, slow_until)
        if seconds > hold_at:
            heard += HOLD
        if seconds > rit_from:
            late = seconds - rit_from
            heard += late * late / (0.2 * duration)
        return heard

    return played


@dataclass(frozen=True)
class Aligned:
    errors_ms: list[float]
    bars: int
    scene: Path


def _score_file(piece: Piece, folder: Path) -> str:
    if piece.bars is None:
        return f"corpus:{piece.work}"
    from music21 import corpus

    path = folder / f"{piece.kind.replace(' ', '-')}.musicxml"
    corpus.parse(piece.work).measures(*piece.bars).write("musicxml", fp=path)
    return path.name


def _align(piece: Piece, folder: Path) -> Aligned:
    score = _score_file(piece, folder)
    measures: MeasureMap = load_measure_map(score, base=folder)
    notes = load_score_notes(score, base=folder)
    played = tempo_curve(measures.duration_seconds)
    heard = synthesize(measures, notes, warp=played, program=piece.program, reverb=True)
    soundfile.write(folder / "players.flac", heard.samples, heard.rate)
    scene = folder / "fight.yaml"
    scene.write_text(f"id: fight\ntitle: Fight\nscore:\n  file: {score}\nbeats: []\n", "utf-8")
    done = align_scene(read_scene(scene), folder / "players.flac")
    truth = {m.number: played(m.start_seconds) for m in measures.measures}
    errors = [abs(p.seconds - truth[p.at.measure]) * 1000 for p in done.points]
    return Aligned(errors, len(measures.measures), scene)


@pytest.fixture(scope="module", params=PIECES, ids=lambda p: p.kind)
def aligned(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Aligned:
    piece: Piece = request.param
    return _align(piece, tmp_path_factory.mktemp(piece.kind.replace(" ", "-")))


def test_every_bar_is_found_within_50_ms(aligned: Aligned) -> None:
    assert len(aligned.errors_ms) == aligned.bars  # a point for every bar
    assert max(aligned.errors_ms) <= 50, aligned.errors_ms
    assert statistics.median(aligned.errors_ms) <= 25, aligned.errors_ms


def test_the_scene_names_the_recording_and_its_points(aligned: Aligned) -> None:
    score = read_scene(aligned.scene).scene.score
    assert score.recording == "players.flac"
    assert len(score.sync) == aligned.bars
    assert score.sync[0].seconds > LEAD_IN - 0.1  # the silence before the music is skipped


def test_the_command_line_aligns_and_replaces_earlier_points(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NUMBA_CACHE_DIR", raising=False)  # choreo's own choice is tested
    score = "corpus:bach/bwv66.6"
    measures = load_measure_map(score)
    notes = load_score_notes(score)
    played = tempo_curve(measures.duration_seconds)
    heard = synthesize(measures, notes, warp=played, program=0)
    soundfile.write(tmp_path / "take.wav", heard.samples, heard.rate)
    scene = tmp_path / "fight.yaml"
    scene.write_text(
        "id: fight  # the fight in the chapel\ntitle: Chapel\nscore:\n"
        f"  file: {score}\n  recording: take.wav\n"
        '  sync: [{at: "1:1", seconds: 0.5}, {at: "9:1", seconds: 1.0}]\nbeats: []\n',
        encoding="utf-8",
    )
    result = choreo("align", scene, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "aligned 10 of 10 bars to take.wav" in result.stdout
    assert result.stderr == ""  # no spinner off a terminal, no library's chatter
    text = scene.read_text(encoding="utf-8")
    assert "# the fight in the chapel" in text
    sync = read_scene(scene).scene.score.sync
    assert [str(p.at) for p in sync] == ["0:4", *(f"{n}:1" for n in range(1, 10))]
    truth = [played(m.start_seconds) for m in measures.measures]
    assert [p.seconds for p in sync] == pytest.approx(truth, abs=0.05)
    # The DTW's compiled code is cached in choreo's cache folder, not in the library.
    assert list((Path(os.environ["CHOREO_CACHE_DIR"]) / "numba").rglob("*.nbi"))


def test_what_align_cannot_do_is_one_line(tmp_path: Path) -> None:
    scene = tmp_path / "fight.yaml"
    scene.write_text("id: fight\ntitle: Chapel\nscore:\n  file: corpus:bach/bwv66.6\n", "utf-8")
    before = scene.read_bytes()
    assert_one_line_error(choreo("align", scene), "fight.yaml", "names no recording")
    (tmp_path / "notes.wav").write_text("not sound\n" * 100, encoding="utf-8")
    result = choreo("align", scene, "--recording", tmp_path / "notes.wav")
    assert_one_line_error(result, "notes.wav", "not a recording choreo can read")
    no_score = tmp_path / "bare.yaml"
    no_score.write_text("id: bare\ntitle: Bare\n", "utf-8")
    assert_one_line_error(
        choreo("align", no_score, "--recording", tmp_path / "notes.wav"), "no score"
    )
    assert scene.read_bytes() == before


def test_the_silence_cut_is_where_librosa_trim_cuts_it() -> None:
    """align finds the music's ends with numpy, as librosa's ``effects.trim`` does."""
    import librosa
    import numpy as np

    from choreo.audio.align import RATE, _music

    noise = np.random.default_rng(7).standard_normal
    tone = np.sin(2 * np.pi * 440 * np.arange(3 * RATE) / RATE).astype(np.float32)
    for before, after in [(0, 0), (1.5, 0.7), (0.01, 2.0)]:
        hiss = 1e-4 * noise(int(after * RATE)).astype(np.float32)
        samples = np.concatenate([np.zeros(int(before * RATE), np.float32), tone, hiss])
        _, (start, end) = librosa.effects.trim(samples, top_db=40, frame_length=512, hop_length=128)
        music, second = _music(samples)
        assert round(second * RATE) == start
        assert round(second * RATE) + len(music) == end


def test_a_second_align_of_the_score_reads_it_from_choreos_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first align reads the score with music21; the next one of the same score takes
    its bars and notes from choreo's JSON cache: with any score read refused (a memory
    bound no child can start in), it still aligns, to the same points."""
    from choreo.score import cache, score_hash
    from choreo.score.bounded import read_notes_bounded

    # Compiled code shared with the other tests; the score's cache entries fresh.
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(Path(os.environ["CHOREO_CACHE_DIR"]) / "numba"))
    monkeypatch.setenv("CHOREO_CACHE_DIR", str(tmp_path / "cache"))
    score = tmp_path / "waltz.musicxml"
    shutil.copyfile(Path(__file__).parent.parent / "scores" / "studio-waltz.musicxml", score)
    measures = load_measure_map(str(score))
    notes = load_score_notes(str(score))
    heard = synthesize(measures, notes, warp=tempo_curve(measures.duration_seconds), program=0)
    soundfile.write(tmp_path / "take.wav", heard.samples, heard.rate)
    for entry in (tmp_path / "cache").rglob("*.json"):
        entry.unlink()  # the first align finds the score unread
    scene = tmp_path / "fight.yaml"
    scene.write_text("id: f\ntitle: F\nscore:\n  file: waltz.musicxml\n", encoding="utf-8")
    first = choreo("align", scene, "--recording", "take.wav", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    read_fresh = scene.read_bytes()
    assert read_scene(scene).scene.score.sync

    monkeypatch.setenv("CHOREO_PARSE_MB", "1")  # music21 cannot even start
    # The command as `choreo align` runs it, then whether music21 was ever imported.
    run = "import runpy, sys\ntry:\n    runpy.run_module('choreo', run_name='__main__')\n"
    run += "finally:\n    print('music21' in sys.modules, file=sys.stderr)\n"
    second = subprocess.run(
        [sys.executable, "-c", run, "align", str(scene)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
        check=False,
    )
    assert (second.returncode, second.stderr) == (0, "False\n")
    assert second.stdout == first.stdout
    assert scene.read_bytes() == read_fresh  # the same points from the cache

    # Without the notes' entry the same command must read the score, and cannot.
    [entry] = (tmp_path / "cache" / "score-notes").glob("*.json")
    kept = entry.read_bytes()
    entry.unlink()
    assert_one_line_error(choreo("align", scene, cwd=tmp_path), "more than 1 MB of memory")
    assert scene.read_bytes() == read_fresh
    monkeypatch.delenv("CHOREO_PARSE_MB")
    entry.write_bytes(kept)
    cached = cache.load_cached_notes(score_hash(score), "musicxml")
    assert cached is not None and cached == read_notes_bounded(score, "musicxml")


def test_the_tuning_is_what_sync_toolbox_estimates() -> None:
    """align finds the recording's tuning with numpy's Fourier transform, as Sync
    Toolbox's ``estimate_tuning`` does with librosa's."""
    import numpy as np
    from synctoolbox.feature.utils import estimate_tuning

    from choreo.audio.align import RATE, _tuning

    time = np.arange(4 * RATE) / RATE
    noise = np.random.default_rng(11).standard_normal(len(time))
    found = []
    for cents in (0, 13, -27, 45, -50, 31):
        keys = (57, 61, 64, 69, 76)  # an A major chord, each key with three overtones
        tones = sum(
            np.sin(2 * np.pi * 440 * 2 ** ((key - 69 + cents / 100) / 12) * n * time) / n
            for key in keys
            for n in (1, 2, 3)
        )
        samples = (0.05 * tones + 0.01 * noise).astype(np.float32)
        found.append(_tuning(samples))
        assert found[-1] == estimate_tuning(samples, RATE), cents
    played = [0, 13, -27, 45]  # and it hears the tuning played, to its 2-3 cents
    assert all(abs(heard - cents) <= 3 for heard, cents in zip(found, played, strict=False))


def test_the_score_features_are_sync_toolboxs_number_for_number() -> None:
    """align turns the score's notes into pitch features and onsets itself, as Sync
    Toolbox's table functions do (without pandas or music21 in the process)."""
    import numpy as np
    import pandas as pd
    from synctoolbox.feature.csv_tools import df_to_pitch_features, df_to_pitch_onset_features

    from choreo.audio.align import FEATURE_RATE, _score_pitches
    from choreo.audio.synth import Sounding, place_notes

    score = "corpus:bach/bwv66.6"
    placed = place_notes(load_measure_map(score), load_score_notes(score))
    # Past a thousand onsets of one key (Sync Toolbox keeps them in blocks of 1000).
    placed += [Sounding(0.3 + 0.05 * i, 0.37 + 0.05 * i, 62, 70, 0) for i in range(1100)]
    start = min(n.start for n in placed) - 0.013
    pitch, onsets = _score_pitches(placed, start)
    table = pd.DataFrame(
        {
            "start": [n.start - start for n in placed],
            "duration": [n.end - n.start for n in placed],
            "pitch": [n.pitch for n in placed],
            "velocity": [n.velocity for n in placed],
            "instrument": ["score"] * len(placed),
        }
    )
    assert np.array_equal(pitch, df_to_pitch_features(table, feature_rate=FEATURE_RATE))
    theirs = df_to_pitch_onset_features(table)
    assert list(onsets) == list(theirs)
    assert all(np.array_equal(onsets[key], theirs[key]) for key in theirs)
