"""What the editor's workers and widgets tell the screen.

Workers run in threads and never touch widgets: they post one of these and the screen
updates itself on the UI thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual.message import Message

from choreo.checks import Diagnostic
from choreo.errors import ChoreoError
from choreo.model import Scene
from choreo.placement import Spot
from choreo.store import SceneFile
from choreo.timing import MeasureMap
from choreo.tui.saving import Opened


@dataclass
class SceneOpened(Message):
    """The scene file chosen was read, ready to edit."""

    opened: Opened


@dataclass
class SceneRead(Message):
    """The open scene's file was read again (a reload)."""

    scene_file: SceneFile


@dataclass
class ScoreRead(Message):
    """The scene's score was read into a measure map, for the scene's score settings
    ``key`` (:func:`choreo.scene_score.score_key`)."""

    measures: MeasureMap
    seconds: float
    key: tuple[object, ...]


@dataclass
class SceneAnalysed(Message):
    """Every beat placed and checked; ``generation`` says which edit it describes."""

    generation: int
    placed: list[Spot]
    diagnostics: list[Diagnostic]


@dataclass
class SceneSaved(Message):
    scene_file: SceneFile
    scene: Scene


@dataclass
class OpeningFailed(Message):
    """The scene named on the command line cannot be opened: the app ends with this error."""

    error: ChoreoError


@dataclass
class SceneChosen(Message):
    """A scene was picked from a folder."""

    path: Path


@dataclass
class BackToScenes(Message):
    """The editor of ``path`` is done: show the scene list of its folder."""

    path: Path


@dataclass
class ScoreSynced(Message):
    """The beats were written into a copy of the score and the scene saved with its record."""

    scene_file: SceneFile
    summary: str


@dataclass
class SheetExported(Message):
    path: Path


@dataclass
class FieldEdited(Message):
    """The user finished editing a field of the beat in row ``index``: one of the beat's
    own, or with ``performer`` one part (ballet, combat, reaction) of their action."""

    index: int
    beat_id: str
    field: str
    text: str
    performer: str | None = None


@dataclass
class DiagnosticChosen(Message):
    """The user chose a diagnostic: show its beat."""

    beat_id: str | None
