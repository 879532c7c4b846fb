"""A large scene written as a fight director would write it, in two distinguishable takes."""

from __future__ import annotations

_HEAD = """\
# A long rehearsal scene: every beat a ballet move and a combat action.
schema: 1
id: marathon
title: {title}
palette: rage            # deep red
score:
  tempo: 96
  fps: 24
  start: "01:00:00:00"
cast:
  - id: eve
    name: Eve
    double: Stunt double A
    props: [knife, pistol]
  - id: guard1
    name: Guard 1
beats:
"""

_BEAT = """\
  - id: b{number:04d}
    at: "{measure}:{beat}"       # bar {measure}
    ballet: grand jeté
    combat: flying kick
    performers: [eve, guard1]
    intensity: {intensity}
    notes: {notes}
"""


def big_scene_text(beats: int = 2000, *, take: int = 1) -> str:
    """``take`` 2 differs from take 1 in its title and every note, and is longer."""
    title = "The marathon" if take == 1 else "The marathon, second take with longer notes"
    parts = [_HEAD.format(title=title)]
    for index in range(beats):
        notes = f"Take {take}, she clears the pit, count {index % 8 + 1}."
        if take != 1:
            notes += " Slower on the landing."
        parts.append(
            _BEAT.format(
                number=index + 1,
                measure=index // 4 + 1,
                beat=index % 4 + 1,
                intensity=index % 5 + 1,
                notes=notes,
            )
        )
    return "".join(parts)
