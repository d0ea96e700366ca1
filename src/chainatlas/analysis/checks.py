"""Validation of a loaded atlas: the rules ``chainatlas check`` enforces.

Import validation looks at one file at a time; these checks look at the whole atlas (cycles across
chains, plausibility of values against each node's ranges, sources of every number, bilingual
names). Each finding names the record it is about.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

import networkx as nx
import pandas as pd

from chainatlas.analysis.graph import STAGES
from chainatlas.model import magnitude
from chainatlas.model.units import UnitError, is_known, parse_unit
from chainatlas.model.values import is_missing
from chainatlas.results import Result

_CJK = re.compile(r"[\u3400-\u9fff]")


@dataclass(frozen=True)
class Finding:
    severity: str  # error | warning
    rule: str
    subject: str
    message: str


@dataclass
class CheckReport(Result):
    findings: list[Finding]
    counts: dict[str, int]

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_dict(self) -> dict:
        return {
            "ok": self.ok,
            "errors": len(self.errors),
            "warnings": len(self.findings) - len(self.errors),
            "counts": self.counts,
            "findings": [f.__dict__ for f in self.findings],
        }

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([f.__dict__ for f in self.findings], columns=["severity", "rule", "subject", "message"])

    def __repr__(self) -> str:
        return f"CheckReport(ok={self.ok}, errors={len(self.errors)}, warnings={len(self.findings) - len(self.errors)})"



def check_atlas(t: dict[str, pd.DataFrame]) -> CheckReport:
    """Run every rule over the atlas tables (``t[kind]`` as returned by the store)."""
    out: list[Finding] = []

    def err(rule: str, subject: str, message: str) -> None:
        out.append(Finding("error", rule, subject, message))

    def warn(rule: str, subject: str, message: str) -> None:
        out.append(Finding("warning", rule, subject, message))

    nodes, links = t["nodes"], t["links"]
    graph = nx.DiGraph()
    graph.add_nodes_from(nodes["id"])
    graph.add_edges_from(links[["source_node", "target_node"]].itertuples(index=False, name=None))
    for cycle in itertools.islice(nx.simple_cycles(graph), 20):
        err("acyclic", cycle[0], "links form a cycle: " + " → ".join(cycle + [cycle[0]]))

    for rec in nodes.to_dict(orient="records"):
        nid = rec["id"]
        if rec["stage"] not in STAGES:
            err("staged", nid, f"node {nid} has no valid stage ({rec['stage']!r})")
        if is_missing(rec["name_zh"], blank_text=True) or not _CJK.search(str(rec["name_zh"])):
            err("bilingual", nid, f"node {nid} lacks a Chinese name")
        if is_missing(rec["name_en"], blank_text=True) or _CJK.search(str(rec["name_en"])):
            err("bilingual", nid, f"node {nid} lacks an English name")
        if not is_known(rec["unit"]):
            err("units", nid, f"node {nid} has an unknown unit {rec['unit']!r}")
        if not is_missing(rec["unit_value"], blank_text=True):
            for col in ("unit_value_unit", "unit_value_year", "unit_value_source"):
                if is_missing(rec[col], blank_text=True):
                    err("sourced", nid, f"node {nid}: unit value {rec['unit_value']} lacks {col}")
    for rec in links.to_dict(orient="records"):
        if not is_missing(rec["coefficient"], blank_text=True) and is_missing(rec["source_id"], blank_text=True):
            err("sourced", f"{rec['source_node']}→{rec['target_node']}", "input coefficient without a source")

    members = t["chain_nodes"]
    for chain in t["chains"]["id"]:
        n = int((members["chain_id"] == chain).sum())
        if n == 0:
            err("chains", chain, f"chain {chain} has no nodes")
    orphan = set(nodes["id"]) - set(members["node_id"])
    for nid in sorted(orphan):
        warn("chains", nid, f"node {nid} belongs to no chain")

    regions = set(t["regions"]["code"])
    for rec in t["enterprises"].to_dict(orient="records"):
        if rec["region"] not in regions:
            err("regions", rec["id"], f"enterprise {rec['id']} names unknown region {rec['region']!r}")
        for lang in ("name_zh", "name_en"):
            if is_missing(rec[lang], blank_text=True):
                err("bilingual", rec["id"], f"enterprise {rec['id']} lacks {lang}")

    prod = t["production"]
    for rec in prod.to_dict(orient="records"):
        subject = f"{rec['enterprise_id']}×{rec['node_id']}×{rec['year']}"
        has_qty = not is_missing(rec["capacity"], blank_text=True) or not is_missing(rec["output"], blank_text=True)
        if has_qty and not is_known(rec["quantity_unit"]):
            err("units", subject, f"production {subject} has capacity/output without a known unit")
        if not is_missing(rec["revenue"], blank_text=True) and not is_known(rec["revenue_unit"]):
            err("units", subject, f"production {subject} has revenue without a known unit")

    sources = set(t["sources"]["id"])
    for kind, col in (("nodes", "unit_value_source"), ("links", "source_id"), ("production", "source_id"),
                      ("observations", "source_id"), ("enterprises", "source_id")):
        for value in t[kind][col].dropna().unique():
            if value and value not in sources:
                err("sourced", str(value), f"{kind} cite source {value!r}, which is not in sources")

    obs = t["observations"]
    for rec in obs.to_dict(orient="records"):
        if not is_known(rec["unit"]):
            err("units", f"{rec['subject_id']}:{rec['indicator']}", f"observation unit {rec['unit']!r} is unknown")
    out.extend(_plausibility(t))
    out.extend(_magnitudes(t))
    out.extend(_unverified(t))
    counts = {k: len(v) for k, v in t.items()}
    return CheckReport(out, counts)


def _plausibility(t: dict[str, pd.DataFrame]) -> list[Finding]:
    """Values outside a node's plausible range (e.g. a battery copper foil 6 mm thick)."""
    found = []
    ranges = t["plausibility"]
    obs = t["observations"].copy()
    obs["node"] = obs["node_id"].where(obs["node_id"].fillna("") != "", None)
    obs.loc[obs["subject_kind"] == "node", "node"] = obs["subject_id"]
    merged = obs.merge(ranges, left_on=["node", "indicator"], right_on=["node_id", "indicator"],
                       suffixes=("", "_range"))
    for rec in merged.to_dict(orient="records"):
        try:
            factor = parse_unit(rec["unit"]).factor / parse_unit(rec["unit_range"]).factor
            if parse_unit(rec["unit"]).dimension != parse_unit(rec["unit_range"]).dimension:
                raise UnitError("dimension")
        except UnitError:
            found.append(Finding("error", "plausible", rec["node"],
                                 f"{rec['node']} {rec['indicator']} is given in {rec['unit']!r}, "
                                 f"which cannot be compared with the range unit {rec['unit_range']!r}"))
            continue
        value = rec["value"] * factor
        low, high = rec["min"], rec["max"]
        if (not is_missing(low, blank_text=True) and value < low) or (not is_missing(high, blank_text=True) and value > high):
            found.append(Finding(
                "error", "plausible", rec["node"],
                f"{rec['node']} {rec['indicator']} {rec['value']:g} {rec['unit']} ({rec['subject_kind']} "
                f"{rec['subject_id']}, {rec['year']}, source {rec['source_id']}) is outside the plausible range "
                f"{_fmt(low)}–{_fmt(high)} {rec['unit_range']}"))
    indicators = t["indicators"]
    if len(indicators):
        m = obs.merge(indicators[["id", "unit", "min", "max"]], left_on="indicator", right_on="id",
                      suffixes=("", "_ind"))
        for rec in m.to_dict(orient="records"):
            if is_missing(rec["unit_ind"], blank_text=True) or rec["unit"] != rec["unit_ind"]:
                continue
            low, high = rec["min"], rec["max"]
            if (not is_missing(low, blank_text=True) and rec["value"] < low) or (not is_missing(high, blank_text=True) and rec["value"] > high):
                found.append(Finding(
                    "error", "plausible", str(rec["subject_id"]),
                    f"{rec['subject_kind']} {rec['subject_id']} {rec['indicator']} {rec['value']:g} {rec['unit']} "
                    f"is outside the plausible range {_fmt(low)}–{_fmt(high)}"))
    return found


