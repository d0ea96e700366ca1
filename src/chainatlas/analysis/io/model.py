"""Multipliers and linkages of one (national or regionalised) table, and the impact of new output.

The one entry point for the faces: :func:`analyse` turns a table and a region's shape into an
:class:`IOAnalysis` (every sector's multipliers with their band over δ, linkages, extraction, key
sectors); :func:`output_impact` answers "what does new output of sector *k* bring" on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from chainatlas.analysis.io import leontief as lt
from chainatlas.analysis.io import linkages as lk
from chainatlas.analysis.io.regional import DEFAULT_DELTA, DEFAULT_METHOD, DELTA_BAND, regional_coefficients
from chainatlas.analysis.io.size import RegionShape
from chainatlas.analysis.io.table import IOTable
from chainatlas.results import Result, jsonable

CAVEATS = [
    "fixed prices: the table's coefficients and the unit values are taken as given (no price response)",
    "no supply constraints: every input the new output needs is assumed available",
    "no displacement: the new output is assumed not to replace output elsewhere in the region",
]


@dataclass
class Solved:
    """One coefficient matrix with its inverses (the work every measure shares)."""

    A: np.ndarray
    L: np.ndarray
    G: np.ndarray
    x: np.ndarray
    v: np.ndarray   # value added per unit of output
    w: np.ndarray   # compensation per unit of output


def solve(A: np.ndarray, x: np.ndarray, v: np.ndarray, w: np.ndarray) -> Solved:
    L = lt.leontief_inverse(A)
    return Solved(A, L, lt.ghosh_inverse(L, x), x, v, w)


def regional_solution(table: IOTable, shape: RegionShape, method: str = DEFAULT_METHOD,
                      delta: float = DEFAULT_DELTA) -> Solved:
    """Regional coefficients (domestic national ones scaled by the quotients) and their inverses."""
    dom = table.domestic()
    A = lt.technical_coefficients(dom.Z, dom.x)
    if not shape.is_nation and shape.baselines:
        A = regional_coefficients(A, method, shape.output, shape.national_output, delta)
    v = lt.ratios(table.value_added, table.x)
    w = lt.ratios(table.compensation, table.x)
    return solve(A, shape.output, v, w)


def _measures(s: Solved) -> dict[str, np.ndarray]:
    out_m = lt.output_multipliers(s.L)
    va_m = lt.input_multipliers(s.v, s.L)
    comp_m = lt.input_multipliers(s.w, s.L)
    return {"output_multiplier": out_m, "value_added_multiplier": va_m, "compensation_multiplier": comp_m}


@dataclass
class IOAnalysis(Result):
    """Every sector's multipliers, their δ band, linkages, extraction losses and key-sector class."""

    table: dict
    region: dict
    method: str
    delta: float
    forward: str
    sectors: pd.DataFrame
    totals: dict
    basis: str
    warnings: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    solved: Solved | None = field(default=None, repr=False)
    band: dict[float, Solved] = field(default_factory=dict, repr=False)
    nodes: pd.DataFrame | None = None

    def to_dict(self) -> dict:
        return jsonable({"table": self.table, "region": self.region, "method": self.method, "delta": self.delta,
                         "delta_band": list(self.band) or [self.delta], "forward_linkage": self.forward,
                         "basis": self.basis, "totals": self.totals, "warnings": self.warnings,
                         "sources": self.sources, "sectors": self.sectors,
                         "nodes": self.nodes if self.nodes is not None else [], "derivations": DERIVATIONS})

    def to_frame(self) -> pd.DataFrame:
        return self.sectors

    def sector(self, code: str) -> dict:
        row = self.sectors[self.sectors["code"] == code]
        return jsonable(row.iloc[0].to_dict()) if len(row) else {}

    def __repr__(self) -> str:
        r = self.region
        head = (f"Input-output multipliers: {r.get('name_zh', '')} {r.get('name_en', '')} ({r.get('code')}), "
                f"table {self.table['id']} ({self.table['year']}, {self.table['sectors']} sectors), "
                f"{self.method.upper()} δ={self.delta:g}")
        lines = [head, f"  region size: {self.basis}"]
        lines += [f"  warning: {w}" for w in self.warnings]
        if self.nodes is not None and len(self.nodes):
            lines.append("  chain nodes and their sectors:")
            for rec in self.nodes.to_dict(orient="records"):
                lines.append(f"  {rec['node_id']} {rec['node_name_zh']} → {rec['code']} {rec['name_zh']}: output "
                             f"×{rec['output_multiplier']:.3f} [{rec['output_multiplier_low']:.3f}–"
                             f"{rec['output_multiplier_high']:.3f}], BL {rec['backward_linkage']:.2f} "
                             f"FL {rec['forward_linkage']:.2f} ({rec['key_class']})")
        top = self.sectors.sort_values("output_multiplier", ascending=False).head(15)
        lines.append("  top sectors by output multiplier (band over δ 0.05–0.3; BL/FL = Rasmussen linkages):")
        for rec in top.to_dict(orient="records"):
            lines.append(f"  {rec['code']} {rec['name_zh']} {rec['name_en']}: output ×{rec['output_multiplier']:.3f} "
                         f"[{rec['output_multiplier_low']:.3f}–{rec['output_multiplier_high']:.3f}], value added "
                         f"{rec['value_added_multiplier']:.3f}, BL {rec['backward_linkage']:.2f} "
                         f"FL {rec['forward_linkage']:.2f} ({rec['key_class']})")
        return "\n".join(lines)


