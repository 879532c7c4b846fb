"""Recuts without rehearsal marks, through the real command line, on real scores.

A Bach chorale and a Haydn minuet from music21's corpus and the demo's own waltz are
synced with a beat on every bar, then recut as a composer would: bars inserted, cut, or
both, edited in the MusicXML and renumbered. ``choreo check`` must name the recut, and
``choreo sync --rebase`` must put every beat on the bar that has its bar's music, which
the test tells apart from choreo's fingerprints by comparing the bars' <note> elements.
"""

from __future__ import annotations

import copy
import json
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import pytest

from choreo.model import Position
from choreo.score import load_measure_map
from choreo.store import read_scene
from tests.musescore import musescore
from tests.run_cli import choreo

SCORES = Path(__file__).resolve().parent.parent / "scores"


def corpus_xml(work: str, folder: Path) -> Path:
    """A corpus work's MusicXML document, as the .mxl in music21's corpus holds it."""
    from music21 import corpus

    archive = Path(str(corpus.getWork(work)))
    with zipfile.ZipFile(archive) as package:
        container = ElementTree.fromstring(package.read("META-INF/container.xml"))
        rootfile = next(e for e in container.iter() if e.tag.endswith("rootfile"))
        data = package.read(rootfile.attrib["full-path"])
    target = folder / f"{work.replace('/', '-')}.musicxml"
    target.write_bytes(data)
    return target


# -- recutting a MusicXML score -----------------------------------------------------------------


def parts_of(tree: ElementTree.ElementTree) -> list[list[ElementTree.Element]]:
    return [part.findall("measure") for part in tree.getroot().iter("part")]


def recut(
    source: Path,
    target: Path,
    *,
    insert: tuple[int, int] | None = None,
    cut: tuple[int, int] | None = None,
    repeat: tuple[int, int] | None = None,
    mark: tuple[int, str] | None = None,
    change: int | None = None,
    rewrite: tuple[int, int] | None = None,
) -> Path:
    """``source`` with ``insert=(after, count)`` new bars (the bars before an octave up)
    after written bar index ``after``, bars ``cut=(start, end)`` removed, bar ``repeat=
    (index, times)`` played that many more times (an ostinato), a rehearsal ``mark`` and
    the first violin's first note of bar ``change`` an octave up, and bar ``rewrite=
    (index, count)`` replaced by that many new bars; indices are the source's. Bars are
    renumbered as a notation program would."""
    tree = ElementTree.parse(source)
    for part in tree.getroot().iter("part"):
        bars = part.findall("measure")
        edits: list[tuple[int, int, list[ElementTree.Element]]] = []  # at, remove, new bars
        if insert is not None:
            after, count = insert
            edits.append((after + 1, 0, [_octave_up(bars[after - k]) for k in range(count, 0, -1)]))
        if cut is not None:
            start, end = cut
            assert not any(bar.find("attributes") is not None for bar in bars[start:end])
            edits.append((start, end - start, []))
        if rewrite is not None:
            index, count = rewrite
            edits.append((index, 1, [_octave_up(bars[index - k]) for k in range(count, 0, -1)]))
        if repeat is not None:
            index, times = repeat
            edits.append((index + 1, 0, [_notes_only(bars[index]) for _ in range(times)]))
        first_part = part is tree.getroot().find("part")
        if mark is not None and first_part:
            index, text = mark
            bars[index].insert(0, _rehearsal(text))
        if change is not None and first_part:
            octave = bars[change].find("note/pitch/octave")
            assert octave is not None and octave.text
            octave.text = str(int(octave.text) + 1)
        for at, remove, new in sorted(edits, key=lambda edit: edit[0], reverse=True):
            place = list(part).index(bars[at]) if at < len(bars) else len(part)
            for bar in bars[at : at + remove]:
                part.remove(bar)
            for offset, bar in enumerate(new):
                part.insert(place + offset, bar)
        first = 0 if part.find("measure").get("implicit") == "yes" else 1  # type: ignore[union-attr]
        for number, bar in enumerate(part.findall("measure"), start=first):
            bar.set("number", str(number))
    tree.write(target, encoding="UTF-8", xml_declaration=True)
    return target


def _notes_only(bar: ElementTree.Element) -> ElementTree.Element:
    """A copy of a bar's music: its notes and voice moves, no meter, marks or barlines."""
    fresh = ElementTree.Element("measure", {"number": "x"})
    for child in bar:
        if child.tag in ("note", "backup", "forward"):
            fresh.append(copy.deepcopy(child))
    return fresh