CITING = (("nodes", "unit_value_source"), ("links", "source_id"), ("production", "source_id"),
          ("observations", "source_id"), ("enterprises", "source_id"))


def _unverified(t: dict[str, pd.DataFrame]) -> list[Finding]:
    """Figures resting on a source marked ``verified = false``: shown, but never taken as checked."""
    sources = t["sources"]
    if "verified" not in sources:
        return []
    flagged = sources[sources["verified"].astype("boolean").eq(False).fillna(False)].set_index("id")["title"]
    found = []
    for sid, title in flagged.items():
        n = sum(int((t[kind][col] == sid).sum()) for kind, col in CITING)
        if n:
            found.append(Finding("warning", "unverified", str(sid),
                                 f"{n} record(s) rest on source {sid} ({title}), marked unverified"))
    return found


def _magnitudes(t: dict[str, pd.DataFrame]) -> list[Finding]:
    """Figures above the nation's (a region's, a firm's, all firms' together) and rules that never fire."""
    found = []
    obs, prod = t["observations"], t["production"]
    caps = magnitude.national_caps(obs)
    for b in magnitude.region_figures_above_national(obs, caps):
        rec = obs.loc[b.row]
        found.append(Finding("error", "magnitude", str(rec["subject_id"]),
                             f"region {rec['subject_id']} {rec['indicator']} of {rec['node_id']} in {rec['year']} "
                             f"is {rec['value']:g} {rec['unit']}, expected {b.expected}"))
    for b in magnitude.firm_figures_above_national(prod, caps):
        rec = prod.loc[b.row]
        found.append(Finding("error", "magnitude", str(rec["enterprise_id"]),
                             f"firm {rec['enterprise_id']} {b.field} of {rec['node_id']} in {rec['year']} is "
                             f"{b.value:g} {rec['quantity_unit']}, expected {b.expected}"))
    for r in magnitude.firm_totals_above_national(prod, caps).itertuples(index=False):
        found.append(Finding("error", "magnitude", r.node_id,
                             f"firms' {r.indicator} of {r.node_id} in {r.year} add up to {r.total:g} {r.unit}, "
                             f"above the national {r.national:g} {r.unit}"))
    for b in magnitude.unknown_indicators(t["plausibility"], set(t["indicators"]["id"])):
        node = t["plausibility"].loc[b.row, "node_id"]
        found.append(Finding("error", "plausible", str(node),
                             f"plausibility rule for {node} names indicator {b.value!r}, which is not defined, "
                             "so it can never fire"))
    return found


def _fmt(value: object) -> str:
    return "" if is_missing(value, blank_text=True) else f"{value:g}"
