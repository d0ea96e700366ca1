"""What a region should develop next, and whom to attract for it.

Pure functions over a diagnosis (per-node statuses), the chain graph, a relatedness density and the
atlas's firms. Every score is the weighted sum of named components in [0, 1], each reported, so a
user sees *why* a link ranks where it does and can change the weights.

Actions (labels used by Chinese chain plans):

* **strengthen 强链** — a link the region has but weakly (status ``weak``);
* **supplement 补链** — a missing link between links the region runs (it has something up- and
  downstream of it), or a missing input of links it runs;
* **extend 延链** — a missing link downstream of what the region makes, with nothing of its own
  further down;
* **watch 观望** — a missing link with no present link up- or downstream in the chain.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import networkx as nx
import numpy as np
import pandas as pd

from chainatlas.errors import ChainAtlasError
from chainatlas.results import Result, jsonable

ACTIONS = {"strengthen": "强链", "supplement": "补链", "extend": "延链", "watch": "观望"}

DEFAULT_WEIGHTS = {
    "value_uplift": 0.35,   # value per unit over the inputs (from the value-added ladder)
    "density": 0.15,        # relatedness: density of the node given the region's present nodes
    "input_coverage": 0.15,  # relatedness: share of the node's direct inputs produced locally
    "market": 0.20,         # downstream demand: the node's outputs made here or in the province
    "openness": 0.15,       # national context: 1 − concentration of the node among regions
}
WATCH_FACTOR = 0.5
COMPONENT_MEANING = {
    "value_uplift": "unit value minus the cost of its inputs per unit (coefficient × input unit value, 1:1 when "
                    "unknown), as a percentile among candidates counted in the same unit",
    "density": "Σ presence × proximity / Σ proximity over the node's proximity row (firm-count RCA presence "
               "across regions of the same level; minimum conditional probability proximity)",
    "input_coverage": "share of the node's direct inputs (weighted by input coefficient × unit value where known) "
                      "that the region itself makes",
    "market": "share of the node's direct outputs made in the region (weight 1) or elsewhere in its province "
              "(weight 0.5); 0.5 for end products whose users the atlas does not model",
    "openness": "1 − Herfindahl index of the node's firms across regions (0 = one region makes it all)",
}


def _nan(v: object) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


@dataclass
class Opportunities(Result):
    """Ranked candidate links for a region, with score components and the quadrant view."""

    region: dict
    chains: list[str]
    weights: dict[str, float]
    candidates: pd.DataFrame
    meanings: dict[str, str] = field(default_factory=lambda: dict(COMPONENT_MEANING))

    def to_dict(self) -> dict:
        return jsonable({"region": self.region, "chains": self.chains, "weights": self.weights,
                         "components": self.meanings, "candidates": self.candidates,
                         "quadrant": self.quadrant()})

    def to_frame(self) -> pd.DataFrame:
        return self.candidates

    def quadrant(self) -> dict:
        """Points for the quadrant chart: x = relatedness, y = value uplift, size = national market."""
        points = []
        for rec in self.candidates.to_dict(orient="records"):
            points.append({"node_id": rec["node_id"], "name_zh": rec["name_zh"], "name_en": rec["name_en"],
                           "x": rec["relatedness"], "y": rec["value_uplift"], "size": rec["national_market"],
                           "action": rec["action"], "label": rec["label_zh"]})
        return {"x": "relatedness (mean of density and input coverage)",
                "y": "value uplift component (0-1)", "size": "national output value (yuan) where known",
                "points": points}

    def __repr__(self) -> str:
        lines = [f"Opportunities for {self.region['name_zh']} {self.region['name_en']} ({self.region['code']}), "
                 f"chains {', '.join(self.chains)}:"]
        for rec in self.candidates.head(25).to_dict(orient="records"):
            lines.append(f"  {rec['rank']:>3}. [{rec['label_zh']} {rec['action']}] {rec['name_zh']} {rec['name_en']} "
                         f"({rec['node_id']}) score {rec['score']:.3f}")
        return "\n".join(lines)


def check_weights(weights: dict[str, float] | None) -> dict[str, float]:
    """Weights with defaults filled in; unknown component names are an error."""
    if not weights:
        return dict(DEFAULT_WEIGHTS)
    bad = [k for k in weights if k not in DEFAULT_WEIGHTS]
    if bad:
        raise ChainAtlasError(f"unknown score component(s) {', '.join(bad)}; known: {', '.join(DEFAULT_WEIGHTS)}")
    out = dict(DEFAULT_WEIGHTS)
    out.update({k: float(v) for k, v in weights.items()})
    return out


def classify_action(node: str, status: str, graph: nx.DiGraph, present: set[str]) -> str:
    """strengthen / supplement / extend / watch for one candidate link (see module docstring)."""
    if status == "weak":
        return "strengthen"
    up = nx.ancestors(graph, node) & present
    down = nx.descendants(graph, node) & present
    if up and down:
        return "supplement"
    if down:
        return "supplement"  # an input of links the region runs
    if up:
        return "extend"
    return "watch"


def score_candidates(
    *,
    region: dict,
    chain_ids: list[str],
    nodes: pd.DataFrame,
    graph: nx.DiGraph,
    status: dict[str, str],
    density: dict[str, float],
    province_present: set[str],
    node_hhi: dict[str, float],
    national_value: dict[str, float],
    chain_of: dict[str, str],
    weights: dict[str, float] | None = None,
) -> Opportunities:
    """Rank the region's candidate links.

    ``nodes`` is indexed by node id (unit, unit_value, names, stage); ``graph`` holds the links
    (with ``coefficient`` on edges) of every chain considered; ``status`` the diagnosis status per
    node; ``density`` the relatedness density per node; ``province_present`` the nodes made
    elsewhere in the region's province; ``node_hhi`` each node's concentration across regions;
    ``national_value`` each node's national output value (for the quadrant's bubble size).
    """
    w = check_weights(weights)
    present = {n for n, s in status.items() if s in ("strong", "present", "weak")}
    rows = []
    for node, st in status.items():
        if st not in ("missing", "weak"):
            continue
        rec = nodes.loc[node]
        inputs = list(graph.predecessors(node)) if node in graph else []
        outputs = list(graph.successors(node)) if node in graph else []
        uv = rec["unit_value"]
        cost, cost_known = 0.0, bool(inputs)
        weights_in, covered = [], []
        for i in inputs:
            coef = graph.edges[i, node].get("coefficient")
            coef = 1.0 if _nan(coef) else float(coef)
            iuv = nodes.loc[i, "unit_value"] if i in nodes.index else math.nan
            if _nan(iuv):
                cost_known = False
            else:
                cost += coef * float(iuv)
            weights_in.append(coef * float(iuv) if not _nan(iuv) else 1.0)
            covered.append(i in present)
        uplift = (float(uv) - cost) if not _nan(uv) and (cost_known or not inputs) else math.nan
        input_cov = (sum(wt for wt, c in zip(weights_in, covered, strict=True) if c) / sum(weights_in)
                     if inputs else 0.0)
        if outputs:
            market = sum(1.0 if o in present else 0.5 if o in province_present else 0.0 for o in outputs) / len(outputs)
        else:
            market = 0.5
        hhi = node_hhi.get(node, math.nan)
        rows.append({
            "node_id": node, "name_zh": rec["name_zh"], "name_en": rec["name_en"], "chain_id": chain_of.get(node),
            "stage": rec["stage"], "status": st, "action": classify_action(node, st, graph, present),
            "unit": rec["unit"], "unit_value": uv, "uplift_per_unit": uplift,
            "density": float(density.get(node, 0.0)), "input_coverage": input_cov, "market": market,
            "concentration": hhi, "openness": 0.5 if _nan(hhi) else 1.0 - hhi,
            "distance": 1.0 - float(density.get(node, 0.0)),
            "inputs_local": [i for i, c in zip(inputs, covered, strict=True) if c],
            "inputs_missing": [i for i, c in zip(inputs, covered, strict=True) if not c],
            "national_market": national_value.get(node, math.nan),
        })
    df = pd.DataFrame(rows)
    if df.empty:
        df = pd.DataFrame(columns=["rank", "node_id", "name_zh", "name_en", "chain_id", "stage", "status", "action",
                                   "label_zh", "score", "value_uplift", "relatedness", *DEFAULT_WEIGHTS])
        return Opportunities(region, chain_ids, w, df)
    # value uplift as a percentile among candidates counted in the same unit (yuan/t vs yuan/kWh differ)
    df["value_uplift"] = 0.0
    for _unit, idx in df.groupby("unit").groups.items():
        vals = df.loc[idx, "uplift_per_unit"]
        known = vals.notna()
        if known.sum() == 1:
            df.loc[vals[known].index, "value_uplift"] = 1.0 if vals[known].iloc[0] > 0 else 0.0
        elif known.sum() > 1:
            df.loc[vals[known].index, "value_uplift"] = vals[known].rank(pct=True, method="average")
    df["relatedness"] = (df["density"] + df["input_coverage"]) / 2
    total = sum(w.values()) or 1.0
    df["score"] = sum(w[k] * df[k].astype(float) for k in DEFAULT_WEIGHTS) / total
    # nothing up- or downstream of a watch link is present: halve it (WATCH_FACTOR) so links that
    # build on what the region has come first, yet a watch link with strong components still shows
    df.loc[df["action"] == "watch", "score"] *= WATCH_FACTOR
    df["label_zh"] = df["action"].map(ACTIONS)
    df = df.sort_values(["score", "value_uplift", "node_id"], ascending=[False, False, True]).reset_index(drop=True)
    df.insert(0, "rank", np.arange(1, len(df) + 1))
    return Opportunities(region, chain_ids, w, df)


# --------------------------------------------------------------------------- target lists
TARGET_WEIGHTS = {"scale": 0.35, "listed": 0.15, "high_tech": 0.10, "chain_link": 0.20, "expanded": 0.10,
                  "proximity": 0.10}


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


def haversine_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance between two points in km (Earth radius 6,371 km)."""
    if any(_nan(v) for v in (lon1, lat1, lon2, lat2)):
        return math.nan
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


