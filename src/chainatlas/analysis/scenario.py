"""What-if scenarios: plants added or removed, as an overlay on the atlas's frames (never a write).

A scenario is a list of changes. Each change adds a plant (a node made in a region at a capacity or
output, in a year, at a unit value, buying a stated share of its inputs locally) or removes one (an
enterprise id, optionally only one of its nodes). :func:`overlay` applies the changes to copies of
the enterprise and production frames; the same diagnosis then runs on the baseline frames and on the
overlay, and :func:`compare_diagnoses` reads the pair. :func:`io_impact` gives the input-output
impact of the new output, with its band over δ.

Rules that keep the numbers honest:

* a new plant is new *output* of its sector, not new final demand (see
  :func:`chainatlas.analysis.io.output_impact`);
* its quantity is bounded by the national market for its node (the nation's output of the node)
  and its value by the national gross output of its IO sector; a clipped quantity says so;
* a plant with only a capacity is taken to produce at capacity (as the diagnosis does).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from chainatlas.analysis.io import CAVEATS, Solved, output_impact
from chainatlas.errors import ChainAtlasError
from chainatlas.model.units import UnitError, convert
from chainatlas.results import Result, jsonable

SCENARIO_SOURCE = "whatif-scenario"
ACTIONS = ("add", "remove")


@dataclass(frozen=True)
class Change:
    """One change of a scenario (quantities in the node's unit once resolved)."""

    action: str
    node_id: str | None = None
    region: str | None = None
    capacity: float | None = None
    output: float | None = None
    quantity_unit: str | None = None
    year: int | None = None
    unit_value: float | None = None          # yuan per node unit
    local_sourcing: float | None = None      # share of inputs bought in the region, 0–1
    enterprise_id: str | None = None         # for remove: the plant; for add: an optional id
    name: str | None = None

    @property
    def quantity(self) -> float | None:
        return self.output if self.output is not None else self.capacity


@dataclass
class Scenario:
    name: str
    changes: list[Change]


_QTY = re.compile(r"^\s*([0-9][0-9_,.]*(?:[eE][+-]?\d+)?)\s*(.*?)\s*$")


def parse_quantity(text: str) -> tuple[float, str]:
    """``"50000t"`` → (50000.0, "t"); ``"5万吨"`` → (5.0, "万吨"); a bare number has an empty unit."""
    m = _QTY.match(str(text))
    if not m:
        raise ChainAtlasError(f"cannot read a quantity from {text!r}: write a number and a unit, e.g. 50000t or 5万吨")
    return float(m.group(1).replace(",", "").replace("_", "")), m.group(2)


def change_from_flag(text: str, action: str = "add") -> Change:
    """``NODE=QUANTITY[UNIT]`` (add) or ``ENTERPRISE[:NODE]`` (remove), as given on the command line."""
    if action == "remove":
        ent, _, node = text.partition(":")
        if not ent.strip():
            raise ChainAtlasError(f"--remove {text!r}: name an enterprise id, optionally ':node'")
        return Change("remove", node_id=node.strip() or None, enterprise_id=ent.strip())
    node, sep, qty = text.partition("=")
    if not sep or not node.strip() or not qty.strip():
        raise ChainAtlasError(f"--add {text!r}: write NODE=QUANTITY, e.g. aluminium.foil-battery=50000t")
    value, unit = parse_quantity(qty)
    return Change("add", node_id=node.strip(), output=value, quantity_unit=unit or None)


_FIELDS = {"action", "node", "node_id", "region", "capacity", "output", "unit", "quantity_unit", "year",
           "unit_value", "local_sourcing", "enterprise", "enterprise_id", "name", "quantity"}


def scenario_from_dict(doc: dict, where: str = "scenario") -> Scenario:
    """A scenario from a parsed TOML/JSON document: ``name`` and ``[[changes]]`` (see the README).

    Each change: ``action`` (add | remove), ``node``, ``region``, ``capacity`` / ``output`` (numbers or
    "50000t"), ``unit``, ``year``, ``unit_value`` (yuan per node unit), ``local_sourcing`` (0–1),
    ``enterprise`` (remove: which plant), ``name``. Errors name the change number and field.
    """
    changes = doc.get("changes")
    if not isinstance(changes, list) or not changes:
        raise ChainAtlasError(f"{where}: needs a non-empty list 'changes' ([[changes]] in TOML)")
    out = []
    for i, raw in enumerate(changes, start=1):
        if not isinstance(raw, dict):
            raise ChainAtlasError(f"{where}: change {i} is not a table/object")
        unknown = sorted(set(raw) - _FIELDS)
        if unknown:
            raise ChainAtlasError(f"{where}: change {i} field '{unknown[0]}': unknown (expected one of "
                                  f"{', '.join(sorted(_FIELDS))})")
        action = str(raw.get("action", "add"))
        if action not in ACTIONS:
            raise ChainAtlasError(f"{where}: change {i} field 'action': {action!r}, expected add or remove")
        unit = raw.get("unit") or raw.get("quantity_unit")
        values = {}
        for key in ("capacity", "output", "quantity"):
            if raw.get(key) is None:
                continue
            v = raw[key]
            if isinstance(v, str):
                v, u = parse_quantity(v)
                unit = unit or u or None
            try:
                values[key] = float(v)
            except (TypeError, ValueError):
                raise ChainAtlasError(f"{where}: change {i} field '{key}': {raw[key]!r} is not a number") from None
            if values[key] < 0:
                raise ChainAtlasError(f"{where}: change {i} field '{key}': must not be negative")
        share = raw.get("local_sourcing")
        if share is not None and not (isinstance(share, (int, float)) and 0 <= share <= 1):
            raise ChainAtlasError(f"{where}: change {i} field 'local_sourcing': {share!r}, expected a share 0–1")
        node = raw.get("node") or raw.get("node_id")
        ent = raw.get("enterprise") or raw.get("enterprise_id")
        if action == "add" and not node:
            raise ChainAtlasError(f"{where}: change {i} field 'node': an added plant needs a node")
        if action == "add" and not values:
            raise ChainAtlasError(f"{where}: change {i} field 'output': an added plant needs output or capacity")
        if action == "remove" and not ent:
            raise ChainAtlasError(f"{where}: change {i} field 'enterprise': a removal names the plant's id")
        out.append(Change(action, node_id=node, region=raw.get("region"), capacity=values.get("capacity"),
                          output=values.get("output", values.get("quantity")), quantity_unit=unit,
                          year=int(raw["year"]) if raw.get("year") is not None else None,
                          unit_value=float(raw["unit_value"]) if raw.get("unit_value") is not None else None,
                          local_sourcing=share, enterprise_id=ent, name=raw.get("name")))
    return Scenario(str(doc.get("name") or "scenario"), out)


# --------------------------------------------------------------------------- resolving and the overlay
def resolve_change(change: Change, node: dict, region: str, year: int | None) -> Change:
    """Fill a change's defaults: the node's unit, the diagnosis year, its unit value.

    ``region`` is the plant's region code, already resolved by the caller (the change's own region,
    or the region asked about).
    """
    if change.action == "remove":
        return change
    unit = change.quantity_unit or node["unit"]
    try:
        cap = convert(change.capacity, unit, node["unit"]) if change.capacity is not None else None
        out = convert(change.output, unit, node["unit"]) if change.output is not None else None
    except UnitError as exc:
        raise ChainAtlasError(f"change for {node['id']}: {exc} (the node is counted in {node['unit']})") from None
    uv = change.unit_value
    if uv is None and node.get("unit_value") is not None and not pd.isna(node.get("unit_value")):
        uv = float(convert(float(node["unit_value"]), node.get("unit_value_unit") or f"yuan/{node['unit']}",
                           f"yuan/{node['unit']}"))
    return Change("add", node_id=node["id"], region=region, capacity=cap, output=out,
                  quantity_unit=node["unit"], year=change.year or year, unit_value=uv,
                  local_sourcing=change.local_sourcing, enterprise_id=change.enterprise_id, name=change.name)


def bound_by_market(change: Change, national_quantity: float | None) -> tuple[Change, str | None]:
    """Clip an added plant's quantity to the nation's output of its node (the market it can sell to)."""
    q = change.quantity
    if change.action != "add" or q is None or national_quantity is None or pd.isna(national_quantity) \
            or national_quantity <= 0 or q <= national_quantity:
        return change, None
    note = (f"{change.node_id}: {q:,.0f} {change.quantity_unit} exceeds the national output of the node "
            f"({national_quantity:,.0f} {change.quantity_unit}); bounded to it")
    return Change(**{**change.__dict__, "output": float(national_quantity), "capacity": None}), note


def overlay(enterprises: pd.DataFrame, production: pd.DataFrame, changes: list[Change],
            names: dict[str, tuple[str, str]] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Copies of the enterprise and production frames with the scenario's plants added or removed.

    Added plants get ids ``whatif-<n>`` (unless given) and the source ``whatif-scenario``; the inputs
    are never modified.
    """
    ent, prod = enterprises.copy(), production.copy()
    new_ent, new_prod = [], []
    for i, c in enumerate(changes, start=1):
        if c.action == "remove":
            if c.enterprise_id not in set(ent["id"]):
                raise ChainAtlasError(f"change {i}: no enterprise {c.enterprise_id!r} in the atlas to remove")
            drop = prod["enterprise_id"] == c.enterprise_id
            if c.node_id:
                drop &= prod["node_id"] == c.node_id
                if not drop.any():
                    raise ChainAtlasError(f"change {i}: enterprise {c.enterprise_id!r} makes no {c.node_id!r}")
            prod = prod[~drop]
            continue
        pid = c.enterprise_id or f"whatif-{i}"
        zh, en = (names or {}).get(c.node_id, (c.node_id, c.node_id))
        new_ent.append({"id": pid, "name_zh": c.name or f"情景新增{zh}工厂", "name_en": c.name or f"Scenario {en} plant",
                        "region": c.region, "listed": False, "source_id": SCENARIO_SOURCE,
                        "note": "what-if scenario plant (not in the store)"})
        new_prod.append({"enterprise_id": pid, "node_id": c.node_id, "year": c.year,
                         "capacity": c.capacity, "output": c.output, "quantity_unit": c.quantity_unit,
                         "source_id": SCENARIO_SOURCE, "note": "what-if scenario"})
    if new_ent:
        add = pd.DataFrame(new_ent).reindex(columns=ent.columns)
        ent = pd.concat([ent, add.astype({c: ent[c].dtype for c in ["id", "name_zh", "name_en", "region"]})],
                        ignore_index=True)
    if new_prod:
        add = pd.DataFrame(new_prod).reindex(columns=prod.columns)
        prod = pd.concat([prod, add], ignore_index=True)
        prod["year"] = prod["year"].astype(production["year"].dtype) if len(production) else prod["year"]
    return ent, prod


# --------------------------------------------------------------------------- input-output impact
IMPACT_KEYS = ("direct_output", "indirect_output", "total_output", "direct_value_added", "indirect_value_added",
               "total_value_added", "direct_compensation", "indirect_compensation", "total_compensation")


def io_impact(solved: Solved, band: dict[float, Solved], input_A: np.ndarray, sector_index: dict[str, int],
              plants: list[dict], national_output: np.ndarray) -> dict:
    """Impact of the scenario's plants (万元, the table's unit), with its low–high band over δ.

    ``plants``: dicts with ``sector`` (code), ``amount`` (万元 of output, negative for a removal) and
    ``local_sourcing`` (share or None). A plant's value is bounded by its sector's national output.
    ``input_A``: the national coefficients of *all* intermediate inputs (competitive table), so a
    local-sourcing share is a share of everything the plant buys, wherever it comes from.
    """
    notes: list[str] = []
    per_plant = []
    totals = dict.fromkeys(IMPACT_KEYS, 0.0)
    low = dict.fromkeys(IMPACT_KEYS, 0.0)
    high = dict.fromkeys(IMPACT_KEYS, 0.0)
    for p in plants:
        k = sector_index[p["sector"]]
        amount = p["amount"]
        if abs(amount) > national_output[k]:
            notes.append(f"sector {p['sector']}: {abs(amount):,.0f} 万元 exceeds its national gross output "
                         f"({national_output[k]:,.0f} 万元); bounded to it")
            amount = float(np.sign(amount) * national_output[k])

        # a known local-sourcing share replaces the regionalised column (it does not depend on δ)
        share = p.get("local_sourcing")
        column = None if share is None else share * input_A[:, k]
        base = output_impact(solved, k, amount, column)
        others = [output_impact(s, k, amount, column) for s in band.values()]
        rec = {"sector": p["sector"], "node_id": p.get("node_id"), "amount": amount,
               **{key: base[key] for key in IMPACT_KEYS}}
        per_plant.append(rec)
        for key in IMPACT_KEYS:
            totals[key] += base[key]
            vals = [o[key] for o in others] + [base[key]]
            low[key] += min(vals)
            high[key] += max(vals)
    return {"unit": "万元", "totals": totals, "low": low, "high": high, "plants": per_plant, "notes": notes}


# --------------------------------------------------------------------------- before → after
def _capture_summary(d: dict) -> list[dict]:
    out = []
    for vp in d.get("value_paths", []):
        cap = vp.get("capture") or {}
        out.append({"path": vp["path"], "today_value": cap.get("today_value"),
                    "captured_share": cap.get("captured_share"), "base_node": cap.get("base_node")})
    return out


def compare_diagnoses(before: dict, after: dict) -> dict:
    """Statuses, coverage, value kept along each ladder and rank, before and after (from ``to_dict()``s)."""
    b_nodes = {n["node_id"]: n for n in before["nodes"]}
    a_nodes = {n["node_id"]: n for n in after["nodes"]}
    nodes = []
    for nid, a in a_nodes.items():
        b = b_nodes.get(nid, {})
        nodes.append({"node_id": nid, "name_zh": a["name_zh"], "name_en": a["name_en"], "stage": a["stage"],
                      "status_before": b.get("status"), "status_after": a["status"],
                      "changed": b.get("status") != a["status"],
                      "quantity_before": b.get("quantity"), "quantity_after": a.get("quantity"),
                      "share_before": b.get("national_share"), "share_after": a.get("national_share"),
                      "rank_before": b.get("rank"), "rank_after": a.get("rank")})
    stages = []
    for sb, sa in zip(before["stages"], after["stages"], strict=True):
        stages.append({"stage": sa["stage"], "coverage_before": sb["coverage"], "coverage_after": sa["coverage"],
                       "value_coverage_before": sb["value_coverage"], "value_coverage_after": sa["value_coverage"]})
    ag_b, ag_a = before["agglomeration"], after["agglomeration"]

    def coverage(d: dict) -> float | None:
        # as the diagnosis counts it: links the region runs (strong, present, weak) among the chain's
        # own links (inputs from another chain excluded); "unknown" is not "present"
        ns = [n for n in d["nodes"] if not n.get("external_input")]
        return sum(n["status"] in ("strong", "present", "weak") for n in ns) / len(ns) if ns else None

    ladders = [{"path": b["path"], "today_before": b["today_value"], "today_after": a["today_value"],
                "captured_share_before": b["captured_share"], "captured_share_after": a["captured_share"]}
               for b, a in zip(_capture_summary(before), _capture_summary(after), strict=True)]
    return {
        "nodes": nodes, "stages": stages, "ladders": ladders,
        "coverage": {"before": coverage(before), "after": coverage(after)},
        "overall_share": {"before": before.get("overall_share"), "after": after.get("overall_share")},
        "rank": {"by_value_before": ag_b.get("rank_by_value"), "by_value_after": ag_a.get("rank_by_value"),
                 "regions_with_value_before": ag_b.get("regions_with_value"),
                 "regions_with_value_after": ag_a.get("regions_with_value"),
                 "by_firms_before": ag_b.get("rank_by_firms"), "by_firms_after": ag_a.get("rank_by_firms")},
        "output_value": {"before": ag_b.get("output_value"), "after": ag_a.get("output_value"), "unit": "yuan"},
    }


@dataclass
class WhatIf(Result):
    """A scenario's before → after: diagnosis changes and the input-output impact with its δ band."""

    region: dict
    chain: dict
    scenario: dict
    changes: list[dict]
    diagnosis: dict
    impact: dict | None
    io: dict
    warnings: list[str] = field(default_factory=list)
    caveats: list[str] = field(default_factory=lambda: list(CAVEATS))
    sources: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return jsonable({"region": self.region, "chain": self.chain, "scenario": self.scenario,
                         "changes": self.changes, "diagnosis": self.diagnosis, "impact": self.impact,
                         "io": self.io, "warnings": self.warnings, "caveats": self.caveats,
                         "sources": self.sources})

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.diagnosis["nodes"])

    def __repr__(self) -> str:
        r, c, d = self.region, self.chain, self.diagnosis
        lines = [f"What if: {r['name_zh']} {r['name_en']} ({r['code']}) × {c['name_zh']} {c['name_en']} — "
                 f"{self.scenario['name']}"]
        for ch in self.changes:
            qty = ch.get("quantity")
            lines.append(f"  {ch['action']} {ch.get('node_id') or ''} {ch.get('enterprise_id') or ''}"
                         + (f" {qty:,.0f} {ch.get('quantity_unit')}" if qty is not None else "")
                         + (f" at {ch['unit_value']:,.0f} yuan/{ch.get('quantity_unit')}" if ch.get("unit_value")
                            else ""))
        cov = d["coverage"]
        lines.append(f"  coverage: {_pct(cov['before'])} → {_pct(cov['after'])}; overall share "
                     f"{_pct(d['overall_share']['before'])} → {_pct(d['overall_share']['after'])}; rank by chain "
                     f"output value {_or(d['rank']['by_value_before'])} → {_or(d['rank']['by_value_after'])} "
                     f"(of {d['rank']['regions_with_value_after']})")
        for n in d["nodes"]:
            if n["changed"] or n["quantity_before"] != n["quantity_after"]:
                lines.append(f"  [{n['status_before']} → {n['status_after']}] {n['name_zh']} {n['name_en']}: "
                             f"share {_pct(n['share_before'])} → {_pct(n['share_after'])}, rank {_or(n['rank_before'])} → "
                             f"{_or(n['rank_after'])}")
        for lad in d["ladders"]:
            if lad["today_before"] != lad["today_after"]:
                lines.append(f"  value kept on {' → '.join(lad['path'])}: {_yi(lad['today_before'])} → "
                             f"{_yi(lad['today_after'])} 亿元 (share of full path {_pct(lad['captured_share_before'])}"
                             f" → {_pct(lad['captured_share_after'])})")
        if self.impact:
            t, lo, hi = self.impact["totals"], self.impact["low"], self.impact["high"]
            lines.append(f"  input-output impact ({self.io['method'].upper()} δ={self.io['delta']:g}, band δ "
                         f"{min(self.io['delta_band']):g}–{max(self.io['delta_band']):g}; 亿元 per year):")
            for label, key in (("output", "output"), ("value added", "value_added"),
                               ("compensation", "compensation")):
                lines.append(f"    {label}: direct {t['direct_' + key] / 1e4:,.2f} + indirect "
                             f"{t['indirect_' + key] / 1e4:,.2f} = {t['total_' + key] / 1e4:,.2f} "
                             f"[{lo['total_' + key] / 1e4:,.2f}–{hi['total_' + key] / 1e4:,.2f}]")
        lines += [f"  warning: {w}" for w in self.warnings]
        lines += [f"  caveat: {c}" for c in self.caveats]
        return "\n".join(lines)


