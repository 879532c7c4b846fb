"""The system programs choreo's sound runs (FluidSynth, eSpeak NG): found on the PATH, or
one line that says what is missing and how to install it."""

from __future__ import annotations

import shutil

from choreo.errors import ChoreoError


def installed(program: str, *, name: str, used_for: str, packages: str) -> str:
    """The path of ``program``; ``name`` and ``used_for`` say what is missing and why."""
    found = shutil.which(program)
    if found is None:
        raise ChoreoError(
            f"{name} is not installed: {used_for}", hint=f"apt-get install {packages}"
        )
    return found
