"""How a page handler becomes three endpoints: the HTML page, its ``.json`` twin and (some) ``.xlsx``.

Why one wrapper: every page validates its input the same way, answers errors in the one shape, has
a JSON twin whose body is exactly the CLI's ``--json`` output (``dumps(to_dict()) + "\\n"``), and is
memoised as a whole (the store is read-only while serving, so a URL always renders the same bytes,
and a 4xx answer, such as an unknown region, repeats too).

Why async endpoints: a memoised page is answered on the event loop at once, never queued behind
computations; only a page not yet memoised goes to the reader's bounded computing pool, and when that
is full the answer is a 503 with ``Retry-After`` (see :class:`~chainatlas.web.reader.ComputePool`).
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from chainatlas.atlas import Atlas
from chainatlas.results import dumps
from chainatlas.web import assets
from chainatlas.web.errors import WebError
from chainatlas.web.reader import AtlasReader, Busy
from chainatlas.web.render import charts_json, render
from chainatlas.web.responses import error_parts, error_response, wants_json

MAX_TEXT = 200  # characters in any path part or query value
MEDIA = {"html": "text/html; charset=utf-8", "json": "application/json; charset=utf-8",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class Redirect(Exception):  # noqa: N818 - a control-flow signal, not an error
    """Send the browser to the canonical URL (``/regions/滨州`` → ``/regions/371600``)."""

    def __init__(self, location: str):
        super().__init__(location)
        self.location = location


@dataclass
class Page:
    """What a handler returns: the twin's data, and for HTML the template and its context."""

    title: str
    data: Any = None
    template: str = ""
    context: dict = field(default_factory=dict)
    charts: dict = field(default_factory=dict)
    xlsx: Callable[[Path], Any] | None = None
    filename: str = "chainatlas.xlsx"


@dataclass
class Ask:
    """One request as a handler sees it: validated parameters and the shared atlas."""

    request: Request
    reader: AtlasReader
    fmt: str

    @property
    def html(self) -> bool:
        return self.fmt == "html"

    def path(self, name: str) -> str:
        return _clean(name, self.request.path_params.get(name, ""), required=True)

    def text(self, name: str, required: bool = False) -> str | None:
        value = _clean(name, self.request.query_params.get(name, ""), required)
        return value or None

    def integer(self, name: str, default: int | None, low: int, high: int) -> int | None:
        raw = self.request.query_params.get(name, "").strip()
        if not raw:
            return default
        if not re.fullmatch(r"-?\d{1,9}", raw):
            raise WebError(400, f"query parameter {name!r} must be a whole number, got {raw[:40]!r}")
        value = int(raw)
        if not low <= value <= high:
            raise WebError(400, f"query parameter {name!r} must be between {low} and {high}, got {value}")
        return value

    def choice(self, name: str, options: tuple[str, ...], default: str) -> str:
        value = self.text(name) or default
        if value not in options:
            raise WebError(400, f"query parameter {name!r} must be one of {', '.join(options)}, got {value!r}")
        return value

    def region_code(self, name: str) -> str:
        """The code of the region a path part or query value names (404 with suggestions if none)."""
        return self.reader.ask(Atlas.resolve_region, name)

    def chain_id(self, name: str) -> str:
        return self.reader.ask(Atlas.resolve_chain, name)

    def node_id(self, name: str) -> str:
        return self.reader.ask(Atlas.resolve_node, name)

    def year(self, low: int = 1949) -> int | None:
        """The ``year`` query parameter, if given."""
        return self.integer("year", None, low, 2100)

    def canonical(self, location: str) -> None:
        """Redirect an HTML request whose path parts are names, not ids (JSON answers in place).

        ``location`` is the canonical URL; only its path is used.
        """
        if not self.html:
            return
        current = quote(self.request.url.path, safe="/")
        target = location.partition("?")[0]
        if current != target:  # the query is kept as given: only path parts are canonicalised
            query = self.request.url.query
            raise Redirect(target + ("?" + query if query else ""))


def _clean(name: str, value: str, required: bool) -> str:
    value = value.strip()
    if required and not value:
        raise WebError(400, f"parameter {name!r} is required")
    if len(value) > MAX_TEXT:
        raise WebError(400, f"parameter {name!r} is longer than {MAX_TEXT} characters")
    if _CONTROL.search(value):
        raise WebError(400, f"parameter {name!r} contains control characters")
    return value


def _twin_url(request: Request) -> str:
    path = request.url.path
    path = "/index.json" if path == "/" else path + ".json"
    return path + ("?" + request.url.query if request.url.query else "")


