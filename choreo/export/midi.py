"""A rehearsal click track: the score's tempo map as clicks, the beats as markers.

Tick 0 is the score's first beat (the scene's ``score.start`` timecode), so a marker's
time in a DAW is the beat's seconds on the sheet. MIDI has no pickups: a pickup measure
simply starts the file, and the DAW's bar lines run from there.
"""

from __future__ import annotations

import io
import math
from typing import Any

from choreo.errors import ChoreoError
from choreo.export.sheet import SceneSheet, one_line
from choreo.model import Beat
from choreo.timing import EPSILON, Measure, Timecode

TICKS_PER_QUARTER = 480
PERCUSSION = 9  # channel 10 in the General MIDI count from 1
DOWNBEAT = (76, 120)  # hi wood block, accented
OTHER_BEAT = (77, 80)  # low wood block
CLICK_TICKS = 60  # a click is an eighth of a quarter long at most
SMPTE_RATES = (24, 25, 29.97, 30)  # 23.976 has no SMPTE offset code
CHARSET = "utf-8"  # marker names keep their accents: "grand jeté"
# A set_tempo event holds microseconds per quarter in three bytes: about 3.58 ♩/min at least.
SLOWEST_QPM = 60e6 / 0xFFFFFF
# Longer than any act of an opera: a beat sheeted at bar 99999 would otherwise ask for
# days of clicks (hundreds of MB in memory) when it is almost surely a typo.
LONGEST_HOURS = 6


def render_midi(sheet: SceneSheet) -> bytes:
    """A type 1 Standard MIDI File: conductor track (tempo, meter, markers) and clicks."""
    import mido  # only the MIDI export needs it

    hours = sheet.measures.duration_seconds / sheet.speed / 3600
    if hours > LONGEST_HOURS:
        latest = max(sheet.placed, key=lambda spot: spot.end_seconds, default=None)
        where = f" (beat {latest.beat.id} is at {latest.beat.at})" if latest else ""
        raise ChoreoError(
            f"scene {sheet.scene.id}: the click track would run {hours:.0f} h{where}; "
            f"a MIDI export stops at {LONGEST_HOURS} h",
            hint="check the beats' bars",
        )
    song = mido.MidiFile(type=1, ticks_per_beat=TICKS_PER_QUARTER, charset=CHARSET)
    # Both tracks end at the final barline, so the file lasts exactly as long as the score.
    end = _tick(sheet.measures.end_offset)
    title = mido.MetaMessage("track_name", name=one_line(sheet.scene.title))
    song.tracks.append(_track([(0, title), *_conductor(sheet)], end))
    click = mido.MetaMessage("track_name", name="click")
    song.tracks.append(_track([(0, click), *_clicks(sheet)], end))
    out = io.BytesIO()
    song.save(file=out)
    return out.getvalue()


def _conductor(sheet: SceneSheet) -> list[tuple[int, Any]]:
    """Where the picture's timecode starts, tempo (scaled by the speed) and meter changes,
    then a marker at each beat."""
    import mido

    events: list[tuple[int, Any]] = []
    # The first bar's timecode: with a recording it starts where the recording plays it.
    first_bar = sheet.measures.origin_seconds / sheet.speed
    start = _smpte_offset(sheet.scene.score.start_timecode.plus_seconds(first_bar))
    if start is not None:
        events.append((0, start))
    end = sheet.measures.end_offset
    for mark in sheet.measures.tempos:
        if mark.offset <= end + EPSILON:
            played = mark.qpm * sheet.speed
            if played < SLOWEST_QPM:
                raise ChoreoError(
                    f"scene {sheet.scene.id}: ♩={mark.qpm:g} at speed {sheet.speed:g} is slower "
                    f"than a MIDI file can hold (♩={SLOWEST_QPM:.2f} at least)"
                )
            tempo = mido.bpm2tempo(played)
            events.append((_tick(mark.offset), mido.MetaMessage("set_tempo", tempo=tempo)))
    meter = None
    for measure in sheet.measures.measures:
        signature = _time_signature(measure.time_signature)
        if signature is not None and signature != meter:
            top, bottom = signature
            change = mido.MetaMessage("time_signature", numerator=top, denominator=bottom)
            events.append((_tick(measure.offset), change))
            meter = signature
    for spot in sheet.placed:
        name = marker_name(spot.beat)
        events.append((_tick(spot.start_offset), mido.MetaMessage("marker", text=name)))
    # A stable sort keeps tempo and meter ahead of a marker on the same tick.
    return sorted(events, key=lambda event: event[0])


def _clicks(sheet: SceneSheet) -> list[tuple[int, Any]]:
    """A click on every whole beat of every measure; beat 1 is accented."""
    import mido

    events: list[tuple[int, Any]] = []
    for measure in sheet.measures.measures:
        length = min(CLICK_TICKS, _tick(measure.beat_length) // 2)
        for tick, (note, velocity) in _beats_of(measure):
            on = mido.Message("note_on", channel=PERCUSSION, note=note, velocity=velocity)
            off = mido.Message("note_off", channel=PERCUSSION, note=note, velocity=0)
            events += [(tick, on), (tick + length, off)]
    # Each click ends before the next starts, so time order alone keeps on/off pairs apart.
    return sorted(events, key=lambda event: event[0])


def marker_name(beat: Beat) -> str:
    """``b01 grand jeté / flying kick``: what the DAW shows at the beat."""
    moves = " / ".join(one_line(move) for move in beat.named_moves())
    return f"{beat.id} {moves}" if moves else beat.id


def _beats_of(measure: Measure) -> list[tuple[int, tuple[int, int]]]:
    """The tick and sound of each whole beat sounding in the measure."""
    clicks = []
    beat = float(math.ceil(measure.first_beat - EPSILON))
    while beat < measure.last_beat - EPSILON:
        sound = DOWNBEAT if beat == 1.0 else OTHER_BEAT
        clicks.append((_tick(measure.offset_of_beat(beat)), sound))
        beat += 1.0
    return clicks


def _time_signature(text: str) -> tuple[int, int] | None:
    """``"6/8"`` → ``(6, 8)``; None for what MIDI cannot say (a denominator not 2ⁿ)."""
    numerator, _, denominator = text.partition("/")
    if not (numerator.isdigit() and denominator.isdigit()):
        return None
    top, bottom = int(numerator), int(denominator)
    if not 0 < top < 256 or bottom <= 0 or bottom & (bottom - 1):
        return None
    return top, bottom


def _smpte_offset(start: Timecode) -> Any | None:
    """The scene's start timecode, so a DAW can line the clicks up with picture.

    MIDI knows 24, 25, 29.97 and 30 fps and hours up to 23; other starts are left out.
    """
    import mido

    hours, minutes, seconds, frames = start.fields()
    rate = next((r for r in SMPTE_RATES if math.isclose(r, start.fps)), None)
    if rate is None or hours > 23:
        return None
    return mido.MetaMessage(
        "smpte_offset",
        frame_rate=rate,
        hours=hours,
        minutes=minutes,
        seconds=seconds,
        frames=frames,
    )


def _tick(quarters: float) -> int:
    return round(quarters * TICKS_PER_QUARTER)


def _track(events: list[tuple[int, Any]], end: int) -> Any:
    """Absolute-tick events as a track of delta times, ending at tick ``end``."""
    import mido

    track = mido.MidiTrack()
    now = 0
    for tick, message in events:
        track.append(message.copy(time=tick - now))
        now = tick
    track.append(mido.MetaMessage("end_of_track", time=max(end - now, 0)))
    return track
