"""`choreo sync` (push): beats into a copy of the score, checked by re-reading it in music21.

Each written score is re-parsed with music21 and every beat's words must sit at the same
measure and beat as in the scene; a line diff against the input must show nothing but
choreo's direction lines added.
"""

from __future__ import annotations

import difflib
import os
import re
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from choreo.errors import ChoreoError, SaveError
from choreo.model import Anchor, Position, TempoChange, TempoSummary
from choreo.scene_score import measures_for
from choreo.score.reader import parse_score, read_measure_map
from choreo.store import read_scene
from choreo.sync import push
from choreo.sync.push import SyncResult
from tests.conftest import SCENES, SCORES
from tests.musescore import FOUR_FOUR, WHOLE, write_score
from tests.run_cli import assert_one_line_error, choreo

# -- scores built with music21 --------------------------------------------------------------


def build_score(path: Path, *, inserted: int = 0, ending: bool = True) -> Path:
    """Violin and cello: a one-beat pickup, 4/4 from mark A (a chord, two voices, a grace
    note), 6/8 from mark B with staff text, 4/4 again at mark C; ``inserted`` 4/4 bars go
    just before mark B; without ``ending`` the piece stops before mark C."""
    from music21 import chord, expressions, metadata, meter, note, stream, tempo

    score = stream.Score()
    score.insert(0, metadata.Metadata(title="Sync test"))
    for name, octave in (("Violin", 5), ("Violoncello", 3)):
        violin = name == "Violin"
        part = stream.Part()
        part.partName = name
        pickup = stream.Measure(number=0)
        pickup.showNumber = stream.enums.ShowNumber.NEVER  # implicit="yes": bar 0
        pickup.append(meter.TimeSignature("4/4"))
        if violin:
            pickup.insert(0, tempo.MetronomeMark(number=96))
        pickup.append(note.Note(f"G{octave - 1}", quarterLength=1))
        pickup.paddingLeft = 3
        part.append(pickup)
        bars: list[Any] = []
        for index in range(4):
            bar = stream.Measure()
            if index == 0 and violin:
                bar.insert(0, expressions.RehearsalMark("A"))
            if index == 1:
                bar.append(chord.Chord([f"C{octave}", f"E{octave}", f"G{octave}"], quarterLength=2))
                bar.append(note.Note(f"D{octave}", quarterLength=2))
            elif index == 2 and violin:
                upper, lower = stream.Voice(), stream.Voice()
                upper.append(note.Note(f"E{octave}", quarterLength=4))
                for pitch in "CDEF":
                    lower.append(note.Note(f"{pitch}{octave - 1}", quarterLength=1))
                bar.insert(0, upper)
                bar.insert(0, lower)
            elif index == 3:
                bar.append(note.Note(f"A{octave}", quarterLength=1).getGrace())
                bar.append(note.Note(f"G{octave}", quarterLength=3))
                bar.append(note.Note(f"F{octave}", quarterLength=1))
            else:
                bar.append(note.Note(f"C{octave}", quarterLength=4))
            bars.append(bar)
        for _ in range(inserted):
            bar = stream.Measure()
            bar.append(note.Note(f"B{octave - 1}", quarterLength=4))
            bars.append(bar)
        for index in range(4):
            bar = stream.Measure()
            if index == 0:
                bar.append(meter.TimeSignature("6/8"))
                if violin:
                    bar.insert(0, expressions.RehearsalMark("B"))
            for pitch in "EFGABC":
                bar.append(note.Note(f"{pitch}{octave}", quarterLength=0.5))
            if index == 1 and violin:
                bar.insert(1.5, expressions.TextExpression("dolce"))
            bars.append(bar)
        for index in range(2 if ending else 0):
            bar = stream.Measure()
            if index == 0:
                bar.append(meter.TimeSignature("4/4"))
                if violin:
                    bar.insert(0, expressions.RehearsalMark("C"))
            bar.append(note.Note(f"C{octave}", quarterLength=4))
            bars.append(bar)
        for number, bar in enumerate(bars, start=1):
            bar.number = number
            part.append(bar)
        score.insert(0, part)
    score.write("musicxml", fp=str(path))
    return path


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Scores made once per run: the small test score in three versions, two chorales."""
    from music21 import converter, corpus

    folder = tmp_path_factory.mktemp("sync-scores")
    chorale = converter.parse(corpus.getWork("bach/bwv66.6"))
    chorale.write("musicxml", fp=str(folder / "bwv66.6.musicxml"))
    bwv362 = folder / "bwv362.mxl"
    shutil.copyfile(str(corpus.getWork("bach/bwv362")), bwv362)
    return {
        "small": build_score(folder / "small.musicxml"),
        "inserted": build_score(folder / "small-inserted.musicxml", inserted=4),
        "short": build_score(folder / "small-short.musicxml", ending=False),
        "bwv66.6": folder / "bwv66.6.musicxml",
        "bwv362": bwv362,
    }


# -- helpers ----------------------------------------------------------------------------------


def make_project(folder: Path, score: Path, scene_text: str, name: str = "fight") -> Path:
    """A project folder with the score in scores/ and the scene in scenes/; the scene path."""
    (folder / "scores").mkdir(parents=True, exist_ok=True)
    (folder / "scenes").mkdir(exist_ok=True)
    shutil.copyfile(score, folder / "scores" / score.name)
    scene = folder / "scenes" / f"{name}.yaml"
    scene.write_text(scene_text.replace("SCORE", f"../scores/{score.name}"), encoding="utf-8")
    return scene


SMALL_SCENE = """\
# The fight in the small test score.
schema: 1
id: fight
title: Test fight
score:
  file: SCORE
  part: PART   # whose bars the beats follow
