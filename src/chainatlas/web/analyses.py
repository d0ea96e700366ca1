"""Pages that answer the analytical questions: diagnosis, comparison, opportunities, targets, evaluation.

Each twin is exactly the CLI's ``--json`` for the same question: ``diagnose R --chain C``,
``compare --chain C --regions …``, ``opportunities R [--chain C]``, ``targets R --node N --n K`` (or
``targets R [--chain C] --top T`` without a node), ``evaluate --system S [--within P | --regions …]``.
Charts reuse :mod:`chainatlas.report.charts`, so the dashboard and the HTML report draw the same.
"""

from __future__ import annotations

import pandas as pd

from chainatlas.report import chainmap, charts
from chainatlas.results import jsonable
from chainatlas.web import tables
from chainatlas.web.browse import LEVELS, _chain_id, _region_code
from chainatlas.web.endpoint import Ask, Page
from chainatlas.web.errors import WebError
from chainatlas.web.render import url

MAX_COMPARE = 10
ACTION_COLOURS = {"strengthen": "#1a9850", "supplement": "#fdae61", "extend": "#2c7fb8", "watch": "#999999"}
ACTION_LABELS = {"strengthen": "强链 strengthen", "supplement": "补链 supplement", "extend": "延链 extend",
                 "watch": "观望 watch"}


def _year(ask: Ask) -> int | None:
    return ask.integer("year", None, 1949, 2100)


def _need(ask: Ask, method: str, what: str) -> None:
    if not ask.reader.has(method):
        raise WebError(501, f"this version of chainatlas has no {what} (Atlas.{method})")


# ---------------------------------------------------------------------- diagnosis
def _peer_codes(ask: Ask, cid: str, code: str, level: str, year: int | None) -> list[str]:
    """The region and the chain's top regions of its level (as the region report picks its peers)."""
    top = [r["region"] for r in ask.reader.answer("compare", cid, None, year, level=level)["regions"]]
    return top if code in top else [code] + top[:MAX_COMPARE - 1]


def _figure_sources(d: dict) -> dict[str, list[str]]:
    """Source ids behind each figure of a diagnosis, so every figure links to where its numbers come from."""
    on_paths = {n for vp in d["value_paths"] for n in vp["path"]}
    quantity = sorted({s for n in d["nodes"] for s in n["quantity_sources"] + n["national_sources"]})
    path_quantity = sorted({s for n in d["nodes"] if n["node_id"] in on_paths for s in n["quantity_sources"]})
    prices = sorted({r["unit_value_source"] for vp in d["value_paths"] for r in vp["ladder"] if r["unit_value_source"]}
                    | {r["coefficient_source"] for vp in d["value_paths"] for r in vp["ladder"]
                       if r.get("coefficient_source")})
    firms = sorted({f["source_id"] for f in d["firms"] if f.get("source_id")})
    node_prices = sorted({n["unit_value_source"] for n in d["nodes"] if n.get("unit_value_source")})
    return {"map": sorted(set(firms) | set(quantity)), "sankey": sorted(set(path_quantity) | set(prices)),
            "ladder": prices, "coverage": quantity, "top": sorted(set(quantity) | set(node_prices)),
            "firms": firms}


