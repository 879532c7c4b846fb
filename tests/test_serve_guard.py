"""``choreo serve`` answers only its user: the real server in a subprocess, real clients.

A page on another site (foreign ``Origin``), a DNS-rebinding page (foreign ``Host``) and a
client without the run's token are refused before any editor starts; the user's own page
is served and its websocket runs the editor, up to ``MAX_SESSIONS`` at once.
"""

from __future__ import annotations

import asyncio
import http.client
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiohttp import ClientSession, ClientWebSocketResponse, WSMsgType, WSServerHandshakeError

from choreo.serve import MAX_SESSIONS
from choreo.serve_guard import cookie_name
from tests.serving import Served, serving


@pytest.fixture
def served(project: Path, tmp_path: Path) -> Iterator[Served]:
    """``choreo serve`` on a free port, in a copy of the example project."""
    with serving(project, tmp_path / "serve.log") as server:
        yield server


def get(
    served: Served, path: str, headers: dict[str, str] | None = None
) -> http.client.HTTPResponse:
    """One GET, with exactly these headers (``Host`` included when given)."""
    connection = http.client.HTTPConnection("127.0.0.1", served.port, timeout=20)
    headers = {"Host": f"127.0.0.1:{served.port}", **(headers or {})}
    connection.putrequest("GET", path, skip_host=True)
    for name, value in headers.items():
        connection.putheader(name, value)
    connection.endheaders()
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


async def open_editor(
    session: ClientSession, served: Served, headers: dict[str, str]
) -> ClientWebSocketResponse:
    """A websocket on the editor, proven open by the editor's first output."""
    websocket = await session.ws_connect(
        f"ws://127.0.0.1:{served.port}/ws?width=80&height=24", headers=headers
    )
    message = await websocket.receive(timeout=30)
    assert message.type in (WSMsgType.BINARY, WSMsgType.TEXT), message
    return websocket


async def handshake_status(served: Served, headers: dict[str, str]) -> int:
    async with ClientSession() as session:
        try:
            websocket = await session.ws_connect(
                f"ws://127.0.0.1:{served.port}/ws?width=80&height=24", headers=headers
            )
        except WSServerHandshakeError as refused:
            return refused.status
        await websocket.close()
        return 101


def test_without_the_token_nothing_is_served(served: Served) -> None:
    for path in ("/", "/?token=guess", "/static/js/textual.js", "/download/x"):
        response = get(served, path)
        assert response.status == 403, path
    wrong = {"Cookie": f"{cookie_name(served.port)}=guess", "Origin": served.origin}
    assert asyncio.run(handshake_status(served, wrong)) == 403
    assert asyncio.run(handshake_status(served, {"Origin": served.origin})) == 403


def test_a_foreign_host_is_refused_even_with_the_token(served: Served) -> None:
    for host in (f"evil.example:{served.port}", "127.0.0.1", f"127.0.0.1:{served.port + 1}"):
        response = get(served, f"/?token={served.token}", {"Host": host})
        assert response.status == 403, host
    rebound = {"Host": f"evil.example:{served.port}", "Cookie": served.cookie}
    assert (
        asyncio.run(handshake_status(served, {**rebound, "Origin": "http://evil.example"})) == 403
    )


def test_a_websocket_from_another_origin_is_refused_even_with_the_token(served: Served) -> None:
    for origin in ("http://evil.example", f"http://127.0.0.1:{served.port + 1}", "null"):
        status = asyncio.run(handshake_status(served, {"Cookie": served.cookie, "Origin": origin}))
        assert status == 403, origin
    assert asyncio.run(handshake_status(served, {"Cookie": served.cookie})) == 403  # no Origin


def test_the_users_page_is_served_and_its_websocket_runs_the_editor(served: Served) -> None:
    first = get(served, f"/?token={served.token}&fontsize=14")
    assert first.status == 302
    assert first.headers["Location"] == "/?fontsize=14"  # the token leaves the address bar
    assert served.cookie in first.headers["Set-Cookie"]
    assert "SameSite=Strict" in first.headers["Set-Cookie"]
    via_localhost = get(served, f"/?token={served.token}", {"Host": f"localhost:{served.port}"})
    assert via_localhost.headers["Location"] == "/"  # its page's URLs say localhost too
    assert served.cookie in via_localhost.headers["Set-Cookie"]

    connection = http.client.HTTPConnection("127.0.0.1", served.port, timeout=20)
    connection.request("GET", "/?fontsize=14", headers={"Cookie": served.cookie})
    page = connection.getresponse().read().decode()
    connection.close()
    assert f'data-session-websocket-url="ws://127.0.0.1:{served.port}/ws"' in page
    assert get(served, "/static/js/textual.js", {"Cookie": served.cookie}).status == 200

    async def run_editor() -> None:
        async with ClientSession() as session:
            headers = {"Cookie": served.cookie, "Origin": served.origin}
            websocket = await open_editor(session, served, headers)
            await websocket.close()

    asyncio.run(run_editor())


def test_editors_beyond_the_cap_are_refused_in_plain_words(served: Served) -> None:
    headers = {"Cookie": served.cookie, "Origin": served.origin}

    async def keep_reading(editor: ClientWebSocketResponse) -> None:
        """Read an open editor's output, as a browser does: the client answers the
        server's heartbeat only while it reads, and an unanswered one closes the editor."""
        async for _ in editor:
            pass

    async def fill_the_server() -> tuple[int, str, int]:
        async with ClientSession() as session:
            editors, readers = [], []
            for _ in range(MAX_SESSIONS):
                editors.append(await open_editor(session, served, headers))
                readers.append(asyncio.create_task(keep_reading(editors[-1])))
            try:
                one_more = await handshake_status(served, headers)
                async with session.get(f"{served.origin}/", headers=headers) as page:
                    return one_more, await page.text(), page.status
            finally:
                for editor in editors:
                    await editor.close()

    one_more, text, status = asyncio.run(fill_the_server())
    assert one_more == 503
    assert status == 503
    assert f"{MAX_SESSIONS} editors are already open" in text


def test_a_taken_port_is_one_error_line_and_no_address(tmp_path: Path) -> None:
    """The address is printed once this server answers with its token, never another's."""
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "choreo", "serve", "--port", str(port)],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 2
    assert "token=" not in result.stdout
    assert result.stderr.startswith(f"error: cannot serve on 127.0.0.1:{port}: ")
    assert len(result.stderr.splitlines()) == 1
