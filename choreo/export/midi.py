"""A rehearsal click track: a count-in, the score's tempo map as clicks, the beats as markers.

The file opens with the count-in (one bar of the first meter at the first tempo by
default), then the score: a marker's time in a DAW is the beat's seconds on the sheet plus
the count-in's length, and the SMPTE offset is set so the score's first beat falls on the
scene's ``score.start`` timecode. MIDI has no pickups: a pickup measure simply follows the
count-in, and the DAW's bar lines run from there.

Marker text is ASCII: the Standard MIDI File spec gives text events no encoding but
ASCII, and DAWs read the rest each their own way (Latin-1, the system's code page, UTF-8),
so ``fouetté`` is written ``fouette`` and reads the same in every one of them.
"""

from __future__ import annotations

import io
import math
import unicodedata
from dataclasses import dataclass
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
CHARSET = "ascii"  # every text is transliterated first: a slip fails loudly, not as mojibake
COUNT_IN_BARS = 1
# What NFKD does not take apart into ASCII letters and accents.
ASCII_SPELLINGS = str.maketrans(
    {
        "ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O",
        "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "Th",
        "‘": "'", "’": "'", "‚": "'", "“": '"', "”": '"', "„": '"', "«": '"', "»": '"',
        "–": "-", "—": "-", "−": "-", "·": ".", "•": "*", "×": "x", "→": "->", "←": "<-",
    }
)  # fmt: skip
# A set_tempo event holds microseconds per quarter in three bytes: about 3.58 ♩/min at least.
SLOWEST_QPM = 60e6 / 0xFFFFFF
# Longer than any act of an opera: a beat sheeted at bar 99999 would otherwise ask for
# days of clicks (hundreds of MB in memory) when it is almost surely a typo.
LONGEST_HOURS = 6


def render_midi(sheet: SceneSheet, *, count_in: int = COUNT_IN_BARS) -> bytes:
    """A type 1 Standard MIDI File: conductor track (tempo, meter, markers) and clicks,
    after ``count_in`` bars of clicks (0: the score starts at once)."""
    import mido  # only the MIDI export needs it

    if count_in < 0:
        raise ChoreoError(f"a count-in of {count_in} bars: give 0 bars or more")

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
    lead_in = CountIn(sheet.measures.measures[0], count_in)
    # Both tracks end at the final barline: the file lasts the count-in plus the score.
    end = lead_in.ticks + _tick(sheet.measures.end_offset)
    title = mido.MetaMessage("track_name", name=ascii_text(one_line(sheet.scene.title)))
    song.tracks.append(_track([(0, title), *_conductor(sheet, lead_in)], end))
    click = mido.MetaMessage("track_name", name="click")
    clicks = [*lead_in.clicks(), *_clicks(sheet, lead_in.ticks)]
    song.tracks.append(_track([(0, click), *clicks], end))
    out = io.BytesIO()
    song.save(file=out)
    return out.getvalue()


