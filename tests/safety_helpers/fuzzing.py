"""Mutated scenes and scores through choreo's real entry points, for the soak
(``python -m benchmarks fuzz``) and, a few thousand at a time, for the test suite.

A scene goes through :func:`choreo.store.parse_scene`. A score goes through the guard and
then the very reading the bounded child runs (:func:`choreo.score.bounded.read_request`),
in this process so that music21 is imported once; every ``cli_every``-th score also goes
through ``choreo score --performed`` in a subprocess, the time and memory bounds included.
Each outcome is a result or one line of :class:`ChoreoError`; anything else is counted as a
traceback, and any input that takes more than ``SLOW_SECONDS`` of processor time (this
process's and its children's, so a soak on a busy machine measures the input, not the
machine) as slow.
"""

from __future__ import annotations

import contextlib
import random
import re
import resource
import signal
import subprocess
import sys
import time
import traceback
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from types import FrameType

from choreo.errors import ChoreoError

REPO = Path(__file__).resolve().parent.parent.parent
SLOW_SECONDS = 10.0

# Values that break parsers and arithmetic, put where a number or a name was.
EXTREMES = [
    "0", "-1", "1000", "65536", "99999999999999999999", "1e308", "1e-300", "nan", "inf", "-0",
    "3+2", "1000/1", "0/0", "", " ", "x", "\ufffe", "\uffff", "\x00", "\x1b[2J", "\u202e",
    "&amp;", "<", "]]>", "𝄞", "é" * 40, "9" * 5000,
]  # fmt: skip
_NUMBER = re.compile(rb"\d+(?:\.\d+)?")
_TEXT = re.compile(rb">([^<>]{1,40})<")

ABC_TUNE = b"""X:1
T:Fuzz reel
M:4/4
L:1/8
Q:1/4=120
K:D
|:DFAF dFAF|GBdB AFEF|DFAF dfed|1 cdec d2z2:|2 cdec d4||
M:3/4
fed cBA|B2 A2 F2|
"""


@dataclass
class Figures:
    inputs: int = 0
    accepted: int = 0
    refused: int = 0
    through_cli: int = 0
    tracebacks: list[str] = field(default_factory=list)
    slow: list[str] = field(default_factory=list)
    longest: float = 0.0
    longest_input: str = ""

    def line(self, what: str, seconds: float) -> str:
        return (
            f"{what}: {self.inputs:,} inputs in {seconds:.0f} s: {self.accepted:,} read, "
            f"{self.refused:,} refused with one line ({self.through_cli:,} through the CLI); "
            f"{len(self.tracebacks)} tracebacks, {len(self.slow)} over {SLOW_SECONDS:.0f} s "
            f"(longest {self.longest:.1f} s: {self.longest_input})"
        )


@dataclass(frozen=True)
class Seed:
    name: str  # the file name the mutant gets: its suffix picks the reader
    data: bytes
    kind: str  # "scene" or "score"


def seeds(folder: Path) -> list[Seed]:
    """Real scenes and small real scores in every format choreo reads."""
    found = [
        Seed(path.name, path.read_bytes(), "scene")
        for path in sorted([*REPO.glob("scenes/*.yaml"), *REPO.glob("tests/fights/*.yaml")])
    ]
    waltz = (REPO / "scores" / "studio-waltz.musicxml").read_bytes()
    found.append(Seed("waltz.musicxml", waltz, "score"))
    found.append(
        Seed("corridor.musicxml", (REPO / "scores" / "corridor.musicxml").read_bytes(), "score")
    )
    packed = BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("META-INF/container.xml", _CONTAINER)
        archive.writestr("waltz.xml", waltz)
    found.append(Seed("waltz.mxl", packed.getvalue(), "score"))
    from tests.midi_files import write_midi

    midi = folder / "seed.mid"
    write_midi(midi, ["4/4", "3/4", "7/8"], tempos=[(0, 96.0), (960, 140.0)], markers=[(0, "A")])
    found.append(Seed("seed.mid", midi.read_bytes(), "score"))
    found.append(Seed("reel.abc", ABC_TUNE, "score"))
    return found


