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

Candidates are links whose status is weak, missing or unknown (not known to be present).
Recycling loops: a recycling link (id ending in one of :data:`RECYCLING_MARKERS`: scrap, recycled
metal) is 补链 when the region runs any link downstream of it *or* a link that uses the same outputs
(the processing belt that consumes recycled metal). A candidate that is, or directly needs, a node
whose national capacity is capped (an observation of ``capacity`` for the nation with comparator
``<=``) says so in ``capped_input``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import networkx as nx
import numpy as np
import pandas as pd

from chainatlas.analysis.settings import check_weights as _check_declared
from chainatlas.analysis.settings import defaults
from chainatlas.model.values import is_missing
from chainatlas.results import Result, jsonable

ACTIONS = {"strengthen": "强链", "supplement": "补链", "extend": "延链", "watch": "观望"}

DEFAULT_WEIGHTS = defaults("opportunity_weights")  # declared in analysis/settings.py
RECYCLING_MARKERS = ("scrap", "recycled", "recycled-rod")
CANDIDATE_STATUSES = ("missing", "weak", "unknown")
WATCH_FACTOR = 0.5
COMPONENT_MEANING = {
    "value_uplift": "unit value minus the cost of its inputs per unit (coefficient × input unit value; 1:1 only "
                    "between nodes of the same unit, else unknown), as a percentile among candidates counted in "
                    "the same unit",
    "density": "Σ presence × proximity / Σ proximity over the node's proximity row (firm-count RCA presence "
               "across regions of the same level; minimum conditional probability proximity)",
    "input_coverage": "share of the node's direct inputs (weighted by input coefficient × unit value where known) "
                      "that the region itself makes",
    "market": "share of the node's direct outputs made in the region (weight 1) or elsewhere in its province "
              "(weight 0.5); 0.5 for end products whose users the atlas does not model",
    "openness": "1 − Herfindahl index of the node's firms across regions (0 = one region makes it all)",
}



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
            notes = [f"status {rec['status']}"]
            if rec.get("capped_input"):
                notes.append(f"capped input — {rec['capped_input']}")
            if rec.get("made_in_province"):
                notes.append("already made elsewhere in the province")
            lines.append(f"  {rec['rank']:>3}. [{rec['label_zh']} {rec['action']}] {rec['name_zh']} {rec['name_en']} "
                         f"({rec['node_id']}) score {rec['score']:.3f} ({'; '.join(notes)})")
        return "\n".join(lines)


def check_weights(weights: dict[str, float] | None) -> dict[str, float]:
    """Weights with defaults filled in; unknown component names are an error."""
    return _check_declared("opportunity_weights", weights)


def is_recycling(node: str) -> bool:
    """A scrap or recycled-metal link (by its id's last part, see :data:`RECYCLING_MARKERS`).

    >>> is_recycling("copper.scrap"), is_recycling("copper.recycled-rod"), is_recycling("copper.rod")
    (True, True, False)
    """
    last = node.rsplit(".", 1)[-1]
    return any(last == m or last.startswith(m + "-") or last.endswith("-" + m) for m in RECYCLING_MARKERS)


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
    if is_recycling(node) and node in graph:
        # the processing belt that would consume recycled metal: links sharing its outputs
        outputs = set(graph.successors(node))
        belt = {p for o in outputs for p in graph.predecessors(o)} | outputs
        for o in list(outputs):
            belt |= nx.descendants(graph, o)
        if belt & present:
            return "supplement"
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
    capped: dict[str, str] | None = None,
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
    capped = capped or {}
    records = nodes.to_dict(orient="index")
    rows = []
    for node, st in status.items():
        if st not in CANDIDATE_STATUSES:
            continue
        rec = records[node]
        inputs = list(graph.predecessors(node)) if node in graph else []
        outputs = list(graph.successors(node)) if node in graph else []
        uv = rec["unit_value"]
        cost, cost_known = 0.0, bool(inputs)
        weights_in, covered = [], []
        for i in inputs:
            coef = graph.edges[i, node].get("coefficient")
            irec = records.get(i, {})
            iuv = irec.get("unit_value", math.nan)
            if is_missing(coef) and irec.get("unit") != rec["unit"]:
                iuv = math.nan  # no coefficient between different units: the cost is not comparable
            coef = 1.0 if is_missing(coef) else float(coef)
            if is_missing(iuv):
                cost_known = False
            else:
                cost += coef * float(iuv)
            weights_in.append(coef * float(iuv) if not is_missing(iuv) else 1.0)
            covered.append(i in present)
        uplift = (float(uv) - cost) if not is_missing(uv) and (cost_known or not inputs) else math.nan
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
            "concentration": hhi, "openness": 0.5 if is_missing(hhi) else 1.0 - hhi,
            "distance": 1.0 - float(density.get(node, 0.0)),
            "inputs_local": [i for i, c in zip(inputs, covered, strict=True) if c],
            "inputs_missing": [i for i, c in zip(inputs, covered, strict=True) if not c],
            "national_market": national_value.get(node, math.nan),
            "capped_input": "; ".join(f"{c}: {capped[c]}" for c in [node, *inputs] if c in capped),
            "made_in_province": node in province_present,
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


# target lists live in analysis/targets.py; re-exported here for callers of the old location
from chainatlas.analysis.targets import TARGET_WEIGHTS, TargetList, haversine_km, rank_targets  # noqa: E402,F401