DERIVATIONS = {
    "output_multiplier": "column sum of the (regional, domestic) Leontief inverse: output per unit of final demand",
    "value_added_multiplier": "v′L: value added in all sectors per unit of final demand (v = value added / output)",
    "compensation_multiplier": "w′L: compensation of employees per unit of final demand (w = VA001 / output)",
    "value_added_type_one": "value_added_multiplier / the sector's own value-added ratio",
    "backward_linkage": "n · column sum of L / sum of L (Rasmussen)",
    "forward_linkage": "n · row sum of the Ghosh inverse / its sum (or of L with forward='leontief')",
    "extraction_total": "output lost (table unit) if the sector were taken out, row and column (closed form)",
    "key_class": "key: both linkages > 1; backward- or forward-oriented: one > 1; weak: neither",
    "low/high": "the multiplier at δ = 0.3 (low) and δ = 0.05 (high) of the regionalisation",
}


def analyse(table: IOTable, shape: RegionShape, region: dict, *, method: str = DEFAULT_METHOD,
            delta: float = DEFAULT_DELTA, forward: str = "ghosh", band: tuple[float, ...] = DELTA_BAND,
            table_meta: dict | None = None) -> IOAnalysis:
    """Multipliers, linkages, extraction and key sectors of the region's table, with the δ band."""
    s = regional_solution(table, shape, method, delta)
    m = _measures(s)
    frame = table.sectors()
    for k, v in m.items():
        frame[k] = v
    frame["value_added_type_one"] = lt.type_one(m["value_added_multiplier"], s.v)
    regional = not shape.is_nation and bool(shape.baselines) and method in ("flq", "aflq")
    solved_band = {d: (regional_solution(table, shape, method, d) if regional else s) for d in band}
    for k in m:
        values = np.vstack([_measures(b)[k] for b in solved_band.values()] + [m[k]])
        frame[f"{k.removesuffix('_multiplier')}_multiplier_low"] = values.min(axis=0)
        frame[f"{k.removesuffix('_multiplier')}_multiplier_high"] = values.max(axis=0)
    frame["backward_linkage"] = lk.backward_linkages(s.L)
    frame["forward_linkage"] = lk.forward_linkages(s.L, s.G, forward)
    frame["key_class"] = lk.key_sectors(frame["backward_linkage"].to_numpy(), frame["forward_linkage"].to_numpy())
    # final demand consistent with the regional outputs: f = (I − A) x
    f = s.x - s.A @ s.x
    ext = lk.extraction(s.L, s.G, s.x, f)
    frame["extraction_total"] = ext["total"].to_numpy()
    frame["extraction_share"] = ext["total_share"].to_numpy()
    frame["gross_output"] = s.x
    totals = {"gross_output": float(s.x.sum()), "value_added": float((s.v * s.x).sum()),
              "compensation": float((s.w * s.x).sum()), "unit": table.unit,
              "key_sectors": int((frame["key_class"] == "key").sum())}
    meta = table_meta or {"id": table.id, "year": table.year}
    meta = {**meta, "sectors": table.n, "unit": table.unit}
    warnings = list(shape.warnings)
    if not regional and not shape.is_nation and shape.baselines:
        warnings.append(f"{method.upper()} has no δ: the band is a single value")
    return IOAnalysis(table=meta, region=region, method=method, delta=delta, forward=forward, sectors=frame,
                      totals=totals, basis=shape.basis, warnings=warnings,
                      sources=[*([meta["source_id"]] if meta.get("source_id") else []),
                               *[src for b in shape.baselines for src in b.sources]],
                      solved=s, band=solved_band)


