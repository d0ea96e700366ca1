"""Regional chain diagnosis: which links a region has, how strong, what is missing, how much value stays.

Pure functions. The facade hands in frames (chain nodes and links, firm production joined with each
firm's region and its ancestors, official output statistics) and gets typed results back.

How a link's local quantity is found (the ``basis`` column says which applied):

1. an official statistic for the region and node (``observations``: indicator ``output``), else
2. the sum over the region's firms of their output, or their capacity where output is unknown.

The nation's quantity is the statistic for region ``100000`` when there is one, else the sum over
every firm in the atlas (said so in ``national_basis``). Status rules are in
:mod:`chainatlas.analysis.settings` and applied in :func:`classify`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import networkx as nx
import numpy as np
import pandas as pd

from chainatlas.analysis.settings import DiagnosisSettings
from chainatlas.results import Result, jsonable

LEVELS = ("province", "prefecture", "county")
NATION = "100000"
STATUSES = ("strong", "present", "weak", "missing")


# --------------------------------------------------------------------------- facts for one chain
@dataclass
class ChainFacts:
    """Everything about one chain and one year that does not depend on the region asked about.

    Built once per chain and year; diagnosing every region of a level then costs little.
    """

    chain: dict
    year: int | None
    nodes: pd.DataFrame          # one row per node, indexed by node id
    links: pd.DataFrame          # source_node, target_node, coefficient, coefficient_unit, source_id
    firms: pd.DataFrame          # one row per firm × node (latest year ≤ year), with region ancestors
    by_level: dict[str, pd.DataFrame]  # level → rows (region, node_id): quantity, basis, firms, sources, year
    national: pd.DataFrame       # node_id → national_quantity, national_basis, national_sources, national_year
    firms_per_region: dict[str, pd.Series]  # level → distinct atlas firms per region (all chains)
    firms_total: int             # distinct firms in the atlas (all chains)
    node_firms_national: pd.Series  # node_id → distinct firms making it anywhere
    graph: nx.DiGraph = field(default_factory=nx.DiGraph)
    layer_of: dict[str, int] = field(default_factory=dict)
    layers: list[dict] = field(default_factory=list)
    ladders: list[tuple[list[str], pd.DataFrame]] = field(default_factory=list)
    chain_value: dict[str, pd.Series] = field(default_factory=dict)   # level → region's chain output value
    chain_firms: dict[str, pd.Series] = field(default_factory=dict)   # level → region's firms in the chain


def _latest(df: pd.DataFrame, keys: list[str], year: int | None) -> pd.DataFrame:
    if year is not None:
        df = df[df["year"] <= year]
    if df.empty:
        return df
    return df.sort_values("year").groupby(keys, as_index=False).tail(1)


def prepare_chain(chain: dict, nodes: pd.DataFrame, links: pd.DataFrame, production: pd.DataFrame,
                  stats: pd.DataFrame, all_firm_regions: pd.DataFrame, year: int | None = None,
                  shares: pd.DataFrame | None = None) -> ChainFacts:
    """Assemble the chain's facts.

    Parameters
    ----------
    chain : the chain record (id, names, main_paths as lists of node ids).
    nodes : the chain's nodes (id, names, stage, primary, unit, unit_value…).
    links : links among the chain's nodes.
    production : production rows of the chain's nodes joined with the firm (``region``, ``province``,
        ``prefecture``, ``county``, names, flags).
    stats : official output statistics: ``region``, ``level``, ``node_id``, ``year``, ``value`` (in
        the node's unit), ``source_id``.
    shares : official national output shares (indicator ``output_share_national``, in %), same
        columns; where the nation's quantity is known they give the region's quantity
        (share × national) ahead of firm sums.
    all_firm_regions : every firm of the atlas with its ``province``/``prefecture``/``county`` (for
        firm-count location quotients).
    year : the year asked about; the latest figure at or before it is used. Default: latest available.
    """
    node_ids = list(nodes["id"])
    production = production[production["node_id"].isin(node_ids)]
    asked = year
    has_figure = production[["capacity", "output", "revenue"]].notna().any(axis=1)
    years = pd.concat([production.loc[has_figure, "year"], stats["year"]]).dropna()
    if asked is not None:
        years = years[years <= asked]
    # the result is labelled with the latest year a figure actually comes from, not the year asked
    year = int(years.max()) if len(years) else asked
    keys = ["enterprise_id", "node_id"]
    firms = _latest(production, keys, asked if asked is not None else year)
    # by default, a firm known to make a node only from a later source still makes it (no figure yet);
    # when a year is asked for explicitly, only what was known by then counts
    later = production[~production.set_index(keys).index.isin(firms.set_index(keys).index)]
    if len(later) and asked is None:
        later = later.sort_values("year").groupby(keys, as_index=False).head(1).copy()
        later[["capacity", "output", "revenue"]] = np.nan
        firms = pd.concat([firms, later], ignore_index=True)
    firms = firms.copy()
    firms["quantity"] = firms["output"].where(firms["output"].notna(), firms["capacity"])
    firms["quantity_kind"] = np.where(firms["output"].notna(), "output",
                                      np.where(firms["capacity"].notna(), "capacity", ""))
    all_stats = stats[stats["node_id"].isin(node_ids)]
    if asked is not None:
        all_stats = all_stats[all_stats["year"] <= asked]
    stats = _latest(all_stats, ["region", "node_id"], None)
    national = _national(firms, stats[stats["region"] == NATION], node_ids)
    national_by_year = {(n, int(y)): v for n, y, v in all_stats.loc[all_stats["region"] == NATION,
                                                                    ["node_id", "year", "value"]].itertuples(index=False)}
    if shares is not None and len(shares):
        # an official share × the official national quantity is an official local quantity
        shares = shares[shares["node_id"].isin(node_ids)]
        if asked is not None:
            shares = shares[shares["year"] <= asked]
        shares = _latest(shares, ["region", "node_id"], None)
        nat = national[national["national_basis"] == "statistics"]["national_quantity"]
        derived = shares[shares["node_id"].isin(nat.index)].copy()
        # the share's own year's national output when known, else the latest national figure
        derived["value"] = [share / 100.0 * national_by_year.get((n, int(y)), nat[n])
                            for share, n, y in derived[["value", "node_id", "year"]].itertuples(index=False)]
        derived = derived[~derived.set_index(["region", "node_id"]).index.isin(
            stats.set_index(["region", "node_id"]).index)]
        stats = pd.concat([stats.assign(derived=False), derived[stats.columns].assign(derived=True)],
                          ignore_index=True)

    by_level = {}
    for level in LEVELS:
        by_level[level] = _region_quantities(firms, stats[stats["level"] == level], level)

    firms_per_region = {level: all_firm_regions.groupby(level)["id"].nunique() for level in LEVELS}
    node_firms = firms.groupby("node_id")["enterprise_id"].nunique()
    indexed = nodes.set_index("id", drop=False)
    graph = nx.DiGraph()
    graph.add_nodes_from(node_ids)
    graph.add_edges_from(links[["source_node", "target_node"]].itertuples(index=False, name=None))
    uv = indexed["unit_value"].astype(float)
    chain_value, chain_firms = {}, {}
    for level in LEVELS:
        rows = by_level[level]
        value = rows["quantity"] * rows["node_id"].map(uv)
        cv = value.groupby(rows["region"]).sum(min_count=1).dropna()
        chain_value[level] = cv[cv > 0]
        f = firms[firms[level].notna() & (firms[level] != "")]
        chain_firms[level] = f.groupby(level)["enterprise_id"].nunique()
    ladders = []
    for path in chain.get("main_paths") or []:
        path = [n for n in path if n in indexed.index]
        if len(path) >= 2:
            ladders.append((path, value_ladder(path, indexed, links)))
    return ChainFacts(
        chain=chain, year=year, nodes=indexed, links=links, firms=firms,
        by_level=by_level, national=national, firms_per_region=firms_per_region,
        firms_total=int(all_firm_regions["id"].nunique()), node_firms_national=node_firms,
        graph=graph, layer_of=_layer_index(graph, indexed), layers=_layers(graph, indexed), ladders=ladders,
        chain_value=chain_value, chain_firms=chain_firms,
    )


def _region_quantities(firms: pd.DataFrame, stats: pd.DataFrame, level: str) -> pd.DataFrame:
    """Per region of a level and node: quantity, basis, firm count, sources, year."""
    cols = ["region", "node_id", "quantity", "basis", "firms", "sources", "year"]
    f = firms[firms[level].notna() & (firms[level] != "")]
    if len(f):
        grouped = f.groupby([level, "node_id"])
        agg = grouped.agg(firms=("enterprise_id", "nunique"), year=("year", "max"))
        qty = f[f["quantity"].notna()].groupby([level, "node_id"])
        agg["quantity"] = qty["quantity"].sum()
        agg["kinds"] = qty["quantity_kind"].agg(lambda s: "+".join(sorted(set(s))))
        agg["sources"] = f[f["quantity"].notna()].groupby([level, "node_id"])["source_id"].agg(
            lambda s: sorted(set(s)))
        agg = agg.reset_index().rename(columns={level: "region"})
        agg["basis"] = np.where(agg["quantity"].notna(), "firms:" + agg["kinds"].fillna(""), "")
        agg["sources"] = agg["sources"].apply(lambda v: v if isinstance(v, list) else [])
        agg = agg.drop(columns="kinds")
    else:
        agg = pd.DataFrame(columns=cols)
    if len(stats):
        stats = stats if "derived" in stats.columns else stats.assign(derived=False)
        s = stats.rename(columns={"value": "stat_quantity", "year": "stat_year"})[
            ["region", "node_id", "stat_quantity", "stat_year", "source_id", "derived"]]
        agg = agg.merge(s, on=["region", "node_id"], how="outer")
        has = agg["stat_quantity"].notna()
        agg.loc[has, "quantity"] = agg.loc[has, "stat_quantity"]
        agg.loc[has, "basis"] = np.where(agg.loc[has, "derived"].fillna(False).astype(bool),
                                         "statistics (official national share × national output)", "statistics")
        agg.loc[has, "year"] = agg.loc[has, "stat_year"]
        agg.loc[has, "sources"] = agg.loc[has, "source_id"].apply(lambda v: [v])
        agg["firms"] = agg["firms"].fillna(0)
        agg = agg.drop(columns=["stat_quantity", "stat_year", "source_id", "derived"])
    agg["firms"] = agg["firms"].astype(int)
    agg = agg[cols].reset_index(drop=True)
    # ranks among the regions of this level (1 = largest), computed once for every region
    positive = agg["quantity"].where(agg["quantity"] > 0)
    agg["rank"] = positive.groupby(agg["node_id"]).rank(ascending=False, method="min")
    agg["regions_ranked"] = positive.notna().groupby(agg["node_id"]).transform("sum").astype(int)
    with_firms = agg["firms"].where(agg["firms"] > 0)
    agg["rank_by_firms"] = with_firms.groupby(agg["node_id"]).rank(ascending=False, method="min")
    return agg


def _national(firms: pd.DataFrame, stats: pd.DataFrame, node_ids: list[str]) -> pd.DataFrame:
    out = pd.DataFrame(index=pd.Index(node_ids, name="node_id"))
    with_q = firms[firms["quantity"].notna()]
    out["national_quantity"] = with_q.groupby("node_id")["quantity"].sum()
    out["national_basis"] = np.where(out["national_quantity"].notna(), "atlas firms (sum; partial coverage)", "")
    out["national_sources"] = [sorted(set(with_q.loc[with_q["node_id"] == n, "source_id"])) for n in out.index]
    out["national_year"] = with_q.groupby("node_id")["year"].max()
    for rec in stats.to_dict(orient="records"):
        out.loc[rec["node_id"], "national_quantity"] = rec["value"]
        out.loc[rec["node_id"], "national_basis"] = "statistics"
        out.at[rec["node_id"], "national_sources"] = [rec["source_id"]]
        out.loc[rec["node_id"], "national_year"] = rec["year"]
    return out


# --------------------------------------------------------------------------- the rules
def classify(firms: int, quantity: float, share: float, lq_firms: float, overall_share: float | None,
             s: DiagnosisSettings) -> tuple[str, str]:
    """Status of one link and the rule that decided it.

    * missing: no local firm and no local quantity;
    * share rule (local and national quantities known): strong when the national share is at least
      ``strong_share_ratio`` × the region's overall share of the chain and at least
      ``strong_min_share``; weak when below ``weak_share_ratio`` × the overall share; else present.
      With no overall share, the absolute cut-offs ``strong_share_abs`` / ``weak_share_abs`` apply;
    * firm rule (no quantities): strong when ``firms ≥ strong_min_firms`` and the firm-count location
      quotient ≥ ``strong_lq``; weak when the quotient < ``weak_lq``; else present.

    >>> classify(0, float("nan"), float("nan"), float("nan"), 0.1, DiagnosisSettings())
    ('missing', 'no local firm or output')
    >>> classify(3, 50.0, 0.2, 2.0, 0.1, DiagnosisSettings())[0]
    'strong'
    """
    if firms == 0 and not (quantity > 0):
        return "missing", "no local firm or output"
    if not math.isnan(share):
        if overall_share is not None and overall_share > 0:
            if share >= max(s.strong_share_ratio * overall_share, s.strong_min_share):
                return "strong", f"share {share:.1%} ≥ {s.strong_share_ratio:g}× overall {overall_share:.1%}"
            if share < s.weak_share_ratio * overall_share:
                return "weak", f"share {share:.1%} < {s.weak_share_ratio:g}× overall {overall_share:.1%}"
            return "present", f"share {share:.1%} near overall {overall_share:.1%}"
        if share >= s.strong_share_abs:
            return "strong", f"share {share:.1%} ≥ {s.strong_share_abs:.0%}"
        if share < s.weak_share_abs:
            return "weak", f"share {share:.1%} < {s.weak_share_abs:.0%}"
        return "present", f"share {share:.1%}"
    if not math.isnan(lq_firms):
        if firms >= s.strong_min_firms and lq_firms >= s.strong_lq:
            return "strong", f"{firms} firms, firm LQ {lq_firms:.2f} ≥ {s.strong_lq:g}"
        if lq_firms < s.weak_lq:
            return "weak", f"firm LQ {lq_firms:.2f} < {s.weak_lq:g}"
        return "present", f"{firms} firm(s), firm LQ {lq_firms:.2f}"
    return "present", f"{firms} firm(s), no output figures"


# --------------------------------------------------------------------------- value ladder
def value_ladder(path: list[str], nodes: pd.DataFrame, links: pd.DataFrame) -> pd.DataFrame:
    """Value per unit of the path's first node as it moves down the path.

    For a path n0 → n1 → … with input coefficients c_k (units of n_{k-1} per unit of n_k; 1 when
    unknown, flagged), the amount of n_k made from one unit of n0 is 1/f_k with f_k = c_1·…·c_k, so the
    value reached per unit of n0 is V_k = uv(n_k)/f_k; the uplift over n0 is V_k − V_0 and the step's
    own uplift is V_k − V_{k−1}. E.g. primary aluminium 18,700 → rod 19,200 yuan/t: +500 per tonne.
    """
    coef = {(a, b): c for a, b, c in links[["source_node", "target_node", "coefficient"]].itertuples(index=False)}
    src = {(a, b): s for a, b, s in links[["source_node", "target_node", "source_id"]].itertuples(index=False)}
    rows = []
    factor = 1.0
    for k, node in enumerate(path):
        rec = nodes.loc[node]
        assumed = False
        link_source = None
        if k:
            c = coef.get((path[k - 1], node))
            if c is None or (isinstance(c, float) and math.isnan(c)):
                c, assumed = 1.0, True
            else:
                link_source = src.get((path[k - 1], node))
            factor *= c
        uv = rec["unit_value"]
        value = uv / factor if uv is not None and not _isnan(uv) else math.nan
        rows.append({"step": k, "node_id": node, "name_zh": rec["name_zh"], "name_en": rec["name_en"],
                     "unit": rec["unit"], "unit_value": uv, "unit_value_unit": rec["unit_value_unit"],
                     "unit_value_year": rec["unit_value_year"], "unit_value_source": rec["unit_value_source"],
                     "input_per_unit": factor, "coefficient_assumed": assumed, "coefficient_source": link_source,
                     "value_per_start_unit": value})
    df = pd.DataFrame(rows)
    start = df["value_per_start_unit"].iloc[0]
    df["uplift_over_start"] = df["value_per_start_unit"] - start
    df["step_uplift"] = df["value_per_start_unit"].diff()
    df["value_unit"] = f"yuan per {nodes.loc[path[0], 'unit']} of {path[0]}"
    return df


def _isnan(v: object) -> bool:
    return isinstance(v, float) and math.isnan(v)


def _capture(ladder: pd.DataFrame, local_q: dict[str, float]) -> dict:
    """How much of a path's value the region captures now vs one or two steps further downstream.

    The region's base is its quantity of the path's first node with a local figure (q). *Today* is
    the value of that base sold as that node plus the value added locally at later steps on local
    volumes; *+k steps* is the value if the whole base were carried k steps further down the path.
    """
    steps = ladder.to_dict(orient="records")
    base_index = next((i for i, s in enumerate(steps) if local_q.get(s["node_id"], 0) > 0), None)
    if base_index is None:
        return {"base_node": None, "reason": "the region has no output figure on this path"}
    base = steps[base_index]
    q0 = local_q[base["node_id"]]
    if _isnan(base["value_per_start_unit"]):
        return {"base_node": base["node_id"], "reason": "the base node has no unit value"}
    # everything per unit of the base node
    f0 = base["input_per_unit"]
    per_base = [s["value_per_start_unit"] * f0 for s in steps]
    today = q0 * per_base[base_index]
    for i in range(base_index + 1, len(steps)):
        q = local_q.get(steps[i]["node_id"], 0.0)
        if q > 0 and not _isnan(per_base[i]) and not _isnan(per_base[i - 1]):
            # q units of node i equal q·f_i/f0 units of base; value added at step i on them
            base_equiv = q * steps[i]["input_per_unit"] / f0
            today += base_equiv * (per_base[i] - per_base[i - 1])
    out = {"base_node": base["node_id"], "base_quantity": q0, "base_unit": ladder.loc[base_index, "unit"],
           "today_value": today, "value_unit": "yuan", "scenarios": []}
    for k in (1, 2):
        j = base_index + k
        if j < len(steps) and not _isnan(per_base[j]):
            value = q0 * per_base[j]
            out["scenarios"].append({"steps": k, "node_id": steps[j]["node_id"], "value": value,
                                     "gain_over_today": value - today})
    last = len(steps) - 1
    if last > base_index and not _isnan(per_base[last]):
        out["full_path_value"] = q0 * per_base[last]
        out["captured_share"] = today / out["full_path_value"] if out["full_path_value"] > 0 else None
    return out


# --------------------------------------------------------------------------- the result
@dataclass
class Diagnosis(Result):
    """The diagnosis of one chain in one region (see :func:`diagnose`)."""

    region: dict
    chain: dict
    year: int | None
    settings: list[dict]
    nodes: pd.DataFrame
    stages: pd.DataFrame
    overall_share: float | None
    top_heaviness: dict
    value_paths: list[dict]
    agglomeration: dict
    firms: pd.DataFrame
    sources: list[str]
    derivations: dict = field(default_factory=dict)
    layers: list[dict] = field(default_factory=list)
    links: pd.DataFrame | None = None

    def to_dict(self) -> dict:
        return jsonable({
            "region": self.region, "chain": self.chain, "year": self.year, "settings": self.settings,
            "overall_share": self.overall_share, "nodes": self.nodes, "stages": self.stages,
            "top_heaviness": self.top_heaviness, "value_paths": self.value_paths,
            "agglomeration": self.agglomeration, "firms": self.firms, "layers": self.layers,
            "links": self.links if self.links is not None else [], "sources": self.sources,
            "derivations": self.derivations,
        })

    def to_frame(self) -> pd.DataFrame:
        return self.nodes

    def status_counts(self) -> dict[str, int]:
        counts = self.nodes["status"].value_counts()
        return {s: int(counts.get(s, 0)) for s in STATUSES}

    def __repr__(self) -> str:
        r, c = self.region, self.chain
        counts = ", ".join(f"{k} {v}" for k, v in self.status_counts().items())
        lines = [f"Diagnosis: {r['name_zh']} {r['name_en']} ({r['code']}) × {c['name_zh']} {c['name_en']}, "
                 f"year {self.year}: {counts}"]
        for rec in self.nodes.to_dict(orient="records"):
            share = "" if _isnan(rec["national_share"]) else f" share {rec['national_share']:.1%}"
            lines.append(f"  [{rec['status']:>7}] {rec['name_zh']} {rec['name_en']}: {rec['firms']} firm(s){share}")
        return "\n".join(lines)


NODE_COLUMNS = [
    "node_id", "name_zh", "name_en", "stage", "primary", "layer", "status", "rule", "firms", "quantity",
    "quantity_unit", "quantity_basis", "quantity_year", "quantity_sources", "national_quantity",
    "national_basis", "national_year", "national_sources", "national_share", "rank", "regions_ranked",
    "rank_by_firms", "lq_firms", "lq_value", "unit_value", "unit_value_unit", "unit_value_year",
    "unit_value_source", "output_value", "national_output_value",
]


def diagnose(facts: ChainFacts, region: dict, settings: DiagnosisSettings | None = None) -> Diagnosis:
    """Diagnose the chain in one region (``region``: code, names, level)."""
    s = settings or DiagnosisSettings()
    level = region["level"] if region["level"] in LEVELS else None
    code = region["code"]
    nodes = facts.nodes
    node_ids = list(nodes.index)
    table = pd.DataFrame({"node_id": node_ids})
    if level is None:  # the nation itself: every figure is national
        local = facts.national.reset_index().rename(columns={
            "national_quantity": "quantity", "national_basis": "basis", "national_sources": "sources",
            "national_year": "year"})
        local["firms"] = local["node_id"].map(facts.node_firms_national).fillna(0).astype(int)
        level_rows = local.assign(region=code)
    else:
        level_rows = facts.by_level[level]
        local = level_rows[level_rows["region"] == code]
    rank_cols = ["rank", "regions_ranked", "rank_by_firms"]
    if level is None:
        local = local.assign(rank=np.nan, regions_ranked=0, rank_by_firms=np.nan)
    table = table.merge(local[["node_id", "quantity", "basis", "firms", "sources", "year", *rank_cols]],
                        on="node_id", how="left")
    table = table.merge(facts.national.reset_index(), on="node_id", how="left")
    table["firms"] = table["firms"].fillna(0).astype(int)
    table["quantity"] = table["quantity"].astype(float)
    table["national_quantity"] = table["national_quantity"].astype(float)
    table["national_share"] = np.where(
        (table["quantity"].notna()) & (table["national_quantity"] > 0),
        table["quantity"] / table["national_quantity"], np.nan)
    # ranks among regions of the same level (precomputed); regions_ranked counts regions with a figure
    if level is not None:
        counts = facts.by_level[level].groupby("node_id")["regions_ranked"].first()
        table["regions_ranked"] = table["node_id"].map(counts).fillna(0).astype(int)
    else:
        table["regions_ranked"] = 0
    for col in ("rank", "rank_by_firms"):
        table[col] = pd.Series([None if _isnan(v) or v is None else int(v) for v in table[col].astype(float)],
                               index=table.index, dtype=object)

    # firm-count location quotient over the whole atlas
    if level is not None:
        region_firms = facts.firms_per_region[level].get(code, 0)
    else:
        region_firms = facts.firms_total
    national_node_firms = table["node_id"].map(facts.node_firms_national).fillna(0)
    with np.errstate(divide="ignore", invalid="ignore"):
        lq = (table["firms"] / region_firms) / (national_node_firms / facts.firms_total)
    table["lq_firms"] = np.where((region_firms > 0) & (national_node_firms > 0), lq, np.nan)

    # values
    uv = table["node_id"].map(nodes["unit_value"]).astype(float)
    table["output_value"] = table["quantity"] * uv
    table["national_output_value"] = table["national_quantity"] * uv
    both = table["output_value"].notna() & table["national_output_value"].notna()
    local_total = table.loc[table["output_value"].notna(), "output_value"].sum()
    national_total = table.loc[table["national_output_value"].notna(), "national_output_value"].sum()
    overall = float(table.loc[both, "output_value"].sum() / table.loc[both, "national_output_value"].sum()) \
        if both.any() and table.loc[both, "national_output_value"].sum() > 0 else None
    with np.errstate(divide="ignore", invalid="ignore"):
        table["lq_value"] = np.where(
            both & (local_total > 0) & (national_total > 0),
            (table["output_value"] / local_total) / (table["national_output_value"] / national_total), np.nan)

    statuses = [classify(int(r.firms), _f(r.quantity), _f(r.national_share), _f(r.lq_firms), overall, s)
                for r in table.itertuples()]
    table["status"] = [x[0] for x in statuses]
    table["rule"] = [x[1] for x in statuses]

    layer_of = facts.layer_of
    for col in ("name_zh", "name_en", "stage", "primary", "unit", "unit_value", "unit_value_unit",
                "unit_value_year", "unit_value_source"):
        table[col] = table["node_id"].map(nodes[col])
    table["layer"] = table["node_id"].map(layer_of)
    table = table.rename(columns={"basis": "quantity_basis", "year": "quantity_year", "sources": "quantity_sources",
                                  "unit": "quantity_unit"})
    table["quantity_sources"] = table["quantity_sources"].apply(lambda v: v if isinstance(v, list) else [])
    table["national_sources"] = table["national_sources"].apply(lambda v: v if isinstance(v, list) else [])
    table["primary"] = table["primary"].fillna(False).astype(bool)
    table = table.sort_values(["layer", "node_id"]).reset_index(drop=True)[NODE_COLUMNS]

    firms = _local_firms(facts, code, level)
    value_paths = []
    local_q = dict(zip(table["node_id"], table["quantity"].fillna(0.0), strict=True))
    for path, ladder in facts.ladders:
        value_paths.append({"path": path, "ladder": ladder, "capture": _capture(ladder, local_q)})

    sources = set(nodes["unit_value_source"].dropna())
    for col in ("quantity_sources", "national_sources"):
        for v in table[col]:
            sources.update(v)
    sources.update(firms["source_id"].dropna())
    sources.update(facts.links["source_id"].dropna())
    sources.discard("")
    return Diagnosis(
        region=region, chain=_chain_summary(facts.chain), year=facts.year, settings=s.describe(), nodes=table,
        stages=_stages(table), overall_share=overall, top_heaviness=_top_heaviness(table, s),
        value_paths=value_paths, agglomeration=_agglomeration(facts, code, level, table, firms),
        firms=firms, sources=sorted(sources), derivations=DERIVATIONS,
        layers=facts.layers, links=facts.links.reset_index(drop=True),
    )


DERIVATIONS = {
    "national_share": "quantity / national_quantity (both in the node's unit)",
    "rank": "position among regions of the same level by quantity (1 = largest), of regions_ranked with a figure",
    "rank_by_firms": "position among regions of the same level by number of firms making the node",
    "lq_firms": "(firms making the node here / firms here) / (firms making it in the atlas / firms in the atlas)",
    "lq_value": "(node's share of the region's chain output value) / (node's share of national chain output value)",
    "output_value": "quantity × unit_value (yuan)",
    "overall_share": "region's chain output value / national chain output value, over nodes where both are known",
    "coverage": "links present (status ≠ missing) / links in the stage",
    "value_coverage": "unit values of present links / unit values of all links in the stage (links with a value)",
    "top_heaviness": "share of chain output value in upstream and primary midstream links, region vs nation",
    "hhi": "Σ (firm share of the region's chain output value)², or 1/n on firm counts when values are unknown",
}


def _f(v: object) -> float:
    try:
        return float(v) if v is not None else math.nan
    except (TypeError, ValueError):
        return math.nan


def _layer_index(graph: nx.DiGraph, nodes: pd.DataFrame) -> dict[str, int]:
    order = {"upstream": 0, "midstream": 1, "downstream": 2}
    depth: dict[str, int] = {}
    for n in nx.topological_sort(graph):
        preds = list(graph.predecessors(n))
        depth[n] = 1 + max(depth[p] for p in preds) if preds else 0
    return {n: order.get(nodes.loc[n, "stage"], 1) * 100 + depth[n] for n in graph.nodes}


def _layers(graph: nx.DiGraph, nodes: pd.DataFrame) -> list[dict]:
    from chainatlas.analysis.graph import layers

    g = graph.copy()
    for n in g.nodes:
        g.nodes[n]["stage"] = nodes.loc[n, "stage"]
    return layers(g)


def _chain_summary(chain: dict) -> dict:
    return {k: chain.get(k) for k in ("id", "name_zh", "name_en", "main_paths")}


def _stages(table: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for stage in ("upstream", "midstream", "downstream"):
        t = table[table["stage"] == stage]
        present = t["status"] != "missing"
        uv = t["unit_value"].astype(float)
        has_uv = uv.notna()
        rows.append({
            "stage": stage, "links": len(t), "present": int(present.sum()),
            "strong": int((t["status"] == "strong").sum()), "weak": int((t["status"] == "weak").sum()),
            "missing": int((t["status"] == "missing").sum()),
            "coverage": float(present.mean()) if len(t) else None,
            "value_coverage": float(uv[present & has_uv].sum() / uv[has_uv].sum()) if has_uv.any() else None,
        })
    return pd.DataFrame(rows)


def _top_heaviness(table: pd.DataFrame, s: DiagnosisSettings) -> dict:
    """Upstream-and-primary share of output value, region vs nation, over the same links.

    Both shares are taken over the links where the region has an output value and the nation too,
    so missing figures cannot make a region look top-heavy; with figures on raw links only (or on
    processed links only) there is no verdict.
    """
    raw = (table["stage"] == "upstream") | ((table["stage"] == "midstream") & table["primary"])
    local = table["output_value"]
    national = table["national_output_value"]
    out: dict = {"raw_links": list(table.loc[raw, "node_id"]), "value_unit": "yuan"}
    both = local.notna() & national.notna() & (local > 0)
    out["compared_links"] = list(table.loc[both, "node_id"])
    if local.notna().sum() == 0 or local.sum() <= 0:
        out.update(region_raw_share=None, national_raw_share=None, top_heavy=None,
                   reason="no output value for the region's links")
        return out
    out["region_raw_value"] = float(local[raw].sum())
    out["region_processed_value"] = float(local[~raw].sum())
    if not both.any():
        out.update(region_raw_share=float(local[raw].sum() / local.sum()), national_raw_share=None, top_heavy=None,
                   reason="no link with both a local and a national output value")
        return out
    region_raw = float(local[both & raw].sum() / local[both].sum())
    nat_raw = float(national[both & raw].sum() / national[both].sum())
    out["region_raw_share"] = region_raw
    out["national_raw_share"] = nat_raw
    out["margin"] = s.top_heavy_margin
    if not (both & raw).any() or not (both & ~raw).any():
        out["top_heavy"] = None
        out["reason"] = ("figures cover only upstream and primary links" if (both & raw).any()
                         else "figures cover only processing and downstream links") + \
            "; the mix cannot be judged (add output figures for the other links)"
    else:
        out["top_heavy"] = bool(region_raw - nat_raw > s.top_heavy_margin)
    return out


def _local_firms(facts: ChainFacts, code: str, level: str | None) -> pd.DataFrame:
    cols = ["node_id", "enterprise_id", "name_zh", "name_en", "region", "listed", "exchange", "stock_code",
            "high_tech", "year", "capacity", "output", "quantity_unit", "revenue", "revenue_unit", "source_id"]
    f = facts.firms if level is None else facts.firms[facts.firms[level] == code]
    return f.reindex(columns=cols).sort_values(["node_id", "output", "capacity"], ascending=[True, False, False],
                                               na_position="last").reset_index(drop=True)


def _agglomeration(facts: ChainFacts, code: str, level: str | None, table: pd.DataFrame,
                   firms: pd.DataFrame) -> dict:
    uv = facts.nodes["unit_value"].astype(float)
    out: dict = {"firms": int(firms["enterprise_id"].nunique()), "links_present": int((table["status"] != "missing").sum())}
    f = firms.copy()
    f["quantity"] = f["output"].where(f["output"].notna(), f["capacity"])
    f["value"] = f["quantity"] * f["node_id"].map(uv)
    per_firm = f.groupby("enterprise_id")["value"].sum(min_count=1).dropna()
    # value shares mean something only when most local firms have figures
    if len(per_firm) >= 2 and len(per_firm) * 2 >= out["firms"] and per_firm.sum() > 0:
        shares = per_firm / per_firm.sum()
        out["hhi"] = float((shares ** 2).sum())
        out["hhi_basis"] = f"output value of {len(per_firm)} firm(s) with figures"
    elif out["firms"]:
        out["hhi"] = 1.0 / out["firms"]
        out["hhi_basis"] = (f"firm count ({len(per_firm)} of {out['firms']} firms have output figures)")
    else:
        out["hhi"] = None
        out["hhi_basis"] = "no firms"
    if level is not None:
        chain_value = facts.chain_value[level]
        mine = chain_value.get(code)
        out["output_value"] = float(mine) if mine is not None else None
        out["rank_by_value"] = int((chain_value > mine).sum()) + 1 if mine is not None else None
        out["regions_with_value"] = int(len(chain_value))
        firm_counts = facts.chain_firms[level]
        mine_f = firm_counts.get(code)
        out["rank_by_firms"] = int((firm_counts > mine_f).sum()) + 1 if mine_f is not None else None
        out["regions_with_firms"] = int(len(firm_counts))
    return out


def top_regions(facts: ChainFacts, level: str, n: int = 10) -> list[str]:
    """The regions of a level with the largest chain output value (then the most firms)."""
    if level not in LEVELS:
        from chainatlas.errors import ChainAtlasError

        raise ChainAtlasError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")
    uv = facts.nodes["unit_value"].astype(float)
    rows = facts.by_level[level].copy()
    rows["value"] = rows["quantity"] * rows["node_id"].map(uv)
    agg = rows.groupby("region").agg(value=("value", lambda v: v.sum(min_count=1)), firms=("firms", "sum"))
    agg["value"] = agg["value"].fillna(0)
    agg = agg.sort_values(["value", "firms"], ascending=False)
    return list(agg.index[:n])


@dataclass
class Comparison(Result):
    """The same headline figures for several regions side by side."""

    chain: dict
    year: int | None
    rows: pd.DataFrame
    node_status: pd.DataFrame  # node × region status matrix

    def to_dict(self) -> dict:
        return jsonable({"chain": self.chain, "year": self.year, "regions": self.rows,
                         "node_status": self.node_status.reset_index()})

    def to_frame(self) -> pd.DataFrame:
        return self.rows

    def __repr__(self) -> str:
        return (f"Comparison of {self.chain['name_zh']} {self.chain['name_en']} ({self.year}):\n"
                + self.rows.to_string(index=False))


def compare(diagnoses: list[Diagnosis]) -> Comparison:
    """Headline figures of several diagnoses of one chain."""
    rows, status = [], {}
    for d in diagnoses:
        counts = d.status_counts()
        present = d.nodes["status"] != "missing"
        rows.append({
            "region": d.region["code"], "name_zh": d.region["name_zh"], "name_en": d.region["name_en"],
            "level": d.region["level"], "firms": d.agglomeration["firms"], **counts,
            "coverage": float(present.mean()) if len(d.nodes) else None,
            "output_value": d.agglomeration.get("output_value"),
            "overall_share": d.overall_share,
            "raw_share": d.top_heaviness.get("region_raw_share"),
            "top_heavy": d.top_heaviness.get("top_heavy"),
            "hhi": d.agglomeration.get("hhi"),
            "rank_by_value": d.agglomeration.get("rank_by_value"),
            "rank_by_firms": d.agglomeration.get("rank_by_firms"),
        })
        status[d.region["code"]] = d.nodes.set_index("node_id")["status"]
    chain = diagnoses[0].chain if diagnoses else {}
    year = diagnoses[0].year if diagnoses else None
    return Comparison(chain, year, pd.DataFrame(rows), pd.DataFrame(status))
