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
        uplift, weights_in = _uplift(node, inputs, graph, records)
        covered = [i in present for i in inputs]
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
            "unit": rec["unit"], "unit_value": rec["unit_value"], "uplift_per_unit": uplift,
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



# --------------------------------------------------------------------------- every region of a level at once
CANDIDATE_COLUMNS = ["rank", "node_id", "name_zh", "name_en", "chain_id", "stage", "status", "action", "unit",
                     "unit_value", "uplift_per_unit", "density", "input_coverage", "market", "concentration",
                     "openness", "distance", "inputs_local", "inputs_missing", "national_market", "capped_input",
                     "made_in_province", "value_uplift", "relatedness", "score", "label_zh"]
PRESENT_STATUSES = ("strong", "present", "weak")


@dataclass
class RegionalOpportunities(Result):
    """Ranked candidate links of every region of a level (one row per region × candidate).

    ``candidates`` holds the columns of :class:`Opportunities` with ``region`` first; :meth:`of` gives
    one region's :class:`Opportunities`, identical to scoring that region alone.
    """

    regions: pd.DataFrame  # code, name_zh, name_en, level
    chains: list[str]
    level: str
    weights: dict[str, float]
    candidates: pd.DataFrame
    meanings: dict[str, str] = field(default_factory=lambda: dict(COMPONENT_MEANING))

    def of(self, code: str) -> Opportunities:
        """One region's ranked candidates as :func:`score_candidates` would give them."""
        rec = self.regions[self.regions["code"] == code]
        if rec.empty:
            from chainatlas.errors import ChainAtlasError

            raise ChainAtlasError(f"region {code!r} is not among the {len(self.regions)} {self.level} regions "
                                  "of this run")
        region = {k: rec.iloc[0][k] for k in ("code", "name_zh", "name_en", "level")}
        rows = self.candidates[self.candidates["region"] == code].drop(columns="region").reset_index(drop=True)
        if rows.empty:
            rows = pd.DataFrame(columns=["rank", "node_id", "name_zh", "name_en", "chain_id", "stage", "status",
                                         "action", "label_zh", "score", "value_uplift", "relatedness",
                                         *DEFAULT_WEIGHTS])
        return Opportunities(region, self.chains, self.weights, rows, dict(self.meanings))

    def to_dict(self) -> dict:
        return jsonable({"level": self.level, "chains": self.chains, "weights": self.weights,
                         "components": self.meanings, "regions": self.regions, "candidates": self.candidates})

    def to_frame(self) -> pd.DataFrame:
        return self.candidates

    def __repr__(self) -> str:
        top = self.candidates[self.candidates["rank"] == 1]
        lines = [f"Opportunities of {len(self.regions)} {self.level} regions, chains {', '.join(self.chains)}: "
                 f"{len(self.candidates):,} candidate links; most frequent first choice:"]
        for node, n in top["node_id"].value_counts().head(10).items():
            lines.append(f"  {node}: first for {n} region{'' if n == 1 else 's'}")
        return "\n".join(lines)


def node_concentration(counts: pd.DataFrame) -> dict[str, float]:
    """Herfindahl index of each node's firms across regions (region × node firm counts).

    >>> node_concentration(pd.DataFrame({"a": [1, 1], "b": [2, 0]}, index=["r1", "r2"]))
    {'a': 0.5, 'b': 1.0}
    """
    shares = counts.div(counts.sum(axis=0).replace(0, np.nan), axis=1)
    return (shares ** 2).sum(axis=0).to_dict()


def province_presence(pairs: pd.DataFrame, level: str, region_province: pd.Series,
                      nodes: list[str]) -> pd.DataFrame:
    """Region × node: is the node made in the region's province outside the region itself?

    ``pairs`` holds one row per firm × node made (``node_id``, ``province``, ``level`` — the codes of the
    firm's province and of its region at ``level``); ``region_province`` maps each region to its
    province. A firm counts for every other region of its province, so the answer is "the province
    makes more of it than the region does".
    """
    p = pairs[pairs["node_id"].isin(nodes) & pairs["province"].notna()]
    col = pd.Index(nodes)
    by_province = pd.crosstab(p["province"], p["node_id"]).reindex(columns=col, fill_value=0)
    inside = p[p[level].isin(region_province.index)]
    inside = inside[inside["province"].to_numpy() == region_province.reindex(inside[level]).to_numpy()]
    by_region = pd.crosstab(inside[level], inside["node_id"]).reindex(columns=col, fill_value=0)
    total = by_province.reindex(region_province.to_numpy(), fill_value=0).to_numpy()
    own = by_region.reindex(region_province.index, fill_value=0).to_numpy()
    return pd.DataFrame(total - own > 0, index=region_province.index, columns=col)


