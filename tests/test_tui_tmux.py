"""The editor run as a person runs it: the real command in a real terminal (tmux), keys
typed one by one, and the file on disk checked afterwards."""

from __future__ import annotations

import difflib
import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from choreo.store import read_scene

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

REPO = Path(__file__).resolve().parent.parent
SCENE = "opera-house.yaml"


class Terminal:
    """One tmux session of 120×36 running a command, on a tmux server of its own (a shared
    server would impose its windows' size)."""

    def __init__(self, name: str, socket: Path) -> None:
        self.name = name
        self.socket = socket

    def tmux(self, *args: str, check: bool = False) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["tmux", "-S", str(self.socket), *args], capture_output=True, text=True, check=check
        )

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", self.name).stdout

    def alive(self) -> bool:
        return self.tmux("has-session", "-t", self.name).returncode == 0

    def keys(self, *keys: str) -> None:
        for key in keys:
            self.tmux("send-keys", "-t", self.name, key, check=True)
            time.sleep(0.15)

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-t", self.name, "-l", text, check=True)
        time.sleep(0.3)

    def wait_for(self, condition: Callable[[], bool], what: str, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(f"waited {timeout}s for {what}; the screen:\n{self.screen()}")
            time.sleep(0.2)

    def wait_for_text(self, text: str, timeout: float = 90) -> None:
        self.wait_for(lambda: text in self.screen(), repr(text), timeout)


@pytest.fixture
def terminal(project: Path) -> Iterator[tuple[Terminal, Path]]:
    """``choreo edit`` on a copy of a demo scene, in a detached tmux session."""
    scene = project / "scenes" / SCENE
    if not scene.exists():
        pytest.skip(f"the demo scene {SCENE} is not there")
    name = f"choreo-test-{uuid.uuid4().hex[:8]}"
    environment = {
        "CHOREO_STATE_DIR": str(project / "state"),
        "CHOREO_CACHE_DIR": str(project / "cache"),
        "TERM": "xterm-256color",
        "COLORTERM": "truecolor",
    }
    exports = " ".join(f"{key}={shlex.quote(value)}" for key, value in environment.items())
    command = (
        f"env {exports} {shlex.quote(sys.executable)} -m choreo edit {shlex.quote(str(scene))}"
    )
    socket = project / "tmux.sock"
    subprocess.run(
        ["tmux", "-S", str(socket), "-f", "/dev/null", "new-session", "-d", "-s", name,
         "-x", "120", "-y", "36", "-c", str(project), command],
        check=True, env=_without_size({**os.environ, **environment}),
    )  # fmt: skip
    session = Terminal(name, socket)
    try:
        yield session, scene
    finally:
        session.tmux("kill-server")


def _without_size(environment: dict[str, str]) -> dict[str, str]:
    """COLUMNS and LINES (pytest-xdist sets them) would override the terminal's real size."""
    return {k: v for k, v in environment.items() if k not in {"COLUMNS", "LINES"}}


def test_add_a_beat_set_its_moves_move_it_undo_save_and_quit(
    terminal: tuple[Terminal, Path],
) -> None:
    session, scene = terminal
    original = scene.read_text(encoding="utf-8")
    before = read_scene(scene).scene
    session.wait_for_text(before.title[:30])
    session.wait_for_text("bars")  # the score is read: the header names it

    session.keys("Down")  # the second beat
    session.keys("a")  # a new beat after it
    session.wait_for_text("row 3")  # the form follows the new beat
    session.keys("Enter", "Tab", "Tab")  # into the form, to the ballet field
    session.type("pirouette")
    session.keys("Tab")
    session.type("punch")
    session.keys("Escape")  # back to the table; the field's edit counts
    session.wait_for_text("pirouette")
    session.keys("S-Up")  # move it above the second beat
    session.wait_for_text("row 2")
    session.keys("C-z")  # undo the move
    session.wait_for_text("row 3")
    session.keys("C-s")
    session.wait_for(lambda: scene.read_text(encoding="utf-8") != original, "the save")
    session.keys("C-q")
    session.wait_for(lambda: not session.alive(), "choreo to quit", timeout=20)

    after = scene.read_text(encoding="utf-8")
    changes = [
        line
        for line in difflib.unified_diff(
            original.splitlines(), after.splitlines(), lineterm="", n=0
        )
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    assert changes and all(line.startswith("+") for line in changes), changes  # only added
    saved = read_scene(scene).scene
    assert len(saved.beats) == len(before.beats) + 1
    added = saved.beats[2]
    assert added.id not in {beat.id for beat in before.beats}
    assert (added.ballet, added.combat) == ("pirouette", "punch")
    assert added.performers == before.beats[1].performers
    assert [b.id for b in saved.beats if b is not added] == [b.id for b in before.beats]
    assert "\n".join(line[1:] for line in changes).count("- id:") == 1  # one beat block
