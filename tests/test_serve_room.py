"""``choreo serve`` in a rehearsal room: the real server in a subprocess, real clients.

The page and everything it loads come from this server (no request leaves the machine);
``--host`` serves the room's network, still only with the token.
"""

from __future__ import annotations

import asyncio
import json
import re
import socket
from collections.abc import Coroutine, Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from aiohttp import ClientSession, ClientWebSocketResponse, CookieJar, WSMsgType

from choreo.serve import room_addresses
from tests.serving import Served, serving

T = TypeVar("T")


@pytest.fixture
def served(project: Path, tmp_path: Path) -> Iterator[Served]:
    with serving(project, tmp_path / "serve.log") as server:
        yield server


class Links(HTMLParser):
    """Every URL a page makes its browser fetch: links, scripts, images, CSS url()."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in {"href", "src", "srcset", "poster", "data"} and value:
                self.urls.append(value)

    def handle_data(self, data: str) -> None:
        self.urls += css_urls(data)


def css_urls(css: str) -> list[str]:
    """url(...) and @import in CSS; ``data:`` URIs fetch nothing."""
    found = re.findall(r"""url\(\s*["']?([^"')]+)["']?\s*\)""", css)
    found += re.findall(r"""@import\s+["']([^"']+)["']""", css)
    return [url for url in found if not url.startswith("data:")]


async def fetch_page_and_assets(served: Served) -> dict[str, int]:
    """Open the page as a browser does, then every URL it and its CSS name: url → status."""
    statuses: dict[str, int] = {}
    # A browser keeps cookies for an address (aiohttp's jar, only when told to).
    async with ClientSession(cookie_jar=CookieJar(unsafe=True)) as session:
        async with session.get(f"{served.origin}/?token={served.token}") as page:
            assert page.status == 200
            html = await page.text()
        links = Links()
        links.feed(html)
        queue = [urljoin(f"{served.origin}/", url) for url in links.urls]
        while queue:
            url = queue.pop()
            if url in statuses:
                continue
            assert urlsplit(url).netloc == f"127.0.0.1:{served.port}", url
            async with session.get(url) as asset:
                statuses[url] = asset.status
                if url.endswith(".css"):
                    queue += [urljoin(url, found) for found in css_urls(await asset.text())]
    return statuses


def test_the_page_loads_nothing_from_off_the_machine(served: Served) -> None:
    statuses = asyncio.run(fetch_page_and_assets(served))
    paths = {urlsplit(url).path for url in statuses}
    assert {
        "/static/css/xterm.css",
        "/static/js/textual.js",
        "/static/images/background.png",
        "/static/fonts/RobotoMono-VariableFont_wght.ttf",
        "/static/fonts/RobotoMono-Italic-VariableFont_wght.ttf",
    } <= paths
    assert set(statuses.values()) == {200}, statuses


ROOM = room_addresses()
needs_a_network = pytest.mark.skipif(not ROOM, reason="this machine has no non-loopback address")


def connects(address: str, port: int) -> bool:
    try:
        socket.create_connection((address, port), timeout=5).close()
    except OSError:
        return False
    return True


@needs_a_network
def test_by_default_the_room_cannot_reach_the_server(served: Served) -> None:
    assert not connects(ROOM[0], served.port)


@needs_a_network
def test_with_host_a_device_in_the_room_edits_with_the_token_only(
    project: Path, tmp_path: Path
) -> None:
    with serving(project, tmp_path / "serve.log", "--host", "0.0.0.0") as served:
        address = ROOM[0]
        assert f"http://{address}:{served.port}/?token={served.token}" in served.printed
        room = f"http://{address}:{served.port}"

        async def visit() -> None:
            async with ClientSession(cookie_jar=CookieJar(unsafe=True)) as session:
                async with session.get(f"{room}/") as without_token:
                    assert without_token.status == 403
                rebound = {"Host": f"evil.example:{served.port}"}
                async with session.get(f"{room}/?token={served.token}", headers=rebound) as page:
                    assert page.status == 403
                async with session.get(f"{room}/?token={served.token}") as page:
                    assert page.status == 200
                    html = await page.text()
                assert f'data-session-websocket-url="ws://{address}:{served.port}/ws"' in html
                foreign = {"Origin": "http://evil.example"}
                async with session.get(f"{room}/", headers=foreign) as refused:
                    assert refused.status == 403
                websocket = await session.ws_connect(
                    f"ws://{address}:{served.port}/ws?width=80&height=24",
                    headers={"Origin": room},
                )
                message = await websocket.receive(timeout=30)  # the editor's first output
                assert isinstance(message.data, bytes), message
                # The connection came from the room's address, not from loopback.
                peer = websocket.get_extra_info("sockname")
                assert peer is not None and peer[0] == address
                await websocket.close()

        asyncio.run(visit())


def test_the_names_a_server_answers_to_follow_where_it_listens() -> None:
    """What a machine without a network can still check: the Host rules per --host."""
    from choreo.serve_guard import names_this_server

    def answers(host_header: str, host: str) -> bool:
        return names_this_server(host_header, host=host, port=8000)

    assert answers("127.0.0.1:8000", "127.0.0.1") and answers("localhost:8000", "127.0.0.1")
    assert not answers("192.0.2.2:8000", "127.0.0.1")
    assert answers("192.0.2.2:8000", "0.0.0.0") and answers("[fe80::1]:8000", "::")
    assert not answers("studio.example:8000", "0.0.0.0")  # a name: a rebinding page's
    assert answers("studio.local:8000", "studio.local")  # the name the user gave
    assert not answers("192.0.2.3:8000", "192.0.2.2")
    for wrong_port in ("192.0.2.2", "192.0.2.2:8001", "192.0.2.2:x"):
        assert not answers(wrong_port, "0.0.0.0")


async def download_started(websocket: ClientWebSocketResponse) -> str:
    """The key of the download the page is told to start (the screen's output goes by)."""
    while True:
        message = await websocket.receive()
        assert message.type in (WSMsgType.BINARY, WSMsgType.TEXT), message
        if isinstance(message.data, str):
            kind, key = json.loads(message.data)
            if kind == "deliver_file_start":
                return str(key)


async def within_minutes(talk: Coroutine[Any, Any, T]) -> T:
    """A browser's talk with the server fails the test after three minutes, never hangs it."""
    return await asyncio.wait_for(talk, timeout=180)


async def export_from_the_browser(served: Served, keys: list[str]) -> tuple[str, bytes]:
    """Open the editor over its websocket, press ``keys`` once it shows, and fetch the
    download the page is told to start: its Content-Disposition and bytes."""
    headers = {"Cookie": served.cookie, "Origin": served.origin}
    async with ClientSession() as session:
        websocket = await session.ws_connect(
            f"ws://127.0.0.1:{served.port}/ws?width=120&height=36", headers=headers
        )
        shown = b""
        # The checks panel has run: the editor is up. (Not the footer: with no browser
        # sending focus, Textual's web driver sometimes never draws it.)
        while b"no problems found" not in shown:
            message = await websocket.receive(timeout=60)
            assert isinstance(message.data, bytes), message
            shown += message.data
        for key in keys:
            await websocket.send_json(["stdin", key])
        key = await asyncio.wait_for(download_started(websocket), timeout=60)
        async with session.get(f"{served.origin}/download/{key}", headers=headers) as download:
            assert download.status == 200
            received = (download.headers["Content-Disposition"], await download.read())
        await websocket.close()
        return received


@pytest.mark.parametrize(
    "keys", [["\x05"], ["\x10", "export", "\r"]], ids=["ctrl+e", "the palette's export"]
)
def test_an_export_in_the_browser_downloads_to_the_browser(
    project: Path, tmp_path: Path, keys: list[str]
) -> None:
    scene = project / "scenes" / "corridor.yaml"
    with serving(project, tmp_path / "serve.log", str(scene)) as served:
        disposition, sheet = asyncio.run(within_minutes(export_from_the_browser(served, keys)))
    assert disposition == "attachment; filename=\"corridor.md\"; filename*=UTF-8''corridor.md"
    written = scene.with_suffix(".md").read_bytes()  # and next to the scene, as ctrl+e says
    assert sheet == written
    assert b"# " in sheet and b"corridor" in sheet.lower()


def test_a_download_named_with_spaces_quotes_semicolons_and_accents_keeps_its_name(
    project: Path, tmp_path: Path
) -> None:
    # textual-serve wrote the name bare: `filename=duel "by night"; à l'aube.md` forged a
    # second parameter. The quoted ASCII name and the exact UTF-8 one (RFC 6266) say it.
    scene = project / "scenes" / 'duel "by night"; à l\'aube.yaml'
    (project / "scenes" / "corridor.yaml").rename(scene)
    with serving(project, tmp_path / "serve.log", str(scene)) as served:
        disposition, sheet = asyncio.run(within_minutes(export_from_the_browser(served, ["\x05"])))
    assert disposition == (
        'attachment; filename="duel _by night_; _ l\'aube.md"; '
        "filename*=UTF-8''duel%20%22by%20night%22%3B%20%C3%A0%20l%27aube.md"
    )
    exact = disposition.split("filename*=UTF-8''", 1)[1]
    assert unquote(exact, errors="strict") == scene.with_suffix(".md").name
    assert sheet == scene.with_suffix(".md").read_bytes()
