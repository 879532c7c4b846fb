"""MIDI files written with mido, as a DAW writes them, and mido's own seconds for their bars.

Shared by the MIDI tests and the truth audit (``python -m benchmarks truth``). The writer
knows where every bar starts because it lays the bars itself; :func:`bar_seconds` turns
those ticks into seconds with nothing but mido, so it never asks choreo what it is checking.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path

import mido

TICKS_PER_BEAT = 480


def write_midi(
    path: Path,
    meters: Sequence[str],
    *,
    tempos: Sequence[tuple[int, float]] = (),
    markers: Sequence[tuple[int, str]] = (),
    cues: Sequence[tuple[int, str]] = (),
    ticks_per_beat: int = TICKS_PER_BEAT,
    parts: Sequence[str] = ("Strings",),
    single_track: bool = False,
) -> list[int]:
    """One bar per meter (``"7/8"``), a note on every beat unit of each part, tempo changes
    (tick, quarter notes per minute), markers and cue points; returns each bar's start tick.

    A time signature is written where the meter changes; type 1 keeps tempo, meter and
    markers in a conductor track, ``single_track`` writes a type 0 file.
    """
    conductor: list[tuple[int, mido.MetaMessage]] = []
    notes: list[tuple[int, mido.Message]] = []
    starts: list[int] = []
    tick = 0
    previous = ""
    for meter in meters:
        top, bottom = (int(n) for n in meter.split("/"))
        unit = Fraction(4 * ticks_per_beat, bottom)
        if unit.denominator != 1:
            raise ValueError(f"{ticks_per_beat} ticks per beat cannot hold a {meter} bar")
        if meter != previous:
            change = mido.MetaMessage("time_signature", numerator=top, denominator=bottom)
            conductor.append((tick, change))
            previous = meter
        starts.append(tick)
        for beat in range(top):
            at = tick + beat * int(unit)
            notes.append((at, mido.Message("note_on", note=62, velocity=80)))
            notes.append((at + int(unit) - 1, mido.Message("note_off", note=62, velocity=0)))
        tick += top * int(unit)
    conductor += [(t, mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(q))) for t, q in tempos]
    conductor += [(t, mido.MetaMessage("marker", text=text)) for t, text in markers]
    conductor += [(t, mido.MetaMessage("cue_marker", text=text)) for t, text in cues]
    song = mido.MidiFile(type=0 if single_track else 1, ticks_per_beat=ticks_per_beat)
    if single_track:
        song.tracks.append(_track(conductor + notes))
    else:
        song.tracks.append(_track(conductor, name="conductor"))
        for channel, name in enumerate(parts):
            played = [(t, m.copy(channel=channel)) for t, m in notes]
            song.tracks.append(_track(played, name=name))
    song.save(path)
    return starts


def bar_seconds(path: Path, ticks: Sequence[int]) -> list[float]:
    """Seconds of each tick, summed segment by segment through the file's tempo changes
    with mido's own ``tick2second`` (500,000 µs per quarter before the first change)."""
    song = mido.MidiFile(path)
    changes: list[tuple[int, int]] = [(0, 500_000)]
    now = 0
    for message in mido.merge_tracks(song.tracks):
        now += message.time
        if message.type == "set_tempo":
            if changes[-1][0] == now:
                changes[-1] = (now, message.tempo)
            else:
                changes.append((now, message.tempo))
    found = []
    for wanted in ticks:
        seconds = 0.0
        for (start, tempo), (end, _) in zip(changes, [*changes[1:], (wanted, 0)], strict=True):
            if start >= wanted:
                break
            seconds += mido.tick2second(min(end, wanted) - start, song.ticks_per_beat, tempo)
        found.append(seconds)
    return found


def _track(events: list[tuple[int, mido.Message]], name: str = "") -> mido.MidiTrack:
    """Absolute ticks to mido's delta times; a stable sort keeps same-tick order."""
    track = mido.MidiTrack()
    if name:
        track.append(mido.MetaMessage("track_name", name=name))
    now = 0
    for tick, message in sorted(events, key=lambda event: event[0]):
        track.append(message.copy(time=tick - now))
        now = tick
    track.append(mido.MetaMessage("end_of_track", time=0))
    return track
