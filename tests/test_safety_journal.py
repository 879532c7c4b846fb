"""Unsaved edits survive a crash in a journal; a broken journal never breaks opening."""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import time
from pathlib import Path

import pytest

from choreo.errors import SaveError
from choreo.journal import Journal, clear_journal, journal_path, read_journal, write_journal
from choreo.store import digest_of
from tests.safety_helpers.server import SaveServer
from tests.scene_texts import PLAIN_SCENE, long_scene_text, write_scene

BASE = digest_of(PLAIN_SCENE.encode("utf-8"))


@pytest.fixture
def scene(tmp_path: Path) -> Path:
    return write_scene(tmp_path)


def test_write_read_clear(scene: Path, state: Path) -> None:
    assert read_journal(scene) is None
    edited = PLAIN_SCENE.replace("dawn", "dusk — à l'aube, ☾")
    before = time.time()
    write_journal(scene, edited, BASE)
    journal = read_journal(scene)
    assert isinstance(journal, Journal)
    assert (journal.text, journal.base_digest) == (edited, BASE)
    assert before <= journal.saved_at <= time.time()
    write_journal(scene, PLAIN_SCENE, BASE)  # the next tick replaces it
    assert read_journal(scene) == Journal(PLAIN_SCENE, BASE, journal_saved_at(scene))
    clear_journal(scene)
    assert read_journal(scene) is None
    clear_journal(scene)  # clearing nothing is fine


def journal_saved_at(scene: Path) -> float:
    return float(json.loads(journal_path(scene).read_text())["saved_at"])


def test_the_journal_is_private_in_the_state_folder_and_written_atomically(
    scene: Path, state: Path
) -> None:
    write_journal(scene, PLAIN_SCENE, BASE)
    key = hashlib.sha256(str(scene.resolve()).encode()).hexdigest()
    path = journal_path(scene)
    assert path == state / "journal" / f"{key}.json"
    assert os.listdir(path.parent) == [path.name]  # no temp file, no NAME~ backup
    assert path.stat().st_mode & 0o077 == 0 and path.parent.stat().st_mode & 0o077 == 0


