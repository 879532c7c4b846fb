"""textual-serve's server, made to answer only the user who started it.

Every request passes one guard: the ``Host`` must be this server's (a DNS-rebinding page
names its own), an ``Origin`` if sent must be too (another site's page, or its websocket),
and the run's secret token must come with it, in the URL on the first visit and in a
cookie after (the page's websocket URL is built by textual-serve's script, which cannot
carry it). At most ``MAX_SESSIONS`` editors run at once.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from textual_serve.server import Server

from choreo.serve import HOST, MAX_SESSIONS

log = logging.getLogger("choreo.serve")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
TOO_MANY = (
    f"choreo serve: {MAX_SESSIONS} editors are already open on this server; "
    "close one (its browser tab) and reload"
)


def guarded_server(command: str, host: str, port: int, token: str) -> Server:
    """A textual-serve ``Server`` running ``command`` that only the token's holder can use."""
    return GuardedServer(command, host=host, port=port, title="choreo", token=token)


def cookie_name(port: int) -> str:
    """Cookies ignore ports: each server's cookie is named after its own."""
    return f"choreo-serve-{port}"


def refusal(request: web.Request, port: int, token: str) -> str | None:
    """Why this request is refused, in plain words; None when it comes from the user's page."""
    hosts = {f"{HOST}:{port}", f"localhost:{port}"}
    if request.headers.get("Host", "").lower() not in hosts:
        return f"this server answers only http://{HOST}:{port}/"
    origin = request.headers.get("Origin")
    if origin is not None and origin.lower() not in {f"http://{host}" for host in hosts}:
        return "a page from another site may not use this editor"
    if origin is None and request.headers.get("Upgrade", "").lower() == "websocket":
        return "a websocket must come from the editor's own page"
    offered = request.query.get("token") or request.cookies.get(cookie_name(port), "")
    if not secrets.compare_digest(offered.encode(), token.encode()):
        return "open the address `choreo serve` printed, with its token"
    return None


class GuardedServer(Server):
    """textual-serve's ``Server`` behind the guard, with a cap on running editors.

    It overrides ``_make_app`` (private), hence the exact pin of textual-serve.
    """

    def __init__(self, command: str, *, token: str, **options: Any) -> None:
        super().__init__(command, **options)
        self.token = token
        self.sessions = 0
        self.announcing: asyncio.Task[None] | None = None  # held, or the loop may drop it

    @property
    def address(self) -> str:
        return f"{self.public_url}/?token={self.token}"

    async def _make_app(self) -> web.Application:
        app: web.Application = await super()._make_app()
        app.middlewares.append(self.guard)
        return app

    @web.middleware
    async def guard(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        reason = refusal(request, self.port, self.token)
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
        if request.host.lower() != f"{HOST}:{self.port}":
            # The page's websocket goes to 127.0.0.1: the cookie must be set there.
            return web.HTTPFound(f"{self.public_url}{request.rel_url}")
        query = {name: value for name, value in request.query.items() if name != "token"}
        response = web.HTTPFound(str(request.rel_url.with_query(query)))
        response.set_cookie(
            cookie_name(self.port), self.token, httponly=True, samesite="Strict", path="/"
        )
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
        print(f"choreo serve: open {self.address} in your browser (ctrl+c stops)", flush=True)

    async def answering(self) -> bool:
        """Does this server answer on its port? Only it knows the token (the port may be
        another program's, and then serving fails)."""
        try:
            reader, writer = await asyncio.open_connection(HOST, self.port)
        except OSError:
            return False
        request = f"GET /?token={self.token} HTTP/1.1\r\nHost: {HOST}:{self.port}\r\n"
        writer.write(f"{request}Connection: close\r\n\r\n".encode())
        try:
            answer = await reader.read()
        except OSError:
            return False
        finally:
            writer.close()
        return f"{cookie_name(self.port)}={self.token}".encode() in answer
