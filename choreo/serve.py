"""``choreo serve``: the same editor in a web browser, through textual-serve.

The editor reads and writes files as the user who runs it, so the server answers that user
only: it listens on 127.0.0.1, serves nothing without the run's secret token, refuses a
foreign ``Host`` (DNS rebinding) or ``Origin`` (another site's page), and runs at most
``MAX_SESSIONS`` editors at once.
"""

from __future__ import annotations

import secrets
import shlex
import sys
from pathlib import Path

from choreo.errors import ChoreoError

HOST = "127.0.0.1"
MAX_SESSIONS = 4


def editor_command(scene: Path | None) -> str:
    """The command each browser session runs: this Python's choreo, on the scene or a picker."""
    command = [sys.executable, "-m", "choreo", "edit"]
    if scene is not None:
        command.append(str(scene.resolve()))
    return shlex.join(command)


def serve(port: int = 8000, scene: Path | None = None) -> None:
    """Serve the editor at http://127.0.0.1:PORT/?token=… until interrupted."""
    from choreo.serve_guard import guarded_server

    server = guarded_server(editor_command(scene), HOST, port, secrets.token_urlsafe(32))
    try:
        server.serve()
    except OSError as error:  # the port is taken, or below 1024 for a user
        raise ChoreoError(
            f"cannot serve on {HOST}:{port}: {error.strerror or error}",
            hint="choose another port with --port",
        ) from None