def test_one_scene_by_any_name_has_one_journal(
    scene: Path, state: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(scene.parent)
    write_journal(Path(scene.name), "edited", BASE)
    link = scene.with_name("link.yaml")
    link.symlink_to(scene)
    for name in (scene, link, scene.parent / "." / scene.name):
        journal = read_journal(name)
        assert journal is not None and journal.text == "edited"
    assert read_journal(scene.with_name("other.yaml")) is None


def test_any_text_the_editor_holds_round_trips(scene: Path, state: Path) -> None:
    text = "title: \udcff lone surrogate, \x00 NUL, \u2028 line separator, 🥋\r\n"
    write_journal(scene, text, BASE)
    journal = read_journal(scene)
    assert journal is not None and journal.text == text


CORRUPT: dict[str, bytes] = {
    "empty": b"",
    "garbage": b"\x00\xff\xfe garbage",
    "truncated": b'{"version": 1, "text": "schema: 1\\nid: x',
    "a list": b"[1, 2, 3]",
    "a string": b'"text"',
    "deeply nested": b"[" * 100_000,
    "future version": b'{"version": 2, "text": "x", "base_digest": "d", "saved_at": 1}',
    "no text": b'{"version": 1, "base_digest": "d", "saved_at": 1}',
    "text not a string": b'{"version": 1, "text": 5, "base_digest": "d", "saved_at": 1}',
    "digest not a string": b'{"version": 1, "text": "x", "base_digest": null, "saved_at": 1}',
    "time not a number": b'{"version": 1, "text": "x", "base_digest": "d", "saved_at": "now"}',
    "time is true": b'{"version": 1, "text": "x", "base_digest": "d", "saved_at": true}',
    "time is NaN": b'{"version": 1, "text": "x", "base_digest": "d", "saved_at": NaN}',
    "time is huge": b'{"version": 1, "text": "x", "base_digest": "d", "saved_at": 1e999}',
}


@pytest.mark.parametrize("data", CORRUPT.values(), ids=CORRUPT.keys())
def test_a_corrupt_journal_is_no_journal(scene: Path, state: Path, data: bytes) -> None:
    write_journal(scene, PLAIN_SCENE, BASE)
    path = journal_path(scene)
    if data.startswith(b'{"version": 1') and b'"scene"' not in data:
        data = data.replace(b"{", b'{"scene": %s, ' % json.dumps(str(scene)).encode(), 1)
    path.write_bytes(data)
    assert read_journal(scene) is None


def test_a_journal_for_another_scene_is_no_journal(scene: Path, state: Path) -> None:
    other = write_scene(scene.parent, name="other.yaml")
    write_journal(other, "the other scene's edits", BASE)
    journal_path(other).replace(journal_path(scene))  # as if misfiled
    assert read_journal(scene) is None


def test_an_unreadable_or_huge_journal_is_no_journal(scene: Path, state: Path) -> None:
    write_journal(scene, PLAIN_SCENE, BASE)
    path = journal_path(scene)
    path.unlink()
    path.mkdir()  # a folder where the journal should be
    assert read_journal(scene) is None
    clear_journal(scene)  # cannot remove a folder: still no error
    path.rmdir()
    with path.open("wb") as handle:
        handle.truncate(2**31)  # sparse: 2 GB on paper, nothing on disk
    assert read_journal(scene) is None


def test_a_journal_that_cannot_be_written_is_a_save_error(
    scene: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("CHOREO_STATE_DIR", str(blocker))
    with pytest.raises(SaveError) as raised:
        write_journal(scene, PLAIN_SCENE, BASE)
    assert "\n" not in str(raised.value)
    assert read_journal(scene) is None


def test_sigkill_while_journaling_leaves_a_whole_journal(
    scene: Path, state: Path, tmp_path: Path
) -> None:
    sources = (tmp_path / "a.yaml", tmp_path / "b.yaml")
    texts = [long_scene_text(2000, take=1), long_scene_text(2000, take=2)]
    for source, text in zip(sources, texts, strict=True):
        source.write_text(text, encoding="utf-8")
    rng = random.Random(11)
    kills = interrupted = 0
    with SaveServer("journal", scene, sources, tmp_path / "server.log", timeout=30) as server:
        window = 3 * server.mean_save_seconds
        for kills in range(1, 101):
            pid = server.go()
            time.sleep(rng.uniform(0, window))
            os.kill(pid, signal.SIGKILL)
            assert server.reap()[0], server.errors()
            journal = read_journal(scene)
            assert journal is not None and journal.text in texts, f"kill {kills}"
            leftovers = [n for n in os.listdir(journal_path(scene).parent) if n.endswith(".tmp")]
            assert len(leftovers) <= 1
            if leftovers:
                interrupted += 1
                os.unlink(journal_path(scene).parent / leftovers[0])
    print(f"\nSIGKILL while journaling: {kills} kills, {interrupted} mid-write, 0 torn")
    assert interrupted > 0


async def test_edits_to_the_read_only_demo_are_not_journaled(
    project: Path, state: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The demo installed with choreo (here: a copy where an installation keeps it) cannot
    # be saved, and its copy in the user's folder is another file: a journal of its edits
    # could never be restored, only left in the state folder.
    from choreo import demo
    from tests.test_tui_editor import SIZE, app_on, opened, until

    monkeypatch.setattr(demo, "INSTALLED", project)
    path = project / "scenes" / "corridor.yaml"
    app = app_on(path, journal_seconds=0.02)
    async with app.run_test(size=SIZE) as pilot:
        editor = await opened(pilot)
        assert editor.header.read_only
        await pilot.press("d")  # an edit: a beat deleted
        await until(pilot, lambda: editor.header.dirty)
        started = time.monotonic()
        await until(pilot, lambda: time.monotonic() - started > 0.5)  # many journal ticks
        await until(pilot, lambda: not any(w.is_running for w in app.workers))
        assert editor.header.dirty
    assert read_journal(path) is None
    assert not journal_path(path).exists()
