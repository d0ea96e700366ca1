"""The one write endpoint, present only when the server was started with a token.

``POST /api/import/{kind}`` takes a file as the raw request body (CSV, JSON / JSON Lines, XLSX or
Parquet; at most 5 MB) and imports it through :meth:`chainatlas.Atlas.import_file`, all-or-nothing,
exactly as ``chainatlas import KIND FILE --json`` would (the answer is that command's JSON). It needs
``Authorization: Bearer <token>``. The server must be the store's only writer while it runs.
"""

from __future__ import annotations

import hmac
import re
import tempfile
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response

from chainatlas.errors import ChainAtlasError, DataError, StoreLocked
from chainatlas.results import dumps
from chainatlas.web.errors import WebError
from chainatlas.web.reader import AtlasReader
from chainatlas.web.responses import BodyTooLarge, error_response

FORMATS = {"text/csv": "csv", "application/csv": "csv", "text/plain": "csv", "application/json": "json",
           "application/x-ndjson": "jsonl", "application/jsonl": "jsonl",
           "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
           "application/vnd.apache.parquet": "parquet", "application/x-parquet": "parquet"}
SUFFIX = {"csv": ".csv", "json": ".json", "jsonl": ".jsonl", "xlsx": ".xlsx", "parquet": ".parquet"}
FLAGS = ("1", "true", "yes")


_UNSAFE_NAME = re.compile(r"[^\w.\- ()\u4e00-\u9fff]")


def upload_name(request: Request, fmt: str) -> str:
    """The uploaded file's name as the client gave it (``?filename=`` or Content-Disposition), base name only."""
    given = request.query_params.get("filename", "")
    if not given:
        disposition = request.headers.get("content-disposition", "")
        found = re.search(r'filename="?([^";]+)"?', disposition)
        given = found.group(1) if found else ""
    base = _UNSAFE_NAME.sub("_", given.replace("\\", "/").rsplit("/", 1)[-1]).strip(" .")[:100]
    return base if base else f"upload{SUFFIX[fmt]}"


def check_token(request: Request) -> None:
    """401 without a bearer token, 403 with a wrong one (compared in constant time)."""
    expected: str = request.app.state.token or ""
    header = request.headers.get("authorization", "")
    scheme, _, given = header.partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        raise WebError(401, "this endpoint needs the header 'Authorization: Bearer <token>'",
                       headers={"www-authenticate": "Bearer"})
    if not hmac.compare_digest(given.strip().encode("utf-8"), expected.encode("utf-8")):
        raise WebError(403, "the token is not valid for this server")


def _format(request: Request) -> str:
    fmt = request.query_params.get("format", "").strip().lower()
    if fmt:
        if fmt not in SUFFIX:
            raise WebError(400, f"format must be one of {', '.join(SUFFIX)}, got {fmt[:20]!r}")
        return fmt
    kind = request.headers.get("content-type", "text/csv").split(";")[0].strip().lower()
    if kind.startswith("multipart/"):
        raise WebError(415, "send the file itself as the request body (not a multipart form), "
                            "e.g. curl --data-binary @firms.csv -H 'Content-Type: text/csv'")
    if kind not in FORMATS:
        raise WebError(415, f"cannot import a body of type {kind!r}; use one of {', '.join(sorted(FORMATS))} "
                            "or ?format=csv|json|jsonl|xlsx|parquet")
    return FORMATS[kind]


async def import_file(request: Request) -> Response:
    try:
        check_token(request)
        fmt = _format(request)
        dry_run = request.query_params.get("dry_run", "").lower() in FLAGS
        on_error = "skip" if request.query_params.get("skip_invalid", "").lower() in FLAGS else "refuse"
        kind = request.path_params["kind"]
        try:
            body = await request.body()
        except BodyTooLarge as exc:
            raise WebError(413, str(exc)) from exc
        if not body:
            raise WebError(400, "the request body is empty; send the file as the body")
        reader: AtlasReader = request.app.state.reader

        name = upload_name(request, fmt)

        def run() -> dict:
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / name
                path.write_bytes(body)
                # messages and skipped rows name the file as the client sent it, not the server's temp path
                try:
                    with reader.writer() as atlas:
                        report = atlas.import_file(kind, path, fmt=fmt, dry_run=dry_run, on_error=on_error).to_dict()
                except StoreLocked:
                    raise
                except ChainAtlasError as exc:
                    raise DataError(str(exc).replace(str(path), name)) from None
                for problem in report.get("skipped", []):
                    problem["file"] = name
                return report

        from starlette.concurrency import run_in_threadpool

        report = await run_in_threadpool(run)
    except Exception as exc:
        return error_response(exc, request.url.path, "application/json")
    return Response(dumps(report) + "\n", media_type="application/json; charset=utf-8")
