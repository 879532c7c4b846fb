"""The truth audit: choreo's seconds against what the players play. Run by hand:
``python -m benchmarks truth`` (not part of the default ``python -m benchmarks``).

Each corpus piece is read by choreo in performed order and compared bar by bar with
MuseScore's playback (``mscore3 -o x.mpos``, 2 ms for its rounding to whole ms); each
Humdrum piece, which MuseScore cannot open, in written and in performed order with
verovio's (``truth_verovio``, 2 ms likewise); each MIDI file built with mido is compared
with mido's own tick-to-second sum (1 ms). A piece is
right, refused (choreo said why in one line) or wrong (the first wrong bar is printed).
Where MuseScore is known to misplay a piece (``KNOWN_ORACLE_FAULTS``), choreo's order is
held to the one written down for it, and its seconds to MuseScore's for as long as both
play the same bars: an "oracle fault" is a piece choreo plays as the score says.
A piece MuseScore cannot open is skipped. The result is also written to
``benchmarks/truth-last.txt`` for the README.

Environment: ``CHOREO_TRUTH_JOBS`` (pieces at once, default 2), ``CHOREO_TRUTH_LIMIT``
(seconds per piece, default 300), ``CHOREO_TRUTH_ONLY`` (run only names containing it;
such a partial run leaves truth-last.txt alone).
"""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import tempfile
import time
import traceback
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path

from benchmarks.truth_cases import (
    KNOWN_ORACLE_FAULTS,
    Case,
    corpus_cases,
    humdrum_cases,
    midi_cases,
)
from benchmarks.truth_musescore import OracleError, musescore_available, musescore_bar_ms
from benchmarks.truth_verovio import VerovioError, verovio_available, verovio_bar_ms
from choreo.timing import Measure, MeasureMap

LAST = Path(__file__).resolve().parent / "truth-last.txt"
MUSESCORE_TOLERANCE_MS = 2.0  # MuseScore writes whole ms
MIDO_TOLERANCE_MS = 1.0
VEROVIO_TOLERANCE_MS = 2.0  # verovio's timemap gives whole ms
VERDICTS = ("right", "refused", "wrong", "oracle fault", "skipped", "timed out")


@dataclass(frozen=True)
class Outcome:
    name: str
    verdict: str  # one of VERDICTS
    detail: str = ""
    bars: int = 0
    seconds: float = 0.0  # how long the check took


def main() -> None:
    jobs = int(os.environ.get("CHOREO_TRUTH_JOBS", "2"))
    limit = float(os.environ.get("CHOREO_TRUTH_LIMIT", "300"))
    only = os.environ.get("CHOREO_TRUTH_ONLY", "")
    # Imported once here, so every forked check shares them and runs the same code.
    import music21  # noqa: F401

    import choreo.score.load  # noqa: F401

    with tempfile.TemporaryDirectory(prefix="choreo-truth-midi-") as folder:
        cases = corpus_cases() + humdrum_cases() + midi_cases(Path(folder))
        cases = [case for case in cases if only in case.name]
        started = time.perf_counter()
        outcomes = _run_all(cases, jobs, limit)
    report = _report(outcomes, time.perf_counter() - started)
    print(report, flush=True)
    if not only:
        LAST.write_text(_header() + report + "\n", encoding="utf-8")
        print(f"   written to {LAST}")


def check(case: Case, limit: float) -> Outcome:
    """One piece: the oracle's bar starts, then choreo's, compared bar by bar."""
    from choreo.errors import ScoreError
    from choreo.score import load_measure_map

    started = time.perf_counter()
    if case.path.suffix == ".krn":
        return _check_humdrum(case, started)
    if case.bar_ticks:
        from tests.midi_files import bar_seconds

        seconds = bar_seconds(case.path, case.bar_ticks)
        expected = [(index, s * 1000) for index, s in enumerate(seconds)]
        oracle, tolerance = "mido", MIDO_TOLERANCE_MS
    else:
        if not musescore_available():
            return Outcome(case.name, "skipped", "MuseScore (mscore3) is not installed")
        try:
            expected = [(index, float(ms)) for index, ms in musescore_bar_ms(case.path, limit)]
        except OracleError as error:
            return Outcome(case.name, "skipped", str(error))
        oracle, tolerance = "MuseScore", MUSESCORE_TOLERANCE_MS
    try:
        measures = load_measure_map(str(case.path), performed=True, use_cache=False)
    except ScoreError as error:
        took = time.perf_counter() - started
        said = str(error).replace(str(case.path), case.name)  # the name, not the install path
        # A piece whose order is written down below is plain: refusing it is wrong.
        verdict = "wrong" if case.name in KNOWN_ORACLE_FAULTS else "refused"
        return Outcome(case.name, verdict, f"error: {said}", len(expected), took)
    found = [(m, m.start_seconds * 1000) for m in measures.measures]
    if case.name in KNOWN_ORACLE_FAULTS:
        detail, verdict = _against_the_score(case, measures, expected, tolerance)
        return Outcome(case.name, verdict, detail, len(expected), time.perf_counter() - started)
    detail = _first_wrong_bar(found, expected, oracle, tolerance)
    took = time.perf_counter() - started
    if not detail:
        return Outcome(case.name, "right", "", len(expected), took)
    return Outcome(case.name, "wrong", detail, len(expected), took)


