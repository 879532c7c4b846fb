"""The scene file format: a scene, its score settings, its cast and its beats."""

from __future__ import annotations

import re
import unicodedata
from pathlib import PurePath
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    field_validator,
    model_validator,
)

from choreo.model.cue import Cue
from choreo.model.position import PositionField
from choreo.model.recording import SyncPoint, check_sync_points
from choreo.model.synced import SyncRecord
from choreo.model.timecode import Timecode

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"
Identifier = Annotated[str, Field(pattern=ID_PATTERN, max_length=64)]
ShortText = Annotated[str, Field(max_length=2000)]

Palette = Literal["grief", "rage", "doubt", "memory", "dread", "hope"]
# The film's colours: cold blue grief, deep red rage, faded grey doubt; candle amber for
# memory (flashbacks), sickly green dread, dawn gold hope.
PALETTE_COLOURS: dict[str, str] = {
    "grief": "#4a78b5",
    "rage": "#b3202a",
    "doubt": "#8c8c8c",
    "memory": "#d9a441",
    "dread": "#5f7a3a",
    "hope": "#e8c766",
}

RehearsalStatus = Literal["idea", "blocked", "marking", "half-speed", "full-speed", "camera-ready"]
Distance = Literal["out", "in", "close"]
# What a combat action is fought with: the SAFD disciplines, firearms and found objects.
WeaponClass = Literal[
    "unarmed", "knife", "sword", "rapier-dagger", "quarterstaff", "firearm", "found-object"
]
FPS_CHOICES = (23.976, 24, 25, 29.97, 30)


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True, populate_by_name=True)


class ScoreRef(StrictModel):
    """Which score the beats follow and how its time is told."""

    file: ShortText | None = Field(
        default=None,
        description="score file relative to the scene file, or corpus:PATH for music21's corpus",
    )
    part: Annotated[int, Field(ge=0)] | ShortText = Field(
        default=0, description="whose measures to follow: part index or part name"
    )
    tempo: Annotated[float, Field(ge=1, le=1000)] = Field(
        default=120, description="quarter notes per minute, used only where the score has none"
    )
    fps: float = Field(
        default=24,
        description="frame rate for SMPTE timecode; 29.97 is drop-frame",
        json_schema_extra={"enum": list(FPS_CHOICES)},
    )
    start: Annotated[str, Field(pattern=r"^\d\d:\d\d:\d\d[:;]\d\d$")] = Field(
        default="01:00:00:00", description="SMPTE timecode of the score's first beat"
    )
    order: Literal["written", "performed"] = Field(
        default="written", description="follow measures as written, or as performed (repeats)"
    )
    phrase: Annotated[int, Field(ge=2, le=32)] = Field(
        default=8, description="counts in a dancer's phrase"
    )
    recording: ShortText | None = Field(
        default=None,
        description="the recording the fight is rehearsed and shot to, relative to the scene "
        "file: WAV, FLAC, OGG or MP3",
    )
    sync: list[SyncPoint] = Field(
        default_factory=list,
        description="where bars fall in the recording, in its order (choreo align writes them)",
    )
    synced: SyncRecord | None = None
    # ``start`` read as a timecode once, when start or fps is set; the file keeps the text.
    _start_timecode: Timecode = PrivateAttr(default=Timecode(86400, 24))

    @property
    def start_timecode(self) -> Timecode:
        """The SMPTE timecode of the score's first beat, at the scene's frame rate."""
        return self._start_timecode

    @field_validator("fps")
    @classmethod
    def _film_rate(cls, fps: float) -> float:
        if fps not in FPS_CHOICES:
            raise ValueError(f"fps {fps:g} is not one of 23.976, 24, 25, 29.97, 30")
        return fps

    @field_validator("sync")
    @classmethod
    def _time_runs_forwards(cls, points: list[SyncPoint]) -> list[SyncPoint]:
        check_sync_points(points)
        return points

    @model_validator(mode="after")
    def _start_fits_the_rate(self) -> ScoreRef:
        # Frames count from 0 to fps - 1: "00:00:00:24" at 24 fps has no frame to be.
        self._start_timecode = Timecode.parse(self.start, self.fps)
        return self

    @property
    def file_name(self) -> str:
        """The score as a person names it: ``corpus:PATH`` as written, else the file's name."""
        reference = self.file or ""
        return reference if reference.startswith("corpus:") else PurePath(reference).name


# Where a dropped prop lies, and where a picked-up one comes from, in ``handoffs``.
FLOOR = "floor"


