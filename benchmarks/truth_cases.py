"""What the truth audit plays: music21 corpus pieces and MIDI files built with mido.

Corpus: every MusicXML piece outside the three big collections (quartets, madrigals, rags,
songs, demos), every Monteverdi madrigal, and an evenly spread sample of the Bach
chorales and the trecento pieces. MIDI: tempo maps as DAWs and composers write them, each
file knowing where its bars start (see ``tests/midi_files.py``).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tests.midi_files import write_midi

MUSICXML = (".mxl", ".xml", ".musicxml")
SAMPLED = {"bach": 14, "trecento": 10}  # every Nth file of a large collection

# Where MuseScore's playback and the music differ for a known reason, the music wins and
# the case is reported apart, not as wrong. A metric modulation (♩ = ♩.) printed without
# <sound tempo> is the known kind: MuseScore's playback ignores it. Each case below was
# checked against the score's own signs; MuseScore 3.2 misplays three more kinds: an end
# repeat with no start sign goes back to bar 1 or to an older start sign, across an
# earlier end repeat or a Fine (it goes back to the last end repeat); "D.C./D.S. al
# Fine" written with a plain <sound dacapo|dalsegno> plays on past the Fine; a first
# ending whose bracket has a stop but no start is played on every pass.
KNOWN_ORACLE_FAULTS: dict[str, str] = {
    "corpus:beethoven/opus18no1/movement3": (
        "the end repeats of bars 85 and 101 go back to bar 1, across those of bars 10 and 85"
    ),
    "corpus:handel/rinaldo/Lascia_chio_pianga": (
        "'D.S. al Fine' in bar 54 plays on past the Fine of bar 42 to bar 54"
    ),
    "corpus:haydn/opus74no1/movement3": (
        "the end repeat of bar 74 (a first ending) goes back to bar 15, across the end "
        "repeat of bar 60, and the second ending (bar 75) is never played"
    ),
    "corpus:mozart/k156/movement2": (
        "the end repeat of bar 37 goes back to bar 1, across the end repeat of bar 14"
    ),
    "corpus:mozart/k458/movement1": (
        "the first ending (bar 232, bracket stop without start) is played on the second pass too"
    ),
    "corpus:mozart/k458/movement2": (
        "the end repeats of bars 28 and 38 go back to bar 1; the first endings (bars 38, 62, "
        "brackets without start) are played on every pass, the second ending bar 39 never"
    ),
    "corpus:mozart/k80/movement1": (
        "the end repeat of bar 67 goes back to bar 1, across the end repeat of bar 28"
    ),
    "corpus:mozart/k80/movement3": (
        "'Menuetto da capo.' in bar 52 (words, no <sound dacapo>) is not played, and bar 52's "
        "end repeat goes back to bar 29 across bar 36's"
    ),
    "corpus:schumann_clara/polonaise_op1n1": (
        "bar 28's end repeat goes back to bar 1 across the Fine of bar 20; 'D.C. al Fine' in "
        "bar 40 plays on past the Fine"
    ),
    "corpus:schumann_clara/polonaise_op1n2": (
        "bar 24's end repeat goes back to bar 9 across the Fine of bar 16; 'D.C. al Fine' in "
        "bar 32 plays on past the Fine"
    ),
    "corpus:schumann_clara/polonaise_op1n3": (
        "'D.C. al Fine' in bar 48 plays on past the Fine of bar 24"
    ),
    "corpus:schumann_clara/polonaise_op1n4": (
        "'D.C. al Fine' in bar 40 plays on past the Fine of bar 16"
    ),
    "corpus:schumann_robert/opus41no1/movement2": (
        "the first ending (bars 48-51) is never played: its end repeat is taken as bar 35's"
    ),
    "corpus:trecento/PMFC_23_22-Kyrie Summe Clementissime": (
        "the end repeat of bar 16 goes back to bar 1, across the end repeat of bar 9"
    ),
}


@dataclass(frozen=True)
class Case:
    """One file to check: a corpus piece against MuseScore, or a MIDI file against mido."""

    name: str
    path: Path
    bar_ticks: tuple[int, ...] = ()  # MIDI only: where the writer put each bar


def corpus_cases() -> list[Case]:
    from music21 import corpus

    paths = sorted(Path(str(p)) for p in corpus.getPaths() if str(p).endswith(MUSICXML))
    root = _corpus_root(paths)
    seen: dict[str, int] = {}
    cases = []
    for path in paths:
        name = path.relative_to(root).with_suffix("").as_posix()
        collection = name.split("/")[0]
        seen[collection] = seen.get(collection, 0) + 1
        step = SAMPLED.get(collection, 1)
        if (seen[collection] - 1) % step == 0:
            cases.append(Case(f"corpus:{name}", path))
    return cases


def midi_cases(folder: Path) -> list[Case]:
    cases = []
    for name, build in MIDI_FILES.items():
        path = folder / f"{name}.mid"
        cases.append(Case(f"midi:{name}", path, tuple(build(path))))
    return cases


def _corpus_root(paths: list[Path]) -> Path:
    for parent in paths[0].parents:
        if parent.name == "corpus":
            return parent
    raise RuntimeError("music21's corpus folder not found")


# -- MIDI files -------------------------------------------------------------------------


def _tapped(path: Path) -> list[int]:
    """A tempo tapped by hand: a new tempo on every beat, 88 to 112 at odd fractions."""
    chance = random.Random(10)
    tempos = [(beat * 480, round(chance.uniform(88, 112), 3)) for beat in range(32 * 4)]
    return write_midi(path, ["4/4"] * 32, tempos=tempos)


def _ritardando(path: Path) -> list[int]:
    """Eight steady bars of 3/4, then 120 slowing to 60 in sixteenth-note steps."""
    steps = 8 * 3 * 4
    ramp = [(8 * 3 * 960 + i * 240, 120 - 60 * i / steps) for i in range(steps)]
    return write_midi(path, ["3/4"] * 16, tempos=[(0, 120.0), *ramp], ticks_per_beat=960)


def _ritardando_fine(path: Path) -> list[int]:
    """A slowing in steps of a twelfth of a beat (80 of 960 ticks): finer than any grid."""
    steps = 6 * 4 * 12
    ramp = [(2 * 4 * 960 + i * 80, 132 - 0.25 * i) for i in range(steps)]
    return write_midi(path, ["4/4"] * 8, tempos=[(0, 132.0), *ramp], ticks_per_beat=960)


def _rubato(path: Path) -> list[int]:
    """Rubato played in: a new tempo every 343 ticks, wherever that falls in the beat."""
    chance = random.Random(343)
    tempos = [(tick, round(chance.uniform(60, 90), 2)) for tick in range(0, 24 * 1920, 343)]
    return write_midi(path, ["4/4"] * 24, tempos=tempos)


def _accelerando(path: Path) -> list[int]:
    """6/8 at 96 ticks a quarter, faster on every eighth note, 60 to 150."""
    steps = 12 * 6
    ramp = [(i * 48, 60 + 90 * i / steps) for i in range(steps)]
    return write_midi(path, ["6/8"] * 12, tempos=ramp, ticks_per_beat=96)


def _meters(path: Path) -> list[int]:
    """Meter changes every bar or two, tempo changes inside bars at odd ticks."""
    meters = ["4/4", "3/4", "7/8", "7/8", "5/4", "6/8", "2/2", "5/8", "12/8", "3/2", "4/4"]
    tempos = [(0, 72.0), (1234, 131.5), (4321, 84.25), (9999, 200.0), (15000, 47.5)]
    return write_midi(path, meters * 3, tempos=tempos)


def _film_cue(path: Path) -> list[int]:
    """A long film cue: 200 bars, a click tempo change at every bar (97.3 bpm and so on)."""
    chance = random.Random(200)
    tempos = [(bar * 4 * 384, round(chance.uniform(70, 140), 2)) for bar in range(200)]
    return write_midi(path, ["4/4"] * 200, tempos=tempos, ticks_per_beat=384)


def _hit_points(path: Path) -> list[int]:
    """A composer's file: markers and cue points at hits between beats, two parts."""
    tempos = [(0, 100.0), (7 * 1920 + 333, 126.0), (12 * 1920, 92.0)]
    markers = [(0, "A"), (4 * 1920 + 240, "B"), (9 * 1920 + 1000, "Hit 1")]
    cues = [(13 * 1920 + 77, "Punch")]
    meters = ["4/4"] * 16
    return write_midi(
        path, meters, tempos=tempos, markers=markers, cues=cues, parts=("Brass", "Strings")
    )


def _single_track(path: Path) -> list[int]:
    """Type 0: tempo, meters and notes in one track, a ramp across a meter change."""
    tempos = [(i * 120, 90 + i * 0.37) for i in range(35 * 4)]
    return write_midi(path, ["4/4"] * 5 + ["5/8"] * 6, tempos=tempos, single_track=True)


def _no_tempo(path: Path) -> list[int]:
    """No tempo at all: MIDI's 120 quarter notes a minute."""
    return write_midi(path, ["3/4"] * 4 + ["4/4"] * 4)


MIDI_FILES: dict[str, Callable[[Path], list[int]]] = {
    "tapped-tempo": _tapped,
    "ritardando": _ritardando,
    "ritardando-fine": _ritardando_fine,
    "rubato": _rubato,
    "accelerando-6-8": _accelerando,
    "meter-changes": _meters,
    "film-cue-200-bars": _film_cue,
    "hit-points": _hit_points,
    "single-track": _single_track,
    "no-tempo": _no_tempo,
}
