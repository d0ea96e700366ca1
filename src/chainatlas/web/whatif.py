"""Pages for input-output multipliers and what-if scenarios, with their ``.json`` twins.

Twins: ``/io.json?region=R&delta=D&method=M&year=Y&chain=C`` is ``chainatlas io multipliers --region R
--delta D --method M --year Y --chain C --json``; ``/regions/R/chains/C/whatif.json?add=N=Q&remove=E``
is ``chainatlas whatif R --chain C --add N=Q --remove E --json``. The HTML embeds the same section
the region report prints (:mod:`chainatlas.report.io_section`).
"""

from __future__ import annotations

import re

from markupsafe import Markup

from chainatlas.report.io_section import render_io_section
from chainatlas.web.endpoint import MAX_TEXT, Ask, Page
from chainatlas.web.errors import WebError
from chainatlas.web.render import url

MAX_CHANGES = 10
METHODS = ("slq", "cilq", "flq", "aflq")


def _number(ask: Ask, name: str, default: float | None, low: float, high: float) -> float | None:
    raw = ask.request.query_params.get(name, "").strip()
    if not raw:
        return default
    if not re.fullmatch(r"\d{0,3}(\.\d{1,6})?", raw) or raw in ("", "."):
        raise WebError(400, f"query parameter {name!r} must be a number, got {raw[:40]!r}")
    value = float(raw)
    if not low <= value <= high:
        raise WebError(400, f"query parameter {name!r} must be between {low} and {high}, got {value}")
    return value


def _many(ask: Ask, name: str) -> list[str]:
    values = [v.strip() for v in ask.request.query_params.getlist(name) if v.strip()]
    if len(values) > MAX_CHANGES:
        raise WebError(400, f"at most {MAX_CHANGES} '{name}' parameters")
    for v in values:
        if len(v) > MAX_TEXT or re.search(r"[\x00-\x1f\x7f]", v):
            raise WebError(400, f"parameter {name!r} is too long or contains control characters")
    return values


def io_page(ask: Ask) -> Page:
    """Multipliers and linkages. Twin: ``chainatlas io multipliers [--region R] … --json``."""
    region = ask.text("region")
    code = ask.region_code(region) if region else None
    chain = ask.text("chain")
    cid = ask.chain_id(chain) if chain else None
    delta = _number(ask, "delta", 0.15, 0.0, 0.99)
    method = ask.choice("method", METHODS, "aflq")
    year = ask.integer("year", None, 2000, 2100)
    key = ("io", code, cid, delta, method, year, ask.reader.generation)
    data = ask.reader.memo(key, lambda: ask.reader.call(
        lambda a: a.io(code, year, method, delta, "ghosh", cid).to_dict()))
    if not ask.html:
        return Page("io", data)
    top = sorted(data["sectors"], key=lambda s: -s["output_multiplier"])
    section = Markup(render_io_section(data if data["nodes"] else None))
    return Page(f"投入产出 Input-output {data['region']['name_zh']}", data, "io.html.j2",
                {"d": data, "top": top, "section": section, "region_text": region or "", "chain_text": chain or "",
                 "methods": METHODS})


def whatif_page(ask: Ask) -> Page:
    """A scenario's before → after. Twin: ``chainatlas whatif R --chain C --add … --json``."""
    code = ask.region_code(ask.path("region"))
    cid = ask.chain_id(ask.path("chain"))
    ask.canonical(url("regions", code, "chains", cid, "whatif"))
    add, remove = _many(ask, "add"), _many(ask, "remove")
    share = _number(ask, "local_sourcing", None, 0.0, 1.0)
    delta = _number(ask, "delta", 0.15, 0.0, 0.99)
    year = ask.integer("year", None, 1949, 2100)
    key = ("whatif", code, cid, tuple(add), tuple(remove), share, delta, year, ask.reader.generation)
    data = ask.reader.memo(key, lambda: ask.reader.call(
        lambda a: a.whatif(code, cid, add=add, remove=remove, year=year, delta=delta,
                           local_sourcing=share).to_dict()))
    if not ask.html:
        return Page("whatif", data)
    section = Markup(render_io_section(None, data))
    return Page(f"情景 What if: {data['region']['name_zh']} × {data['chain']['name_zh']}", data, "whatif.html.j2",
                {"d": data, "section": section, "add_text": add, "remove_text": remove, "share": share,
                 "delta": delta, "code": code, "cid": cid})
