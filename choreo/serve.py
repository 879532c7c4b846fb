"""``choreo serve``: the same editor in a web browser, through textual-serve.

The editor reads and writes files as the user who runs it, so the server answers that user
only: by default it listens on 127.0.0.1; it serves nothing without the run's secret token,
refuses a foreign ``Host`` (DNS rebinding) or ``Origin`` (another site's page), and runs at
most ``MAX_SESSIONS`` editors at once. ``--host`` opens it to the room's network, still
only to whoever holds the printed address with its token.
"""

from __future__ import annotations

import ipaddress
import secrets
import shlex
import socket
import sys
from pathlib import Path

from choreo.errors import ChoreoError

HOST = "127.0.0.1"
MAX_SESSIONS = 4
EVERY_ADDRESS = {"0.0.0.0", "::"}  # --host values that listen on every network


def editor_command(scene: Path | None) -> str:
    """The command each browser session runs: this Python's choreo, on the scene or a picker."""
    command = [sys.executable, "-m", "choreo", "edit"]
    if scene is not None:
        command.append(str(scene.resolve()))
    return shlex.join(command)


def is_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def room_addresses() -> list[str]:
    """This machine's IPv4 addresses on the networks it routes to, for devices in the room.

    A UDP socket's ``connect`` only picks the interface a route would use: no packet is
    sent, and no name is looked up (a DNS query would leave the machine)."""
    found: set[str] = set()
    for private in ("10.255.255.255", "172.31.255.255", "192.168.255.255"):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            try:
                probe.connect((private, 1))
            except OSError:  # no route there
                continue
            found.add(str(probe.getsockname()[0]))
    return sorted(a for a in found if not ipaddress.ip_address(a).is_loopback)


def serve(port: int = 8000, scene: Path | None = None, host: str = HOST) -> None:
    """Serve the editor at http://HOST:PORT/?token=… until interrupted."""
    from choreo.serve_guard import guarded_server

    server = guarded_server(editor_command(scene), host, port, secrets.token_urlsafe(32))
    try:
        server.serve()
    except OSError as error:  # the port is taken, below 1024 for a user, or not our address
        raise ChoreoError(
            f"cannot serve on {host}:{port}: {error.strerror or error}",
            hint="choose another port with --port, or an address of this machine with --host",
        ) from None