def output_impact(s: Solved, sector: int, amount: float, column: np.ndarray | None = None) -> dict:
    """Output, value added and compensation brought by new output ``amount`` of ``sector``.

    The new output is exogenous (a plant that produces, not a buyer of final goods), so its effect on
    the rest of the region runs through its purchases: the column of ``A`` for the sector (or
    ``column``, e.g. a plant's known local-sourcing share × the national column of all its inputs)
    feeds the inverse of ``I − A`` *without* the sector's own row and column, which is
    ``L₋ₖ₋ₖ − L₋ₖₖ Lₖ₋ₖ / Lₖₖ`` (no second inversion). Counting the new output as final demand
    instead would add the sector's own feedback and overstate the effect.
    """
    n = s.A.shape[0]
    others = np.arange(n) != sector
    c = np.asarray(s.A[:, sector] if column is None else column, float)[others]
    L = s.L
    Lrr = L[np.ix_(others, others)]
    induced = (Lrr @ c - L[others, sector] * (L[sector, others] @ c) / L[sector, sector]) * amount
    direct_va = s.v[sector] * amount
    direct_comp = s.w[sector] * amount
    return {
        "direct_output": float(amount), "indirect_output": float(induced.sum()),
        "total_output": float(amount + induced.sum()),
        "direct_value_added": float(direct_va), "indirect_value_added": float(s.v[others] @ induced),
        "total_value_added": float(direct_va + s.v[others] @ induced),
        "direct_compensation": float(direct_comp), "indirect_compensation": float(s.w[others] @ induced),
        "total_compensation": float(direct_comp + s.w[others] @ induced),
        "induced_by_sector": induced,
    }


def map_nodes(table: IOTable, mapping: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """The node → sector mapping in this table's codes.

    The mapping is declared in 2020 153-sector codes with the sector's Chinese name; another table's
    sector is found by that name (same classification in 2018; the 2017 table has 149 sectors and a
    few names differ). Nodes whose sector name the table lacks are left out and listed.
    """
    by_name = {nm: code for code, nm in zip(table.codes, table.names_zh, strict=True)}
    codes = set(table.codes)
    out, missing = [], []
    for rec in mapping.to_dict(orient="records"):
        if rec["sector_name_zh"] in by_name:
            out.append({**rec, "code": by_name[rec["sector_name_zh"]]})
        elif rec["sector_code"] in codes and table.names_zh[table.index_of(rec["sector_code"])] == rec["sector_name_zh"]:
            out.append({**rec, "code": rec["sector_code"]})
        else:
            missing.append(rec["node_id"])
    return pd.DataFrame(out, columns=[*mapping.columns, "code"]), missing


def node_table(analysis: IOAnalysis, mapping: pd.DataFrame, nodes: pd.DataFrame) -> pd.DataFrame:
    """The chain's nodes with their sector's multipliers and linkages (one row per node × sector)."""
    cols = ["code", "name_zh", "name_en", "output_multiplier", "output_multiplier_low", "output_multiplier_high",
            "value_added_multiplier", "value_added_multiplier_low", "value_added_multiplier_high",
            "compensation_multiplier", "backward_linkage", "forward_linkage", "key_class"]
    names = nodes.set_index("id")[["name_zh", "name_en"]].rename(columns=lambda c: f"node_{c}")
    m = mapping[mapping["node_id"].isin(names.index)][["node_id", "code", "note"]]
    out = m.merge(names, left_on="node_id", right_index=True).merge(analysis.sectors[cols], on="code")
    return out.reset_index(drop=True)


def add_chain_nodes(analysis: IOAnalysis, table: IOTable, sectors: pd.DataFrame, nodes: pd.DataFrame) -> None:
    """Give ``analysis`` the chain's nodes with their sectors, and a warning naming the nodes this table
    has no sector for (``sectors``: the declared node → sector mapping; ``nodes``: the chain's nodes)."""
    mapping, missing = map_nodes(table, sectors)
    analysis.nodes = node_table(analysis, mapping, nodes)
    ids = set(nodes["id"])
    if missing and any(m in ids for m in missing):
        analysis.warnings.append(f"table {table.id} has no sector for nodes " + ", ".join(m for m in missing if m in ids))