def rank_targets(*, region: dict, node: dict, candidates: pd.DataFrame, n: int = 20,
                 weights: dict[str, float] | None = None) -> TargetList:
    """Rank candidate firms (already outside the region) for a link.

    ``candidates`` has one row per firm with: id, names, region code/names, province, listed,
    exchange, stock_code, high_tech, quantity (in the node's unit) or revenue (yuan), made_node
    (the node it makes: the link itself or a close substitute), substitute (bool), chain_link
    (description of how it connects to the region's links, or empty), provinces (how many provinces
    its group is in), same_province, distance_km, source_id.
    """
    w = dict(TARGET_WEIGHTS)
    w.update(weights or {})
    if candidates.empty:
        return TargetList(region, node, candidates, reason="no firm outside the region makes this link (or a close "
                                                           "substitute) in the atlas")
    df = candidates.copy()
    size = df["quantity"].where(df["quantity"].notna(), np.nan)
    df["scale"] = 0.0
    if size.notna().any():
        logs = np.log10(size[size > 0])
        if len(logs):
            lo, hi = logs.min(), logs.max()
            df.loc[logs.index, "scale"] = 1.0 if hi == lo else (logs - lo) / (hi - lo)
    rev = df["revenue"]
    no_qty = df["quantity"].isna() & rev.notna() & (rev > 0)
    if no_qty.any():
        logs = np.log10(rev[no_qty])
        lo, hi = logs.min(), logs.max()
        df.loc[no_qty, "scale"] = 0.5 if hi == lo else 0.5 * (logs - lo) / (hi - lo)  # revenue counts half
    df["listed_score"] = df["listed"].fillna(False).astype(bool).astype(float)
    df["high_tech_score"] = df["high_tech"].fillna(False).astype(bool).astype(float)
    df["chain_link_score"] = (df["chain_link"].fillna("") != "").astype(float)
    df["expanded_score"] = (df["provinces"].fillna(1) > 1).astype(float)
    dist = df["distance_km"]
    df["proximity_score"] = np.where(df["same_province"], 1.0,
                                     np.where(dist.notna(), np.clip(1 - dist / 2000.0, 0, 1), 0.0))
    df["score"] = (w["scale"] * df["scale"] + w["listed"] * df["listed_score"] + w["high_tech"] * df["high_tech_score"]
                   + w["chain_link"] * df["chain_link_score"] + w["expanded"] * df["expanded_score"]
                   + w["proximity"] * df["proximity_score"]) / sum(w.values())
    df.loc[df["substitute"], "score"] *= 0.8  # a substitute is a weaker lead than a maker of the link itself
    df = df.sort_values(["score", "id"], ascending=[False, True]).head(n).reset_index(drop=True)
    df.insert(0, "rank", np.arange(1, len(df) + 1))
    df["reason_zh"] = [_reason_zh(r, node) for r in df.to_dict(orient="records")]
    df["reason_en"] = [_reason_en(r, node) for r in df.to_dict(orient="records")]
    return TargetList(region, node, df, weights=w)


