"""Drift and `choreo sync --rebase`: the score changes under a synced scene.

The small test score is synced, then replaced by a version with four 4/4 bars inserted
before mark B (B moves from bar 5 to bar 9, C from 9 to 13), or by one without mark C.
The sync records each bar's music, so the beats follow it; a record from before that
(no bars) is followed by rehearsal marks alone.
"""

from __future__ import annotations

import contextlib
import re
import shutil
from pathlib import Path

import pytest

from choreo.errors import ChoreoError
from choreo.model import Position
from choreo.scenes import check_files
from choreo.store import SceneFile, read_scene, save_scene
from choreo.sync import push, rebase
from tests.test_sync_push import built, make_project, texts_at

__all__ = ["built"]  # the session fixture, shared with the push tests

SCENE = """\
schema: 1
id: moving
title: The music moves
score:
  file: SCORE
beats:
  - id: b01
    at: "0:4"    # before mark A: nothing to follow
  - id: b02
    at: "2:3"    # A+1
  - id: b03
    at: "6:2"    # B+1, in 6/8
  - id: b04
    at: "9:1"    # on mark C
  - id: b05
    at: "10:3"   # C+1
  - id: b06
    at: "3:1"    # A+2, moved by hand after the sync
"""


@pytest.fixture
def synced(tmp_path: Path, built: dict[str, Path]) -> Path:
    """A project synced against the small score; the scene's path."""
    scene_path = make_project(tmp_path, built["small"], SCENE)
    push(read_scene(scene_path))
    return scene_path


def replace_score(scene_path: Path, version: Path) -> None:
    shutil.copyfile(version, scene_path.parent.parent / "scores" / "small.musicxml")


def current_drift(scene_path: Path) -> list[str]:
    """What ``choreo check`` says about the score since the sync, one line each."""
    [(_, found)] = check_files([scene_path], progress=lambda _: contextlib.nullcontext())
    return [
        f"{d.beat} {d.message}" if d.beat else d.message
        for d in found
        if d.code in ("score-changed", "score-drift")
    ]


def test_the_sync_records_anchors(synced: Path) -> None:
    record = read_scene(synced).scene.score.synced
    assert record is not None
    assert {beat: str(anchor) for beat, anchor in record.anchors.items()} == {
        "b01": "0:4",
        "b02": "2:3 = A+1:3",
        "b03": "6:2 = B+1:2",
        "b04": "9:1 = C+0:1",
        "b05": "10:3 = C+1:3",
        "b06": "3:1 = A+2:1",
    }
    # Bar 0, then bars counted on; bars 5-8 (B, 6/8) play the same music four times.
    assert record.bars.numbers == tuple(str(n) for n in range(11))
    assert str(record.bars).startswith("0=") and len(set(record.bars.prints[5:9])) == 1


def test_no_drift_while_the_score_is_the_same(synced: Path) -> None:
    assert current_drift(synced) == []


def test_drift_names_the_beats_that_moved_or_fell_out(synced: Path, built: dict[str, Path]) -> None:
    replace_score(synced, built["inserted"])
    lines = current_drift(synced)
    assert lines[0].startswith("the score changed since the last sync; run `choreo sync`")
    assert lines[1] == "4 bars inserted after bar 4"
    assert "measures: 11 → 15" in lines
    assert any(line.startswith("length: 23.12 s → 33.12 s") for line in lines)
    # Not "moved +2.50 s": where each beat's music is now.
    rebase_it = "`choreo sync --rebase` moves the beat"
    assert f"b03 at 6:2: the music of bar 6 is bar 10 now; {rebase_it}" in lines
    assert f"b04 at 9:1: the music of bar 9 is bar 13 now; {rebase_it}" in lines
    assert f"b05 at 10:3: the music of bar 10 is bar 14 now; {rebase_it}" in lines
    assert not any(line.startswith(("b01", "b02", "b06")) for line in lines)


