"""The score synthesized as choreo's timeline plays it: performed order, choreo's seconds,
bent by a warp; FluidSynth found or refused in one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from choreo.audio.synth import place_notes, synthesize
from choreo.errors import ChoreoError
from choreo.score import load_measure_map
from choreo.score.notes import ScoreNote, ScoreNotes, load_score_notes
from choreo.timing import steady_grid
from tests.audio_helpers import needs_synth, onsets
from tests.score_fixtures import repeat_score


def test_notes_are_taken_bar_by_bar_with_each_parts_program() -> None:
    notes = load_score_notes("corpus:bach/bwv66.6")
    assert len(notes.programs) == 4  # soprano, alto, tenor, bass
    pickup = [n for n in notes.notes if n.bar == "0"]
    # The soprano's pickup: C#5 and B4, eighths; the other voices likewise four notes.
    assert [(n.offset, n.quarters, n.pitch) for n in pickup if n.part == 0] == [
        (0.0, 0.5, 73),
        (0.5, 0.5, 71),
    ]
    assert {n.part for n in notes.notes} == {0, 1, 2, 3}


def test_a_bar_played_twice_sounds_twice_at_choreos_seconds(tmp_path: Path) -> None:
    score = repeat_score(tmp_path / "repeats.musicxml")
    performed = load_measure_map(str(score), performed=True, use_cache=False)
    notes = load_score_notes(str(score))
    placed = place_notes(performed, notes)
    # |: 1 2 [1. 3 :| [2. 4 ] 5 6 (Fine) 7 8 (D.C. al Fine): a whole note a bar, 2 s at 120.
    assert [round(s.start, 6) for s in placed] == [2.0 * i for i in range(len(performed.measures))]
    played = [m.number for m in performed.measures]
    assert played == ["1", "2", "3", "1", "2", "4", "5", "6", "7", "8", "1", "2", "4", "5", "6"]
    assert len(placed) == len(played)


def test_a_warp_bends_every_note() -> None:
    grid = steady_grid(120, 4)
    notes = ScoreNotes(tuple(ScoreNote(str(b), 0.0, 1.0, 60, 90, 0) for b in (1, 2, 3)), (0,))
    placed = place_notes(grid, notes, warp=lambda s: 1.0 + 1.5 * s)
    assert [(s.start, s.end) for s in placed] == [(1.0, 1.75), (4.0, 4.75), (7.0, 7.75)]


@needs_synth
def test_the_rendered_notes_sound_at_their_seconds() -> None:
    grid = steady_grid(60, 5)  # a bar is 4 s
    notes = ScoreNotes(tuple(ScoreNote(str(b), 0.0, 1.0, 60, 100, 0) for b in (2, 3, 5)), (0,))
    plain = synthesize(grid, notes)
    assert onsets(plain) == pytest.approx([4.0, 8.0, 16.0], abs=0.015)
    bent = synthesize(grid, notes, warp=lambda s: 0.5 + 0.75 * s, program=40)  # a violin
    assert onsets(bent) == pytest.approx([3.5, 6.5, 12.5], abs=0.03)


@needs_synth
def test_a_missing_soundfont_is_one_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CHOREO_SOUNDFONT", str(tmp_path / "none.sf2"))
    notes = ScoreNotes((ScoreNote("1", 0.0, 1.0, 60, 100, 0),), (0,))
    with pytest.raises(ChoreoError, match=r"none\.sf2: no such soundfont \(CHOREO_SOUNDFONT\)"):
        synthesize(steady_grid(120, 2), notes)


def test_a_score_without_notes_is_refused() -> None:
    with pytest.raises(ChoreoError, match="the score has no notes to play"):
        synthesize(steady_grid(120, 2), ScoreNotes((), (0,)))
