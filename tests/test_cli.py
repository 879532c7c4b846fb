"""The real CLI in a subprocess: the command contract, exit codes, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.run_cli import assert_one_line_error, choreo
from tests.scene_texts import PLAIN_SCENE, write_scene
from tests.score_fixtures import bars_score


def test_help_lists_the_commands() -> None:
    result = choreo("--help")
    assert result.returncode == 0
    for command in ("edit", "new", "check", "export", "sync", "score", "moves", "schema"):
        assert command in result.stdout


def test_new_writes_a_valid_scene_and_refuses_to_overwrite(tmp_path: Path) -> None:
    (tmp_path / "scenes").mkdir()
    target = tmp_path / "scenes" / "roof top.yaml"
    result = choreo("new", str(target), "--title", "Roof at dawn")
    assert result.returncode == 0, result.stderr
    assert "title: Roof at dawn" in target.read_text()
    assert choreo("check", str(target)).returncode == 0
    assert_one_line_error(choreo("new", str(target), "--title", "Again"), "already exists")


@pytest.mark.parametrize(
    ("name", "scene_id"), [("café noir.yaml", "cafe-noir"), ("_draft.yaml", "draft")]
)
def test_new_makes_an_id_from_any_file_name(tmp_path: Path, name: str, scene_id: str) -> None:
    result = choreo("new", tmp_path / name, "--title", "T")
    assert result.returncode == 0, result.stderr
    assert f"id: {scene_id}\n" in (tmp_path / name).read_text(encoding="utf-8")


def test_new_refuses_a_title_too_long_in_one_line(tmp_path: Path) -> None:
    result = choreo("new", tmp_path / "s.yaml", "--title", "x" * 2001)
    assert_one_line_error(result, "title", "2000 characters")
    assert not (tmp_path / "s.yaml").exists()


@pytest.mark.parametrize("score", ["corpus:", "missing.musicxml", "."])
def test_new_refuses_a_score_it_cannot_follow(tmp_path: Path, score: str) -> None:
    result = choreo("new", tmp_path / "s.yaml", "--title", "S", "--score", score, cwd=tmp_path)
    assert_one_line_error(result, score)
    assert not (tmp_path / "s.yaml").exists()


def test_new_with_a_score_writes_it_relative_to_the_scene(tmp_path: Path) -> None:
    (tmp_path / "scenes").mkdir()
    (tmp_path / "scores").mkdir()
    score = bars_score(tmp_path / "scores" / "x.musicxml", "1 2")
    result = choreo(
        "new", str(tmp_path / "scenes" / "s.yaml"), "--title", "S", "--score", str(score)
    )
    assert result.returncode == 0, result.stderr
    assert "file: ../scores/x.musicxml" in (tmp_path / "scenes" / "s.yaml").read_text()


def test_check_text_and_json(tmp_path: Path) -> None:
    path = write_scene(tmp_path, PLAIN_SCENE.replace("intensity: 2", "intensity: 9"))
    result = choreo("check", str(path))
    assert result.returncode == 1
    assert f"{path}:17: error[intensity-range] b01: intensity 9 is outside 1..5" in result.stdout
    rows = json.loads(choreo("check", str(path), "--format", "json").stdout)
    assert {"code", "severity", "beat", "message", "line"} <= set(rows[0])
    assert [r["code"] for r in rows if r["severity"] == "error"] == ["intensity-range"]


def test_check_clean_scene_exits_zero(tmp_path: Path) -> None:
    result = choreo("check", str(write_scene(tmp_path)))
    assert result.returncode == 0, result.stdout
    assert "0 errors, 0 warnings" in result.stdout


def test_moves_and_schema() -> None:
    ballet = choreo("moves", "--kind", "ballet")
    assert ballet.returncode == 0 and "grand jeté" in ballet.stdout
    assert "knife slash" not in ballet.stdout
    schema = json.loads(choreo("schema").stdout)
    assert "beats" in schema["properties"]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("check", "missing.yaml"), ("missing.yaml", "no such file")),
        (("check",), ("Missing argument",)),
        (("frobnicate",), ("No such command",)),
        (("check", "--format", "xml", "x.yaml"), ("--format",)),
        (("moves", "--kind", "tap"), ("--kind",)),
        (("new", "x.yaml"), ("--title",)),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    tmp_path: Path, args: tuple[str, ...], words: tuple[str, ...]
) -> None:
    assert_one_line_error(choreo(*args, cwd=tmp_path), *words)


def test_malformed_scene_gives_file_line_col(tmp_path: Path) -> None:
    path = write_scene(tmp_path, PLAIN_SCENE.replace('at: "2:1"', 'at: "2:x"'))
    assert_one_line_error(choreo("check", str(path)), f"{path}:24:9: beats[b02].at")


def test_check_of_a_folder_checks_every_scene(tmp_path: Path) -> None:
    write_scene(tmp_path, name="a.yaml")
    write_scene(tmp_path, name="b.yaml")
    result = choreo("check", str(tmp_path))
    assert result.returncode == 0 and "2 scenes checked" in result.stdout


def test_check_says_what_moved_when_the_score_changed_after_a_sync(project: Path) -> None:
    scene = project / "scenes" / "opera-house.yaml"
    assert choreo("sync", str(scene)).returncode == 0
    assert "0 errors, 0 warnings" in choreo("check", str(scene)).stdout
    score = project / "scores" / "opera-house.musicxml"
    text = score.read_text(encoding="utf-8")
    assert text.count("<per-minute>132</per-minute>") == text.count('tempo="132"') == 1
    # The mark as printed and as played (<sound tempo>, which is what MuseScore plays).
    text = text.replace("<per-minute>132</per-minute>", "<per-minute>120</per-minute>")
    score.write_text(text.replace('tempo="132"', 'tempo="120"'))
    result = choreo("check", str(scene), "--format", "json")
    rows = json.loads(result.stdout)
    assert result.returncode == 0
    assert rows[0]["code"] == "score-changed"
    moved = {r["beat"]: r["message"] for r in rows if r["code"] == "score-drift" and r["beat"]}
    assert "b12" not in moved  # on the downbeat of bar 17, where the tempo changes
    assert moved["b13"].startswith("at 19:1 moved +0.27 s")


def test_rebase_exits_1_when_it_leaves_a_beat_moved_by_hand(project: Path) -> None:
    scene = project / "scenes" / "opera-house.yaml"
    assert choreo("sync", str(scene)).returncode == 0
    clean = choreo("sync", str(scene), "--rebase")
    assert clean.returncode == 0, clean.stdout
    text = scene.read_text(encoding="utf-8")
    scene.write_text(text.replace('at: "5:3"', 'at: "6:1"', 1), encoding="utf-8")
    result = choreo("sync", str(scene), "--rebase")
    assert result.returncode == 1
    assert "left b05 at 6:1: moved by hand since the sync (it was at 5:3)" in result.stdout
