"""What every export format shares: each scene's beats placed in time, at one speed.

A :class:`SceneSheet` is one scene as the crew will read it: its beats with seconds,
timecodes and counts at the chosen rehearsal speed, each beat's combat risk from the
vocabulary, and, for a cue sheet, only the beats one performer is in.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from choreo.checks import SAFETY_RISK
from choreo.errors import ChoreoError
from choreo.model import Beat, Scene
from choreo.placement import FULL_SPEED, PlacedBeat, Spot, UnplacedBeat, place_beats
from choreo.store import SceneFile
from choreo.timing import MeasureMap
from choreo.vocabulary import Vocabulary

SLOWEST, FASTEST = 0.1, 2.0
# The speeds a fight call runs at, by the names the crew use.
SPEED_NAMES = {0.25: "quarter speed", 0.5: "half speed", 0.75: "three-quarter speed"}

MeasuresFor = Callable[[SceneFile], MeasureMap]

# Every line break (and other control character) becomes a space: one note, one line.
LINE_BREAKS: dict[int, str] = {code: " " for code in (*range(0x20), 0x7F, 0x85, 0x2028, 0x2029)}


@dataclass(frozen=True, slots=True)
class SheetBeat:
    """A beat of the sheet, placed or not, with what the sheet says about it beyond its time."""

    spot: Spot
    number: int  # 1-based place in the scene
    risk: int | None  # the combat action's risk, None when the vocabulary lacks it

    @property
    def beat(self) -> Beat:
        return self.spot.beat

    @property
    def placed(self) -> PlacedBeat | None:
        """The beat in time, or ``None`` when the score has no place for it."""
        return self.spot if isinstance(self.spot, PlacedBeat) else None

    @property
    def problem(self) -> str | None:
        """Why the beat has no place in the score (``None`` when it has one)."""
        return self.spot.problem if isinstance(self.spot, UnplacedBeat) else None

    @property
    def needs_safety(self) -> bool:
        return self.risk is not None and self.risk >= SAFETY_RISK


@dataclass(frozen=True, slots=True)
class SceneSheet:
    """One scene's beat sheet (or one performer's cue sheet) at one speed."""

    scene: Scene
    measures: MeasureMap
    beats: tuple[SheetBeat, ...]  # every beat, or the performer's, in scene order
    speed: float
    performer: str | None = None

    @property
    def placed(self) -> list[PlacedBeat]:
        return [b.spot for b in self.beats if isinstance(b.spot, PlacedBeat)]

    @property
    def start_seconds(self) -> float | None:
        return min((p.start_seconds for p in self.placed), default=None)

    @property
    def end_seconds(self) -> float | None:
        return max((p.end_seconds for p in self.placed), default=None)

    @property
    def duration_seconds(self) -> float:
        """From the first beat's start to the last beat's end, at the sheet's speed."""
        start, end = self.start_seconds, self.end_seconds
        return end - start if start is not None and end is not None else 0.0

    def tempo_range(self) -> tuple[float, float] | None:
        """Slowest and fastest score tempo (quarters per minute) across the fight."""
        tempos = self.measures.tempos
        if not tempos:
            return None
        placed = self.placed
        if placed:
            start = min(p.start_offset for p in placed)
            end = max(p.end_offset for p in placed)
            inside = [t.qpm for t in tempos if start < t.offset < end]
            values = [self.measures.tempo_at(start), *inside]
        else:
            values = [t.qpm for t in tempos]
        return min(values), max(values)

    def partners(self, beat: Beat) -> list[str]:
        """Everyone in the beat but the cue sheet's performer."""
        return [who for who in beat.everyone() if who != self.performer]

    def name_of(self, performer: str) -> str:
        member = self.scene.member(performer)
        return member.name if member else performer


def build_sheets(
    scene_files: Sequence[SceneFile],
    *,
    performer: str | None = None,
    speed: float = FULL_SPEED,
    measures: MeasuresFor,
) -> list[SceneSheet]:
    """Each scene placed at ``speed``; for a performer, only scenes and beats with them.

    ``measures`` gives each scene's measure map: export reads no score itself."""
    check_speed(speed)
    if not scene_files:
        raise ChoreoError("no scenes to export")
    if performer is not None:
        scene_files = [sf for sf in scene_files if _appears_in(performer, sf.scene)]
        if not scene_files:
            raise ChoreoError(
                f"no scene has a performer {performer!r}",
                hint="give a cast id from the scene's cast list",
            )
    bundled = Vocabulary.bundled()
    sheets = []
    for scene_file in scene_files:
        scene = scene_file.scene
        measure_map = measures(scene_file)
        vocabulary = bundled.with_scene_moves(scene.moves)
        risks: dict[str, int | None] = {}
        beats = []
        for number, spot in enumerate(place_beats(scene, measure_map, speed=speed), start=1):
            if performer is not None and performer not in spot.beat.everyone():
                continue
            combat = spot.beat.combat
            if combat is not None and combat not in risks:
                move = vocabulary.lookup(combat, "combat")
                risks[combat] = move.risk if move is not None else None
            beats.append(SheetBeat(spot, number, risks[combat] if combat is not None else None))
        sheets.append(SceneSheet(scene, measure_map, tuple(beats), speed, performer))
    return sheets


def check_speed(speed: float) -> None:
    if not SLOWEST <= speed <= FASTEST:
        raise ChoreoError(
            f"speed {speed:g} is outside {SLOWEST:g}..{FASTEST:g}",
            hint="fight call runs at 0.25, 0.5 or 0.75; full speed is 1",
        )


def speed_label(speed: float) -> str:
    """``0.5`` → ``half speed (0.5×)``; full speed is ``full speed``."""
    if speed == FULL_SPEED:
        return "full speed"
    name = SPEED_NAMES.get(speed)
    return f"{name} ({speed:g}×)" if name else f"{speed:g}× speed"


def one_line(text: str) -> str:
    """Scene text on one line, for a table row, a list item or a MIDI marker."""
    return text.translate(LINE_BREAKS).strip()


def _appears_in(performer: str, scene: Scene) -> bool:
    return performer in scene.cast_ids() or any(performer in b.everyone() for b in scene.beats)
