"""Dashboard pages of the briefing pack: the five lists, plan targets, time series and the point map.

Twins: ``/regions/R/chains/C/lists.json`` is ``chainatlas lists R --chain C --json``;
``/regions/R/plan.json`` is ``chainatlas plan R --json``; ``/regions/R/series.json?chain=C`` is
``{"series": chainatlas series R --chain C --json}``; ``/regions/R/chains/C/points.json`` is the
facade's ``points(R, C).to_dict()``. The lists page also offers the lists as Excel (Chinese headers).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from urllib.parse import quote

import pandas as pd
from starlette.requests import Request
from starlette.responses import Response

from chainatlas.analysis.briefing import LIST_TITLES
from chainatlas.atlas import Atlas
from chainatlas.report import chainmap
from chainatlas.report.briefcharts import points_chart, series_chart
from chainatlas.report.labels import relabel, short
from chainatlas.web.endpoint import Ask, Page
from chainatlas.web.render import url
from chainatlas.web.responses import error_response

COLUMNS = {  # the columns each list shows on the page (the twin has all)
    "leading": ["node_name_zh", "rank", "name_zh", "region_name_zh", "basis", "quantity", "quantity_unit", "year",
                "source_id"],
    "targets": ["node_name_zh", "rank", "name_zh", "region_name_zh", "distance_km", "reason_zh", "source_id"],
    "chokepoints": ["name_zh", "status", "shortfall", "domestic_makers", "import_dependence", "chokepoint", "reason",
                    "import_source"],
    "partners": ["name_zh", "links_zh", "links_covered", "firms", "distance_km"],
    "innovation": ["region_name_zh", "indicator_name_zh", "value", "unit", "year", "source_id", "note"],
}
PLAN_COLUMNS = ["region_name_zh", "park", "indicator_name_zh", "comparator", "target", "unit", "target_year",
                "actual", "actual_year", "progress", "status", "target_source", "actual_source", "note"]


def _rows(records: list[dict], columns: list[str]) -> dict:
    return {"head": [short(c) for c in columns], "fields": columns,
            "rows": [[r.get(c) for c in columns] for r in records]}


def lists(ask: Ask) -> Page:
    """The five lists of a region's chain, with the chain map and point map. Twin: ``lists R --chain C --json``."""
    code = ask.region_code(ask.path("region"))
    cid = ask.chain_id(ask.path("chain"))
    ask.canonical(url("regions", code, "chains", cid, "lists"))
    data = ask.reader.answer(Atlas.lists, code, cid)

    def write(path):
        frames = ask.reader.ask(Atlas.lists, code, cid).frames()
        with pd.ExcelWriter(path, engine="openpyxl") as xl:
            for key, frame in frames.items():
                flat = frame.map(lambda v: "、".join(map(str, v)) if isinstance(v, list) else v)
                relabel(flat).to_excel(xl, sheet_name=LIST_TITLES[key][0][:31], index=False)
        return path

    filename = f"lists-{code}-{cid}.xlsx"
    if not ask.html:
        return Page("lists", data, xlsx=write, filename=filename)
    d = ask.reader.answer(Atlas.diagnose, code, cid)
    nodes, links = pd.DataFrame(d["nodes"]), pd.DataFrame(d["links"])
    svg = chainmap.map_svg(d["layers"], nodes, links if len(links) else
                           pd.DataFrame(columns=["source_node", "target_node"]),
                           link_prefix=url("chains", cid, "nodes") + "/")
    points = ask.reader.answer(Atlas.points, code, cid)
    tables = {k: _rows(data[k], COLUMNS[k]) for k in LIST_TITLES}
    r, c = data["region"], data["chain"]
    return Page(f"{r['name_zh']} · {c['name_zh']} 清单 {r['name_en']} {c['name_en']} lists", data,
                "briefing.html.j2",
                {"b": data, "tables": tables, "titles": LIST_TITLES, "svg": svg, "kind": "lists",
                 "xlsx_url": ask.request.url.path + ".xlsx", "region": r, "chain": c},
                charts={"points": points_chart(points)}, xlsx=write, filename=filename)


