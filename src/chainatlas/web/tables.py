"""Small read-only look-ups the pages need for navigation and display, memoised per store generation.

Why here and not in the facade: these are presentation helpers (names for codes, which chain to link
a node to, counting and sorting facts the facade already computed for display); they decide nothing.
Candidates for the facade if another face needs them: ``Atlas.leaders(chain, node)`` and
``Atlas.firm_counts(level, chain=None)``.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from chainatlas.atlas import Atlas
from chainatlas.results import jsonable
from chainatlas.web.reader import AtlasReader


def _num(v: Any) -> float | None:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def region_names(reader: AtlasReader) -> dict[str, dict]:
    """code → {name_zh, name_en, level, parent} for every region."""

    def build(atlas: Atlas) -> dict[str, dict]:
        regions = atlas.tables["regions"]
        return {r["code"]: {"name_zh": r["name_zh"], "name_en": r["name_en"], "level": r["level"],
                            "parent": r["parent"]} for r in regions.to_dict(orient="records")}

    return reader.memo(("region_names", reader.generation), lambda: reader.call(build))


def provinces(reader: AtlasReader) -> list[dict]:
    names = region_names(reader)
    return [{"code": c, "name_zh": r["name_zh"], "name_en": r["name_en"]}
            for c, r in names.items() if r["level"] == "province"]


def children(reader: AtlasReader, code: str) -> list[dict]:
    names = region_names(reader)
    return [{"code": c, "name_zh": r["name_zh"], "name_en": r["name_en"], "level": r["level"]}
            for c, r in names.items() if r["parent"] == code]


def chain_of_node(reader: AtlasReader) -> dict[str, str]:
    """node id → the first chain (alphabetically) it belongs to, for linking search hits."""

    def build(atlas: Atlas) -> dict[str, str]:
        out: dict[str, str] = {}
        for cid, ids in sorted(atlas.members.items()):
            for nid in ids:
                out.setdefault(nid, cid)
        return out

    return reader.memo(("chain_of_node", reader.generation), lambda: reader.call(build))


def firm_regions(reader: AtlasReader) -> dict[str, str]:
    """firm id → region code, for linking firm search hits to the region page that lists them."""

    def build(atlas: Atlas) -> dict[str, str]:
        firms = atlas.tables["enterprises"]
        return dict(zip(firms["id"], firms["region"], strict=True))

    return reader.memo(("firm_regions", reader.generation), lambda: reader.call(build))


def firms_per_province(reader: AtlasReader, chain: str | None = None) -> dict[str, int]:
    """Distinct atlas firms per province (making any node of ``chain`` when given)."""

    def build(a: Atlas) -> dict[str, int]:
        if chain:
            made = a.chain_facts(chain).firms
            counts = made.groupby("province")["enterprise_id"].nunique()
        else:
            firms = a.tables["enterprises"].merge(a.region_levels, left_on="region", right_on="code", how="left")
            counts = firms.groupby("province")["id"].nunique()
        return {str(k): int(v) for k, v in counts.items() if k}

    return reader.memo(("firms_per_province", chain, reader.generation), lambda: reader.call(build))


def node_leaders(reader: AtlasReader, chain: str, n: int = 3) -> dict[str, dict]:
    """Per node of ``chain``: the leading provinces and prefectures and the leading firms nationally.

    Regions are ordered by quantity (output, else capacity, in the node's unit) then by firm count;
    firms by quantity then name. Every entry keeps its sources.
    """

    names = region_names(reader)  # outside the atlas lock: the memo is never consulted under it

    def build(atlas: Atlas) -> dict[str, dict]:
        facts = atlas.chain_facts(chain)
        out: dict[str, dict] = {}
        for nid in facts.nodes.index:
            entry: dict[str, Any] = {"national_firms": int(facts.node_firms_national.get(nid, 0))}
            for level in ("province", "prefecture"):
                rows = facts.by_level[level]
                rows = rows[rows["node_id"] == nid].copy()
                rows["q"] = rows["quantity"].astype(float)
                rows = rows.sort_values(["q", "firms"], ascending=[False, False], na_position="last").head(n)
                entry[level] = [{"region": r["region"], "name_zh": names.get(r["region"], {}).get("name_zh", ""),
                                 "name_en": names.get(r["region"], {}).get("name_en", ""),
                                 "quantity": _num(r["quantity"]), "basis": r["basis"], "firms": int(r["firms"]),
                                 "sources": list(r["sources"]) if isinstance(r["sources"], list) else []}
                                for r in rows.to_dict(orient="records")]
            made = facts.firms[facts.firms["node_id"] == nid].copy()
            made = made.sort_values(["quantity", "name_zh"], ascending=[False, True], na_position="last")
            entry["firms"] = jsonable(made.head(n)[["enterprise_id", "name_zh", "name_en", "region", "quantity",
                                                   "quantity_kind", "quantity_unit", "year", "source_id"]])
            out[nid] = entry
        return out

    return reader.memo(("node_leaders", chain, n, reader.generation), lambda: reader.call(build))


def node_firms(reader: AtlasReader, chain: str, node: str) -> pd.DataFrame:
    """Every atlas firm making ``node`` (latest year), largest first."""
    facts = reader.ask("chain_facts", chain)
    made = facts.firms[facts.firms["node_id"] == node]
    return made.sort_values(["quantity", "name_zh"], ascending=[False, True], na_position="last")
