"""Start-up stays light: the CLI and the domain core import neither music21 nor Textual
(nor typst, which only a PDF export loads)."""

from __future__ import annotations

import subprocess
import sys

import pytest

LIGHT = [
    "choreo.cli",
    "choreo.model",
    "choreo.timing",
    "choreo.checks",
    "choreo.store",
    "choreo.placement",
    "choreo.custody",
    "choreo.project",
    "choreo.scene_score",
    "choreo.vocabulary",
    "choreo.score",
    "choreo.export",
    "choreo.sync",
]


@pytest.mark.parametrize("module", LIGHT)
def test_importing_does_not_load_music21_textual_or_typst(module: str) -> None:
    code = (
        f"import sys, {module}; "
        "heavy = {'music21', 'textual', 'typst'}; "
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in heavy); "
        "print(heavy)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_help_does_not_import_music21() -> None:
    code = (
        "import sys; sys.argv = ['choreo', '--help']\n"
        "from choreo.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('music21' in sys.modules, 'textual' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip().splitlines()[-1] == "False False"