beats:
  # the pickup
  - id: b01
    at: "0:4"
    ballet: grand jeté
    combat: flying kick
  - id: b02
    at: "1:1"
    cue: lights up
  - id: b03
    at: "2:2"      # inside the chord's half note
    combat: parry & riposte <fast>
  - id: b04
    at: "2:3"      # on the note after the chord
  - id: b05
    at: "3:2"      # only the lower voice moves here
    ballet: fouetté
  - id: b06
    at: "4:1"      # before the grace note
  - id: b07
    at: "4:2.5"
  - id: b08
    at: "5:1"      # 6/8 from here: two dotted-quarter beats
    ballet: pas de chat
    combat: sweep
  - id: b09
    at: "6:2.5"
  - id: b10
    at: "6:1.333"
  - id: b11
    at: "10:4"
"""


def small_scene(part: str = "0") -> str:
    return SMALL_SCENE.replace("PART", part)


def read_score(path: Path) -> Any:
    """music21's reading of a written score, never through its pickle cache."""
    from music21 import converter

    reader = converter.Converter()
    reader.parseFileNoPickle(path, format="musicxml")
    return reader.stream


def texts_at(path: Path, part: int) -> dict[str, list[tuple[str, float]]]:
    """Every text and rehearsal mark music21 finds in one part, with measure and beat."""
    from music21 import expressions, stream

    score = read_score(path)
    # Bars named as MuseScore counts them (choreo's numbers), not by their number attribute.
    followed = score.parts[part]
    index_of = {id(m): i for i, m in enumerate(followed.getElementsByClass(stream.Measure))}
    read = parse_score(path, "musicxml")
    numbers = [m.number for m in read_measure_map(read, part=part)[0].measures]
    found: dict[str, list[tuple[str, float]]] = {}
    kinds = (expressions.TextExpression, expressions.RehearsalMark)
    for element in followed.recurse().getElementsByClass(kinds):
        number = numbers[index_of[id(element.getContextByClass(stream.Measure))]]
        found.setdefault(str(element.content), []).append((number, round(float(element.beat), 3)))
    return found


def assert_beats_placed(
    result: SyncResult, part: int, written: Path | None = None
) -> dict[str, list[Any]]:
    """Each beat's label, once, at its own measure and beat."""
    found = texts_at(written or result.output, part)
    for beat in result.scene_file.scene.beats:
        label = result.labels[beat.id]
        at = [(m, pytest.approx(b, abs=1e-3)) for m, b in found.get(label, [])]
        assert at == [(beat.at.measure, beat.at.beat)], f"{beat.id}: {found.get(label)}"
    return found


