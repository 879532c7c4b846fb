"""``choreo serve``: the same editor in a web browser, through textual-serve.

It listens on 127.0.0.1 only: the editor reads and writes files as the user who runs it,
so it is not offered to the network.
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

from choreo.errors import ChoreoError

HOST = "127.0.0.1"


def editor_command(scene: Path | None) -> str:
    """The command each browser session runs: this Python's choreo, on the scene or a picker."""
    command = [sys.executable, "-m", "choreo", "edit"]
    if scene is not None:
        command.append(str(scene.resolve()))
    return shlex.join(command)


def serve(port: int = 8000, scene: Path | None = None) -> None:
    """Serve the editor at http://127.0.0.1:PORT until interrupted."""
    from textual_serve.server import Server

    try:
        Server(editor_command(scene), host=HOST, port=port, title="choreo").serve()
    except OSError as error:  # the port is taken, or below 1024 for a user
        raise ChoreoError(
            f"cannot serve on {HOST}:{port}: {error.strerror or error}",
            hint="choose another port with --port",
        ) from None