class CastMember(StrictModel):
    id: Identifier
    name: ShortText
    double: ShortText | None = Field(default=None, description="stunt double, by name")
    doubles: Identifier | None = Field(
        default=None, description="the cast id of the character this performer doubles"
    )
    role: ShortText | None = None
    props: list[ShortText] = Field(
        default_factory=list, description="weapons and props held when the scene starts"
    )

    @field_validator("id")
    @classmethod
    def _not_the_floor(cls, member_id: str) -> str:
        if member_id == FLOOR:
            raise ValueError("'floor' is where dropped props lie; choose another id")
        return member_id


class Action(StrictModel):
    """What one performer does in a beat: a column of paper fight notation."""

    performer: Identifier
    ballet: ShortText | None = None
    combat: ShortText | None = None
    reaction: ShortText | None = Field(
        default=None, description="a sell, fall or other reaction, e.g. head snap"
    )

    def named_moves(self) -> list[str]:
        """The ballet move, combat action and reaction this performer names, in that order."""
        return [m for m in (self.ballet, self.combat, self.reaction) if m and m.strip()]


class Handoff(StrictModel):
    """A prop changing hands after the beat's action: a pass, throw, drop or pick-up."""

    prop: ShortText
    from_: Identifier = Field(alias="from", description="cast id, or floor for a pick-up")
    to: Identifier = Field(description="cast id, or floor for a drop")


class BalletMove(StrictModel):
    """A ballet move a scene adds to the vocabulary."""

    kind: Literal["ballet"]
    name: ShortText
    aliases: list[ShortText] = Field(default_factory=list)
    family: Literal["turn", "jump", "step", "pose", "linking"] = "step"
    counts: Annotated[float, Field(gt=0, le=64)] = 1
    definition: ShortText | None = Field(default=None, description="one plain sentence")


class CombatMove(StrictModel):
    """A combat action a scene adds to the vocabulary."""

    kind: Literal["combat"]
    name: ShortText
    aliases: list[ShortText] = Field(default_factory=list)
    category: Literal[
        "strike",
        "kick",
        "block",
        "parry",
        "grab",
        "throw",
        "fall",
        "blade",
        "firearm",
        "evade",
        "choke",
        "lift",
    ] = "strike"
    risk: Annotated[int, Field(ge=1, le=5)] = 2
    prop: ShortText | None = None
    weapon_class: WeaponClass | None = Field(
        default=None, description="default: from the prop (knife, sword, pistol...), else unarmed"
    )
    definition: ShortText | None = Field(default=None, description="one plain sentence")


class ReactionMove(StrictModel):
    """A reaction (a sell, knap, recoil or fall) a scene adds to the vocabulary."""

    kind: Literal["reaction"]
    name: ShortText
    aliases: list[ShortText] = Field(default_factory=list)
    category: Literal["sell", "knap", "recoil", "fall"] = "sell"
    risk: Annotated[int, Field(ge=1, le=5)] = 1
    definition: ShortText | None = Field(default=None, description="one plain sentence")


CustomMove = Annotated[BalletMove | CombatMove | ReactionMove, Field(discriminator="kind")]


