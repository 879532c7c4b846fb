"""The rehearsal track: the scene's music at speed, a click on every beat of the score's
meter, a spoken count-in and a spoken call at every beat of the fight, with a cue marker
at each beat (``choreo export SCENE --format wav``).

Time: the file starts with a bar of count-in ("five, six, seven, eight" on its last four
beats) ending where the score's first bar starts, so everything in the file is the beat
sheet's seconds at that speed shifted by :attr:`RehearsalTrack.lead`. The click follows
the score's meter, as the MIDI click track does (beat 1 higher), not dancers' eights: a
fight is counted on the music's beats. A call starts on its beat; one that would run into
the next call is spoken faster (up to twice eSpeak NG's pace) and, if still too long, cut
short with a fade just before the next call.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from choreo.audio.music import RATE, check_speed, resampled, scene_music
from choreo.audio.recording import Recording
from choreo.audio.speech import FASTEST_WORDS_PER_MINUTE, WORDS_PER_MINUTE, espeak, speak
from choreo.errors import ChoreoError
from choreo.export.calls import ENGLISH, Call, Words, calls_of
from choreo.export.midi import whole_beats
from choreo.export.sheet import SceneSheet, build_sheets
from choreo.export.wav import CueMarker, wav_with_cues
from choreo.store import SceneFile
from choreo.timing import EPSILON

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

COUNT_IN = ("five", "six", "seven", "eight")
# An hour of 16-bit 44.1 kHz is 318 MB: a scene's music at a quarter speed fits, and a
# longer file is almost surely a beat at a mistyped bar.
LONGEST_SECONDS = 60 * 60
CALL_GAP = 0.05  # seconds of quiet left before the next call
_FADE = 0.01  # seconds over which a cut call fades out
_CLICK = 0.03  # seconds a click sounds
_DOWNBEAT_HZ, _BEAT_HZ = 1760.0, 1175.0  # A6 and D6: above the music, apart from a voice
_MUSIC_PEAK, _CLICK_PEAK, _VOICE_PEAK = 0.5, 0.45, 0.7
_LOUDEST = 0.98  # the mix is scaled down to this when the parts add up past it


@dataclass(frozen=True, eq=False)
class RehearsalTrack:
    """A rehearsal track's three parts (each at :attr:`rate`, time 0 the file's start),
    where its clicks and calls fall, and its cue markers."""

    music: NDArray[np.float32]  # empty when the scene has no score
    clicks: NDArray[np.float32]
    voice: NDArray[np.float32]  # the count-in and the calls
    rate: int
    lead: float  # seconds of the file before the score's second 0
    click_seconds: tuple[float, ...]
    count_in_seconds: tuple[float, ...]  # the count-in's words, in the file
    call_seconds: tuple[float, ...]  # where each call starts, in the file
    cues: tuple[CueMarker, ...]

    def mix(self) -> NDArray[np.float32]:
        """The three parts together, scaled down only when they would clip."""
        import numpy as np

        mixed = np.zeros(len(self.clicks), dtype=np.float32)
        for part in (self.music, self.clicks, self.voice):
            mixed[: len(part)] += part
        peak = float(np.max(np.abs(mixed))) if len(mixed) else 0.0
        return mixed * (_LOUDEST / peak) if peak > _LOUDEST else mixed

    def wav(self) -> bytes:
        """The mix as a 16-bit WAV file with a labelled cue marker at each beat."""
        import numpy as np

        pcm = np.round(np.clip(self.mix(), -1.0, 1.0) * 32767).astype("<i2").tobytes()
        return wav_with_cues(pcm, self.rate, self.cues)


def render_rehearsal(scene_file: SceneFile, *, performer: str | None, speed: float) -> bytes:
    """The scene's rehearsal track as a WAV file, or a :class:`ChoreoError` before any
    sound is made (a bad speed, an unknown performer, no eSpeak NG, far too long)."""
    from choreo.scene_score import measures_of

    check_speed(speed)
    espeak()
    sheet = build_sheets([scene_file], performer=performer, speed=speed, measures=measures_of)[0]
    _check_length(sheet, sheet.measures.duration_seconds / speed)
    music = scene_music(scene_file, sheet.measures, speed=speed)
    if music is not None:
        _check_length(sheet, music.seconds)
    return rehearsal_track(sheet, music).wav()


def rehearsal_track(sheet: SceneSheet, music: Recording | None) -> RehearsalTrack:
    """The track of ``sheet`` (placed at its speed) over ``music`` (already at that speed;
    ``None``: click and calls only)."""
    import numpy as np

    rate = music.rate if music is not None else RATE
    measures, speed = sheet.measures, sheet.speed
    if not measures.measures:
        raise ChoreoError(f"scene {sheet.scene.id}: the score has no bars to count or click")
    first = measures.measures[0]
    first_seconds = measures.seconds_at(first.offset) / speed
    beat_seconds = (
        measures.seconds_at(first.offset + first.beat_length) - measures.seconds_at(first.offset)
    ) / speed
    count_in = first.beat_count * beat_seconds
    lead = max(count_in - first_seconds, 0.0)
    # The count-in's beats: the bar before the first bar's start.
    counted = [
        lead + first_seconds - (first.beat_count - k) * beat_seconds
        for k in range(first.beat_count)
    ]

    clicks: list[tuple[float, bool]] = [(t, k == 0) for k, t in enumerate(counted)]
    calls = calls_of(sheet)
    end_offset = measures.end_offset
    if music is None and sheet.placed:  # no music to click through: stop at the fight's end
        last = max(p.end_offset for p in sheet.placed)
        bars = (m.end_offset for m in measures.measures if m.end_offset >= last - EPSILON)
        end_offset = next(bars, end_offset)
    for measure in measures.measures:
        if measure.offset >= end_offset - EPSILON:
            break
        for beat in whole_beats(measure):
            seconds = measures.seconds_at(measure.offset_of_beat(beat)) / speed
            clicks.append((lead + seconds, beat == 1.0))

    spoken: list[tuple[float, NDArray[np.float32]]] = []
    words = COUNT_IN[-min(first.beat_count, len(COUNT_IN)) :]
    count_in_at = counted[len(counted) - len(words) :]
    for word, at in zip(words, count_in_at, strict=True):
        spoken.append((at, _spoken([Words(word, ENGLISH)], beat_seconds - CALL_GAP, rate)))
    moments = _moments(calls)
    for number, (at, together) in enumerate(moments):
        following = moments[number + 1][0] if number + 1 < len(moments) else math.inf
        room = following - at - CALL_GAP
        said = _joined(together)
        if said:
            spoken.append((lead + at, _spoken(said, room, rate)))

    music_samples = np.zeros(0, dtype=np.float32)
    if music is not None:
        music_samples = _peaked(music.samples, _MUSIC_PEAK)
    ends = [lead + len(music_samples) / rate, *(t + _CLICK for t, _ in clicks)]
    ends += [t + len(s) / rate for t, s in spoken]
    length = math.ceil(max(ends) * rate) + rate // 2  # half a second to end on

    music_part = np.zeros(length, dtype=np.float32)
    start = round(lead * rate)
    music_part[start : start + len(music_samples)] = music_samples
    click_part = np.zeros(length, dtype=np.float32)
    for at, accented in clicks:
        _place(click_part, _click(accented, rate), at, rate)
    voice_part = np.zeros(length, dtype=np.float32)
    for at, samples in spoken:
        _place(voice_part, samples, at, rate)
    voice_peak = float(np.max(np.abs(voice_part))) if length else 0.0
    if voice_peak > 0:
        voice_part *= _VOICE_PEAK / voice_peak

    cues = tuple(
        CueMarker(round((lead + call.beat.start_seconds) * rate), call.label) for call in calls
    )
    return RehearsalTrack(
        music=music_part,
        clicks=click_part,
        voice=voice_part,
        rate=rate,
        lead=lead,
        click_seconds=tuple(sorted(t for t, _ in clicks)),
        count_in_seconds=tuple(count_in_at),
        call_seconds=tuple(lead + at for at, together in moments if _joined(together)),
        cues=cues,
    )


def _check_length(sheet: SceneSheet, seconds: float) -> None:
    if seconds > LONGEST_SECONDS:
        raise ChoreoError(
            f"scene {sheet.scene.id}: the rehearsal track would run {seconds / 60:.0f} min "
            f"at speed {sheet.speed:g}; a WAV export stops at {LONGEST_SECONDS // 60} min",
            hint="check the beats' bars, or rehearse at a faster speed",
        )


def _moments(calls: Sequence[Call]) -> list[tuple[float, list[Call]]]:
    """The calls grouped by the second they start (beats may share a moment)."""
    moments: list[tuple[float, list[Call]]] = []
    for call in calls:
        at = call.beat.start_seconds
        if moments and at - moments[-1][0] < EPSILON:
            moments[-1][1].append(call)
        else:
            moments.append((at, [call]))
    return moments


def _joined(calls: Sequence[Call]) -> list[Words]:
    """The words of calls said at one moment, one after another."""
    words: list[Words] = []
    for call in calls:
        if call.words and words:
            words.append(Words(". ", ENGLISH))
        words.extend(call.words)
    return words


def _spoken(words: Sequence[Words], room: float, rate: int) -> NDArray[np.float32]:
    """The words spoken to fit ``room`` seconds: faster when needed, then cut with a fade."""
    import numpy as np

    voice = speak(words)
    if voice.seconds > room > 0:
        pace = math.ceil(WORDS_PER_MINUTE * voice.seconds / room)
        voice = speak(words, pace=min(pace, FASTEST_WORDS_PER_MINUTE))
    samples = resampled(voice, rate).samples
    fit = len(samples) if math.isinf(room) else max(round(room * rate), 0)
    if len(samples) > fit:
        samples = samples[:fit].copy()
        fade = min(round(_FADE * rate), fit)
        if fade:
            samples[-fade:] *= np.linspace(1.0, 0.0, fade, dtype=np.float32)
    return samples


def _click(accented: bool, rate: int) -> NDArray[np.float32]:
    """A short decaying tone: a wood-block tick, higher on beat 1."""
    import numpy as np

    t = np.arange(round(_CLICK * rate), dtype=np.float32) / rate
    hertz = _DOWNBEAT_HZ if accented else _BEAT_HZ
    tone = np.sin(2 * np.pi * hertz * t) * np.exp(-t / (_CLICK / 5))
    return (tone * _CLICK_PEAK).astype(np.float32)


def _peaked(samples: NDArray[np.float32], peak: float) -> NDArray[np.float32]:
    import numpy as np

    loudest = float(np.max(np.abs(samples))) if len(samples) else 0.0
    return samples * (peak / loudest) if loudest > 0 else samples


def _place(part: NDArray[np.float32], sound: NDArray[np.float32], at: float, rate: int) -> None:
    start = max(round(at * rate), 0)
    piece = sound[: max(len(part) - start, 0)]
    part[start : start + len(piece)] += piece