def _uplift(node: str, inputs: list[str], graph: nx.DiGraph, records: dict) -> tuple[float, list[float]]:
    """A node's value uplift (unit value − the cost of its direct inputs) and each input's weight.

    An input's cost is coefficient × its unit value; without a coefficient between different units the
    cost is not comparable and the uplift unknown. The weights (cost, else 1) weigh input coverage.
    One rule for the single-region and the all-regions scorer, so they cannot drift apart.
    """
    rec = records[node]
    cost, cost_known, weights_in = 0.0, bool(inputs), []
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
    uv = rec["unit_value"]
    uplift = (float(uv) - cost) if not is_missing(uv) and (cost_known or not inputs) else math.nan
    return uplift, weights_in


def _node_terms(node: str, graph: nx.DiGraph, records: dict, capped: dict[str, str]) -> dict:
    """What :func:`score_candidates` derives for a node without looking at any region (same rules)."""
    inputs = list(graph.predecessors(node)) if node in graph else []
    outputs = list(graph.successors(node)) if node in graph else []
    uplift, weights_in = _uplift(node, inputs, graph, records)
    belt: set[str] = set()
    if is_recycling(node) and node in graph:
        outs = set(outputs)
        belt = {p for o in outs for p in graph.predecessors(o)} | outs
        for o in list(outs):
            belt |= nx.descendants(graph, o)
    return {"inputs": inputs, "outputs": outputs, "weights_in": weights_in, "uplift": uplift,
            "up": nx.ancestors(graph, node) if node in graph else set(),
            "down": nx.descendants(graph, node) if node in graph else set(), "belt": belt,
            "capped": "; ".join(f"{c}: {capped[c]}" for c in [node, *inputs] if c in capped)}


