"""A measure map for people (an aligned table) and for machines (DESIGN.md's JSON shape)."""

from __future__ import annotations

from typing import Any

from choreo.model.position import format_beat
from choreo.timing import MeasureMap, clock


def measure_map_json(mm: MeasureMap) -> dict[str, Any]:
    """``{"parts", "part", "measures": [...], "duration_seconds"}`` plus a few extras."""
    performed = mm.order == "performed"
    measures = []
    for m in mm.measures:
        row: dict[str, Any] = {
            "number": m.number,
            "offset": _round(m.offset),
            "quarter_length": _round(m.quarter_length),
            "time_signature": m.time_signature,
            "tempo_qpm": _round(m.tempo_qpm),
            "start_seconds": _round(m.start_seconds),
            "seconds": _round(m.seconds),
            "beats": _round(m.quarter_length / m.beat_length),
            "first_beat": _round(m.first_beat),
        }
        if performed:
            row["pass"] = m.pass_number
        measures.append(row)
    return {
        "source": mm.source,
        "parts": list(mm.parts),
        "part": mm.part,
        "order": mm.order,
        "measures": measures,
        "tempos": [{"offset": _round(t.offset), "qpm": _round(t.qpm)} for t in mm.tempos],
        "marks": [
            {"text": k.text, "measure": k.measure, "beat": _round(k.beat), "kind": k.kind}
            for k in mm.marks
        ],
        "notes": list(mm.notes),
        "repeats": mm.repeats,
        "duration_seconds": _round(mm.duration_seconds),
    }


def measure_map_text(mm: MeasureMap) -> str:
    """An aligned table: measure, time signature, tempo, start and length in seconds, beats
    (a one-beat pickup in 4/4 has 1 beat, from beat 4) and, when performed, the pass."""
    performed = mm.order == "performed"
    lines = [_header(mm)]
    lines.extend(f"note: {note}" for note in mm.notes)
    if mm.repeats and not performed:
        lines.append("note: the score has repeats or jumps; --performed plays them")
    titles = ["measure", "time", "tempo", "start s", "seconds", "beats", "from beat"]
    if performed:
        titles.append("pass")
    rows = []
    for m in mm.measures:
        row = [
            m.number,
            m.time_signature,
            format_beat(round(m.tempo_qpm, 2)),
            f"{m.start_seconds:.3f}",
            f"{m.seconds:.3f}",
            format_beat(round(m.quarter_length / m.beat_length, 3)),
            format_beat(round(m.first_beat, 3)),
        ]
        if performed:
            row.append(str(m.pass_number))
        rows.append(row)
    widths = [max(len(title), *(len(r[i]) for r in rows)) for i, title in enumerate(titles)]
    lines.append("  ".join(t.rjust(w) for t, w in zip(titles, widths, strict=True)))
    lines.extend("  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) for r in rows)
    return "\n".join(lines)


def _header(mm: MeasureMap) -> str:
    parts = ", ".join(
        f"{i} {name}{' (followed)' if i == mm.part else ''}" for i, name in enumerate(mm.parts)
    )
    order = "performed order" if mm.order == "performed" else "written order"
    count = len(mm.measures)
    duration = mm.duration_seconds
    pieces = [
        f"parts: {parts or 'none'}",
        f"part {mm.part}",
        f"{count} measure{'s' if count != 1 else ''}",
        order,
        f"{clock(duration, 3)} ({duration:.3f} s)",
    ]
    if mm.source:
        pieces.insert(0, mm.source)
    return " · ".join(pieces)


def _round(value: float) -> float:
    return round(value, 6)
