"""Writes stay home, two saves of one version never both win, and what choreo makes the
crew can open (issue 16 items 2 and 5, issue 14 item 1).

Through the real command line in a subprocess, real links, pipes, sockets and devices, and
real processes racing; the editor through its own save and export code.
"""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from choreo.errors import ConflictError, SaveError
from choreo.journal import journal_path, write_journal
from choreo.lock import SceneLock
from choreo.store import PendingSave, SceneFile, read_scene
from choreo.sync import push
from tests.run_cli import assert_one_line_error, choreo
from tests.scene_texts import PLAIN_SCENE, write_scene

HELPERS = Path(__file__).parent / "safety_helpers"
COPY = "corridor.choreo.musicxml"


def _files(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (links as where they point), to prove nothing changed."""
    found = {}
    for path in sorted(folder.rglob("*")):
        if path.is_symlink():
            found[str(path.relative_to(folder))] = os.readlink(path).encode()
        elif path.is_file():
            found[str(path.relative_to(folder))] = path.read_bytes()
    return found


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder outside the project, with a file someone cares about."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "precious.txt").write_text("keep me\n")
    return folder


@pytest.fixture
def home(project: Path, tmp_path: Path) -> Path:
    """The demo project, in its own folder beside ``outside``."""
    moved = tmp_path / "home"
    moved.mkdir()
    for name in ("scenes", "scores"):
        (project / name).rename(moved / name)
    return moved


# -- writes stay home ------------------------------------------------------------------


def test_sync_through_a_linked_scenes_folder_writes_nothing(home: Path, outside: Path) -> None:
    (home / "scenes").rename(outside / "scenes")
    (outside / "scores").mkdir()
    (outside / "scores" / "corridor.musicxml").write_bytes(
        (home / "scores" / "corridor.musicxml").read_bytes()
    )
    (home / "scenes").symlink_to(outside / "scenes")
    before, before_home = _files(outside), _files(home)
    result = choreo("sync", home / "scenes" / "corridor.yaml")
    assert_one_line_error(result, "outside the project folder", "through a link")
    assert _files(outside) == before and _files(home) == before_home


def test_sync_through_a_linked_scene_file_writes_nothing(home: Path, outside: Path) -> None:
    scene = home / "scenes" / "corridor.yaml"
    (outside / "corridor.yaml").write_bytes(
        scene.read_bytes().replace(b"../scores/", str(home / "scores").encode() + b"/")
    )
    scene.unlink()
    scene.symlink_to(outside / "corridor.yaml")
    before, before_home = _files(outside), _files(home)
    result = choreo("sync", scene)
    assert_one_line_error(result, "outside the project folder", "through a link")
    assert _files(outside) == before and _files(home) == before_home
    # The file itself, named where it is, is its own project: that sync is the user's.
    assert choreo("sync", outside / "corridor.yaml", "-o", outside / COPY).returncode == 0


def test_new_through_a_dangling_link_creates_nothing(home: Path, outside: Path) -> None:
    planted = home / "scenes" / "ambush.yaml"
    planted.symlink_to(outside / "planted.yaml")
    result = choreo("new", planted, "--title", "Ambush")
    assert_one_line_error(result, "outside the project folder")
    assert not (outside / "planted.yaml").exists()


def test_a_linked_score_folder_is_not_a_way_out(home: Path, outside: Path) -> None:
    scores = home / "scores"
    (home / "real-scores").mkdir()
    for score in scores.iterdir():
        score.rename(home / "real-scores" / score.name)
    scores.rmdir()
    scores.symlink_to(home / "real-scores")  # a link inside the project is fine
    assert choreo("sync", home / "scenes" / "corridor.yaml").returncode == 0
    assert (home / "real-scores" / COPY).exists()
    (home / "real-scores" / COPY).unlink()
    (home / "real-scores" / COPY).symlink_to(outside / "precious.txt")  # ... but not out
    result = choreo("sync", home / "scenes" / "corridor.yaml")
    assert_one_line_error(result, "outside the project folder")
    assert (outside / "precious.txt").read_text() == "keep me\n"


async def test_ctrl_e_onto_a_linked_sheet_writes_nothing(tmp_path: Path, outside: Path) -> None:
    from tests.test_tui_editor import app_on, opened, settle

    path = write_scene(tmp_path / "home" / "scenes")
    path.with_name("rooftop.md").symlink_to(outside / "precious.txt")
    app = app_on(path)
    async with app.run_test(size=(120, 36)) as pilot:
        await opened(pilot)
        await pilot.press("ctrl+e")
        await settle(pilot)
        said = [str(n.message) for n in app._notifications]
    assert any("outside the project folder" in message for message in said), said
    assert (outside / "precious.txt").read_text() == "keep me\n"


def test_the_users_own_output_may_follow_a_link(home: Path, outside: Path) -> None:
    """`-o` is the user's choice: a link they name is followed (and a new file made)."""
    link = home / "sheet.md"
    link.symlink_to(outside / "sheet.md")
    result = choreo("export", home / "scenes" / "corridor.yaml", "-o", link)
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and "corridor" in (outside / "sheet.md").read_text().lower()


def _special_files(folder: Path) -> Iterator[tuple[str, Path]]:
    fifo = folder / "pipe.md"
    os.mkfifo(fifo)
    yield "a pipe", fifo
    sock = folder / "socket.md"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(sock))
    server.close()
    yield "a socket", sock
    device = folder / "null.md"
    try:
        os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 3))  # like /dev/null
    except PermissionError:
        return
    yield "a device", device