def score_regions(
    *,
    regions: pd.DataFrame,
    chain_ids: list[str],
    nodes: pd.DataFrame,
    graph: nx.DiGraph,
    status: pd.DataFrame,
    density: pd.DataFrame,
    province_present: pd.DataFrame,
    node_hhi: dict[str, float],
    national_value: pd.DataFrame,
    chain_of: dict[str, str],
    level: str,
    weights: dict[str, float] | None = None,
    capped: dict[str, str] | None = None,
) -> RegionalOpportunities:
    """Rank the candidate links of many regions at once: :func:`score_candidates` on whole matrices.

    The region-dependent inputs are region × node frames indexed by ``regions["code"]``: ``status``
    (diagnosis status; its columns are the links considered, in order), ``density``,
    ``province_present`` (bool) and ``national_value`` (yuan). Everything a node needs that no
    region changes (inputs, cost, reach up- and downstream) is worked out once per node; each
    region's presence then enters through matrix products, so the cost grows with regions × links,
    not with Python calls per region. Row for row the result equals :func:`score_candidates`.
    """
    w = check_weights(weights)
    capped = capped or {}
    codes = list(regions["code"])
    links = list(status.columns)
    universe = links + [n for n in graph.nodes if n not in set(links)]
    at = {n: i for i, n in enumerate(universe)}
    n_r, n_l, n_u = len(codes), len(links), len(universe)
    st = status.reindex(codes).to_numpy(dtype=object)
    present = np.zeros((n_r, n_u + 1), dtype=bool)  # the last column stands for "no such node"
    present[:, :n_l] = np.isin(st, PRESENT_STATUSES)
    near = province_present.reindex(index=codes, columns=universe, fill_value=False).fillna(False).to_numpy(dtype=bool)
    records = nodes.to_dict(orient="index")
    terms = [_node_terms(n, graph, records, capped) for n in links]

    def reach(key: str) -> np.ndarray:
        m = np.zeros((n_u, n_l), dtype=np.int32)
        for j, t in enumerate(terms):
            m[[at[x] for x in t[key] if x in at], j] = 1
        return (present[:, :n_u].astype(np.int32) @ m) > 0

    up, down, belt = reach("up"), reach("down"), reach("belt")
    weak = st == "weak"
    action = np.select([weak, up & down, down, belt, up], ["strengthen", "supplement", "supplement", "supplement",
                                                           "extend"], "watch").astype(object)
    # market: output made here 1, elsewhere in the province 0.5 (sums of halves: exact in any order)
    out_m = np.zeros((n_u, n_l))
    for j, t in enumerate(terms):
        for o in t["outputs"]:
            out_m[at[o], j] += 1.0
    made = np.where(present[:, :n_u], 1.0, np.where(near, 0.5, 0.0))
    n_out = np.array([len(t["outputs"]) for t in terms], dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        market = np.where(n_out > 0, (made @ out_m) / n_out, 0.5)
    # input coverage: weights summed in input order, as the one-region loop does (bit-identical sums)
    k_max = max((len(t["inputs"]) for t in terms), default=0)
    covered_w = np.zeros((n_r, n_l))
    for k in range(k_max):
        idx = np.array([at.get(t["inputs"][k], n_u) if k < len(t["inputs"]) else n_u for t in terms])
        wk = np.array([t["weights_in"][k] if k < len(t["inputs"]) else 0.0 for t in terms])
        covered_w = covered_w + np.where(present[:, idx], wk, 0.0)
    total_in = np.array([sum(t["weights_in"]) if t["inputs"] else 1.0 for t in terms])
    has_in = np.array([bool(t["inputs"]) for t in terms])
    with np.errstate(divide="ignore", invalid="ignore"):
        input_cov = np.where(has_in, covered_w / total_in, 0.0)

    cand = np.isin(st, CANDIDATE_STATUSES)
    ri, li = np.nonzero(cand)
    if not len(ri):
        return RegionalOpportunities(regions.reset_index(drop=True), chain_ids, level, w,
                                     pd.DataFrame(columns=["region", *CANDIDATE_COLUMNS]))
    dens = density.reindex(index=codes, columns=links, fill_value=0.0).to_numpy(dtype=float)[ri, li]
    inputs_local, inputs_missing = [], []
    for r, j in zip(ri.tolist(), li.tolist(), strict=True):
        ins = terms[j]["inputs"]
        flags = [bool(present[r, at.get(i, n_u)]) for i in ins]
        inputs_local.append([i for i, c in zip(ins, flags, strict=True) if c])
        inputs_missing.append([i for i, c in zip(ins, flags, strict=True) if not c])
    hhi = np.array([node_hhi.get(n, math.nan) for n in links], dtype=float)[li]
    node_col = [links[j] for j in li.tolist()]
    rec_of = [records[n] for n in node_col]
    df = pd.DataFrame({
        "region": [codes[r] for r in ri.tolist()], "node_id": node_col,
        "name_zh": [r["name_zh"] for r in rec_of], "name_en": [r["name_en"] for r in rec_of],
        "chain_id": [chain_of.get(n) for n in node_col], "stage": [r["stage"] for r in rec_of],
        "status": list(st[ri, li]), "action": list(action[ri, li]), "unit": [r["unit"] for r in rec_of],
        "unit_value": [r["unit_value"] for r in rec_of], "uplift_per_unit": [terms[j]["uplift"] for j in li.tolist()],
        "density": dens, "input_coverage": input_cov[ri, li], "market": market[ri, li], "concentration": hhi,
        "openness": np.where(np.isnan(hhi), 0.5, 1.0 - hhi), "distance": 1.0 - dens,
        "inputs_local": inputs_local, "inputs_missing": inputs_missing,
        "national_market": national_value.reindex(index=codes, columns=links).to_numpy(dtype=float)[ri, li],
        "capped_input": [terms[j]["capped"] for j in li.tolist()],
        "made_in_province": near[ri, li],
    })
    # value uplift: percentile among the region's candidates counted in the same unit
    df["value_uplift"] = 0.0
    known = df["uplift_per_unit"].notna() & df["unit"].notna()
    k = df[known]
    groups = k.groupby(["region", "unit"], sort=False)["uplift_per_unit"]
    size = groups.transform("size")
    single = size == 1
    df.loc[single[single].index, "value_uplift"] = np.where(k.loc[single, "uplift_per_unit"] > 0, 1.0, 0.0)
    many = k[~single]
    if len(many):
        df.loc[many.index, "value_uplift"] = many.groupby(["region", "unit"], sort=False)["uplift_per_unit"].rank(
            pct=True, method="average")
    df["relatedness"] = (df["density"] + df["input_coverage"]) / 2
    total = sum(w.values()) or 1.0
    df["score"] = sum(w[c] * df[c].astype(float) for c in DEFAULT_WEIGHTS) / total
    df.loc[df["action"] == "watch", "score"] *= WATCH_FACTOR
    df["label_zh"] = df["action"].map(ACTIONS)
    df = df.sort_values(["region", "score", "value_uplift", "node_id"],
                        ascending=[True, False, False, True]).reset_index(drop=True)
    df.insert(1, "rank", df.groupby("region", sort=False).cumcount().to_numpy() + 1)
    return RegionalOpportunities(regions.reset_index(drop=True), chain_ids, level, w, df)


# target lists live in analysis/targets.py; re-exported here for callers of the old location
from chainatlas.analysis.targets import TARGET_WEIGHTS, TargetList, haversine_km, rank_targets  # noqa: E402,F401
