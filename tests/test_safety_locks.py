"""One editor per scene: a lock that another process sees and that dies with its holder.

The lock is on the scene file itself (its identity), so a hard link, a symlink or another
state folder meets the same lock.
"""

from __future__ import annotations

import fcntl
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from choreo.errors import ChoreoError
from choreo.lock import SceneLock, SceneLocked, holder_path
from tests.scene_texts import write_scene

HELPERS = Path(__file__).parent / "safety_helpers"
TIMEOUT = 60


@pytest.fixture
def scene(tmp_path: Path) -> Path:
    (tmp_path / "scenes").mkdir()
    return write_scene(tmp_path / "scenes")


def _probe(scene: Path) -> tuple[int, str]:
    """Try the lock from another process: its exit code and what it said."""
    done = subprocess.run(
        [sys.executable, str(HELPERS / "lock_probe.py"), str(scene)],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert "Traceback" not in done.stderr, done.stderr
    return done.returncode, done.stdout.strip()


@pytest.fixture
def holder(scene: Path, state: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the scene's lock until it is killed."""
    process = subprocess.Popen(
        [sys.executable, str(HELPERS / "lock_probe.py"), str(scene), "--hold"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert process.stdout.readline().split() == ["locked", str(process.pid)]
    try:
        yield process
    finally:
        process.kill()
        process.wait(timeout=TIMEOUT)
        for stream in (process.stdin, process.stdout):
            if stream is not None:
                stream.close()


def test_a_second_editor_is_refused_until_the_first_is_killed(
    scene: Path, holder: subprocess.Popen[str]
) -> None:
    code, said = _probe(scene)
    assert code == 3 and said.startswith("refused ")
    assert f"process {holder.pid} on {socket.gethostname()} since " in said

    with pytest.raises(SceneLocked) as raised:
        SceneLock.acquire(scene)
    assert raised.value.pid == holder.pid and raised.value.host == socket.gethostname()
    assert isinstance(raised.value, ChoreoError) and "\n" not in str(raised.value)
    assert str(raised.value).startswith(f"{scene}: the scene is open in another choreo")

    os.kill(holder.pid, signal.SIGKILL)  # no chance to clean up
    holder.wait(timeout=TIMEOUT)
    assert holder.returncode == -signal.SIGKILL
    code, said = _probe(scene)
    assert code == 0 and said.startswith("locked ")
    with SceneLock.acquire(scene) as lock:
        assert lock.held


def test_the_lock_is_taken_again_after_release_and_the_with_block(scene: Path, state: Path) -> None:
    lock = SceneLock.acquire(scene)
    assert holder_path(scene.stat()).exists()
    assert _probe(scene)[0] == 3
    lock.release()
    lock.release()  # twice is harmless
    assert not lock.held and not holder_path(scene.stat()).exists()
    assert _probe(scene)[0] == 0
    with SceneLock.acquire(scene), pytest.raises(SceneLocked):
        SceneLock.acquire(scene)  # a second editor in this process is refused too
    assert _probe(scene)[0] == 0


def test_who_holds_the_lock_is_said_in_the_private_state_folder(scene: Path, state: Path) -> None:
    status = scene.stat()
    with SceneLock.acquire(scene):
        assert [p.name for p in (state / "locks").iterdir()] == [
            f"{status.st_dev}-{status.st_ino}.json"
        ]
        assert (state / "locks").stat().st_mode & 0o077 == 0  # private to the user
    assert list((state / "locks").iterdir()) == []


def test_one_scene_by_any_name_is_one_lock(
    scene: Path, state: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    link = scene.parent.parent / "link.yaml"
    link.symlink_to(scene)
    monkeypatch.chdir(scene.parent)
    with SceneLock.acquire(Path(scene.name)):
        for other in (scene, link, scene.parent / ".." / "scenes" / scene.name):
            with pytest.raises(SceneLocked):
                SceneLock.acquire(other)


def test_other_scenes_are_not_blocked(scene: Path, state: Path) -> None:
    other = write_scene(scene.parent, name="other.yaml")
    with SceneLock.acquire(scene), SceneLock.acquire(other):
        assert _probe(scene)[0] == 3 and _probe(other)[0] == 3


def test_a_holder_that_wrote_nothing_readable_is_still_named(scene: Path, state: Path) -> None:
    path = holder_path(scene.stat())
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\xff\x00 not json")
    with scene.open("rb") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(SceneLocked) as raised:
            SceneLock.acquire(scene)
    assert raised.value.pid is None
    assert "open in another choreo (another process)" in str(raised.value)


def test_the_lock_needs_no_state_folder(
    scene: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unusable state folder only loses the holder's name from the message."""
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("CHOREO_STATE_DIR", str(blocker))
    with SceneLock.acquire(scene), pytest.raises(SceneLocked) as raised:
        SceneLock.acquire(scene)
    assert "(another process)" in str(raised.value)


def test_a_missing_scene_is_a_clear_error(tmp_path: Path, state: Path) -> None:
    with pytest.raises(ChoreoError) as raised:
        SceneLock.acquire(tmp_path / "gone.yaml")
    assert not isinstance(raised.value, SceneLocked)
    assert "cannot lock the scene: No such file" in str(raised.value)


def test_a_hard_link_and_another_state_folder_meet_the_same_lock(
    scene: Path, tmp_path: Path, holder: subprocess.Popen[str]
) -> None:
    """The lock belongs to the file, not to a name or to one user's state folder."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    linked = elsewhere / "same-scene.yaml"
    os.link(scene, linked)
    other_state = {**os.environ, "CHOREO_STATE_DIR": str(tmp_path / "other-state")}
    for name in (scene, linked):
        done = subprocess.run(
            [sys.executable, str(HELPERS / "lock_probe.py"), str(name)],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            env=other_state,
        )
        assert done.returncode == 3 and done.stdout.startswith("refused "), done
    with pytest.raises(SceneLocked) as raised:
        SceneLock.acquire(linked)
    assert raised.value.pid == holder.pid  # the holder's name, found by the file's identity


def test_a_save_moves_the_lock_onto_the_new_file(scene: Path, state: Path) -> None:
    """A save renames a new file over the scene; the editor's lock goes with it."""
    from choreo.store import read_scene, save_scene

    with SceneLock.acquire(scene) as lock:
        loaded = read_scene(scene)
        before = scene.stat().st_ino
        edited = loaded.scene.model_copy(update={"title": "Moved"})
        save_scene(loaded, edited, lock=lock)
        assert scene.stat().st_ino != before
        assert _probe(scene)[0] == 3
        assert holder_path(scene.stat()).exists()
    assert _probe(scene)[0] == 0


def test_processes_racing_for_the_lock_never_hold_it_together(
    scene: Path, state: Path, tmp_path: Path
) -> None:
    """Release removes the lock file; a racer that opened the old one must not win."""
    marker = tmp_path / "held-by"
    racers = [
        subprocess.Popen(
            [sys.executable, str(HELPERS / "lock_race.py"), str(scene), str(marker), "400"],
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    said = [racer.communicate(timeout=TIMEOUT)[0].split() for racer in racers]
    assert all(words[0] == "ok" for words in said), said
    taken = sum(int(words[1]) for words in said)
    refused = sum(int(words[2]) for words in said)
    print(f"\nlock race: 4 processes, {taken} locks taken, {refused} refused, 0 doubles")
    assert taken > 0 and refused > 0
