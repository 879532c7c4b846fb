"""The cache of read scenes: a second read of the same bytes skips the YAML reader, and
what it gives is what reading the YAML gives, down to the bytes a save writes."""

from __future__ import annotations

import gc
import json
from pathlib import Path

import pytest

from choreo.errors import SceneError
from choreo.store import merged_text, parse_scene, read_scene, render_scene, save_scene, scene_cache
from tests.conftest import SCENES
from tests.scene_texts import PLAIN_SCENE, long_scene_text, write_scene


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("CHOREO_CACHE_DIR", str(folder))
    return folder / "scenes"


def _entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.json"))


def test_a_second_read_comes_from_the_cache_and_reads_its_tree_when_asked(
    cache_dir: Path, tmp_path: Path
) -> None:
    path = write_scene(tmp_path / "scenes")
    first = read_scene(path)
    assert first.tree is not None
    [entry] = _entries(cache_dir)
    # Mark the entry, so that a read that really uses it can be told from a parse.
    data = json.loads(entry.read_text(encoding="utf-8"))
    data["scene"]["title"] = "From the cache"
    entry.write_text(json.dumps(data), encoding="utf-8")
    second = read_scene(path)
    assert second.scene.title == "From the cache"
    assert second.tree is None  # no YAML read yet
    assert second.document["title"] == "Rooftop at dawn"  # read now, from the text


@pytest.mark.parametrize("scene_path", sorted(SCENES.glob("*.yaml")), ids=lambda p: p.name)
def test_a_cached_read_is_a_full_read(cache_dir: Path, scene_path: Path) -> None:
    data = scene_path.read_bytes()
    full = parse_scene(data, scene_path)
    cached = parse_scene(data, scene_path)
    assert full.tree is not None and cached.tree is None
    assert cached.scene == full.scene
    assert cached.indent == full.indent
    edited = full.scene.model_copy(deep=True)
    edited.title = "Elsewhere"
    edited.beats[0].notes = "changed"
    del edited.beats[-1]
    assert render_scene(cached, edited) == render_scene(full, edited)
    assert merged_text(cached, cached.scene) == data.decode("utf-8")


def test_an_unchanged_save_reads_no_yaml(cache_dir: Path, tmp_path: Path) -> None:
    path = write_scene(tmp_path / "scenes")
    read_scene(path)
    cached = read_scene(path)
    saved = save_scene(cached, cached.scene.model_copy(deep=True))
    assert cached.tree is None and saved.tree is None
    assert path.read_text(encoding="utf-8") == PLAIN_SCENE


def test_a_saved_scene_is_cached_as_a_fresh_read_would_find_it(
    cache_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_scene(tmp_path / "scenes", long_scene_text(40), "long.yaml")
    loaded = read_scene(path)
    edited = loaded.scene.model_copy(deep=True)
    edited.beats[3].notes = "slower here"
    del edited.beats[7]
    save_scene(loaded, edited)
    reopened = read_scene(path)
    assert reopened.tree is None  # remembered by the save
    monkeypatch.setenv("CHOREO_CACHE_DIR", str(tmp_path / "another-cache"))
    fresh = read_scene(path)
    assert fresh.tree is not None
    assert reopened.scene == fresh.scene == edited
    assert reopened.indent == fresh.indent


@pytest.mark.parametrize("damage", ["not json", '{"key": "other"}', "[]", '{"key": 1}'])
def test_a_damaged_entry_is_a_miss(cache_dir: Path, tmp_path: Path, damage: str) -> None:
    path = write_scene(tmp_path / "scenes")
    read_scene(path)
    [entry] = _entries(cache_dir)
    entry.write_text(damage, encoding="utf-8")
    again = read_scene(path)
    assert again.tree is not None and again.scene.title == "Rooftop at dawn"


def test_an_entry_of_another_model_is_a_miss(
    cache_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_scene(tmp_path / "scenes")
    read_scene(path)
    monkeypatch.setattr(scene_cache, "model_fingerprint", lambda: "a changed model")
    assert read_scene(path).tree is not None


def test_refused_files_are_never_cached(cache_dir: Path, tmp_path: Path) -> None:
    path = write_scene(tmp_path / "scenes", PLAIN_SCENE.replace("tempo: 120", "tempo: fast"))
    for _ in range(2):
        with pytest.raises(SceneError, match="tempo"):
            read_scene(path)
    assert _entries(cache_dir) == []


def test_an_unwritable_cache_is_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would go")
    monkeypatch.setenv("CHOREO_CACHE_DIR", str(blocker))
    path = write_scene(tmp_path / "scenes")
    assert read_scene(path).scene.title == read_scene(path).scene.title == "Rooftop at dawn"


def test_the_cache_keeps_the_newest_entries(
    cache_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scene_cache, "ENTRIES_KEPT", 3)
    for number in range(5):
        path = write_scene(tmp_path / "scenes", PLAIN_SCENE.replace("dawn", f"dawn {number}"))
        read_scene(path)
    assert len(_entries(cache_dir)) == 3


def test_entries_are_read_only_from_a_folder_of_the_users_own(
    cache_dir: Path, tmp_path: Path
) -> None:
    path = write_scene(tmp_path / "scenes")
    read_scene(path)
    planted = tmp_path / "planted"
    cache_dir.rename(planted)
    cache_dir.symlink_to(planted)  # someone else's folder, for all choreo can tell
    assert read_scene(path).tree is not None
    cache_dir.unlink()
    planted.rename(cache_dir)
    cache_dir.chmod(0o777)  # ours, but loose: made private again, then trusted
    assert read_scene(path).tree is None
    assert cache_dir.stat().st_mode & 0o777 == 0o700


@pytest.mark.parametrize("enabled", [True, False])
def test_reading_a_tree_leaves_the_cycle_collector_as_it_was(
    cache_dir: Path, tmp_path: Path, enabled: bool
) -> None:
    path = write_scene(tmp_path / "scenes")
    read_scene(path)
    cached = read_scene(path)
    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        assert cached.document["title"] == "Rooftop at dawn"
        assert gc.isenabled() is enabled
    finally:
        gc.enable() if was else gc.disable()