def test_drift_without_the_bars_music_names_seconds(synced: Path, built: dict[str, Path]) -> None:
    """A scene synced before bars were fingerprinted: the drift in seconds, as before."""
    forget_bars(synced)
    replace_score(synced, built["inserted"])
    lines = current_drift(synced)
    assert not any("inserted" in line for line in lines)
    # 9:1 was mark C (29 quarters in); now it is mark B (33 quarters), 4 × 0.625 s later.
    assert "b04 at 9:1 moved +2.50 s (18.12 s → 20.62 s)" in lines
    assert any(line.startswith("b03 at 6:2 moved +0.31 s") for line in lines)
    assert "b05 at 10:3 is outside the score now: measure 10 (6/8) has no beat 3" in lines
    assert not any(line.startswith(("b01", "b02", "b06")) for line in lines)


def forget_bars(scene_path: Path) -> None:
    """The record as a sync before fingerprints wrote it: no bars, anchors only after marks."""
    lines = scene_path.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [
        line
        for line in lines
        if not line.startswith("    bars: ") and not re.fullmatch(r"\s+b\d+: \d+:\d+\n", line)
    ]
    assert len(kept) == len(lines) - 2
    scene_path.write_text("".join(kept), encoding="utf-8")


def test_rebase_keeps_beats_with_their_marks(synced: Path, built: dict[str, Path]) -> None:
    text = synced.read_text(encoding="utf-8").replace('at: "3:1"', 'at: "3:2"')
    synced.write_text(text, encoding="utf-8")
    replace_score(synced, built["inserted"])

    result = rebase(read_scene(synced))

    moved = {move.beat_id: (str(move.before), str(move.after)) for move in result.moved}
    assert moved == {"b03": ("6:2", "10:2"), "b04": ("9:1", "13:1"), "b05": ("10:3", "14:3")}
    assert result.left == ("b06 at 3:2: moved by hand since the sync (it was at 3:1)",)
    scene = read_scene(synced).scene
    assert [str(beat.at) for beat in scene.beats] == ["0:4", "2:3", "10:2", "13:1", "14:3", "3:2"]
    saved = synced.read_text(encoding="utf-8")
    assert '    at: "13:1"   # on mark C\n' in saved  # comments stay with their beats
    summary = result.summary()
    assert summary.startswith("the score: 4 bars inserted after bar 4\nmoved 3 beats")
    assert "b04 9:1 → 13:1 (with its bar's music)" in summary
    # Rebased beats are where their music is: check names only the beat moved by hand.
    named = [line for line in current_drift(synced) if line.startswith("b")]
    assert named == ["b06 at 3:2 moved +0.62 s (5.62 s → 6.25 s)"]

    again = rebase(read_scene(synced))
    assert again.moved == () and len(again.left) == 1
    # A fresh sync writes the rebased beats where the new score has them.
    pushed = push(read_scene(synced))
    found, labels = texts_at(pushed.output, 0), pushed.labels
    assert found[labels["b04"]] == [("13", 1.0)] and found[labels["b03"]] == [("10", 2.0)]
    assert found["C"] == [("13", 1.0)]


def test_rebase_by_marks_alone_for_an_older_record(synced: Path, built: dict[str, Path]) -> None:
    forget_bars(synced)
    replace_score(synced, built["inserted"])
    result = rebase(read_scene(synced))
    moved = {move.beat_id: (str(move.before), str(move.after)) for move in result.moved}
    assert moved == {"b03": ("6:2", "10:2"), "b04": ("9:1", "13:1"), "b05": ("10:3", "14:3")}
    assert "b04 9:1 → 13:1 (0 bars after C)" in result.summary()
    assert not result.bars


def test_beats_in_cut_bars_are_left_and_named(synced: Path, built: dict[str, Path]) -> None:
    replace_score(synced, built["short"])
    before = synced.read_bytes()
    result = rebase(read_scene(synced))
    assert result.moved == () and synced.read_bytes() == before
    cut = "its bar was cut (bars 9-10 cut); move or delete the beat"
    assert result.left == (f"b04 at 9:1: {cut} by hand", f"b05 at 10:3: {cut} by hand")
    assert "no beat needed to move" in result.summary()
    lines = current_drift(synced)
    assert "bars 9-10 cut" in lines
    assert f"b04 at 9:1: {cut}" in lines and f"b05 at 10:3: {cut}" in lines