class Beat(StrictModel):
    """One beat of the fight: a ballet move and a combat action on a measure and beat."""

    id: Identifier
    at: PositionField
    pass_number: Annotated[int, Field(ge=1, le=99)] | None = Field(
        default=None, alias="pass", description="which time through, in performed order"
    )
    length: Annotated[float, Field(gt=0, le=1024)] | None = Field(
        default=None, description="beats; default: up to the next beat (the last: to the barline)"
    )
    ballet: ShortText | None = None
    combat: ShortText | None = None
    performers: list[Identifier] = Field(default_factory=list)
    attacker: Identifier | None = Field(default=None, description="who delivers the action")
    partner: Identifier | None = Field(default=None, description="who receives or reacts")
    target: ShortText | None = Field(default=None, description="body target, e.g. ribs")
    line: ShortText | None = Field(default=None, description="line of attack, e.g. high inside")
    weapon: ShortText | None = Field(default=None, description="prop used, from the cast's props")
    distance: Distance | None = Field(
        default=None, description="out of distance, in distance, or close (grappling)"
    )
    contact: bool = Field(default=False, description="true when the action makes contact")
    intensity: int = Field(default=3, strict=True, description="1..5")
    hit: bool = Field(default=False, description="the impact should land on a strong beat")
    cue: Cue | None = Field(
        default=None,
        description="what starts the beat; 'rehearsal A' or 'text \"dolce\"' name a mark "
        "the score prints",
    )
    status: RehearsalStatus = Field(default="idea", description="rehearsal status")
    camera: ShortText | None = None
    safety: ShortText | None = None
    notes: ShortText | None = None
    actions: list[Action] = Field(
        default_factory=list, description="what each performer does, one entry per performer"
    )
    doubles: dict[Identifier, Identifier] = Field(
        default_factory=dict, description="who performs in a character's place: {eve: kim}"
    )
    handoffs: list[Handoff] = Field(
        default_factory=list, description="props changing hands after this beat's action"
    )
    position: ShortText | None = Field(default=None, description="stage position, e.g. DSL")
    travel: ShortText | None = Field(default=None, description='travel, e.g. "US → DS"')
    setup: ShortText | None = Field(default=None, description="camera setup, e.g. 14C")

    @field_validator("performers")
    @classmethod
    def _no_repeated_performers(cls, performers: list[str]) -> list[str]:
        if len(set(performers)) != len(performers):
            raise ValueError("a performer is listed twice")
        return performers

    @field_validator("actions")
    @classmethod
    def _one_action_per_performer(cls, actions: list[Action]) -> list[Action]:
        seen: set[str] = set()
        for action in actions:
            if action.performer in seen:
                raise ValueError(f"performer {action.performer!r} has two actions")
            seen.add(action.performer)
        return actions

    def named_moves(self) -> list[str]:
        """The ballet move and the combat action, those the beat names, in that order."""
        return [move for move in (self.ballet, self.combat) if move and move.strip()]

    def everyone(self) -> list[str]:
        """Performers, attacker, partner and those with an action, each once, in that order."""
        names = list(self.performers)
        extras = [self.attacker, self.partner, *(action.performer for action in self.actions)]
        for extra in extras:
            if extra and extra not in names:
                names.append(extra)
        return names

    def action_of(self, performer: str) -> Action | None:
        """This performer's own action in the beat, when the beat gives one."""
        return next((a for a in self.actions if a.performer == performer), None)

    def performed_by(self, character: str) -> str:
        """Who really performs the character's part in this beat: a double, or the actor."""
        return self.doubles.get(character, character)


class Scene(StrictModel):
    """One fight: its facts, its score, its cast and its beats in order."""

    schema_version: Literal[1] = Field(default=1, alias="schema")
    id: Identifier
    title: ShortText
    location: ShortText | None = None
    palette: Palette | None = Field(default=None, description="the scene's colour")
    score: ScoreRef = Field(default_factory=ScoreRef)
    cast: list[CastMember] = Field(default_factory=list)
    moves: list[CustomMove] = Field(
        default_factory=list, description="moves this scene adds to the vocabulary"
    )
    beats: list[Beat] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _generate_missing_ids(cls, data: object) -> object:
        """Beats without an id get the next free ``bNN`` so every beat is addressable."""
        if not isinstance(data, dict) or not isinstance(data.get("beats"), list):
            return data
        beats = data["beats"]
        taken = {b.get("id") for b in beats if isinstance(b, dict) and isinstance(b.get("id"), str)}
        if all(isinstance(b, dict) and "id" in b for b in beats):
            return data
        data = dict(data)
        data["beats"] = [
            dict(b, id=next_beat_id(taken, reserve=True))
            if isinstance(b, dict) and "id" not in b
            else b
            for b in beats
        ]
        return data

    def cast_ids(self) -> set[str]:
        return {member.id for member in self.cast}

    def member(self, performer: str) -> CastMember | None:
        return next((m for m in self.cast if m.id == performer), None)

    def beat(self, beat_id: str) -> Beat | None:
        return next((b for b in self.beats if b.id == beat_id), None)


_BEAT_ID = re.compile(r"^b(\d+)$")
_NOT_ID = re.compile(r"[^A-Za-z0-9_.]+")


def id_from(text: str, limit: int = 64) -> str:
    """An id made from a name: accents dropped, every other character run a hyphen;
    empty when nothing is left (``"Café noir"`` → ``"Cafe-noir"``)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _NOT_ID.sub("-", plain).strip("-._")[:limit].rstrip("-._")


def next_beat_id(taken: set[object], *, reserve: bool = False) -> str:
    """The next ``bNN`` after the highest one taken (two digits at least)."""
    highest = 0
    for beat_id in taken:
        match = _BEAT_ID.match(beat_id) if isinstance(beat_id, str) else None
        if match:
            highest = max(highest, int(match.group(1)))
    new_id = f"b{highest + 1:02d}"
    if reserve:
        taken.add(new_id)
    return new_id