def _pct(v: float | None) -> str:
    return "–" if v is None or (isinstance(v, float) and np.isnan(v)) else f"{v:.1%}"


def _yi(v: float | None) -> str:
    return "–" if v is None else f"{v / 1e8:,.2f}"


def _or(v: object) -> str:
    return "–" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v)


# --------------------------------------------------------------------------- from flags to settled changes
def collect_changes(scenario: Scenario | None, add: list[str] | None = None, remove: list[str] | None = None, *,
                    local_sourcing: float | None = None, unit_value: float | None = None,
                    plant_region: str | None = None, plant_year: int | None = None,
                    as_capacity: bool = False) -> tuple[str, list[Change]]:
    """The scenario's name and its changes: a scenario's own, then ``--add`` and ``--remove`` flags.

    ``local_sourcing``, ``unit_value``, ``plant_region``, ``plant_year`` and ``as_capacity`` (the
    quantity is a capacity, not output) apply to the ``add`` flags.

    >>> name, changes = collect_changes(None, add=["aluminium.alumina=5万吨"], as_capacity=True)
    >>> name, changes[0].capacity, changes[0].output, changes[0].quantity_unit
    ('+aluminium.alumina=5万吨', 5.0, None, '万吨')
    """
    changes = list(scenario.changes) if scenario is not None else []
    for flag in add or []:
        c = change_from_flag(flag, "add")
        extra = {"capacity": c.output, "output": None} if as_capacity else {}
        changes.append(Change(**{**c.__dict__, "local_sourcing": local_sourcing, "unit_value": unit_value,
                                 "region": plant_region, "year": plant_year, **extra}))
    changes += [change_from_flag(flag, "remove") for flag in remove or []]
    name = scenario.name if scenario is not None else ("; ".join([*(f"+{a}" for a in add or []),
                                                                   *(f"−{r}" for r in remove or [])]) or "empty")
    return name, changes


