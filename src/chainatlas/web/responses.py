"""The one error shape as an HTTP answer: JSON for twins and the API, else an HTML page with the same fields.

Why its own module: every route, the middleware and the write endpoint answer errors the same way,
so they all import this module; it imports only :mod:`~chainatlas.web.errors` and
:mod:`~chainatlas.web.render`, which keeps the web modules' imports running one way (handlers →
endpoint → responses → render → errors; the app at the top imports them all, nothing imports it).
"""

from __future__ import annotations

import json
import logging

from starlette.responses import Response

from chainatlas.web.errors import from_exception
from chainatlas.web.render import render_error

log = logging.getLogger("chainatlas.web")


class BodyTooLarge(Exception):
    """Raised while reading a request body that outgrows the limit."""


def wants_json(path: str, accept: str = "") -> bool:
    """Whether an error at ``path`` is answered in JSON (``.json`` twins, the API, or JSON-only clients)."""
    if path.endswith(".json") or path.startswith("/api/"):
        return True
    return "application/json" in accept and "text/html" not in accept


def error_parts(exc: BaseException, path: str, accept: str = "") -> tuple[int, str, bytes, dict[str, str]]:
    """The one error shape as status, content type, body and headers (see :func:`error_response`).

    An unexpected failure (500) is logged with its traceback; a 503 (busy, an import running, the store
    locked) is logged in one line: it is a state of the server, not a bug.
    """
    err = from_exception(exc)
    if err.status == 503:
        log.warning("503 %s %s: %s", err.type, path, err.message)
    elif err.status >= 500:
        log.error("error serving %s", path, exc_info=exc)
    headers = dict(err.headers)
    if wants_json(path, accept):
        body = json.dumps(err.to_dict(), ensure_ascii=False, indent=2) + "\n"
        return err.status, "application/json; charset=utf-8", body.encode("utf-8"), headers
    return err.status, "text/html; charset=utf-8", render_error(err).encode("utf-8"), headers


def error_response(exc: BaseException, path: str, accept: str = "") -> Response:
    """The one error shape: JSON for ``.json``/API paths, else an HTML page embedding the same fields."""
    status, kind, body, headers = error_parts(exc, path, accept)
    return Response(body, status, headers=headers, media_type=kind)