def test_output_onto_a_pipe_socket_or_device_is_refused(home: Path, tmp_path: Path) -> None:
    scene = home / "scenes" / "corridor.yaml"
    link = tmp_path / "link.md"
    for kind, special in _special_files(tmp_path):
        before = os.lstat(special)
        link.unlink(missing_ok=True)
        link.symlink_to(special)  # through the user's own link: still refused
        for out in (special, link):
            assert_one_line_error(choreo("export", scene, "-o", out), "device, pipe or socket")
            after = os.lstat(special)
            assert (after.st_ino, after.st_mode) == (before.st_ino, before.st_mode), kind
    copy = tmp_path / "pipe.musicxml"
    os.mkfifo(copy)
    assert_one_line_error(choreo("sync", scene, "-o", copy), "device, pipe or socket")
    assert stat.S_ISFIFO(os.lstat(copy).st_mode)
    assert "synced:" not in scene.read_text()  # the scene was not saved either


@pytest.mark.parametrize("command", ["new", "export", "sync"])
def test_a_name_too_long_for_the_file_system_is_one_line(home: Path, command: str) -> None:
    long = "x" * 300
    scene = home / "scenes" / "corridor.yaml"
    args = {
        "new": ("new", home / "scenes" / f"{long}.yaml", "--title", "Too long"),
        "export": ("export", scene, "-o", home / f"{long}.md"),
        "sync": ("sync", scene, "-o", home / f"{long}.musicxml"),
    }[command]
    before = _files(home)
    assert_one_line_error(choreo(*args), "bytes, more than the 255 the file system allows")
    assert _files(home) == before


def test_a_name_at_the_limit_saves_with_its_backup(tmp_path: Path) -> None:
    """Temp files carry a shortened name, so a 255-byte export still fits."""
    scene = write_scene(tmp_path / "scenes")
    out = tmp_path / ("y" * 252 + ".md")
    for _ in range(2):
        result = choreo("export", scene, "-o", out)
        assert result.returncode == 0, result.stderr
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


# -- no lost update ----------------------------------------------------------------------


