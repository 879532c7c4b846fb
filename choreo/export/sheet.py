"""What every export format shares: each scene's beats placed in time, at one speed.

A :class:`SceneSheet` is one scene as the crew will read it: its beats with seconds,
timecodes and counts at the chosen rehearsal speed, each beat's risk and hazards from the
vocabulary, and, for a cue sheet, only the beats one performer performs: their own, or
those where they double a character.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from choreo.checks import Diagnostic, ScoreReading, diagnose
from choreo.custody import CustodyProblem, Holding, follow_custody, weapon_classes
from choreo.errors import ChoreoError
from choreo.model import Beat, Scene
from choreo.placement import FULL_SPEED, PlacedBeat, Spot, UnplacedBeat, place_beats
from choreo.store import SceneFile
from choreo.timing import MeasureMap
from choreo.vocabulary import Kind, Move, Vocabulary, normalize

SLOWEST, FASTEST = 0.1, 2.0
# The speeds a fight call runs at, by the names the crew use.
SPEED_NAMES = {0.25: "quarter speed", 0.5: "half speed", 0.75: "three-quarter speed"}
# A beat of this risk or more goes on the safety page whatever else it has: the
# vocabulary's 3 is kicks, throws, falls and blades.
SAFETY_PAGE_RISK = 3
# What else puts a beat on the safety page, in the order the page names them.
FIREARM, BLADE, FALL, CONTACT = "firearm", "blade", "fall", "contact"

MeasuresFor = Callable[[SceneFile], MeasureMap]

# Every line break (and other control character) becomes a space: one note, one line.
LINE_BREAKS: dict[int, str] = {code: " " for code in (*range(0x20), 0x7F, 0x85, 0x2028, 0x2029)}


@dataclass(frozen=True, slots=True)
class SheetBeat:
    """A beat of the sheet, placed or not, with what the sheet says about it beyond its time."""

    spot: Spot
    number: int  # 1-based place in the scene
    risk: int | None  # the highest of its combat actions and reactions; None: none known
    hazards: tuple[str, ...]  # firearm, blade, fall, contact: those the beat has
    weapons: tuple[str, ...]  # the beat's weapon (else its moves' props), props changing hands
    unknown_moves: tuple[str, ...]  # combat actions and reactions the vocabulary lacks
    holding: Holding  # who holds which prop as the beat starts, and after it
    part: str | None = None  # on a cue sheet: whose part the performer plays in this beat

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
    def on_safety_page(self) -> bool:
        """A firearm, a blade, a fall, contact or risk 3 or more, or a move whose risk
        nobody knows: the safety page lists it."""
        risky = self.risk is not None and self.risk >= SAFETY_PAGE_RISK
        return bool(self.hazards or self.unknown_moves) or risky


@dataclass(frozen=True, slots=True)
class SceneSheet:
    """One scene's beat sheet (or one performer's cue sheet) at one speed."""

    scene: Scene
    measures: MeasureMap
    beats: tuple[SheetBeat, ...]  # every beat, or the performer's, in scene order
    speed: float
    performer: str | None = None  # a cast id: the cue sheet's performer
    custody_problems: tuple[CustodyProblem, ...] = ()  # moves the sheet's beats cannot make
    check_errors: tuple[Diagnostic, ...] = ()  # what `choreo check` calls errors: a draft

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

    def partners(self, item: SheetBeat) -> list[str]:
        """Everyone in the beat but the part the cue sheet's performer plays."""
        return [who for who in item.beat.everyone() if who != item.part]

    def name_of(self, performer: str) -> str:
        member = self.scene.member(performer)
        return member.name if member else performer

    def doubled(self) -> list[str]:
        """The characters the cue sheet's performer doubles: the cast says so, or a beat."""
        member = self.scene.member(self.performer) if self.performer else None
        characters = [member.doubles] if member and member.doubles else []
        for item in self.beats:
            if item.part and item.part != self.performer and item.part not in characters:
                characters.append(item.part)
        return characters