def diagnosis(ask: Ask) -> Page:
    """The region × chain diagnosis. Twin: ``chainatlas diagnose R --chain C [--year Y] --json``."""
    code = _region_code(ask, ask.path("region"))
    cid = _chain_id(ask, ask.path("chain"))
    ask.canonical(url("regions", code, "chains", cid))
    year = _year(ask)
    d = ask.reader.answer("diagnose", code, cid, year)
    if not ask.html:
        return Page("diagnosis", d)
    level = d["region"]["level"] if d["region"]["level"] in LEVELS else "province"
    peers = ask.reader.answer("compare", cid, _peer_codes(ask, cid, code, level, year), year)
    nodes = pd.DataFrame(d["nodes"])
    firms = pd.DataFrame(d["firms"])
    links = pd.DataFrame(d["links"]) if d["links"] else pd.DataFrame(columns=["source_node", "target_node"])
    svg = chainmap.map_svg(d["layers"], nodes, links, firms if len(firms) else None,
                               link_prefix=url("chains", cid, "nodes") + "/")
    figures = {"sankey": charts.sankey(d), "ladder": charts.ladder_bars(d["value_paths"]),
               "coverage": charts.coverage_bars(d["stages"]), "top": charts.top_heaviness_bars(d["top_heaviness"]),
               "peers": charts.peer_bars(peers, code)}
    names = {n["node_id"]: f"{n['name_zh']} {n['name_en']}" for n in d["nodes"]}
    region_names = tables.region_names(ask.reader)
    counts = {s: sum(1 for n in d["nodes"] if n["status"] == s) for s in charts.STATUS_LABELS}
    sources = jsonable(ask.reader.ask("sources_for", d["sources"]))
    firms_by_node = [(n["node_id"], [f for f in d["firms"] if f["node_id"] == n["node_id"]]) for n in d["nodes"]]
    return Page(f"{d['region']['name_zh']} · {d['chain']['name_zh']} 产业链诊断 {d['region']['name_en']} "
                f"{d['chain']['name_en']} diagnosis", d, "diagnosis.html.j2",
                {"d": d, "svg": svg, "peers": peers, "names": names, "counts": counts, "sources": sources,
                 "figure_sources": _figure_sources(d), "firms_by_node": [x for x in firms_by_node if x[1]],
                 "region_names": region_names, "peer_codes": [r["region"] for r in peers["regions"]]},
                charts=figures)


# ---------------------------------------------------------------------- comparison
def _region_list(ask: Ask) -> list[str] | None:
    raw = ask.request.query_params.get("regions", "")
    if len(raw) > 2000:
        raise WebError(400, "query parameter 'regions' is too long")
    names = [r.strip() for r in raw.replace("，", ",").split(",") if r.strip()]
    if len(names) > MAX_COMPARE:
        raise WebError(400, f"compare takes at most {MAX_COMPARE} regions, got {len(names)}")
    if any(len(n) > 200 for n in names):
        raise WebError(400, "a region name in 'regions' is longer than 200 characters")
    return names or None


def compare(ask: Ask) -> Page:
    """Up to 10 regions side by side. Twin: ``chainatlas compare --chain C [--regions …] [--level L] --json``."""
    chain_name = ask.text("chain", required=not ask.html)
    if not chain_name:
        chains = ask.reader.answer("chains")["rows"]
        return Page("比较 Compare", None, "compare.html.j2", {"c": None, "chains": chains, "regions_text": ""})
    names = _region_list(ask)
    level = ask.choice("level", LEVELS, "prefecture")
    year = _year(ask)
    data = ask.reader.answer("compare", chain_name, names, year, level=level)
    if not ask.html:
        return Page("compare", data)
    cid = data["chain"]["id"]
    view = ask.reader.ask("chain", cid)
    order = [n for layer in view.layers for n in layer["nodes"]]
    node_names = dict(zip(view.nodes["id"], view.nodes["name_zh"] + " " + view.nodes["name_en"], strict=True))
    status = {row["node_id"]: row for row in data["node_status"]} if data["node_status"] else {}
    focus = data["regions"][0]["region"] if data["regions"] else ""
    chains = ask.reader.answer("chains")["rows"]
    return Page(f"比较 Compare: {data['chain']['name_zh']} {data['chain']['name_en']}", data, "compare.html.j2",
                {"c": data, "order": order, "node_names": node_names, "status": status, "chains": chains,
                 "regions_text": ",".join(r["region"] for r in data["regions"]), "level": level},
                charts={"peers": charts.peer_bars(data, focus)})