def settle_changes(changes: list[Change], nodes: pd.DataFrame, national: pd.DataFrame, chain_id: str,
                   year: int | None) -> tuple[list[Change], list[str]]:
    """Fill each added plant's defaults and bound it by its node's national market.

    ``changes`` already name stored ids (node ids, the plant's region code, enterprise ids);
    ``nodes``: node records indexed by id; ``national``: the baseline diagnosis's node rows indexed
    by node id (``national_quantity``, ``national_basis``). Only an official national figure (a
    statistic, or the one behind an official share) bounds a plant; a sum of the atlas's own firms
    does not. Returns the settled changes and what the reader should know about them.
    """
    warnings: list[str] = []
    settled = []
    for c in changes:
        if c.action == "add":
            nid = c.node_id
            c = resolve_change(c, nodes.loc[nid].to_dict(), c.region, year)
            if nid not in national.index:
                warnings.append(f"{nid} is not a node of chain {chain_id}: it changes no status here")
            elif (not pd.isna(national.loc[nid, "national_quantity"])
                  and not str(national.loc[nid, "national_basis"]).startswith("atlas firms")):
                c, note = bound_by_market(c, national.loc[nid, "national_quantity"])
                if note:
                    warnings.append(note)
            else:
                warnings.append(f"{nid}: no official national output, so the plant is not bounded by the market")
        settled.append(c)
    return settled, warnings