def _check_humdrum(case: Case, started: float) -> Outcome:
    """A Humdrum piece against verovio, in written order, then in performed order."""
    from choreo.errors import ScoreError
    from choreo.score import load_measure_map

    if not verovio_available():
        return Outcome(case.name, "skipped", "verovio is not installed")
    try:
        written, tempo = verovio_bar_ms(case.path, performed=False)
        played, _ = verovio_bar_ms(case.path, performed=True)
    except VerovioError as error:
        return Outcome(case.name, "skipped", str(error))
    for order, expected in (("written", written), ("performed", played)):
        took = time.perf_counter() - started
        try:
            measures = load_measure_map(
                str(case.path), performed=order == "performed", default_tempo=tempo, use_cache=False
            )
        except ScoreError as error:
            said = str(error).replace(str(case.path), case.name)
            return Outcome(case.name, "refused", f"{order} order: error: {said}", len(played), took)
        found = [(m, m.start_seconds * 1000) for m in measures.measures]
        detail = _first_wrong_bar(found, expected, "verovio", VEROVIO_TOLERANCE_MS)
        if detail:
            return Outcome(case.name, "wrong", f"{order} order: {detail}", len(played), took)
    return Outcome(case.name, "right", "", len(played), time.perf_counter() - started)


def _against_the_score(
    case: Case, measures: MeasureMap, expected: list[tuple[int, float]], tolerance: float
) -> tuple[str, str]:
    """A piece MuseScore misplays: choreo's order against the one written down for it,
    and its seconds against MuseScore's for as long as both play the same bars."""
    from choreo.score import load_measure_map
    from tests.score_fixtures import runs

    fault = KNOWN_ORACLE_FAULTS[case.name]
    played = runs(measures)
    if played != fault.played:
        return f"choreo plays {_first_difference(played, fault.played)}", "wrong"
    written = load_measure_map(str(case.path), use_cache=False).measures
    agreed = 0
    pairs = zip(measures.measures, expected, strict=False)
    for played_as, (measure, (index, wanted)) in enumerate(pairs, 1):
        if index >= len(written) or written[index].number != measure.number:
            break
        ms = measure.start_seconds * 1000
        if abs(ms - wanted) > tolerance:
            return (
                f"bar {measure.number}, played as bar {played_as}, where MuseScore plays the "
                f"same bars: choreo {ms / 1000:.3f} s, MuseScore {wanted / 1000:.3f} s"
            ), "wrong"
        agreed += 1
    if agreed == len(measures.measures) == len(expected):
        return "MuseScore now plays it as the score says: the known fault is gone", "right"
    detail = (
        f"choreo plays the {len(measures.measures)} bars the score says, MuseScore "
        f"{len(expected)}; the same bars at the same seconds for the first {agreed} "
        f"[known: {fault.why}]"
    )
    return detail, "oracle fault"


def _first_difference(played: str, wanted: str) -> str:
    """Where choreo's runs of bars part from the written-down ones."""
    ours, theirs = played.split(), wanted.split()
    at = next(
        (i for i, (a, b) in enumerate(zip(ours, theirs, strict=False)) if a != b),
        min(len(ours), len(theirs)),
    )
    shown = " ".join(ours[at : at + 3]) or "nothing more"
    return f"{shown} where the score says {' '.join(theirs[at : at + 3]) or 'nothing more'}" + (
        f" (after {' '.join(ours[max(at - 2, 0) : at])})" if at else ""
    )


