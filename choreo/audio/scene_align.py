"""``choreo align``: a scene's recording aligned to its score, one sync point per bar."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from choreo.audio.align import Alignment, Progress, align
from choreo.audio.recording import read_recording
from choreo.audio.synth import Sounding, place_notes
from choreo.errors import ChoreoError
from choreo.model import Position, Scene
from choreo.model.recording import MAX_RECORDING_SECONDS, SyncPoint
from choreo.project import reference_to, scene_folder
from choreo.scene_score import measures_for
from choreo.score.notes import ScoreNotes, load_score_notes
from choreo.store import SceneFile, save_scene
from choreo.timing import MeasureMap, clock

_APART = 0.001  # seconds between two points at least: the file keeps milliseconds
_PLACES = 3


@dataclass(frozen=True)
class Aligned:
    """What ``choreo align`` did: the scene as saved and the points it holds."""

    saved: SceneFile
    points: tuple[SyncPoint, ...]
    bars: int  # bars in the score's order
    recording: str  # as the scene names it

    def summary(self) -> str:
        if not self.points:
            return f"no bar of {self.saved.path} could be found in {self.recording}"
        first, last = self.points[0], self.points[-1]
        return (
            f"aligned {len(self.points)} of {self.bars} bars to {self.recording}: "
            f"{first.at} at {clock(first.seconds, 2)} ... {last.at} at {clock(last.seconds, 2)}; "
            f"wrote {len(self.points)} sync points to {self.saved.path}"
        )


def align_scene(
    scene_file: SceneFile, recording: Path | None = None, progress: Progress | None = None
) -> Aligned:
    """Align the scene's recording (or ``recording``, which the scene then names) to its
    score, and save one sync point per bar in place of the earlier ones."""
    scene, path = scene_file.scene, scene_file.path
    tell = progress or (lambda _: None)
    if not scene.score.file:
        raise ChoreoError("the scene follows no score: align needs score.file", where=path)
    if recording is not None:
        reference = reference_to(recording, path)
        audio_path = recording
    elif scene.score.recording:
        reference = scene.score.recording
        audio_path = scene_folder(path) / reference
    else:
        raise ChoreoError(
            "the scene names no recording", where=path, hint="give one: --recording FILE"
        )
    tell("reading the recording")
    heard = read_recording(audio_path)
    own_time = scene.model_copy(
        update={"score": scene.score.model_copy(update={"recording": None, "sync": []})}
    )
    # music21 reads the score in child processes while this one hears the recording.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="choreo-score") as pool:
        score = pool.submit(_read_score, own_time, path, scene.score.file)

        def notes() -> list[Sounding]:
            return place_notes(*score.result())

        alignment = align(heard, notes, tell)
    measures = score.result()[0]
    points = bar_points(measures, alignment)
    edited = scene.model_copy(deep=True)
    edited.score.recording = reference
    edited.score.sync = points
    saved = save_scene(scene_file, edited)
    return Aligned(saved, tuple(points), len(measures.measures), reference)


def _read_score(scene: Scene, path: Path, score_file: str) -> tuple[MeasureMap, ScoreNotes]:
    """The scene's score in its own time (no recording) and its notes."""
    return measures_for(scene, path), load_score_notes(score_file, base=scene_folder(path))


def bar_points(measures: MeasureMap, alignment: Alignment) -> list[SyncPoint]:
    """A sync point at the start of every bar the music covers, where the alignment
    hears it; bars before the first note or after the last are left to run unstretched."""
    first, last = float(alignment.score_seconds[0]), float(alignment.score_seconds[-1])
    starts = [m.start_seconds for m in measures.measures]
    heard = alignment.recording_time(starts)
    points: list[SyncPoint] = []
    for measure, start, second in zip(measures.measures, starts, heard, strict=True):
        if not first - _APART <= start <= last:
            continue
        second = round(second, _PLACES)
        if points and second < points[-1].seconds + _APART:
            continue  # two bars heard as one moment: the first keeps it
        if not 0 <= second <= MAX_RECORDING_SECONDS:
            continue
        try:
            at = Position.of(measure.number, measure.first_beat)
        except ValueError:
            continue  # a bar a scene file cannot name (12bis): its neighbours carry it
        passed = measure.pass_number if measure.pass_number > 1 else None
        points.append(SyncPoint(at=at, pass_number=passed, seconds=second))
    return points
