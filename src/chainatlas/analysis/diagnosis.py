"""Regional chain diagnosis: which links a region has, how strong, on what evidence, how much value stays.

Pure functions. The facade (or a what-if overlay) hands in frames and gets typed results back:

* :func:`prepare_chain` assembles the facts of one chain as of one year that do not depend on the
  region asked about (firm rows, official statistics and shares, baselines, the chain graph);
* :func:`link_table` computes, for *every* region of a level at once, each link's quantity, share,
  evidence, rank and status (vectorised: one pass over a region × node grid);
* :func:`diagnose` reads one region's rows from that table and adds structure, value and firms;
  :func:`diagnose_all` returns the whole table with a per-region summary. Both read the same
  table, so a national run and a single diagnosis give the same numbers.

The rules (README, "How a diagnosis decides"):

1. **Share, in order of evidence.** A stored official share (``output_share_national``, else
   ``capacity_share_national``) is used as it stands, bounds kept as bounds, unless an official
   regional statistic of a later year supersedes it; else an official
   regional statistic divided by the national statistic *of the same year* (the latest year at or
   before the year asked where both exist); else the sum of the region's atlas firms' output
   (capacity where output is unknown) divided by the national statistic of the firms' year, or,
   failing that, by the sum over all atlas firms (a share among recorded firms, not a national share).
2. **Status against the right baseline.** Strong: share ≥ ``strong_share_ratio`` × the region's share
   of the national economy (industrial value added, else secondary-industry value added, else GDP, else
   resident population, same year on both sides) and ≥ ``strong_min_share``; weak: below ``weak_share_ratio`` × that baseline; else
   present. Without a baseline, the absolute cut-offs apply. A lower bound ("≥ 50 %") can prove strong
   but not weak, an upper bound weak but not strong. A region ranked within ``floor_rank`` nationally
   on official figures is never below present. A share among atlas firms only claims strength when the
   atlas records ``min_national_firms`` makers of the node nationally.
3. **Firms only.** With local firms but no figures, the firm-count location quotient decides, again only
   when the atlas knows ``min_national_firms`` makers nationally; else "present, n firms".
4. **Absence.** No local firm or figure is *missing* when an official figure says zero or the atlas knows
   enough makers nationally to make absence telling; otherwise *unknown*.

Every row says its evidence grade: official share, official statistic, firm output sum, firm count, none.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import networkx as nx
import numpy as np
import pandas as pd

from chainatlas.analysis.graph import depth as graph_depth
from chainatlas.analysis.settings import DiagnosisSettings
from chainatlas.model.entities import LEVELS
from chainatlas.model.values import is_missing
from chainatlas.results import Result, jsonable

NATION = "100000"
STATUSES = ("strong", "present", "weak", "missing", "unknown")
EVIDENCE = ("official share", "official statistic", "firm output sum", "firm count", "none")
# The economy baseline in order of preference: industrial value added fits an industrial link best;
# secondary-industry value added (industry + construction) is the nearest stand-in cities publish; then
# GDP; resident population only when no output measure of the year exists.
BASELINE_INDICATORS = ("industrial_value_added", "secondary_value_added", "gdp", "population_resident")
SHARE_INDICATORS = ("output_share_national", "capacity_share_national")
LOWER_BOUNDS = (">=", ">")
UPPER_BOUNDS = ("<=", "<")


# --------------------------------------------------------------------------- facts for one chain
@dataclass
class ChainFacts:
    """Everything about one chain and one year that does not depend on the region asked about."""

    chain: dict
    year: int | None
    nodes: pd.DataFrame            # one row per node, indexed by node id
    links: pd.DataFrame            # source_node, target_node, coefficient, coefficient_unit, source_id
    firms: pd.DataFrame            # one row per firm × node (latest year ≤ year), with region ancestors
    cells: dict[str, pd.DataFrame]  # level → (region, node_id): firms, firm_quantity, firm_year, firm_kinds
    stats: pd.DataFrame            # official regional statistics with the same-year national figure
    shares: pd.DataFrame           # official shares, latest per region × node
    baselines: pd.DataFrame        # region → baseline_share, baseline_indicator, baseline_year, baseline_source
    national: pd.DataFrame         # node_id → national_quantity, national_basis, national_year, national_source
    national_by_year: pd.DataFrame  # official national figures: node_id, year → value, source_id
    firms_per_region: dict[str, pd.Series]
    firms_total: int
    node_firms_national: pd.Series
    regions: dict[str, list[str]]  # level → every region code of that level known to the atlas
    graph: nx.DiGraph = field(default_factory=nx.DiGraph)
    layer_of: dict[str, int] = field(default_factory=dict)
    layers: list[dict] = field(default_factory=list)
    ladders: list[tuple[list[str], pd.DataFrame]] = field(default_factory=list)
    memo: dict = field(default_factory=dict)  # (level, settings key) → link table

    @property
    def by_level(self) -> dict[str, pd.DataFrame]:
        """Per level, rows with a local firm or figure: region, node_id, quantity, basis, firms, sources
        (the shape the dashboard's node leaders read; default settings)."""
        if "by_level" not in self.memo:
            out = {}
            for level in LEVELS:
                t = link_table(self, level)
                t = plain(t[(t["firms"] > 0) | t["quantity"].notna()])
                f = self.firms[self.firms[level].notna() & self.firms["quantity"].notna()]
                firm_src = f.groupby([level, "node_id"])["source_id"].unique()
                keys = pd.MultiIndex.from_arrays([t["region"], t["node_id"]])
                fs = firm_src.reindex(keys).to_numpy()
                sources = []
                for a, b, c, basis in zip(t["stat_source"], t["share_source"], fs, t["quantity_basis"], strict=True):
                    own = [x for x in (a, b) if isinstance(x, str) and x]
                    if str(basis).startswith("firms") and isinstance(c, np.ndarray):
                        own += [str(x) for x in c]
                    sources.append(sorted(set(own)))
                out[level] = t.assign(basis=t["quantity_basis"], sources=sources)[
                    ["region", "node_id", "quantity", "basis", "firms", "sources", "quantity_year", "national_share",
                     "evidence", "status"]].reset_index(drop=True)
            self.memo["by_level"] = out
        return self.memo["by_level"]


def _comparator(df: pd.DataFrame) -> pd.Series:
    if "comparator" not in df.columns:
        return pd.Series("=", index=df.index)
    return df["comparator"].fillna("").replace("", "=").astype(str)


def prepare_chain(chain: dict, nodes: pd.DataFrame, links: pd.DataFrame, production: pd.DataFrame,
                  stats: pd.DataFrame, all_firm_regions: pd.DataFrame, year: int | None = None,
                  shares: pd.DataFrame | None = None, baselines: pd.DataFrame | None = None,
                  regions: pd.DataFrame | None = None) -> ChainFacts:
    """Assemble one chain's facts as of ``year`` (default: the latest figures).

    This is the pure entry point a what-if overlay calls with its own frames.

    Parameters
    ----------
    chain : the chain record (id, names, main_paths as lists of node ids).
    nodes : the chain's nodes (id, names, stage, primary, unit, unit_value…; optional ``external_input``).
    links : links among the chain's nodes.
    production : firm × node rows (the firm-count and firm-output input) joined with the firm's
        ``region``, ``province``, ``prefecture``, ``county``, names and flags. Rows without figures
        count as firms that make the node.
    stats : official output statistics in the node's unit: ``region``, ``level``, ``node_id``, ``year``,
        ``value``, ``source_id`` (region ``100000`` is the nation).
    all_firm_regions : every firm of the atlas (``id``) with its ``province``/``prefecture``/``county``.
    shares : official shares (``indicator`` output_share_national or capacity_share_national, in %):
        ``region``, ``level``, ``node_id``, ``indicator``, ``year``, ``value``, ``source_id``, ``comparator``.
    baselines : the economy's size by region and nation: ``region``, ``indicator`` (one of
        :data:`BASELINE_INDICATORS`), ``year``, ``value`` (one unit per indicator), ``source_id``.
    regions : ``code`` and ``level`` of every region, so national runs cover regions without firms.
    """
    node_ids = list(nodes["id"])
    production = production[production["node_id"].isin(node_ids)]
    asked = year
    has_figure = production[["capacity", "output", "revenue"]].notna().any(axis=1)
    stats = stats[stats["node_id"].isin(node_ids)]
    years = pd.concat([production.loc[has_figure, "year"], stats["year"]]).dropna()
    if asked is not None:
        years = years[years <= asked]
    year = int(years.max()) if len(years) else asked
    # firm × node pairs as integers, so deduplication and grouping never hash strings twice
    pair = _pair_codes(production, node_ids)
    firms, firm_pair = _latest_pairs(production, pair, asked if asked is not None else year)
    # by default a firm known to make a node only from a later source still makes it (no figure yet);
    # when a year is asked for explicitly, only what was known by then counts
    if asked is None and len(production) > len(firms):
        new = ~pd.Series(pair).duplicated(keep="first").to_numpy() & ~pd.Series(pair).isin(firm_pair).to_numpy()
        later = production[new].copy()
        if len(later):
            later[["capacity", "output", "revenue"]] = np.nan
            firms = pd.concat([firms, later], ignore_index=True)
            firm_pair = np.concatenate([firm_pair, pair[new]])
    firms = firms.copy()
    node_code = firm_pair % max(len(node_ids), 1)
    firms["quantity"] = firms["output"].where(firms["output"].notna(), firms["capacity"])
    firms["quantity_kind"] = np.where(firms["output"].notna(), "output",
                                      np.where(firms["capacity"].notna(), "capacity", ""))

    if asked is not None:
        stats = stats[stats["year"] <= asked]
    nat_stats = stats[stats["region"] == NATION].assign(comparator=lambda d: _comparator(d))
    # of two national figures of one node and year, an exact one beats a bound ("超过499GW")
    nat_stats = nat_stats.assign(exact=nat_stats["comparator"].eq("=")).sort_values("exact", kind="stable")
    national_by_year = nat_stats[["node_id", "year", "value", "source_id", "comparator"]].drop_duplicates(
        ["node_id", "year"], keep="last").reset_index(drop=True)
    # a regional statistic pairs with the national one of its own year; the latest such pair wins,
    # else the latest regional statistic stands alone (a quantity without a share)
    local = stats[stats["region"] != NATION]
    paired = local.merge(national_by_year.rename(columns={"value": "nat_value", "source_id": "nat_source",
                                                          "comparator": "nat_comparator"}),
                         on=["node_id", "year"], how="left")
    paired["has_pair"] = paired["nat_value"].notna()
    paired = paired.sort_values(["has_pair", "year"], kind="stable").drop_duplicates(["region", "node_id"],
                                                                                   keep="last")
    stat_frame = paired[["region", "level", "node_id", "year", "value", "source_id", "nat_value",
                         "nat_source", "nat_comparator"]].reset_index(drop=True)

    share_frame = pd.DataFrame(columns=["region", "level", "node_id", "indicator", "year", "value", "source_id",
                                        "comparator"])
    if shares is not None and len(shares):
        sh = shares[shares["node_id"].isin(node_ids) & shares["indicator"].isin(SHARE_INDICATORS)].copy()
        if asked is not None:
            sh = sh[sh["year"] <= asked]
        sh["comparator"] = _comparator(sh)
        sh["priority"] = sh["indicator"].map({k: -i for i, k in enumerate(SHARE_INDICATORS)})
        sh = sh.sort_values(["priority", "year"], kind="stable").drop_duplicates(["region", "node_id"], keep="last")
        share_frame = sh[list(share_frame.columns)].reset_index(drop=True)

    cells = {level: _cells(firms, level, firm_pair, node_ids) for level in LEVELS}
    national = _national(firms, national_by_year, node_ids, node_code)
    indexed = nodes.set_index("id", drop=False)
    if "external_input" not in indexed.columns:
        indexed["external_input"] = False
    indexed["external_input"] = indexed["external_input"].fillna(False).astype(bool)
    graph = nx.DiGraph()
    graph.add_nodes_from(node_ids)
    graph.add_edges_from(links[["source_node", "target_node"]].itertuples(index=False, name=None))
    ladders = []
    for path in chain.get("main_paths") or []:
        path = [n for n in path if n in indexed.index]
        if len(path) >= 2:
            ladders.append((path, value_ladder(path, indexed, links)))
    region_lists = {level: [] for level in LEVELS}
    if regions is not None and len(regions):
        for level in LEVELS:
            region_lists[level] = sorted(regions.loc[regions["level"] == level, "code"])
    per_region, firms_total = _firms_per_region(all_firm_regions)
    depth = graph_depth(graph)  # longest path from the raw inputs; one topological pass for both layouts
    return ChainFacts(
        chain=chain, year=year, nodes=indexed, links=links, firms=firms, cells=cells, stats=stat_frame,
        shares=share_frame, baselines=baseline_shares(baselines, asked), national=national,
        national_by_year=national_by_year,
        firms_per_region=per_region, firms_total=firms_total,
        node_firms_national=_node_firms(firm_pair, node_ids, firms["node_id"].dtype),
        regions=region_lists, graph=graph, layer_of=_layer_index(graph, indexed, depth), layers=_layers(graph, indexed, depth),
        ladders=ladders,
    )


def _pair_codes(production: pd.DataFrame, node_ids: list[str]) -> np.ndarray:
    """One integer per firm × node row: firm code × number of nodes + node position (firm code −1 for
    a row without a firm id, so those rows still pair up among themselves as ``drop_duplicates`` would)."""
    firm = pd.factorize(production["enterprise_id"])[0].astype(np.int64)
    node = pd.Index(node_ids).get_indexer(production["node_id"]).astype(np.int64)
    return firm * max(len(node_ids), 1) + node


def _latest_pairs(production: pd.DataFrame, pair: np.ndarray, year: int | None) -> tuple[pd.DataFrame, np.ndarray]:
    """The latest row of each firm × node pair (given as integers) up to ``year``: rows in the order a
    stable sort by year leaves them, as ``drop_duplicates(keep="last")`` after it would, with their pairs."""
    if year is not None:
        upto = (production["year"] <= year).to_numpy(dtype=bool, na_value=False)
        production, pair = production[upto], pair[upto]
    if production.empty:
        return production, pair
    order = np.argsort(production["year"].to_numpy(dtype=float, na_value=np.nan), kind="stable")
    pair = pair[order]
    keep = ~pd.Series(pair).duplicated(keep="last").to_numpy()
    return production.iloc[order[keep]], pair[keep]


def _distinct(values: np.ndarray) -> np.ndarray:
    """Sorted distinct integers (by sorting: ``np.unique`` without counts hashes, far slower here)."""
    v = np.sort(values)
    return v[np.concatenate([[True], v[1:] != v[:-1]])] if len(v) else v


def _string_order(node_ids: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Each node position's rank among the ids sorted as strings, and the positions in that order
    (grouped outputs keep the order a groupby on the id strings gives)."""
    order = np.argsort(np.array(node_ids, dtype=object), kind="stable")
    rank = np.empty(len(node_ids), dtype=np.int64)
    rank[order] = np.arange(len(node_ids))
    return rank, order


def _cells(firms: pd.DataFrame, level: str, pair: np.ndarray, node_ids: list[str]) -> pd.DataFrame:
    """Per region of a level and node: distinct firms, summed quantity, latest and earliest figure year.

    Linear in firm rows: groups keyed by one integer per region × node (``pair`` holds each firm row's
    firm × node code, see :func:`_pair_codes`), no per-group Python and no string hashing per group.
    """
    cols = ["region", "node_id", "firms", "firm_quantity", "firm_year", "firm_year_min", "firm_kinds"]
    where = firms[level]
    inside = (where.notna() & (where != "")).to_numpy(dtype=bool)
    if not inside.any():
        return pd.DataFrame(columns=cols)
    n = max(len(node_ids), 1)
    pair = pair[inside]
    rank, order = _string_order(node_ids)
    region_code, regions = pd.factorize(where[inside], sort=True)
    key = region_code.astype(np.int64) * n + rank[pair % n]
    first = ~pd.Series(pair).duplicated(keep="first").to_numpy()
    cell, count = np.unique(key[first], return_counts=True)
    has_q = firms["quantity"].notna().to_numpy() & inside
    kind = firms["quantity_kind"].to_numpy()[has_q]
    q = pd.DataFrame({"quantity": firms["quantity"].array[has_q], "year": firms["year"].array[has_q],
                      "o": kind == "output", "c": kind == "capacity"})
    g = q.groupby(key[has_q[inside]]).agg(firm_quantity=("quantity", "sum"), firm_year=("year", "max"),
                                          firm_year_min=("year", "min"), o=("o", "any"), c=("c", "any"))
    kinds = g["o"].to_numpy(dtype=bool) * 1 + g["c"].to_numpy(dtype=bool) * 2
    at = np.searchsorted(cell, g.index.to_numpy())
    firm_kinds = np.full(len(cell), "", dtype=object)
    firm_kinds[at] = np.array(["", "output", "capacity", "capacity+output"], dtype=object)[kinds]
    g = g.drop(columns=["o", "c"]).reindex(cell)  # cells without a figure: NaN, as column alignment gives
    g["firm_kinds"] = pd.Series(firm_kinds, index=g.index, dtype=object)
    node_names = pd.Index(np.array(node_ids, dtype=object)[order])  # str dtype, as a groupby on ids gives
    g.insert(0, "firms", count.astype(np.int64))
    g.insert(0, "node_id", node_names.take(cell % n))
    g.insert(0, "region", regions.take(cell // n))
    return g.reset_index(drop=True)[cols]


def _national(firms: pd.DataFrame, national_by_year: pd.DataFrame, node_ids: list[str],
              node_code: np.ndarray) -> pd.DataFrame:
    """Latest official national figure per node, else the sum over atlas firms (said so)."""
    out = pd.DataFrame(index=pd.Index(node_ids, name="node_id"))
    has_q = firms["quantity"].notna().to_numpy()
    q, code = firms[has_q], node_code[has_q]
    labels = out.index
    total = q["quantity"].groupby(code).sum()
    latest_year = q["year"].groupby(code).max()
    out["national_quantity"] = pd.Series(total.array, index=labels.take(total.index))
    out["national_year"] = pd.Series(latest_year.array, index=labels.take(latest_year.index))
    out["national_basis"] = np.where(out["national_quantity"].notna(), "atlas firms (sum; partial coverage)", "")
    out["national_source"] = ""
    out["national_comparator"] = "="
    latest = national_by_year.sort_values("year").drop_duplicates("node_id", keep="last").set_index("node_id")
    latest = latest[latest.index.isin(out.index)]
    out.loc[latest.index, "national_quantity"] = latest["value"]
    out.loc[latest.index, "national_year"] = latest["year"]
    out.loc[latest.index, "national_basis"] = "statistics"
    out.loc[latest.index, "national_source"] = latest["source_id"]
    if "comparator" in latest.columns:
        out.loc[latest.index, "national_comparator"] = latest["comparator"]
    return out


def _node_firms(pair: np.ndarray, node_ids: list[str], empty_dtype: object) -> pd.Series:
    """Distinct firms per node among the firm rows (nodes with rows only), ordered by node id."""
    if not len(pair):  # as a groupby on no rows gives: the id column's own dtype
        return pd.Series([], dtype=np.int64, index=pd.Index([], dtype=empty_dtype, name="node_id"),
                         name="enterprise_id")
    n = max(len(node_ids), 1)
    rank, order = _string_order(node_ids)
    seen = np.zeros(n, dtype=bool)
    seen[rank[pair % n]] = True
    firms = np.bincount(rank[_distinct(pair[pair >= 0]) % n], minlength=n)
    index = pd.Index(np.array(node_ids, dtype=object)[order], name="node_id")
    return pd.Series(firms[seen].astype(np.int64), index=index[seen], name="enterprise_id")


def _firms_per_region(all_firm_regions: pd.DataFrame) -> tuple[dict[str, pd.Series], int]:
    """Distinct firms per region of each level, and in the whole atlas (one hashing of the firm ids)."""
    firm, _ = pd.factorize(all_firm_regions["id"])
    out = {}
    for level in LEVELS:
        code, regions = pd.factorize(all_firm_regions[level], sort=True)
        ok = code >= 0
        both = ok & (firm >= 0)
        distinct = _distinct(code[both].astype(np.int64) * max(len(firm), 1) + firm[both])
        count = np.bincount(distinct // max(len(firm), 1), minlength=len(regions))
        out[level] = pd.Series(count.astype(np.int64), index=pd.Index(regions, name=level), name="id")
    return out, int(firm.max() + 1) if len(firm) and firm.max() >= 0 else 0


def baseline_shares(baselines: pd.DataFrame | None, year: int | None = None) -> pd.DataFrame:
    """Each region's share of the national economy: the first indicator of :data:`BASELINE_INDICATORS`
    with a regional and a national figure of the same year (the latest such year at or before ``year``).

    >>> b = pd.DataFrame({"region": ["100000", "371600", "100000", "371600"], "indicator": ["gdp"] * 4,
    ...                   "year": [2022, 2022, 2023, 2021], "value": [1200.0, 30.0, 1260.0, 28.0],
    ...                   "source_id": ["s"] * 4})
    >>> float(baseline_shares(b).loc["371600", "baseline_share"])
    0.025
    """
    cols = ["baseline_share", "baseline_indicator", "baseline_year", "baseline_source", "baseline_value",
            "baseline_national"]
    if baselines is None or baselines.empty:
        return pd.DataFrame(columns=cols, index=pd.Index([], name="region"))
    b = baselines[baselines["indicator"].isin(BASELINE_INDICATORS) & baselines["value"].notna()]
    if year is not None:
        b = b[b["year"] <= year]
    nat = b[b["region"] == NATION][["indicator", "year", "value", "source_id"]].rename(
        columns={"value": "nat", "source_id": "nat_source"})
    m = b[b["region"] != NATION].merge(nat, on=["indicator", "year"])
    m = m[m["nat"] > 0]
    if m.empty:  # no indicator has a regional and a national figure of one year
        return pd.DataFrame(columns=cols, index=pd.Index([], name="region"))
    m["priority"] = -m["indicator"].map({k: i for i, k in enumerate(BASELINE_INDICATORS)}).astype(int)
    m = m.sort_values(["priority", "year"], kind="stable").drop_duplicates("region", keep="last")
    out = pd.DataFrame({"baseline_share": (m["value"] / m["nat"]).to_numpy(),
                        "baseline_indicator": m["indicator"].to_numpy(), "baseline_year": m["year"].to_numpy(),
                        "baseline_source": (m["source_id"] + " / " + m["nat_source"]).to_numpy(),
                        "baseline_value": m["value"].to_numpy(), "baseline_national": m["nat"].to_numpy()},
                       index=pd.Index(m["region"].to_numpy(), name="region"))
    return out


# --------------------------------------------------------------------------- the table for a whole level
QUANTITY_BASES = ("", "statistics", "official share × national output", "firms:output", "firms:capacity",
                  "firms:capacity+output", "firms:")
NATIONAL_BASES = ("", "official share", "statistics (same year)", "statistics (year of the firm figures)",
                  "atlas firms (sum; partial coverage)", "statistics (latest)")
OFFICIAL_TOTALS = ("official share", "statistics (same year)", "statistics (year of the firm figures)")


def plain(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with categorical columns (the link table's compact strings) as plain objects."""
    cats = [c for c in frame.columns if isinstance(frame[c].dtype, pd.CategoricalDtype)]
    return frame.astype({c: object for c in cats}) if cats else frame


def _scatter(n: int, pos: np.ndarray, values: np.ndarray, fill: object = np.nan, dtype: object = float) -> np.ndarray:
    out = np.full(n, fill, dtype=dtype)
    ok = pos >= 0
    out[pos[ok]] = values[ok]
    return out


def link_table(facts: ChainFacts, level: str, settings: DiagnosisSettings | None = None) -> pd.DataFrame:
    """Every region of ``level`` × every node: quantity, share, evidence, rank, status (memoised).

    One vectorised pass over a region × node grid addressed by integer positions (no joins on
    strings); :func:`diagnose` and :func:`diagnose_all` both read from it.
    """
    s = settings or DiagnosisSettings()
    key = (level, s.key())
    if key in facts.memo:
        return facts.memo[key]
    node_ids = list(facts.nodes.index)
    cells = facts.cells[level]
    stats = facts.stats[facts.stats["level"] == level]
    shares = facts.shares[facts.shares["level"] == level]
    codes = sorted(set(facts.regions.get(level, [])) | set(cells["region"]) | set(stats["region"])
                   | set(shares["region"]))
    n_r, n_n = len(codes), len(node_ids)
    size = n_r * n_n
    region_index, node_index = pd.Index(codes), pd.Index(node_ids)

    def pos(frame: pd.DataFrame) -> np.ndarray:
        r = region_index.get_indexer(frame["region"])
        c = node_index.get_indexer(frame["node_id"])
        return np.where((r >= 0) & (c >= 0), r * n_n + c, -1)

    def num(frame: pd.DataFrame, col: str) -> np.ndarray:
        return pd.to_numeric(frame[col], errors="coerce").to_numpy(dtype=float)

    def obj(frame: pd.DataFrame, col: str) -> np.ndarray:
        return frame[col].astype(object).to_numpy()

    node_of = np.tile(np.arange(n_n), n_r)
    p = pos(cells)
    firms = _scatter(size, p, num(cells, "firms"), 0.0).astype(int)
    firm_q = _scatter(size, p, num(cells, "firm_quantity"))
    firm_year = _scatter(size, p, num(cells, "firm_year"))
    firm_year_min = _scatter(size, p, num(cells, "firm_year_min"))
    firm_kinds = _scatter(size, p, obj(cells, "firm_kinds"), "", object)
    p = pos(stats)
    stat_value = _scatter(size, p, num(stats, "value"))
    stat_year = _scatter(size, p, num(stats, "year"))
    stat_nat = _scatter(size, p, num(stats, "nat_value"))
    stat_source = _scatter(size, p, obj(stats, "source_id"), None, object)
    stat_nat_source = _scatter(size, p, obj(stats, "nat_source"), None, object)
    stat_nat_comp = _scatter(size, p, obj(stats, "nat_comparator"), "=", object) if "nat_comparator" in stats \
        else np.full(size, "=", dtype=object)
    p = pos(shares)
    share_value = _scatter(size, p, num(shares, "value"))
    share_year_raw = _scatter(size, p, num(shares, "year"))
    share_source = _scatter(size, p, obj(shares, "source_id"), None, object)
    share_comp = _scatter(size, p, obj(shares, "comparator"), "=", object)
    share_output = _scatter(size, p, (shares["indicator"] == "output_share_national").to_numpy(), False, bool)

    # official national figures by (node, year), looked up by position
    nby = facts.national_by_year
    years = np.unique(np.concatenate([nby["year"].to_numpy(dtype=float), [0.0]]))
    nat_grid = np.full((n_n, len(years)), np.nan)
    src_grid = np.full((n_n, len(years)), None, dtype=object)
    comp_grid = np.full((n_n, len(years)), "=", dtype=object)
    ni = node_index.get_indexer(nby["node_id"])
    yi = np.searchsorted(years, nby["year"].to_numpy(dtype=float))
    ok = ni >= 0
    nat_grid[ni[ok], yi[ok]] = nby["value"].to_numpy(dtype=float)[ok]
    src_grid[ni[ok], yi[ok]] = nby["source_id"].astype(object).to_numpy()[ok]
    if "comparator" in nby.columns:
        comp_grid[ni[ok], yi[ok]] = nby["comparator"].astype(object).to_numpy()[ok]

    def national_at(year: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        y = np.nan_to_num(year, nan=-1.0)
        j = np.clip(np.searchsorted(years, y), 0, len(years) - 1)
        hit = years[j] == y
        return (np.where(hit, nat_grid[node_of, j], np.nan), np.where(hit, src_grid[node_of, j], None),
                np.where(hit, comp_grid[node_of, j], "="))

    nat_firm_sum = facts.firms[facts.firms["quantity"].notna()].groupby("node_id")["quantity"].sum()
    atlas_nat = nat_firm_sum.reindex(node_ids).to_numpy(dtype=float)[node_of]
    has_share = ~np.isnan(share_value)
    has_stat_pair = ~np.isnan(stat_value) & (stat_nat > 0)
    has_firm_q = ~np.isnan(firm_q)
    share_nat, share_nat_src, share_nat_comp = national_at(share_year_raw)
    firm_nat, firm_nat_src, firm_nat_comp = national_at(firm_year)
    firm_official = has_firm_q & ~np.isnan(firm_nat) & (firm_year == firm_year_min)

    # a published share stands unless an official statistic pair of a later year supersedes it
    # (Sichuan's 2022 polysilicon output against the nation's beats a 2021 association share)
    newer_stat = has_stat_pair & (np.nan_to_num(stat_year, nan=-1.0) > np.nan_to_num(share_year_raw, nan=-1.0))
    e_share = has_share & ~newer_stat
    e_stat = ~e_share & has_stat_pair
    e_firm = ~e_share & ~e_stat & has_firm_q
    e_count = ~e_share & ~e_stat & ~e_firm & (firms > 0)
    evidence = np.select([e_share, e_stat, e_firm, e_count], [0, 1, 2, 3], 4)
    share = np.full(size, np.nan)
    share[e_share] = share_value[e_share] / 100.0
    with np.errstate(divide="ignore", invalid="ignore"):
        share[e_stat] = (stat_value / stat_nat)[e_stat]
        firm_den = np.where(firm_official, firm_nat, atlas_nat)
        share[e_firm] = np.where(firm_den[e_firm] > 0, (firm_q / firm_den)[e_firm], np.nan)
    comparator = np.where(e_share, share_comp, "=").astype(object)
    nat_q = np.select([e_share, e_stat, e_firm], [share_nat, stat_nat, firm_den], np.nan)
    nat_year = np.select([e_share, e_stat, e_firm & firm_official, e_firm],
                         [share_year_raw, stat_year, firm_year, np.nan], np.nan)
    nat_basis = np.select([e_share, e_stat, e_firm & firm_official, e_firm], [1, 2, 3, 4], 0)
    nat_source = np.where(e_share, share_nat_src, np.where(e_stat, stat_nat_source,
                                                           np.where(e_firm & firm_official, firm_nat_src, None)))
    nat_comp = np.where(e_share, share_nat_comp, np.where(e_stat, stat_nat_comp,
                                                          np.where(e_firm & firm_official, firm_nat_comp, "=")))
    # links without a local share still show the nation's latest figure (for value coverage and context)
    latest = facts.national.reindex(node_ids)
    fill = np.isnan(nat_q) & ~e_share  # an official share keeps its own (possibly unknown) national figure
    nat_q = np.where(fill, latest["national_quantity"].to_numpy(dtype=float)[node_of], nat_q)
    nat_year = np.where(fill, latest["national_year"].to_numpy(dtype=float)[node_of], nat_year)
    latest_basis = np.select([latest["national_basis"].to_numpy() == "statistics",
                              latest["national_basis"].to_numpy() != ""], [5, 4], 0)[node_of]
    nat_basis = np.where(fill, latest_basis, nat_basis)
    latest_src = latest["national_source"].replace("", None).astype(object).to_numpy()[node_of]
    nat_source = np.where(fill, latest_src, nat_source)
    nat_comp = np.where(fill, latest["national_comparator"].fillna("=").astype(object).to_numpy()[node_of], nat_comp)
    # the local quantity (for output value): an official statistic, else share × national, else firms
    from_share = np.where(e_share & share_output, share * share_nat, np.nan)
    # a statistic of another year than the share in use would pair one year's output with another's
    # national total (Anhui modules: 66 GW of 2022 beside 499 GW of 2023): the share's own year wins
    stat_q = np.where(e_share & ~np.isnan(from_share) & (stat_year != share_year_raw), np.nan, stat_value)
    q = np.where(~np.isnan(stat_q), stat_q, np.where(~np.isnan(from_share), from_share, firm_q))
    kind_code = np.select([firm_kinds == "output", firm_kinds == "capacity", firm_kinds == "capacity+output"],
                          [3, 4, 5], 6)
    q_basis = np.select([~np.isnan(stat_q), ~np.isnan(from_share), ~np.isnan(q)], [1, 2, kind_code], 0)
    # a quantity derived from a bounded share or national figure keeps the bound: ≈ 25 % of ≥ 499 GW is ≈
    derived_comp = np.where(share_comp != "=", share_comp, share_nat_comp)
    q_comp = np.where((q_basis == 2), derived_comp, "=").astype(object)
    q_year = np.select([~np.isnan(stat_q), ~np.isnan(from_share), ~np.isnan(q)],
                       [stat_year, share_year_raw, firm_year], np.nan)
    share_year = np.select([e_share, e_stat, e_firm], [share_year_raw, stat_year, firm_year], np.nan)
    official = e_share | e_stat
    # ranks among regions of this level by national share (1 = largest): only shares against a national
    # total rank a region nationally (not shares among atlas firms); external inputs rank nobody
    ext = facts.nodes["external_input"].to_numpy(dtype=bool)[node_of]
    national_total = np.isin(nat_basis, [1, 2, 3]) & ~fill
    grid = share.reshape(n_r, n_n)
    ranked = np.where((grid > 0) & ~ext.reshape(n_r, n_n) & national_total.reshape(n_r, n_n), grid, np.nan)
    rank = pd.DataFrame(ranked).rank(axis=0, ascending=False, method="min").to_numpy().ravel()
    regions_ranked = np.repeat((~np.isnan(ranked)).sum(axis=0)[None, :], n_r, axis=0).ravel()
    with_firms = np.where((firms > 0) & ~ext, firms, np.nan).reshape(n_r, n_n).astype(float)
    rank_by_firms = pd.DataFrame(with_firms).rank(axis=0, ascending=False, method="min").to_numpy().ravel()
    # firm-count location quotient over the whole atlas
    region_firms = facts.firms_per_region[level].reindex(codes).fillna(0).to_numpy(dtype=float)
    region_firms = np.repeat(region_firms, n_n)
    node_nat = facts.node_firms_national.reindex(node_ids).fillna(0).to_numpy(dtype=float)[node_of]
    with np.errstate(divide="ignore", invalid="ignore"):
        lq = (firms / region_firms) / (node_nat / max(facts.firms_total, 1))
    base = facts.baselines.reindex(codes)
    t = pd.DataFrame({
        "region": pd.Categorical.from_codes(np.repeat(np.arange(n_r), n_n), categories=codes),
        "node_id": pd.Categorical.from_codes(node_of, categories=node_ids),
        "firms": firms, "firm_quantity": firm_q, "stat_source": pd.Series(stat_source, dtype=object),
        "share_source": pd.Series(share_source, dtype=object),
        "share_indicator": np.where(share_output, "output_share_national", None),
        "evidence": pd.Categorical.from_codes(evidence, categories=list(EVIDENCE)),
        "national_share": share, "share_comparator": pd.Series(comparator, dtype=object),
        "national_quantity": nat_q, "national_year": nat_year,
        "national_basis": pd.Categorical.from_codes(nat_basis, categories=list(NATIONAL_BASES)),
        "national_source": pd.Series(nat_source, dtype=object),
        "national_comparator": pd.Series(nat_comp, dtype=object),
        "quantity_comparator": pd.Series(q_comp, dtype=object),
        "quantity": q, "quantity_basis": pd.Categorical.from_codes(q_basis, categories=list(QUANTITY_BASES)),
        "quantity_year": q_year, "share_year": share_year, "official": official,
        "rank": rank, "regions_ranked": regions_ranked.astype(int), "rank_by_firms": rank_by_firms,
        "national_firms": node_nat.astype(int), "lq_firms": np.where((region_firms > 0) & (node_nat > 0), lq, np.nan),
        "external_input": ext,
    })
    for col in facts.baselines.columns:
        values = base[col].to_numpy()
        t[col] = np.repeat(values, n_n) if len(values) else np.full(size, np.nan)
    status, rule = _statuses(t, s)
    t["status"] = pd.Categorical(status, categories=list(STATUSES))
    t["rule_code"] = pd.Series(rule, dtype=object)
    facts.memo[key] = t
    return t


def _statuses(t: pd.DataFrame, s: DiagnosisSettings) -> tuple[np.ndarray, np.ndarray]:
    """The status rules of the module docstring, applied to whole columns at once."""
    share = t["national_share"].to_numpy(dtype=float)
    comp = t["share_comparator"].astype(str).to_numpy()
    base = pd.to_numeric(t["baseline_share"], errors="coerce").to_numpy(dtype=float)
    has_base = ~np.isnan(base) & (base > 0)
    strong_cut = np.where(has_base, np.maximum(s.strong_share_ratio * base, s.strong_min_share), s.strong_share_abs)
    weak_cut = np.where(has_base, s.weak_share_ratio * base, s.weak_share_abs)
    lower_only = np.isin(comp, LOWER_BOUNDS)
    upper_only = np.isin(comp, UPPER_BOUNDS)
    firms = t["firms"].to_numpy()
    quantity = t["quantity"].to_numpy(dtype=float)
    enough = t["national_firms"].to_numpy() >= s.min_national_firms
    official = t["official"].to_numpy(dtype=bool)
    firm_basis_official = (t["national_basis"] == "statistics (year of the firm figures)").to_numpy()
    share_ok = ~np.isnan(share) & (official | firm_basis_official | enough)
    share_known = ~np.isnan(share)
    rank = t["rank"].to_numpy(dtype=float)
    top = official & (rank <= s.floor_rank)
    lq = t["lq_firms"].to_numpy(dtype=float)
    zero_official = official & (share == 0)
    is_strong = share_ok & (share >= strong_cut) & ~upper_only
    is_weak = share_ok & (share < weak_cut) & ~lower_only & ~top & ~is_strong
    conds = [
        zero_official,
        is_strong,
        is_weak,
        share_ok,
        share_known,                                      # a share among too few recorded firms
        (firms > 0) & enough & (firms >= s.strong_min_firms) & (lq >= s.strong_lq),
        (firms > 0) & enough & (lq < s.weak_lq),
        (firms > 0) | (quantity > 0),
        enough,
    ]
    statuses = ["missing", "strong", "weak", "present", "present", "strong", "weak", "present", "missing"]
    rules = ["official-zero", "share-strong", "share-weak", "share-present", "share-few-firms", "lq-strong",
             "lq-weak", "firms-present", "absent-known"]
    return (np.select(conds, statuses, "unknown"), np.select(conds, rules, "absent-unknown"))


def _pct(v: float, comparator: str = "=") -> str:
    prefix = {">=": "≥ ", ">": "> ", "<=": "≤ ", "<": "< ", "~": "≈ "}.get(comparator, "")
    return f"{prefix}{v:.1%}"


def rule_text(rec: dict, s: DiagnosisSettings) -> str:
    """The plain sentence behind a row's status (the rule code with the row's numbers)."""
    code = rec["rule_code"]
    share = rec.get("national_share")
    comp = rec.get("share_comparator") or "="
    base = rec.get("baseline_share")
    has_base = base is not None and not is_missing(base) and base > 0
    if code.startswith("share") and code != "share-few-firms":
        shown = _pct(share, comp)
        if has_base:
            ref = f"{rec['baseline_indicator']} share {base:.2%} ({int(rec['baseline_year'])})"
            if code == "share-strong":
                return f"share {shown} ≥ {s.strong_share_ratio:g}× {ref}"
            if code == "share-weak":
                return f"share {shown} < {s.weak_share_ratio:g}× {ref}"
            extra = ""
            if not is_missing(rec.get("rank")) and rec.get("official") and rec["rank"] <= s.floor_rank and \
                    share < s.weak_share_ratio * base:
                extra = f"; ranked {int(rec['rank'])} nationally on official figures (never below present)"
            return f"share {shown} against {ref}" + extra
        if code == "share-strong":
            return f"share {shown} ≥ {s.strong_share_abs:.0%} (no baseline for the region's economy)"
        if code == "share-weak":
            return f"share {shown} < {s.weak_share_abs:.0%} (no baseline for the region's economy)"
        return f"share {shown} (no baseline for the region's economy)"
    n, m = int(rec["firms"]), int(rec["national_firms"])
    return {
        "official-zero": "official figure: none here",
        "share-few-firms": f"{n} firm(s); share {_pct(share)} is among the atlas's {m} recorded maker(s), fewer "
                           f"than {s.min_national_firms:g}: no strength claim",
        "lq-strong": f"{n} firms, firm LQ {rec['lq_firms']:.2f} ≥ {s.strong_lq:g}",
        "lq-weak": f"firm LQ {rec['lq_firms']:.2f} < {s.weak_lq:g}",
        "firms-present": (f"{n} firm(s), firm LQ {rec['lq_firms']:.2f}" if m >= s.min_national_firms else
                          f"{n} firm(s); the atlas records {m} maker(s) nationally (< {s.min_national_firms:g}): "
                          "no strength claim"),
        "absent-known": f"none of the {m} makers the atlas records nationally is here",
        "absent-unknown": f"no local firm or figure; the atlas records {m} maker(s) nationally, too few to call "
                          "it missing",
    }[code]


# --------------------------------------------------------------------------- value ladder
def value_ladder(path: list[str], nodes: pd.DataFrame, links: pd.DataFrame) -> pd.DataFrame:
    """Value per unit of the path's first node as it moves down the path, in yuan only.

    For a path n0 → n1 → … with input coefficients c_k (units of n_{k-1} per unit of n_k), the amount of
    n_k made from one unit of n0 is 1/f_k with f_k = c_1·…·c_k, so the value reached per unit of n0 is
    V_k = uv(n_k)/f_k; the uplift over n0 is V_k − V_0 and the step's own uplift V_k − V_{k−1}. A step
    without a coefficient is taken 1:1 only between nodes counted in the same unit (flagged
    ``coefficient_assumed``); between different units (t → pcs, t → W) it is *not comparable*, and
    so is every step after it. Unit values must be yuan per the node's unit.
    """
    coef = {(a, b): c for a, b, c in links[["source_node", "target_node", "coefficient"]].itertuples(index=False)}
    src = {(a, b): s for a, b, s in links[["source_node", "target_node", "source_id"]].itertuples(index=False)}
    rows = []
    factor = 1.0
    comparable = True
    for k, node in enumerate(path):
        rec = nodes.loc[node]
        assumed = False
        link_source = None
        note = ""
        if k:
            c = coef.get((path[k - 1], node))
            if c is None or is_missing(c):
                if nodes.loc[path[k - 1], "unit"] == rec["unit"]:
                    c, assumed = 1.0, True
                else:
                    comparable = False
                    note = (f"not comparable: no input coefficient from {nodes.loc[path[k - 1], 'unit']} to "
                            f"{rec['unit']}")
            else:
                link_source = src.get((path[k - 1], node))
            if comparable:
                factor *= float(c)
        uv = rec["unit_value"]
        value = uv / factor if comparable and uv is not None and not is_missing(uv) else math.nan
        if not comparable and not note:
            note = "not comparable (an earlier step is)"
        rows.append({"step": k, "node_id": node, "name_zh": rec["name_zh"], "name_en": rec["name_en"],
                     "unit": rec["unit"], "unit_value": uv, "unit_value_unit": rec["unit_value_unit"],
                     "unit_value_year": rec["unit_value_year"], "unit_value_source": rec["unit_value_source"],
                     "input_per_unit": factor if comparable else math.nan, "coefficient_assumed": assumed,
                     "coefficient_source": link_source, "comparable": comparable, "note": note,
                     "value_per_start_unit": value})
    df = pd.DataFrame(rows)
    start = df["value_per_start_unit"].iloc[0]
    df["uplift_over_start"] = df["value_per_start_unit"] - start
    df["step_uplift"] = df["value_per_start_unit"].diff()
    df["value_unit"] = f"yuan per {nodes.loc[path[0], 'unit']} of {path[0]}"
    return df



def _capture(ladder: pd.DataFrame, local_q: dict[str, float], national_q: dict[str, tuple[float, object]],
             s: DiagnosisSettings, steps: list[dict] | None = None) -> dict:
    """How much of a path's value the region captures now vs one or two steps further downstream.

    The region's base is its quantity q of the path's first node with a local figure. *Today* is that
    base sold as that node plus the value added locally at later steps on local volumes. *+k steps*
    converts at most ``scenario_share`` × q, and never more than the next link's national quantity
    (in base units), and says which bound applied.
    """
    steps = ladder.to_dict(orient="records") if steps is None else steps  # ``steps``: the ladder's records
    base_index = next((i for i, st in enumerate(steps) if local_q.get(st["node_id"], 0) > 0), None)
    if base_index is None:
        return {"base_node": None, "reason": "the region has no output figure on this path"}
    base = steps[base_index]
    q0 = local_q[base["node_id"]]
    if is_missing(base["value_per_start_unit"]):
        return {"base_node": base["node_id"], "reason": "the base node has no comparable unit value"}
    f0 = base["input_per_unit"]
    per_base = [st["value_per_start_unit"] * f0 for st in steps]
    today = q0 * per_base[base_index]
    for i in range(base_index + 1, len(steps)):
        q = local_q.get(steps[i]["node_id"], 0.0)
        if q > 0 and not is_missing(per_base[i]) and not is_missing(per_base[i - 1]):
            today += q * steps[i]["input_per_unit"] / f0 * (per_base[i] - per_base[i - 1])
    out = {"base_node": base["node_id"], "base_quantity": q0, "base_unit": steps[base_index]["unit"],
           "today_value": today, "value_unit": "yuan", "scenario_share": s.scenario_share, "scenarios": []}
    for k in (1, 2):
        j = base_index + k
        if j >= len(steps):
            break
        if is_missing(per_base[j]):
            out["scenarios"].append({"steps": k, "node_id": steps[j]["node_id"], "value": None,
                                     "reason": steps[j]["note"] or "no unit value"})
            continue
        converted, bound = s.scenario_share * q0, f"scenario_share {s.scenario_share:.0%} of local output"
        nxt = steps[base_index + 1]
        nat, nat_year = national_q.get(nxt["node_id"], (math.nan, None))
        if not is_missing(nat) and nat > 0 and not is_missing(nxt["input_per_unit"]):
            cap = nat * nxt["input_per_unit"] / f0  # the next link's national output, in base units
            if cap < converted:
                converted = cap
                bound = f"national output of {nxt['node_id']} ({nat_year})"
        else:
            bound += f" (national output of {nxt['node_id']} unknown)"
        gain = converted * (per_base[j] - per_base[base_index])
        out["scenarios"].append({"steps": k, "node_id": steps[j]["node_id"], "converted_base": converted,
                                 "bound": bound, "value": today + gain, "gain_over_today": gain})
    last = len(steps) - 1
    if last > base_index and not is_missing(per_base[last]):
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
    years_used: list[int] = field(default_factory=list)
    baseline: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return jsonable({
            "region": self.region, "chain": self.chain, "year": self.year, "years_used": self.years_used,
            "baseline": self.baseline, "settings": self.settings,
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
        years = ("figures of " + ", ".join(str(y) for y in self.years_used)) if self.years_used else "no figures"
        lines = [f"Diagnosis: {r['name_zh']} {r['name_en']} ({r['code']}) × {c['name_zh']} {c['name_en']}, "
                 f"as of {self.year} ({years}): {counts}"]
        if self.baseline:
            b = self.baseline
            lines.append(f"  baseline: {b['indicator']} share of the nation {b['share']:.2%} ({b['year']}, {b['source']})")
        else:
            lines.append("  baseline: no figure for the region's share of the national economy; absolute cut-offs")
        for rec in self.nodes.to_dict(orient="records"):
            share = "" if is_missing(rec["national_share"]) else \
                f" share {_pct(rec['national_share'], rec['share_comparator'])} ({int(rec['share_year'])})"
            rank = "" if rec["rank"] is None else f" rank {rec['rank']}/{rec['regions_ranked']}"
            lines.append(f"  [{rec['status']:>7}] {rec['name_zh']} {rec['name_en']}: {rec['firms']} firm(s){share}"
                         f"{rank} — {rec['evidence']}; {rec['rule']}")
        return "\n".join(lines)


NODE_COLUMNS = [
    "node_id", "name_zh", "name_en", "stage", "primary", "external_input", "layer", "status", "evidence", "rule",
    "firms", "quantity", "quantity_comparator", "quantity_unit", "quantity_basis", "quantity_year", "quantity_sources",
    "national_quantity", "national_comparator", "national_basis", "national_year", "national_sources",
    "national_share", "share_comparator", "share_year", "rank", "regions_ranked", "rank_by_firms", "national_firms", "lq_firms",
    "lq_value", "unit_value", "unit_value_unit", "unit_value_year", "unit_value_source", "output_value",
    "national_output_value",
]
TABLE_COLUMNS = ["region", "node_id", "status", "evidence", "rule_code", "firms", "quantity", "quantity_comparator",
                 "quantity_basis",
                 "quantity_year", "national_quantity", "national_comparator", "national_basis", "national_year", "national_share",
                 "share_comparator", "share_year", "rank", "regions_ranked", "rank_by_firms", "national_firms",
                 "lq_firms", "baseline_share", "baseline_indicator", "baseline_year", "external_input"]


def _nation_rows(facts: ChainFacts) -> pd.DataFrame:
    """The nation diagnosed as a region: every figure is national, nothing to compare against."""
    n = facts.national.reset_index()
    t = pd.DataFrame({"region": NATION, "node_id": n["node_id"]})
    t["firms"] = t["node_id"].map(facts.node_firms_national).fillna(0).astype(int)
    t["quantity"] = n["national_quantity"].astype(float)
    t["quantity_basis"] = n["national_basis"]
    t["quantity_year"] = n["national_year"]
    t["national_quantity"] = t["quantity"]
    t["national_basis"] = n["national_basis"]
    t["national_year"] = n["national_year"]
    t["national_source"] = n["national_source"].replace("", None)
    t["national_comparator"] = n["national_comparator"].to_numpy()
    t["quantity_comparator"] = t["national_comparator"]
    t["national_share"] = np.where(t["quantity"] > 0, 1.0, np.nan)
    t["share_comparator"] = "="
    t["share_year"] = n["national_year"]
    t["official"] = n["national_basis"].eq("statistics").to_numpy()
    t["evidence"] = np.select([t["official"], t["quantity"].notna(), t["firms"] > 0],
                              ["official statistic", "firm output sum", "firm count"], "none")
    t["status"] = np.where((t["firms"] > 0) | (t["quantity"] > 0), "present", "unknown")
    t["rule_code"] = "nation"
    for col in ("rank", "rank_by_firms", "lq_firms", "baseline_share", "baseline_year", "stat_source",
                "share_source"):
        t[col] = np.nan
    t["regions_ranked"] = 0
    t["national_firms"] = t["firms"]
    t["baseline_indicator"] = None
    t["external_input"] = t["node_id"].map(facts.nodes["external_input"]).astype(bool)
    return t


def diagnose(facts: ChainFacts, region: dict, settings: DiagnosisSettings | None = None) -> Diagnosis:
    """Diagnose the chain in one region (``region``: code, names, level): its rows of :func:`link_table`."""
    s = settings or DiagnosisSettings()
    level = region["level"] if region["level"] in LEVELS else None
    code = region["code"]
    nodes = facts.nodes
    if level is None:
        rows = _nation_rows(facts)
    else:
        rows = _region_rows(facts, level, s, code)
        if rows is None:  # a region the atlas knows nothing about: the grid row is all absence
            rows = link_table(_with_region(facts, level, code), level, s)
            rows = plain(rows[rows["region"] == code])
    table = rows.drop(columns=["region"]).copy()
    records = table.to_dict(orient="records")  # read by the rules and the sources below (columns they read stay)
    if level is None:
        table["rule"] = "the nation itself"
    else:
        table["rule"] = [rule_text(r, s) for r in records]
    for col in ("rank", "rank_by_firms", "quantity_year", "national_year", "share_year"):
        table[col] = pd.Series([None if is_missing(v) else int(v) for v in table[col]], index=table.index, dtype=object)
    firms = _local_firms(facts, code, level)
    firm_sources = firms.dropna(subset=["source_id"]).groupby("node_id")["source_id"].agg(lambda v: sorted(set(v)))
    if "national_firm_sources" not in facts.memo:  # the same for every region: grouped once per chain
        facts.memo["national_firm_sources"] = \
            facts.firms.dropna(subset=["quantity"]).groupby("node_id")["source_id"].unique()
    nat_firm_sources = facts.memo["national_firm_sources"]
    q_sources, n_sources = [], []
    for rec in records:
        ev = rec["evidence"]
        srcs: list[str] = []
        if ev == "official share":
            srcs.append(rec.get("share_source"))
        if rec["quantity_basis"] == "statistics":
            srcs.append(rec.get("stat_source"))
        if rec["quantity_basis"].startswith("firms") or ev in ("firm output sum", "firm count"):
            srcs.extend(firm_sources.get(rec["node_id"], []))
        q_sources.append(sorted({x for x in srcs if isinstance(x, str) and x}))
        if isinstance(rec.get("national_source"), str) and rec["national_source"]:
            n_sources.append([rec["national_source"]])
        elif rec["national_basis"].startswith("atlas"):
            n_sources.append(sorted(nat_firm_sources.get(rec["node_id"], [])))
        else:
            n_sources.append([])
    table["quantity_sources"] = q_sources
    table["national_sources"] = n_sources
    uv = table["node_id"].map(nodes["unit_value"]).astype(float)
    table["output_value"] = table["quantity"] * uv
    table["national_output_value"] = table["national_quantity"] * uv
    included = ~table["external_input"].astype(bool)
    both = table["output_value"].notna() & table["national_output_value"].notna() & included
    local_total = table.loc[both, "output_value"].sum()
    national_total = table.loc[both, "national_output_value"].sum()
    overall = float(local_total / national_total) if both.any() and national_total > 0 else None
    with np.errstate(divide="ignore", invalid="ignore"):
        table["lq_value"] = np.where(both & (local_total > 0) & (national_total > 0),
                                     (table["output_value"] / local_total)
                                     / (table["national_output_value"] / national_total), np.nan)
    for col in ("name_zh", "name_en", "stage", "primary", "unit", "unit_value", "unit_value_unit",
                "unit_value_year", "unit_value_source"):
        table[col] = table["node_id"].map(nodes[col])
    table["layer"] = table["node_id"].map(facts.layer_of)
    table = table.rename(columns={"unit": "quantity_unit"})
    table["primary"] = table["primary"].fillna(False).astype(bool)
    table["firms"] = table["firms"].astype(int)
    table = table.sort_values(["layer", "node_id"]).reset_index(drop=True)[NODE_COLUMNS]

    local_q = dict(zip(table["node_id"], table["quantity"].fillna(0.0), strict=True))
    national_q = {n: (q, y) for n, q, y in zip(table["node_id"], table["national_quantity"], table["national_year"],
                                               strict=True)}
    nat_latest = facts.national
    for n in nat_latest.index:  # the scenario bound: the next link's latest national figure
        if is_missing(national_q.get(n, (math.nan,))[0]):
            national_q[n] = (nat_latest.loc[n, "national_quantity"], nat_latest.loc[n, "national_year"])
    value_paths = []
    steps_of = facts.memo.setdefault("ladder_steps", {})  # a chain's ladders as records, read once
    for path, ladder in facts.ladders:
        steps = steps_of.get(id(ladder))
        if steps is None:
            steps = steps_of[id(ladder)] = ladder.to_dict(orient="records")
        capture = _capture(ladder, local_q, national_q, s, steps)
        base = capture.get("base_node")
        if base and "today_value" not in capture and base != path[0]:
            # the comparison broke before the region's base node: start the ladder at the base instead
            ladder = value_ladder(path[path.index(base):], nodes, facts.links)
            path = path[path.index(base):]
            capture = _capture(ladder, local_q, national_q, s)
        value_paths.append({"path": path, "ladder": ladder, "capture": capture})

    sources = set(nodes["unit_value_source"].dropna())
    for col in ("quantity_sources", "national_sources"):
        for v in table[col]:
            sources.update(v)
    sources.update(firms["source_id"].dropna())
    sources.update(facts.links["source_id"].dropna())
    baseline = {}
    if level is not None and code in facts.baselines.index:
        b = facts.baselines.loc[code]
        baseline = {"indicator": b["baseline_indicator"], "share": float(b["baseline_share"]),
                    "year": int(b["baseline_year"]), "source": b["baseline_source"],
                    "region_value": float(b["baseline_value"]), "national_value": float(b["baseline_national"])}
        sources.update(str(b["baseline_source"]).split(" / "))
    sources.discard("")
    years = set()
    for col in ("share_year", "quantity_year"):
        years.update(int(y) for y in table[col] if y is not None)
    return Diagnosis(
        region=region, chain=_chain_summary(facts.chain), year=facts.year, settings=s.describe(), nodes=table,
        stages=_stages(table), overall_share=overall, top_heaviness=top_heaviness(table, firms, facts, s),
        value_paths=value_paths, agglomeration=_agglomeration(facts, code, level, table, firms, s),
        firms=firms, sources=sorted(x for x in sources if isinstance(x, str)), derivations=DERIVATIONS,
        layers=facts.layers, links=facts.links.reset_index(drop=True), years_used=sorted(years), baseline=baseline,
    )


def diagnose_frames(*, chain: dict, nodes: pd.DataFrame, links: pd.DataFrame, production: pd.DataFrame,
                    stats: pd.DataFrame, firm_regions: pd.DataFrame, region: dict, year: int | None = None,
                    shares: pd.DataFrame | None = None, baselines: pd.DataFrame | None = None,
                    regions: pd.DataFrame | None = None, settings: DiagnosisSettings | None = None) -> Diagnosis:
    """One diagnosis straight from frames (see :func:`prepare_chain` for their columns).

    The entry point for what-if overlays: add or remove plants in ``production`` / ``firm_regions``,
    call this on the baseline and on the overlay, and compare the pair.
    """
    facts = prepare_chain(chain, nodes, links, production, stats, firm_regions, year, shares, baselines, regions)
    return diagnose(facts, region, settings)


def _region_rows(facts: ChainFacts, level: str, s: DiagnosisSettings, code: str) -> pd.DataFrame | None:
    """The region's rows of the link table as plain objects, or None when the table has none.

    For provinces and prefectures the whole table is made plain once and each region's row positions
    are kept, so a region's diagnosis only picks its rows; counties (many more rows) pick, then convert.
    """
    if level == "county":
        full = link_table(facts, level, s)
        rows = full[full["region"] == code]
        return None if rows.empty else plain(rows)
    key = ("plain_rows", level, s.key())
    if key not in facts.memo:
        full = plain(link_table(facts, level, s))
        facts.memo[key] = (full, full.groupby("region", sort=False).indices)
    full, where = facts.memo[key]
    found = where.get(code)
    return None if found is None or not len(found) else full.iloc[found]


def _with_region(facts: ChainFacts, level: str, code: str) -> ChainFacts:
    regions = dict(facts.regions)
    regions[level] = sorted(set(regions.get(level, [])) | {code})
    return ChainFacts(**{**facts.__dict__, "regions": regions, "memo": {}})


@dataclass
class NationalRun(Result):
    """Every region of a level diagnosed for one chain at once (see :func:`diagnose_all`)."""

    chain: dict
    level: str
    year: int | None
    links: pd.DataFrame      # region × node rows of the link table
    regions: pd.DataFrame    # one row per region: status counts, coverage, strong links

    def to_dict(self) -> dict:
        return jsonable({"chain": self.chain, "level": self.level, "year": self.year, "regions": self.regions,
                         "links": self.links})

    def to_frame(self) -> pd.DataFrame:
        return self.links

    def __repr__(self) -> str:
        top = self.regions.sort_values(["strong", "present"], ascending=False).head(15)
        return (f"{self.chain.get('name_zh')} {self.chain.get('name_en')}: {len(self.regions)} {self.level} regions "
                f"× {self.links['node_id'].nunique()} links ({self.year})\n" + top.to_string(index=False))


def diagnose_all(facts: ChainFacts, level: str, settings: DiagnosisSettings | None = None,
                 names: pd.DataFrame | None = None) -> NationalRun:
    """Statuses, shares, ranks and coverage of every region of ``level`` in one vectorised pass."""
    if level not in LEVELS:
        from chainatlas.errors import ChainAtlasError

        raise ChainAtlasError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")
    s = settings or DiagnosisSettings()
    t = link_table(facts, level, s)
    links = t[TABLE_COLUMNS].copy()
    counted = links[~links["external_input"]]
    counts = pd.crosstab(counted["region"], counted["status"]).reindex(columns=list(STATUSES), fill_value=0)
    summary = counts.reset_index()
    summary["links"] = counts.sum(axis=1).to_numpy()
    present = counts[["strong", "present", "weak"]].sum(axis=1)
    summary["coverage"] = (present / counts.sum(axis=1)).to_numpy()
    summary["firms"] = summary["region"].map(
        facts.firms[facts.firms[level].notna()].groupby(level)["enterprise_id"].nunique()).fillna(0).astype(int)
    if names is not None:
        summary = summary.merge(names, left_on="region", right_on="code", how="left").drop(columns="code")
    return NationalRun(_chain_summary(facts.chain), level, facts.year, links.reset_index(drop=True),
                       summary.reset_index(drop=True))


DERIVATIONS = {
    "national_share": "official share as published; else official regional / national statistic of the same year; "
                      "else firm output sum / national statistic of the firms' year, else / atlas firm sum",
    "evidence": "official share > official statistic > firm output sum > firm count > none",
    "rank": "position among regions of the same level by national share (1 = largest), of regions_ranked with one",
    "rank_by_firms": "position among regions of the same level by number of firms making the node",
    "lq_firms": "(firms making the node here / firms here) / (firms making it in the atlas / firms in the atlas)",
    "lq_value": "(node's share of the region's chain output value) / (node's share of national chain output value)",
    "output_value": "quantity × unit_value (yuan)",
    "overall_share": "region's chain output value / national chain output value, over links where both are known",
    "baseline": "region's share of the national economy: industrial value added, else secondary-industry value "
                "added, else GDP, else resident population, same year on both sides",
    "coverage": "links present (status strong, present or weak) / links in the stage",
    "value_coverage": "national output value (yuan) of the stage's links the region has / of all its links "
                      "with a national output value",
    "top_heaviness": "share of the chain in upstream and primary links, region vs nation, on one declared measure",
    "hhi": "Σ (firm share of the region's chain output value)², or 1/n on firm counts when values are unknown",
}


def _layer_index(graph: nx.DiGraph, nodes: pd.DataFrame, depth: dict[str, int]) -> dict[str, int]:
    order = {"upstream": 0, "midstream": 1, "downstream": 2}
    stage = nodes["stage"].to_dict()
    return {n: order.get(stage.get(n), 1) * 100 + depth[n] for n in graph.nodes}


def _layers(graph: nx.DiGraph, nodes: pd.DataFrame, depth: dict[str, int]) -> list[dict]:
    from chainatlas.analysis.graph import layers

    return layers(graph, stages=nodes["stage"].to_dict(), depths=depth)


def _chain_summary(chain: dict) -> dict:
    return {k: chain.get(k) for k in ("id", "name_zh", "name_en", "main_paths")}


def _stages(table: pd.DataFrame) -> pd.DataFrame:
    """Links, statuses and coverage per stage (on arrays: a few dozen rows, asked for every region)."""
    rows = []
    counted = ~table["external_input"].astype(bool).to_numpy()
    stages = table["stage"].to_numpy()[counted]
    statuses = table["status"].to_numpy()[counted]
    values = table["national_output_value"].astype(float).to_numpy()[counted]
    for stage in ("upstream", "midstream", "downstream"):
        mine = stages == stage
        status, nat_value = statuses[mine], values[mine]
        present = np.isin(status, ["strong", "present", "weak"])
        has_value = ~np.isnan(nat_value) & (nat_value > 0)
        rows.append({
            "stage": stage, "links": int(mine.sum()), "present": int(present.sum()),
            **{st: int((status == st).sum()) for st in ("strong", "weak", "missing", "unknown")},
            "coverage": float(present.mean()) if mine.any() else None,
            "value_coverage": float(nat_value[present & has_value].sum() / nat_value[has_value].sum())
            if has_value.any() else None,
            "value_links": int(has_value.sum()),
        })
    return pd.DataFrame(rows)


def top_heaviness(table: pd.DataFrame, firms: pd.DataFrame, facts: ChainFacts, s: DiagnosisSettings) -> dict:
    """Share of the chain in upstream and primary links, region vs nation, on one declared measure.

    Measures, in order (the first both sides can be measured by wins, and is named):

    1. ``official output value``: output value (yuan) from official figures on both sides, over links
       where the region and the nation both have one, and only when raw and processed links are both
       among them;
    2. ``atlas firm count``: the share of the region's chain firm × link rows in raw links against the
       same share over every atlas firm, when the nation has at least ``min_national_firms`` such rows
       and the region some on both sides.

    Otherwise the verdict is unknown, with what is missing.
    """
    t = table[~table["external_input"].astype(bool)]
    raw = (t["stage"] == "upstream") | ((t["stage"] == "midstream") & t["primary"])
    out: dict = {"raw_links": list(t.loc[raw, "node_id"]), "margin": s.top_heavy_margin,
                 "measures": ["official output value", "atlas firm count"]}
    official = t["evidence"].isin(["official share", "official statistic"]) & t["national_basis"].isin(
        ["official share", "statistics (same year)"])
    both = official & t["output_value"].notna() & t["national_output_value"].notna() & (t["output_value"] > 0)
    missing = []
    if (both & raw).any() and (both & ~raw).any():
        local, nat = t["output_value"], t["national_output_value"]
        region_raw = float(local[both & raw].sum() / local[both].sum())
        nat_raw = float(nat[both & raw].sum() / nat[both].sum())
        out.update(measure="official output value", unit="yuan", compared_links=list(t.loc[both, "node_id"]),
                   region_raw_share=region_raw, national_raw_share=nat_raw,
                   top_heavy=bool(region_raw - nat_raw > s.top_heavy_margin), reason=None)
        return out
    missing.append("official output figures for both upstream/primary and processing links "
                   f"({'none' if not both.any() else 'only ' + ('raw' if (both & raw).any() else 'processing')} links)")
    raw_ids = set(t.loc[raw, "node_id"])
    chain_ids = set(t["node_id"])
    key = ("national_raw_rows", tuple(sorted(chain_ids)), tuple(sorted(raw_ids)))
    if key not in facts.memo:  # the nation's side is the same for every region: counted once per chain
        nat_rows = facts.firms[facts.firms["node_id"].isin(chain_ids)].drop_duplicates(["enterprise_id", "node_id"])
        facts.memo[key] = (len(nat_rows), float(nat_rows["node_id"].isin(raw_ids).mean()) if len(nat_rows) else 0.0)
    n_nat_rows, nat_raw = facts.memo[key]
    loc_rows = firms[firms["node_id"].isin(chain_ids)].drop_duplicates(["enterprise_id", "node_id"])
    loc_raw = int(loc_rows["node_id"].isin(raw_ids).sum())
    if n_nat_rows >= s.min_national_firms and loc_raw and len(loc_rows) > loc_raw:
        region_raw = loc_raw / len(loc_rows)
        out.update(measure="atlas firm count", unit="firm × link rows", compared_links=sorted(chain_ids),
                   region_raw_share=region_raw, national_raw_share=nat_raw,
                   top_heavy=bool(region_raw - nat_raw > s.top_heavy_margin), reason=None,
                   caveat="firm counts weigh a small plant like a large one; the atlas's firm coverage is partial")
        return out
    missing.append(f"firms on both sides (region: {loc_raw} raw of {len(loc_rows)} firm × link rows; "
                   f"nation: {n_nat_rows} rows, need {s.min_national_firms:g})")
    out.update(measure=None, region_raw_share=None, national_raw_share=None, top_heavy=None,
               reason="unknown: no measure covers both sides — missing " + "; ".join(missing))
    return out


def _local_firms(facts: ChainFacts, code: str, level: str | None) -> pd.DataFrame:
    cols = ["node_id", "enterprise_id", "name_zh", "name_en", "region", "listed", "exchange", "stock_code",
            "high_tech", "year", "capacity", "output", "quantity_unit", "revenue", "revenue_unit", "source_id"]
    f = facts.firms if level is None else facts.firms[facts.firms[level] == code]
    return f.reindex(columns=cols).sort_values(["node_id", "output", "capacity"], ascending=[True, False, False],
                                               na_position="last").reset_index(drop=True)


def _agglomeration(facts: ChainFacts, code: str, level: str | None, table: pd.DataFrame,
                   firms: pd.DataFrame, s: DiagnosisSettings) -> dict:
    uv = facts.nodes["unit_value"].astype(float)
    present = table["status"].isin(["strong", "present", "weak"])
    out: dict = {"firms": int(firms["enterprise_id"].nunique()), "links_present": int(present.sum())}
    f = firms.copy()
    output = pd.to_numeric(f["output"], errors="coerce").astype(float)
    f["quantity"] = output.where(output.notna(), pd.to_numeric(f["capacity"], errors="coerce").astype(float))
    f["value"] = f["quantity"] * f["node_id"].map(uv).astype(float)
    per_firm = f.groupby("enterprise_id")["value"].sum(min_count=1).dropna()
    if len(per_firm) >= 2 and len(per_firm) * 2 >= out["firms"] and per_firm.sum() > 0:
        shares = per_firm / per_firm.sum()
        out["hhi"] = float((shares ** 2).sum())
        out["hhi_basis"] = f"output value of {len(per_firm)} firm(s) with figures"
    elif out["firms"]:
        out["hhi"] = 1.0 / out["firms"]
        out["hhi_basis"] = f"firm count ({len(per_firm)} of {out['firms']} firms have output figures)"
    else:
        out["hhi"] = None
        out["hhi_basis"] = "no firms"
    if level is not None:
        values = region_values(facts, level, s)
        mine = values.get(code)
        out["output_value"] = float(mine) if mine is not None else None
        out["rank_by_value"] = int((values > mine).sum()) + 1 if mine is not None else None
        out["regions_with_value"] = int(len(values))
        counts = _chain_firms_per_region(facts, level)
        mine_f = counts.get(code)
        out["rank_by_firms"] = int((counts > mine_f).sum()) + 1 if mine_f is not None else None
        out["regions_with_firms"] = int(len(counts))
    return out


def _chain_firms_per_region(facts: ChainFacts, level: str) -> pd.Series:
    """Distinct firms making any node of the chain per region of ``level`` (counted once per chain)."""
    key = ("firms_per_region", level)
    if key not in facts.memo:
        facts.memo[key] = facts.firms[facts.firms[level].notna()].groupby(level)["enterprise_id"].nunique()
    return facts.memo[key]


def region_values(facts: ChainFacts, level: str, settings: DiagnosisSettings | None = None) -> pd.Series:
    """Each region's chain output value (yuan) over links with a quantity (external inputs left out)."""
    key = ("region_values", level, (settings or DiagnosisSettings()).key())
    if key not in facts.memo:  # the same for every region of the level: summed once
        t = link_table(facts, level, settings)
        uv = facts.nodes["unit_value"].astype(float).to_numpy()[t["node_id"].cat.codes.to_numpy()]
        value = pd.Series(t["quantity"].to_numpy() * uv, index=t.index).where(~t["external_input"])
        v = value.groupby(t["region"]).sum(min_count=1).dropna()
        facts.memo[key] = v[v > 0]
    return facts.memo[key]


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


def _headline(d: Diagnosis) -> tuple[dict, pd.Series]:
    """One diagnosis's row of a comparison and its node → status column, kept on the diagnosis: a
    memoised diagnosis is compared with many peer sets, and its row never changes."""
    found = d.__dict__.get("_headline")
    if found is not None:
        return found
    counts = d.status_counts()
    counted = d.nodes[~d.nodes["external_input"].astype(bool)]
    present = counted["status"].isin(["strong", "present", "weak"])
    row = {
        "region": d.region["code"], "name_zh": d.region["name_zh"], "name_en": d.region["name_en"],
        "level": d.region["level"], "firms": d.agglomeration["firms"], **counts,
        "coverage": float(present.mean()) if len(counted) else None,
        "output_value": d.agglomeration.get("output_value"),
        "overall_share": d.overall_share,
        "raw_share": d.top_heaviness.get("region_raw_share"),
        "top_heavy": d.top_heaviness.get("top_heavy"),
        "hhi": d.agglomeration.get("hhi"),
        "rank_by_value": d.agglomeration.get("rank_by_value"),
        "rank_by_firms": d.agglomeration.get("rank_by_firms"),
    }
    d.__dict__["_headline"] = (row, d.nodes.set_index("node_id")["status"])
    return d.__dict__["_headline"]


def compare(diagnoses: list[Diagnosis]) -> Comparison:
    """Headline figures of several diagnoses of one chain."""
    rows, status = [], {}
    for d in diagnoses:
        row, column = _headline(d)
        rows.append(dict(row))
        status[d.region["code"]] = column
    chain = diagnoses[0].chain if diagnoses else {}
    year = diagnoses[0].year if diagnoses else None
    return Comparison(chain, year, pd.DataFrame(rows), pd.DataFrame(status))
