"""What a rehearsal track says at each beat: "Eve: fouetté, knife slash".

A call names who moves and their moves. With fight notation (a beat's ``actions``) each
performer's action is called; otherwise the beat's ballet move and combat action, said
for everyone the beat names. Ballet moves are French and are spoken in
French, so "fouetté" is not read as English; everything else is spoken in English.
"""

from __future__ import annotations

from dataclasses import dataclass

from choreo.export.sheet import SceneSheet, one_line
from choreo.model import Beat, Scene
from choreo.placement import PlacedBeat

ENGLISH, FRENCH = "en", "fr"


@dataclass(frozen=True, slots=True)
class Words:
    """A run of a call spoken in one language."""

    text: str
    language: str


@dataclass(frozen=True, slots=True)
class Call:
    """What is said when a beat starts, in runs of one language each."""

    beat: PlacedBeat
    words: tuple[Words, ...]

    @property
    def text(self) -> str:
        """The call as written: the label of the beat's cue marker."""
        return "".join(w.text for w in self.words)

    @property
    def label(self) -> str:
        """``b07 Eve: fouetté, knife slash``: what a DAW shows at the beat."""
        return f"{self.beat.beat.id} {self.text}".strip()


def calls_of(sheet: SceneSheet) -> list[Call]:
    """A call for every placed beat of the sheet, in time order; on a cue sheet, only the
    performer's own action where the beat gives each performer's."""
    calls = []
    for item in sheet.beats:
        placed = item.placed
        if placed is not None:
            calls.append(Call(placed, tuple(_words(sheet.scene, placed.beat, item.part))))
    return sorted(calls, key=lambda call: call.beat.start_seconds)


def _words(scene: Scene, beat: Beat, part: str | None) -> list[Words]:
    """Each performer's part of the call: the name, a colon, the moves by commas."""
    said: list[tuple[list[str], list[tuple[str | None, str]]]] = []
    for action in beat.actions:
        if part is None or action.performer == part:
            moves = [(action.ballet, FRENCH), (action.combat, ENGLISH), (action.reaction, ENGLISH)]
            said.append(([action.performer], moves))
    if not said:  # the beat's moves are the beat's: everyone in it is named
        said.append((beat.everyone(), [(beat.ballet, FRENCH), (beat.combat, ENGLISH)]))
    words: list[Words] = []
    for who, moves in said:
        named = [(one_line(move), language) for move, language in moves if move and move.strip()]
        if not named:
            continue
        if words:
            words.append(Words(". ", ENGLISH))
        if who:
            names = [one_line(m.name) if (m := scene.member(w)) else w for w in who]
            listed = ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]
            words.append(Words(f"{listed}: ", ENGLISH))
        for number, (move, language) in enumerate(named):
            if number:
                words.append(Words(", ", ENGLISH))
            words.append(Words(move, language))
    return words
