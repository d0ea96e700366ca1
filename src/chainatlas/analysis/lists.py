"""The briefing lists (清单): leading firms, chokepoints, partner regions, innovation platforms.

Why one module of pure functions: provincial chain teams brief from "N 图 N 清单" — a map and a
handful of lists. Each list here is a rule applied to frames the facade reads from the store, so
the report, the briefing document, the Excel workbook and the web show the same rows, and each
rule is stated once (in the dataclasses below) and printed in the briefing's annex.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from chainatlas.analysis.opportunities import haversine_km

SHORTFALL_STATUSES = ("missing", "weak")


@dataclass(frozen=True)
class ListRules:
    """The thresholds every list applies; printed in the briefing's rules annex."""

    leading_per_link: int = 3
    """重点企业: at most this many local firms per link, largest first (output, then capacity, then revenue)."""
    import_dependence_min: float = 50.0
    """卡脖子: a link counts as a national chokepoint when at least this share (%) of domestic use is imported…"""
    domestic_makers_max: int = 3
    """…or when the atlas knows no more than this many domestic firms making it."""
    partner_min_firms: int = 2
    """合作伙伴: a region is strong in a link with at least this many firms making it, or when it has the most."""
    partners_max: int = 10
    """合作伙伴: at most this many partner regions, nearest first."""

    def describe(self) -> list[dict]:
        """The rules as rows (name, value, meaning) for an annex or a JSON twin."""
        docs = {
            "leading_per_link": "重点企业：每个环节列出本地最大的企业数（按产量、产能、营收排序） / leading local firms per link",
            "import_dependence_min": "卡脖子：全国进口依存度不低于此值(%) / national import dependence at least (%)",
            "domestic_makers_max": "卡脖子：或国内生产企业不多于此数 / or no more domestic makers than",
            "partner_min_firms": "合作伙伴：某地区在该环节至少有此数企业（或为企业最多的地区）即为强 / "
                                 "a region is strong in a link with at least this many firms (or the most)",
            "partners_max": "合作伙伴：最多列出的地区数，近者优先 / most partner regions listed, nearest first",
        }
        return [{"rule": k, "value": v, "meaning": docs[k]} for k, v in asdict(self).items()]


def _num(v: object) -> float:
    try:
        f = float(v)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return math.nan
    return f


# --------------------------------------------------------------------------- 重点企业
def leading_firms(local_firms: pd.DataFrame, nodes: pd.DataFrame, rules: ListRules = ListRules()) -> pd.DataFrame:
    """The largest local firms of each link (重点企业).

    ``local_firms``: one row per firm × node with ``node_id``, ``enterprise_id``, names, ``output``,
    ``capacity``, ``quantity_unit``, ``revenue``, ``year``, ``source_id`` (the diagnosis's firm frame).
    ``nodes``: ``node_id``, ``name_zh``, ``name_en``, ``stage`` in chain order. Firms are ranked within
    a link by output, then capacity, then revenue; the measure used is named in ``basis``.
    """
    cols = ["node_id", "node_name_zh", "node_name_en", "stage", "rank", "enterprise_id", "name_zh", "name_en",
            "region", "basis", "quantity", "quantity_unit", "revenue", "year", "source_id"]
    if local_firms is None or local_firms.empty:
        return pd.DataFrame(columns=cols)
    f = local_firms.copy()
    for c in ("output", "capacity", "revenue"):
        f[c] = pd.to_numeric(f.get(c), errors="coerce") if c in f else np.nan
    f = f.sort_values("year").groupby(["node_id", "enterprise_id"], as_index=False).tail(1)
    f = f.sort_values(["node_id", "output", "capacity", "revenue", "enterprise_id"],
                      ascending=[True, False, False, False, True], na_position="last")
    f["rank"] = f.groupby("node_id").cumcount() + 1
    f = f[f["rank"] <= rules.leading_per_link]
    f["basis"] = np.where(f["output"].notna(), "产量 output",
                          np.where(f["capacity"].notna(), "产能 capacity",
                                   np.where(f["revenue"].notna(), "营收 revenue", "在产 makes it")))
    f["quantity"] = f["output"].where(f["output"].notna(), f["capacity"])
    order = {n: i for i, n in enumerate(nodes["node_id"])}
    names = nodes.set_index("node_id")
    f = f[f["node_id"].isin(order)]
    f["node_name_zh"] = f["node_id"].map(names["name_zh"])
    f["node_name_en"] = f["node_id"].map(names["name_en"])
    f["stage"] = f["node_id"].map(names["stage"])
    f["_order"] = f["node_id"].map(order)
    f = f.sort_values(["_order", "rank"])
    return f.reindex(columns=cols).reset_index(drop=True)


