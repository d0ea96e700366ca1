"""The local web dashboard: an ASGI app (Starlette + Jinja2) that asks only the ``Atlas`` facade.

Why Starlette: it is small (routing, requests, responses, a test client) and has no opinions about
models or ORMs, which fits a face that only wires the facade to templates; plain sync endpoints run
in its thread pool, so a slow first question does not block the event loop.

Every page has a ``.json`` twin (same URL + ``.json``) whose body is byte-for-byte what the CLI
prints for the same question with ``--json``. The app is read-only unless started with a token, and
every error, from any route or middleware, has one shape (see :mod:`chainatlas.web.errors`).
"""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from chainatlas.web.errors import WebError, from_exception
from chainatlas.web.reader import AtlasReader
from chainatlas.web.responses import BodyTooLarge, error_response
from chainatlas.web.routes import starlette_routes

SWITCH_INTERVAL = 0.001  # seconds; Python's default is 0.005
MAX_BODY = 5 * 1024 * 1024  # bytes; the import endpoint's limit, enforced for every request
READ_METHODS = ("GET", "HEAD")
SECURITY_HEADERS = {
    # the pages load nothing from outside; the policy makes the browser enforce it too
    "content-security-policy": "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                               "script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
                               "form-action 'self'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}


class Guard:
    """Pure ASGI middleware: read-only unless a token is set, bounded bodies, security headers.

    It runs before routing, so a POST to any path of a read-only server gets the same 405, and a body
    over the limit is refused from its ``Content-Length`` before a byte is read (or as soon as a
    streamed body passes the limit).
    """

    def __init__(self, app: ASGIApp, token: str | None, max_body: int = MAX_BODY, hosts: frozenset[str] | None = None):
        self.app, self.token, self.max_body, self.hosts = app, token, max_body, hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope.get("headers", [])}
        path, accept = scope.get("path", ""), headers.get("accept", "")

        async def send_secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                present = {k.lower() for k, _ in message["headers"]}
                for name, value in SECURITY_HEADERS.items():
                    if name.encode() not in present:
                        message["headers"].append((name.encode(), value.encode()))
            await send(message)

        if self.hosts is not None and host_name(headers.get("host", "")) not in self.hosts:
            # DNS rebinding: a page on another site that resolves its own name to this address
            err = WebError(400, "this server answers only to the host it was started on "
                                f"({', '.join(sorted(self.hosts))})", type="wrong_host")
            await error_response(err, path, accept)(scope, receive, send_secured)
            return
        if scope["method"] not in READ_METHODS and not self.token:
            err = WebError(405, f"{scope['method']} is not allowed: this server is read-only "
                                "(start it with --token to enable imports)", headers={"allow": "GET, HEAD"})
            await error_response(err, path, accept)(scope, receive, send_secured)
            return
        length = headers.get("content-length", "")
        if length.isdigit() and int(length) > self.max_body:
            err = WebError(413, f"request body of {int(length)} bytes is over the limit of {self.max_body} bytes")
            await error_response(err, path, accept)(scope, receive, send_secured)
            return
        seen = 0

        async def bounded_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    raise BodyTooLarge(f"request body is over the limit of {self.max_body} bytes")
            return message

        await self.app(scope, bounded_receive, send_secured)


LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


def host_name(header: str) -> str:
    """The host of a ``Host`` header without its port (``[::1]:8000`` → ``::1``), lower case."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1:].partition("]")[0]
    return header.rpartition(":")[0] if header.count(":") == 1 else header


def allowed_hosts(host: str | None) -> frozenset[str] | None:
    """The ``Host`` names a server started on ``host`` answers to (None: any, for 0.0.0.0 / ::)."""
    if host is None or host in ("0.0.0.0", "::", ""):
        return None
    name = host_name(host) if not host.startswith("[") else host[1:].partition("]")[0]
    return LOOPBACK | {name} if name in LOOPBACK else frozenset({name.lower()})


async def _http_error(request: Request, exc: Exception) -> Response:
    if isinstance(exc, HTTPException):
        message = {404: f"no page at {request.url.path}", 405: f"{request.method} is not allowed on {request.url.path}"
                   }.get(exc.status_code, str(exc.detail))
        err = WebError(exc.status_code, message, headers=dict(exc.headers or {}))
    elif isinstance(exc, BodyTooLarge):
        err = WebError(413, str(exc))
    else:
        err = from_exception(exc)
    return error_response(err, request.url.path, request.headers.get("accept", ""))


def create_app(db_path: Path, token: str | None = None, host: str | None = None, warm: bool = False) -> Starlette:
    """The dashboard for the store at ``db_path``; write endpoints exist only when ``token`` is given.

    ``host`` is the address the server listens on: requests naming another host are refused (a
    loopback address also answers to ``localhost``); None or a wildcard address accepts any host.
    ``warm`` computes each chain's facts and leaders in the background from the start (a server's
    choice; one-off renderings and tests leave it off).
    """
    # computations hold the GIL for pandas work; a short switch interval hands it back to the event loop
    # (cached answers, static files) within a millisecond instead of five
    sys.setswitchinterval(SWITCH_INTERVAL)
    reader = AtlasReader(Path(db_path))
    routes = starlette_routes(bool(token))
    handlers: dict[Any, Callable[[Request, Exception], Awaitable[Response]]] = {
        HTTPException: _http_error, BodyTooLarge: _http_error, Exception: _http_error}
    app = Starlette(routes=routes, middleware=[Middleware(Guard, token=token, hosts=allowed_hosts(host))], exception_handlers=handlers)
    app.state.reader = reader
    if warm:
        reader.warm_in_background()
    app.state.token = token
    return app


def render_get(app: Any, path: str, max_redirects: int = 5) -> tuple[int, str, str | bytes]:
    """Render one path (a page, its ``.json`` twin, an asset) without a server: status, type, body.

    The app is called directly over ASGI (no HTTP client, no socket), following redirects to the
    canonical URL as a browser would.
    """
    import anyio

    if not path.startswith("/"):
        path = "/" + path
    for _ in range(max_redirects + 1):
        status, headers, body = anyio.run(_call, app, path)
        location = headers.get("location")
        if status in (301, 302, 303, 307, 308) and location and location.startswith("/"):
            path = location
            continue
        break
    kind = headers.get("content-type", "")
    textual = kind.startswith("text/") or "json" in kind or "javascript" in kind
    return status, kind, body.decode("utf-8", "replace") if textual else body


async def _call(app: Any, target: str) -> tuple[int, dict[str, str], bytes]:
    from urllib.parse import quote, unquote, urlsplit

    parts = urlsplit(target)
    raw_path = quote(unquote(parts.path)).encode("ascii")
    query = quote(parts.query, safe="=&%+/,:;@")
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
             "path": unquote(parts.path), "raw_path": raw_path, "root_path": "",
             "query_string": query.encode("ascii"), "headers": [(b"host", b"127.0.0.1")],
             "client": ("127.0.0.1", 0), "server": ("127.0.0.1", 80), "state": {}}
    sent = False
    status, headers, chunks = 500, {}, []

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": b"", "more_body": False}
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        nonlocal status, headers
        if message["type"] == "http.response.start":
            status = message["status"]
            headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in message.get("headers", [])}
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    return status, headers, b"".join(chunks)
