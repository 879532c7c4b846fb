"""Scores: the only package that imports music21, and only inside functions.

A score file (MusicXML, .mxl, MIDI, ABC, Humdrum or ``corpus:PATH``) becomes choreo's own
frozen :class:`~choreo.timing.MeasureMap`; everything else in choreo works from that.
"""

from __future__ import annotations

from choreo.score.files import resolve_score, score_hash
from choreo.score.load import load_measure_map
from choreo.score.report import measure_map_json, measure_map_text

__all__ = [
    "load_measure_map",
    "measure_map_json",
    "measure_map_text",
    "resolve_score",
    "score_hash",
]
