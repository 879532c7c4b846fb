"""Push: the scene's beats into a copy of its score, one MusicXML direction per beat.

Everything is checked before anything is written. The scene's save (its record of what
it was synced against) is made sure first, under the scene's lock: unchanged on disk since
it was read, its new text written beside it. Only then is the score copy written, and then
the scene's save put in place; should that last step fail, the score copy is put back.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from choreo.errors import ChoreoError, SaveError, ScoreError
from choreo.lock import SceneLock
from choreo.model import Beat, MarkCue, Scene, SyncRecord
from choreo.placement import PlacedBeat, Spot, UnplacedBeat, place_beats
from choreo.project import project_of, safe_target
from choreo.score import guard
from choreo.store import PendingSave, SceneFile, atomic_write
from choreo.sync.labels import Text, cue, fit, label
from choreo.sync.musicxml import Direction, insert_directions, remove_directions, system_starts
from choreo.sync.record import ScoreMaps, score_maps, sync_record, synced_score
from choreo.sync.xml_file import XML_SUFFIXES, package, read_document
from choreo.sync.xml_layout import layout

OUTPUT_SUFFIXES = (*XML_SUFFIXES, ".mxl")


@dataclass(frozen=True)
class SyncResult:
    """What a push wrote: the score copy, how many beats and cues, what it replaced."""

    scene_file: SceneFile  # the scene as saved, with its new sync record
    score: Path
    output: Path
    beats: int
    cues: int
    replaced: int  # choreo directions of an earlier sync that the score already held
    labels: dict[str, str]  # beat id → the label the score shows

    def summary(self) -> str:
        cues = f" and {_plural(self.cues, 'cue')}" if self.cues else ""
        lines = [f"wrote {_plural(self.beats, 'beat')}{cues} into {self.output}"]
        if self.replaced:
            lines.append(f"replaced {_plural(self.replaced, 'earlier choreo direction')}")
        lines.append(f"recorded the score's state in {self.scene_file.path.name}")
        return "\n".join(lines)


def push(
    scene_file: SceneFile, out: Path | None = None, *, lock: SceneLock | None = None
) -> SyncResult:
    """Write the score copy with the beats as directions; record the sync in the scene.

    ``lock`` is the editor's lock on the scene, if it holds one.
    """
    scene = scene_file.scene
    source = synced_score(scene, scene_file.path)
    if source.suffix.lower() not in OUTPUT_SUFFIXES:
        raise ChoreoError(
            f"sync writes beats into MusicXML, and {source.name} is not MusicXML",
            where=source,
            hint="export the score from your notation program as MusicXML (.musicxml or .mxl)",
        )
    target = _output(scene_file, source, out)
    data = _read(source)
    digest = hashlib.sha256(data).hexdigest()
    maps = score_maps(scene, scene_file.path)
    # The map must describe the very bytes edited here.
    if digest != maps.scene.content_hash:
        raise ScoreError("the score changed while it was being read; sync again", where=source)
    placed = _refuse_unplaced(scene_file, place_beats(scene, maps.scene))
    document = read_document(source, data)
    text, replaced = remove_directions(document.text, source)
    scanned = layout(text, source)
    directions = _directions(placed, maps, system_starts(scanned))
    text = insert_directions(
        document,
        text,
        directions,
        part=maps.written.part,
        parts=len(maps.written.parts),
        measures=len(maps.written.measures),
        scanned=scanned,
    )
    copy = package(document, text, target)
    record = sync_record(digest, maps, placed, scene)
    with PendingSave(scene_file, with_record(scene, record), lock=lock) as scene_save:
        if out is None:
            _make_folder(target.parent)
        put_back = _undo_of(target)
        atomic_write(target, copy, backup=False)
        try:
            saved = scene_save.commit()
        except ChoreoError:
            with contextlib.suppress(ChoreoError, OSError):  # the save's error is the news
                put_back()
            raise
    cues = sum(1 for direction in directions if direction.cue)
    labels = {direction.beat_id: direction.words for direction in directions}
    return SyncResult(saved, source, target, len(directions), cues, replaced, labels)


def with_record(scene: Scene, record: SyncRecord) -> Scene:
    return scene.model_copy(update={"score": scene.score.model_copy(update={"synced": record})})


def default_output(scene_file: SceneFile, source: Path) -> Path:
    """``PROJECT/scores/<score stem>.choreo.musicxml``."""
    return project_of(scene_file.path) / "scores" / f"{source.stem}.choreo.musicxml"


def _output(scene_file: SceneFile, source: Path, out: Path | None) -> Path:
    if out is not None:
        if out.suffix.lower() not in OUTPUT_SUFFIXES:
            raise ChoreoError(
                f"the score copy is MusicXML: give -o a name ending in "
                f"{', '.join(OUTPUT_SUFFIXES)}",
                where=out,
            )
        target = safe_target(out, project=None, what="the score copy")  # the user's own -o
    else:
        project = project_of(scene_file.path)
        target = safe_target(default_output(scene_file, source), project=project, what="the score")
    if target == source.resolve():
        raise ChoreoError(
            "the score copy would overwrite the scene's own score",
            where=target,
            hint="give another output path with -o",
        )
    return target


def _read(source: Path) -> bytes:
    guard.check_size(source)  # the score engine's own limit
    try:
        return source.read_bytes()
    except OSError as error:
        raise ScoreError(
            f"cannot read the score: {error.strerror or error}", where=source
        ) from None


def _undo_of(target: Path) -> Callable[[], None]:
    """What puts the score copy back as it is now (none: no copy)."""
    try:
        before = target.read_bytes()
    except FileNotFoundError:
        return lambda: target.unlink(missing_ok=True)
    except OSError:
        return lambda: None  # unreadable: the write will fail the same way
    return lambda: atomic_write(target, before, backup=False)


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise SaveError(
            f"could not make the folder for the score copy: {error.strerror or error}",
            where=folder,
        ) from None


def _refuse_unplaced(scene_file: SceneFile, spots: list[Spot]) -> list[PlacedBeat]:
    """A beat outside the score would be silently lost from the copy: refuse instead."""
    outside = [spot for spot in spots if isinstance(spot, UnplacedBeat)]
    if not outside:
        return [spot for spot in spots if isinstance(spot, PlacedBeat)]
    first = outside[0]
    more = f" (and {_plural(len(outside) - 1, 'more beat')})" if len(outside) > 1 else ""
    raise ChoreoError(
        f"beat {first.beat.id} at {first.beat.at} is outside the score: {first.problem}{more}",
        where=scene_file.path,
        line=scene_file.beat_line(first.beat.id),
        hint="move or delete the beat, then sync again; nothing was written",
    )


def _directions(
    placed: list[PlacedBeat], maps: ScoreMaps, system_starts: set[int]
) -> list[Direction]:
    """A direction per beat, its label (above the staff) and cue (below it) each fitted to
    the room before the next ones and before a system the score itself breaks."""
    written = maps.written
    breaks = [m.offset for m in written.measures if m.index in system_starts]
    ends = [*breaks, written.end_offset]
    places: list[tuple[int, float]] = []
    labels: list[Text] = []
    cues: dict[int, Text] = {}
    for number, spot in enumerate(placed, start=1):  # the beat sheet's numbers
        beat = spot.beat
        # A beat on a later pass sits in the same written bar as the first pass.
        measure = written.measure(beat.at.measure)
        if measure is None:  # the scene's own map placed it, so the written map has it
            raise ScoreError(f"measure {beat.at.measure} is not in the written score")
        quarters = (beat.at.beat - measure.first_beat) * measure.beat_length
        at = measure.offset + quarters
        places.append((measure.index, quarters))
        fight = beat.combat or next((a.combat for a in beat.actions if a.combat), None)
        labels.append(
            label(
                number,
                moves_of(beat),
                fight=fight and " ".join(fight.split()),
                hit=beat.hit,
                pass_number=beat.pass_number,
                at=at,
            )
        )
        given = _cue(beat)
        if given:
            cues[number - 1] = cue(given, at)
    words = _fitted(dict(enumerate(labels)), ends)
    cue_words = _fitted(cues, ends)
    return [
        Direction(spot.beat.id, index, quarters, words[n], cue_words.get(n), spot.beat.hit)
        for n, (spot, (index, quarters)) in enumerate(zip(placed, places, strict=True))
    ]


def _fitted(texts: dict[int, Text], ends: list[float]) -> dict[int, str]:
    """Each text fitted among the others in score order, by its beat's place in the scene."""
    order = sorted(texts, key=lambda n: texts[n].at)
    return dict(zip(order, fit([texts[n] for n in order], ends), strict=True))


def moves_of(beat: Beat) -> list[str]:
    """The beat's moves, or, where it has only actions, everyone's (as the beat sheet)."""
    named = beat.named_moves() or [m for action in beat.actions for m in action.named_moves()]
    return [" ".join(move.split()) for move in named]


def _cue(beat: Beat) -> str | None:
    """The cue as the score shows it: none for a mark the score prints already (what
    ``--pull`` writes)."""
    given = beat.cue
    if not given or isinstance(given, MarkCue):
        return None
    return given


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