def test_processes_saving_one_version_at_once_never_both_win(tmp_path: Path) -> None:
    scene = write_scene(tmp_path / "scenes")
    racers = [
        subprocess.Popen(
            [sys.executable, str(HELPERS / "save_race.py"), str(scene)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        for _ in range(3)
    ]

    def ask(racer: subprocess.Popen[str], command: str) -> None:
        assert racer.stdin is not None
        racer.stdin.write(command + "\n")
        racer.stdin.flush()

    def answer(racer: subprocess.Popen[str]) -> str:
        assert racer.stdout is not None
        return racer.stdout.readline().strip()

    outcomes: dict[str, int] = {"saved": 0, "conflict": 0, "locked": 0}
    try:
        for round_number in range(20):
            for racer in racers:
                ask(racer, "load")
            assert [answer(racer) for racer in racers] == ["loaded"] * 3
            for index, racer in enumerate(racers):
                ask(racer, f"save round {round_number} racer {index}")
            said = [answer(racer) for racer in racers]
            assert said.count("saved") == 1, f"round {round_number}: {said}"
            winner = said.index("saved")
            title = read_scene(scene).scene.title
            assert title == f"round {round_number} racer {winner}"
            for word in said:
                outcomes[word] += 1
    finally:
        for racer in racers:
            if racer.stdin:
                racer.stdin.close()
            racer.wait(timeout=60)
            if racer.stdout:
                racer.stdout.close()
    print(f"\nsave race: 20 rounds of 3 processes: {outcomes}")


def test_two_new_scenes_of_one_name_at_once_one_wins(tmp_path: Path) -> None:
    scenes = tmp_path / "scenes"
    commands = [
        subprocess.Popen(
            [sys.executable, "-m", "choreo", "new", str(scenes / "duel.yaml"), "--title", title],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for title in ("First", "Second")
    ]
    results = [(c.wait(timeout=120), c.communicate()[1]) for c in commands]
    assert sorted(code for code, _ in results) == [0, 2], results
    loser = next(said for code, said in results if code == 2)
    assert "already exists" in loser
    winner = ("First", "Second")[[code for code, _ in results].index(0)]
    assert read_scene(scenes / "duel.yaml").scene.title == winner


@pytest.fixture
def held(home: Path) -> Iterator[subprocess.Popen[str]]:
    """The corridor scene open in another choreo (a process holding its lock)."""
    process = subprocess.Popen(
        [sys.executable, str(HELPERS / "lock_probe.py"), str(home / "scenes" / "corridor.yaml"),
         "--hold"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        env={**os.environ, "CHOREO_STATE_DIR": str(home / "their-state")},
    )  # fmt: skip
    assert process.stdout is not None and process.stdout.readline().startswith("locked")
    yield process
    process.kill()
    process.wait(timeout=60)
    for stream in (process.stdin, process.stdout):
        if stream is not None:
            stream.close()


def test_sync_of_a_scene_open_elsewhere_writes_nothing_by_any_name(
    home: Path, tmp_path: Path, held: subprocess.Popen[str]
) -> None:
    """The lock is on the file: a hard link elsewhere, and another state folder, meet it."""
    linked = tmp_path / "elsewhere" / "scenes" / "corridor.yaml"
    linked.parent.mkdir(parents=True)
    os.link(home / "scenes" / "corridor.yaml", linked)
    (tmp_path / "elsewhere" / "scores").mkdir()
    os.link(
        home / "scores" / "corridor.musicxml",
        tmp_path / "elsewhere" / "scores" / "corridor.musicxml",
    )
    before = _files(home)
    for scene in (home / "scenes" / "corridor.yaml", linked):
        assert_one_line_error(choreo("sync", scene), "open in another choreo")
        assert not (tmp_path / "elsewhere" / "scores" / COPY).exists()
    assert _files(home) == before


def test_sync_writes_no_score_copy_when_the_scene_save_cannot_be_sure(home: Path) -> None:
    """The scene changed since it was read: the sync refuses, and no score copy appears."""
    scene = home / "scenes" / "corridor.yaml"
    loaded = read_scene(scene)
    scene.write_text(scene.read_text().replace("title: A dimly", "title: Someone's dimly"))
    with pytest.raises(ConflictError):
        push(loaded)
    assert not (home / "scores" / COPY).exists()


@pytest.mark.parametrize("earlier", [b"<an earlier copy/>", None])
def test_a_scene_save_failing_at_its_last_step_puts_the_score_copy_back(
    home: Path, monkeypatch: pytest.MonkeyPatch, earlier: bytes | None
) -> None:
    """The rename of the scene is all that is left once its save is sure; should even
    that fail (an I/O error, injected here), the score copy is as it was before."""
    copy = home / "scores" / COPY
    if earlier is not None:
        copy.write_bytes(earlier)
    scene = home / "scenes" / "corridor.yaml"
    before = scene.read_bytes()

    def failing(self: PendingSave) -> SceneFile:
        raise SaveError("could not save: Input/output error", where=self.target)

    monkeypatch.setattr(PendingSave, "commit", failing)
    with pytest.raises(SaveError):
        push(read_scene(scene))
    assert (copy.read_bytes() if copy.exists() else None) == earlier
    assert scene.read_bytes() == before


def test_the_editors_save_moves_its_lock_and_refuses_a_stale_version(tmp_path: Path) -> None:
    """The editor's plain save function: it keeps its lock across saves, and a second
    save from the version it had before is refused."""
    from choreo.store import save_scene

    path = write_scene(tmp_path / "scenes")
    with SceneLock.acquire(path) as lock:
        first = read_scene(path)
        saved = save_scene(first, first.scene.model_copy(update={"title": "One"}), lock=lock)
        with pytest.raises(ConflictError):
            save_scene(first, first.scene.model_copy(update={"title": "Two"}), lock=lock)
        save_scene(saved, saved.scene.model_copy(update={"title": "Three"}), lock=lock)
        done = subprocess.run(
            [sys.executable, str(HELPERS / "lock_probe.py"), str(path)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 3  # still locked against other processes
    assert read_scene(path).scene.title == "Three"


# -- files the crew can open --------------------------------------------------------------


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("mask", [0o022, 0o077])
def test_everything_choreo_makes_gets_the_users_umask(home: Path, mask: int) -> None:
    def run(*args: object) -> None:
        done = subprocess.run(
            [sys.executable, "-m", "choreo", *map(str, args)],
            capture_output=True,
            text=True,
            timeout=300,
            preexec_fn=lambda: os.umask(mask),
        )
        assert done.returncode == 0, done.stderr

    expected = 0o666 & ~mask
    fresh = home / "fresh"
    fresh.mkdir()
    run("new", fresh / "scenes" / "ambush.yaml", "--title", "Ambush")  # scenes/ made too
    assert _mode(fresh / "scenes" / "ambush.yaml") == expected
    run("export", home / "scenes" / "corridor.yaml", "-o", home / "sheet.md")
    assert _mode(home / "sheet.md") == expected
    run("sync", home / "scenes" / "corridor.yaml")
    assert _mode(home / "scores" / COPY) == expected
    assert _mode(home / "scenes" / "corridor.yaml") == 0o644  # kept: the file's own mode
    assert _mode(home / "scenes" / "corridor.yaml~") == 0o644


def test_a_save_keeps_the_files_mode_and_private_state_stays_private(tmp_path: Path) -> None:
    path = write_scene(tmp_path / "scenes")
    path.chmod(0o664)
    from choreo.store import save_scene

    loaded = read_scene(path)
    save_scene(loaded, loaded.scene.model_copy(update={"title": "Kept"}))
    assert _mode(path) == 0o664
    old = os.umask(0o022)
    try:
        write_journal(path, PLAIN_SCENE, "0" * 64)
    finally:
        os.umask(old)
    assert _mode(journal_path(path)) == 0o600


def test_new_without_a_scenes_folder_makes_one_but_not_any_folder(tmp_path: Path) -> None:
    result = choreo("new", tmp_path / "scenes" / "duel.yaml", "--title", "Duel")
    assert result.returncode == 0, result.stderr
    assert read_scene(tmp_path / "scenes" / "duel.yaml").scene.title == "Duel"
    assert_one_line_error(
        choreo("new", tmp_path / "typo" / "duel.yaml", "--title", "Duel"), "no such folder"
    )
    assert not (tmp_path / "typo").exists()