def _fmt_qty(v: float, unit: str) -> str:
    if v >= 1e4 and unit == "t":
        return f"{v / 1e4:,.1f}万吨"
    return f"{v:,.0f} {unit}"


def _reason_zh(r: dict, node: dict) -> str:
    parts = []
    if r.get("substitute"):
        parts.append(f"生产相近产品{r.get('made_name_zh', '')}")
    if not _nan(r.get("quantity")):
        parts.append(f"规模{_fmt_qty(r['quantity'], r.get('quantity_unit') or node['unit'])}（{r.get('year')}）")
    elif not _nan(r.get("revenue")):
        parts.append(f"营收{r['revenue'] / 1e8:,.1f}亿元（{r.get('year')}）")
    if r.get("listed"):
        parts.append(f"上市公司（{r.get('exchange') or ''}{r.get('stock_code') or ''}）")
    if r.get("high_tech"):
        parts.append("高新技术企业")
    if r.get("chain_link"):
        parts.append(f"与本地产业链相关：{r['chain_link_zh']}")
    if (r.get("provinces") or 1) > 1:
        parts.append(f"已在{int(r['provinces'])}个省份布局")
    if r.get("same_province"):
        parts.append("同省")
    elif not _nan(r.get("distance_km")):
        parts.append(f"距离约{r['distance_km']:,.0f}公里")
    return "；".join(parts)


def _reason_en(r: dict, node: dict) -> str:
    parts = []
    if r.get("substitute"):
        parts.append(f"makes a close substitute ({r.get('made_name_en', '')})")
    if not _nan(r.get("quantity")):
        parts.append(f"scale {r['quantity']:,.0f} {r.get('quantity_unit') or node['unit']} ({r.get('year')})")
    elif not _nan(r.get("revenue")):
        parts.append(f"revenue {r['revenue'] / 1e8:,.1f} 100m yuan ({r.get('year')})")
    if r.get("listed"):
        parts.append(f"listed ({r.get('exchange') or ''} {r.get('stock_code') or ''})")
    if r.get("high_tech"):
        parts.append("high-tech enterprise")
    if r.get("chain_link"):
        parts.append(f"linked to the local chain: {r['chain_link']}")
    if (r.get("provinces") or 1) > 1:
        parts.append(f"already in {int(r['provinces'])} provinces")
    if r.get("same_province"):
        parts.append("same province")
    elif not _nan(r.get("distance_km")):
        parts.append(f"about {r['distance_km']:,.0f} km away")
    return "; ".join(parts)
