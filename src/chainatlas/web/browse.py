"""Pages for finding one's way: home, search, chains and their nodes, regions, sources and the map.

Each handler asks the facade one question; its answer's ``to_dict()`` is the ``.json`` twin (equal
to the CLI's ``--json`` output where the CLI asks the same question) and feeds the template.
"""

from __future__ import annotations

import difflib

import pandas as pd

from chainatlas.model.entities import LEVELS
from chainatlas.report import chainmap
from chainatlas.results import jsonable
from chainatlas.web import tables, tilegrid
from chainatlas.web.endpoint import Ask, Page
from chainatlas.web.errors import WebError
from chainatlas.web.render import url


def _chain_id(ask: Ask, name: str) -> str:
    return ask.reader.ask("resolve_chain", name)


def _region_code(ask: Ask, name: str) -> str:
    return ask.reader.ask("resolve_region", name)


# ---------------------------------------------------------------------- home and search
def home(ask: Ask) -> Page:
    """Chains and regions. Twin: ``{"chains": <chainatlas chains --json>, "regions": [provinces with firms]}``."""
    chains = ask.reader.answer("chains")
    firms = tables.firms_per_province(ask.reader)
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
        region = tables.firm_regions(ask.reader).get(key)
        return (url("regions", region) + f"#firm-{key}") if region else url("search", q=key)
    return url("search", q=key)


def search(ask: Ask) -> Page:
    """Regions, chains, nodes and firms by name or code. Twin: ``chainatlas search Q --json``."""
    q = ask.text("q", required=not ask.html)
    if not q:
        return Page("搜索 Search", None, "search.html.j2", {"q": "", "rows": []})
    result = ask.reader.answer("search", q)
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
    cid = _chain_id(ask, ask.path("chain"))
    ask.canonical(url("chains", cid))
    view = ask.reader.ask("chain", cid)
    data = ask.reader.answer("chain", cid)
    if not ask.html:
        return Page("chain", data)
    leaders = tables.node_leaders(ask.reader, cid)
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
    top = ask.reader.answer("compare", cid)
    return Page(f"{view.chain['name_zh']} {view.chain['name_en']}", data, "chain.html.j2",
                {"chain": data["chain"], "svg": svg, "rows": rows, "layers": data["layers"],
                 "shared": data["shared_nodes"], "map_sources": map_sources, "top": top["regions"],
                 "regions": tables.provinces(ask.reader)})


def node(ask: Ask) -> Page:
    """One link of a chain: what it is, its inputs and outputs, who leads nationally, every firm making it.

    Twin (no CLI equivalent): ``{"chain", "node", "inputs", "outputs", "chains", "leaders", "firms"}``.
    """
    cid = _chain_id(ask, ask.path("chain"))
    nid = ask.reader.ask("resolve_node", ask.path("node"))
    members = ask.reader.atlas.members.get(cid, [])
    if nid not in members:
        raise WebError(404, f"node {nid!r} is not in chain {cid!r}", type="unknown_node",
                       suggestions=difflib.get_close_matches(nid, members, n=3))
    ask.canonical(url("chains", cid, "nodes", nid))
    view = ask.reader.ask("chain", cid)
    chain_rec = {k: view.chain[k] for k in ("id", "name_zh", "name_en")}
    nodes = view.nodes.set_index("id", drop=False)
    record = jsonable(nodes.loc[nid].to_dict())
    names = {i: {"name_zh": nodes.loc[i, "name_zh"], "name_en": nodes.loc[i, "name_en"]} for i in nodes.index}
    links = jsonable(view.links)
    inputs = [{**link, **names.get(link["source_node"], {})} for link in links if link["target_node"] == nid]
    outputs = [{**link, **names.get(link["target_node"], {})} for link in links if link["source_node"] == nid]
    in_chains = sorted(c for c, ids in ask.reader.atlas.members.items() if nid in ids)
    leaders = tables.node_leaders(ask.reader, cid, n=10).get(nid, {})
    firms = tables.node_firms(ask.reader, cid, nid)
    region_names = tables.region_names(ask.reader)
    firm_rows = jsonable(firms[["enterprise_id", "name_zh", "name_en", "region", "province", "prefecture", "listed",
                                "exchange", "stock_code", "year", "capacity", "output", "quantity_unit", "revenue",
                                "source_id"]])
    data = {"chain": chain_rec, "node": record, "inputs": inputs, "outputs": outputs, "chains": in_chains,
            "leaders": {"province": leaders.get("province", []), "prefecture": leaders.get("prefecture", [])},
            "firms": firm_rows}
    if not ask.html:
        return Page("node", data)
    for f in firm_rows:
        f["region_label"] = " ".join(region_names.get(f["region"], {}).get(k, "") for k in ("name_zh", "name_en"))
    return Page(f"{record['name_zh']} {record['name_en']}", data, "node.html.j2",
                {**data, "firms": firm_rows, "chains_named": [(c, c) for c in in_chains]})