def _first_wrong_bar(
    found: list[tuple[Measure, float]],
    expected: list[tuple[int, float]],
    oracle: str,
    tolerance: float,
) -> str:
    """The first bar more than ``tolerance`` ms off: choreo's bar number and pass, the
    oracle's written bar (1 for the first printed), both starts, the difference."""
    pairs = zip(found, expected, strict=False)
    for played, ((measure, ms), (written, wanted)) in enumerate(pairs, 1):
        if abs(ms - wanted) > tolerance:
            bar = f"bar {measure.number}" + (
                f" pass {measure.pass_number}" if measure.pass_number > 1 else ""
            )
            return (
                f"{bar}, played as bar {played}, {oracle}'s written bar {written + 1}: "
                f"choreo {ms / 1000:.3f} s, {oracle} {wanted / 1000:.3f} s, {ms - wanted:+.0f} ms"
            )
    if len(found) != len(expected):
        return f"choreo plays {len(found)} bars, {oracle} {len(expected)}"
    return ""


# -- running pieces side by side, each in its own process with a time limit ------------


def _run_all(cases: list[Case], jobs: int, limit: float) -> list[Outcome]:
    context = multiprocessing.get_context("fork")  # music21 already imported: cheap
    pending = list(reversed(cases))
    running: dict[Connection, tuple[multiprocessing.process.BaseProcess, Case, float]] = {}
    outcomes: dict[str, Outcome] = {}
    while pending or running:
        while pending and len(running) < max(jobs, 1):
            case = pending.pop()
            receiver, sender = context.Pipe(duplex=False)
            child = context.Process(target=_child, args=(case, limit, sender), daemon=True)
            child.start()
            sender.close()
            running[receiver] = (child, case, time.monotonic())
        for ready in wait(list(running), timeout=1.0):
            assert isinstance(ready, Connection)
            done, case, _ = running.pop(ready)
            try:
                outcome = ready.recv()
            except EOFError:
                outcome = Outcome(case.name, "wrong", f"the check died (exit {done.exitcode})")
            done.join()
            outcomes[case.name] = _printed(outcome, len(outcomes) + 1, len(cases))
        for receiver, (late, case, began) in list(running.items()):
            if time.monotonic() - began > limit:
                late.kill()
                late.join()
                del running[receiver]
                outcome = Outcome(case.name, "timed out", f"over {limit:.0f} s", 0, limit)
                outcomes[case.name] = _printed(outcome, len(outcomes) + 1, len(cases))
    return [outcomes[case.name] for case in cases]


def _child(case: Case, limit: float, sender: Connection) -> None:
    try:
        outcome = check(case, limit)
    except Exception as error:  # a traceback from choreo is never right
        where = traceback.extract_tb(error.__traceback__)[-1]
        text = f"crashed: {type(error).__name__}: {error} ({where.filename}:{where.lineno})"
        outcome = Outcome(case.name, "wrong", text)
    sender.send(outcome)
    sender.close()


def _printed(outcome: Outcome, done: int, total: int) -> Outcome:
    line = f"   [{done:3}/{total}] {outcome.verdict:9} {outcome.name} ({outcome.bars} bars, "
    print(line + f"{outcome.seconds:.1f} s) {outcome.detail}".rstrip(), flush=True)
    return outcome


# -- the report -----------------------------------------------------------------------


def _report(outcomes: list[Outcome], elapsed: float) -> str:
    humdrum = [o for o in outcomes if o.name.endswith(".krn")]
    corpus = sum(1 for o in outcomes if o.name.startswith("corpus:")) - len(humdrum)
    counts = {verdict: sum(1 for o in outcomes if o.verdict == verdict) for verdict in VERDICTS}
    checked = len(outcomes) - counts["skipped"]
    midi = len(outcomes) - corpus - len(humdrum)
    lines = [
        f"truth audit: {len(outcomes)} pieces ({corpus} corpus pieces against MuseScore, "
        f"{len(humdrum)} Humdrum corpus pieces against verovio, {midi} MIDI files against "
        f"mido), {checked} checked, {elapsed:.0f} s",
        "  " + " · ".join(f"{verdict} {counts[verdict]}" for verdict in VERDICTS),
        "  Humdrum: "
        + " · ".join(
            f"{verdict} {sum(1 for o in humdrum if o.verdict == verdict)}" for verdict in VERDICTS
        ),
    ]
    for verdict in VERDICTS[1:]:
        listed = [o for o in outcomes if o.verdict == verdict]
        if listed:
            lines.append(f"{verdict}:")
            lines += [f"  {o.name}: {o.detail}" for o in listed]
    return "\n".join(lines)


def _header() -> str:
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
        cwd=LAST.parent,
    ).stdout.strip()
    from choreo.score.cache import music21_version

    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    return f"# python -m benchmarks truth, {stamp}, commit {commit}, music21 {music21_version()}\n"


if __name__ == "__main__":
    main()
