"""The rules about the score as a whole: none, unreadable, or changed since the last sync,
and then what moved under the scene: bars inserted, cut or changed (told by their music
when the sync recorded it), length, tempi, and each beat's bar or seconds."""

from __future__ import annotations

from dataclasses import dataclass

from choreo.checks.registry import Findings
from choreo.model import Beat, Scene, SyncRecord, format_beat
from choreo.model.recut import Recut, recut
from choreo.placement import Spot, UnplacedBeat
from choreo.timing import MeasureMap, tempo_summary


@dataclass(frozen=True, slots=True)
class ScoreReading:
    """What reading a scene's score gave the checks: its measures (with the score file's
    content hash; a steady grid when the scene has no score or it could not be read), and
    why it could not be read."""

    measures: MeasureMap
    problem: str | None = None


def check_score(scene: Scene, score: ScoreReading, findings: Findings) -> None:
    """One note on the score: unreadable, absent, or changed since the last sync."""
    if score.problem is not None:
        findings.add(
            "score-unreadable", None, f"{scene.score.file_name} could not be read: {score.problem}"
        )
    elif score.measures.steady:
        findings.add(
            "no-score",
            None,
            f"no score: beats sit on a steady 4/4 grid at "
            f"{format_beat(scene.score.tempo)} quarter notes per minute",
        )
    elif _changed_since_sync(scene, score):
        findings.add(
            "score-changed",
            None,
            "the score changed since the last sync; "
            "run `choreo sync` to update, or `choreo sync --rebase` to follow moved bars",
        )
    if score.problem is None and score.measures.order == "written" and score.measures.repeats:
        findings.add(
            "written-order-repeats",
            None,
            "the score has repeats or jumps, so these seconds are not what the orchestra "
            "plays; set `order: performed` under `score:`",
        )


def check_drift(scene: Scene, score: ScoreReading, placed: list[Spot], findings: Findings) -> None:
    """The score's bars, length and tempi, then each beat, where they differ from the sync.

    When the sync recorded each bar's music, bars inserted, cut or changed are named, and
    a beat whose bar's music moved is told where it is now rather than how many seconds
    it drifted. Otherwise (or for a beat whose bar stayed put) a beat counts as moved when
    it starts half a frame or more from where it was. A beat added after the sync has
    nothing to be compared with.
    """
    record = scene.score.synced
    if record is None or not _changed_since_sync(scene, score):
        return
    bars = recut(record.bars, score.measures.bars) if record.bars and score.measures.bars else None
    told = (bars.lines or ("no bar's music was inserted, cut or changed",)) if bars else ()
    for line in told + tuple(_score_lines(record, score.measures)):
        findings.add("score-drift", None, line)
    tolerance = 0.5 / float(scene.score.fps)
    for spot in placed:
        before = record.beat_seconds.get(spot.beat.id)
        if before is None:
            continue
        where = f"at {spot.beat.at}"
        if bars is not None:
            judged, said = _bar_moved(spot.beat, record, bars)
            if said is not None:
                findings.add("score-drift", spot.beat.id, f"{where}: {said}")
            if judged:
                continue
        if isinstance(spot, UnplacedBeat):
            findings.add(
                "score-drift", spot.beat.id, f"{where} is outside the score now: {spot.problem}"
            )
            continue
        moved = spot.start_seconds - before
        if abs(moved) >= tolerance:
            findings.add(
                "score-drift",
                spot.beat.id,
                f"{where} moved {_seconds(moved, signed=True)} "
                f"({_seconds(before)} → {_seconds(spot.start_seconds)})",
            )


def _bar_moved(beat: Beat, record: SyncRecord, bars: Recut) -> tuple[bool, str | None]:
    """Whether the music of the beat's bar at the sync says how the beat moved (else its
    seconds are compared), and what to say (``None``: it is where its music is)."""
    anchor = record.anchors.get(beat.id)
    synced_at = anchor.at if anchor is not None else beat.at
    old = bars.old.index_of(synced_at.measure)
    if old is None:
        return False, None  # not a bar of the synced score: only its seconds can be compared
    fate = bars.fate(old)
    unmoved = beat.at == synced_at
    if fate.fate == "kept" and fate.new is not None:
        now = bars.new.numbers[fate.new]
        if now == synced_at.measure:
            return False, None  # the same bar: a tempo change can still move its seconds
        if beat.at.measure == now:
            return True, None  # rebased already
        if not unmoved:
            return False, None  # moved by hand since the sync
        said = f"the music of bar {synced_at.measure} is bar {now} now"
        return True, f"{said}; `choreo sync --rebase` moves the beat"
    if not unmoved:
        return False, None
    if fate.fate == "cut":
        return True, f"its bar was cut ({fate.why}); move or delete the beat"
    if fate.fate == "changed":
        return True, f"{fate.why}; look at the beat"
    return True, f"{fate.why}, so which bar the beat belongs to cannot be told from the music"


def _changed_since_sync(scene: Scene, score: ScoreReading) -> bool:
    """The scene was synced with a score other than the one read now (never when the score
    could not be read: its grid says nothing about the score)."""
    record = scene.score.synced
    digest = score.measures.content_hash
    return record is not None and bool(digest) and score.problem is None and record.hash != digest


def _score_lines(record: SyncRecord, measures: MeasureMap) -> list[str]:
    lines = []
    count = len(measures.measures)
    if count != record.measures:
        lines.append(f"measures: {record.measures} → {count}")
    duration = measures.duration_seconds
    if abs(duration - record.duration_seconds) >= 0.001:
        lines.append(f"length: {_seconds(record.duration_seconds)} → {_seconds(duration)}")
    tempos = tempo_summary(measures)
    if record.tempos and tempos != record.tempos:
        lines.append(f"tempo map: {record.tempos} → {tempos}")
    return lines


def _seconds(value: float, *, signed: bool = False) -> str:
    text = f"{value:+.2f}" if signed else f"{value:.2f}"
    return f"{text} s"
