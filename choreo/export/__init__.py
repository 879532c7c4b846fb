"""Beat sheets out: Markdown, CSV, JSON, per-performer cue sheets, a MIDI click track and
the printed sheet with cue cards (PDF).

One entry point, :func:`export_scenes`, used by ``choreo export`` and the editor. Every
format starts from the same :class:`~choreo.export.sheet.SceneSheet`: the beats placed at
the rehearsal speed, filtered to one performer for a cue sheet.
"""

from __future__ import annotations

from typing import Literal

from choreo.errors import ChoreoError
from choreo.export.csv_sheet import render_csv
from choreo.export.json_sheet import render_json
from choreo.export.markdown import render_markdown
from choreo.export.midi import COUNT_IN_BARS, render_midi
from choreo.export.sheet import (
    MeasuresFor,
    SceneSheet,
    build_sheets,
    every_cue_sheet,
    speed_label,
)
from choreo.placement import FULL_SPEED
from choreo.store import SceneFile

Format = Literal["md", "csv", "json", "midi", "pdf"]
FORMATS: tuple[Format, ...] = ("md", "csv", "json", "midi", "pdf")


def export_scenes(
    scene_files: list[SceneFile],
    *,
    format: Format = "md",
    performer: str | None = None,
    speed: float = FULL_SPEED,
    count_in: int = COUNT_IN_BARS,
    measures: MeasuresFor,
) -> bytes:
    """The scenes as one document: UTF-8 text for md, csv and json; a MIDI file for midi;
    for pdf the sheet, then cue cards: every performer's, or the one performer's.

    ``performer`` makes a cue sheet of that cast id's beats; ``speed`` (0.25..1 at fight
    call) recomputes seconds and timecodes; ``measures`` gives each scene's measure map
    (``choreo.scene_score.measures_of``: its score, or a steady grid); ``count_in`` is
    the bars of clicks a MIDI file starts with.
    """
    if format not in FORMATS:
        raise ChoreoError(f"unknown export format {format!r}; expected one of {', '.join(FORMATS)}")
    if format == "midi" and len(scene_files) != 1:
        raise ChoreoError("MIDI export takes one scene", hint="export each scene on its own")
    sheets = build_sheets(scene_files, performer=performer, speed=speed, measures=measures)
    if format == "midi":
        return render_midi(sheets[0], count_in=count_in)
    if format == "pdf":
        from choreo.export.pdf import render_pdf  # typst loads only for a PDF

        if performer is None:
            cards = every_cue_sheet(scene_files, speed=speed, measures=measures)
        else:  # a performer named in a scene's cast but in none of its beats has no card
            cards = [sheet for sheet in sheets if sheet.beats]
        return render_pdf(sheets, cards)
    render = {"md": render_markdown, "csv": render_csv, "json": render_json}[format]
    return render(sheets).encode("utf-8")


__all__ = ["FORMATS", "Format", "SceneSheet", "build_sheets", "export_scenes", "speed_label"]
