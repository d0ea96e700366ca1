"""Overviews for browsing: who leads each link of a chain, one link across the country, one measure
across the provinces.

Why here and not in a face: the dashboard's chain, node and map pages show these, and the CLI prints
the same (``chainatlas chain node C N --json``, ``chainatlas map --chain C --json``), so they are pure
functions over a chain's facts and plain frames, wrapped in results the facade returns.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from chainatlas.analysis.diagnosis import ChainFacts
from chainatlas.model.tilegrid import tiles
from chainatlas.results import Result, jsonable

# measure → (label, number format): what the map can shade provinces by
MAP_MEASURES: dict[str, tuple[str, str]] = {
    "firms": ("企业数 firms", "{:,.0f}"), "coverage": ("环节覆盖率 link coverage", "{:.0%}"),
    "output_value": ("产值 output value (亿元)", "{:,.1f}")}

FIRM_COLUMNS = ["enterprise_id", "name_zh", "name_en", "region", "province", "prefecture", "listed", "exchange",
                "stock_code", "year", "capacity", "output", "quantity_unit", "revenue", "source_id"]
LEADER_FIRM_COLUMNS = ["enterprise_id", "name_zh", "name_en", "region", "quantity", "quantity_kind", "quantity_unit",
                       "year", "source_id"]


def _num(v: Any) -> float | None:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def node_firms(facts: ChainFacts, node: str) -> pd.DataFrame:
    """Every firm of the chain's facts making ``node`` (latest year), largest quantity first, then by name."""
    made = facts.firms[facts.firms["node_id"] == node]
    return made.sort_values(["quantity", "name_zh"], ascending=[False, True], na_position="last")


def node_leaders(facts: ChainFacts, names: dict[str, dict], n: int = 3) -> dict[str, dict]:
    """Per node: national firm count, the ``n`` leading provinces and prefectures, the ``n`` leading firms.

    Regions are ordered by quantity (output, else capacity, in the node's unit) then by firm count;
    firms by quantity then name. Every region entry keeps its sources; ``names`` gives region names.
    """
    ordered = {}
    for level in ("province", "prefecture"):
        rows = facts.by_level[level].copy()
        rows["q"] = rows["quantity"].astype(float)
        ordered[level] = {nid: g for nid, g in rows.sort_values(["q", "firms"], ascending=[False, False],
                                                                  na_position="last").groupby("node_id", sort=False)}
    out: dict[str, dict] = {}
    for nid in facts.nodes.index:
        entry: dict[str, Any] = {"national_firms": int(facts.node_firms_national.get(nid, 0))}
        for level in ("province", "prefecture"):
            rows = ordered[level].get(nid)
            top = [] if rows is None else rows.head(n).to_dict(orient="records")
            entry[level] = [{"region": r["region"], "name_zh": names.get(r["region"], {}).get("name_zh", ""),
                             "name_en": names.get(r["region"], {}).get("name_en", ""),
                             "quantity": _num(r["quantity"]), "basis": r["basis"], "firms": int(r["firms"]),
                             "sources": list(r["sources"]) if isinstance(r["sources"], list) else []}
                            for r in top]
        entry["firms"] = jsonable(node_firms(facts, nid).head(n)[LEADER_FIRM_COLUMNS])
        out[nid] = entry
    return out


@dataclass
class NodeOverview(Result):
    """One link of a chain: what it is, its inputs and outputs, the chains it is in, who leads nationally,
    and every firm making it."""

    chain: dict
    node: dict
    inputs: list[dict]
    outputs: list[dict]
    chains: list[str]
    leaders: dict[str, list[dict]]
    firms: pd.DataFrame

    def to_dict(self) -> dict:
        return {"chain": self.chain, "node": self.node, "inputs": self.inputs, "outputs": self.outputs,
                "chains": self.chains, "leaders": self.leaders, "firms": jsonable(self.firms)}

    def to_frame(self) -> pd.DataFrame:
        return self.firms

    def __repr__(self) -> str:
        return (f"{self.node.get('name_zh')} {self.node.get('name_en')} ({self.node.get('id')}) in "
                f"{self.chain.get('name_en')}: {len(self.inputs)} inputs, {len(self.outputs)} outputs, "
                f"{len(self.firms)} firms; chains {', '.join(self.chains)}")


def node_overview(chain: dict, nodes: pd.DataFrame, links: pd.DataFrame, node: str, chains: list[str],
                  leaders: dict, firms: pd.DataFrame) -> NodeOverview:
    """The overview of ``node`` from its chain's record, nodes and links, the chains holding it, its
    leaders entry (see :func:`node_leaders`) and its firms (see :func:`node_firms`)."""
    by_id = nodes.set_index("id", drop=False)
    record = jsonable(by_id.loc[node].to_dict())
    names = {i: {"name_zh": by_id.loc[i, "name_zh"], "name_en": by_id.loc[i, "name_en"]} for i in by_id.index}
    rows = jsonable(links)
    inputs = [{**link, **names.get(link["source_node"], {})} for link in rows if link["target_node"] == node]
    outputs = [{**link, **names.get(link["target_node"], {})} for link in rows if link["source_node"] == node]
    return NodeOverview({k: chain[k] for k in ("id", "name_zh", "name_en")}, record, inputs, outputs,
                        sorted(chains), {"province": leaders.get("province", []),
                                         "prefecture": leaders.get("prefecture", [])},
                        firms[FIRM_COLUMNS].reset_index(drop=True))


@dataclass
class MapView(Result):
    """One measure for every provincial-level region, laid out on the tile grid."""

    chain: dict | None
    measure: str
    label: str
    values: dict[str, float | None]  # province code → value (None: no figure)

    @property
    def number_format(self) -> str:
        return MAP_MEASURES[self.measure][1]

    def to_dict(self) -> dict:
        return {"chain": self.chain, "measure": self.measure, "label": self.label,
                "tiles": jsonable(tiles(self.values))}

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(tiles(self.values))

    def __repr__(self) -> str:
        known = sorted(((v, c) for c, v in self.values.items() if v is not None), reverse=True)[:10]
        chain = f" for {self.chain['name_en']}" if self.chain else ""
        return f"{self.label}{chain}: " + ", ".join(f"{c} {self.number_format.format(v)}" for v, c in known)


def province_values(codes: list[str], measure: str, firms: dict[str, int] | None = None,
                    compared: list[dict] | None = None) -> dict[str, float | None]:
    """Each province's value of ``measure``: firm counts, or a comparison row's coverage / output value
    (yuan → 亿元)."""
    if measure == "firms":
        return {c: (firms or {}).get(c) for c in codes}
    rows = {r["region"]: r for r in compared or []}
    out: dict[str, float | None] = {}
    for c in codes:
        v = rows.get(c, {}).get(measure)
        out[c] = None if v is None else (v / 1e8 if measure == "output_value" else v)
    return out
