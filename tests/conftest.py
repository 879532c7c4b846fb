"""Shared fixtures: keep the developer's own cache and state out of every test."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SCENES = REPO / "scenes"
SCORES = REPO / "scores"


@pytest.fixture(autouse=True, scope="session")
def _private_dirs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """choreo's cache and state go to temporary folders for the whole run."""
    saved = {k: os.environ.get(k) for k in ("CHOREO_CACHE_DIR", "CHOREO_STATE_DIR")}
    os.environ["CHOREO_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    os.environ["CHOREO_STATE_DIR"] = str(tmp_path_factory.mktemp("state"))
    yield
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the demo project (scenes and scores) to change freely."""
    shutil.copytree(SCENES, tmp_path / "scenes")
    shutil.copytree(SCORES, tmp_path / "scores")
    return tmp_path


@pytest.fixture
def state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh state folder (locks, journals) for one test."""
    folder = tmp_path / "state"
    monkeypatch.setenv("CHOREO_STATE_DIR", str(folder))
    return folder
