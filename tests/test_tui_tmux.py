"""The editor run as a person runs it: the real command in a real terminal (tmux), keys
typed one by one, and the file on disk checked afterwards."""

from __future__ import annotations

import difflib
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path

import pytest

from choreo.store import read_scene
from tests.run_cli import choreo

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

REPO = Path(__file__).resolve().parent.parent
SCENE = "opera-house.yaml"


class Terminal:
    """One tmux session of 120×36 running a command, on a tmux server of its own (a shared
    server would impose its windows' size)."""

    def __init__(self, name: str, socket: Path) -> None:
        self.name = name
        self.socket = socket
        # Seconds after each key: a key that acts through a binding (enter, tab) takes a
        # few hops through the app, and letters typed on may overtake it on a busy machine.
        self.pace = 0.15

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
            time.sleep(self.pace)

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-t", self.name, "-l", text, check=True)
        time.sleep(2 * self.pace)

    def wait_for(self, condition: Callable[[], bool], what: str, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(f"waited {timeout}s for {what}; the screen:\n{self.screen()}")
            time.sleep(0.2)

    def wait_for_text(self, text: str, timeout: float = 90) -> None:
        self.wait_for(lambda: text in self.screen(), repr(text), timeout)


@contextmanager
def running(
    project: Path,
    *arguments: str,
    size: tuple[int, int] = (120, 36),
    more_environment: dict[str, str] | None = None,
) -> Iterator[Terminal]:
    """``choreo ARGUMENTS`` in the project folder, in a detached tmux session."""
    name = f"choreo-test-{uuid.uuid4().hex[:8]}"
    environment = {
        "CHOREO_STATE_DIR": str(project / "state"),
        "CHOREO_CACHE_DIR": str(project / "cache"),
        "TERM": "xterm-256color",
        "COLORTERM": "truecolor",
        **(more_environment or {}),
    }
    exports = " ".join(f"{key}={shlex.quote(value)}" for key, value in environment.items())
    words = " ".join(shlex.quote(word) for word in arguments)
    command = f"env {exports} {shlex.quote(sys.executable)} -m choreo {words}"
    socket = project / "tmux.sock"
    subprocess.run(
        ["tmux", "-S", str(socket), "-f", "/dev/null", "new-session", "-d", "-s", name,
         "-x", str(size[0]), "-y", str(size[1]), "-c", str(project), command],
        check=True, env=_without_size({**os.environ, **environment}),
    )  # fmt: skip
    session = Terminal(name, socket)
    try:
        yield session
    finally:
        session.tmux("kill-server")


@pytest.fixture
def terminal(project: Path) -> Iterator[tuple[Terminal, Path]]:
    """``choreo edit`` on a copy of a demo scene."""
    scene = project / "scenes" / SCENE
    if not scene.exists():
        pytest.skip(f"the demo scene {SCENE} is not there")
    with running(project, "edit", str(scene)) as session:
        yield session, scene


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


# The walkthrough's fight: each beat's attacker and partner, then each performer's own
# action as typed (the start of a name; tab takes the first choice the list shows).
Typed = dict[str, dict[str, str]]
FIGHT: list[tuple[str, str, Typed]] = [
    ("tyb", "mer", {"tybalt": {"ballet": "pirou", "combat": "ja"},
                    "mercutio": {"reaction": "flin"}}),
    ("mer", "tyb", {"tybalt": {"combat": "blo"},
                    "mercutio": {"ballet": "sisso", "combat": "cro"}}),
    ("tyb", "mer", {"tybalt": {"ballet": "jet", "combat": "hoo"},
                    "mercutio": {"reaction": "head"}}),
    ("mer", "tyb", {"tybalt": {"reaction": "recoi"},
                    "mercutio": {"ballet": "plie", "combat": "ja"}}),  # plié, accents aside
    ("tyb", "mer", {"tybalt": {"combat": "cro"}, "mercutio": {"combat": "blo"}}),
    ("rom", "tyb", {"romeo": {"ballet": "pirou", "combat": "ja"},
                    "tybalt": {"reaction": "flin"}}),
    ("tyb", "rom", {"romeo": {"combat": "blo"}, "tybalt": {"combat": "hoo"}}),
    ("rom", "tyb", {"romeo": {"ballet": "sisso", "combat": "cro"},
                    "tybalt": {"reaction": "stag"}}),
    ("tyb", "rom", {"romeo": {"reaction": "flin"}, "tybalt": {"combat": "ja"}}),
    ("rom", "tyb", {"romeo": {"ballet": "jet", "combat": "hoo"},
                    "tybalt": {"reaction": "head"}}),
]  # fmt: skip
COMPLETED = {
    "pirou": "pirouette", "ja": "jab", "flin": "flinch", "blo": "block", "sisso": "sissonne",
    "cro": "cross", "jet": "jeté", "hoo": "hook", "head": "head snap", "recoi": "recoil",
    "plie": "plié", "stag": "stagger", "tyb": "tybalt", "mer": "mercutio", "rom": "romeo",
}  # fmt: skip
PARTS = ("ballet", "combat", "reaction")


def row_shows(session: Terminal, row: int, text: str) -> bool:
    """The beat table's row ``row`` (numbered from 1) holds ``text`` (on a screen wide
    enough for every column)."""
    line = re.compile(rf"^│ {row} +\d")
    return any(line.match(shown) and text in shown for shown in session.screen().splitlines())


def test_a_fight_built_from_a_new_scene_with_keys_and_completion_only(project: Path) -> None:
    """Done when (issue 13): a new scene on a corpus score gets a cast with a double, a
    tempo and fps, ten beats with each performer's actions, a nudge and a ripple, all from
    the keyboard; then the scene list, another scene, quit. The files hold exactly that."""
    scenes = project / "scenes"
    shutil.rmtree(scenes)
    scenes.mkdir()
    duel, chase = scenes / "duel.yaml", scenes / "chase.yaml"
    made = [
        choreo("new", duel, "--title", "Duel in the nave", "--score", "corpus:bach/bwv66.6"),
        choreo("new", chase, "--title", "Chase on the stairs"),
    ]
    assert all(result.returncode == 0 for result in made), [r.stderr for r in made]
    # The fight director's own notes in the file, which every save keeps.
    duel.write_text("# The nave duel: rehearsal draft.\n" + duel.read_text(encoding="utf-8"))
    chase_text = chase.read_text(encoding="utf-8")

    with running(project, size=(200, 50)) as session:  # the scene list of ./scenes
        session.pace = 0.4
        session.wait_for_text("Duel in the nave")
        session.keys("Down", "Enter")  # chase.yaml, then duel.yaml
        session.wait_for_text("10 bars")  # the corpus score is read

        session.keys("c")  # no cast yet: the screen opens on a new name
        session.wait_for_text("Cast and props")
        for count, name in enumerate(("Tybalt", "Mercutio", "Romeo", "Kim Lee"), start=1):
            session.type(name)
            session.keys("Enter")
            session.wait_for_text(f"· {count} performer")
        session.keys("Escape")  # back to the list, on Kim Lee
        session.wait_for_text("4 performers")
        session.keys("Enter", "Tab", "Tab")  # Kim Lee's doubles
        session.type("rom")
        session.keys("Tab", "Enter", "Escape")  # Romeo, from the list
        session.keys("Up", "Up", "Up", "Enter", *["Tab"] * 5)  # Tybalt's props
        session.type("sword")
        session.keys("Enter", "Escape", "Down", "Down", "Enter", *["Tab"] * 5)  # Romeo's
        session.type("sw")
        session.keys("Tab")  # the prop Tybalt holds, from the list
        session.type(", dagger")
        session.keys("Enter", "Escape", "Escape")
        session.wait_for(lambda: "Cast and props" not in session.screen(), "the cast to close")

        session.keys("s", *["Tab"] * 6)  # title, location, palette, score, part, recording
        session.wait_for_text("Scene settings")
        session.type("72")
        session.keys("Tab", "Enter")  # fps: its list
        session.wait_for_text("29.97")
        session.keys("Down", "Enter")  # from 24 to 25
        session.wait_for(lambda: re.search(r"fps +25 ", session.screen()) is not None, "fps 25")
        session.keys("Escape")
        session.wait_for(lambda: "Scene settings" not in session.screen(), "settings to close")
        session.wait_for_text("10 bars")  # the score, read again for the new tempo

        for row, (attacker, partner, actions) in enumerate(FIGHT, start=1):
            session.keys("a")  # after the cursor, on the next beat
            session.wait_for_text(f"row {row} ")
            session.keys("Enter", *["Tab"] * 4)  # at, length, ballet, combat: performers
            people = list(actions)
            if row in (1, 6):  # who fights changes; other beats keep the beat before's
                session.type(people[0][:3])
                session.keys("Tab")
                session.type(f", {people[1][:3]}")
                session.keys("Tab")
            for typed in (attacker, partner):
                session.keys("Tab")
                session.type(typed)
                session.keys("Tab")
            session.wait_for_text(f"{people[1]} · ")  # each performer's action slot
            for person in people:
                for part in PARTS:
                    session.keys("Tab")
                    if typed := actions[person].get(part):
                        session.type(typed)
                        session.keys("Tab")  # the first choice of the list
            session.keys("Escape")  # back to the table; the field's edit counts
            last = COMPLETED[list(actions[people[1]].values())[-1]]
            shown = partial(row_shows, session, row, f"{people[1].title()}: {last}")
            session.wait_for(shown, f"row {row}'s moves")

        session.keys(*["Up"] * 5, "]")  # b05 half a beat later
        session.wait_for_text("1:4.5")
        session.keys(*["Down"] * 3, "}")  # b08 and every later beat a beat later
        session.wait_for_text("3:2 ")
        session.keys("C-s")
        session.wait_for(lambda: "beats:" in duel.read_text(encoding="utf-8"), "the save")
        session.keys("Escape")  # the scene list again
        session.wait_for_text("Chase on the stairs")
        session.keys("Up", "Enter")  # the other scene
        session.wait_for_text("chase.yaml ")
        session.wait_for_text("no score")
        session.keys("C-q")
        session.wait_for(lambda: not session.alive(), "choreo to quit", timeout=20)

    text = duel.read_text(encoding="utf-8")
    assert text.startswith("# The nave duel: rehearsal draft.\nid: duel\n"), text
    scene = read_scene(duel).scene
    assert (scene.score.file, scene.score.tempo, scene.score.fps) == ("corpus:bach/bwv66.6", 72, 25)
    assert [(m.id, m.name, m.doubles, m.props) for m in scene.cast] == [
        ("tybalt", "Tybalt", None, ["sword"]),
        ("mercutio", "Mercutio", None, []),
        ("romeo", "Romeo", None, ["sword", "dagger"]),
        ("kim-lee", "Kim Lee", "romeo", []),
    ]
    assert [str(beat.at) for beat in scene.beats] == [
        "0:4", "1:1", "1:2", "1:3", "1:4.5", "2:1", "2:2", "2:4", "3:1", "3:2"
    ]  # fmt: skip
    for beat, (attacker, partner, actions) in zip(scene.beats, FIGHT, strict=True):
        assert beat.performers == list(actions)
        assert (beat.attacker, beat.partner) == (COMPLETED[attacker], COMPLETED[partner])
        assert (beat.ballet, beat.combat) == (None, None)
        written = {
            action.performer: {p: getattr(action, p) for p in PARTS if getattr(action, p)}
            for action in beat.actions
        }
        assert written == {
            person: {part: COMPLETED[typed] for part, typed in parts.items()}
            for person, parts in actions.items()
        }
    assert chase.read_text(encoding="utf-8") == chase_text  # opened, not changed
    checked = choreo("check", scenes)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "0 errors, 0 warnings" in checked.stdout