def io_plants(changes: list[Change], region: str, inside: set[str], nodes: pd.DataFrame, sectors_of: dict[str, list[str]],
              table_year: int, firm_region: dict[str, str], production: pd.DataFrame
              ) -> tuple[list[dict], list[dict], list[str]]:
    """The input-output shocks of settled changes: (plants for :func:`io_impact`, change rows, warnings).

    A plant counts only inside ``region`` (``inside``: its code and every code below it); an added
    plant is valued at its unit value, a removed one at its latest output (else capacity) times its
    node's unit value, split evenly over the node's IO sectors (``sectors_of``, 万元).
    ``firm_region``: removed firms' regions; ``production``: their production rows.
    """
    warnings: list[str] = []
    plants, change_rows = [], []
    for c in changes:
        rec = dict(c.__dict__)
        rec["quantity"] = c.quantity
        change_rows.append(rec)
        if c.action == "add":
            qty, uv, nid = c.quantity, c.unit_value, c.node_id
            if c.region not in inside:
                warnings.append(f"{nid}: the plant is outside {region}; no input-output impact for this region")
                continue
        else:
            if firm_region.get(c.enterprise_id) not in inside:
                warnings.append(f"{c.enterprise_id}: the plant is outside {region}; no input-output impact here")
                continue
            rows = production
            prod_rows = rows[(rows["enterprise_id"] == c.enterprise_id)
                             & ((rows["node_id"] == c.node_id) if c.node_id else True)]
            if prod_rows.empty:
                continue
            latest = prod_rows.sort_values("year").groupby("node_id").tail(1)
            for r in latest.to_dict(orient="records"):
                q = r["output"] if not pd.isna(r["output"]) else r["capacity"]
                node = nodes.loc[r["node_id"]]
                if pd.isna(q) or pd.isna(node["unit_value"]):
                    warnings.append(f"removed {c.enterprise_id} {r['node_id']}: no quantity or unit value, "
                                    "no input-output impact")
                    continue
                plants += [{"sector": s, "node_id": r["node_id"], "amount": -q * node["unit_value"] / 1e4
                            / len(sectors_of.get(r["node_id"], [1])), "local_sourcing": None}
                           for s in sectors_of.get(r["node_id"], [])]
            continue
        if uv is None or qty is None:
            warnings.append(f"{nid}: no unit value or quantity, so no input-output impact")
            continue
        secs = sectors_of.get(nid, [])
        if not secs:
            warnings.append(f"{nid}: no input-output sector declared in node_sectors.csv")
            continue
        node_uv = nodes.loc[nid, "unit_value"]
        if c.unit_value is not None and not pd.isna(node_uv) and abs(c.unit_value - float(node_uv)) > 1e-9:
            warnings.append(f"{nid}: the input-output impact values the plant at {c.unit_value:,.0f} yuan/"
                            f"{c.quantity_unit}; the diagnosis values every plant at the node's {float(node_uv):,.0f}")
        uv_year = nodes.loc[nid, "unit_value_year"]
        if not pd.isna(uv_year) and int(uv_year) != table_year:
            warnings.append(f"{nid}: unit value of {int(uv_year)} applied to the {table_year} table "
                            "(fixed prices, not deflated)")
        plants += [{"sector": s, "node_id": nid, "amount": qty * uv / 1e4 / len(secs),
                    "local_sourcing": c.local_sourcing} for s in secs]
    return plants, change_rows, warnings
