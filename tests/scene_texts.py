"""Scene files for tests and benchmarks, written as a fight director would write them:
small ones by hand, long ones from :func:`long_scene_text`; :func:`write_scene` puts one
on disk."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ruamel.yaml.comments import CommentedMap

from choreo.model import Scene
from choreo.store import SceneFile

# Eve with a knife and a pistol, and Guard 1: the cast of the scenes written here.
CAST = """\
cast:
  - id: eve
    name: Eve
    double: Stunt double A
    props: [knife, pistol]
  - id: guard1
    name: Guard 1
"""

PLAIN_SCENE = f"""\
# A rooftop fight, no score yet.
schema: 1
id: rooftop
title: Rooftop at dawn
palette: doubt   # faded grey
score:
  tempo: 120
{CAST}beats:
  # the approach
  - id: b01
    at: "1:1"
    ballet: pas de bourrée
    combat: dodge
    performers: [eve]
    intensity: 2
  - id: b02
    at: "2:1"
    length: 2
    ballet: pirouette
    combat: knife slash
    performers: [eve, guard1]
    attacker: eve
    partner: guard1
    intensity: 3
    hit: true
    safety: blade is a rubber training knife
    notes: "Slash on the turn's exit | not on the spot"

  # the finish
  - id: b03
    at: "3:1"
    ballet: sissonne
    combat: jab
    performers: [guard1]
    intensity: 3
"""


def write_scene(folder: Path, text: str = PLAIN_SCENE, name: str = "rooftop.yaml") -> Path:
    """The scene text as ``folder/name`` (the folder made when missing)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


LONG_SCENE_MOVES = (
    ("plié", "block"),
    ("pirouette", "punch"),
    ("arabesque", "jab"),
    ("tombé", "dodge"),
    ("grand jeté", "flying kick"),
)

_LONG_HEAD = """\
# A long rehearsal scene: every beat a ballet move and a combat action.
schema: 1
id: marathon
title: {title}
palette: rage            # deep red
score:{score}
  tempo: 96
  fps: 24
  start: "01:00:00:00"
{cast}beats:
"""


def long_scene_text(
    beats: int, *, take: int = 1, score: str | None = None, places: Sequence[str] = ()
) -> str:
    """A scene of ``beats`` beats, four to a bar (or at ``places``, "M:B" each, on a
    ``score`` file), the moves in turn, a note on every beat and a cue every 25th.

    Ids are as wide as the count needs (``b01`` for 40 beats, ``b0001`` for 2,000).
    ``take`` 2 differs from take 1 in its title and every note, and is longer.
    """
    title = "The marathon" if take == 1 else "The marathon, second take with longer notes"
    head = _LONG_HEAD.format(title=title, score=f"\n  file: {score}" if score else "", cast=CAST)
    lines = [head.rstrip("\n")]
    width = max(2, len(str(beats)))
    for index in range(beats):
        ballet, combat = LONG_SCENE_MOVES[index % len(LONG_SCENE_MOVES)]
        measure, beat = divmod(index, 4)
        at = places[index] if places else f"{measure + 1}:{beat + 1}"
        notes = f"Take {take}, she clears the pit, count {index % 8 + 1}."
        if take != 1:
            notes += " Slower on the landing."
        lines += [
            f"  - id: b{index + 1:0{width}d}",
            f'    at: "{at}"       # beat {index + 1}',
            f"    ballet: {ballet}",
            f"    combat: {combat}",
            "    performers: [eve, guard1]" if index % 2 else "    performers: [eve]",
            f"    intensity: {index % 5 + 1}",
            f"    notes: {notes}",
        ]
        if index % 25 == 24:
            lines.append(f"    cue: section {index // 25 + 1}")
        lines.append("")
    return "\n".join(lines)


def in_memory(scene: Scene) -> SceneFile:
    """A scene as if read from a file, for code that takes a SceneFile but reads no disk."""
    return SceneFile(Path("memory.yaml"), scene, CommentedMap(), "", "", (4, 2))
