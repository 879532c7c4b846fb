"""A slow first parse shows a spinner with the elapsed time, on a terminal only."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from pathlib import Path

SLOW_SCORE = "corpus:weber/concertino_clarinet"  # parses in well over half a second


def run_with_stderr_on_a_terminal(args: list[str], cache: Path) -> tuple[str, str]:
    parent, child = pty.openpty()
    env = {**os.environ, "CHOREO_CACHE_DIR": str(cache)}
    process = subprocess.Popen(
        [sys.executable, "-m", "choreo", *args],
        stdout=subprocess.PIPE, stderr=child, env=env, text=True,
    )  # fmt: skip
    os.close(child)
    out, _ = process.communicate(timeout=120)
    chunks = []
    while True:
        try:
            chunk = os.read(parent, 4096)
        except OSError:  # the terminal closes with the process
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(parent)
    assert process.returncode == 0
    return out, b"".join(chunks).decode("utf-8", "replace")


def test_spinner_on_a_terminal_and_clean_pipes(tmp_path: Path) -> None:
    out, err = run_with_stderr_on_a_terminal(["score", SLOW_SCORE], tmp_path / "cache")
    assert re.search(r"reading corpus:weber/concertino_clarinet +\d+\.\ds", err), err
    assert err.endswith("\r\x1b[K")  # the line is cleared when the parse is done
    assert "reading" not in out and "measures" in out
    piped = subprocess.run(
        [sys.executable, "-m", "choreo", "score", SLOW_SCORE],
        capture_output=True, text=True, check=True,
        env={**os.environ, "CHOREO_CACHE_DIR": str(tmp_path / "cache2")},
    )  # fmt: skip
    assert piped.stderr == ""