def test_a_mark_that_disappeared_leaves_its_beats(synced: Path, built: dict[str, Path]) -> None:
    forget_bars(synced)
    replace_score(synced, built["short"])
    result = rebase(read_scene(synced))
    assert result.moved == ()
    assert "b04 at 9:1: the score no longer prints mark C once" in result.left
    assert "no beat needed to move" in result.summary()
    assert any("b04 at 9:1 is outside the score now" in line for line in current_drift(synced))


def test_rebase_needs_an_earlier_sync(tmp_path: Path, built: dict[str, Path]) -> None:
    scene_path = make_project(tmp_path, built["small"], SCENE)
    before = scene_path.read_bytes()
    with pytest.raises(ChoreoError, match="no record of the score's bars or rehearsal marks"):
        rebase(read_scene(scene_path))
    assert scene_path.read_bytes() == before


def test_a_hand_edited_anchor_is_ignored(synced: Path, built: dict[str, Path]) -> None:
    forget_bars(synced)
    scene_file: SceneFile = read_scene(synced)
    text = synced.read_text(encoding="utf-8").replace("9:1 = C+0:1", "nonsense")
    synced.write_text(text, encoding="utf-8")
    replace_score(synced, built["inserted"])
    moved = {move.beat_id for move in rebase(read_scene(synced)).moved}
    assert moved == {"b03", "b05"}
    assert scene_file.scene.beat("b04") is not None


def test_an_anchor_naming_no_beat_leaves_its_beat(synced: Path, built: dict[str, Path]) -> None:
    """'C+0:nan' parses as numbers, yet moving b04 there would save an unreadable scene."""
    forget_bars(synced)
    text = synced.read_text(encoding="utf-8").replace("9:1 = C+0:1", "9:1 = C+0:nan")
    synced.write_text(text, encoding="utf-8")
    replace_score(synced, built["inserted"])
    result = rebase(read_scene(synced))
    assert {move.beat_id for move in result.moved} == {"b03", "b05"}
    assert any(line.startswith("b04 at 9:1: position '13:nan'") for line in result.left)
    assert read_scene(synced).scene.beat("b04").at == Position.parse("9:1")  # type: ignore[union-attr]


def test_drift_keeps_score_lines_apart_from_a_beat_named_like_them(
    synced: Path, built: dict[str, Path]
) -> None:
    """A beat called 'tempo' is not the 'tempo map: ...' line of the score."""
    text = synced.read_text(encoding="utf-8").replace("id: b01", "id: tempo")
    text = text.replace('"b01":', '"tempo":').replace("b01:", "tempo:")
    assert "tempos: 96@0:4\n" in text
    synced.write_text(text.replace("tempos: 96@0:4\n", "tempos: 60@0:4\n"), encoding="utf-8")
    replace_score(synced, built["inserted"])
    [(_, found)] = check_files([synced], progress=lambda _: contextlib.nullcontext())
    drifted = [(d.beat, d.message) for d in found if d.code == "score-drift"]
    assert any(beat is None and message.startswith("tempo map: ") for beat, message in drifted)
    assert all(message.startswith("at ") for beat, message in drifted if beat is not None)


def test_a_new_sync_forgets_the_beats_the_scene_no_longer_has(synced: Path) -> None:
    """A deleted beat's anchor and seconds would follow a new beat that reuses its id."""
    scene_file = read_scene(synced)
    kept = [beat for beat in scene_file.scene.beats if beat.id != "b04"]
    save_scene(scene_file, scene_file.scene.model_copy(update={"beats": kept}))
    push(read_scene(synced))
    record = read_scene(synced).scene.score.synced
    assert record is not None
    assert "b04" not in record.anchors and "b04" not in record.beat_seconds
    # Named nowhere in the file (the score's hash, in hex, may hold the letters by chance).
    assert not re.search(r"\bb04\b", synced.read_text(encoding="utf-8"))