# --------------------------------------------------------------------------- 短板 / 卡脖子
def chokepoints(nodes: pd.DataFrame, domestic_makers: pd.Series, import_dependence: pd.DataFrame | None = None,
                rules: ListRules = ListRules()) -> pd.DataFrame:
    """A chokepoint flag per link with its figures, and whether the region lacks it (短板).

    ``nodes``: ``node_id``, ``name_zh``, ``name_en``, ``stage``, ``status`` (the region's diagnosis).
    ``domestic_makers``: node id → number of firms in the nation (the atlas) making it.
    ``import_dependence``: ``node_id``, ``value`` (%), ``year``, ``source_id`` (latest per node).

    Rule: a link is a national chokepoint (卡脖子) when imports cover at least
    ``import_dependence_min`` % of domestic use or at most ``domestic_makers_max`` domestic firms make
    it. When the maker count does not flag it and the import share is unknown, the flag is None
    (unknown), never a silent "no". A shortfall (短板) is a link the region misses or is weak in.
    """
    imp = (import_dependence if import_dependence is not None and len(import_dependence)
           else pd.DataFrame(columns=["node_id", "value", "year", "source_id"]))
    imp = imp.sort_values("year").groupby("node_id").tail(1).set_index("node_id")
    rows = []
    for rec in nodes.to_dict(orient="records"):
        nid = rec["node_id"]
        makers = int(domestic_makers.get(nid, 0) or 0)
        dep = _num(imp["value"].get(nid)) if nid in imp.index else math.nan
        reasons = []
        few = makers <= rules.domestic_makers_max
        if few:
            reasons.append(f"图谱收录国内生产企业仅{makers}家 (≤{rules.domestic_makers_max}) / only {makers} domestic maker(s) in the atlas")
        if not math.isnan(dep):
            heavy = dep >= rules.import_dependence_min
            if heavy:
                reasons.append(f"进口依存度{dep:g}% (≥{rules.import_dependence_min:g}%) / import dependence {dep:g}%")
            flag: bool | None = few or heavy
        else:
            flag = True if few else None
            if not few:
                reasons.append("进口依存度未知 / import dependence not in the atlas")
        rows.append({
            "node_id": nid, "name_zh": rec.get("name_zh"), "name_en": rec.get("name_en"), "stage": rec.get("stage"),
            "status": rec.get("status"), "shortfall": rec.get("status") in SHORTFALL_STATUSES,
            "domestic_makers": makers, "import_dependence": dep,
            "import_year": imp["year"].get(nid) if nid in imp.index else None,
            "import_source": imp["source_id"].get(nid) if nid in imp.index else None,
            "chokepoint": flag, "reason": "；".join(reasons),
        })
    return pd.DataFrame(rows, columns=["node_id", "name_zh", "name_en", "stage", "status", "shortfall",
                                       "domestic_makers", "import_dependence", "import_year", "import_source",
                                       "chokepoint", "reason"])


# --------------------------------------------------------------------------- 合作伙伴
def partners(region: dict, lacking: list[str], counts: pd.DataFrame, regions: pd.DataFrame,
             exclude: set[str] | None = None, node_names: dict[str, str] | None = None,
             rules: ListRules = ListRules()) -> pd.DataFrame:
    """Regions strong in the links this region lacks, nearest first (合作伙伴).

    ``counts``: region × node firm counts (regions of one level). ``regions``: ``code``, ``name_zh``,
    ``name_en``, ``lon``, ``lat``. A region is strong in a link when it has at least
    ``partner_min_firms`` firms making it, or the most firms of any region. Regions strong in at least
    one lacking link are listed by distance to ``region`` (then by links covered), at most
    ``partners_max``; ``exclude`` drops the region itself and its own parts.
    """
    cols = ["code", "name_zh", "name_en", "links_covered", "links", "links_zh", "firms", "distance_km"]
    lacking = [n for n in lacking if n in counts.columns]
    if not lacking or counts.empty:
        return pd.DataFrame(columns=cols)
    sub = counts[lacking].drop(index=[c for c in (exclude or set()) if c in counts.index])
    if sub.empty:
        return pd.DataFrame(columns=cols)
    top = sub.max(axis=0)
    strong = (sub >= rules.partner_min_firms) | ((sub == top) & (top > 0))
    info = regions.set_index("code")
    names = node_names or {}
    rows = []
    for code, row in strong.iterrows():
        links = [n for n in lacking if row[n]]
        if not links:
            continue
        rec = info.loc[code] if code in info.index else None
        dist = haversine_km(region.get("lon"), region.get("lat"), rec["lon"], rec["lat"]) \
            if rec is not None else math.nan
        rows.append({"code": code, "name_zh": rec["name_zh"] if rec is not None else code,
                     "name_en": rec["name_en"] if rec is not None else code, "links_covered": len(links),
                     "links": links, "links_zh": "、".join(names.get(n, n) for n in links),
                     "firms": int(sum(sub.loc[code, n] for n in links)), "distance_km": dist})
    out = pd.DataFrame(rows, columns=cols)
    if out.empty:
        return out
    out = out.assign(_d=out["distance_km"].fillna(np.inf))
    out = out.sort_values(["_d", "links_covered", "code"], ascending=[True, False, True]).drop(columns="_d")
    return out.head(rules.partners_max).reset_index(drop=True)


