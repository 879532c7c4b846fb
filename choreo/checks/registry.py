"""The check rules by their stable code, and the diagnostics they make.

The codes and the JSON shape of a diagnostic are a contract for users' scripts. The
README's table of rules is written from this registry by ``scripts/write_rule_table.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any, Literal

Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    severity: Severity
    catches: str  # one Markdown line: what the rule catches, as the README's table says it


RULES: dict[str, Rule] = {
    rule.code: rule
    for rule in (
        Rule(
            "unknown-move",
            "warning",
            "a move or reaction, the beat's or a performer's, not in the vocabulary "
            '(with "did you mean …")',
        ),
        Rule(
            "unknown-performer",
            "error",
            "an id not in the cast: a performer, attacker, partner, action, double (in a beat "
            "or the cast) or handoff",
        ),
        Rule(
            "undeclared-double",
            "warning",
            "a beat's double the cast does not declare as doubling that character",
        ),
        Rule("duplicate-beat-id", "error", "two beats with one id"),
        Rule(
            "unknown-prop",
            "error",
            "a beat's weapon or a handed-off prop that no cast member holds at the start (by "
            "name, or by kind: a rapier is a sword)",
        ),
        Rule(
            "missing-prop",
            "error",
            "a weapon used, disarmed or handed on by someone who does not hold it, or one of "
            "the kind the move needs (a rapier for a sword parry, a dagger for a knife slash), "
            "at that beat (cast props at the start, then disarms and handoffs); a beat's "
            "weapon not of that kind",
        ),
        Rule(
            "no-safety-note",
            "error",
            "a firearm or blade beat, or a move or reaction of risk 4 or 5, without a safety note",
        ),
        Rule("beats-out-of-order", "warning", "a beat placed before the beat above it"),
        Rule("performer-overlap", "error", "a performer in two beats at once"),
        Rule("intensity-range", "error", "intensity outside 1..5"),
        Rule("outside-score", "error", "a measure or beat the score does not have"),
        Rule("past-barline", "error", "a beat past the last beat of its bar"),
        Rule("hit-off-beat", "warning", "a `hit` not on a strong beat (the nearest one suggested)"),
        Rule(
            "too-short",
            "warning",
            "a beat with fewer seconds than its ballet moves need (their counts at ♩=200, "
            "twice class tempo)",
        ),
        Rule("score-changed", "warning", "the score changed since the scene was last synced"),
        Rule(
            "score-drift",
            "warning",
            "what moved since that sync: bars inserted, cut or changed (told by their music), "
            "length, tempi, each beat's bar or seconds",
        ),
        Rule(
            "score-unreadable",
            "error",
            "the editor could not read the score, so the beats sit on a steady grid "
            "(`check` stops on such a score instead: exit 2)",
        ),
        Rule(
            "written-order-repeats",
            "warning",
            "a scene in written order on a score with repeats: not the seconds the orchestra plays",
        ),
        Rule("no-score", "info", "no score: beats sit on a steady 4/4 grid"),
    )
}


@dataclass(frozen=True, slots=True)
class Diagnostic:
    code: str
    severity: Severity
    beat: str | None
    message: str
    line: int | None = None

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def has_errors(diagnostics: list[Diagnostic]) -> bool:
    return any(d.severity == "error" for d in diagnostics)


class Findings:
    """The diagnostics of one check, in the order the rules find them; each takes its
    rule's severity and, for a beat, the beat's line in the scene file."""

    def __init__(self, line_of: Callable[[str], int | None]) -> None:
        self.diagnostics: list[Diagnostic] = []
        self._line_of = line_of

    def add(self, code: str, beat: str | None, message: str) -> None:
        line = self._line_of(beat) if beat is not None else None
        self.diagnostics.append(Diagnostic(code, RULES[code].severity, beat, message, line))


def rule_table() -> str:
    """The README's table of rules, one row per rule in registry order."""
    rows = ["| code | severity | catches |", "|---|---|---|"]
    rows += [f"| `{r.code}` | {r.severity} | {r.catches} |" for r in RULES.values()]
    return "\n".join(rows) + "\n"
