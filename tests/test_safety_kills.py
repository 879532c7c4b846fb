"""SIGKILL at random moments during saves and syncs: never a torn file, never a missing
backup, and the next save leaves no temp file behind.

Real processes running choreo's real saving and syncing code on real files, killed with
SIGKILL (see ``tests/safety_helpers/kill_soak.py``). CI kills a few dozen writers;
``python -m benchmarks kill`` kills 1,000.
"""

from __future__ import annotations

from pathlib import Path

from tests.safety_helpers.kill_soak import soak


def test_kills_during_saves(tmp_path: Path) -> None:
    report = soak("save", tmp_path, 30, beats=500)
    print(f"\n{report.summary()}")
    # It proves something only if kills landed mid-write and both versions showed.
    assert report.in_flight > 0 and report.seen["A"] > 0 and report.seen["B"] > 0


def test_kills_during_syncs(tmp_path: Path) -> None:
    report = soak("sync", tmp_path, 10)
    print(f"\n{report.summary()}")
    assert report.kills == 10 and report.writes > 0
