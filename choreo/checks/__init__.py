"""Lint rules a fight director wants before rehearsal, each with a stable code.

:func:`diagnose` runs them all; the registry in :mod:`choreo.checks.registry` names them.
The rules get what they need passed in (a measure map, the score's hash), so nothing here
reads a score or draws a screen.
"""

from choreo.checks.beats import strong_beats
from choreo.checks.diagnose import Diagnosis, diagnose
from choreo.checks.registry import RULES, Diagnostic, Rule, Severity, has_errors, rule_table
from choreo.checks.score import ScoreReading
from choreo.checks.weapons import SAFETY_RISK

__all__ = [
    "RULES",
    "SAFETY_RISK",
    "Diagnosis",
    "Diagnostic",
    "Rule",
    "ScoreReading",
    "Severity",
    "diagnose",
    "has_errors",
    "rule_table",
    "strong_beats",
]
