"""From the store's frames to one chain's diagnosis facts: which rows count, in which unit.

Why a function of frames: the facade hands in what the store returned for a chain, and a what-if
hands in the same frames with plants added or removed (an overlay, never a write), so the baseline
and the scenario go through the very same rules. No store, no files: frames in, facts out.
"""

from __future__ import annotations

import pandas as pd

from chainatlas.analysis.diagnosis import BASELINE_INDICATORS, ChainFacts, prepare_chain
from chainatlas.model.units import to_base

OUTPUT_INDICATORS = ("output",)
SHARE_INDICATORS = ("output_share_national", "capacity_share_national")
NATION = "100000"


def baseline_frame(observations: pd.DataFrame) -> pd.DataFrame:
    """Regional and national economy sizes (industrial value added, GDP, resident population), in base units.

    Only figures about a region as a whole (no node) count.
    """
    obs = observations
    b = obs[(obs["subject_kind"] == "region") & obs["indicator"].isin(BASELINE_INDICATORS)
            & (obs["node_id"].fillna("") == "")]
    b = b.rename(columns={"subject_id": "region"})[["region", "indicator", "year", "value", "unit", "source_id"]]
    factors = {u: to_base(1.0, u)[0] for u in b["unit"].dropna().unique()}
    return b.assign(value=b["value"] * b["unit"].map(factors).astype(float)).reset_index(drop=True)


def chain_nodes_frame(nodes: pd.DataFrame, chain_nodes: pd.DataFrame, chain_id: str) -> pd.DataFrame:
    """The chain's nodes, with ``external_input`` (a node entering this chain from another one) when recorded."""
    nodes = nodes.copy()
    if "external_input" in chain_nodes.columns:
        ext = chain_nodes[(chain_nodes["chain_id"] == chain_id)].set_index("node_id")["external_input"]
        nodes["external_input"] = nodes["id"].map(ext).fillna(False).astype(bool)
    return nodes


def chain_facts_from_frames(chain: dict, nodes: pd.DataFrame, links: pd.DataFrame, chain_nodes: pd.DataFrame,
                            production: pd.DataFrame, firms: pd.DataFrame, firm_levels: pd.DataFrame,
                            observations: pd.DataFrame, regions: pd.DataFrame, baselines: pd.DataFrame,
                            year: int | None = None) -> ChainFacts:
    """One chain's facts as of ``year`` (see :func:`chainatlas.analysis.diagnosis.prepare_chain`).

    ``production``: production rows (at least those of the chain's nodes); ``firms``: the enterprise
    records of (at least) their makers, with ``province``/``prefecture``/``county``; ``firm_levels``:
    every firm's ``id`` and levels (firms per region are counted over all firms); ``observations``:
    observations about regions (at least the chain's output figures and national shares).
    A statistic counts only in its node's own unit, and a share only in %.
    """
    ids = list(nodes["id"])
    nodes = chain_nodes_frame(nodes, chain_nodes, chain["id"])
    prod = production[production["node_id"].isin(ids)].merge(
        firms.rename(columns={"id": "enterprise_id", "source_id": "firm_source_id", "note": "firm_note"}),
        on="enterprise_id", how="left")
    obs = observations[observations["subject_kind"] == "region"]
    node_unit = dict(zip(nodes["id"], nodes["unit"], strict=True))
    levels = dict(zip(regions["code"], regions["level"], strict=True))
    stats = obs[obs["indicator"].isin(OUTPUT_INDICATORS) & obs["node_id"].isin(ids)]
    stats = stats[stats["unit"] == stats["node_id"].map(node_unit)]  # only figures in the node's unit
    stats = stats.rename(columns={"subject_id": "region"}).assign(level=lambda d: d["region"].map(levels))
    shares = obs[obs["indicator"].isin(SHARE_INDICATORS) & obs["node_id"].isin(ids) & (obs["unit"] == "%")]
    shares = shares.rename(columns={"subject_id": "region"}).assign(level=lambda d: d["region"].map(levels))
    return prepare_chain(chain, nodes, links, prod, stats, firm_levels, year, shares, baselines=baselines,
                         regions=regions)
