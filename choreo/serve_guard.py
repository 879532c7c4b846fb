"""textual-serve's server, made to answer only the user who started it.

Every request passes one guard: the ``Host`` must name this server (a DNS-rebinding page
names its own domain), an ``Origin`` if sent must be the page's own (another site's page,
or its websocket), and the run's secret token must come with it, in the URL on the first
visit and in a cookie after (the page's websocket URL is built by textual-serve's script,
which cannot carry it). At most ``MAX_SESSIONS`` editors run at once.

The page is textual-serve's own but for its fonts: it asks Google Fonts for Roboto Mono,
and the font files ship in textual-serve's static folder, so the page here loads them from
this server and makes no request off the machine. Its URLs follow the ``Host`` the
browser used (checked first), so the same page works at 127.0.0.1 and at the address a
device in the room opened.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import aiohttp_jinja2
from aiohttp import web
from textual_serve.server import Server

from choreo.serve import EVERY_ADDRESS, HOST, MAX_SESSIONS, is_address, room_addresses

log = logging.getLogger("choreo.serve")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
PAGE = Path(__file__).with_name("serve_page")
TOO_MANY = (
    f"choreo serve: {MAX_SESSIONS} editors are already open on this server; "
    "close one (its browser tab) and reload"
)


def guarded_server(command: str, host: str, port: int, token: str) -> Server:
    """A textual-serve ``Server`` running ``command`` that only the token's holder can use."""
    return GuardedServer(
        command, host=host, port=port, title="choreo", token=token, templates_path=PAGE
    )


def content_disposition(disposition: str, file_name: str) -> str:
    """The ``Content-Disposition`` of a download named ``file_name``, as RFC 6266 writes
    it: a quoted ASCII ``filename`` for old browsers (what ASCII cannot say, quotes,
    backslashes and control characters become ``_``) and the exact name in
    ``filename*``, UTF-8 and percent-encoded."""
    fallback = "".join(c if " " <= c <= "~" and c not in '"\\' else "_" for c in file_name)
    exact = quote(file_name, safe="")
    return f"{disposition}; filename=\"{fallback or 'download'}\"; filename*=UTF-8''{exact}"


def cookie_name(port: int) -> str:
    """Cookies ignore ports: each server's cookie is named after its own."""
    return f"choreo-serve-{port}"


def names_this_server(host_header: str, *, host: str, port: int) -> bool:
    """Does a request's ``Host`` name this server? Its port, and a name the server listens
    under: on 127.0.0.1, that or ``localhost``; on one address, that address; on every
    address, any address written out (never a domain name, which a rebinding page owns)."""
    try:
        parts = urlsplit(f"//{host_header}")
        named, named_port = parts.hostname, parts.port
    except ValueError:  # a port that is not a number
        return False
    if named is None or named_port != port:
        return False
    if host == HOST:
        return named in {HOST, "localhost"}
    if host in EVERY_ADDRESS:
        return named == "localhost" or is_address(named)
    return named == host.lower()


def refusal(request: web.Request, *, host: str, port: int, token: str) -> str | None:
    """Why this request is refused, in plain words; None when it comes from the user's page."""
    named = request.headers.get("Host", "")
    if not names_this_server(named, host=host, port=port):
        return f"this server answers only at the address `choreo serve` printed (port {port})"
    origin = request.headers.get("Origin")
    if origin is not None and origin.lower() != f"http://{named.lower()}":
        return "a page from another site may not use this editor"
    if origin is None and request.headers.get("Upgrade", "").lower() == "websocket":
        return "a websocket must come from the editor's own page"
    offered = request.query.get("token") or request.cookies.get(cookie_name(port), "")
    if not secrets.compare_digest(offered.encode(), token.encode()):
        return "open the address `choreo serve` printed, with its token"
    return None


