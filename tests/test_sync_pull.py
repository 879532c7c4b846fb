"""`choreo sync --pull`: a beat skeleton per rehearsal mark and staff text, once."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from choreo.errors import ChoreoError
from choreo.model import Beat, MarkCue, Position, cue_for
from choreo.store import read_scene
from choreo.sync import pull, push
from tests.conftest import SCENES, SCORES

# The opera house score prints: 'Lento lamentoso' (0:4), A (1:1), 'cresc.' (9:1),
# B and 'Valse macabre' (17:1), C and 'Tarantella furiosa' (29:1).
SCENE = """\
# Pulled from the opera house score.
schema: 1
id: pulled
title: Marks from the score
score:
  file: ../scores/opera-house.musicxml
beats:
  # Eve is already on at mark B
  - id: b01
    at: "17:1"   # the waltz starts
    ballet: balancé
  - id: b02
    at: "20:2"
    combat: jab
"""


@pytest.fixture
def scene_path(tmp_path: Path) -> Path:
    (tmp_path / "scenes").mkdir()
    (tmp_path / "scores").mkdir()
    shutil.copyfile(SCORES / "opera-house.musicxml", tmp_path / "scores" / "opera-house.musicxml")
    path = tmp_path / "scenes" / "pulled.yaml"
    path.write_text(SCENE, encoding="utf-8")
    return path


def test_each_mark_the_scene_lacks_becomes_a_beat(scene_path: Path) -> None:
    result = pull(read_scene(scene_path))

    beats = read_scene(scene_path).scene.beats
    assert [(b.id, str(b.at), b.cue) for b in beats] == [
        ("mark-A", "1:1", MarkCue(kind="rehearsal", text="A")),
        ("b01", "17:1", None),  # B and its tempo word: Eve's beat is already there
        ("b02", "20:2", None),
        ("mark-C", "29:1", MarkCue(kind="rehearsal", text="C")),  # and 'Tarantella furiosa'
    ]
    text = scene_path.read_text(encoding="utf-8")
    assert "    cue: rehearsal A\n" in text
    assert [beat.id for beat in result.added] == ["mark-A", "mark-C"]
    summary = result.summary()
    assert "added 2 beats" in summary
    assert (
        "left out 4 tempo and dynamics words: Lento lamentoso, cresc., Valse macabre, "
        "Tarantella furiosa" in summary
    )


def test_tempo_words_make_no_beats(tmp_path: Path) -> None:
    """Words that name a tempo, or sit on a tempo change, are the music's, not the fight's."""
    from choreo.sync.pull import is_tempo
    from choreo.timing import MeasureMap, ScoreMark, TempoMark, build_measures

    def mark(text: str, measure: str = "2") -> ScoreMark:
        return ScoreMark(text, measure, 1.0, "words")

    rows = [(str(n), 4.0, "4/4", 4, 1.0, 1.0) for n in (1, 2, 3)]
    tempos = [TempoMark(0.0, 96.0), TempoMark(8.0, 60.0)]  # a change at bar 3
    measures = MeasureMap(build_measures(rows, tempos), tuple(tempos))
    for text in ("Allegro", "rit.", "a tempo", "Poco più mosso", "♩ = 96", "q = 120", "accel."):
        assert is_tempo(mark(text), measures), text
    assert is_tempo(mark("Valse macabre", "3"), measures)  # printed with the metronome mark
    for text in ("dolce, come un ricordo", "Eve enters", "the door bangs", "Tempest"):
        assert not is_tempo(mark(text), measures), text
    assert not is_tempo(ScoreMark("A", "3", 1.0, "rehearsal"), measures)


def test_comments_and_existing_beats_are_kept(scene_path: Path) -> None:
    pull(read_scene(scene_path))
    text = scene_path.read_text(encoding="utf-8")
    assert text.startswith("# Pulled from the opera house score.\n")
    # The comment above the first beat stays above the list; each beat keeps its own.
    assert "  # Eve is already on at mark B\n" in text
    existing = SCENE[SCENE.index("  - id: b01") :]
    assert existing in text
    assert "    cue: rehearsal A\n" in text


def test_pulling_again_adds_nothing_and_keeps_the_ids(scene_path: Path) -> None:
    pull(read_scene(scene_path))
    first = scene_path.read_bytes()
    again = pull(read_scene(scene_path))
    assert again.added == ()
    assert scene_path.read_bytes() == first
    assert "nothing to add" in again.summary()


def test_a_mark_already_cued_elsewhere_is_not_added_again(scene_path: Path) -> None:
    text = SCENE + '  - id: b03\n    at: "2:1"\n    cue: rehearsal A\n'
    scene_path.write_text(text, encoding="utf-8")
    added = [beat.id for beat in pull(read_scene(scene_path)).added]
    assert "mark-A" not in added and "mark-C" in added


def test_a_pulled_beat_gets_no_second_mark_when_pushed(scene_path: Path) -> None:
    pull(read_scene(scene_path))
    written = push(read_scene(scene_path)).output.read_text(encoding="utf-8")
    assert "<rehearsal>rehearsal A</rehearsal>" not in written
    assert written.count(">A</rehearsal>") == 1  # the score's own


def test_a_scene_without_a_score_has_nothing_to_pull(tmp_path: Path) -> None:
    path = tmp_path / "bare.yaml"
    path.write_text("schema: 1\nid: bare\ntitle: Bare\n", encoding="utf-8")
    with pytest.raises(ChoreoError, match="no score"):
        pull(read_scene(path))
    assert path.read_text(encoding="utf-8") == "schema: 1\nid: bare\ntitle: Bare\n"


@pytest.mark.parametrize(
    "scene", sorted(SCENES.glob("*.yaml")) or [None], ids=lambda p: p.stem if p else "none"
)
def test_the_demo_scenes_pull_cleanly(project: Path, scene: Path | None) -> None:
    if scene is None:
        pytest.skip("no demo scenes yet")
    path = project / "scenes" / scene.name
    scene_file = read_scene(path)
    if not scene_file.scene.score.file:
        pytest.skip("the demo scene has no score")
    before = {beat.id: beat for beat in scene_file.scene.beats}
    result = pull(scene_file)
    after = read_scene(path).scene
    assert {b.id: b for b in after.beats if b.id in before} == before
    assert len(after.beats) == len(before) + len(result.added)
    assert pull(read_scene(path)).added == ()


def test_only_cues_in_pulls_own_form_name_a_printed_mark() -> None:
    def cue(text: str) -> object:
        return Beat(id="b01", at=Position.parse("1:1"), cue=text).cue

    assert cue("rehearsal A") == MarkCue(kind="rehearsal", text="A")
    assert cue('text "Valse macabre"') == MarkCue(kind="words", text="Valse macabre")
    assert cue("rehearsal hall door bangs") == "rehearsal hall door bangs"
    assert cue("text message arrives") == "text message arrives"
    # A mark the one-word form cannot hold stays a person's words, as the file reads it.
    assert cue_for("rehearsal", "Coda 2") == "rehearsal Coda 2"
    assert cue_for("words", "dolce") == MarkCue(kind="words", text="dolce")
    beat = Beat(id="b01", at=Position.parse("1:1"), cue=cue_for("rehearsal", "B"))
    assert beat.model_dump(mode="json")["cue"] == "rehearsal B"


SUFFIXED_BARS = """\
<?xml version="1.0" encoding="UTF-8"?>
<score-partwise version="3.1">
  <part-list><score-part id="P1"><part-name>Violin</part-name></score-part></part-list>
  <part id="P1">
    <measure number="1">
      <attributes><divisions>1</divisions><time><beats>4</beats><beat-type>4</beat-type></time>
      </attributes>
      <direction><direction-type><rehearsal>A</rehearsal></direction-type></direction>
      <note><pitch><step>C</step><octave>4</octave></pitch><duration>4</duration></note>
    </measure>
    <measure number="1bis">
      <direction><direction-type><rehearsal>B</rehearsal></direction-type></direction>
      <note><pitch><step>D</step><octave>4</octave></pitch><duration>4</duration></note>
    </measure>
  </part>
</score-partwise>
"""


def test_a_bar_written_with_a_suffix_is_pulled_at_musescores_number(tmp_path: Path) -> None:
    """The score writes a bar "1bis"; MuseScore counts it as bar 2, and so does choreo."""
    (tmp_path / "scores").mkdir()
    (tmp_path / "scores" / "bis.musicxml").write_text(SUFFIXED_BARS, encoding="utf-8")
    path = tmp_path / "bis.yaml"
    path.write_text(
        "schema: 1\nid: bis\ntitle: Bis\nscore:\n  file: scores/bis.musicxml\n", encoding="utf-8"
    )
    result = pull(read_scene(path))
    assert [beat.id for beat in result.added] == ["mark-A", "mark-B"]
    assert result.left_out == ()
    assert [str(beat.at) for beat in read_scene(path).scene.beats] == ["1:1", "2:1"]
    again = pull(read_scene(path))
    assert again.added == () and again.present == 2
