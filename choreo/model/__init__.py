"""The scene file format as pydantic models; imports neither Textual nor music21."""

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
    "Position",
    "Scene",
    "ScoreRef",
    "SyncRecord",
    "TempoChange",
    "TempoSummary",
    "format_beat",
    "id_from",
    "next_beat_id",
]