def _respond(handler: Callable[[Ask], Page], ask: Ask) -> tuple[int, str, bytes, dict[str, str]]:
    page = handler(ask)
    if ask.fmt == "json":
        return 200, MEDIA["json"], (dumps(page.data) + "\n").encode("utf-8"), {}
    if ask.fmt == "xlsx":
        if page.xlsx is None:
            raise WebError(404, "this page has no Excel download")
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "download.xlsx"
            page.xlsx(out)
            body = out.read_bytes()
        disposition = f"attachment; filename*=UTF-8''{quote(page.filename)}"
        return 200, MEDIA["xlsx"], body, {"content-disposition": disposition}
    html = render(page.template, page=page, title=page.title, json_url=_twin_url(ask.request) if page.data is not None else None,
                  charts=page.charts, charts_json=charts_json(page.charts) if page.charts else None,
                  **page.context)
    return 200, MEDIA["html"], html.encode("utf-8"), {}


Parts = tuple[int, str, bytes, dict[str, str]]  # status, content type, body, extra headers


class _Unrepeatable(Exception):  # noqa: N818 - carries a 5xx answer past the memo (it is not kept)
    def __init__(self, parts: Parts):
        super().__init__(parts[0])
        self.parts = parts


def _answer(handler: Callable[[Ask], Page], ask: Ask, json_errors: bool) -> Parts:
    """The whole answer as data: a page, a redirect or an error in the one shape."""
    try:
        return _respond(handler, ask)
    except Redirect as moved:
        return 302, "", b"", {"location": moved.location}
    except Exception as exc:  # every failure leaves in the one error shape
        parts = error_parts(exc, ask.request.url.path, "application/json" if json_errors else "text/html")
        if parts[0] >= 500:
            raise _Unrepeatable(parts) from None
        return parts


def _response(parts: Parts) -> Response:
    status, kind, body, headers = parts
    if status == 302:
        return RedirectResponse(headers["location"], status_code=302)
    return Response(body, status, headers=headers, media_type=kind)


def endpoint(handler: Callable[[Ask], Page], fmt: str) -> Callable[[Request], Any]:
    """An async Starlette endpoint serving ``handler`` as ``fmt``: from the memo at once, else computed
    in the reader's bounded pool (503 with ``Retry-After`` when it is full or an import is running)."""

    async def serve(request: Request) -> Response:
        reader: AtlasReader = request.app.state.reader
        accept = request.headers.get("accept", "")
        json_errors = wants_json(request.url.path, accept)
        key = ("page", fmt, request.url.path, tuple(sorted(request.query_params.multi_items())), json_errors,
               reader.generation)
        found = reader.peek(key)
        if found is not None:
            return _response(found)
        ask = Ask(request, reader, fmt)

        def compute() -> Parts:
            try:
                return reader.memo(key, lambda: _answer(handler, ask, json_errors))
            except _Unrepeatable as failed:
                return failed.parts

        try:
            if reader.importing.is_set():
                raise Busy("an import is being written to the store; pages wait for it to finish: "
                           "try again in a few seconds", importing=True)
            return _response(await reader.pool.run(compute))
        except Busy as busy:
            err = WebError(503, str(busy), type="importing" if busy.importing else "busy",
                           headers={"retry-after": str(busy.retry_after)})
            return error_response(err, request.url.path, accept)

    serve.__name__ = f"{handler.__name__}_{fmt}"
    return serve


def twins(pattern: str, handler: Callable[[Ask], Page], xlsx: bool = False) -> list[Route]:
    """The routes of one page: ``pattern``, ``pattern.json`` (and ``pattern.xlsx``); twins first."""
    json_pattern = "/index.json" if pattern == "/" else pattern + ".json"
    routes = [Route(json_pattern, endpoint(handler, "json"), methods=["GET"])]
    if xlsx:
        routes.append(Route(pattern + ".xlsx", endpoint(handler, "xlsx"), methods=["GET"]))
    routes.append(Route(pattern, endpoint(handler, "html"), methods=["GET"]))
    return routes


async def static(request: Request) -> Response:
    """Static files are answered on the event loop: they never wait behind computations."""
    name = request.path_params["name"]
    found = None if any(ord(c) < 32 or c == "\x7f" for c in name) else assets.load(name)
    if found is None:
        return error_response(WebError(404, f"no asset {name!r}"), request.url.path, request.headers.get("accept", ""))
    body, kind = found
    return Response(body, media_type=kind, headers={"cache-control": assets.LONG_CACHE})
