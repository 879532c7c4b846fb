"""Measure maps built without music21, shaped like real scores, for export and edit tests."""

from __future__ import annotations

from choreo.timing import MeasureMap, TempoMark, build_measures


def score_with_meter_and_tempo_changes() -> MeasureMap:
    """A one-beat pickup, four bars of 4/4 at 96, four of 6/8 at 72, two of 3/4 at 140."""
    rows = [("0", 1.0, "4/4", 4, 1.0, 4.0)]
    rows += [(str(n), 4.0, "4/4", 4, 1.0, 1.0) for n in range(1, 5)]
    rows += [(str(n), 3.0, "6/8", 2, 1.5, 1.0) for n in range(5, 9)]
    rows += [(str(n), 3.0, "3/4", 3, 1.0, 1.0) for n in range(9, 11)]
    tempos = [TempoMark(0.0, 96.0), TempoMark(17.0, 72.0), TempoMark(29.0, 140.0)]
    return MeasureMap(build_measures(rows, tempos), tuple(tempos))


def pickup_then_waltz() -> MeasureMap:
    """A one-beat pickup in 4/4, two bars of 4/4, then two bars of 6/8 (two beats each)."""
    rows = [
        ("0", 1.0, "4/4", 4, 1.0, 4.0),
        ("1", 4.0, "4/4", 4, 1.0, 1.0),
        ("2", 4.0, "4/4", 4, 1.0, 1.0),
        ("3", 3.0, "6/8", 2, 1.5, 1.0),
        ("4", 3.0, "6/8", 2, 1.5, 1.0),
    ]
    tempos = [TempoMark(0.0, 120.0)]
    return MeasureMap(build_measures(rows, tempos), tuple(tempos))
