"""The audio libraries load only when sound is wanted: not at `choreo --help`, not when
the editor opens a scene, not when choreo's modules are imported."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO

AUDIO = (
    "{'soundfile', 'librosa', 'synctoolbox', 'libfmp', 'pedalboard', 'sounddevice', 'numpy', "
    "'pandas'}"
)
LOADED = f"sorted(m for m in sys.modules if m.split('.')[0] in {AUDIO})"


def _loaded(code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
    )
    return result.stdout.strip().splitlines()[-1]


def test_help_loads_no_audio_library() -> None:
    code = (
        "import sys; sys.argv = ['choreo', '--help']\n"
        "from choreo.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        f"print({LOADED})"
    )
    assert _loaded(code) == "[]"


def test_importing_the_audio_package_loads_no_audio_library() -> None:
    modules = ", ".join(f"choreo.audio.{m}" for m in ("recording", "synth", "align", "scene_align"))
    code = f"import sys, {modules}, choreo.cli\nprint({LOADED})"
    assert _loaded(code) == "[]"


def test_the_editor_opens_a_scene_without_the_audio_libraries() -> None:
    code = f"""
import asyncio, sys
from pathlib import Path
from choreo.tui.app import make_app

async def main():
    app = make_app(Path("scenes/opera-house.yaml"))
    async with app.run_test(size=(120, 36)) as pilot:
        for _ in range(100):  # until the score is read
            await pilot.pause(0.05)
            if getattr(app.screen, "session", None) and app.screen.session.score_known:
                break
        assert app.screen.session.score is not None  # the score was read, not only awaited
        await pilot.press("down")
        await pilot.pause()

asyncio.run(main())
print({LOADED})
"""
    assert _loaded(code) == "[]"
