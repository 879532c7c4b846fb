"""What the truth audit plays: music21 corpus pieces and MIDI files built with mido.

Corpus: every MusicXML piece outside the three big collections (quartets, madrigals, rags,
songs, demos), every Monteverdi madrigal, and an evenly spread sample of the Bach
chorales and the trecento pieces. Humdrum: every ``.krn`` piece outside Palestrina's
masses (Bach, Beethoven, Chopin: expansion lists, ``*MM`` tempos) and every 16th mass
section (their long notes, excerpts numbered from bar 141). MIDI: tempo maps as DAWs and
composers write them, each file knowing where its bars start (see ``tests/midi_files.py``).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tests.midi_files import write_midi

MUSICXML = (".mxl", ".xml", ".musicxml")
SAMPLED = {"bach": 14, "trecento": 10}  # every Nth file of a large collection
HUMDRUM_SAMPLED = {"palestrina": 16}


@dataclass(frozen=True)
class OracleFault:
    """Where MuseScore's playback and the score differ, why, and the bars as the score's
    signs say to play them: runs of written bar numbers, each pass after the first marked
    (``1-8 1-8/2 9-16``). The audit holds choreo to ``played``, so a fault excuses
    MuseScore, never a change in what choreo plays."""

    why: str
    played: str


# Each case below was checked against the score's own signs (and, where an encoding lost
# a sign, its notes). MuseScore 3.2 misplays these kinds: an end repeat with no start
# sign goes back to bar 1 or to an older start sign, across an earlier end repeat or a
# Fine (it goes back to the last end repeat); "D.C./D.S. al Fine" written with a plain
# <sound dacapo|dalsegno> plays on past the Fine; a first ending whose bracket has a stop
# but no start is played on every pass; a first ending bracketed over its first bar only
# is played in part on the second pass too; a forward repeat on a right barline goes back
# to that bar, not the next; jumps written only as words ("Menuetto da capo") are not
# played; a D.C. goes back to bar 1 of a file of movements, not to its movement's head.
KNOWN_ORACLE_FAULTS: dict[str, OracleFault] = {
    "corpus:beethoven/opus132": OracleFault(
        "the first ending (bars 364-368) is bracketed over bar 364 only; 'D.C. al Fine' in "
        "bar 510 goes back to bar 1, not to the head of movement ii (bar 265), and "
        "movements iii-v are never played",
        "1-286 265-285/2 287-368 290-363/2 369-510 265-285/3 287-289/2 290-363/3 369-389/2 "
        "511-730 723-730/2 731-746 731-746/2 747-1124",
    ),
    "corpus:beethoven/opus18no1/movement3": OracleFault(
        "the end repeats of bars 85 and 101 go back to bar 1, across those of bars 10 and 85",
        "1-10 1-10/2 11-85 11-85/2 86-101 86-101/2 102-145",
    ),
    "corpus:beethoven/opus18no3": OracleFault(
        "the first endings (bars 108-109, 709-715) are bracketed over their first bar only; "
        "the forward repeats on the right barlines of bars 431 (an end-start :|:) and 596 "
        "go back to those bars",
        "1-109 3-107/2 110-431 423-431/2 432-486 432-486/2 487-499 487-499/2 500-715 "
        "597-708/2 716-966",
    ),
    "corpus:beethoven/opus18no4": OracleFault(
        "'Men. D.C.' in bar 583 (words) is not played; the end repeats of bars 592 and 601 "
        "are not taken",
        "1-78 2-77/2 79-303 222-303/2 304-491 483-491/2 492-534 492-533/2 535-555 536-555/2 "
        "556-583 483-533/3 535/2 584-592 584-592/2 593-601 593-601/2 602-610 602-610/2 "
        "611-627 611-626/2 628-667 661-667/2 668-676 668-675/2 677-685 678-684/2 686-809",
    ),
    "corpus:beethoven/opus18no5": OracleFault(
        "the first endings (bars 220-221, 583-584) are bracketed over their first bar only; "
        "'Menuetto D.C.' in bar 336 (words) is not played; bar 584's end repeat goes back to "
        "bar 438 and the playback stops there",
        "1-79 1-78/2 80-221 82-219/2 222-310 254-309/2 311-320 312-320/2 321-337 229-253/2 "
        "254-309/3 311/2 338-346 338-346/2 347-355 347-355/2 356-364 356-364/2 365-373 "
        "365-373/2 374-382 374-382/2 383-391 383-391/2 392-400 393-400/2 401-408 401-407/2 "
        "409-418 410-418/2 419-427 419-427/2 428-436 429-435/2 437-445 438-444/2 446-584 "
        "490-582/2 585-793",
    ),
    "corpus:beethoven/opus59no2/movement3": OracleFault(
        "'il minore ma senza replica ed allora ancora una volta il trio, e dopo di nuovo da "
        "capo il minore senza replica' in bar 142 is played as a plain D.C. to the end",
        "1-9 2-7/2 10-55 12-51/2 56-142 1/2 2-7/3 10-11/2 12-51/3 56-142/2 1/3 2-7/4 10-11/3 "
        "12-51/4 56-58/3",
    ),
    "corpus:beethoven/opus59no3/movement3": OracleFault(
        "'Menuetto da Capo' in bar 77 (words) is not played",
        "1-38 17-38/2 39-54 39-53/2 55-75 56-74/2 76-78 1-16/2 17-38/3 79-96",
    ),
    "corpus:handel/rinaldo/Lascia_chio_pianga": OracleFault(
        "'D.S. al Fine' in bar 54 plays on past the Fine of bar 42 to bar 54",
        "1-54 13-42/2",
    ),
    "corpus:haydn/opus1no1/movement4": OracleFault(
        "'M.D.C.' in bar 45 (words) is not played",
        "0-12 0-12/2 13-27 13-26/2 28-36 29-36/2 37-44 37-43/2 45 0-26/3 28/2",
    ),
    "corpus:haydn/opus74no1/movement3": OracleFault(
        "the end repeat of bar 74 (a first ending) goes back to bar 15, across the end "
        "repeat of bar 60, and the second ending (bar 75) is never played",
        "1-14 1-14/2 15-60 15-60/2 61-74 61-73/2 75-97 76-97/2 98-113",
    ),
    "corpus:mozart/k156/movement2": OracleFault(
        "the end repeat of bar 37 goes back to bar 1, across the end repeat of bar 14",
        "1-14 1-14/2 15-37 15-37/2",
    ),
    "corpus:mozart/k156/movement3": OracleFault(
        "'Menuetto da capo senza Ritornello' in bar 61 (words) is not played",
        "1-14 1-14/2 15-36 15-36/2 37-46 37-46/2 47-62 47-62/2 1-36/3",
    ),
    "corpus:mozart/k458/movement1": OracleFault(
        "the first ending (bar 232, bracket stop without start) is played on the second pass too",
        "0-90 0-90/2 91-232 91-231/2 233-282",
    ),
    "corpus:mozart/k458/movement2": OracleFault(
        "the end repeats of bars 28 and 38 go back to bar 1; the first endings (bars 38, 62, "
        "brackets without start) are played on every pass, the second ending bar 39 never",
        "1-8 1-8/2 9-28 9-28/2 29-38 29-37/2 39-62 40-61/2 63",
    ),
    "corpus:mozart/k80/movement1": OracleFault(
        "the end repeat of bar 67 goes back to bar 1, across the end repeat of bar 28",
        "1-28 1-28/2 29-67 29-67/2",
    ),
    "corpus:mozart/k80/movement3": OracleFault(
        "'Menuetto da capo.' in bar 52 (words, no <sound dacapo>) is not played, and bar "
        "52's end repeat goes back to bar 29 across bar 36's",
        "1-8 1-8/2 9-28 9-28/2 29-36 29-36/2 37-52 37-52/2 1-28/3",
    ),
    "corpus:schumann_clara/polonaise_op1n1": OracleFault(
        "bar 28's end repeat goes back to bar 1 across the Fine of bar 20; 'D.C. al Fine' in "
        "bar 40 plays on past the Fine",
        "1-8 1-8/2 9-28 21-28/2 29-40 1-8/3 9-20/2",
    ),
    "corpus:schumann_clara/polonaise_op1n2": OracleFault(
        "bar 24's end repeat goes back to bar 9 across the Fine of bar 16; 'D.C. al Fine' in "
        "bar 32 plays on past the Fine",
        "1-8 1-8/2 9-16 9-16/2 17-24 17-24/2 25-32 25-32/2 1-16/3",
    ),
    "corpus:schumann_clara/polonaise_op1n3": OracleFault(
        "'D.C. al Fine' in bar 48 plays on past the Fine of bar 24",
        "1-8 1-8/2 9-48 41-48/2 1-8/3 9-24/2",
    ),
    "corpus:schumann_clara/polonaise_op1n4": OracleFault(
        "'D.C. al Fine' in bar 40 plays on past the Fine of bar 16",
        "1-8 1-8/2 9-16 9-16/2 17-32 17-32/2 33-40 33-40/2 1-16/3",
    ),
    "corpus:schumann_robert/opus41no1/movement2": OracleFault(
        "the first ending (bars 48-51) is never played: its end repeat is taken as bar 35's",
        "1-35 28-35/2 36-51 36-47/2 52-83",
    ),
    "corpus:trecento/PMFC_23_22-Kyrie Summe Clementissime": OracleFault(
        "the end repeat of bar 16 goes back to bar 1, across the end repeat of bar 9",
        "1-9 1-9/2 10-16 10-16/2 17-25 17-25/2",
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


def humdrum_cases() -> list[Case]:
    """Humdrum pieces, named with their ``.krn`` (some are in the corpus as MusicXML too)."""
    from music21 import corpus

    paths = sorted(Path(str(p)) for p in corpus.getPaths() if str(p).endswith(".krn"))
    root = _corpus_root(paths)
    seen: dict[str, int] = {}
    cases = []
    for path in paths:
        name = path.relative_to(root).as_posix()
        collection = name.split("/")[0]
        seen[collection] = seen.get(collection, 0) + 1
        if (seen[collection] - 1) % HUMDRUM_SAMPLED.get(collection, 1) == 0:
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
