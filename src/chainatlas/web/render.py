"""Templates and formatting for the dashboard's HTML pages.

Why its own module: handlers build plain dicts from the facade's results; turning them into HTML (the
Jinja environment, number formats, source links, chart JSON) lives in one place the error page shares.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from typing import Any
from urllib.parse import quote, urlencode

import jinja2
from markupsafe import Markup, escape

from chainatlas import __version__
from chainatlas.analysis.verification import LEGEND
from chainatlas.report import charts
from chainatlas.report.embed import script_json
from chainatlas.report.html import bound, num, pct, share, unverified_mark, verified_label, yi
from chainatlas.web import assets
from chainatlas.web.errors import WebError


def url(*parts: str, **query: Any) -> str:
    """A site URL from path parts (each percent-encoded) and query values (None values left out)."""
    path = "/" + "/".join(quote(str(p), safe="") for p in parts if p not in (None, ""))
    q = {k: v for k, v in query.items() if v not in (None, "", [])}
    return path + ("?" + urlencode(q, doseq=True) if q else "")


def source_links(ids: Any) -> Markup:
    """Source ids as links to their records (``/sources/ID``), comma separated."""
    seen: list[str] = []
    for i in ids or []:
        if i and isinstance(i, str) and i not in seen:
            seen.append(i)
    if not seen:
        return Markup('<span class="muted">—</span>')
    return Markup(", ").join(Markup('<a class="src" href="{}">{}</a>').format(url("sources", i), i) for i in seen)


_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)


def address(value: Any) -> str:
    """A source's web address shown as text without its scheme: pages name no outside URL at all."""
    return _SCHEME.sub("", str(value or ""))


def charts_json(specs: dict[str, Any]) -> Markup:
    """Chart specs as JSON safe to embed in ``<script type="application/json">``."""
    return Markup(script_json({k: v for k, v in specs.items() if v is not None}))


_TRAILING_ID = re.compile(r"\(([^()\s]+)\)$")


def suggestion_href(text: str) -> str:
    """Where a "did you mean" suggestion leads: a region by its code, a chain by its id, else a search."""
    code = re.search(r"(?<![0-9])[0-9]{6}(?![0-9])", text)  # a region label: 滨州市 Binzhou 371600 (山东省 Shandong)
    if code:
        return url("regions", code.group(0))
    found = _TRAILING_ID.search(text)
    if found and "." not in found.group(1):
        return url("chains", found.group(1))
    if found:
        return url("search", q=found.group(1))
    return url("search", q=text.split(" ")[0])


def region_label(rec: dict | None) -> str:
    if not rec:
        return ""
    return f"{rec.get('name_zh', '')} {rec.get('name_en', '')}".strip()


@lru_cache(maxsize=1)
def env() -> jinja2.Environment:
    loader = jinja2.FileSystemLoader(str(resources.files("chainatlas.web") / "templates"))
    environment = jinja2.Environment(loader=loader, autoescape=jinja2.select_autoescape(["html", "j2"]),
                                     undefined=jinja2.ChainableUndefined, trim_blocks=True, lstrip_blocks=True)
    environment.globals.update(
        pct=pct, num=num, yi=yi, url=url, source_links=source_links, address=address, asset=assets.asset_url,
        status_labels=charts.STATUS_LABELS, status_colours=charts.STATUS_COLOURS, stage_labels=charts.STAGE_LABELS,
        evidence_labels=charts.EVIDENCE_LABELS, share=share, bound=bound, region_label=region_label, suggestion_href=suggestion_href, version=__version__,
        mark=unverified_mark, verified_label=verified_label, verified_legend=LEGEND, plotly_version=assets.plotly_version,
    )
    return environment


def render(template: str, **context: Any) -> str:
    return env().get_template(template).render(**context)


def render_error(err: WebError) -> str:
    """The HTML error page: the same fields as the JSON error, readable, with suggestions as searches."""
    payload = Markup(script_json(err.to_dict()))
    return render("error.html.j2", err=err, title=f"{err.status} {err.type}", error_json=payload,
                  json_url=None, escape=escape)
