"""Plausibility and duplicate checks on extracted facts, each finding a sentence a reviewer reads.

Why the likely intended unit: the common slip in reports is the unit, not the number (a copper
foil "6 mm thick" is 6 µm), so a value outside a node's range is re-read in the other units of the
same kind and the ones that fit are named: "6 mm outside 3–12 µm; 6 µm fits".
"""

from __future__ import annotations

import math

import pandas as pd

from chainatlas.errors import UnitError
from chainatlas.extract.facts import Fact
from chainatlas.extract.gazetteer import NATION, Gazetteer
from chainatlas.model.units import compatible, convert, parse_unit

# units tried when a value misses its range, per dimension (as a reader would have slipped)
ALTERNATIVES = {
    "length": ("nm", "µm", "mm", "m", "km"),
    "mass": ("t", "万吨", "kt", "Mt", "kg"),
    "currency": ("元", "万元", "亿元", "万亿元"),
    "power": ("W", "kW", "MW", "GW", "万千瓦"),
    "energy": ("kWh", "MWh", "GWh", "万千瓦时", "亿千瓦时"),
}


def _fmt(value: float) -> str:
    if value == 0 or not math.isfinite(value):
        return str(value)
    return f"{value:.4g}"


def range_check(fact: Fact, low: float | None, high: float | None, unit: str) -> str | None:
    """A finding when the fact's value lies outside [low, high] (in ``unit``), naming the units that fit."""
    try:
        value = convert(fact.value, fact.unit, unit)
    except UnitError:
        return None
    inside = (low is None or value >= low) and (high is None or value <= high)
    if inside:
        return None
    bounds = f"{_fmt(low) if low is not None else '…'}–{_fmt(high) if high is not None else '…'} {unit}"
    shown_value = fact.written_value if fact.written_value is not None else fact.value
    shown_unit = fact.written_unit or fact.unit
    message = f"{_fmt(shown_value)} {shown_unit} outside {bounds}"
    fits = []
    dimension = parse_unit(unit).dimension
    for alt in ALTERNATIVES.get(dimension, ()):
        if alt == shown_unit:
            continue
        try:
            candidate = convert(shown_value, alt, unit)
        except UnitError:
            continue
        if (low is None or candidate >= low) and (high is None or candidate <= high):
            fits.append(f"{_fmt(shown_value)} {alt} fits")
    return message + ("; " + "; ".join(fits) if fits else "")


def check_facts(facts: list[Fact], gazetteer: Gazetteer, indicators: pd.DataFrame | None = None) -> list[Fact]:
    """Add plausibility findings to each fact's ``checks`` (in place; returns the list)."""
    plaus = gazetteer.plausibility
    ranges = {}
    if plaus is not None and len(plaus):
        for r in plaus.itertuples(index=False):
            ranges[(r.node_id, r.indicator)] = (
                None if pd.isna(r.min) else float(r.min), None if pd.isna(r.max) else float(r.max), r.unit)
    ind_ranges = {}
    if indicators is not None and len(indicators):
        for r in indicators.itertuples(index=False):
            if isinstance(r.unit, str) and r.unit:
                lo = None if pd.isna(r.min) else float(r.min)
                hi = None if pd.isna(r.max) else float(r.max)
                if lo is not None or hi is not None:
                    ind_ranges[r.id] = (lo, hi, r.unit)
    national_in_text = {(f.node, f.indicator, f.year, f.period): f for f in facts if f.region == NATION and f.node}
    for fact in facts:
        if fact.node and (fact.node, fact.indicator) in ranges:
            low, high, unit = ranges[(fact.node, fact.indicator)]
            finding = range_check(fact, low, high, unit)
            if finding:
                fact.checks.append(f"implausible for {fact.node}: {finding}")
        elif fact.indicator in ind_ranges:
            low, high, unit = ind_ranges[fact.indicator]
            if compatible(fact.unit, unit):
                finding = range_check(fact, low, high, unit)
                if finding:
                    fact.checks.append(f"implausible {fact.indicator}: {finding}")
        if fact.unit == "%" and fact.indicator.endswith("share_national") and fact.value > 100:
            fact.checks.append(f"a share of {_fmt(fact.value)} % is above 100 %")
        node_unit = gazetteer.node_units.get(fact.node)
        if fact.node and node_unit and fact.indicator in ("output", "capacity") and not compatible(fact.unit, node_unit):
            fact.checks.append(f"{fact.unit} does not measure {fact.node} (counted in {node_unit}); "
                               f"check the node or the unit")
        if fact.period:
            fact.checks.append(f"partial year ({fact.period}): not an annual figure")
        _magnitude(fact, gazetteer, national_in_text)
    return facts


def _magnitude(fact: Fact, gaz: Gazetteer, national_in_text: dict) -> None:
    """A region's output or capacity above the national figure of the same node and year."""
    if not fact.node or fact.region in ("", NATION) or fact.indicator not in ("output", "capacity"):
        return
    nat_fact = national_in_text.get((fact.node, fact.indicator, fact.year, fact.period))
    if nat_fact is not None and fact.value > nat_fact.value and compatible(fact.unit, nat_fact.unit):
        fact.checks.append(f"above the national {fact.indicator} in the same text "
                           f"({_fmt(nat_fact.value)} {nat_fact.unit})")
        return
    if fact.year is None or fact.period:
        return
    stored = gaz.national.get((fact.node, fact.indicator, fact.year))
    if stored is None:
        return
    value, unit = stored
    try:
        national = convert(value, unit, fact.unit)
    except UnitError:
        return
    if fact.value > national:
        fact.checks.append(f"above the national {fact.indicator} of {fact.year} in the atlas "
                           f"({_fmt(national)} {fact.unit})")


def mark_duplicates(facts: list[Fact], observations: pd.DataFrame) -> list[Fact]:
    """Say which facts the store already holds (same region, node, indicator and year)."""
    if observations is None or not len(observations):
        return facts
    obs = observations[observations["subject_kind"] == "region"]
    index = {}
    for o in obs.itertuples(index=False):
        index[(str(o.subject_id), str(o.node_id or ""), str(o.indicator), int(o.year))] = (
            float(o.value), str(o.unit), str(o.source_id))
    for fact in facts:
        if not fact.region or fact.year is None or fact.period:
            continue
        hit = index.get((fact.region, fact.node, fact.indicator, int(fact.year)))
        if hit is None:
            continue
        value, unit, source = hit
        try:
            mine = convert(fact.value, fact.unit, unit)
        except UnitError:
            mine = None
        if mine is not None and math.isclose(mine, value, rel_tol=0.005, abs_tol=1e-9):
            fact.checks.append(f"duplicate: the atlas already has {_fmt(value)} {unit} (source {source})")
        else:
            fact.checks.append(f"conflict: the atlas has {_fmt(value)} {unit} (source {source}); importing replaces it")
    return facts