# ---------------------------------------------------------------------- opportunities and targets
def _quadrant(data: dict, code: str) -> dict | None:
    points = data.get("quadrant", {}).get("points", [])
    if not points:
        return None
    traces = []
    known = [p["size"] for p in points if p.get("size")]
    biggest = max(known) if known else 0
    for action, colour in ACTION_COLOURS.items():
        mine = [p for p in points if p["action"] == action]
        if not mine:
            continue
        sizes = [12 + 28 * ((p["size"] or 0) / biggest) ** 0.5 if biggest and p.get("size") else 12 for p in mine]
        traces.append({
            "type": "scatter", "mode": "markers+text", "name": ACTION_LABELS[action],
            "x": [p["x"] for p in mine], "y": [p["y"] for p in mine],
            "text": [p["name_zh"] for p in mine], "textposition": "top center",
            "customdata": [url("regions", code, "targets", node=p["node_id"]) for p in mine],
            "hovertext": [f"{p['name_zh']} {p['name_en']} · {p['label']}" for p in mine], "hoverinfo": "text",
            "marker": {"size": sizes, "color": colour, "opacity": 0.8, "line": {"width": 1, "color": "#333"}}})
    return {"data": traces, "layout": {
        "title": {"text": "机会象限 Opportunity quadrant（点击查看招商目标 click for targets）"}, "height": 460,
        "xaxis": {"title": {"text": "关联度 relatedness"}, "range": [-0.05, 1.05]},
        "yaxis": {"title": {"text": "增值潜力 value uplift"}, "range": [-0.05, 1.15]},
        "shapes": [{"type": "line", "x0": 0.5, "x1": 0.5, "y0": -0.05, "y1": 1.15, "line": {"dash": "dot", "color": "#aaa"}},
                   {"type": "line", "x0": -0.05, "x1": 1.05, "y0": 0.5, "y1": 0.5, "line": {"dash": "dot", "color": "#aaa"}}],
        "margin": {"l": 60, "r": 10, "t": 50, "b": 50}, "legend": {"orientation": "h"}}}


def opportunities(ask: Ask) -> Page:
    """Links to strengthen, supplement or extend. Twin: ``chainatlas opportunities R [--chain C] --json``."""
    _need(ask, "opportunities", "opportunity analysis")
    code = _region_code(ask, ask.path("region"))
    chain_name = ask.text("chain")
    cid = _chain_id(ask, chain_name) if chain_name else None
    ask.canonical(url("regions", code, "opportunities"))
    year = _year(ask)
    data = ask.reader.answer("opportunities", code, cid, None, year)
    if not ask.html:
        return Page("opportunities", data)
    chains = ask.reader.answer("chains")["rows"]
    nodes = ask.reader.atlas.tables["nodes"]
    picked = nodes[nodes["id"].isin([c["node_id"] for c in data["candidates"]])]
    quadrant_sources = sorted(set(picked["unit_value_source"].dropna()))
    return Page(f"{data['region']['name_zh']} 强链补链延链机会 {data['region']['name_en']} opportunities", data,
                "opportunities.html.j2", {"o": data, "chain_id": cid, "chains": chains, "quadrant_sources": quadrant_sources,
                                          "action_labels": ACTION_LABELS, "action_colours": ACTION_COLOURS},
                charts={"quadrant": _quadrant(data, code)})


