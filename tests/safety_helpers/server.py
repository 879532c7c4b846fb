"""Drives ``save_server.py`` from a test: start it, fork writers, kill them, reap them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from types import TracebackType
from typing import IO

SERVER = Path(__file__).with_name("save_server.py")


class SaveServer:
    """A ``save_server.py`` subprocess; use as a context manager."""

    def __init__(
        self,
        mode: str,
        target: Path,
        versions: tuple[Path, Path],
        log: Path,
        timeout: float,
        env: dict[str, str] | None = None,
    ) -> None:
        self.log = log
        self.timeout = timeout
        self._log_handle = log.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, str(SERVER), mode, str(target), *map(str, versions)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log_handle,
            text=True,
            bufsize=1,
            env=env,
        )
        self.mean_save_seconds = float(self._answer("ready")[0])

    def go(self) -> int:
        """Fork a writer; its pid."""
        self._send("go")
        return int(self._answer("pid")[0])

    def reap(self) -> tuple[bool, int]:
        """Wait for the writer: (was it SIGKILLed, how many saves it completed)."""
        self._send("reap")
        word, *rest = self._answer()
        if word == "killed":
            return True, int(rest[0])
        return False, int(rest[-1])

    def tidy(self) -> None:
        """One more write in the server, as the next save after a kill."""
        self._send("tidy")
        self._answer("tidied")

    def _send(self, command: str) -> None:
        stdin = self._pipe(self.process.stdin)
        stdin.write(command + "\n")
        stdin.flush()

    def _answer(self, expected: str | None = None) -> list[str]:
        line = self._pipe(self.process.stdout).readline()
        words = line.split()
        if not words or (expected is not None and words[0] != expected):
            self.process.kill()
            raise AssertionError(f"save server said {line!r}; its log:\n{self.errors()}")
        return words[1:] if expected is not None else words

    def errors(self) -> str:
        self._log_handle.flush()
        return self.log.read_text(errors="replace")

    @staticmethod
    def _pipe(stream: IO[str] | None) -> IO[str]:
        assert stream is not None
        return stream

    def __enter__(self) -> SaveServer:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=self.timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()
        self._log_handle.close()
