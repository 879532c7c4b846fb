"""SIGKILLs at random moments during saves and syncs, and what must hold after each.

After every kill: the scene is whole (the old version or the new, never torn), its
backup ``NAME~`` is there and whole, the score copy is whole XML, and nothing but the
killed write's own temp files lies beside them. After the next save: no temp file at all.

Used by ``tests/test_safety_kills.py`` (a few dozen kills, in CI) and
``python -m benchmarks kill`` (1,000, by hand).
"""

from __future__ import annotations

import os
import random
import re
import shutil
import signal
import time
import xml.etree.ElementTree as ElementTree
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from choreo.errors import ChoreoError
from choreo.store import BACKUP_SUFFIX, read_scene
from tests.safety_helpers.server import SaveServer
from tests.scene_texts import long_scene_text

REPO = Path(__file__).resolve().parents[2]
TEMPORARY = re.compile(r"^\..+\.tmp$")  # what a killed write may leave: hidden, *.tmp
TITLES = {"A": "first take", "B": "second take"}


@dataclass
class SoakReport:
    mode: str
    kills: int = 0
    writes: int = 0  # writes the killed processes completed between kills
    in_flight: int = 0  # kills that left a temp file (the kill caught a write mid-way)
    seen: Counter[str] = field(default_factory=Counter)  # version on disk after each kill
    seconds: float = 0.0
    write_seconds: float = 0.0

    def summary(self) -> str:
        return (
            f"SIGKILL during {self.mode}s: {self.kills} kills in {self.seconds:.1f} s, "
            f"{self.writes} {self.mode}s completed between them (one takes "
            f"{self.write_seconds * 1000:.1f} ms), {self.in_flight} kills caught a write in "
            f"flight; on disk after the kill: version A {self.seen['A']} times, "
            f"B {self.seen['B']} times, torn 0, backup missing 0; temp files after the "
            "next save 0"
        )


def soak(mode: str, folder: Path, kills: int, *, beats: int = 2000, seed: int = 7) -> SoakReport:
    """Kill ``kills`` writers of ``mode`` (``save`` a scene of ``beats`` beats, or ``sync``
    the demo corridor); an AssertionError on the first thing that does not hold."""
    scene, versions = _project(mode, folder, beats)
    scores = scene.parent.parent / "scores"
    copy = scores / "corridor.choreo.musicxml"
    env = {
        **os.environ,
        "CHOREO_STATE_DIR": str(folder / "state"),
        "CHOREO_CACHE_DIR": str(folder / "cache"),
    }
    report = SoakReport(mode)
    known: dict[bytes, str] = {}
    rng = random.Random(seed)
    started = time.monotonic()
    with SaveServer(mode, scene, versions, folder / "server.log", timeout=60, env=env) as server:
        report.write_seconds = server.mean_save_seconds
        window = 3 * server.mean_save_seconds  # kills land before, during and between writes
        expected = {scene.name, scene.name + BACKUP_SUFFIX}
        expected_scores = {"corridor.musicxml", copy.name} if mode == "sync" else set()
        while report.kills < kills:
            pid = server.go()
            time.sleep(rng.uniform(0, window))
            os.kill(pid, signal.SIGKILL)
            killed, completed = server.reap()
            assert killed, f"the writer ended by itself:\n{server.errors()}"
            report.kills += 1
            report.writes += completed
            at = f"kill {report.kills}"

            report.seen[_version(scene, at, known)] += 1
            _version(scene.with_name(scene.name + BACKUP_SUFFIX), f"{at}, the backup", known)
            if mode == "sync":
                _whole_xml(copy, at)
            left = _leftovers(scene.parent, expected, at)
            if mode == "sync":
                left += _leftovers(scores, expected_scores, at)
            assert len(left) <= 4, f"{at}: more temp files than one write makes: {left}"
            report.in_flight += bool(left)

            server.tidy()
            after = _leftovers(scene.parent, expected, at)
            if mode == "sync":
                after += _leftovers(scores, expected_scores, at)
            assert not after, f"{at}: the next save left temp files {after}"
    report.seconds = time.monotonic() - started
    return report


def _project(mode: str, folder: Path, beats: int) -> tuple[Path, tuple[Path, Path]]:
    """The scene and its two versions' files: the demo corridor (with its score) to sync,
    a long scene to save."""
    scenes = folder / "project" / "scenes"
    scenes.mkdir(parents=True)
    if mode == "sync":
        (folder / "project" / "scores").mkdir()
        shutil.copy(REPO / "scores" / "corridor.musicxml", folder / "project" / "scores")
        text = (REPO / "scenes" / "corridor.yaml").read_text(encoding="utf-8")
        title = next(line for line in text.splitlines() if line.startswith("title: "))
        texts = [text.replace(title, f"title: {TITLES[v]}") for v in "AB"]
    else:
        texts = [
            long_scene_text(beats, take=take).replace(
                "title: The marathon" + (", second take with longer notes" if take == 2 else ""),
                f"title: {TITLES['AB'[take - 1]]}",
            )
            for take in (1, 2)
        ]
    sources = (folder / "a.yaml", folder / "b.yaml")
    for source, text in zip(sources, texts, strict=True):
        assert f"title: {TITLES['AB'[sources.index(source)]]}" in text
        source.write_text(text, encoding="utf-8")
    scene = scenes / ("corridor.yaml" if mode == "sync" else "marathon.yaml")
    scene.write_text(texts[0], encoding="utf-8")
    return scene, sources


def _version(path: Path, at: str, known: dict[bytes, str]) -> str:
    """Which version the file holds; an AssertionError when it is missing or torn.

    ``known`` remembers the texts already read whole, so a 2,000-beat scene is parsed once.
    """
    assert path.exists(), f"{at}: {path.name} is missing"
    data = path.read_bytes()
    if data in known:
        return known[data]
    try:
        title = read_scene(path).scene.title
    except ChoreoError as error:
        raise AssertionError(f"{at}: {path.name} is torn: {error}") from None
    names = {text: name for name, text in TITLES.items()}
    assert title in names, f"{at}: {path.name} holds neither version ({title!r})"
    known[data] = names[title]
    return names[title]


def _whole_xml(path: Path, at: str) -> None:
    assert path.exists(), f"{at}: the score copy is missing"
    try:
        ElementTree.parse(path)
    except ElementTree.ParseError as error:
        raise AssertionError(f"{at}: the score copy is torn: {error}") from None


def _leftovers(folder: Path, expected: set[str], at: str) -> list[str]:
    """Temp files in ``folder``; an AssertionError for anything else unexpected."""
    names = {entry.name for entry in folder.iterdir()}
    left = sorted(name for name in names - expected if TEMPORARY.match(name))
    stray = names - expected - set(left)
    assert not stray, f"{at}: stray files {stray}"
    return left
