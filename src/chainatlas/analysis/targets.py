"""Whom to attract for a link: candidate firms' features, scores and reasons, all vectorised.

Pure functions over frames the facade prepares once per atlas (latest production per firm × node,
firms with their group and province, the chain links). Rules (README, "How opportunities and targets
are scored"):

* a firm of a group that already has a plant in the region is never a target (group: the
  ``group_id`` field, else the stock code, else a parent code in the firm's note or an id prefix);
* a firm of a group with a plant elsewhere in the region's province is kept and flagged;
* each reason states only a recorded fact (a figure with its year and source, a flag, a link recorded
  in the atlas between a node the firm makes and a node made in the region).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from chainatlas.analysis.settings import check_weights, defaults
from chainatlas.results import Result, jsonable

TARGET_WEIGHTS = defaults("target_weights")  # declared in analysis/settings.py
SUBSTITUTE_FACTOR = 0.8  # a maker of a close substitute is a weaker lead than a maker of the link itself


@dataclass
class TargetList(Result):
    """Firms outside the region to approach for one link, ranked, with reasons."""

    region: dict
    node: dict
    targets: pd.DataFrame
    reason: str | None = None
    weights: dict[str, float] = field(default_factory=lambda: dict(TARGET_WEIGHTS))

    def to_dict(self) -> dict:
        return jsonable({"region": self.region, "node": self.node, "weights": self.weights,
                         "reason": self.reason, "targets": self.targets})

    def to_frame(self) -> pd.DataFrame:
        return self.targets

    def __repr__(self) -> str:
        head = (f"Targets for {self.node['name_zh']} {self.node['name_en']} ({self.node['id']}) → "
                f"{self.region['name_zh']} {self.region['name_en']}")
        if self.reason:
            return head + f": {self.reason}"
        lines = [head + ":"]
        for rec in self.targets.to_dict(orient="records"):
            lines.append(f"  {rec['rank']:>3}. {rec['name_zh']} {rec['name_en']} ({rec['region_name_zh']}) "
                         f"score {rec['score']:.3f} — {rec['reason_zh']}")
        return "\n".join(lines)


def haversine_km(lon1, lat1, lon2, lat2):
    """Great-circle distance in km (Earth radius 6,371 km); works on scalars and arrays, NaN when unknown.

    >>> round(float(haversine_km(117.97, 37.38, 117.81, 30.95)))
    715
    """
    lon1, lat1, lon2, lat2 = (np.asarray(v, dtype=float) for v in (lon1, lat1, lon2, lat2))
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(lon2 - lon1)
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    out = 2 * 6371.0 * np.arcsin(np.sqrt(a))
    return float(out) if out.ndim == 0 else out


def _links_text(pairs: pd.DataFrame, links: pd.DataFrame, local_nodes: set[str], names_zh: pd.Series
                ) -> pd.DataFrame:
    """Per firm: recorded links between what it makes and what the region makes (first three), both languages."""
    local = pd.Series(sorted(local_nodes), dtype=object)
    feeds = pairs.merge(links[links["target_node"].isin(local)], left_on="node_id", right_on="source_node")
    feeds = feeds.assign(en="its " + feeds["node_id"] + " is a recorded input of " + feeds["target_node"]
                         + " made here",
                         zh="产业链图谱中其" + feeds["node_id"].map(names_zh) + "是本地"
                         + feeds["target_node"].map(names_zh) + "的投入品")
    uses = pairs.merge(links[links["source_node"].isin(local)], left_on="node_id", right_on="target_node")
    # a statement about the chain graph and the region, not about the firm's purchases
    uses = uses.assign(en="the chain graph records " + uses["source_node"] + ", made here, as an input of its "
                       + uses["node_id"],
                       zh="产业链图谱中其" + uses["node_id"].map(names_zh) + "的投入品"
                       + uses["source_node"].map(names_zh) + "本地有生产")
    both = pd.concat([feeds[["enterprise_id", "en", "zh"]], uses[["enterprise_id", "en", "zh"]]], ignore_index=True)
    both = both.drop_duplicates().sort_values(["enterprise_id", "en"])
    both = both[both.groupby("enterprise_id").cumcount() < 3]
    return both.groupby("enterprise_id").agg(chain_link=("en", "; ".join), chain_link_zh=("zh", "；".join))


def target_candidates(*, makers: pd.DataFrame, firms: pd.DataFrame, made: pd.DataFrame, links: pd.DataFrame,
                      nodes: pd.DataFrame, regions: pd.DataFrame, inside: set[str], province: str | None,
                      home: dict, substitute: bool) -> pd.DataFrame:
    """One row per candidate firm with the features :func:`rank_targets` scores.

    ``makers``: latest production rows of the link (or its substitutes): enterprise_id, node_id, year,
    output, capacity, revenue, source_id. ``firms``: id, names, region, province, listed, exchange,
    stock_code, high_tech, ``group`` (group key) and ``group_provinces`` (provinces its group is in).
    ``made``: distinct firm × node pairs of the atlas. ``inside``: the region's codes (itself and below).
    ``home``: the region's lon/lat.
    """
    f = firms.set_index("id")
    local_ids = f.index[f["region"].isin(inside)]
    local_groups = set(f.loc[local_ids, "group"])
    m = makers.merge(f.drop(columns=["source_id", "note"], errors="ignore"), left_on="enterprise_id",
                     right_index=True, how="inner")
    m = m[~m["group"].isin(local_groups)]  # a firm of a group with a plant here is no target
    if m.empty:
        return pd.DataFrame()
    # plants of each group elsewhere in the province (outside the region); the candidate itself not counted
    in_province = (f["province"] == province) & ~f["region"].isin(inside) if province else f["region"].isna() & False
    plants_in_province = f.loc[in_province].groupby("group").size()
    local_nodes = set(made.loc[made["enterprise_id"].isin(local_ids), "node_id"])
    names_zh = nodes["name_zh"]
    text = _links_text(made[made["enterprise_id"].isin(m["enterprise_id"])], links, local_nodes, names_zh)
    reg = regions.set_index("code")
    out = pd.DataFrame({
        "id": m["enterprise_id"].to_numpy(), "name_zh": m["name_zh"].to_numpy(), "name_en": m["name_en"].to_numpy(),
        "region": m["region"].to_numpy(),
        "region_name_zh": m["region"].map(reg["name_zh"]).fillna("").to_numpy(),
        "region_name_en": m["region"].map(reg["name_en"]).fillna("").to_numpy(),
        "province": m["province"].to_numpy(),
        "listed": m["listed"].fillna(False).astype(bool).to_numpy(),
        "exchange": m["exchange"].to_numpy(), "stock_code": m["stock_code"].to_numpy(),
        "high_tech": m["high_tech"].fillna(False).astype(bool).to_numpy(),
        "made_node": m["node_id"].to_numpy(), "made_name_zh": m["node_id"].map(names_zh).to_numpy(),
        "made_name_en": m["node_id"].map(nodes["name_en"]).to_numpy(), "substitute": substitute,
        "quantity": m["output"].where(m["output"].notna(), m["capacity"]).to_numpy(dtype=float),
        "quantity_kind": np.where(m["output"].notna(), "output", np.where(m["capacity"].notna(), "capacity", "")),
        "quantity_unit": m["node_id"].map(nodes["unit"]).to_numpy(),
        "revenue": m["revenue"].to_numpy(dtype=float), "year": m["year"].to_numpy(),
        "provinces": m["group_provinces"].fillna(1).astype(int).to_numpy(),
        "same_province": (m["province"] == province).to_numpy(dtype=bool) if province else False,
        "group_in_province": (m["group"].map(plants_in_province).fillna(0)
                              - (m["province"] == province).astype(int) > 0).to_numpy(dtype=bool),
        "source_id": m["source_id"].to_numpy(),
    })
    out["chain_link"] = out["id"].map(text["chain_link"]).fillna("")
    out["chain_link_zh"] = out["id"].map(text["chain_link_zh"]).fillna("")
    out["distance_km"] = haversine_km(home.get("lon", math.nan), home.get("lat", math.nan),
                                      out["region"].map(reg["lon"]).astype(float),
                                      out["region"].map(reg["lat"]).astype(float))
    return out.sort_values(["id", "made_node"]).drop_duplicates("id").reset_index(drop=True)


def rank_targets(*, region: dict, node: dict, candidates: pd.DataFrame, n: int = 20,
                 weights: dict[str, float] | None = None) -> TargetList:
    """Rank candidate firms (already outside the region and its groups) for a link; see :func:`target_candidates`."""
    w = check_weights("target_weights", weights)
    if candidates.empty:
        return TargetList(region, node, candidates, weights=w,
                          reason="no firm outside the region (and outside groups with a plant here) makes this "
                                 "link, or a close substitute, in the atlas")
    df = candidates.copy()
    for col, default in (("group_in_province", False), ("quantity_kind", "")):
        if col not in df.columns:
            df[col] = default
    size = df["quantity"].astype(float)
    df["scale"] = 0.0
    positive = size > 0
    if positive.any():
        logs = np.log10(size[positive])
        lo, hi = logs.min(), logs.max()
        df.loc[positive, "scale"] = 1.0 if hi == lo else (logs - lo) / (hi - lo)
    rev = df["revenue"].astype(float)
    no_qty = ~positive & rev.notna() & (rev > 0)
    if no_qty.any():
        logs = np.log10(rev[no_qty])
        lo, hi = logs.min(), logs.max()
        df.loc[no_qty, "scale"] = 0.5 if hi == lo else 0.5 * (logs - lo) / (hi - lo)  # revenue counts half
    df["listed_score"] = df["listed"].fillna(False).astype(bool).astype(float)
    df["high_tech_score"] = df["high_tech"].fillna(False).astype(bool).astype(float)
    df["chain_link_score"] = (df["chain_link"].fillna("") != "").astype(float)
    df["expanded_score"] = (df["provinces"].fillna(1) > 1).astype(float)
    dist = df["distance_km"].astype(float)
    df["proximity_score"] = np.where(df["same_province"], 1.0,
                                     np.where(dist.notna(), np.clip(1 - dist / 2000.0, 0, 1), 0.0))
    df["score"] = sum(w[k] * df[f"{k}_score" if k != "scale" else "scale"] for k in w) / (sum(w.values()) or 1.0)
    df.loc[df["substitute"].astype(bool), "score"] *= SUBSTITUTE_FACTOR
    df = df.sort_values(["score", "id"], ascending=[False, True]).head(n).reset_index(drop=True)
    df.insert(0, "rank", np.arange(1, len(df) + 1))
    df["reason_zh"] = _reasons(df, "zh")
    df["reason_en"] = _reasons(df, "en")
    return TargetList(region, node, df, weights=w)


def _qty_text(df: pd.DataFrame, lang: str) -> pd.Series:
    q = df["quantity"].astype(float)
    wan = (df["quantity_unit"] == "t") & (q >= 1e4)
    kind_zh = df["quantity_kind"].map({"output": "产量", "capacity": "产能"}).fillna("规模")
    kind_en = df["quantity_kind"].replace("", "scale")
    year = df["year"].astype("Int64").astype(str)
    if lang == "zh":
        num = np.where(wan, (q / 1e4).map("{:,.1f}".format) + "万吨", q.map("{:,.0f}".format) + " "
                       + df["quantity_unit"].fillna(""))
        return kind_zh + pd.Series(num, index=df.index) + "（" + year + "，" + df["source_id"].fillna("") + "）"
    return kind_en + " " + q.map("{:,.0f}".format) + " " + df["quantity_unit"].fillna("") + " (" + year + ", " \
        + df["source_id"].fillna("") + ")"


def _reasons(df: pd.DataFrame, lang: str) -> pd.Series:
    """Reason lines from recorded fields only, built column-wise."""
    zh = lang == "zh"
    parts: list[pd.Series] = []
    empty = pd.Series("", index=df.index)

    def when(mask, text) -> None:
        parts.append(pd.Series(np.where(mask, text, ""), index=df.index))

    when(df["substitute"].astype(bool), ("生产相近产品" + df["made_name_zh"].fillna("")) if zh
         else ("makes a close substitute (" + df["made_name_en"].fillna("") + ")"))
    has_q = df["quantity"].notna()
    when(has_q, _qty_text(df, lang))
    rev = (df["revenue"].astype(float) / 1e8).map(lambda v: f"{v:,.1f}")
    when(~has_q & df["revenue"].notna(), ("营收" + rev + "亿元（" + df["year"].astype("Int64").astype(str) + "）") if zh
         else ("revenue " + rev + " 100m yuan (" + df["year"].astype("Int64").astype(str) + ")"))
    code = df["exchange"].fillna("") + df["stock_code"].fillna("").astype(str)
    when(df["listed"].astype(bool), ("上市公司（" + code + "）") if zh else ("listed (" + code + ")"))
    when(df["high_tech"].astype(bool), "高新技术企业" if zh else "high-tech enterprise")
    link = df["chain_link_zh" if zh else "chain_link"].fillna("")
    when(link != "", link)
    prov = df["provinces"].fillna(1).astype(int).astype(str)
    when(df["provinces"].fillna(1) > 1, ("集团在" + prov + "个省份有企业") if zh else ("group present in " + prov
                                                                                     + " provinces"))
    when(df["group_in_province"].astype(bool), "注意：其集团已在本省设厂" if zh
         else "note: its group already has a plant in this province")
    dist = df["distance_km"].astype(float).map(lambda v: "" if math.isnan(v) else f"{v:,.0f}")
    when(df["same_province"].astype(bool), "同省" if zh else "same province")
    when(~df["same_province"].astype(bool) & (dist != ""), ("距离约" + dist + "公里") if zh
         else ("about " + dist + " km away"))
    sep = "；" if zh else "; "
    out = empty
    for p in parts:
        out = np.where(out == "", p, np.where(p == "", out, out + sep + p))
        out = pd.Series(out, index=df.index)
    return out


def group_keys(firms: pd.DataFrame) -> pd.Series:
    """firm id → group key: the ``group_id`` record's key when set, else the firm's stock code, else a
    six-digit parent code named in its note, else an ``<id>-<place>`` prefix that is a firm id, else itself.

    >>> f = pd.DataFrame({"id": ["chalco", "chalco-baotou", "plant-x", "solo"], "stock_code": ["601600", "", "", ""],
    ...                   "note": ["", "", "", ""], "group_id": ["", "", "chalco", ""]})
    >>> group_keys(f).to_dict()
    {'chalco': 'code:601600', 'chalco-baotou': 'code:601600', 'plant-x': 'code:601600', 'solo': 'id:solo'}
    """
    ids = firms["id"].astype(str)
    code = firms["stock_code"].fillna("").astype(str) if "stock_code" in firms else pd.Series("", index=firms.index)
    note = firms["note"].fillna("").astype(str) if "note" in firms else pd.Series("", index=firms.index)
    parent_code = note.str.extract(r"(?<!\d)(\d{6})(?!\d)", expand=False).fillna("")
    key = pd.Series(np.where(code != "", "code:" + code,
                             np.where(parent_code != "", "code:" + parent_code, "id:" + ids)), index=ids.to_numpy())
    # <id>-<place> plants belong to the longest id prefix that is itself a firm
    known = set(ids)
    parent = {}
    for fid in ids:  # over ids containing '-' only; strings, not rows of figures
        parts = fid.split("-")
        for k in range(len(parts) - 1, 0, -1):
            if "-".join(parts[:k]) in known:
                parent[fid] = "-".join(parts[:k])
                break
    if parent:
        p = pd.Series(parent)
        key.loc[p.index] = key.loc[p.to_numpy()].to_numpy()
    if "group_id" in firms:
        gid = pd.Series(firms["group_id"].fillna("").astype(str).to_numpy(), index=ids.to_numpy())
        gid = gid[(gid != "") & gid.isin(known)]
        key.loc[gid.index] = key.loc[gid.to_numpy()].to_numpy()
    return key