# ---------------------------------------------------------------------- regions
def region(ask: Ask) -> Page:
    """A region: its chains with peer ranks, indicators with sources, firms. Twin: ``region show R --json``."""
    code = _region_code(ask, ask.path("region"))
    ask.canonical(url("regions", code))
    data = ask.reader.answer("region", code)
    if not ask.html:
        return Page("region", data)
    rec = data["region"]
    chain_rows = []
    if rec["level"] in LEVELS:
        for c in data["chains"]:
            d = ask.reader.ask("diagnose", code, c["chain_id"])
            counts = d.nodes["status"].value_counts()
            chain_rows.append({**c, **{k: d.agglomeration.get(k) for k in (
                "rank_by_firms", "regions_with_firms", "rank_by_value", "regions_with_value")},
                "strong": int(counts.get("strong", 0)), "missing": int(counts.get("missing", 0)),
                "links": len(d.nodes), "overall_share": d.overall_share, "sources": d.sources})
    indicators = ask.reader.atlas.tables["indicators"].set_index("id")
    node_names = dict(zip(ask.reader.atlas.tables["nodes"]["id"], ask.reader.atlas.tables["nodes"]["name_zh"],
                          strict=True))
    obs = []
    for o in data["observations"]:
        name = indicators.loc[o["indicator"]] if o["indicator"] in indicators.index else None
        obs.append({**o, "indicator_zh": "" if name is None else name["name_zh"],
                    "indicator_en": "" if name is None else name["name_en"],
                    "node_zh": node_names.get(o.get("node_id") or "", "")})
    all_chains = ask.reader.answer("chains")["rows"]
    return Page(f"{rec['name_zh']} {rec['name_en']}", data, "region.html.j2",
                {"region": rec, "parents": data["parents"], "chain_rows": chain_rows, "observations": obs,
                 "firms": data["enterprises"], "children": tables.children(ask.reader, code),
                 "all_chains": all_chains, "region_names": tables.region_names(ask.reader)})


# ---------------------------------------------------------------------- sources
def sources(ask: Ask) -> Page:
    """Every source record, anchored ``#src-ID``. Twin: the sources table as records."""
    data = jsonable(ask.reader.atlas.tables["sources"])
    if not ask.html:
        return Page("sources", data)
    return Page("数据来源 Sources", data, "sources.html.j2", {"sources": data})


def source(ask: Ask) -> Page:
    """One source record. Twin: the record."""
    sid = ask.path("source")
    table = ask.reader.atlas.tables["sources"]
    found = table[table["id"] == sid]
    if found.empty:
        raise WebError(404, f"unknown source {sid!r}", type="unknown_source",
                       suggestions=difflib.get_close_matches(sid, list(table["id"]), n=3))
    data = jsonable(found.iloc[0].to_dict())
    if not ask.html:
        return Page("source", data)
    return Page(f"来源 Source {sid}", data, "sources.html.j2", {"sources": [data], "single": True})


# ---------------------------------------------------------------------- map
MEASURES = {"firms": ("企业数 firms", "{:,.0f}"), "coverage": ("环节覆盖率 link coverage", "{:.0%}"),
            "output_value": ("产值 output value (亿元)", "{:,.1f}")}


def _province_values(ask: Ask, cid: str | None, measure: str) -> dict[str, float | None]:
    codes = [p["code"] for p in tables.provinces(ask.reader)]
    if measure == "firms":
        counts = tables.firms_per_province(ask.reader, cid)
        return {c: counts.get(c) for c in codes}
    rows: dict[str, dict] = {}
    for i in range(0, len(codes), 10):  # compare takes at most 10 regions at a time
        for r in ask.reader.answer("compare", cid, codes[i:i + 10])["regions"]:
            rows[r["region"]] = r
    out: dict[str, float | None] = {}
    for c in codes:
        v = rows.get(c, {}).get(measure)
        out[c] = None if v is None else (v / 1e8 if measure == "output_value" else v)
    return out


def region_map(ask: Ask) -> Page:
    """Provinces on a tile grid (or the user's GeoJSON) shaded by a measure; works offline.

    Twin (no CLI equivalent): ``{"chain", "measure", "label", "tiles": [{code, row, col, names, value}]}``.
    """
    chain_name = ask.text("chain")
    cid = _chain_id(ask, chain_name) if chain_name else None
    measure = ask.choice("measure", tuple(MEASURES), "firms")
    if measure != "firms" and not cid:
        raise WebError(400, f"measure {measure!r} needs a chain (?chain=aluminium)")
    label, fmt = MEASURES[measure]
    values = _province_values(ask, cid, measure)
    chain_rec = None
    if cid:
        chain_rec = {k: ask.reader.ask("chain", cid).chain[k] for k in ("id", "name_zh", "name_en")}
    data = {"chain": chain_rec, "measure": measure, "label": label, "tiles": tilegrid.tiles(values)}
    if not ask.html:
        return Page("map", data)
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
    chains = ask.reader.answer("chains")["rows"]
    return Page(f"地图 Map: {label}", data, "map.html.j2",
                {"grid": grid, "geo": geo, "geo_error": geo_error, "geo_env": tilegrid.GEOJSON_ENV,
                 "chain": chain_rec, "measure": measure, "measures": MEASURES, "chains": chains, "values": values})
