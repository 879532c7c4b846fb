"""The real command line in a subprocess, as a user runs it, and its one-line errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def choreo(
    *args: str | Path, cwd: Path | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """``choreo ARGS`` with this Python's choreo; no stdin, so nothing waits on a question."""
    return subprocess.run(
        [sys.executable, "-m", "choreo", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=timeout,
        check=False,
        stdin=subprocess.DEVNULL,
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str], *words: str) -> None:
    """Exit 2, one ``error: ...`` line on stderr naming ``words``, nothing on stdout."""
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    for word in words:
        assert word in lines[0]
    assert result.stdout == ""
