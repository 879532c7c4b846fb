"""The wheel ships the demo: built from this checkout, installed (not editable) into a
fresh venv, and ``choreo`` run in an empty folder in a real terminal (tmux).

The install is offline and honest about what it tests: ``pip install --no-deps
--no-index`` of the built wheel into a new venv whose only other packages are the
project venv's dependencies, seen through a ``.pth`` line (the registry is not asked
again for music21 and Textual). The test checks that ``choreo`` there is the wheel's,
not this checkout's.
"""

from __future__ import annotations

import os
import shlex
import shutil
import site
import subprocess
import sys
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.test_tui_tmux import Terminal, _without_size

REPO = Path(__file__).resolve().parent.parent
DEMO = sorted(
    p.relative_to(REPO).as_posix()
    for folder in ("scenes", "scores")
    for p in (REPO / folder).iterdir()
    if p.is_file()
)

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel ``pip install .`` builds, built offline (hatchling from the test extras)."""
    pytest.importorskip("hatchling")
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-index",
         "--no-build-isolation", "-w", str(dist), str(REPO)],
        check=True, capture_output=True,
    )  # fmt: skip
    (built,) = dist.glob("choreo-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the wheel installed in it; its bin/ folder."""
    venv = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    own = subprocess.run(
        [python, "-c", "import site; print(site.getsitepackages()[0])"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    # The dependencies, from the project venv: its folder on the path, after the venv's own.
    (Path(own) / "choreo-test-dependencies.pth").write_text("\n".join(site.getsitepackages()))
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps",
         "--no-index", str(wheel)],
        check=True, capture_output=True,
    )  # fmt: skip
    where = subprocess.run(
        [python, "-c", "import choreo; print(choreo.__file__)"],
        check=True, capture_output=True, text=True, cwd=venv,
    ).stdout.strip()  # fmt: skip
    assert Path(where).is_relative_to(venv), where  # the wheel's choreo, not the checkout's
    return venv / "bin"


def installed_demo(installed: Path) -> Path:
    return next((installed.parent / "lib").glob("python*/site-packages/choreo/demo"))


def test_the_wheel_holds_the_demo_project(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {f"choreo/demo/{name}" for name in DEMO} <= names
    assert "choreo/serve_page/app_index.html" in names


def test_the_installed_demo_refuses_writes_but_not_the_users_own_output(
    installed: Path, tmp_path: Path
) -> None:
    scene = installed_demo(installed) / "scenes" / "corridor.yaml"
    before = scene.read_bytes()
    synced = subprocess.run(
        [installed / "choreo", "sync", scene], capture_output=True, text=True, cwd=tmp_path
    )
    assert synced.returncode == 2
    assert "the demo that comes with choreo is read-only" in synced.stderr
    assert len(synced.stderr.splitlines()) == 1
    assert scene.read_bytes() == before
    assert not list(scene.parent.parent.glob("scores/*.choreo.musicxml"))
    exported = subprocess.run(
        [installed / "choreo", "export", scene, "-o", tmp_path / "sheet.md"],
        capture_output=True, text=True, cwd=tmp_path,
    )  # fmt: skip
    assert exported.returncode == 0, exported.stderr
    assert (tmp_path / "sheet.md").read_text().startswith("#")


@pytest.fixture
def empty_folder_terminal(installed: Path, tmp_path: Path) -> Iterator[tuple[Terminal, Path]]:
    """The installed ``choreo`` in an empty folder, in a detached tmux session."""
    folder = tmp_path / "rehearsal"
    folder.mkdir()
    name = f"choreo-wheel-{uuid.uuid4().hex[:8]}"
    environment = {
        "CHOREO_STATE_DIR": str(tmp_path / "state"),
        "CHOREO_CACHE_DIR": str(tmp_path / "cache"),
        "TERM": "xterm-256color",
    }
    exports = " ".join(f"{key}={shlex.quote(value)}" for key, value in environment.items())
    socket = tmp_path / "tmux.sock"
    subprocess.run(
        ["tmux", "-S", str(socket), "-f", "/dev/null", "new-session", "-d", "-s", name,
         "-x", "120", "-y", "36", "-c", str(folder),
         f"env {exports} {shlex.quote(str(installed / 'choreo'))}"],
        check=True, env=_without_size({**os.environ, **environment}),
    )  # fmt: skip
    session = Terminal(name, socket)
    try:
        yield session, folder
    finally:
        session.tmux("kill-server")


def test_choreo_in_an_empty_folder_opens_the_demo_read_only_and_copies_it(
    empty_folder_terminal: tuple[Terminal, Path], installed: Path
) -> None:
    terminal, folder = empty_folder_terminal
    demo_scene = installed_demo(installed) / "scenes" / "corridor.yaml"
    before = demo_scene.read_bytes()

    def header() -> str:
        return terminal.screen().splitlines()[0]

    terminal.wait_for_text("the demo that comes with choreo is read-only")
    terminal.wait_for_text("corridor.yaml")
    assert "Copy here" in terminal.screen()

    terminal.keys("Enter")  # the first scene opens, marked read-only, and says so
    terminal.wait_for(
        lambda: "corridor.yaml" in header() and "read-only" in header(),
        "the header's read-only mark",
    )
    terminal.wait_for_text("Read-only")  # the notice's title
    terminal.keys("d", "C-s")  # an edit, and a save the store refuses, saying why
    terminal.wait_for_text("Not saved")
    assert demo_scene.read_bytes() == before
    terminal.keys("C-z", "Escape")  # undone, so nothing is left to ask about: the list
    terminal.wait_for_text("Copy here")
    assert not any(folder.iterdir())

    terminal.keys("c")
    terminal.wait_for_text(f"scenes in {folder / 'scenes'}")
    copied = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    assert copied == DEMO
    terminal.keys("Enter")
    terminal.wait_for_text("score: corridor.musicxml")  # the copy's editor is up
    terminal.keys("C-e")  # the copy is the user's: ctrl+e writes next to it
    terminal.wait_for(lambda: (folder / "scenes" / "corridor.md").exists(), "the exported sheet")
    # The header has no read-only mark (the demo's earlier notices may still be fading).
    terminal.wait_for_text("corridor.yaml")
    assert "corridor.yaml" in header() and "read-only" not in header()