def _octave_up(bar: ElementTree.Element) -> ElementTree.Element:
    """New music: a bar's notes an octave higher."""
    fresh = _notes_only(bar)
    for octave in fresh.iter("octave"):
        octave.text = str(int(octave.text or "4") + 1)
    return fresh


def _rehearsal(text: str) -> ElementTree.Element:
    direction = ElementTree.Element("direction", {"placement": "above"})
    kind = ElementTree.SubElement(direction, "direction-type")
    ElementTree.SubElement(kind, "rehearsal").text = text
    return direction


def bar_music(path: Path, index: int) -> list[str]:
    """What every part plays in written bar ``index``, from the file's own <note> elements."""
    music = []
    for bars in parts_of(ElementTree.parse(path)):
        notes = []
        for note in bars[index].iter("note"):
            pitch = note.find("pitch")
            played = "rest" if pitch is None else "".join(e.text or "" for e in pitch)
            chord = "+" if note.find("chord") is not None else ""
            notes.append(f"{chord}{played}/{note.findtext('duration')}")
        music.append(" ".join(notes))
    return music


# -- a synced scene with a beat on every bar ----------------------------------------------------


@dataclass(frozen=True)
class Synced:
    scene: Path
    score: Path  # the scene's score file, replaced by a recut
    original: Path  # the score as synced
    numbers: tuple[str, ...]  # its bars, in written order


def synced_project(folder: Path, original: Path) -> Synced:
    """A scene with a beat on the first beat of every bar of ``original``, synced by the CLI."""
    (folder / "scores").mkdir(parents=True)
    (folder / "scenes").mkdir()
    score = folder / "scores" / "music.musicxml"
    shutil.copyfile(original, score)
    measures = load_measure_map(str(score)).measures
    beats = "".join(
        f'  - id: bar{m.index:03d}\n    at: "{Position.of(m.number, m.first_beat)}"\n'
        for m in measures
    )
    scene = folder / "scenes" / "fight.yaml"
    scene.write_text(
        "schema: 1\nid: recut\ntitle: Recut\nscore:\n  file: ../scores/music.musicxml\n"
        f"beats:\n{beats}",
        encoding="utf-8",
    )
    synced = choreo("sync", scene)
    assert synced.returncode == 0, synced.stderr
    return Synced(scene, score, folder / "original.musicxml", tuple(m.number for m in measures))


def project_for(tmp_path: Path, original: Path) -> Synced:
    synced = synced_project(tmp_path / "project", original)
    shutil.copyfile(original, synced.original)
    return synced


def drift(synced: Synced) -> list[str]:
    """``choreo check --format json``: what it says about the score since the sync."""
    result = choreo("check", synced.scene, "--format", "json")
    assert result.returncode in (0, 1), result.stderr
    return [
        f"{d['beat']} {d['message']}" if d["beat"] else d["message"]
        for d in json.loads(result.stdout)
        if d["code"] == "score-drift"
    ]


def rebased(synced: Synced, recut_score: Path) -> tuple[int, str, dict[str, Position]]:
    """The recut put in the scene's place, ``choreo sync --rebase``: its exit, its output
    and where each beat is now."""
    shutil.copyfile(recut_score, synced.score)
    result = choreo("sync", "--rebase", synced.scene)
    assert result.returncode in (0, 1) and "Traceback" not in result.stderr, result.stderr
    beats = {beat.id: beat.at for beat in read_scene(synced.scene).scene.beats}
    return result.returncode, result.stdout + result.stderr, beats


def assert_each_beat_on_its_music(
    synced: Synced,
    recut_score: Path,
    beats: dict[str, Position],
    *,
    left: frozenset[int] = frozenset(),
) -> None:
    """Every beat is on the first beat of the new bar whose notes are its old bar's notes;
    beats of the bars in ``left`` stayed where they were."""
    numbers = [m.number for m in load_measure_map(str(recut_score)).measures]
    for old, number in enumerate(synced.numbers):
        at = beats[f"bar{old:03d}"]
        if old in left:
            assert at.measure == number, (old, at)
            continue
        new = numbers.index(at.measure)
        assert bar_music(recut_score, new) == bar_music(synced.original, old), (old, at)


