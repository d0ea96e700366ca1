"""Pages for finding one's way: home, search, chains and their nodes, regions, sources and the map.

Each handler asks the facade one question; its answer's ``to_dict()`` is the ``.json`` twin (equal
to the CLI's ``--json`` output where the CLI asks the same question) and feeds the template.
"""

from __future__ import annotations

import difflib

import pandas as pd

from chainatlas.analysis.overview import MAP_MEASURES
from chainatlas.atlas import Atlas
from chainatlas.model.entities import LEVELS
from chainatlas.report import chainmap
from chainatlas.results import jsonable
from chainatlas.web import tables, tilegrid
from chainatlas.web.endpoint import Ask, Page
from chainatlas.web.errors import WebError
from chainatlas.web.render import url


# ---------------------------------------------------------------------- home and search
def home(ask: Ask) -> Page:
    """Chains and regions. Twin: ``{"chains": <chainatlas chains --json>, "regions": [provinces with firms]}``."""
    chains = ask.reader.answer(Atlas.chains)
    firms = ask.reader.ask(Atlas.firm_counts, "province")
    regions = [{**p, "firms": firms.get(p["code"], 0)} for p in tables.provinces(ask.reader)]
    data = {"chains": chains, "regions": regions}
    if not ask.html:
        return Page("home", data)
    grid = tilegrid.tile_svg({r["code"]: r["firms"] or None for r in regions},
                             {r["code"]: url("regions", r["code"]) for r in regions}, "企业数 firms")
    return Page("chainatlas 产业链地图 Industrial-chain atlas", data, "home.html.j2",
                {"chains": chains["rows"], "regions": regions, "grid": grid})


def _hit_href(ask: Ask, kind: str, key: str) -> str:
    if kind == "region":
        return url("regions", key)
    if kind == "chain":
        return url("chains", key)
    if kind == "node":
        chain = tables.chain_of_node(ask.reader).get(key)
        return url("chains", chain, "nodes", key) if chain else url("search", q=key)
    if kind == "enterprise":
        region = ask.reader.ask(Atlas.firm_regions).get(key)
        return (url("regions", region) + f"#firm-{key}") if region else url("search", q=key)
    return url("search", q=key)


def search(ask: Ask) -> Page:
    """Regions, chains, nodes and firms by name or code. Twin: ``chainatlas search Q --json``."""
    q = ask.text("q", required=not ask.html)
    if not q:
        return Page("搜索 Search", None, "search.html.j2", {"q": "", "rows": []})
    result = ask.reader.answer(Atlas.search, q)
    if not ask.html:
        return Page("search", result)
    rows = []
    for r in result["rows"]:
        if r["kind"] == "suggestion":
            first = r["label"].split(" ")[0]
            rows.append({**r, "href": url("search", q=first)})
        else:
            rows.append({**r, "href": _hit_href(ask, r["kind"], r["id"])})
    return Page(f"搜索 Search: {q}", result, "search.html.j2", {"q": q, "rows": rows})


# ---------------------------------------------------------------------- chains and nodes
def _map_nodes(view_nodes: pd.DataFrame, counts: dict[str, int] | None, status: dict[str, str] | None = None
               ) -> pd.DataFrame:
    frame = view_nodes.rename(columns={"id": "node_id"})[["node_id", "name_zh", "name_en"]].copy()
    status = status or {}
    frame["status"] = [status.get(n, "") for n in frame["node_id"]]
    frame["firms"] = frame["node_id"].map(counts or {})
    return frame


def chain(ask: Ask) -> Page:
    """A chain upstream → downstream with national leaders per node. Twin: ``chain show C --json``."""
    cid = ask.chain_id(ask.path("chain"))
    ask.canonical(url("chains", cid))
    view = ask.reader.ask(Atlas.chain, cid)
    data = ask.reader.answer(Atlas.chain, cid)
    if not ask.html:
        return Page("chain", data)
    leaders = ask.reader.ask(Atlas.node_leaders, cid)
    counts = {nid: e["national_firms"] for nid, e in leaders.items()}
    svg = chainmap.map_svg(view.layers, _map_nodes(view.nodes, counts), view.links,
                           link_prefix=url("chains", cid, "nodes") + "/")
    order = [nid for layer in view.layers for nid in layer["nodes"]]
    nodes = {n["id"]: n for n in data["nodes"]}
    rows = []
    for nid in order:
        lead = leaders.get(nid, {})
        ids = [s for level in ("province", "prefecture") for r in lead.get(level, []) for s in r["sources"]]
        ids += [f["source_id"] for f in lead.get("firms", [])]
        rows.append({"node": nodes[nid], "leaders": lead, "sources": ids})
    map_sources = sorted({s for n in data["nodes"] for s in [n.get("unit_value_source")] if s}
                         | {s for link in data["links"] for s in [link.get("source_id")] if s})
    top = ask.reader.answer(Atlas.compare, cid)
    return Page(f"{view.chain['name_zh']} {view.chain['name_en']}", data, "chain.html.j2",
                {"chain": data["chain"], "svg": svg, "rows": rows, "layers": data["layers"],
                 "shared": data["shared_nodes"], "map_sources": map_sources, "top": top["regions"],
                 "regions": tables.provinces(ask.reader)})