def build_sheets(
    scene_files: Sequence[SceneFile],
    *,
    performer: str | None = None,
    speed: float = FULL_SPEED,
    measures: MeasuresFor,
) -> list[SceneSheet]:
    """Each scene placed at ``speed``; for a performer, only scenes and beats with them.

    ``performer`` is a cast id or a cast name, found in each scene on its own.
    ``measures`` gives each scene's measure map: export reads no score itself."""
    check_speed(speed)
    if not scene_files:
        raise ChoreoError("no scenes to export")
    cast_ids: list[str | None] = [None] * len(scene_files)
    if performer is not None:
        found = [(sf, find_performer(performer, sf)) for sf in scene_files]
        found = [(sf, who) for sf, who in found if who is not None]
        if not found:
            raise ChoreoError(
                f"no scene has a performer {performer!r}",
                hint="give a cast id or name from the scene's cast list",
            )
        scene_files = [sf for sf, _ in found]
        cast_ids = [who for _, who in found]
    bundled = Vocabulary.bundled()
    sheets = []
    for scene_file, who in zip(scene_files, cast_ids, strict=True):
        scene = scene_file.scene
        measure_map = measures(scene_file)
        vocabulary = bundled.with_scene_moves(scene.moves)
        custody = follow_custody(scene, vocabulary)
        beats = []
        for number, spot in enumerate(place_beats(scene, measure_map, speed=speed), start=1):
            part = part_played(spot.beat, who) if who is not None else None
            if who is not None and part is None:
                continue
            holding = custody.holdings[number - 1]
            beats.append(_sheet_beat(spot, number, vocabulary, holding, part))
        ids = {item.beat.id for item in beats}
        problems = tuple(problem for problem in custody.problems if problem.beat in ids)
        diagnosis = diagnose(scene, ScoreReading(measure_map), bundled)
        errors = tuple(d for d in diagnosis.diagnostics if d.severity == "error")
        sheets.append(SceneSheet(scene, measure_map, tuple(beats), speed, who, problems, errors))
    return sheets


def every_cue_sheet(
    scene_files: Sequence[SceneFile], *, speed: float = FULL_SPEED, measures: MeasuresFor
) -> list[SceneSheet]:
    """Every performer's cue sheet of every scene they have beats in: performer by
    performer, cast lists first, in the order they first appear; scenes in turn."""
    performers: dict[str, None] = {}
    for scene_file in scene_files:
        scene = scene_file.scene
        performers |= dict.fromkeys(member.id for member in scene.cast)
        for beat in scene.beats:
            performers |= dict.fromkeys([*beat.everyone(), *beat.doubles.values()])
    maps: dict[int, MeasureMap] = {}  # each scene's map read once, not once per performer

    def measures_once(scene_file: SceneFile) -> MeasureMap:
        if id(scene_file) not in maps:
            maps[id(scene_file)] = measures(scene_file)
        return maps[id(scene_file)]

    sheets = []
    for who in performers:
        built = build_sheets(scene_files, performer=who, speed=speed, measures=measures_once)
        sheets += [sheet for sheet in built if sheet.beats]
    return sheets


def find_performer(text: str, scene_file: SceneFile) -> str | None:
    """The cast id ``text`` names in the scene: an id, or a name or id with any case and
    accents (``"zoe durand"`` finds Zoë Durand); ``None`` when it names nobody there."""
    scene = scene_file.scene
    if scene.member(text) or any(
        text in beat.everyone() or text in beat.doubles.values() for beat in scene.beats
    ):
        return text
    key = normalize(text)
    matches = [m for m in scene.cast if key and key in (normalize(m.name), normalize(m.id))]
    if len(matches) > 1:
        named = ", ".join(f"{m.id} ({m.name})" for m in matches)
        raise ChoreoError(
            f"{text!r} could be any of {named}", where=scene_file.path, hint="give the cast id"
        )
    return matches[0].id if matches else None


def part_played(beat: Beat, performer: str) -> str | None:
    """Whose part ``performer`` plays in the beat: their own, a character they double
    there, or ``None`` when they are not in it."""
    if performer in beat.everyone():
        return performer
    return next((character for character, by in beat.doubles.items() if by == performer), None)


def _sheet_beat(
    spot: Spot, number: int, vocabulary: Vocabulary, holding: Holding, part: str | None
) -> SheetBeat:
    """The beat with its risk, hazards and weapons, as the scene's vocabulary knows its
    combat actions and reactions."""
    beat = spot.beat
    named: list[tuple[str, Kind]] = [(beat.combat, "combat")] if beat.combat else []
    for action in beat.actions:
        named += [(action.combat, "combat")] if action.combat else []
        named += [(action.reaction, "reaction")] if action.reaction else []
    moves: list[Move] = []
    unknown: list[str] = []
    for name, kind in named:
        move = vocabulary.lookup(name, kind)
        if move is not None:
            moves.append(move)
        elif name.strip():
            unknown.append(name)
    weapons = [beat.weapon] if beat.weapon else [m.prop for m in moves if m.prop]
    weapons += [transfer.prop for transfer in holding.transfers]  # a dropped pistol too
    found: set[str] = {*weapon_classes(beat, vocabulary)}
    if any(move.category == FALL for move in moves):
        found.add(FALL)
    if beat.contact:
        found.add(CONTACT)
    return SheetBeat(
        spot,
        number,
        risk=max((move.risk for move in moves), default=None),
        hazards=tuple(h for h in (FIREARM, BLADE, FALL, CONTACT) if h in found),
        weapons=tuple(dict.fromkeys(weapons)),
        unknown_moves=tuple(dict.fromkeys(unknown)),
        holding=holding,
        part=part,
    )


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
