"""Saves never lose a scene: not to SIGKILL, a full disk, a read-only folder or a second editor.

Everything here is real: real processes killed with SIGKILL, real files, a real tmpfs
filled up (when the test may mount one).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from choreo.errors import ChoreoError, ConflictError, SaveError
from choreo.model import Scene
from choreo.store import BACKUP_SUFFIX, SceneFile, atomic_write, read_scene, save_scene
from tests.scene_texts import PLAIN_SCENE, write_scene


def _temporaries(folder: Path, name: str) -> set[str]:
    """Files a killed write may leave: ``.NAME.<random>.tmp``, hidden and not ``*.yaml``."""
    pattern = re.compile(rf"^\.{re.escape(name)}~?\..+\.tmp$")
    return {entry.name for entry in folder.iterdir() if pattern.match(entry.name)}


def test_choreo_ignores_what_a_killed_save_leaves_behind(tmp_path: Path) -> None:
    """A leftover ``.NAME.xyz.tmp`` (half a scene) and ``NAME~`` are not scenes to check."""
    folder = tmp_path / "scenes"
    folder.mkdir()
    scene = write_scene(folder)
    (folder / f".{scene.name}.k3x9q.tmp").write_text(PLAIN_SCENE[:100], encoding="utf-8")
    (folder / f"{scene.name}{BACKUP_SUFFIX}").write_text("not: [a scene", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "choreo", "check", str(folder), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode in (0, 1), result.stderr
    assert ".tmp" not in result.stdout and BACKUP_SUFFIX not in result.stdout
    assert "Traceback" not in result.stderr


# -- saves that cannot complete ---------------------------------------------------------


def _assert_untouched(path: Path, before: bytes) -> None:
    assert path.read_bytes() == before
    assert not _temporaries(path.parent, path.name), "a failed save left its temp file"


def _edited(path: Path) -> tuple[SceneFile, Scene]:
    loaded = read_scene(path)
    scene = loaded.scene.model_copy(deep=True)
    scene.title = "Rooftop at dusk"
    return loaded, scene


def test_a_read_only_folder_refuses_the_save_and_keeps_the_file(tmp_path: Path) -> None:
    folder = tmp_path / "scenes"
    folder.mkdir()
    path = write_scene(folder)
    before = path.read_bytes()
    loaded, scene = _edited(path)
    folder.chmod(0o555)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("permissions do not bind this user (root); see the read-only mount test")
        with pytest.raises(SaveError) as raised:
            save_scene(loaded, scene)
    finally:
        folder.chmod(0o755)
    assert "unchanged" in str(raised.value) and "\n" not in str(raised.value)
    _assert_untouched(path, before)


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A 64 KB tmpfs of our own, to fill or make read-only; skipped where we cannot mount."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    if shutil.which("mount") is None:
        pytest.skip("no mount command")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k,mode=0755", "tmpfs", str(mount_point)],
        capture_output=True,
        timeout=30,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield mount_point
    finally:
        done = subprocess.run(["umount", str(mount_point)], capture_output=True, timeout=30)
        if done.returncode != 0:  # busy: detach it now, the kernel frees it when idle
            subprocess.run(["umount", "-l", str(mount_point)], capture_output=True, timeout=30)


def test_a_full_disk_refuses_the_save_and_keeps_the_file(tmpfs: Path) -> None:
    path = write_scene(tmpfs)
    before = path.read_bytes()
    loaded, scene = _edited(path)
    scene.beats[0].notes = "x" * 1900
    for index, beat in enumerate(scene.beats):
        beat.safety = f"{index} " + "padding " * 240  # each under the 2,000-character cap
    # Fill the disk but for one page: the scene fits, its larger next version does not.
    filler = tmpfs / "filler"
    with filler.open("wb", buffering=0) as handle, pytest.raises(OSError):
        while True:
            handle.write(b"\0" * 4096)
    filler.write_bytes(b"\0" * (filler.stat().st_size - 4096))
    with pytest.raises(SaveError) as raised:
        save_scene(loaded, scene)
    assert "No space left" in str(raised.value) and "\n" not in str(raised.value)
    _assert_untouched(path, before)
    # Once there is room again, the same save goes through.
    filler.unlink()
    save_scene(loaded, scene)
    assert read_scene(path).scene == scene
    assert path.with_name(path.name + BACKUP_SUFFIX).read_bytes() == before


def test_a_read_only_file_system_refuses_the_save_even_for_root(tmpfs: Path) -> None:
    path = write_scene(tmpfs)
    before = path.read_bytes()
    loaded, scene = _edited(path)
    remount = subprocess.run(
        ["mount", "-o", "remount,ro", str(tmpfs)], capture_output=True, timeout=30
    )
    if remount.returncode != 0:
        pytest.skip(f"cannot remount read-only: {remount.stderr.decode().strip()}")
    try:
        with pytest.raises(SaveError) as raised:
            save_scene(loaded, scene)
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(tmpfs)], capture_output=True)
    assert "Read-only file system" in str(raised.value)
    _assert_untouched(path, before)


def test_a_save_under_a_file_reports_it_and_leaves_that_file_alone(tmp_path: Path) -> None:
    path = write_scene(tmp_path)
    before = path.read_bytes()
    loaded, scene = _edited(path)
    with pytest.raises(ChoreoError) as raised:
        save_scene(loaded, scene, path=path / "inside.yaml")
    assert "Not a directory" in str(raised.value) and "\n" not in str(raised.value)
    _assert_untouched(path, before)


def test_a_save_onto_a_folder_reports_it_and_leaves_no_temp_file(tmp_path: Path) -> None:
    path = write_scene(tmp_path)
    loaded, scene = _edited(path)
    folder = tmp_path / "taken.yaml"
    (folder / "keep").mkdir(parents=True)
    with pytest.raises(ChoreoError) as raised:
        save_scene(loaded, scene, path=folder)
    assert "is a folder" in str(raised.value)
    assert (folder / "keep").is_dir()
    assert not _temporaries(tmp_path, folder.name)


def test_atomic_write_into_a_missing_folder_is_a_save_error(tmp_path: Path) -> None:
    with pytest.raises(SaveError) as raised:
        atomic_write(tmp_path / "no" / "such" / "scene.yaml", b"schema: 1\n")
    assert isinstance(raised.value, ChoreoError) and "\n" not in str(raised.value)


# -- a second editor -------------------------------------------------------------------


def test_a_change_on_disk_since_reading_is_never_overwritten(tmp_path: Path) -> None:
    path = write_scene(tmp_path)
    loaded, scene = _edited(path)
    theirs = PLAIN_SCENE.replace("Rooftop at dawn", "Rooftop at noon").encode("utf-8")
    time.sleep(0.01)
    path.write_bytes(theirs)  # another editor saved meanwhile
    with pytest.raises(ConflictError) as raised:
        save_scene(loaded, scene)
    assert "changed on disk" in str(raised.value) and "\n" not in str(raised.value)
    _assert_untouched(path, theirs)
    assert not path.with_name(path.name + BACKUP_SUFFIX).exists()

    # Saving with force is the user's explicit choice; their version survives as NAME~.
    save_scene(loaded, scene, force=True)
    assert read_scene(path).scene.title == "Rooftop at dusk"
    assert path.with_name(path.name + BACKUP_SUFFIX).read_bytes() == theirs


def test_a_conflict_is_noticed_even_when_size_and_time_match(tmp_path: Path) -> None:
    """The check compares content, not size or modification time."""
    path = write_scene(tmp_path)
    status = path.stat()
    loaded, scene = _edited(path)
    theirs = PLAIN_SCENE.replace("dawn", "dusk").encode("utf-8")
    assert len(theirs) == status.st_size
    path.write_bytes(theirs)
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns))
    with pytest.raises(ConflictError):
        save_scene(loaded, scene)
    _assert_untouched(path, theirs)


def test_saves_keep_the_previous_version_and_the_file_mode(tmp_path: Path) -> None:
    path = write_scene(tmp_path)
    path.chmod(0o640)
    before = path.read_bytes()
    loaded, scene = _edited(path)
    saved = save_scene(loaded, scene)
    assert path.with_name(path.name + BACKUP_SUFFIX).read_bytes() == before
    assert path.stat().st_mode & 0o777 == 0o640
    # The next save from the returned file is no conflict: it knows what it wrote.
    again = saved.scene.model_copy(deep=True)
    again.title = "Rooftop, third take"
    save_scene(saved, again)
    assert read_scene(path).scene.title == "Rooftop, third take"


def test_deleting_every_beat_of_a_commented_scene_saves_a_readable_file(tmp_path: Path) -> None:
    """The comment above the first beat once came out between `beats:` and `[]`."""
    path = write_scene(tmp_path, PLAIN_SCENE.replace("beats:\n", "beats:   # all of them\n"))
    loaded = read_scene(path)
    emptied = loaded.scene.model_copy(deep=True)
    emptied.beats = []
    emptied.cast = []
    save_scene(loaded, emptied)
    assert read_scene(path).scene == emptied
    assert PLAIN_SCENE.splitlines()[0] in path.read_text(encoding="utf-8")  # header kept


def test_a_comment_on_a_list_that_was_already_empty_survives_other_edits(
    tmp_path: Path,
) -> None:
    text = PLAIN_SCENE.replace(
        "    name: Guard 1\n", "    name: Guard 1\n    props: []   # empty-handed\n"
    )
    path = write_scene(tmp_path, text)
    loaded, scene = _edited(path)
    save_scene(loaded, scene)
    assert "    props: []   # empty-handed\n" in path.read_text(encoding="utf-8")


@pytest.mark.parametrize("separator", ["\x85", "\u2028", "\u2029"])
def test_line_separators_in_a_note_survive_a_save(tmp_path: Path, separator: str) -> None:
    """YAML folds a raw NEL or Unicode separator into a space; the save must escape it."""
    path = write_scene(tmp_path)
    loaded = read_scene(path)
    scene = loaded.scene.model_copy(deep=True)
    scene.beats[0].notes = f"first{separator}second"
    scene.title = separator
    save_scene(loaded, scene)
    assert read_scene(path).scene == scene
