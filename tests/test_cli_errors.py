"""Every command against missing files, folders, unreadable files and bad arguments:
exit 2, one line on stderr, no traceback, nothing written."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from subprocess import CompletedProcess

import pytest

from tests.run_cli import assert_one_line_error, choreo
from tests.scene_texts import PLAIN_SCENE, write_scene


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


# {} is replaced by the bad path under test.
FILE_COMMANDS = [
    ("edit", "{}"),
    ("check", "{}"),
    ("export", "{}"),
    ("export", "{}", "--format", "csv"),
    ("sync", "{}"),
    ("sync", "{}", "--pull"),
    ("sync", "{}", "--rebase"),
    ("score", "{}"),
    ("new", "{}/sub/x.yaml", "--title", "T"),
]


def bad_paths(tmp_path: Path) -> dict[str, Path]:
    folder = tmp_path / "a-folder.yaml"
    folder.mkdir()
    garbage = tmp_path / "garbage.yaml"
    garbage.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    return {"missing": tmp_path / "missing.yaml", "folder": folder, "garbage": garbage}


@pytest.mark.parametrize("command", FILE_COMMANDS, ids=lambda c: " ".join(c))
@pytest.mark.parametrize("kind", ["missing", "folder", "garbage"])
def test_bad_files_give_one_line_and_exit_2(
    tmp_path: Path, command: tuple[str, ...], kind: str
) -> None:
    path = bad_paths(tmp_path)[kind]
    if command[0] == "new" and kind != "missing":
        pytest.skip("new writes a file; only a missing folder is bad input for it")
    before = snapshot(tmp_path)
    args = [a.replace("{}", str(path)) for a in command]
    assert_one_line_error(choreo(*args, cwd=tmp_path))
    assert snapshot(tmp_path) == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_unreadable_scene(tmp_path: Path) -> None:
    path = write_scene(tmp_path)
    path.chmod(0)
    for command in ("check", "export", "sync"):
        result = choreo(command, str(path), cwd=tmp_path)
        assert result.returncode == 2 and "permission denied" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("export", "{scene}", "--format", "docx"),
        ("export", "{scene}", "--speed", "fast"),
        ("export", "{scene}", "--speed", "0"),
        ("export", "{scene}", "--performer", "nobody"),
        ("score", "{scene}", "--part", "9"),
        ("sync", "{scene}", "--pull", "--rebase"),
        ("sync", "{scene}"),  # the scene has no score to sync with
        ("check", "{scene}", "--bogus"),
        ("moves", "--kind"),
        ("schema", "extra"),
        ("serve", "--port", "http"),
        ("serve", "--port", "99999"),
        ("score", "{scene}", "--part", "²"),  # a digit to str.isdigit, not a number
    ],
    ids=lambda a: " ".join(a),
)
def test_bad_arguments_give_one_line_and_exit_2(tmp_path: Path, args: tuple[str, ...]) -> None:
    scene = write_scene(tmp_path)
    before = snapshot(tmp_path)
    assert_one_line_error(choreo(*[a.replace("{scene}", str(scene)) for a in args], cwd=tmp_path))
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize(
    "args",
    [
        ("score", "track.mp3"),
        ("score", "mix.flac"),
        ("new", "scenes/fight.yaml", "--title", "T", "--score", "track.wav"),
        ("new", "scenes/fight.yaml", "--title", "T", "--score", "temp.ogg"),
    ],
    ids=lambda a: " ".join(a),
)
def test_a_recording_given_as_a_score_is_refused(tmp_path: Path, args: tuple[str, ...]) -> None:
    (tmp_path / "scenes").mkdir()
    for name in ("track.mp3", "mix.flac", "track.wav", "temp.ogg"):
        (tmp_path / name).write_bytes(b"ID3\x04\x00 not music notation")
    before = snapshot(tmp_path)
    result = choreo(*args, cwd=tmp_path)
    assert_one_line_error(result, "audio recording, not a score", "score.recording")
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("limit", ["inf", "nan", "-3", "lots"])
def test_a_nonsense_size_limit_is_one_line(tmp_path: Path, limit: str) -> None:
    score = Path(__file__).resolve().parent.parent / "scores" / "corridor.musicxml"
    result = choreo_with_env({"CHOREO_MAX_SCORE_MB": limit}, "score", score, cwd=tmp_path)
    assert_one_line_error(result, "CHOREO_MAX_SCORE_MB", limit)


@pytest.mark.parametrize(
    ("tempo", "args", "says"),
    [
        ("1e-300", ("export", "{scene}", "--format", "json"), "greater than or equal to 1"),
        ("5", ("export", "{scene}", "--format", "midi", "--speed", "0.5", "-o", "x.mid"), "MIDI"),
    ],
)
def test_absurd_tempi_are_one_line(
    tmp_path: Path, tempo: str, args: tuple[str, ...], says: str
) -> None:
    scene = write_scene(tmp_path, PLAIN_SCENE.replace("tempo: 120", f"tempo: {tempo}"))
    before = snapshot(tmp_path)
    result = choreo(*[a.replace("{scene}", str(scene)) for a in args], cwd=tmp_path)
    assert_one_line_error(result, says)
    assert snapshot(tmp_path) == before


def choreo_with_env(env: dict[str, str], *args: str | Path, cwd: Path) -> CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "choreo", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, **env},
        timeout=300,
        check=False,
        stdin=subprocess.DEVNULL,
    )


@pytest.mark.parametrize("encoding", ["x-mac-klingon", "UTF-32", "Shift_JIS"])
def test_a_score_in_an_encoding_expat_cannot_read_is_one_line(
    tmp_path: Path, encoding: str
) -> None:
    score = tmp_path / "odd.musicxml"
    score.write_bytes(f'<?xml version="1.0" encoding="{encoding}"?>\n<score-partwise/>'.encode())
    assert_one_line_error(choreo("score", score, cwd=tmp_path), "encoding", "UTF-8")


def test_names_in_a_file_cannot_forge_or_split_a_line(tmp_path: Path) -> None:
    """A key or a move name with a newline, an escape sequence or a bidi override is
    shown escaped: one line per problem, nothing raw reaches the terminal."""
    bad_key = write_scene(tmp_path, PLAIN_SCENE + '"x\\nerror: forged\\e[2J": 1\n', "key.yaml")
    result = choreo("check", bad_key, cwd=tmp_path)
    assert_one_line_error(result, "\\n", "\\x1b", "unknown key")
    forged = PLAIN_SCENE.replace("combat: dodge", 'combat: "dodge\\nerror: forged\\u202e"')
    result = choreo("check", write_scene(tmp_path, forged, "move.yaml"), cwd=tmp_path)
    assert "\x1b" not in result.stdout and "\u202e" not in result.stdout
    assert not any(line.startswith("error: forged") for line in result.stdout.splitlines())
    assert "\\u202e" in result.stdout


def test_a_beat_at_a_far_bar_does_not_make_days_of_clicks(tmp_path: Path) -> None:
    far = PLAIN_SCENE.replace('at: "2:1"', 'at: "99999:1"')
    scene = write_scene(tmp_path, far)
    result = choreo("export", scene, "--format", "midi", "-o", "far.mid", cwd=tmp_path)
    assert_one_line_error(result, "b02 is at 99999:1", "6 h")
    assert not (tmp_path / "far.mid").exists()