# -- the tests ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def scores(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("recut-scores")
    return {
        "bach": corpus_xml("bach/bwv66.6", folder),
        "haydn": corpus_xml("haydn/opus74no1/movement3", folder),
        "waltz": SCORES / "studio-waltz.musicxml",
    }


def test_bars_inserted_in_a_haydn_minuet(tmp_path: Path, scores: dict[str, Path]) -> None:
    synced = project_for(tmp_path, scores["haydn"])
    assert synced.numbers[:2] == ("1", "2") and len(synced.numbers) == 113
    longer = recut(scores["haydn"], tmp_path / "longer.musicxml", insert=(11, 2))
    shutil.copyfile(longer, synced.score)

    lines = drift(synced)
    assert lines[0] == "2 bars inserted after bar 12"
    assert "measures: 113 → 115" in lines
    assert (
        "bar012 at 13:1: the music of bar 13 is bar 15 now; `choreo sync --rebase` moves the beat"
        in lines
    )
    assert not any(" moved +" in line for line in lines)  # bars, not small time drifts
    assert not any(line.startswith(("bar000 ", "bar011 ")) for line in lines)

    code, said, beats = rebased(synced, longer)
    assert code == 0, said
    assert said.startswith("the score: 2 bars inserted after bar 12\nmoved 101 beats:")
    assert beats["bar011"] == Position.parse("12:1") and beats["bar012"] == Position.parse("15:1")
    assert_each_beat_on_its_music(synced, longer, beats)
    assert not [line for line in drift(synced) if line[:3] == "bar" and line[3].isdigit()]


def test_a_changed_bar_keeps_its_place_among_the_bars_that_moved(
    tmp_path: Path, scores: dict[str, Path]
) -> None:
    """Two bars inserted and a note of bar 40 changed: the beat on bar 40 goes with its
    bar's place between the bars whose music is the same, and both commands say so."""
    synced = project_for(tmp_path, scores["haydn"])
    edited = recut(scores["haydn"], tmp_path / "edited.musicxml", insert=(11, 2), change=39)
    shutil.copyfile(edited, synced.score)
    lines = drift(synced)
    assert lines[:2] == ["2 bars inserted after bar 12", "bar 40 changed (now bar 42)"]
    assert "bar039 at 40:1: the music of bar 40 changed; look at the beat" in lines

    code, said, beats = rebased(synced, edited)
    assert code == 0
    assert "  bar039 40:1 → 42:1 (with its bar, whose music changed)\n" in said
    assert beats["bar038"] == Position.parse("41:1") and beats["bar040"] == Position.parse("43:1")
    assert bar_music(edited, 41) != bar_music(synced.original, 39)


def test_a_rewritten_passage_follows_its_rehearsal_mark(
    tmp_path: Path, scores: dict[str, Path]
) -> None:
    """Bars 50-51 (mark M on bar 50) rewritten as three bars after two bars inserted
    earlier: the music cannot place their beats; the mark, still printed once, does."""
    marked = recut(scores["haydn"], tmp_path / "marked.musicxml", mark=(49, "M"))
    synced = project_for(tmp_path, marked)
    edited = recut(marked, tmp_path / "edited.musicxml", insert=(11, 2), change=49, rewrite=(50, 2))
    shutil.copyfile(edited, synced.score)
    lines = drift(synced)
    assert lines[:2] == ["2 bars inserted after bar 12", "bars 50-51 replaced by bars 52-54"]

    code, said, beats = rebased(synced, edited)
    assert code == 0, said
    assert "  bar049 50:1 → 52:1 (0 bars after M)\n" in said
    assert "  bar050 51:1 → 53:1 (1 bar after M)\n" in said
    assert beats["bar048"] == Position.parse("51:1") and beats["bar051"] == Position.parse("55:1")


def test_bars_cut_from_a_haydn_minuet(tmp_path: Path, scores: dict[str, Path]) -> None:
    synced = project_for(tmp_path, scores["haydn"])
    shorter = recut(scores["haydn"], tmp_path / "shorter.musicxml", cut=(19, 23))
    shutil.copyfile(shorter, synced.score)

    lines = drift(synced)
    assert lines[0] == "bars 20-23 cut"
    cut = "its bar was cut (bars 20-23 cut); move or delete the beat"
    assert f"bar019 at 20:1: {cut}" in lines and f"bar022 at 23:1: {cut}" in lines

    code, said, beats = rebased(synced, shorter)
    assert code == 1  # beats a person must move or delete
    for old in range(19, 23):
        assert f"  left bar{old:03d} at {old + 1}:1: {cut} by hand\n" in said
    assert beats["bar023"] == Position.parse("20:1")
    assert_each_beat_on_its_music(synced, shorter, beats, left=frozenset(range(19, 23)))


