"""Walks of the region hierarchy (country → province → prefecture → county), on the regions frame.

Why pure: the facade reads the regions once (a few thousand light rows, see
:func:`chainatlas.store.queries.regions`) and every walk — below a region, above it, each region's
province / prefecture / county, the names a region answers to — is decided here, on that frame.
A parent cycle in user data must never loop forever, so every walk remembers where it has been.
"""

from __future__ import annotations

import pandas as pd

from chainatlas.analysis.lookup import Candidate

LEVEL_PRIORITY = {"country": 0, "province": 1, "prefecture": 2, "county": 3}
WALK_LEVELS = ("province", "prefecture", "county")
_MAX_UP = 6  # steps up from a region when finding its province / prefecture / county
_MAX_WITHIN = 8  # ancestors remembered per region for name resolution


def descendants(regions: pd.DataFrame, code: str) -> list[str]:
    """The region and every region below it (province → prefectures → counties), depth first.

    >>> r = pd.DataFrame({"code": ["37", "3716", "371602", "3717"], "parent": ["", "37", "3716", "37"]})
    >>> descendants(r, "37")
    ['37', '3717', '3716', '371602']
    """
    children: dict[str, list[str]] = {}
    for c, p in zip(regions["code"], regions["parent"], strict=True):
        if p:
            children.setdefault(p, []).append(c)
    out, stack, seen = [], [code], set()
    while stack:
        cur = stack.pop()
        if cur in seen:
            continue
        seen.add(cur)
        out.append(cur)
        stack.extend(children.get(cur, []))
    return out


def ancestors(regions: pd.DataFrame, code: str) -> list[dict]:
    """The region records above ``code``, top first (the nation or province … the parent).

    >>> r = pd.DataFrame({"code": ["100000", "370000", "371600"], "parent": ["", "100000", "370000"]})
    >>> [a["code"] for a in ancestors(r, "371600")]
    ['100000', '370000']
    """
    indexed = regions.set_index("code")
    out, seen = [], {code}
    parent = indexed.loc[code, "parent"]
    while parent and parent in indexed.index and parent not in seen:
        seen.add(parent)
        rec = indexed.loc[parent].to_dict()
        rec["code"] = parent
        out.append(rec)
        parent = rec["parent"]
    return out[::-1]


def child_count(regions: pd.DataFrame, code: str) -> int:
    """How many regions name ``code`` as their parent."""
    return int((regions["parent"] == code).sum())


def region_levels(regions: pd.DataFrame) -> pd.DataFrame:
    """For every region code, the codes of its province, prefecture and county (itself included).

    >>> r = pd.DataFrame({"code": ["370000", "371600", "371681"], "parent": ["100000", "370000", "371600"],
    ...                   "level": ["province", "prefecture", "county"]})
    >>> region_levels(r).iloc[2].to_dict()
    {'code': '371681', 'province': '370000', 'prefecture': '371600', 'county': '371681'}
    """
    parent = dict(zip(regions["code"], regions["parent"], strict=True))
    level = dict(zip(regions["code"], regions["level"], strict=True))
    rows = []
    for code in regions["code"]:
        rec = {"code": code, "province": None, "prefecture": None, "county": None}
        cur, seen = code, 0
        while cur and seen < _MAX_UP:
            lv = level.get(cur)
            if lv in WALK_LEVELS:
                rec[lv] = cur
            cur = parent.get(cur)
            seen += 1
        rows.append(rec)
    return pd.DataFrame(rows, columns=["code", "province", "prefecture", "county"])


def with_levels(firms: pd.DataFrame, levels: pd.DataFrame) -> pd.DataFrame:
    """Firms (``region`` column) with the codes of their province, prefecture and county added."""
    return firms.merge(levels, left_on="region", right_on="code", how="left").drop(columns="code")


def walk_level(level: str) -> str:
    """The level a region's peers and presence are counted at: its own, or province for the nation."""
    return level if level in WALK_LEVELS else "province"


def region_candidates(regions: pd.DataFrame) -> list[Candidate]:
    """Every region as a lookup candidate: its names (Chinese, short, English, English without the
    suffix), a label naming its province (朝阳区 is in 北京市 and in 吉林省) and the regions it lies in."""
    records = regions.to_dict(orient="records")
    by_code = {r["code"]: r for r in records}
    out = []
    for r in records:
        en = r["name_en"] or ""
        en_short = en.replace(" District", "").replace(" County", "").replace(" Prefecture", "")
        names = (r["name_zh"], r.get("short_zh") or "", en, en_short)
        within, cur = [], by_code.get(r.get("parent") or "")
        while cur is not None and cur["code"] not in within and len(within) < _MAX_WITHIN:
            within.append(cur["code"])
            cur = by_code.get(cur.get("parent") or "")
        province = next((by_code[c] for c in within if by_code[c]["level"] == "province"), None)
        where = f" ({province['name_zh']} {province['name_en']})" if province else ""
        out.append(Candidate(r["code"], names, f"{r['name_zh']} {en} {r['code']}{where}",
                             LEVEL_PRIORITY.get(r["level"], 9), within=tuple(within)))
    return out


def chains_served(made: pd.DataFrame, chain_nodes: pd.DataFrame, chains: pd.DataFrame) -> pd.DataFrame:
    """Per chain, how many of the region's firms and how many nodes it makes (most firms first).

    ``made``: the region's ``enterprise_id, node_id`` pairs; ``chains``: ``id, name_zh, name_en``.
    """
    per_chain = made.merge(chain_nodes, on="node_id").groupby("chain_id").agg(
        firms=("enterprise_id", "nunique"), nodes=("node_id", "nunique")).reset_index()
    out = per_chain.merge(chains[["id", "name_zh", "name_en"]], left_on="chain_id", right_on="id").drop(columns="id")
    return out.sort_values("firms", ascending=False).reset_index(drop=True)


def making_regions(made: pd.DataFrame, firms: pd.DataFrame, regions: pd.DataFrame, level: str,
                   focus: str) -> pd.DataFrame:
    """Regions of ``level`` making a chain's nodes: firms, nodes, up to eight firm names, at their point.

    ``made``: ``enterprise_id, node_id`` pairs; ``firms``: ``id, name_zh`` and the ``level`` column;
    ``regions``: ``code, name_zh, name_en, lon, lat``. Regions without a point are left out (a map
    cannot place them); ``focus`` marks the region asked about.
    """
    joined = made.merge(firms[["id", "name_zh", level]], left_on="enterprise_id", right_on="id").dropna(
        subset=[level])
    agg = joined.groupby(level).agg(firms=("enterprise_id", "nunique"), nodes=("node_id", "nunique"),
                                    firm_names=("name_zh", lambda s: "、".join(sorted(set(s))[:8])))
    agg = agg.join(regions.set_index("code")[["name_zh", "name_en", "lon", "lat"]], how="left").reset_index().rename(
        columns={level: "code"})
    agg["focus"] = agg["code"] == focus
    agg = agg.dropna(subset=["lon", "lat"]).sort_values("firms", ascending=False).reset_index(drop=True)
    return agg[["code", "name_zh", "name_en", "lon", "lat", "firms", "nodes", "firm_names", "focus"]]
