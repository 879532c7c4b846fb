"""``diagnose``: every rule over one scene, the one way ``choreo check`` and the editor
check a scene."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from choreo.checks.beats import check_beats
from choreo.checks.registry import Diagnostic, Findings
from choreo.checks.score import ScoreReading, check_drift, check_score
from choreo.model import Scene
from choreo.placement import Spot, place_beats
from choreo.vocabulary import Vocabulary


@dataclass(frozen=True, slots=True)
class Diagnosis:
    """The scene's beats placed on the score, and what the rules found."""

    placed: list[Spot]
    diagnostics: list[Diagnostic]


def _no_line(_: str) -> int | None:
    return None


def diagnose(
    scene: Scene,
    score: ScoreReading,
    vocabulary: Vocabulary,
    *,
    line_of: Callable[[str], int | None] = _no_line,
) -> Diagnosis:
    """Place the beats once and run every rule: the note on the score first, then each
    beat in sheet order, then what moved since the last sync.

    ``line_of`` gives a beat's line in the scene file, for diagnostics that name a beat.
    """
    findings = Findings(line_of)
    placed = place_beats(scene, score.measures)
    check_score(scene, score, findings)
    check_beats(scene, vocabulary.with_scene_moves(scene.moves), score.measures, placed, findings)
    check_drift(scene, score, placed, findings)
    return Diagnosis(placed, findings.diagnostics)
