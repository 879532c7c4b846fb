"""Pull: a beat skeleton for each rehearsal mark and staff text the scene does not have.

A mark is already in the scene when a beat carries its id, or sits at its place (a mark
and a tempo word printed together make one beat). New beats take ids from the mark
(``mark-A``, ``mark-dolce``), so pulling again adds nothing and the ids stay put.
Tempo words are the music's, not the fight's: a text printed where the tempo changes
(``Lento lamentoso`` over its metronome mark) or one that starts with a tempo or dynamics
word (``rit.``, ``a tempo``, ``Allegro``, ``♩ = 96``, ``cresc.``) makes no beat.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace

from choreo.model import Beat, Position, Scene, cue_for, id_from, next_beat_id
from choreo.scene_score import measures_for
from choreo.store import SceneFile, save_scene
from choreo.sync.record import synced_score
from choreo.timing import EPSILON, MeasureMap, OutsideScore, ScoreMark

ID_PREFIX = "mark-"
_ID_LENGTH = 64
# A text that starts with a tempo word or a metronome mark names a tempo.
_TEMPO = re.compile(
    r"""^\W*(?:(?:un\s+)?(?:poco|molto|assai|più|piu|meno|sempre|ben|non\s+troppo)\s+)*
    (?:grave|largo|larghetto|lento|adagio|adagietto|andante|andantino|moderato|allegretto
    |allegro|vivace|vivo|presto|prestissimo|mosso|moto|tempo|a\s+tempo|l'istesso
    |rit|ritard|ritardando|riten|ritenuto|rall|rallentando|accel|accelerando|allargando
    |stringendo|calando|rubato|recit|recitativo|recitativ|langsam|schnell|mässig|mäßig
    |lebhaft|ruhig|bewegt|lent|vif|modéré|vite|animé|cédez|retenu|slowly|moderately
    |cresc|crescendo|dim|diminuendo|decresc|decrescendo
    |morendo|smorzando|perdendosi)\b
    |[♩♪𝅗𝅥𝅘𝅥𝅘𝅥𝅮]|^\W*(?:q|h|e|mm|m\.m\.)?\s*=\s*\d""",
    re.IGNORECASE | re.VERBOSE,
)


@dataclass(frozen=True)
class PullResult:
    """The beats a pull added, how many of the score's marks the scene already had, and
    the marks no beat can hold."""

    scene_file: SceneFile
    added: tuple[Beat, ...]
    present: int
    left_out: tuple[ScoreMark, ...] = ()
    tempo_words: tuple[ScoreMark, ...] = ()

    def summary(self) -> str:
        if not self.added and not self.present and not self.left_out:
            lines = ["nothing to add: the score has no rehearsal marks or staff text"]
        elif not self.added:
            every = "" if self.left_out else "all "
            lines = [f"nothing to add: the scene has {every}{self.present} of the score's marks"]
        else:
            listed = ", ".join(f"{beat.id} ({beat.at})" for beat in self.added[:8])
            if len(self.added) > 8:
                listed += f", and {len(self.added) - 8} more"
            count = len(self.added)
            noun = "beat" if count == 1 else "beats"
            lines = [f"added {count} {noun} from the score's marks: {listed}"]
            if self.present:
                lines.append(f"{self.present} marks were already in the scene")
        if self.tempo_words:
            listed = ", ".join(mark.text[:40] for mark in self.tempo_words[:8])
            count = len(self.tempo_words)
            noun = "word" if count == 1 else "words"
            lines.append(f"left out {count} tempo and dynamics {noun}: {listed}")
        if self.left_out:
            count = len(self.left_out)
            listed = ", ".join(
                f"{mark.text[:40]} (measure {mark.measure})" for mark in self.left_out[:8]
            )
            lines.append(
                f"left out {count} {'mark' if count == 1 else 'marks'} no beat can hold "
                f"(a measure number MEASURE:BEAT cannot say, or a text too long): {listed}"
            )
        return "\n".join(lines)


def pull(scene_file: SceneFile) -> PullResult:
    """Add the skeletons and save the scene (comments and layout kept)."""
    scene = scene_file.scene
    synced_score(scene, scene_file.path)
    measures = measures_for(scene, scene_file.path)
    tempo = tuple(mark for mark in measures.marks if is_tempo(mark, measures))
    marks = replace(measures, marks=tuple(m for m in measures.marks if m not in tempo))
    added, left_out = skeletons(scene, marks)
    present = len(marks.marks) - len(added) - len(left_out)
    if not added:
        return PullResult(scene_file, (), present, tuple(left_out), tempo)
    saved = save_scene(scene_file, with_added_beats(scene, added, measures))
    return PullResult(saved, tuple(added), present, tuple(left_out), tempo)


def is_tempo(mark: ScoreMark, measures: MeasureMap) -> bool:
    """A staff text naming a tempo, or printed just where the tempo changes."""
    if mark.kind != "words":
        return False
    if _TEMPO.search(mark.text):
        return True
    try:
        offset = measures.offset_of(Position.of(mark.measure, mark.beat))
    except (ValueError, OutsideScore):
        return False
    return any(abs(tempo.offset - offset) < 1e-6 for tempo in measures.tempos)


def skeletons(scene: Scene, measures: MeasureMap) -> tuple[list[Beat], list[ScoreMark]]:
    """New beats for the marks the scene lacks, in score order, and the marks that no
    beat can hold: saved, such a beat would make the scene file unreadable."""
    taken: set[object] = {beat.id for beat in scene.beats}
    places = {_place(beat.at) for beat in scene.beats}
    cues = {beat.cue for beat in scene.beats if beat.cue}
    # A cue names one mark only when the score prints that text once.
    printed = Counter(cue_for(mark.kind, mark.text) for mark in measures.marks)
    slugs: dict[str, int] = {}
    added: list[Beat] = []
    left_out: list[ScoreMark] = []
    for mark in measures.marks:
        ident = _mark_id(mark, slugs)
        cue = cue_for(mark.kind, mark.text)
        if ident in taken or (cue in cues and printed[cue] == 1):
            continue
        try:
            position = Position.of(mark.measure, mark.beat)
        except ValueError:  # a bar the score numbers "12bis": MEASURE:BEAT cannot say it
            left_out.append(mark)
            continue
        here = _place(position)
        if here in places:
            continue
        try:
            beat = Beat(id=ident or next_beat_id(taken), at=position, cue=cue)
        except ValueError:  # a staff text longer than a cue may be
            left_out.append(mark)
            continue
        taken.add(beat.id)
        places.add(here)
        added.append(beat)
    return added, left_out


def _mark_id(mark: ScoreMark, seen: dict[str, int]) -> str:
    """``mark-A``, ``mark-dolce-come-un-ricordo``; a text printed again gets ``-2``, ..."""
    slug = id_from(mark.text)
    if mark.kind == "words":
        slug = slug.lower()
    base = (ID_PREFIX + slug)[: _ID_LENGTH - 4].rstrip("-._") if slug else ""
    if not base:
        return ""
    seen[base] = seen.get(base, 0) + 1
    return base if seen[base] == 1 else f"{base}-{seen[base]}"


def _place(position: Position) -> tuple[str, float]:
    return (position.measure, round(position.beat, 3))


def with_added_beats(scene: Scene, added: list[Beat], measures: MeasureMap) -> Scene:
    """The scene with each new beat after the last beat that starts no later."""
    beats = list(scene.beats)
    offsets = [_offset(beat, measures) for beat in beats]
    for beat in added:
        offset = _offset(beat, measures)
        at = len(beats)
        if offset is not None:
            at = 0
            for index, existing in enumerate(offsets):
                if existing is not None and existing <= offset + EPSILON:
                    at = index + 1
        beats.insert(at, beat)
        offsets.insert(at, offset)
    return scene.model_copy(update={"beats": beats})


def _offset(beat: Beat, measures: MeasureMap) -> float | None:
    try:
        return measures.offset_of(beat.at, beat.pass_number or 1)
    except OutsideScore:
        return None