def node(ask: Ask) -> Page:
    """One link of a chain: what it is, its inputs and outputs, who leads nationally, every firm making it.

    Twin: ``chainatlas chain node C N --json`` (the facade's ``node_page(C, N)``).
    """
    cid = ask.chain_id(ask.path("chain"))
    nid = ask.node_id(ask.path("node"))
    data = ask.reader.answer(Atlas.node_page, cid, nid)
    ask.canonical(url("chains", cid, "nodes", nid))
    if not ask.html:
        return Page("node", data)
    region_names = tables.region_names(ask.reader)
    firm_rows = [{**f, "region_label": " ".join(region_names.get(f["region"], {}).get(k, "")
                                                for k in ("name_zh", "name_en"))} for f in data["firms"]]
    return Page(f"{data['node']['name_zh']} {data['node']['name_en']}", data, "node.html.j2",
                {**data, "firms": firm_rows, "chains_named": [(c, c) for c in data["chains"]]})


# ---------------------------------------------------------------------- regions
def region(ask: Ask) -> Page:
    """A region: its chains with peer ranks, indicators with sources, firms. Twin: ``region show R --json``."""
    code = ask.region_code(ask.path("region"))
    ask.canonical(url("regions", code))
    data = ask.reader.answer(Atlas.region, code)
    if not ask.html:
        return Page("region", data)
    rec = data["region"]
    chain_rows = []
    if rec["level"] in LEVELS:
        for c in data["chains"]:
            d = ask.reader.ask(Atlas.diagnose, code, c["chain_id"])
            counts = d.nodes["status"].value_counts()
            chain_rows.append({**c, **{k: d.agglomeration.get(k) for k in (
                "rank_by_firms", "regions_with_firms", "rank_by_value", "regions_with_value")},
                "strong": int(counts.get("strong", 0)), "missing": int(counts.get("missing", 0)),
                "links": len(d.nodes), "overall_share": d.overall_share, "sources": d.sources})
    indicators = ask.reader.ask(Atlas.names, "indicators")
    node_names = ask.reader.ask(Atlas.names, "nodes")
    obs = []
    for o in data["observations"]:
        name = indicators.get(o["indicator"], {})
        obs.append({**o, "indicator_zh": name.get("name_zh", ""), "indicator_en": name.get("name_en", ""),
                    "node_zh": node_names.get(o.get("node_id") or "", {}).get("name_zh", "")})
    all_chains = ask.reader.answer(Atlas.chains)["rows"]
    return Page(f"{rec['name_zh']} {rec['name_en']}", data, "region.html.j2",
                {"region": rec, "parents": data["parents"], "chain_rows": chain_rows, "observations": obs,
                 "firms": data["enterprises"], "children": tables.children(ask.reader, code),
                 "all_chains": all_chains, "region_names": tables.region_names(ask.reader)})


# ---------------------------------------------------------------------- sources
def _source_rows(ask: Ask) -> list[dict]:
    return ask.reader.memo(("source-records", ask.reader.generation),
                           lambda: jsonable(ask.reader.ask(Atlas.source_records)))


def sources(ask: Ask) -> Page:
    """Every source record, anchored ``#src-ID``. Twin: the sources table as records."""
    data = _source_rows(ask)
    if not ask.html:
        return Page("sources", data)
    return Page("数据来源 Sources", data, "sources.html.j2", {"sources": data})


def source(ask: Ask) -> Page:
    """One source record. Twin: the record."""
    sid = ask.path("source")
    rows = _source_rows(ask)
    found = [r for r in rows if r["id"] == sid]
    if not found:
        raise WebError(404, f"unknown source {sid!r}", type="unknown_source",
                       suggestions=difflib.get_close_matches(sid, [r["id"] for r in rows], n=3))
    data = found[0]
    if not ask.html:
        return Page("source", data)
    return Page(f"来源 Source {sid}", data, "sources.html.j2", {"sources": [data], "single": True})


# ---------------------------------------------------------------------- map
def region_map(ask: Ask) -> Page:
    """Provinces on a tile grid (or the user's GeoJSON) shaded by a measure; works offline.

    Twin: ``chainatlas map [--chain C] [--measure M] --json`` (the facade's ``map_view``):
    ``{"chain", "measure", "label", "tiles": [{code, row, col, names, value}]}``.
    """
    chain_name = ask.text("chain")
    cid = ask.chain_id(chain_name) if chain_name else None
    measure = ask.choice("measure", tuple(MAP_MEASURES), "firms")
    view = ask.reader.ask(Atlas.map_view, cid, measure)
    data = ask.reader.answer(Atlas.map_view, cid, measure)
    if not ask.html:
        return Page("map", data)
    values, label, fmt = view.values, view.label, view.number_format
    href = {c: (url("regions", c, "chains", cid) if cid else url("regions", c)) for c in values}
    grid = tilegrid.tile_svg(values, href, label, fmt)
    geo, geo_error = None, None
    path = tilegrid.geojson_path()
    if path is not None:
        names = {}
        for code, r in tables.region_names(ask.reader).items():
            if r["level"] == "province":
                names[r["name_zh"]] = code
                names[r["name_en"]] = code
        try:
            geo = tilegrid.geojson_svg(path, values, href, names, label, fmt)
        except (ValueError, OSError) as exc:
            geo_error = str(exc)
    chains = ask.reader.answer(Atlas.chains)["rows"]
    return Page(f"地图 Map: {label}", data, "map.html.j2",
                {"grid": grid, "geo": geo, "geo_error": geo_error, "geo_env": tilegrid.GEOJSON_ENV,
                 "chain": data["chain"], "measure": measure, "measures": MAP_MEASURES, "chains": chains,
                 "values": values})