_CONTAINER = """<?xml version="1.0"?><container><rootfiles>
<rootfile full-path="waltz.xml"/></rootfiles></container>"""


def mutate(data: bytes, chance: random.Random, *, archive: bool = False) -> bytes:
    """One to four mutations: a value made extreme, bytes flipped, a span cut or doubled.

    An archive's members are mutated inside it, so the mutant still unzips."""
    if archive and chance.random() < 0.8:
        return _mutate_members(data, chance)
    for _ in range(chance.randint(1, 4)):
        data = chance.choice(_MUTATIONS)(data, chance)
    return data


def _extreme_number(data: bytes, chance: random.Random) -> bytes:
    found = list(_NUMBER.finditer(data))
    if not found:
        return data
    spot = chance.choice(found)
    value = chance.choice(EXTREMES).encode("utf-8", "surrogatepass")
    return data[: spot.start()] + value + data[spot.end() :]


def _extreme_text(data: bytes, chance: random.Random) -> bytes:
    found = list(_TEXT.finditer(data))
    if not found:
        return _extreme_number(data, chance)
    spot = chance.choice(found)
    value = chance.choice(EXTREMES).encode("utf-8")
    return data[: spot.start(1)] + value + data[spot.end(1) :]


def _flip(data: bytes, chance: random.Random) -> bytes:
    if not data:
        return data
    changed = bytearray(data)
    for _ in range(chance.randint(1, 8)):
        changed[chance.randrange(len(changed))] = chance.randrange(256)
    return bytes(changed)


def _cut(data: bytes, chance: random.Random) -> bytes:
    start = chance.randrange(len(data) + 1)
    return data[:start] + data[start + chance.randint(1, 400) :]


def _double(data: bytes, chance: random.Random) -> bytes:
    start = chance.randrange(len(data) + 1)
    span = data[start : start + chance.randint(1, 2000)]
    return data[:start] + span * chance.randint(2, 50) + data[start:]


_MUTATIONS: list[Callable[[bytes, random.Random], bytes]] = [
    _extreme_number,
    _extreme_number,
    _extreme_text,
    _flip,
    _cut,
    _double,
]


def _mutate_members(data: bytes, chance: random.Random) -> bytes:
    with zipfile.ZipFile(BytesIO(data)) as source:
        members = [(info.filename, source.read(info)) for info in source.infolist()]
    name, content = chance.choice(members)
    members = [(n, mutate(c, chance) if n == name else c) for n, c in members]
    if chance.random() < 0.2:  # a name with a case, a slash or a suffix of its own
        members.append((chance.choice(["SCORE.XML", "x.xml/", "a.mxl", "b.txt"]), content))
    packed = BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, content in members:
            archive.writestr(member, content)
    return packed.getvalue()


class _Hang(BaseException):
    """An input ran past HANG_SECONDS; BaseException so no ``except Exception`` hides it."""


@contextlib.contextmanager
def _bound(seconds: float, clock: int = signal.ITIMER_REAL) -> Iterator[None]:
    """Raise :class:`_Hang` after ``seconds`` of ``clock``: wall-clock time, or with
    ``ITIMER_PROF`` this process's processor time."""

    def alarm(signum: int, frame: FrameType | None) -> None:
        raise _Hang

    sent = signal.SIGPROF if clock == signal.ITIMER_PROF else signal.SIGALRM
    previous = signal.signal(sent, alarm)
    signal.setitimer(clock, seconds)
    try:
        yield
    finally:
        signal.setitimer(clock, 0)
        signal.signal(sent, previous)