@dataclass(frozen=True, slots=True)
class CountIn:
    """Whole bars of clicks before the score, in its first meter at its first tempo (a
    pickup's meter too: the count-in is the full bar the pickup is part of)."""

    first: Measure  # the score's first measure
    bars: int

    @property
    def ticks(self) -> int:
        """How far the count-in shifts everything after it."""
        return self.bars * self.first.beat_count * _tick(self.first.beat_length)

    def seconds(self, sheet: SceneSheet) -> float:
        quarters = self.ticks / TICKS_PER_QUARTER
        return quarters * 60 / (sheet.measures.tempo_at(0.0) * sheet.speed)

    def clicks(self) -> list[tuple[int, Any]]:
        beat = _tick(self.first.beat_length)
        length = min(CLICK_TICKS, beat // 2)
        events = []
        for number in range(self.bars * self.first.beat_count):
            sound = OTHER_BEAT if number % self.first.beat_count else DOWNBEAT
            events += _click(number * beat, sound, length)
        return events


def _conductor(sheet: SceneSheet, count_in: CountIn) -> list[tuple[int, Any]]:
    """Where the picture's timecode starts, tempo (scaled by the speed) and meter changes,
    then a marker at each beat; all after the count-in but the score's opening tempo and
    meter, which the count-in clicks in."""
    import mido

    shift = count_in.ticks

    def tick_of(offset: float) -> int:
        return 0 if offset <= EPSILON else shift + _tick(offset)

    events: list[tuple[int, Any]] = []
    # The first bar's timecode: with a recording it starts where the recording plays it.
    first_bar = sheet.measures.origin_seconds / sheet.speed
    start = smpte_offset(
        sheet.scene.score.start_timecode.plus_seconds(first_bar), count_in.seconds(sheet)
    )
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
            events.append((tick_of(mark.offset), mido.MetaMessage("set_tempo", tempo=tempo)))
    meter = None
    for measure in sheet.measures.measures:
        signature = _time_signature(measure.time_signature)
        if signature is not None and signature != meter:
            top, bottom = signature
            change = mido.MetaMessage("time_signature", numerator=top, denominator=bottom)
            events.append((tick_of(measure.offset), change))
            meter = signature
    for spot in sheet.placed:
        name = marker_name(spot.beat)
        events.append((shift + _tick(spot.start_offset), mido.MetaMessage("marker", text=name)))
    # A stable sort keeps tempo and meter ahead of a marker on the same tick.
    return sorted(events, key=lambda event: event[0])


def _clicks(sheet: SceneSheet, shift: int) -> list[tuple[int, Any]]:
    """A click on every whole beat of every measure, ``shift`` ticks on; beat 1 is accented."""
    events: list[tuple[int, Any]] = []
    for measure in sheet.measures.measures:
        length = min(CLICK_TICKS, _tick(measure.beat_length) // 2)
        for tick, sound in _beats_of(measure):
            events += _click(shift + tick, sound, length)
    # Each click ends before the next starts, so time order alone keeps on/off pairs apart.
    return sorted(events, key=lambda event: event[0])


def _click(tick: int, sound: tuple[int, int], length: int) -> list[tuple[int, Any]]:
    import mido

    note, velocity = sound
    on = mido.Message("note_on", channel=PERCUSSION, note=note, velocity=velocity)
    off = mido.Message("note_off", channel=PERCUSSION, note=note, velocity=0)
    return [(tick, on), (tick + length, off)]


def marker_name(beat: Beat) -> str:
    """``b01 grand jete / flying kick``, or ``HIT b03 ...`` for a hit: what the DAW shows
    at the beat, in ASCII."""
    moves = " / ".join(one_line(move) for move in beat.named_moves())
    name = f"{beat.id} {moves}" if moves else beat.id
    return ascii_text(f"HIT {name}" if beat.hit else name)


def ascii_text(text: str) -> str:
    """``fouetté`` → ``fouette``: accents dropped (NFKD), a few letters spelled out, and
    ``?`` for anything else ASCII cannot say."""
    spelled = unicodedata.normalize("NFKD", text.translate(ASCII_SPELLINGS))
    kept = "".join(c for c in spelled if not unicodedata.combining(c))
    return kept.encode("ascii", "replace").decode("ascii")


def _beats_of(measure: Measure) -> list[tuple[int, tuple[int, int]]]:
    """The tick and sound of each whole beat sounding in the measure."""
    return [
        (_tick(measure.offset_of_beat(beat)), DOWNBEAT if beat == 1.0 else OTHER_BEAT)
        for beat in whole_beats(measure)
    ]


def whole_beats(measure: Measure) -> list[float]:
    """The numbers of the whole beats sounding in the measure (a click track's clicks)."""
    beats = []
    beat = float(math.ceil(measure.first_beat - EPSILON))
    while beat < measure.last_beat - EPSILON:
        beats.append(beat)
        beat += 1.0
    return beats


def _time_signature(text: str) -> tuple[int, int] | None:
    """``"6/8"`` → ``(6, 8)``; None for what MIDI cannot say (a denominator not 2ⁿ)."""
    numerator, _, denominator = text.partition("/")
    if not (numerator.isdigit() and denominator.isdigit()):
        return None
    top, bottom = int(numerator), int(denominator)
    if not 0 < top < 256 or bottom <= 0 or bottom & (bottom - 1):
        return None
    return top, bottom


def smpte_offset(start: Timecode, count_in_seconds: float) -> Any | None:
    """Tick 0's timecode: the scene's start less the count-in, so a DAW lines the score's
    first beat up with picture.

    MIDI knows 24, 25, 29.97 and 30 fps and hours up to 23; other starts, and a count-in
    reaching back before 00:00:00:00, are left out.
    """
    import mido

    rate = next((r for r in SMPTE_RATES if math.isclose(r, start.fps)), None)
    if rate is None:
        return None
    # The count-in in frames at the true rate, as whole frames back plus hundredths forward.
    back = count_in_seconds * (start.nominal * 1000 / 1001 if start.drop_frame else start.fps)
    whole = math.ceil(back - 1e-6)
    hundredths = round((whole - back) * 100)
    if hundredths == 100:
        whole, hundredths = whole - 1, 0
    if whole > start.frames:
        return None
    hours, minutes, seconds, frames = Timecode(start.frames - whole, start.fps).fields()
    if hours > 23:
        return None
    return mido.MetaMessage(
        "smpte_offset",
        frame_rate=rate,
        hours=hours,
        minutes=minutes,
        seconds=seconds,
        frames=frames,
        sub_frames=hundredths,
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
