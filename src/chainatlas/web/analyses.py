"""Pages that answer the analytical questions: diagnosis, comparison, opportunities, targets, evaluation.

Each twin is exactly the CLI's ``--json`` for the same question: ``diagnose R --chain C``,
``compare --chain C --regions …``, ``opportunities R [--chain C]``, ``targets R --node N --n K`` (or
``targets R [--chain C] --top T`` without a node), ``evaluate --system S [--within P | --regions …]``.
Charts reuse :mod:`chainatlas.report.charts`, so the dashboard and the HTML report draw the same.
"""

from __future__ import annotations

import pandas as pd

from chainatlas.analysis.diagnosis import LEVELS
from chainatlas.analysis.settings import limit
from chainatlas.atlas import Atlas
from chainatlas.report import chainmap, charts
from chainatlas.results import jsonable
from chainatlas.web import tables
from chainatlas.web.endpoint import Ask, Page
from chainatlas.web.errors import WebError
from chainatlas.web.render import url

# ---------------------------------------------------------------------- diagnosis


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
    code = ask.region_code(ask.path("region"))
    cid = ask.chain_id(ask.path("chain"))
    ask.canonical(url("regions", code, "chains", cid))
    year = ask.year()
    d = ask.reader.answer(Atlas.diagnose, code, cid, year)
    if not ask.html:
        return Page("diagnosis", d)
    # the same peers as the region report: the region, then the chain's leaders of its level
    peers = ask.reader.answer(Atlas.compare, cid, ask.reader.ask(Atlas.peers, code, cid, year), year)
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
    sources = jsonable(ask.reader.ask(Atlas.sources_for, d["sources"]))
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
    cap = limit("compare_cap")
    if len(names) > cap:
        raise WebError(400, f"compare takes at most {cap} regions, got {len(names)}")
    if any(len(n) > 200 for n in names):
        raise WebError(400, "a region name in 'regions' is longer than 200 characters")
    return names or None


def compare(ask: Ask) -> Page:
    """Up to 10 regions side by side. Twin: ``chainatlas compare --chain C [--regions …] [--level L] --json``."""
    chain_name = ask.text("chain", required=not ask.html)
    if not chain_name:
        chains = ask.reader.answer(Atlas.chains)["rows"]
        return Page("比较 Compare", None, "compare.html.j2", {"c": None, "chains": chains, "regions_text": ""})
    names = _region_list(ask)
    level = ask.choice("level", LEVELS, "prefecture")
    year = ask.year()
    data = ask.reader.answer(Atlas.compare, chain_name, names, year, level=level)
    if not ask.html:
        return Page("compare", data)
    cid = data["chain"]["id"]
    view = ask.reader.ask(Atlas.chain, cid)
    order = [n for layer in view.layers for n in layer["nodes"]]
    node_names = dict(zip(view.nodes["id"], view.nodes["name_zh"] + " " + view.nodes["name_en"], strict=True))
    status = {row["node_id"]: row for row in data["node_status"]} if data["node_status"] else {}
    focus = data["regions"][0]["region"] if data["regions"] else ""
    chains = ask.reader.answer(Atlas.chains)["rows"]
    return Page(f"比较 Compare: {data['chain']['name_zh']} {data['chain']['name_en']}", data, "compare.html.j2",
                {"c": data, "order": order, "node_names": node_names, "status": status, "chains": chains,
                 "regions_text": ",".join(r["region"] for r in data["regions"]), "level": level},
                charts={"peers": charts.peer_bars(data, focus)})


