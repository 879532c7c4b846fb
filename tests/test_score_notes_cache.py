"""choreo's JSON cache of score notes: a second read starts no music21, and an entry that
is corrupt, implausible or another user's is a miss, never a crash."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from choreo.score import cache, score_hash
from choreo.score.notes import ScoreNotes, load_score_notes

SCORES = Path(__file__).resolve().parent.parent / "scores"


@dataclass(frozen=True)
class Read:
    score: Path
    notes: ScoreNotes  # as music21 read them
    entry: Path  # the cache entry that read left
    data: dict[str, Any]  # the entry as written


@pytest.fixture(scope="module")
def read(tmp_path_factory: pytest.TempPathFactory) -> Read:
    folder = tmp_path_factory.mktemp("notes-cache")
    score = folder / "waltz.musicxml"
    shutil.copyfile(SCORES / "studio-waltz.musicxml", score)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("CHOREO_CACHE_DIR", str(folder / "cache"))
        notes = load_score_notes(str(score))
    [entry] = (folder / "cache" / "score-notes").glob("*.json")
    return Read(score, notes, entry, json.loads(entry.read_text()))


@pytest.fixture
def cached(read: Read, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh cache holding the read's entry; the entry's path."""
    monkeypatch.setenv("CHOREO_CACHE_DIR", str(tmp_path / "cache"))
    entry = cache.notes_folder() / read.entry.name
    entry.parent.mkdir(parents=True, mode=0o700)
    shutil.copyfile(read.entry, entry)
    return entry


def test_the_second_read_is_the_cached_one(
    read: Read, cached: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert read.notes.notes
    monkeypatch.setenv("CHOREO_PARSE_MB", "1")  # any read by music21 would now be refused
    assert load_score_notes(str(read.score)) == read.notes


def _note(data: dict[str, Any], **values: object) -> dict[str, Any]:
    notes = data["notes"]
    first = {**notes["notes"][0], **values}
    return {**data, "notes": {**notes, "notes": [first, *notes["notes"][1:]]}}


SPOILS: dict[str, Callable[[dict[str, Any]], str]] = {
    "corrupt": lambda data: "not json {",
    "other key": lambda data: json.dumps({**data, "key": "another"}),
    "program": lambda data: json.dumps({**data, "notes": {"notes": [], "programs": [300]}}),
    "pitch": lambda data: json.dumps(_note(data, pitch=200)),
    "length": lambda data: json.dumps(_note(data, quarters=0)),
    "offset": lambda data: json.dumps(_note(data, offset=float("nan"))),
    "velocity": lambda data: json.dumps(_note(data, velocity=True)),
    "bar": lambda data: json.dumps(_note(data, bar=12)),
    "deep": lambda data: "[" * 100_000 + "]" * 100_000,
}


@pytest.mark.parametrize("spoil", SPOILS.values(), ids=SPOILS.keys())
def test_a_spoiled_entry_is_a_miss(
    read: Read, cached: Path, spoil: Callable[[dict[str, Any]], str]
) -> None:
    assert cache.load_cached_notes(score_hash(read.score), "musicxml") == read.notes
    cached.write_text(spoil(read.data), encoding="utf-8")
    assert cache.load_cached_notes(score_hash(read.score), "musicxml") is None


def test_a_spoiled_entry_is_read_again_and_rewritten(read: Read, cached: Path) -> None:
    cached.write_text(json.dumps(_note(read.data, pitch=-1)), encoding="utf-8")
    assert load_score_notes(str(read.score)) == read.notes
    assert json.loads(cached.read_text()) == read.data


def test_the_key_is_the_content_and_the_versions(
    read: Read, cached: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    content = score_hash(read.score)
    assert cache.load_cached_notes(content, "musicxml") == read.notes
    assert cache.load_cached_notes(content.replace(content[0], "x"), "musicxml") is None
    assert cache.load_cached_notes(content, "abc") is None
    monkeypatch.setattr(cache, "CACHE_VERSION", cache.CACHE_VERSION + 1)
    assert cache.load_cached_notes(content, "musicxml") is None


@pytest.mark.skipif(os.getuid() != 0, reason="giving a folder to another user needs root")
def test_a_folder_another_user_owns_is_never_read(read: Read, cached: Path) -> None:
    planted = _note(read.data, pitch=read.notes.notes[0].pitch + 1)
    cached.write_text(json.dumps(planted), encoding="utf-8")
    os.chown(cached.parent, 4242, 4242)
    assert cache.load_cached_notes(score_hash(read.score), "musicxml") is None
    assert json.loads(cached.read_text()) == planted  # neither read nor replaced
