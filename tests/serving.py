"""``choreo serve`` in a subprocess, for tests that talk to it as a browser would."""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from choreo.serve_guard import cookie_name


@dataclass
class Served:
    port: int
    token: str
    at: str = "127.0.0.1"  # the address the tests open
    printed: list[str] = field(default_factory=list)  # every address it printed

    @property
    def origin(self) -> str:
        return f"http://{self.at}:{self.port}"

    @property
    def cookie(self) -> str:
        return f"{cookie_name(self.port)}={self.token}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serving(cwd: Path, log: Path, *args: str) -> Iterator[Served]:
    """``choreo serve --port P ARGS`` in ``cwd`` until the block ends (with ctrl+c)."""
    port = free_port()
    errors = log.open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "choreo", "serve", "--port", str(port), *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=errors,
        text=True,
    )
    assert process.stdout is not None
    try:
        printed: list[str] = []
        for line in process.stdout:
            printed += re.findall(rf"http://\S+:{port}/\?token=\S+", line)
            if "(ctrl+c stops)" in line:
                break
        else:
            pytest.fail(f"choreo serve printed no address: {log.read_text()}")
        token = printed[0].rsplit("=", 1)[1]
        yield Served(port, token, printed=printed)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()
        errors.close()