class GuardedServer(Server):
    """textual-serve's ``Server`` behind the guard, with a cap on running editors.

    It overrides ``_make_app``, ``handle_index`` (the page's context) and
    ``handle_download`` (its file name header), hence the exact pin of textual-serve.
    """

    def __init__(self, command: str, *, token: str, **options: Any) -> None:
        super().__init__(command, **options)
        self.token = token
        self.sessions = 0
        self.announcing: asyncio.Task[None] | None = None  # held, or the loop may drop it

    @property
    def addresses(self) -> list[str]:
        """Where a browser opens this server, the token in the URL: this machine's own
        address first, then each address in the room's network it listens on."""
        if self.host == HOST:
            names = [HOST]
        elif self.host in EVERY_ADDRESS:
            names = [HOST, *room_addresses()]
        else:
            names = [self.host]
        names = [f"[{name}]" if ":" in name else name for name in names]  # IPv6
        return [f"http://{name}:{self.port}/?token={self.token}" for name in names]

    async def _make_app(self) -> web.Application:
        app: web.Application = await super()._make_app()
        app.middlewares.append(self.guard)
        return app

    @web.middleware
    async def guard(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        reason = refusal(request, host=self.host, port=self.port, token=self.token)
        if reason is not None:
            log.warning("refused a request: %s", reason)  # our words only: no foreign text
            return web.Response(status=403, text=f"choreo serve: refused: {reason}\n")
        if request.path == "/" and "token" in request.query:
            return self.welcome(request)
        if request.path == "/" and self.sessions >= MAX_SESSIONS:  # say so before the page
            return web.Response(status=503, text=TOO_MANY + "\n")
        return await handler(request)

    def welcome(self, request: web.Request) -> web.StreamResponse:
        """The first visit: keep the token in a cookie, and take it out of the address bar."""
        query = {name: value for name, value in request.query.items() if name != "token"}
        response = web.HTTPFound(str(request.rel_url.with_query(query)))
        response.set_cookie(
            cookie_name(self.port), self.token, httponly=True, samesite="Strict", path="/"
        )
        return response

    @aiohttp_jinja2.template("app_index.html")
    async def handle_index(self, request: web.Request) -> dict[str, Any]:
        """The page: its assets from this server by path, its websocket at the address
        the browser used (the guard has checked it names this server)."""
        try:
            font_size = int(request.query.get("fontsize", "16"))
        except ValueError:
            font_size = 16
        return {
            "font_size": font_size,
            "app_websocket_url": f"ws://{request.host}/ws",
            "config": {"static": {"url": "/static/"}},
            "application": {"name": self.title},
        }

    async def handle_download(self, request: web.Request) -> web.StreamResponse:
        """A file the editor delivers (an export), as textual-serve sends it but with its
        name quoted: textual-serve writes it bare, so a scene named with a space, a quote,
        a semicolon or a letter beyond ASCII broke or forged the header."""
        key = request.match_info["key"]
        try:
            download = await self.download_manager.get_download_metadata(key)
        except KeyError:
            raise web.HTTPNotFound(text="choreo serve: no such download\n") from None
        response = web.StreamResponse()
        content_type = download.mime_type
        if download.encoding:
            content_type += f"; charset={download.encoding}"
        response.headers["Content-Type"] = content_type
        disposition = "inline" if download.open_method == "browser" else "attachment"
        response.headers["Content-Disposition"] = content_disposition(
            disposition, download.file_name
        )
        await response.prepare(request)
        async for chunk in self.download_manager.download(key):
            await response.write(chunk)
        await response.write_eof()
        return response

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        if self.sessions >= MAX_SESSIONS:
            raise web.HTTPServiceUnavailable(text=TOO_MANY + "\n")
        self.sessions += 1  # no await since the check: no other session slips in
        try:
            response: web.WebSocketResponse = await super().handle_websocket(request)
            return response
        finally:
            self.sessions -= 1

    async def on_startup(self, app: web.Application) -> None:
        # Startup runs before the port is bound: announce the address once it answers.
        self.announcing = asyncio.get_running_loop().create_task(self.announce())

    async def announce(self) -> None:
        while not await self.answering():
            await asyncio.sleep(0.05)
        if self.host == HOST:
            print(f"choreo serve: open {self.addresses[0]} in your browser (ctrl+c stops)")
        else:
            print(
                "choreo serve: serving the room's network: whoever opens one of these "
                "addresses, token and all, can edit your scenes"
            )
            for address in self.addresses:
                print(f"  {address}")
            if len(self.addresses) == 1 and self.host in EVERY_ADDRESS:
                print("  (no other address found: give this machine's with --host ADDRESS)")
            print("choreo serve: open one in a browser (ctrl+c stops)")
        sys.stdout.flush()

    async def answering(self) -> bool:
        """Does this server answer on its port? Only it knows the token (the port may be
        another program's, and then serving fails)."""
        at = HOST if self.host in EVERY_ADDRESS else self.host
        try:
            reader, writer = await asyncio.open_connection(at, self.port)
        except OSError:
            return False
        named = f"[{at}]" if ":" in at else at
        request = f"GET /?token={self.token} HTTP/1.1\r\nHost: {named}:{self.port}\r\n"
        writer.write(f"{request}Connection: close\r\n\r\n".encode())
        try:
            answer = await reader.read()
        except OSError:
            return False
        finally:
            writer.close()
        return f"{cookie_name(self.port)}={self.token}".encode() in answer
