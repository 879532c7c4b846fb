"""choreo's JSON cache of measure maps; music21's pickle cache is never used."""

from __future__ import annotations

import importlib.metadata
import json
import os
import shutil
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from choreo.score import cache, load_measure_map, score_hash

SCORES = Path(__file__).resolve().parent.parent / "scores"


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("CHOREO_CACHE_DIR", str(folder))
    return folder / "measure-maps"


@pytest.fixture
def waltz(tmp_path: Path) -> Path:
    path = tmp_path / "waltz.musicxml"
    shutil.copyfile(SCORES / "studio-waltz.musicxml", path)
    return path


def _entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.json"))


def test_a_second_load_comes_from_the_cache(cache_dir: Path, waltz: Path) -> None:
    first = load_measure_map(str(waltz))
    [entry] = _entries(cache_dir)
    # Mark the entry so that a load that really reads it can be told from a parse.
    data = json.loads(entry.read_text())
    data["map"]["notes"] = ["read from the cache"]
    entry.write_text(json.dumps(data))
    second = load_measure_map(str(waltz))
    assert second.notes == ("read from the cache",)
    assert first.notes == ()
    assert load_measure_map(str(waltz), use_cache=False).notes == ()


def test_the_cached_map_equals_the_parsed_one(cache_dir: Path, waltz: Path) -> None:
    parsed = load_measure_map(str(waltz), performed=True)
    cached = load_measure_map(str(waltz), performed=True)
    assert cached == parsed
    assert cached.measures == parsed.measures and cached.marks == parsed.marks


def test_the_source_is_the_one_asked_for(cache_dir: Path, waltz: Path, tmp_path: Path) -> None:
    load_measure_map(str(waltz))
    again = load_measure_map("waltz.musicxml", base=tmp_path)
    assert again.source == "waltz.musicxml"
    assert len(_entries(cache_dir)) == 1


@pytest.mark.parametrize(
    "garbage", [b"", b"{", b"[1, 2]", b'{"key": "x"}', b"\xff\xfe\x00", b'{"map": {}}']
)
def test_a_corrupt_entry_is_a_miss(cache_dir: Path, waltz: Path, garbage: bytes) -> None:
    good = load_measure_map(str(waltz))
    [entry] = _entries(cache_dir)
    entry.write_bytes(garbage)
    assert load_measure_map(str(waltz)) == good
    assert json.loads(entry.read_text())["map"]["measures"]  # rewritten


def test_an_entry_with_the_right_key_but_broken_map_is_a_miss(cache_dir: Path, waltz: Path) -> None:
    good = load_measure_map(str(waltz))
    [entry] = _entries(cache_dir)
    data = json.loads(entry.read_text())
    data["map"]["measures"][0] = {"number": "1"}
    entry.write_text(json.dumps(data))
    assert load_measure_map(str(waltz)) == good


def test_the_key_covers_content_and_options(cache_dir: Path, waltz: Path) -> None:
    load_measure_map(str(waltz))
    load_measure_map(str(waltz), part=1)
    load_measure_map(str(waltz), part="piano")
    load_measure_map(str(waltz), performed=True)
    slow = load_measure_map(str(waltz), default_tempo=60.0)
    assert len(_entries(cache_dir)) == 5
    assert slow.tempos[0].qpm == 84.0  # the score's own mark wins
    text = waltz.read_bytes().replace(b'tempo="84"', b'tempo="42"')
    waltz.write_bytes(text.replace(b"<per-minute>84<", b"<per-minute>42<"))
    changed = load_measure_map(str(waltz))
    assert changed.tempos[0].qpm == 42.0
    assert len(_entries(cache_dir)) == 6