def test_bars_inserted_and_cut_in_a_chorale(tmp_path: Path, scores: dict[str, Path]) -> None:
    """The chorale has a pickup (bar 0): its bars are counted from 0 before and after."""
    synced = project_for(tmp_path, scores["bach"])
    assert synced.numbers == tuple(str(n) for n in range(10))
    both = recut(scores["bach"], tmp_path / "both.musicxml", insert=(3, 1), cut=(6, 8))
    shutil.copyfile(both, synced.score)

    lines = drift(synced)
    assert lines[:2] == ["1 bar inserted after bar 3", "bars 6-7 cut"]

    code, said, beats = rebased(synced, both)
    assert code == 1
    # Bars 4-5 follow their music one later, bars 8-9 two earlier; bars 6-7 were cut.
    assert [str(beats[f"bar{n:03d}"]) for n in range(10)] == [
        "0:4",
        "1:1",
        "2:1",
        "3:1",
        "5:1",
        "6:1",
        "6:1",
        "7:1",
        "7:1",
        "8:1",
    ]
    assert "  left bar006 at 6:1: its bar was cut (bars 6-7 cut)" in said
    assert_each_beat_on_its_music(synced, both, beats, left=frozenset({6, 7}))


def test_a_score_saved_again_by_musescore_has_the_same_bars(
    tmp_path: Path, scores: dict[str, Path]
) -> None:
    """MuseScore pads short bars with rests and rewrites the file: the recut still reads."""
    if shutil.which("mscore3") is None:
        pytest.skip("MuseScore 3 (mscore3) is not installed")
    synced = project_for(tmp_path, scores["bach"])
    musescore(scores["bach"], tmp_path / "same.musicxml")
    shutil.copyfile(tmp_path / "same.musicxml", synced.score)
    assert drift(synced)[0] == "no bar's music was inserted, cut or changed"

    longer = recut(scores["bach"], tmp_path / "longer.musicxml", insert=(5, 2))
    exported = tmp_path / "exported.musicxml"
    musescore(longer, exported)
    shutil.copyfile(exported, synced.score)
    assert drift(synced)[0] == "2 bars inserted after bar 5"


def test_an_ostinato_that_lost_a_bar(tmp_path: Path, scores: dict[str, Path]) -> None:
    """Bar 5 of the waltz played four times (bars 5-8); the recut plays it three times.

    The music cannot say which of the four was cut: choreo names the run and leaves its
    beats, except where a rehearsal mark on the run says the same music is still there.
    The bars after the run follow their music.
    """
    ostinato = recut(scores["waltz"], tmp_path / "ostinato.musicxml", repeat=(4, 3), mark=(4, "O"))
    synced = project_for(tmp_path, ostinato)
    assert len(synced.numbers) == 35
    shorter = recut(ostinato, tmp_path / "shorter.musicxml", cut=(7, 8))

    shutil.copyfile(shorter, synced.score)
    lines = drift(synced)
    assert lines[0] == (
        "bars 5-8 repeat the same music; the score has 1 bar fewer of it now, "
        "and which cannot be told from the music"
    )
    run = "bars 5-8 repeat the same music and the score has fewer of it now"
    assert f"bar005 at 6:1: {run}, so which bar the beat belongs to cannot be told" in " ".join(
        lines
    )
    assert "bar008 at 9:1: the music of bar 9 is bar 8 now" in " ".join(lines)
    code, said, beats = rebased(synced, shorter)
    assert code == 1
    # O+0..O+2 still play the ostinato's bar: the mark keeps those beats where they are.
    assert beats["bar004"] == Position.parse("5:1") and beats["bar006"] == Position.parse("7:1")
    # O+3 is bar 8 now, other music: that beat is left, with the reason.
    assert beats["bar007"] == Position.parse("8:1")
    assert "  left bar007 at 8:1: bars 5-8 repeat the same music and the score has fewer" in said
    assert beats["bar008"] == Position.parse("8:1")  # the bar after the run: its music
    assert_each_beat_on_its_music(synced, shorter, beats, left=frozenset({7}))
