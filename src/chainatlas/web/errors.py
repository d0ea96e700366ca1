"""One error shape for the whole web app, in JSON and in HTML.

Why one shape: scripts that call the ``.json`` twins and the API handle every failure the same way
(``{"error": {"status", "type", "message", "suggestions"}}``), and the HTML error page embeds the same
fields, so a person sees what a script would. chainatlas errors keep their message (it names the
region, node or file at fault) and unknown names keep their "did you mean" suggestions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from chainatlas.errors import (
    ChainAtlasError,
    DataError,
    StoreLocked,
    UnknownChain,
    UnknownEnterprise,
    UnknownNode,
    UnknownRegion,
)

REASONS = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
           405: "method_not_allowed", 409: "conflict", 413: "payload_too_large", 415: "unsupported_media_type",
           500: "internal_error", 501: "not_implemented", 503: "unavailable"}


@dataclass
class WebError(Exception):
    """An error the web layer raises on purpose; rendered in the one error shape."""

    status: int
    message: str
    suggestions: list[str] = field(default_factory=list)
    type: str = ""
    headers: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__init__(self.message)
        if not self.type:
            self.type = REASONS.get(self.status, "error")

    def to_dict(self) -> dict:
        return {"error": {"status": self.status, "type": self.type, "message": self.message,
                          "suggestions": list(self.suggestions)}}


_UNKNOWN = {UnknownRegion: "unknown_region", UnknownChain: "unknown_chain", UnknownNode: "unknown_node",
            UnknownEnterprise: "unknown_enterprise"}


def from_exception(exc: BaseException) -> WebError:
    """Map any exception to a :class:`WebError` (unknown names → 404, bad input or data → 400/422)."""
    if isinstance(exc, WebError):
        return exc
    for cls, kind in _UNKNOWN.items():
        if isinstance(exc, cls):
            return WebError(404, str(exc), list(exc.suggestions), kind)
    if isinstance(exc, StoreLocked):  # its message names the file; the web answer does not
        return WebError(503, "the store is being written by an import; readers wait for it to finish: "
                             "try again in a few seconds", type="store_locked", headers={"retry-after": "5"})
    if isinstance(exc, DataError):
        return WebError(400, str(exc), type="invalid_data")
    if isinstance(exc, ChainAtlasError):
        return WebError(400, str(exc), type="bad_request")
    return WebError(500, "internal error; the server log has the details", type="internal_error")