def test_the_key_includes_music21_and_cache_versions(
    cache_dir: Path, waltz: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = cache.CacheKey(score_hash(waltz), 0, False, 120.0)
    before = key.digest()
    monkeypatch.setattr(cache, "CACHE_VERSION", cache.CACHE_VERSION + 1)
    assert key.digest() != before
    monkeypatch.undo()
    cache.music21_version.cache_clear()
    monkeypatch.setattr(importlib.metadata, "version", lambda name: "0.0.1")
    try:
        assert key.digest() != before
    finally:
        cache.music21_version.cache_clear()


def test_writes_leave_no_temporary_files(cache_dir: Path, waltz: Path) -> None:
    load_measure_map(str(waltz))
    assert [p.name for p in cache_dir.iterdir() if not p.name.endswith(".json")] == []
    assert [p.name for p in cache_dir.iterdir() if p.name.startswith(".tmp")] == []


def test_an_unwritable_cache_is_skipped(
    tmp_path: Path, waltz: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would go")
    monkeypatch.setenv("CHOREO_CACHE_DIR", str(blocker))
    assert len(load_measure_map(str(waltz)).measures) == 32


def test_music21s_pickle_cache_is_neither_read_nor_written(cache_dir: Path, waltz: Path) -> None:
    from music21 import converter, environment

    scratch = environment.Environment().getRootTempDir()
    pickle = converter.PickleFilter(waltz).getPickleFp(scratch, zipType="gz")
    load_measure_map(str(waltz))
    load_measure_map(str(waltz), use_cache=False)
    assert not pickle.exists()


def test_a_performed_read_keeps_the_written_map_too(
    cache_dir: Path, waltz: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sync needs both orders of a performed scene; the score is parsed once for them."""
    from choreo.score import load

    performed = load_measure_map(str(waltz), performed=True)
    written = load_measure_map(str(waltz), use_cache=False)

    def no_second_parse(*_: object, **__: object) -> None:
        raise AssertionError("the score was parsed again")

    monkeypatch.setattr(load, "read_bounded", no_second_parse)
    assert load_measure_map(str(waltz)) == written
    assert load_measure_map(str(waltz), performed=True) == performed


def test_the_map_carries_its_score_hash_read_or_cached(cache_dir: Path, waltz: Path) -> None:
    """Whoever needs the score's hash takes it from the map: the file is hashed once."""
    parsed = load_measure_map(str(waltz), performed=True)
    cached = load_measure_map(str(waltz), performed=True)
    written = load_measure_map(str(waltz))  # kept by the performed read
    assert parsed.content_hash == cached.content_hash == written.content_hash
    assert parsed.content_hash == score_hash(waltz)
    waltz.write_bytes(waltz.read_bytes() + b"\n")
    assert load_measure_map(str(waltz)).content_hash == score_hash(waltz) != parsed.content_hash


def _tamper(entry: Path, change: Callable[[dict[str, Any]], object]) -> None:
    data = json.loads(entry.read_text())
    change(data["map"])
    entry.write_text(json.dumps(data))


@pytest.mark.parametrize(
    "change",
    [
        # A tempo edited without its seconds would shift every timecode after it.
        lambda m: m["tempos"][0].update(qpm=33.0),
        lambda m: m["measures"][3].update(start_seconds=1.5),
        lambda m: m["measures"][3].update(quarter_length=-3.0),
        lambda m: m["measures"][3].update(offset="12"),
        lambda m: m["measures"][3].update(tempo_qpm=float("nan")),
        lambda m: m["measures"][3].update(beat_count=True),
        lambda m: m["measures"][3].update(number=["5"]),
        lambda m: m["measures"].pop(3),
        lambda m: m["measures"].clear(),
        lambda m: m.update(marks=[{"text": 5, "measure": "1", "beat": 1}]),
        lambda m: m.update(order="backwards"),
        lambda m: m.update(measures={"0": 1}),
        # Fingerprints a recut is told by: text, one per bar, numbered as the bars are.
        lambda m: m.update(bars=5),
        lambda m: m.update(bars="not fingerprints"),
        lambda m: m.update(bars=m["bars"].split(" ", 1)[1]),
        lambda m: m.update(bars="7=" + m["bars"]),
    ],
    ids=[
        "tempo-without-seconds", "seconds", "negative-length", "text-offset", "nan-tempo",
        "bool-count", "list-number", "missing-bar", "no-bars", "bad-mark", "bad-order",
        "bars-not-a-list", "prints-not-text", "bad-prints", "print-missing", "print-renumbered",
    ],
)  # fmt: skip
def test_a_bad_entry_is_a_miss_never_a_wrong_timecode(
    cache_dir: Path, waltz: Path, change: Callable[[dict[str, Any]], object]
) -> None:
    parsed = load_measure_map(str(waltz))
    [entry] = _entries(cache_dir)
    _tamper(entry, change)
    assert load_measure_map(str(waltz)) == parsed


def test_an_oversized_entry_is_a_miss(
    cache_dir: Path, waltz: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed = load_measure_map(str(waltz))
    monkeypatch.setattr(cache, "MAX_ENTRY_BYTES", 1000)
    assert load_measure_map(str(waltz)) == parsed
    [entry] = _entries(cache_dir)
    assert entry.stat().st_size > 1000


def test_the_cache_folder_is_private_whatever_the_umask(cache_dir: Path, waltz: Path) -> None:
    old = os.umask(0)
    try:
        load_measure_map(str(waltz))
    finally:
        os.umask(old)
    assert stat.S_IMODE(cache_dir.stat().st_mode) == 0o700
    cache_dir.chmod(0o777)  # made loose by someone: choreo closes it again
    load_measure_map(str(waltz))
    assert stat.S_IMODE(cache_dir.stat().st_mode) == 0o700


@pytest.mark.skipif(os.getuid() != 0, reason="giving a folder to another user needs root")
def test_a_folder_another_user_owns_is_never_read(cache_dir: Path, waltz: Path) -> None:
    parsed = load_measure_map(str(waltz))
    [entry] = _entries(cache_dir)
    _tamper(entry, lambda m: m.update(notes=["planted"]))
    os.chown(cache_dir, 4242, 4242)
    assert load_measure_map(str(waltz)) == parsed
    assert json.loads(entry.read_text())["map"]["notes"] == ["planted"]  # not read, not replaced