def plan(ask: Ask) -> Page:
    """Plan targets against actual figures. Twin: ``chainatlas plan R --json``."""
    code = ask.region_code(ask.path("region"))
    ask.canonical(url("regions", code, "plan"))
    data = ask.reader.answer(Atlas.plan_progress, code)
    if not ask.html:
        return Page("plan", data)
    r = data["region"]
    return Page(f"{r['name_zh']} 规划目标与进展 {r['name_en']} plan targets", data, "briefing.html.j2",
                {"kind": "plan", "region": r, "plan": _rows(data["rows"], PLAN_COLUMNS)})


def series(ask: Ask) -> Page:
    """Every figure of the region with several years. Twin: ``{"series": chainatlas series R --chain C --json}``."""
    code = ask.region_code(ask.path("region"))
    chain_name = ask.text("chain", required=False)
    cid = ask.chain_id(chain_name) if chain_name else None
    found = ask.reader.memo(("series_for", code, cid, ask.reader.generation),
                            lambda: [s.to_dict() for s in ask.reader.ask(Atlas.series_for, code, cid)])
    data = {"region": code, "chain": cid, "series": found}
    if not ask.html:
        return Page("series", data)
    r = ask.reader.answer(Atlas.region, code)["region"]
    charts = {f"series{i}": series_chart(s) for i, s in enumerate(found)}
    return Page(f"{r['name_zh']} 时间序列 {r['name_en']} time series", data, "briefing.html.j2",
                {"kind": "series", "region": r, "series": found,
                 "series_tables": [_rows(s["rows"], ["year", "region_value", "region_growth", "national_value",
                                                     "national_growth", "share", "unit", "region_source",
                                                     "national_source"]) for s in found]},
                charts=charts)


def points(ask: Ask) -> Page:
    """Regions making the chain, sized by firms, at their coordinates. Twin: the facade's ``points``."""
    code = ask.region_code(ask.path("region"))
    cid = ask.chain_id(ask.path("chain"))
    ask.canonical(url("regions", code, "chains", cid, "points"))
    data = ask.reader.answer(Atlas.points, code, cid)
    if not ask.html:
        return Page("points", data)
    r, c = data["region"], data["chain"]
    return Page(f"{r['name_zh']} · {c['name_zh']} 地理分布 {r['name_en']} {c['name_en']} point map", data,
                "briefing.html.j2", {"kind": "points", "region": r, "chain": c,
                                     "pts": _rows(data["points"], ["name_zh", "name_en", "firms", "nodes", "lon", "lat",
                                                                   "firm_names"])},
                charts={"points": points_chart(data)})


DOCX_MEDIA = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def brief_download(request: Request) -> Response:
    """The Word briefing of a region's chain as a download (same document as ``chainatlas brief``)."""
    reader = request.app.state.reader
    ask = Ask(request, reader, "docx")
    try:
        code = ask.region_code(ask.path("region"))
        cid = ask.chain_id(ask.path("chain"))

        def make() -> tuple[bytes, str]:
            with tempfile.TemporaryDirectory(prefix="chainatlas-web-brief-") as tmp:
                out = Path(tmp) / "brief.docx"
                reader.call(lambda a: a.brief(code, cid, out))
                name = (reader.ask(Atlas.names, "regions")[code]["name_zh"]
                        + reader.ask(Atlas.names, "chains")[cid]["name_zh"] + "简报.docx")
                return out.read_bytes(), name

        body, name = reader.memo(("brief-docx", code, cid, reader.generation), make)
    except Exception as exc:  # the one error shape every page uses
        return error_response(exc, request.url.path, request.headers.get("accept", ""))
    return Response(body, 200, media_type=DOCX_MEDIA,
                    headers={"content-disposition": f"attachment; filename*=UTF-8''{quote(name)}"})
