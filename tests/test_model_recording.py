"""A scene's recording and its sync points: read, checked with clear messages, saved."""

from __future__ import annotations

from pathlib import Path

import pytest

from choreo.errors import SceneError
from choreo.model import Position
from choreo.model.recording import SyncPoint
from choreo.store import read_scene, save_scene

SCENE = """\
id: roof
title: Rooftop
score:
  recording: ../audio/roof.flac   # the composer's mock-up
  sync:
    - {at: "1:1", seconds: 0.84}
    - {at: "17:1", seconds: 41.27}
beats: []
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "roof.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_recording_and_its_points_are_read(tmp_path: Path) -> None:
    score = read_scene(_write(tmp_path, SCENE)).scene.score
    assert score.recording == "../audio/roof.flac"
    assert [(str(p.at), p.seconds) for p in score.sync] == [("1:1", 0.84), ("17:1", 41.27)]


def test_new_points_are_saved_with_the_comments_kept(tmp_path: Path) -> None:
    loaded = read_scene(_write(tmp_path, SCENE))
    edited = loaded.scene.model_copy(deep=True)
    edited.score.sync = [
        SyncPoint(at=Position.parse("1:1"), seconds=1.0),
        SyncPoint(at=Position.parse("1:1"), pass_number=2, seconds=9.5),
    ]
    save_scene(loaded, edited)
    text = (tmp_path / "roof.yaml").read_text(encoding="utf-8")
    assert "# the composer's mock-up" in text
    again = read_scene(tmp_path / "roof.yaml").scene.score.sync
    assert [(str(p.at), p.pass_number, p.seconds) for p in again] == [
        ("1:1", None, 1.0),
        ("1:1", 2, 9.5),
    ]


@pytest.mark.parametrize(
    ("points", "says"),
    [
        ('[{at: "1:1", seconds: 5}, {at: "2:1", seconds: 4}]', "is not later than the point"),
        ('[{at: "3:1", seconds: 1}, {at: "2:1", seconds: 4}]', "at or before the position"),
        ('[{at: "3:1", seconds: 1}, {at: "3:1", seconds: 4}]', "repeats 3:1 at 1 s"),
        ('[{at: "3:1", seconds: -1}]', "greater than or equal to 0"),
        ('[{at: "3:1", seconds: .nan}]', "finite number"),
        ('[{at: "3:1"}]', "seconds"),
        ('[{at: "3:x", seconds: 1}]', "MEASURE:BEAT"),
    ],
)
def test_points_that_cannot_be_are_one_clear_error(tmp_path: Path, points: str, says: str) -> None:
    text = SCENE.replace(
        '    - {at: "1:1", seconds: 0.84}\n    - {at: "17:1", seconds: 41.27}\n',
        f"  sync: {points}\n",
    ).replace("  sync:\n  sync:", "  sync:")
    with pytest.raises(SceneError, match=says) as raised:
        read_scene(_write(tmp_path, text))
    assert str(raised.value).startswith(str(tmp_path / "roof.yaml"))
    assert "\n" not in str(raised.value)


def test_a_scene_without_a_recording_has_no_points(tmp_path: Path) -> None:
    score = read_scene(_write(tmp_path, "id: a\ntitle: A\n")).scene.score
    assert score.recording is None
    assert score.sync == []
