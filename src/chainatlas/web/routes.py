"""The dashboard's one route table: every URL with its handler, what it shows and its JSON twin.

Why one table: Starlette's routes (:func:`starlette_routes`) and the documented list (:func:`table`)
are both derived from :data:`ROUTES`, so a page cannot exist without being listed, and a reader finds
every URL's handler in one place. A page gets a ``.json`` twin (and an ``.xlsx`` where marked); a
``raw`` route is a single endpoint (static files, the Word download, the write API).

Path parts accept ids, codes, Chinese or English names; HTML requests are redirected to the
canonical URL (``/regions/滨州`` → ``/regions/371600``), JSON twins answer in place.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from starlette.routing import BaseRoute, Route

from chainatlas.web import analyses, api, briefing, browse, whatif
from chainatlas.web.endpoint import static, twins


@dataclass(frozen=True)
class Entry:
    """One route: its path pattern, handler, what it shows and the CLI question its twin answers."""

    path: str
    handler: Callable[..., Any]
    shows: str
    twin: str = "—"
    query: str = ""  # the query parameters it reads, as documented (``?chain=&regions=``)
    xlsx: bool = False  # also served as ``path.xlsx``
    raw: bool = False  # one endpoint taking the request itself (no twin)
    method: str = "GET"
    needs_token: bool = False  # present only when the server was started with a token


ROUTES: tuple[Entry, ...] = (
    Entry("/static/{name:path}", static, "scripts, styles and plotly.js, versioned in their names", raw=True),
    Entry("/", browse.home, "home: chains, provinces, search box",
          "{chains: `chains --json`, regions: provinces}"),
    Entry("/search", browse.search, "search by Chinese, English, code or id", "`search Q --json`", "?q="),
    Entry("/map", browse.region_map, "province tile grid (or CHAINATLAS_GEOJSON) shaded by a measure",
          "`map --chain C --measure M --json`", "?chain=&measure="),
    Entry("/compare", analyses.compare, "up to 10 regions side by side", "`compare --chain C --regions … --json`",
          "?chain=&regions=&level="),
    Entry("/evaluate", analyses.evaluate, "ranking under an indicator system",
          "`evaluate --system S --within P --json`", "?system=&within=&regions=&method="),
    Entry("/sources", browse.sources, "source records", "records"),
    Entry("/sources/{source}", browse.source, "one source record", "record"),
    Entry("/chains/{chain}", browse.chain, "layered chain map, national leaders per node", "`chain show C --json`"),
    Entry("/chains/{chain}/nodes/{node}", browse.node, "one link: inputs, outputs, leading regions, firms",
          "`chain node C N --json`"),
    Entry("/regions/{region}", browse.region, "chains with peer ranks, indicators with sources, firms",
          "`region show R --json`"),
    Entry("/regions/{region}/chains/{chain}", analyses.diagnosis,
          "diagnosis: map, Sankey, ladder, coverage, top-heaviness, peers", "`diagnose R --chain C --json`",
          "?year="),
    Entry("/regions/{region}/opportunities", analyses.opportunities, "quadrant chart and ranked links",
          "`opportunities R --chain C --json`", "?chain=&year="),
    Entry("/regions/{region}/targets", analyses.targets, "target firms with reasons (+ .xlsx)",
          "`targets R --node N --n K --json`", "?node=&n= or ?chain=&top=&n=", xlsx=True),
    Entry("/io", whatif.io_page, "input-output multipliers, linkages, key sectors",
          "`io multipliers --region R --json`", "?region=&chain=&method=&delta=&year="),
    Entry("/regions/{region}/chains/{chain}/whatif", whatif.whatif_page,
          "what-if: before → after and input-output impact", "`whatif R --chain C --add N=Q --json`",
          "?add=&remove=&local_sourcing=&delta="),
    Entry("/regions/{region}/chains/{chain}/lists", briefing.lists,
          "the five lists (清单), chain map, point map (+ .xlsx)", "`lists R --chain C --json`", xlsx=True),
    Entry("/regions/{region}/chains/{chain}/brief.docx", briefing.brief_download,
          "the Word briefing (same as `chainatlas brief`)", raw=True),
    Entry("/regions/{region}/chains/{chain}/points", briefing.points,
          "regions and firm counts at their coordinates", "the facade's `points(R, C)`"),
    Entry("/regions/{region}/plan", briefing.plan, "plan targets against actual figures", "`plan R --json`"),
    Entry("/regions/{region}/series", briefing.series, "figures with several years, region vs nation",
          "{series: `series R --chain C --json`}", "?chain="),
    Entry("/api/import/{kind}", api.import_file, "import a file (only with --token; Bearer token)",
          "`import KIND FILE --json`", raw=True, method="POST", needs_token=True),
)


def starlette_routes(token: bool) -> list[BaseRoute]:
    """The app's routes: every page with its twins, the raw endpoints, the API only with a token."""
    out: list[BaseRoute] = []
    for entry in ROUTES:
        if entry.needs_token and not token:
            continue
        if entry.raw:
            out.append(Route(entry.path, entry.handler, methods=[entry.method]))
        else:
            out += twins(entry.path, entry.handler, xlsx=entry.xlsx)
    return out


def table() -> list[tuple[str, str, str, str]]:
    """(method, path with its query, what it shows, JSON twin) per route, for documentation."""
    return [(e.method, e.path + e.query, e.shows, e.twin) for e in ROUTES]
