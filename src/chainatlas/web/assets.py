"""Static assets, all served by the app itself: nothing is fetched from outside.

Every asset URL carries a version in its file name (``plotly-6.3.0.min.js``, ``app-1.css``), so it
can be cached for a year and a new version is simply a new name. plotly.js is not copied into this
repository: it is read from the installed ``plotly`` Python package, whose version pins it.
"""

from __future__ import annotations

import mimetypes
from functools import lru_cache
from importlib import resources
from pathlib import Path

LONG_CACHE = "public, max-age=31536000, immutable"
STATIC_DIR = Path(str(resources.files("chainatlas.web") / "static"))


@lru_cache(maxsize=1)
def plotly_version() -> str:
    """The version of the plotly.js bundled with the installed ``plotly`` package."""
    from plotly.offline import get_plotlyjs_version

    return get_plotlyjs_version()


def plotly_name() -> str:
    return f"vendor/plotly-{plotly_version()}.min.js"


@lru_cache(maxsize=1)
def _plotly_bytes() -> bytes:
    from plotly.offline import get_plotlyjs

    return get_plotlyjs().encode("utf-8")


def asset_url(name: str) -> str:
    """The URL of an asset by its logical name (``plotly``, ``app.css``, ``app.js``)."""
    if name == "plotly":
        return "/static/" + plotly_name()
    stem, dot, ext = name.rpartition(".")
    return f"/static/{stem}-{ASSET_VERSION}.{ext}" if dot else f"/static/{name}"


ASSET_VERSION = "1"


def load(name: str) -> tuple[bytes, str] | None:
    """The bytes and content type of the asset at ``/static/<name>``, or None if there is none."""
    if name == plotly_name():
        return _plotly_bytes(), "text/javascript; charset=utf-8"
    path = (STATIC_DIR / name).resolve()
    if STATIC_DIR.resolve() not in path.parents or not path.is_file():
        return None
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if kind.startswith("text/") or kind in ("application/javascript", "text/javascript"):
        kind = ("text/javascript" if path.suffix == ".js" else kind) + "; charset=utf-8"
    return _read(str(path)), kind


@lru_cache(maxsize=32)
def _read(path: str) -> bytes:
    return Path(path).read_bytes()
