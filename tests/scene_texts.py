"""Small scene files for tests, written as a fight director would write them."""

from __future__ import annotations

from pathlib import Path

from ruamel.yaml.comments import CommentedMap

from choreo.model import Scene
from choreo.store import SceneFile

PLAIN_SCENE = """\
# A rooftop fight, no score yet.
schema: 1
id: rooftop
title: Rooftop at dawn
palette: doubt   # faded grey
score:
  tempo: 120
cast:
  - id: eve
    name: Eve
    double: Stunt double A
    props: [knife, pistol]
  - id: guard1
    name: Guard 1
beats:
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
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def in_memory(scene: Scene) -> SceneFile:
    """A scene as if read from a file, for code that takes a SceneFile but reads no disk."""
    return SceneFile(Path("memory.yaml"), scene, CommentedMap(), "", "", (4, 2))