def run(
    runs: int,
    folder: Path,
    *,
    seed: int = 16,
    scores_share: float = 0.25,
    cli_every: int = 0,
    hang_seconds: float = 300.0,  # a backstop: a stalled machine is not a slow input
    progress: Callable[[Figures], None] | None = None,
) -> Figures:
    """``runs`` mutants of the seeds, about ``scores_share`` of them scores; an input still
    running after ``hang_seconds`` of wall-clock time is stopped (and counted as slow)."""
    chance = random.Random(seed)
    everything = seeds(folder)
    scenes = [s for s in everything if s.kind == "scene"]
    scores = [s for s in everything if s.kind == "score"]
    figures = Figures()
    scored = 0
    for number in range(runs):
        is_score = chance.random() < scores_share
        seed_file = chance.choice(scores if is_score else scenes)
        data = mutate(seed_file.data, chance, archive=seed_file.name.endswith(".mxl"))
        path = folder / f"{number % 100}-{seed_file.name}"
        path.write_bytes(data)
        via_cli = False
        if is_score:
            scored += 1
            via_cli = bool(cli_every) and scored % cli_every == 0
        started = _processor_seconds()
        hung = False
        try:
            with _bound(hang_seconds):
                if via_cli:
                    _score_through_cli(path, figures)
                elif is_score:
                    _score_in_process(path, figures)
                else:
                    _scene(path, data, figures)
        except _Hang:
            hung = True
        except Exception:  # the defect a fuzzer is for: kept with its input
            kept = folder / "tracebacks" / f"{number}-{seed_file.name}"
            kept.parent.mkdir(exist_ok=True)
            kept.write_bytes(data)
            last = traceback.format_exc().strip().splitlines()[-1]
            figures.tracebacks.append(f"{kept}: {last}")
        elapsed = _processor_seconds() - started
        if hung:  # it never finished: slow whatever its processor time
            elapsed = max(elapsed, hang_seconds)
        figures.inputs += 1
        if elapsed > figures.longest:
            figures.longest, figures.longest_input = elapsed, seed_file.name
        if elapsed > SLOW_SECONDS:
            kept = folder / "slow" / f"{number}-{seed_file.name}"
            kept.parent.mkdir(exist_ok=True)
            kept.write_bytes(data)
            figures.slow.append(f"{kept}: {elapsed:.1f} s")
        if progress is not None and figures.inputs % 1000 == 0:
            progress(figures)
    return figures


def _processor_seconds() -> float:
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def _one_line(error: ChoreoError, figures: Figures) -> None:
    message = str(error)
    if message.splitlines() != [message] or not message:
        raise AssertionError(f"not one line: {message!r}")
    if "please report it" in message:  # a defect the bounded child turned into a line
        raise AssertionError(message)
    figures.refused += 1


def _scene(path: Path, data: bytes, figures: Figures) -> None:
    from choreo.store import parse_scene

    try:
        parse_scene(data, path)
    except ChoreoError as error:
        _one_line(error, figures)
        return
    figures.accepted += 1


def _score_in_process(path: Path, figures: Figures) -> None:
    from choreo.score import guard
    from choreo.score.bounded import read_request, time_bound
    from choreo.score.files import score_format

    try:
        form = score_format(path)
        guard.check_size(path)
        guard.check_content(path, form)
    except ChoreoError as error:
        _one_line(error, figures)
        return
    request = {"path": str(path), "format": form, "part": 0, "default_tempo": 120.0}
    try:  # the processor-time bound the child reads under, here in process
        with _bound(time_bound(path), clock=signal.ITIMER_PROF):
            answer = read_request({**request, "source": str(path), "performed": True})
    except _Hang:
        figures.refused += 1  # as the bounded child refuses it, in one line
        return
    if "crash" in answer:
        raise AssertionError(answer["crash"])
    if "error" in answer:
        figures.refused += 1
    else:
        figures.accepted += 1


def _score_through_cli(path: Path, figures: Figures) -> None:
    figures.through_cli += 1
    done = subprocess.run(
        [sys.executable, "-m", "choreo", "score", "--performed", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    lines = done.stderr.strip().splitlines()
    if done.returncode == 0 and not lines:
        figures.accepted += 1
    elif done.returncode == 2 and len(lines) == 1 and lines[0].startswith("error: "):
        if "please report it" in lines[0]:
            raise AssertionError(lines[0])
        figures.refused += 1
    else:
        raise AssertionError(f"exit {done.returncode}: {done.stderr.strip()[-300:]}")
