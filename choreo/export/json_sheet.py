"""The beat sheet as JSON for other tools: DESIGN.md's shape, the scene as its file has it.

Each beat also carries its time at the sheet's speed; times are the placement's own
floats, unrounded, so a tool can compare them with the score engine's.
"""

from __future__ import annotations

import json
from typing import Any

from choreo.export.sheet import SceneSheet, SheetBeat


def render_json(sheets: list[SceneSheet]) -> str:
    """The scene object for one scene; ``{"scenes": [...]}`` for several."""
    first = sheets[0]
    document: dict[str, Any]
    if len(sheets) == 1:
        document = scene_json(first)
    else:
        document = {"scenes": [scene_json(sheet) for sheet in sheets]}
        document["duration_seconds"] = sum(sheet.duration_seconds for sheet in sheets)
    document["speed"] = first.speed
    if first.performer is not None:
        document["performer"] = first.performer
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def scene_json(sheet: SceneSheet) -> dict[str, Any]:
    scene = sheet.scene.model_dump(mode="json", by_alias=True)
    scene["beats"] = [_beat_json(item, scene["beats"][item.number - 1]) for item in sheet.beats]
    scene["duration_seconds"] = sheet.duration_seconds
    scene["speed"] = sheet.speed
    return scene


def _beat_json(item: SheetBeat, dumped: dict[str, Any]) -> dict[str, Any]:
    spot = item.placed
    beat = dumped | {
        "number": item.number,
        "start_seconds": spot.start_seconds if spot else None,
        "end_seconds": spot.end_seconds if spot else None,
        "seconds": spot.seconds if spot else None,
        "length_beats": spot.length_beats if spot else None,
        "timecode": str(spot.timecode) if spot else None,
        "end_timecode": str(spot.end_timecode) if spot else None,
        "counts": str(spot.counts) if spot else None,
        "risk": item.risk,
        "hazards": list(item.hazards),
        "weapons": list(item.weapons),
        "unknown_moves": list(item.unknown_moves),
        "safety_page": item.on_safety_page,
        "performed_by": {who: item.beat.performed_by(who) for who in item.beat.everyone()},
        "problem": item.problem,
    }
    # The armourer's list: who holds which prop as the beat starts, and after it.
    holding = item.holding
    beat["holds"] = {who: list(props) for who, props in holding.before.items()}
    beat["holds_after"] = {who: list(props) for who, props in holding.after.items()}
    beat["changes_hands"] = [
        {"prop": t.prop, "from": t.from_, "to": t.to, "how": t.how} for t in holding.transfers
    ]
    if item.part is not None:
        beat["part"] = item.part  # on a cue sheet: whose part the performer plays here
    return beat
