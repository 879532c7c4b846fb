"""Playing the open scene's music, as plain code: where it starts, the music made ready,
the beat now sounding, and a sync point tapped on the bar now starting.

``space`` plays from the selected beat after a bar's count-in; the music is the scene's
recording, or its score synthesized by FluidSynth, at full, ¾ or ½ speed with the pitch
kept (:mod:`choreo.audio.music`, as the rehearsal track has it). Every second here is the
scene's measure map's: with a recording, the recording's own seconds (the map is timed by
its sync points), else the score's, which is where the synthesized music sounds them.
:class:`~choreo.tui.widgets.playback.Playback` runs this for the editor screen.
"""

from __future__ import annotations

import threading
from bisect import bisect_right
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from choreo.errors import ChoreoError
from choreo.model import Position, Scene
from choreo.model.recording import SyncPoint, check_sync_points
from choreo.project import scene_folder
from choreo.recording_time import SyncPointError, follow_recording
from choreo.scene_score import measures_for
from choreo.store import SceneFile
from choreo.timing import EPSILON, MeasureMap, OutsideScore, clock

if TYPE_CHECKING:
    from choreo.audio.recording import Recording
    from choreo.audio.rendering import ScoreRendering
    from choreo.audio.stretching import Stretching
    from choreo.score.notes import ScoreNotes

# The speeds a fight is rehearsed at, and how the editor says them.
SPEEDS = {1.0: "full speed", 0.75: "¾ speed", 0.5: "½ speed"}
_PLACES = 3  # a sync point keeps milliseconds, as choreo align writes them


