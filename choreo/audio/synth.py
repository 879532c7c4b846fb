"""The score synthesized as choreo's own timeline plays it: performed order, choreo's
seconds for every bar, FluidSynth with a General MIDI soundfont.

Not music21's MIDI writer: that one plays the bars as written and at its own reading of
the tempo, where choreo's seconds are the ones a scene is timed by. A ``warp`` (seconds
to seconds) bends the timeline, so a test can make "a recording" with a known tempo curve.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from choreo.audio.programs import installed
from choreo.audio.recording import Recording
from choreo.errors import ChoreoError
from choreo.score.notes import ScoreNotes
from choreo.timing import MeasureMap

Warp = Callable[[float], float]  # seconds of the score's timeline -> seconds of the sound

RATE = 22050  # samples a second: enough for alignment features, half the work of 44.1 kHz
# Where Debian, Ubuntu, Fedora and Arch put a General MIDI soundfont.
SOUNDFONTS = (
    "/usr/share/sounds/sf2/FluidR3_GM.sf2",
    "/usr/share/soundfonts/FluidR3_GM.sf2",
    "/usr/share/sounds/sf2/default-GM.sf2",
    "/usr/share/soundfonts/default.sf2",
    "/usr/share/soundfonts/FluidR3_GM2-2.sf2",
)
_TICKS_PER_SECOND = 1000  # one MIDI tick is a millisecond (a quarter lasts 1000 ticks)
TAIL_SECONDS = 1.0  # room after the last note for it to die away
_DRUMS = 9  # General MIDI's percussion channel: a pitched part never plays there
_RENDER_TIMEOUT = 600
_STOP_POLL_SECONDS = 0.05


@dataclass(frozen=True, slots=True)
class Sounding:
    """A note placed in time: seconds of its start and end, key, velocity, part."""

    start: float
    end: float
    pitch: int
    velocity: int
    part: int


def place_notes(
    measures: MeasureMap, notes: ScoreNotes, warp: Warp | None = None
) -> list[Sounding]:
    """Every note at its seconds in the measure map's order (a bar played twice sounds
    twice), through ``warp`` when given; sorted by start."""
    by_bar = notes.by_bar()
    placed: list[Sounding] = []
    for measure in measures.measures:
        for note in by_bar.get(measure.number, ()):
            start = measures.seconds_at(measure.offset + note.offset)
            end = measures.seconds_at(measure.offset + note.offset + note.quarters)
            if warp is not None:
                start, end = warp(start), warp(end)
            if end > start:
                placed.append(Sounding(start, end, note.pitch, note.velocity, note.part))
    placed.sort(key=lambda s: (s.start, s.part, s.pitch))
    return placed


def write_midi(
    soundings: list[Sounding],
    programs: tuple[int, ...],
    path: Path,
    *,
    end_seconds: float,
    program: int | None = None,
    origin: float = 0.0,
) -> None:
    """A MIDI file that plays ``soundings`` at their seconds (one channel per part, each
    with its General MIDI program, or every part with ``program``); its start is the
    second ``origin``, to the millisecond (none of the soundings starts before it)."""
    import mido

    channels = [c for c in range(16) if c != _DRUMS]
    track = mido.MidiTrack()
    track.append(mido.MetaMessage("set_tempo", tempo=1_000_000, time=0))  # a quarter a second
    for part, part_program in enumerate(programs[: len(channels)]):
        chosen = part_program if program is None else program
        track.append(mido.Message("program_change", channel=channels[part], program=chosen))
    events: list[tuple[int, int, mido.Message]] = []
    for sounding in soundings:
        channel = channels[sounding.part % len(channels)]
        # Ticks are the whole score's, less the origin's: a piece's notes land on the
        # very milliseconds they have in the whole.
        on = midi_tick(sounding.start) - midi_tick(origin)
        off = max(midi_tick(sounding.end), midi_tick(sounding.start) + 1) - midi_tick(origin)
        # At one tick, a note ends (0) before the next one starts (1).
        events.append(
            (
                on,
                1,
                mido.Message(
                    "note_on", channel=channel, note=sounding.pitch, velocity=sounding.velocity
                ),
            )
        )
        events.append((off, 0, mido.Message("note_off", channel=channel, note=sounding.pitch)))
    events.sort(key=lambda e: (e[0], e[1]))
    now = 0
    for tick, _, message in events:
        track.append(message.copy(time=tick - now))
        now = tick
    end = max(now, midi_tick(end_seconds + TAIL_SECONDS) - midi_tick(origin))
    track.append(mido.MetaMessage("end_of_track", time=end - now))
    song = mido.MidiFile(ticks_per_beat=_TICKS_PER_SECOND)
    song.tracks.append(track)
    song.save(path)


def midi_tick(seconds: float) -> int:
    return max(round(seconds * _TICKS_PER_SECOND), 0)


def synthesize(
    measures: MeasureMap,
    notes: ScoreNotes,
    *,
    rate: int = RATE,
    warp: Warp | None = None,
    program: int | None = None,
    reverb: bool = False,
) -> Recording:
    """The score as sound: every note at choreo's seconds (bent by ``warp``), rendered by
    FluidSynth. ``program`` plays every part on one General MIDI instrument; ``reverb``
    adds the synthesizer's room. Sample 0 is the score's second 0."""
    soundings = place_notes(measures, notes, warp)
    end = sound_end(measures, soundings, warp)
    with tempfile.TemporaryDirectory(prefix="choreo-synth-") as folder:
        midi, wav = Path(folder) / "score.mid", Path(folder) / "score.wav"
        write_midi(soundings, notes.programs, midi, end_seconds=end, program=program)
        render(midi, wav, rate=rate, reverb=reverb)
        return read_rendered(wav, rate)


def sound_end(measures: MeasureMap, soundings: list[Sounding], warp: Warp | None = None) -> float:
    """The second the score's sound ends at (its last bar's end, or a last note held past
    it), or one line where it has no notes."""
    if not soundings:
        raise ChoreoError("the score has no notes to play")
    end = measures.duration_seconds
    return max(warp(end) if warp is not None else end, soundings[-1].end)


def render(
    midi: Path,
    wav: Path,
    *,
    rate: int = RATE,
    reverb: bool = False,
    stop: threading.Event | None = None,
) -> None:
    """``midi`` rendered to a WAV file by FluidSynth with a General MIDI soundfont; a
    :class:`ChoreoError` where it fails, or where ``stop`` is set meanwhile (the editor
    quits: FluidSynth is ended rather than waited for)."""
    command = [
        fluidsynth(),
        "-ni",  # no MIDI input, no shell
        "-q",
        "-g", "0.6",
        "-r", str(rate),
        "-o", f"synth.reverb.active={int(reverb)}",
        "-o", f"synth.chorus.active={int(reverb)}",
        "-o", "synth.dynamic-sample-loading=1",  # only the instruments played: a quick start
        "-F", str(wav),
        str(soundfont()),
        str(midi),
    ]  # fmt: skip
    deadline = time.monotonic() + _RENDER_TIMEOUT
    with subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) as child:
        while True:
            try:
                _, said = child.communicate(timeout=_STOP_POLL_SECONDS)
                break
            except subprocess.TimeoutExpired:
                stopped = stop is not None and stop.is_set()
                if stopped or time.monotonic() > deadline:
                    child.kill()
                    child.communicate()
                    why = "stopped" if stopped else "took too long to render the score"
                    raise ChoreoError(f"FluidSynth {why}") from None
    if child.returncode != 0 or not wav.is_file():
        last = said.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
        raise ChoreoError(f"FluidSynth could not render the score: {last[0][:200]}")


def read_rendered(wav: Path, rate: int) -> Recording:
    import numpy as np
    import soundfile

    samples, found = soundfile.read(str(wav), dtype="float32", always_2d=True)
    if found != rate:
        raise ChoreoError(f"FluidSynth rendered at {found} Hz, not {rate} Hz")
    return Recording(np.ascontiguousarray(samples.mean(axis=1, dtype=np.float32)), rate)


def fluidsynth() -> str:
    """The ``fluidsynth`` program, or one line that says how to install it."""
    return installed(
        "fluidsynth",
        name="FluidSynth",
        used_for="choreo plays the score with it",
        packages="fluidsynth fluid-soundfont-gm",
    )


def soundfont() -> Path:
    """A General MIDI soundfont: ``CHOREO_SOUNDFONT`` when set, else the system's."""
    chosen = os.environ.get("CHOREO_SOUNDFONT", "").strip()
    if chosen:
        path = Path(chosen).expanduser()
        if not path.is_file():
            raise ChoreoError("no such soundfont (CHOREO_SOUNDFONT)", where=path)
        return path
    for candidate in SOUNDFONTS:
        if Path(candidate).is_file():
            return Path(candidate)
    raise ChoreoError(
        "no General MIDI soundfont found to play the score with",
        hint="apt-get install fluid-soundfont-gm, or set CHOREO_SOUNDFONT to an .sf2 file",
    )