# --------------------------------------------------------------------------- 创新平台
INNOVATION_INDICATORS = (
    "platforms_national", "platforms_provincial", "platforms_city", "new_platforms_provincial_plus",
    "rd_spending", "rd_spending_above_size", "rd_intensity", "rd_intensity_key_firms", "rd_spending_growth",
    "high_tech_firms", "new_high_tech_firms",
)


def innovation(observations: pd.DataFrame, region_order: list[str], indicators: pd.DataFrame,
               region_names: dict[str, str]) -> pd.DataFrame:
    """Innovation platforms and R&D figures of the region and the regions above it (创新平台).

    ``observations``: region observations; ``region_order``: the region first, then its parents
    nearest first. The latest year per region and indicator is kept, with its source.
    """
    cols = ["region", "region_name_zh", "indicator", "indicator_name_zh", "indicator_name_en", "value", "unit",
            "comparator", "year", "source_id", "note"]
    obs = observations[observations["indicator"].isin(INNOVATION_INDICATORS)
                       & observations["subject_id"].isin(region_order)]
    if obs.empty:
        return pd.DataFrame(columns=cols)
    obs = obs.sort_values("year").groupby(["subject_id", "indicator"], as_index=False).tail(1)
    ind = indicators.set_index("id")
    obs = obs.assign(region=obs["subject_id"], region_name_zh=obs["subject_id"].map(region_names),
                     indicator_name_zh=obs["indicator"].map(ind["name_zh"]),
                     indicator_name_en=obs["indicator"].map(ind["name_en"]),
                     _r=obs["subject_id"].map({c: i for i, c in enumerate(region_order)}),
                     _i=obs["indicator"].map({c: i for i, c in enumerate(INNOVATION_INDICATORS)}))
    return obs.sort_values(["_r", "_i"]).reindex(columns=cols).reset_index(drop=True)


TARGET_COLUMNS = ["node_id", "node_name_zh", "node_name_en", "rank", "id", "name_zh", "name_en", "region",
                  "region_name_zh", "made_name_zh", "quantity", "quantity_unit", "year", "distance_km",
                  "reason_zh", "reason_en", "source_id"]


def node_makers(made: pd.DataFrame, groups: pd.Series) -> pd.Series:
    """node id → number of firm groups making it (plants of one group count once).

    ``made``: ``enterprise_id, node_id`` rows; ``groups``: firm id → group key.
    """
    made = made[["enterprise_id", "node_id"]].drop_duplicates()
    return made.assign(group=made["enterprise_id"].map(groups)).groupby("node_id")["group"].nunique()


def import_dependence(observations: pd.DataFrame, ids: list[str]) -> pd.DataFrame:
    """Import-dependence figures (%) about ``ids``: observations whose subject is the node, or the nation
    with the node named."""
    obs = observations[(observations["indicator"] == "import_dependence") & (observations["unit"] == "%")]
    obs = obs.assign(node_id=np.where(obs["subject_kind"] == "node", obs["subject_id"], obs["node_id"]))
    obs = obs[obs["node_id"].isin(ids) & ((obs["subject_kind"] == "node") | (obs["subject_id"] == "100000"))]
    return obs[["node_id", "value", "year", "source_id"]].reset_index(drop=True)


def target_rows(target_lists: list) -> pd.DataFrame:
    """The target lists of several nodes as one table (招商目标), each row naming its node."""
    rows = [tl.targets.assign(node_id=tl.node["id"], node_name_zh=tl.node["name_zh"], node_name_en=tl.node["name_en"])
            for tl in target_lists if len(tl.targets)]
    return pd.concat(rows, ignore_index=True).reindex(columns=TARGET_COLUMNS) if rows \
        else pd.DataFrame(columns=TARGET_COLUMNS)