class PlayRefused(Exception):
    """Nothing to play, or nothing to tap: the message says why, in one line."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, eq=False)
class PlayRequest:
    """What ``space`` asks for: made on the UI thread, prepared in the worker."""

    scene_file: SceneFile  # the scene as edited, at its file's path
    measures: MeasureMap
    start: float  # the map's second the music starts at
    bar: str  # the bar it starts in
    speed: float
    count_in: tuple[float, ...]  # the count-in's clicks, from its beginning, at speed
    count_in_seconds: float  # a bar of the starting bar's meter and tempo, at speed

    @property
    def status(self) -> str:
        status = f"▶ playing from bar {self.bar} at {SPEEDS[self.speed]} · space stops"
        if self.scene_file.scene.score.recording:  # taps are the recording's sync points
            status += " · t taps the bar"
        return status


def play_request(
    scene_file: SceneFile, scene: Scene, measures: MeasureMap, index: int | None, speed: float
) -> PlayRequest:
    """Playing ``scene`` from its beat ``index`` (the score's start when there is none),
    or a :class:`PlayRefused` that says why not."""
    if not scene.score.recording and not scene.score.file:
        raise PlayRefused(
            "nothing to play: the scene names no score and no recording (s: scene settings)"
        )
    if not measures.measures:
        raise PlayRefused("nothing to play: the score has no bars")
    offset = measures.measures[0].offset
    if index is not None and 0 <= index < len(scene.beats):
        beat = scene.beats[index]
        try:
            offset = measures.offset_of(beat.at, beat.pass_number or 1)
        except OutsideScore as error:
            raise PlayRefused(f"beat {beat.id} is off the score: {error}") from None
    measure = measures.measure_at_offset(offset)
    assert measure is not None  # the offset is in the score
    beat_seconds = (
        measures.seconds_at(offset + measure.beat_length) - measures.seconds_at(offset)
    ) / speed
    return PlayRequest(
        scene_file=replace(scene_file, scene=scene),
        measures=measures,
        start=max(measures.seconds_at(offset), 0.0),
        bar=measure.number,
        speed=speed,
        count_in=tuple(k * beat_seconds for k in range(measure.beat_count)),
        count_in_seconds=measure.beat_count * beat_seconds,
    )


class SceneMusic:
    """The last scene's music made ready, at full speed and at each speed asked for, so
    a second ``space`` plays at once. Any thread may ask; one makes the music at a time.

    A score is rendered and slower speeds are stretched a piece at a time
    (:mod:`choreo.audio.pieces`): the piece where playing starts first, the rest behind
    it while it plays.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple[object, ...] | None = None
        self.full: Recording | None = None
        self._rendering: ScoreRendering | None = None  # the score's, being rendered
        self._notes: tuple[tuple[Path, str, str], ScoreNotes] | None = None  # and what of
        self._reading_notes = threading.Lock()
        self._slower: dict[float, Stretching] = {}
        self._closed = False

    def music(self, request: PlayRequest) -> Recording:
        """The music of ``request`` at its speed, its piece at the start made (reading,
        rendering it the first time), or a :class:`ChoreoError` that says why not."""
        from choreo.audio.music import RATE, full_speed_music
        from choreo.audio.rendering import score_rendering
        from choreo.audio.stretching import Stretching

        key = _music_key(request)
        scene_file = request.scene_file
        score = scene_file.scene.score
        with self._lock:
            if key != self._key or self.full is None:
                self._forget()
                if score.file and not score.recording:
                    folder, content = scene_folder(scene_file.path), request.measures.content_hash
                    notes = self.notes(folder, score.file, content)
                    self._rendering = score_rendering(request.measures, notes, rate=RATE)
                    self.full = self._rendering.recording
                else:
                    self.full = full_speed_music(scene_file, request.measures)
                self._key = key
            full = self.full
            if full is None:
                raise ChoreoError("nothing to play: the scene names no score and no recording")
            if request.start >= full.seconds - EPSILON:
                raise ChoreoError(
                    f"the music ends at {clock(full.seconds)}, before bar {request.bar} "
                    f"(at {clock(request.start)})"
                )
            rendering = self._rendering
            if rendering is not None:
                rendering.from_second(request.start)
            music = full
            if request.speed != 1.0:
                if request.speed not in self._slower:
                    ready = rendering.ready if rendering is not None else None
                    self._slower[request.speed] = Stretching(full, request.speed, ready=ready)
                music = self._slower[request.speed].from_second(request.start)
            if self._closed:  # the editor closed meanwhile: make no more
                self._stop_making()
            return music

    def notes(self, folder: Path, source: str, content: str, *, ahead: bool = False) -> ScoreNotes:
        """The notes of the score ``source`` (relative to the scene's ``folder``) whose
        measure map was read from ``content`` (its hash), read once: ahead of the first
        ``space`` (``ahead``, at a lower priority than the editor), or by it; read again
        where the file changed since."""
        from choreo.score.notes import load_score_notes

        key = (folder, source, content)
        with self._reading_notes:
            kept = self._notes
            if kept is None or kept[0] != key:
                notes = load_score_notes(source, base=folder, background=ahead)
                kept = self._notes = (key, notes)
            return kept[1]

    def has_notes(self, folder: Path, source: str, content: str) -> bool:
        kept = self._notes
        return kept is not None and kept[0] == (folder, source, content)

    def close(self) -> None:
        """No more music: stop rendering and stretching in the background (without
        waiting for the lock a worker may hold while it makes a piece)."""
        self._closed = True
        self._stop_making()

    def _stop_making(self) -> None:
        for pieces in [self._rendering, *list(self._slower.values())]:
            if pieces is not None:
                pieces.stop()

    def _forget(self) -> None:
        self._stop_making()
        self._slower, self.full, self._rendering, self._key = {}, None, None, None


def _music_key(request: PlayRequest) -> tuple[object, ...]:
    """What the music is made from: another value means other music."""
    scene_file = request.scene_file
    score = scene_file.scene.score
    if score.recording:
        path = scene_folder(scene_file.path) / score.recording
        try:
            stat = path.stat()
        except OSError:
            return ("recording", str(path))  # reading it says what is wrong
        return ("recording", str(path), stat.st_mtime_ns, stat.st_size)
    # Synthesized on the map: another part, order or tempo is other music.
    measures = request.measures
    return ("score", str(scene_file.path), score.file, measures.content_hash, measures.tempos,
            measures.order, measures.part)  # fmt: skip


class BeatTimes:
    """The scene's beats in time order, to find the one sounding at a second."""

    def __init__(self, scene: Scene, measures: MeasureMap) -> None:
        self.scene = scene
        self.measures = measures
        timed: list[tuple[float, int]] = []
        for index, beat in enumerate(scene.beats):
            try:
                timed.append((measures.offset_of(beat.at, beat.pass_number or 1), index))
            except OutsideScore:
                continue  # off the score: never sounding
        timed.sort()
        self._offsets = [offset for offset, _ in timed]
        self._indexes = [index for _, index in timed]

    def offset_at(self, seconds: float) -> float:
        return self.measures.offset_at_seconds(seconds)

    def sounding(self, seconds: float, current: int) -> int | None:
        """The beat started last by ``seconds``; ``current`` where it starts with it (two
        beats together: the one selected stays); ``None`` before the first beat."""
        offset = self.offset_at(seconds)
        found = bisect_right(self._offsets, offset + EPSILON) - 1
        if found < 0:
            return None
        latest = self._offsets[found]
        first = bisect_right(self._offsets, latest - EPSILON)
        together = self._indexes[first : found + 1]
        return current if current in together else min(together)


def unsynced_key(scene: Scene) -> tuple[object, ...]:
    """What the score's own measure map is read from: all a recording's map is, but its
    sync points, which only time it (:func:`score_key` has them too)."""
    score = scene.score
    return (score.file, score.part, score.order, score.tempo, score.recording)


def unsynced_measures(scene_file: SceneFile) -> MeasureMap:
    """The scene's score's own measure map, not timed by its recording: what its sync
    points, as they are tapped and undone, time again without reading the score."""
    scene = scene_file.scene
    unsynced = scene.score.model_copy(update={"sync": []})
    return measures_for(scene.model_copy(update={"score": unsynced}), scene_file.path)


def heard_measures(scene: Scene, unsynced: MeasureMap) -> MeasureMap:
    """The score's own map ``unsynced`` timed by the scene's sync points as they are now,
    or a :class:`PlayRefused` where they cannot time it."""
    if not scene.score.recording:
        return unsynced
    try:
        return follow_recording(unsynced, scene.score.sync)
    except SyncPointError as error:
        raise PlayRefused(f"score.sync: {error}") from None


def with_tapped_point(scene: Scene, unsynced: MeasureMap, heard: float) -> tuple[Scene, SyncPoint]:
    """``scene`` with a sync point on the bar whose start is nearest ``heard`` (a second
    of the recording, as the score's own map ``unsynced`` timed by the scene's points
    tells time), replacing one on that bar; or a :class:`PlayRefused` that says why it
    cannot be."""
    if not scene.score.recording:
        raise PlayRefused(
            "sync points say where bars fall in a recording, and the scene names none "
            "(s: scene settings, recording)"
        )
    if heard < 0:
        raise PlayRefused("still counting in: tap as a bar of the music starts")
    if not unsynced.measures:
        raise PlayRefused("the score has no bars to tap")
    measures = heard_measures(scene, unsynced)
    ends = measures.seconds_at(measures.end_offset)
    if heard > ends:
        raise PlayRefused(f"the score's last bar ends at {clock(ends, 2)}: no bar starts here")
    bar = min(measures.measures, key=lambda m: abs(measures.seconds_at(m.offset) - heard))
    try:
        at = Position.of(bar.number, bar.first_beat)
    except ValueError:
        raise PlayRefused(f"bar {bar.number} cannot be named in a scene file") from None
    passed = bar.pass_number if scene.score.order == "performed" and bar.pass_number > 1 else None
    point = SyncPoint(at=at, pass_number=passed, seconds=round(heard, _PLACES))
    same = (point.at, point.pass_number or 1)
    points = [p for p in scene.score.sync if (p.at, p.pass_number or 1) != same]
    points = sorted([*points, point], key=lambda p: p.seconds)
    try:
        check_sync_points(points)
        follow_recording(unsynced, points)
    except (ValueError, SyncPointError) as error:
        raise PlayRefused(f"not tapped: {error}") from None
    score = scene.score.model_copy(update={"sync": points})
    return scene.model_copy(update={"score": score}), point


def tapped_status(point: SyncPoint) -> str:
    passed = f" pass {point.pass_number}" if point.pass_number else ""
    return f"tapped bar {point.at.measure}{passed} at {clock(point.seconds, 2)}"
