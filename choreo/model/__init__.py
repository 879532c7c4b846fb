"""The scene file format as pydantic models; imports neither Textual nor music21."""

from choreo.model.cue import MarkCue, cue_for
from choreo.model.position import Position, format_beat
from choreo.model.scene import (
    FLOOR,
    PALETTE_COLOURS,
    Action,
    BalletMove,
    Beat,
    CastMember,
    CombatMove,
    Handoff,
    ReactionMove,
    Scene,
    ScoreRef,
    id_from,
    next_beat_id,
)
from choreo.model.synced import Anchor, SyncRecord, TempoChange, TempoSummary

__all__ = [
    "FLOOR",
    "PALETTE_COLOURS",
    "Action",
    "Anchor",
    "BalletMove",
    "Beat",
    "CastMember",
    "CombatMove",
    "Handoff",
    "MarkCue",
    "Position",
    "ReactionMove",
    "Scene",
    "ScoreRef",
    "SyncRecord",
    "TempoChange",
    "TempoSummary",
    "cue_for",
    "format_beat",
    "id_from",
    "next_beat_id",
]
