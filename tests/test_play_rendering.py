"""The score rendered a piece at a time for the editor's playback sounds sample for sample
as the whole render does (real FluidSynth, real scores): no drift, no seam, no note cut
short where a piece starts; and music stretched from it is the whole render's stretched.

Sample for sample means to the 16-bit sample FluidSynth writes, or one step of it apart:
a piece sums the same voices in another order, and a sum rounds another way now and then.
"""

from __future__ import annotations

import numpy as np
import pytest

from choreo.audio import rendering
from choreo.audio.recording import Recording
from choreo.audio.rendering import ScoreRendering, score_rendering
from choreo.audio.stretching import Stretching
from choreo.audio.synth import synthesize
from choreo.errors import ChoreoError
from choreo.score import load_measure_map
from choreo.score.notes import ScoreNotes, load_score_notes
from choreo.timing import MeasureMap
from tests.audio_helpers import needs_synth
from tests.conftest import REPO

RATE = 44100
PIECES = 4  # made from the middle of the score on: four seams, and notes across each
STEP = 1 / 32768  # one step of a 16-bit sample


def same(heard: np.ndarray, whole: np.ndarray) -> bool:
    return heard.shape == whole.shape and float(np.abs(heard - whole).max()) <= STEP


def score(name: str) -> tuple[MeasureMap, ScoreNotes]:
    source = f"scores/{name}"
    measures = load_measure_map(source, base=REPO, performed=True)
    return measures, load_score_notes(source, base=REPO)


@pytest.fixture(scope="module", params=["studio-waltz.musicxml", "opera-house.musicxml"])
def rendered(request: pytest.FixtureRequest) -> tuple[MeasureMap, ScoreNotes, Recording]:
    """A score (a piano's long release, a string trio's overlapping bows) rendered whole."""
    measures, notes = score(request.param)
    return measures, notes, synthesize(measures, notes, rate=RATE)


def middle_pieces(measures: MeasureMap, notes: ScoreNotes) -> tuple[ScoreRendering, slice]:
    pieces = score_rendering(measures, notes, rate=RATE)
    middle = measures.seconds_at(measures.measures[len(measures.measures) // 2].offset)
    first = pieces._piece_at(middle)
    for piece in range(first, first + PIECES):  # one at a time: a seam between each two
        pieces.make(piece, piece)
    per_piece = pieces._piece_ms * RATE // 1000
    return pieces, slice(first * per_piece, (first + PIECES) * per_piece)


@needs_synth
def test_pieces_are_the_whole_render_sample_for_sample(
    rendered: tuple[MeasureMap, ScoreNotes, Recording],
) -> None:
    measures, notes, whole = rendered
    pieces, made = middle_pieces(measures, notes)
    assert len(pieces.recording.samples) <= len(whole.samples)
    assert not whole.samples[len(pieces.recording.samples) :].any()  # only silence is left off
    heard = pieces.recording.samples[made]
    assert np.abs(heard).max() > 0.05  # music, not silence
    assert same(heard, whole.samples[made])
    assert not pieces.recording.samples[: made.start].any()  # not made yet: silent


@needs_synth
def test_a_note_ringing_into_a_piece_is_rendered_from_its_start(
    rendered: tuple[MeasureMap, ScoreNotes, Recording], monkeypatch: pytest.MonkeyPatch
) -> None:
    """What makes the pieces exact: rendered without the notes dying away where a piece
    starts, the piece is not the whole render (so the test above can fail)."""
    measures, notes, whole = rendered
    monkeypatch.setattr(rendering, "RELEASE_SECONDS", 0.0)
    pieces, made = middle_pieces(measures, notes)
    assert not same(pieces.recording.samples[made], whole.samples[made])


@needs_synth
def test_the_whole_score_made_from_a_start_is_the_whole_render() -> None:
    measures, notes = score("studio-waltz.musicxml")
    whole = synthesize(measures, notes, rate=RATE)
    pieces = score_rendering(measures, notes, rate=RATE)
    pieces.from_second(measures.duration_seconds / 3)  # then the thread makes the rest
    pieces.make(0, pieces._count - 1)  # waits for the thread's piece, makes what is left
    assert pieces.complete
    made = pieces.recording.samples
    assert same(made, whole.samples[: len(made)])


@needs_synth
def test_stretched_from_pieces_is_the_whole_render_stretched() -> None:
    measures, notes = score("studio-waltz.musicxml")
    whole = synthesize(measures, notes, rate=RATE)
    pieces = score_rendering(measures, notes, rate=RATE)
    start = 20.0
    from_pieces = Stretching(pieces.recording, 0.5, ready=pieces.ready)
    from_whole = Stretching(whole, 0.5)
    piece = from_pieces._piece_at(start)
    from_pieces.make(piece, piece)  # renders what the piece and its context need first
    from_whole.make(piece, piece)
    span = slice(round(start / 0.5 * RATE) - RATE, round(start / 0.5 * RATE) + RATE)
    assert np.abs(from_whole.recording.samples[span]).max() > 0.05
    heard = from_pieces.recording.samples[span]
    assert float(np.abs(heard - from_whole.recording.samples[span]).max()) <= 8 * STEP


@needs_synth
def test_stopped_rendering_ends_fluidsynth_rather_than_waiting_for_it() -> None:
    """The editor quitting stops the thread's FluidSynth mid-run (Python would wait)."""
    measures, notes = score("opera-house.musicxml")
    pieces = score_rendering(measures, notes, rate=RATE)
    pieces.stop()
    with pytest.raises(ChoreoError, match="FluidSynth stopped"):
        pieces.make(0, pieces._count - 1)  # the whole score in one run
    assert not pieces.recording.samples.any()