def targets(ask: Ask) -> Page:
    """Whom to attract for a link, with reasons, and the Excel hand-out.

    Twin: ``chainatlas targets R --node N --n K --json``; without ``node``, the top links of the
    opportunity list: ``chainatlas targets R [--chain C] --n K --top T --json`` (a list).
    """
    _need(ask, "targets", "target lists")
    code = _region_code(ask, ask.path("region"))
    ask.canonical(url("regions", code, "targets"))
    node_name = ask.text("node")
    chain_name = ask.text("chain")
    n = ask.integer("n", 20, 1, 200)
    top = ask.integer("top", 5, 1, 20)
    reader = ask.reader
    if node_name:
        nid = reader.ask("resolve_node", node_name)
        lists = [reader.ask("targets", code, nid, n=n)]
        data = reader.answer("targets", code, nid, n=n)
    else:
        cid = _chain_id(ask, chain_name) if chain_name else None
        opp = reader.ask("opportunities", code, cid)
        lists = reader.memo(("targets-top", code, cid, n, top, reader.generation),
                            lambda: reader.call(lambda a: a.targets(code, opp, n=n, top=top)))
        data = reader.memo(("targets-top-dicts", code, cid, n, top, reader.generation),
                           lambda: [t.to_dict() for t in lists])

    def write(path):
        from chainatlas.report.xlsx import write_targets_xlsx

        return reader.call(lambda a: write_targets_xlsx(path, lists, a.tables["sources"]))

    filename = f"targets-{code}-{node_name or chain_name or 'top'}.xlsx"
    if not ask.html:
        return Page("targets", data, xlsx=write, filename=filename)
    dicts = data if isinstance(data, list) else [data]
    region_rec = dicts[0]["region"] if dicts else reader.answer("region", code)["region"]
    xlsx_url = ask.request.url.path + ".xlsx" + ("?" + ask.request.url.query if ask.request.url.query else "")
    return Page(f"{region_rec['name_zh']} 招商目标 {region_rec['name_en']} targets", data, "targets.html.j2",
                {"lists": dicts, "region": region_rec, "xlsx_url": xlsx_url, "n": n, "single": bool(node_name)},
                xlsx=write, filename=filename)


# ---------------------------------------------------------------------- evaluation
METHODS = ("entropy-topsis", "entropy", "topsis", "weighted-sum", "expert-topsis")


def _score_chart(data: dict) -> dict | None:
    rows = data.get("regions") or []
    if not rows:
        return None
    keys = list(data.get("weights") or {})
    labels = [f"{r.get('name_zh', r['region'])}" for r in rows]
    traces = [{"type": "bar", "name": k, "x": labels, "y": [(r.get("contributions") or {}).get(k) for r in rows]}
              for k in keys]
    return {"data": traces, "layout": {"barmode": "stack", "height": 380,
                                       "title": {"text": "指标贡献 Weighted contributions by indicator"},
                                       "margin": {"l": 50, "r": 10, "t": 40, "b": 70}, "legend": {"orientation": "h"}}}


def evaluate(ask: Ask) -> Page:
    """Rank regions under an indicator system. Twin: ``chainatlas evaluate --system S [--within P] --json``."""
    _need(ask, "evaluate", "evaluation")
    system = ask.text("system", required=not ask.html)
    systems = ask.reader.memo(("systems", ask.reader.generation), lambda: ask.reader.call(lambda a: a.systems()))
    choices = [{"id": k, "name_zh": v.name_zh, "name_en": v.name_en} for k, v in systems.items()]
    if not system:
        return Page("评价 Evaluate", None, "evaluate.html.j2", {"e": None, "systems": choices})
    if system not in systems:
        raise WebError(400, f"unknown indicator system {system!r}; shipped: {', '.join(systems)}",
                       suggestions=list(systems))
    within = ask.text("within")
    names = _region_list(ask)
    method = ask.choice("method", METHODS, "entropy-topsis")
    year = _year(ask)
    data = ask.reader.answer("evaluate", system, names, within, year, method=method)
    if not ask.html:
        return Page("evaluate", data)
    obs_sources = sorted({o["source_id"] for o in data["observations"] if o.get("source_id")})
    return Page(f"评价 Evaluate: {data['system_name']['zh']} {data['system_name']['en']}", data,
                "evaluate.html.j2", {"e": data, "systems": choices, "system": system, "within": within or "",
                                     "method": method, "methods": METHODS, "obs_sources": obs_sources},
                charts={"scores": _score_chart(data)})