# ---------------------------------------------------------------------- opportunities and targets
def opportunities(ask: Ask) -> Page:
    """Links to strengthen, supplement or extend. Twin: ``chainatlas opportunities R [--chain C] --json``."""
    code = ask.region_code(ask.path("region"))
    chain_name = ask.text("chain")
    cid = ask.chain_id(chain_name) if chain_name else None
    ask.canonical(url("regions", code, "opportunities"))
    year = ask.year()
    data = ask.reader.answer(Atlas.opportunities, code, cid, None, year)
    if not ask.html:
        return Page("opportunities", data)
    chains = ask.reader.answer(Atlas.chains)["rows"]
    picked = ask.reader.ask(Atlas.node_records, [c["node_id"] for c in data["candidates"]])
    quadrant_sources = sorted(set(picked["unit_value_source"].dropna()))
    return Page(f"{data['region']['name_zh']} 强链补链延链机会 {data['region']['name_en']} opportunities", data,
                "opportunities.html.j2", {"o": data, "chain_id": cid, "chains": chains, "quadrant_sources": quadrant_sources,
                                          "action_labels": charts.ACTION_LABELS,
                                          "action_colours": charts.ACTION_COLOURS},
                charts={"quadrant": charts.quadrant(data, lambda nid: url("regions", code, "targets", node=nid))})


def targets(ask: Ask) -> Page:
    """Whom to attract for a link, with reasons, and the Excel hand-out.

    Twin: ``chainatlas targets R --node N --n K --json``; without ``node``, the top links of the
    opportunity list: ``chainatlas targets R [--chain C] --n K --top T --json`` (a list).
    """
    code = ask.region_code(ask.path("region"))
    ask.canonical(url("regions", code, "targets"))
    node_name = ask.text("node")
    chain_name = ask.text("chain")
    n = ask.integer("n", 20, 1, 200)
    top = ask.integer("top", 5, 1, 20)
    reader = ask.reader
    if node_name:
        nid = ask.node_id(node_name)
        lists = [reader.ask(Atlas.targets, code, nid, n=n)]
        data = reader.answer(Atlas.targets, code, nid, n=n)
    else:
        cid = ask.chain_id(chain_name) if chain_name else None
        opp = reader.ask(Atlas.opportunities, code, cid)
        lists = reader.memo(("targets-top", code, cid, n, top, reader.generation),
                            lambda: reader.call(lambda a: a.targets(code, opp, n=n, top=top)))
        data = reader.memo(("targets-top-dicts", code, cid, n, top, reader.generation),
                           lambda: [t.to_dict() for t in lists])

    def write(path):
        from chainatlas.report.xlsx import write_targets_xlsx

        return write_targets_xlsx(path, lists, reader.ask(Atlas.source_records))

    filename = f"targets-{code}-{node_name or chain_name or 'top'}.xlsx"
    if not ask.html:
        return Page("targets", data, xlsx=write, filename=filename)
    dicts = data if isinstance(data, list) else [data]
    region_rec = dicts[0]["region"] if dicts else reader.answer(Atlas.region, code)["region"]
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
    system = ask.text("system", required=not ask.html)
    systems = ask.reader.ask(Atlas.systems)
    choices = [{"id": k, "name_zh": v.name_zh, "name_en": v.name_en} for k, v in systems.items()]
    if not system:
        return Page("评价 Evaluate", None, "evaluate.html.j2", {"e": None, "systems": choices})
    if system not in systems:
        raise WebError(400, f"unknown indicator system {system!r}; shipped: {', '.join(systems)}",
                       suggestions=list(systems))
    within = ask.text("within")
    names = _region_list(ask)
    method = ask.choice("method", METHODS, "entropy-topsis")
    year = ask.year()
    data = ask.reader.answer(Atlas.evaluate, system, names, within, year, method=method)
    if not ask.html:
        return Page("evaluate", data)
    obs_sources = sorted({o["source_id"] for o in data["observations"] if o.get("source_id")})
    return Page(f"评价 Evaluate: {data['system_name']['zh']} {data['system_name']['en']}", data,
                "evaluate.html.j2", {"e": data, "systems": choices, "system": system, "within": within or "",
                                     "method": method, "methods": METHODS, "obs_sources": obs_sources},
                charts={"scores": _score_chart(data)})