DIRECTION_LINE = re.compile(
    r"""^[ \t]*(<direction placement="(?:above|below)" id="choreo[-.][\w.-]+">|<direction-type>"""
    r"""|</direction-type>|<words font-size="8"(?: font-weight="bold" enclosure="rectangle")?"""
    r"""(?: font-style="italic")?>[^<]*</words>"""
    r"""|<offset>[\d.]+</offset>|<staff>\d+</staff>|</direction>)\r?$"""
)


def assert_only_directions_added(before: str, after: str) -> int:
    """A line diff shows only added direction lines; returns how many lines were added."""
    old, new = before.splitlines(), after.splitlines()
    added = 0
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        assert tag == "insert", f"{tag} of lines {i1 + 1}-{i2}: {old[i1:i2]!r} -> {new[j1:j2]!r}"
        for line in new[j1:j2]:
            assert DIRECTION_LINE.match(line), f"unexpected line added: {line!r}"
        added += j2 - j1
    return added


def member_text(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        name = next(n for n in archive.namelist() if not n.startswith("META-INF") and "." in n)
        return archive.read(name).decode("utf-8")


# -- push on the small score --------------------------------------------------------------------


def test_every_beat_lands_on_its_measure_and_beat(tmp_path: Path, built: dict[str, Path]) -> None:
    scene_path = make_project(tmp_path, built["small"], small_scene())
    result = push(read_scene(scene_path))

    out = tmp_path / "scores" / "small.choreo.musicxml"
    assert result.output == out and result.beats == 11
    found = assert_beats_placed(result, written=out, part=0)
    # Labels are the sheet's numbers and moves; a cue is staff text of its own.
    # b01 has a quarter before b02 and a beat and a half before b03: room for its kick only.
    assert result.labels["b01"] == "1 flying kick"
    assert result.labels["b03"] == "3 parry…"  # a quarter before b04: cut after a word
    assert found["lights up"] == [("1", 1.0)]
    assert result.cues == 1
    assert not [text for text in found if "·" in text or text.startswith("b0")]
    assert found["A"] == [("1", 1.0)] and found["dolce"] == [("6", 2.0)]  # the score's own
    before = built["small"].read_text(encoding="utf-8")
    assert assert_only_directions_added(before, out.read_text(encoding="utf-8")) > 0


def test_the_followed_part_gets_the_directions(tmp_path: Path, built: dict[str, Path]) -> None:
    scene_path = make_project(tmp_path, built["small"], small_scene("Violoncello"))
    result = push(read_scene(scene_path))
    assert_beats_placed(result, part=1)
    assert not set(result.labels.values()) & set(texts_at(result.output, 0))


def test_the_scene_records_what_it_was_synced_against(
    tmp_path: Path, built: dict[str, Path]
) -> None:
    from choreo.score import score_hash

    scene_path = make_project(tmp_path, built["small"], small_scene())
    result = push(read_scene(scene_path))

    saved = read_scene(scene_path)
    record = saved.scene.score.synced
    text = scene_path.read_text(encoding="utf-8")
    assert record is not None
    assert record.hash == score_hash(tmp_path / "scores" / "small.musicxml")
    assert record.measures == 11
    assert record.tempos == TempoSummary(changes=(TempoChange(qpm=96, measure="0", beat=4),))
    assert record.beat_seconds["b01"] == 0.0
    assert record.beat_seconds["b02"] == pytest.approx(60 / 96)
    assert record.anchors["b08"] == Anchor(at=Position.parse("5:1"), mark="B", bars=0, beat=1)
    assert str(record.anchors["b03"]) == "2:2 = A+1:2"
    assert "tempos: 96@0:4\n" in text and "b03: 2:2 = A+1:2\n" in text  # the file's form
    assert str(record.anchors["b01"]) == "0:4"  # before the first mark: its place alone
    assert len(record.bars.bars) == 11  # each bar's music, for a recut
    assert "# The fight in the small test score." in text
    assert "# whose bars the beats follow" in text and "# inside the chord's half note" in text
    assert result.scene_file.digest == saved.digest
    assert "wrote 11 beats" in result.summary()


def test_a_second_sync_replaces_the_first(tmp_path: Path, built: dict[str, Path]) -> None:
    scene_path = make_project(tmp_path, built["small"], small_scene())
    first = push(read_scene(scene_path)).output.read_bytes()
    again = push(read_scene(scene_path))
    assert again.output.read_bytes() == first
    assert first.count(b'id="choreo-') == 11

    text = scene_path.read_text(encoding="utf-8").replace('at: "2:3"', 'at: "3:4"')
    scene_path.write_text(text, encoding="utf-8")
    moved = push(read_scene(scene_path))
    written = moved.output.read_text(encoding="utf-8")
    assert written.count('id="choreo-') == 11
    assert texts_at(moved.output, 0)[moved.labels["b04"]] == [("3", 4.0)]


def test_a_score_that_already_holds_choreo_directions_is_cleaned_first(
    tmp_path: Path, built: dict[str, Path]
) -> None:
    scene_path = make_project(tmp_path, built["small"], small_scene())
    synced = push(read_scene(scene_path)).output
    # Follow the synced copy itself: its old directions go, the new set comes in.
    text = scene_path.read_text(encoding="utf-8")
    scene_path.write_text(text.replace("small.musicxml", synced.name), encoding="utf-8")
    result = push(read_scene(scene_path))
    assert result.replaced == 11 + 1  # the labels and the cue
    assert result.output.name == "small.choreo.choreo.musicxml"
    assert result.output.read_bytes() == synced.read_bytes()


# -- other scores: corpus chorales, compressed files, the demo scores ------------------------------


CHORALE_SCENE = """\
schema: 1
id: chorale
title: Chorale
score:
  file: SCORE
  part: PART
beats:
BEATS"""


def chorale_scene(measures: list[tuple[str, float]], part: str = "0") -> str:
    blocks = [
        f'  - id: c{n:02d}\n    at: "{m}:{b:g}"\n    ballet: plié\n'
        for n, (m, b) in enumerate(measures, start=1)
    ]
    return CHORALE_SCENE.replace("PART", part).replace("BEATS", "".join(blocks))


def test_a_chorale_with_a_pickup_written_by_music21(tmp_path: Path, built: dict[str, Path]) -> None:
    scene_text = chorale_scene([("0", 4), ("1", 1), ("1", 2.5), ("5", 3), ("9", 4)], part="Bass")
    scene_path = make_project(tmp_path, built["bwv66.6"], scene_text)
    result = push(read_scene(scene_path))
    assert_beats_placed(result, part=3)
    before = built["bwv66.6"].read_text(encoding="utf-8")
    assert assert_only_directions_added(before, result.output.read_text(encoding="utf-8"))


def test_beats_go_to_the_bar_musescore_counts_not_the_number_written(tmp_path: Path) -> None:
    # Two bars written number="1": MuseScore shows 1 and 2, and so does choreo.
    bars = [('number="1"', FOUR_FOUR + WHOLE), ('number="1"', WHOLE), ('number="2"', WHOLE)]
    score = write_score(tmp_path / "twice.musicxml", bars)
    scene_path = make_project(tmp_path / "project", score, chorale_scene([("2", 1), ("3", 3)]))
    result = push(read_scene(scene_path))
    found = assert_beats_placed(result, part=0)
    assert found["1 plié"] == [("2", 1.0)]
    text = result.output.read_text(encoding="utf-8")
    second = text.index('<measure number="1">', text.index('<measure number="1">') + 1)
    assert text.index("1 plié") > second > text.index('<measure number="1">')


def test_compressed_score_in_and_out(tmp_path: Path, built: dict[str, Path]) -> None:
    """bwv362 (.mxl) has a pickup and changes from 4/4 to 3/4 at bar 17; its pickup is
    written number="0" but not implicit, so MuseScore (and choreo) count it as bar 1."""
    beats = [("1", 4), ("4", 2), ("16", 4), ("17", 1), ("17", 3), ("18", 2.5)]
    scene_path = make_project(tmp_path, built["bwv362"], chorale_scene(beats, part="1"))
    as_xml = push(read_scene(scene_path))
    assert as_xml.output.suffix == ".musicxml"
    assert_beats_placed(as_xml, part=1)

    out = tmp_path / "elsewhere" / "bwv362-synced.mxl"
    out.parent.mkdir()
    as_mxl = push(read_scene(scene_path), out)
    with zipfile.ZipFile(out) as archive, zipfile.ZipFile(built["bwv362"]) as source:
        assert archive.namelist() == source.namelist()
        container = "META-INF/container.xml"
        assert archive.read(container) == source.read(container)
    assert_beats_placed(as_mxl, written=out, part=1)
    original = member_text(built["bwv362"])
    assert assert_only_directions_added(original, member_text(out))
    assert member_text(out) == as_xml.output.read_text(encoding="utf-8")


def test_plain_score_to_a_compressed_copy(tmp_path: Path, built: dict[str, Path]) -> None:
    scene_path = make_project(tmp_path, built["small"], small_scene())
    out = tmp_path / "small-synced.mxl"
    result = push(read_scene(scene_path), out)
    with zipfile.ZipFile(out) as archive:
        assert archive.namelist()[0] == "mimetype"
        assert b'full-path="small-synced.musicxml"' in archive.read("META-INF/container.xml")
    assert_beats_placed(result, written=out, part=0)


def test_a_utf16_score_is_written_back_in_utf16(tmp_path: Path, built: dict[str, Path]) -> None:
    text = (
        built["small"].read_text(encoding="utf-8").replace('encoding="utf-8"', 'encoding="UTF-16"')
    )
    assert 'encoding="UTF-16"' in text
    wide = tmp_path / "wide.musicxml"
    wide.write_bytes(text.encode("utf-16"))
    scene_path = make_project(tmp_path / "project", wide, small_scene())
    result = push(read_scene(scene_path))
    data = result.output.read_bytes()
    assert data[:2] == wide.read_bytes()[:2]
    assert assert_only_directions_added(text, data.decode("utf-16"))
    assert_beats_placed(result, part=0)


PERFORMED_SCENE = """\
schema: 1
id: aria
title: Aria, as performed
score:
  file: SCORE
  order: performed   # D.S. al Fine: bars 13 onwards come round twice
beats:
  - id: first
    at: "14:2"
    ballet: plié
  - id: second
    at: "14:2"
    pass: 2
    ballet: relevé
"""


def test_a_later_pass_is_written_in_the_same_written_bar(tmp_path: Path) -> None:
    score = SCORES / "lascia-chio-pianga.musicxml"
    scene_path = make_project(tmp_path, score, PERFORMED_SCENE)
    result = push(read_scene(scene_path))
    found = texts_at(result.output, 0)
    assert found["1 plié"] == [("14", 2.0)]
    assert found["2 (pass 2) relevé"] == [("14", 2.0)]
    record = result.scene_file.scene.score.synced
    assert record is not None
    assert record.beat_seconds["second"] > record.beat_seconds["first"] + 30


def _demo_beats(score: Path) -> list[tuple[str, float]]:
    """Beats on every third bar's downbeat and on the last beat of every fifth bar."""
    from choreo.score import load_measure_map

    measures = load_measure_map(str(score)).measures
    chosen: list[tuple[str, float]] = []
    for measure in measures:
        if measure.index % 3 == 0:
            chosen.append((measure.number, measure.first_beat))
        if measure.index % 5 == 1:
            chosen.append((measure.number, float(int(measure.last_beat - 1e-6))))
    return chosen


@pytest.mark.parametrize("score", sorted(SCORES.glob("*.musicxml")), ids=lambda p: p.stem)
def test_the_demo_scores(tmp_path: Path, score: Path) -> None:
    scene_path = make_project(tmp_path, score, chorale_scene(_demo_beats(score)))
    result = push(read_scene(scene_path))
    assert_beats_placed(result, part=0)
    before = score.read_text(encoding="utf-8")
    assert assert_only_directions_added(before, result.output.read_text(encoding="utf-8"))


def _demo_scenes() -> list[Path]:
    return sorted(path for path in SCENES.glob("*.yaml") if "score:" in path.read_text())


@pytest.mark.parametrize("scene", _demo_scenes() or [None], ids=lambda p: p.stem if p else "none")
def test_the_demo_scenes(project: Path, scene: Path | None) -> None:
    if scene is None:
        pytest.skip("no demo scene with a score yet")
    scene_file = read_scene(project / "scenes" / scene.name)
    if not scene_file.scene.score.file or not scene_file.scene.score.file.endswith(
        (".musicxml", ".mxl", ".xml")
    ):
        pytest.skip("the demo scene follows no MusicXML score")
    result = push(scene_file)
    assert result.output.parent == project / "scores"
    part = measures_for(result.scene_file.scene, result.scene_file.path).part
    assert_beats_placed(result, part=part)
    source = (scene_file.path.parent / scene_file.scene.score.file).resolve()
    before = source.read_text(encoding="utf-8")
    assert assert_only_directions_added(before, result.output.read_text(encoding="utf-8"))


# -- bad input: a clear error and nothing written ---------------------------------------------


def _nothing_written(folder: Path, scene_path: Path, scene_text: str) -> None:
    assert not list(folder.rglob("*.choreo.*"))
    assert not list(folder.rglob(".*.tmp"))
    assert scene_path.read_text(encoding="utf-8") == scene_text


def test_a_scene_without_a_score(tmp_path: Path) -> None:
    scene_path = tmp_path / "scenes" / "bare.yaml"
    scene_path.parent.mkdir()
    text = 'schema: 1\nid: bare\ntitle: Bare\nbeats:\n  - id: b01\n    at: "1:1"\n'
    scene_path.write_text(text, encoding="utf-8")
    with pytest.raises(ChoreoError, match="no score to sync with"):
        push(read_scene(scene_path))
    _nothing_written(tmp_path, scene_path, text)


def test_a_missing_score_file(tmp_path: Path, built: dict[str, Path]) -> None:
    scene_path = make_project(tmp_path, built["small"], small_scene())
    (tmp_path / "scores" / "small.musicxml").unlink()
    with pytest.raises(ChoreoError, match="no such score file"):
        push(read_scene(scene_path))
    _nothing_written(
        tmp_path, scene_path, small_scene().replace("SCORE", "../scores/small.musicxml")
    )


def test_a_score_that_is_not_musicxml(tmp_path: Path) -> None:
    scene_path = tmp_path / "scenes" / "folk.yaml"
    (tmp_path / "scores").mkdir()
    scene_path.parent.mkdir()
    (tmp_path / "scores" / "tune.abc").write_text("X:1\nT:Tune\nM:4/4\nK:C\nCDEF|\n")
    text = "schema: 1\nid: folk\ntitle: Folk\nscore:\n  file: ../scores/tune.abc\n"
    scene_path.write_text(text, encoding="utf-8")
    with pytest.raises(ChoreoError, match="not MusicXML"):
        push(read_scene(scene_path))
    _nothing_written(tmp_path, scene_path, text)


def test_a_beat_outside_the_score_is_refused(tmp_path: Path, built: dict[str, Path]) -> None:
    text = small_scene() + '  - id: b99\n    at: "40:1"\n  - id: b98\n    at: "1:5"\n'
    scene_path = make_project(tmp_path, built["small"], text)
    with pytest.raises(ChoreoError, match=r"beat b99 at 40:1 is outside the score") as caught:
        push(read_scene(scene_path))
    assert caught.value.line == text.splitlines().index("  - id: b99") + 1
    assert "1 more beat" in caught.value.message
    _nothing_written(tmp_path, scene_path, text.replace("SCORE", "../scores/small.musicxml"))


@pytest.fixture
def read_only(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    yield folder
    folder.chmod(0o755)


def test_a_read_only_output_folder(tmp_path: Path, built: dict[str, Path], read_only: Path) -> None:
    if os.access(read_only, os.W_OK):
        pytest.skip("running as a user who can write anywhere")
    scene_path = make_project(tmp_path, built["small"], small_scene())
    text = scene_path.read_text(encoding="utf-8")
    with pytest.raises(SaveError, match="could not save"):
        push(read_scene(scene_path), read_only / "out.musicxml")
    assert list(read_only.iterdir()) == []
    _nothing_written(tmp_path, scene_path, text)


def test_an_output_folder_that_cannot_be_made(tmp_path: Path, built: dict[str, Path]) -> None:
    """A file where the folder should be fails for every user, root included."""
    scene_path = make_project(tmp_path, built["small"], small_scene())
    text = scene_path.read_text(encoding="utf-8")
    blocker = tmp_path / "blocker"
    blocker.write_text("not a folder")
    with pytest.raises(SaveError, match="could not save") as caught:
        push(read_scene(scene_path), blocker / "out.musicxml")
    assert "unchanged" in caught.value.message
    assert blocker.read_text() == "not a folder"
    _nothing_written(tmp_path, scene_path, text)


def test_a_read_only_scores_folder(tmp_path: Path, built: dict[str, Path]) -> None:
    scene_path = make_project(tmp_path, built["small"], small_scene())
    text = scene_path.read_text(encoding="utf-8")
    scores = tmp_path / "scores"
    scores.chmod(0o555)
    try:
        if os.access(scores, os.W_OK):
            pytest.skip("running as a user who can write anywhere")
        with pytest.raises(SaveError):
            push(read_scene(scene_path))
        assert sorted(p.name for p in scores.iterdir()) == ["small.musicxml"]
    finally:
        scores.chmod(0o755)
    _nothing_written(tmp_path, scene_path, text)


def test_output_names_and_places(tmp_path: Path, built: dict[str, Path]) -> None:
    scene_path = make_project(tmp_path, built["small"], small_scene())
    with pytest.raises(ChoreoError, match=r"ending in \.musicxml"):
        push(read_scene(scene_path), tmp_path / "out.pdf")
    with pytest.raises(ChoreoError, match="overwrite the scene's own score"):
        push(read_scene(scene_path), tmp_path / "scores" / "small.musicxml")
    # The default copy stays in the project even when scores/ leads elsewhere.
    outside = tmp_path.parent / f"{tmp_path.name}-outside"
    outside.mkdir()
    shutil.move(tmp_path / "scores", outside / "scores")
    (tmp_path / "scores").symlink_to(outside / "scores")
    with pytest.raises(ChoreoError, match="outside the project"):
        push(read_scene(scene_path))
    assert not list(outside.rglob("*.choreo.*"))
    # -o is the user's own choice, wherever it points.
    chosen = outside / "mine.musicxml"
    assert push(read_scene(scene_path), chosen).output == chosen and chosen.exists()


# -- the command line ---------------------------------------------------------------------------


def test_the_sync_command(tmp_path: Path, built: dict[str, Path]) -> None:
    scene_path = make_project(tmp_path, built["small"], small_scene())
    done = choreo("sync", scene_path)
    assert done.returncode == 0, done.stderr
    assert "wrote 11 beats and 1 cue into" in done.stdout + done.stderr
    assert (tmp_path / "scores" / "small.choreo.musicxml").exists()

    pulled = choreo("sync", "--pull", scene_path)
    assert pulled.returncode == 0, pulled.stderr
    assert "mark-dolce (6:2), mark-C (9:1)" in pulled.stdout + pulled.stderr


def test_sync_never_writes_what_xml_forbids(tmp_path: Path, built: dict[str, Path]) -> None:
    """U+FFFE, U+FFFF and control characters in beat text are dropped: the copy parses."""
    from xml.etree import ElementTree

    text = small_scene() + '  - id: b99\n    at: "7:1"\n    combat: "cut\\uFFFE\\uFFFF\\x01 high"\n'
    scene_path = make_project(tmp_path, built["small"], text)
    assert read_scene(scene_path).scene.beats[-1].combat == "cut\ufffe\uffff\x01 high"
    done = choreo("sync", scene_path)
    assert done.returncode == 0, done.stderr
    written = tmp_path / "scores" / "small.choreo.musicxml"
    words = [element.text for element in ElementTree.parse(written).iter("words")]
    assert "12 cut high" in words, words


def test_the_sync_command_refuses_a_beat_outside_the_score(
    tmp_path: Path, built: dict[str, Path]
) -> None:
    text = small_scene() + '  - id: b99\n    at: "40:1"\n'
    scene_path = make_project(tmp_path, built["small"], text)
    assert_one_line_error(choreo("sync", scene_path, "-o", tmp_path / "out.musicxml"), "b99")
    assert not (tmp_path / "out.musicxml").exists()
