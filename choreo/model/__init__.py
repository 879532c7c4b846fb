"""The scene file format as pydantic models; imports neither Textual nor music21."""

from choreo.model.cue import MarkCue, cue_for
from choreo.model.position import Position, format_beat
from choreo.model.scene import (
    PALETTE_COLOURS,
    BalletMove,
    Beat,
    CastMember,
    CombatMove,
    Scene,
    ScoreRef,
    id_from,
    next_beat_id,
)
from choreo.model.synced import Anchor, SyncRecord, TempoChange, TempoSummary

__all__ = [
    "PALETTE_COLOURS",
    "Anchor",
    "BalletMove",
    "Beat",
    "CastMember",
    "CombatMove",
    "MarkCue",
    "Position",
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
