"""Repeats by default: `choreo new` follows a score's repeats, `check` warns when a scene
does not, and `choreo score --performed` gives MuseScore's bar starts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.musescore import needs_musescore, played_bars
from tests.run_cli import assert_one_line_error, choreo
from tests.score_fixtures import bars_score

LONG_ENDING = "|: 1 2 |1. 3 :| |2. 4 5 6 | 7"


def _project(tmp_path: Path, notation: str) -> tuple[Path, Path]:
    (tmp_path / "scenes").mkdir()
    (tmp_path / "scores").mkdir()
    score = bars_score(tmp_path / "scores" / "fight.musicxml", notation)
    return tmp_path / "scenes" / "fight.yaml", score


def _codes(scene: Path) -> list[tuple[str, str]]:
    result = choreo("check", scene, "--format", "json")
    assert result.returncode == 0, result.stderr
    return [(row["code"], row["severity"]) for row in json.loads(result.stdout)]


def test_new_on_a_score_with_repeats_follows_them(tmp_path: Path) -> None:
    scene, score = _project(tmp_path, LONG_ENDING)
    result = choreo("new", scene, "--title", "Fight", "--score", score)
    assert result.returncode == 0, result.stderr
    assert "order: performed" in scene.read_text()
    assert "the score has repeats" in result.stderr
    assert _codes(scene) == []


def test_check_warns_on_a_written_order_scene_whose_score_has_repeats(tmp_path: Path) -> None:
    scene, score = _project(tmp_path, LONG_ENDING)
    assert choreo("new", scene, "--title", "Fight", "--score", score).returncode == 0
    text = scene.read_text().replace("order: performed", "order: written")
    scene.write_text(text)
    assert _codes(scene) == [("written-order-repeats", "warning")]
    shown = choreo("check", scene)
    assert shown.returncode == 0  # a warning, not an error
    assert "warning[written-order-repeats]" in shown.stdout
    assert "set `order: performed`" in shown.stdout


def test_new_on_a_score_without_repeats_keeps_the_written_order(tmp_path: Path) -> None:
    scene, score = _project(tmp_path, "1 2 || 3 |.")
    result = choreo("new", scene, "--title", "Fight", "--score", score)
    assert result.returncode == 0, result.stderr
    assert "order:" not in scene.read_text()
    assert "repeats" not in result.stderr
    assert _codes(scene) == []


def test_new_on_unclear_repeats_follows_the_written_order_and_says_why(tmp_path: Path) -> None:
    scene, score = _project(tmp_path, '1 2 "Da Capo, then the coda twice"')
    result = choreo("new", scene, "--title", "Fight", "--score", score)
    assert result.returncode == 0, result.stderr
    assert "order:" not in scene.read_text()
    assert "note: cannot expand repeats: measure 2 has the words" in result.stderr
    assert "the scene follows the written order" in result.stderr
    assert _codes(scene) == [("written-order-repeats", "warning")]


def test_new_refuses_a_score_that_is_not_music(tmp_path: Path) -> None:
    (tmp_path / "empty.musicxml").write_text("<score-partwise/>")
    target = tmp_path / "s.yaml"
    result = choreo("new", target, "--title", "S", "--score", tmp_path / "empty.musicxml")
    assert_one_line_error(result, "empty.musicxml", "no music")
    assert not target.exists()


@needs_musescore
def test_performed_bar_starts_are_musescores(tmp_path: Path) -> None:
    score = bars_score(tmp_path / "long.musicxml", "|: 1 2 |1. 3 4 5 :| |2. 6 7 | 8")
    result = choreo("score", score, "--performed", "--format", "json")
    assert result.returncode == 0, result.stderr
    ours = [(m["number"], m["start_seconds"]) for m in json.loads(result.stdout)["measures"]]
    theirs = played_bars(score)
    assert [number for number, _ in ours] == [str(bar + 1) for bar, _ in theirs]
    for (_, start), (_, seconds) in zip(ours, theirs, strict=True):
        assert start == pytest.approx(seconds, abs=0.001)


def test_score_says_when_the_written_order_is_not_the_played_one(tmp_path: Path) -> None:
    score = bars_score(tmp_path / "long.musicxml", LONG_ENDING)
    text = choreo("score", score)
    assert "note: the score has repeats or jumps; --performed plays them" in text.stdout
    as_json = json.loads(choreo("score", score, "--format", "json").stdout)
    assert as_json["repeats"] is True and len(as_json["measures"]) == 7
    played = json.loads(choreo("score", score, "--performed", "--format", "json").stdout)
    assert played["repeats"] is True and len(played["measures"]) == 9
    plain = bars_score(tmp_path / "plain.musicxml", "1 2 3")
    assert json.loads(choreo("score", plain, "--format", "json").stdout)["repeats"] is False
    assert "--performed" not in choreo("score", plain).stdout
