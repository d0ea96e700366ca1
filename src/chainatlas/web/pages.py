"""The dashboard's URL map: every page with its ``.json`` twin (and ``.xlsx`` where there is one).

Path parts accept ids, codes, Chinese or English names; HTML requests are redirected to the
canonical URL (``/regions/滨州`` → ``/regions/371600``), JSON twins answer in place.
"""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from chainatlas.web import analyses, briefing, browse, whatif
from chainatlas.web.endpoint import twins


def routes() -> list[BaseRoute]:
    out: list[BaseRoute] = []
    out += twins("/", browse.home)
    out += twins("/search", browse.search)
    out += twins("/map", browse.region_map)
    out += twins("/compare", analyses.compare)
    out += twins("/evaluate", analyses.evaluate)
    out += twins("/sources", browse.sources)
    out += twins("/sources/{source}", browse.source)
    out += twins("/chains/{chain}", browse.chain)
    out += twins("/chains/{chain}/nodes/{node}", browse.node)
    out += twins("/regions/{region}", browse.region)
    out += twins("/regions/{region}/chains/{chain}", analyses.diagnosis)
    out += twins("/regions/{region}/opportunities", analyses.opportunities)
    out += twins("/regions/{region}/targets", analyses.targets, xlsx=True)
    out += twins("/io", whatif.io_page)
    out += twins("/regions/{region}/chains/{chain}/whatif", whatif.whatif_page)
    out += twins("/regions/{region}/chains/{chain}/lists", briefing.lists, xlsx=True)
    out.append(Route("/regions/{region}/chains/{chain}/brief.docx", briefing.brief_download, methods=["GET"]))
    out += twins("/regions/{region}/chains/{chain}/points", briefing.points)
    out += twins("/regions/{region}/plan", briefing.plan)
    out += twins("/regions/{region}/series", briefing.series)
    return out


# (method, path pattern, what it shows, JSON twin) — the table the README and the route tests use
ROUTES = [
    ("GET", "/", "home: chains, provinces, search box", "{chains: `chains --json`, regions: provinces}"),
    ("GET", "/search?q=", "search by Chinese, English, code or id", "`search Q --json`"),
    ("GET", "/chains/{chain}", "layered chain map, national leaders per node", "`chain show C --json`"),
    ("GET", "/chains/{chain}/nodes/{node}", "one link: inputs, outputs, leading regions, firms", "node record"),
    ("GET", "/regions/{region}", "chains with peer ranks, indicators with sources, firms", "`region show R --json`"),
    ("GET", "/regions/{region}/chains/{chain}", "diagnosis: map, Sankey, ladder, coverage, top-heaviness, peers",
     "`diagnose R --chain C --json`"),
    ("GET", "/regions/{region}/opportunities?chain=", "quadrant chart and ranked links",
     "`opportunities R --chain C --json`"),
    ("GET", "/regions/{region}/targets?node=&n=", "target firms with reasons (+ .xlsx)",
     "`targets R --node N --n K --json`"),
    ("GET", "/regions/{region}/chains/{chain}/lists", "the five lists (清单), chain map, point map (+ .xlsx)",
     "`lists R --chain C --json`"),
    ("GET", "/regions/{region}/chains/{chain}/brief.docx", "the Word briefing (same as `chainatlas brief`)", "—"),
    ("GET", "/regions/{region}/chains/{chain}/points", "regions and firm counts at their coordinates", "points"),
    ("GET", "/regions/{region}/plan", "plan targets against actual figures", "`plan R --json`"),
    ("GET", "/regions/{region}/series?chain=", "figures with several years, region vs nation",
     "{series: `series R --chain C --json`}"),
    ("GET", "/compare?chain=&regions=", "up to 10 regions side by side", "`compare --chain C --regions … --json`"),
    ("GET", "/map?chain=&measure=", "province tile grid (or CHAINATLAS_GEOJSON) shaded by a measure", "tiles"),
    ("GET", "/evaluate?system=&within=", "ranking under an indicator system", "`evaluate --system S --within P --json`"),
    ("GET", "/sources, /sources/{id}", "source records", "records"),
    ("GET", "/io?region=&chain=&method=&delta=&year=", "input-output multipliers, linkages, key sectors",
     "`io multipliers --region R --json`"),
    ("GET", "/regions/{region}/chains/{chain}/whatif?add=&remove=&local_sourcing=&delta=",
     "what-if: before → after and input-output impact", "`whatif R --chain C --add N=Q --json`"),
    ("POST", "/api/import/{kind}", "import a file (only with --token; Bearer token)", "`import KIND FILE --json`"),
]
