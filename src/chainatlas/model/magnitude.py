"""Magnitude rules: figures that cannot be true whatever their source says.

Why here, in the model: the same rules judge a file on import (the store adds file and row) and a
loaded atlas in ``chainatlas check`` (analysis names the record), so they live below both, as pure
functions over frames. A rule never fetches data; it is handed the figures and the bounds.

The rules: a region's or a firm's figure for a node above the national figure of the same node,
indicator and year; all firms' figures together above that national figure (no region, down to a
county, can then exceed it either); a value outside its indicator's range (a share above 100 %); a
value outside its node's plausibility range (a battery foil 6 mm thick); a plausibility rule naming
an indicator that is not defined (it could never fire).
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

import pandas as pd

from chainatlas.model.units import UnitError, parse_unit
from chainatlas.model.values import is_missing

NATION = "100000"
# rounding in published tables (13.3 % of 41.59 Mt…) may put a figure a hair above the total
TOLERANCE = 0.005
# only a national figure that is exact, approximate or an upper bound caps the others; a figure
# that is itself a lower bound (">=") or an upper bound ("<=") is not held against the nation
UPPER_BOUND_OK = {"", "=", "~", "<=", "<"}
LOWER_BOUND_OK = {"", "=", "~", ">=", ">"}


@dataclass(frozen=True)
class Breach:
    """One figure that breaks a rule: where it is (the frame's row label), which field, the bound."""

    row: Hashable
    field: str
    value: object
    expected: str
    rule: str
    bound_row: Hashable | None = None  # the row holding the bound (the national figure), when one does


def _num(value: float) -> str:
    return f"{value:,.6g}"




def national_caps(observations: pd.DataFrame) -> pd.DataFrame:
    """National figures that cap every part of the nation: node, indicator, year → value, unit.

    ``observations`` holds rows of the observations kind (values already in the node's unit where
    the importer could convert them). Figures that are only lower bounds do not cap anything.
    """
    obs = observations
    comparator = obs["comparator"].fillna("") if "comparator" in obs else pd.Series("", index=obs.index)
    mask = (obs["subject_kind"] == "region") & (obs["subject_id"] == NATION) & obs["node_id"].notna() \
        & (obs["node_id"] != "") & comparator.isin(UPPER_BOUND_OK)
    caps = obs.loc[mask, ["node_id", "indicator", "year", "value", "unit"]].copy()
    caps["cap_row"] = caps.index
    return caps.drop_duplicates(["node_id", "indicator", "year"], keep="last")


def region_figures_above_national(observations: pd.DataFrame, caps: pd.DataFrame) -> list[Breach]:
    """A region's figure for a node (output, capacity…) above the nation's of the same year and unit."""
    obs = observations
    comparator = obs["comparator"].fillna("") if "comparator" in obs else pd.Series("", index=obs.index)
    regional = obs[(obs["subject_kind"] == "region") & (obs["subject_id"] != NATION) & obs["node_id"].notna()
                   & (obs["node_id"] != "") & comparator.isin(LOWER_BOUND_OK)]
    merged = regional.reset_index(names="row").merge(caps, on=["node_id", "indicator", "year"],
                                                     suffixes=("", "_nat"))
    merged = merged[merged["unit"] == merged["unit_nat"]]
    over = merged[merged["value"] > merged["value_nat"] * (1 + TOLERANCE)]
    return [Breach(r.row, "value", r.value,
                   f"at most the national {r.indicator} of {r.node_id} in {r.year} "
                   f"({_num(r.value_nat)} {r.unit})", "national-cap", r.cap_row)
            for r in over.itertuples(index=False)]


def firm_figures_above_national(production: pd.DataFrame, caps: pd.DataFrame) -> list[Breach]:
    """A firm's capacity or output of a node above the nation's figure of the same indicator and year.

    ``production`` rows carry ``node_id, year, capacity, output, quantity_unit`` (quantities already
    in the node's unit).
    """
    out = []
    for field in ("capacity", "output"):
        rows = production[production[field].notna()].reset_index(names="row")
        nat = caps[caps["indicator"] == field]
        merged = rows.merge(nat, on=["node_id", "year"], suffixes=("", "_nat"))
        merged = merged[merged["quantity_unit"] == merged["unit"]]
        over = merged[merged[field] > merged["value"] * (1 + TOLERANCE)]
        out += [Breach(r["row"], field, r[field],
                       f"at most the national {field} of {r['node_id']} in {r['year']} "
                       f"({_num(r['value'])} {r['unit']})", "national-cap", r["cap_row"])
                for r in over.to_dict(orient="records")]
    return out


def firm_totals_above_national(production: pd.DataFrame, caps: pd.DataFrame) -> pd.DataFrame:
    """All firms' figures of a node and year added up, where they exceed the national figure.

    Every region's firm total is at most the nation's firm total, so when this frame is empty no
    region (province, prefecture or county) has firms adding up to more than the nation produces.
    Returns ``node_id, year, indicator, total, national, unit``.
    """
    frames = []
    for field in ("capacity", "output"):
        rows = production[production[field].notna()]
        totals = rows.groupby(["node_id", "year", "quantity_unit"], as_index=False)[field].sum()
        nat = caps[caps["indicator"] == field]
        merged = totals.merge(nat, on=["node_id", "year"])
        merged = merged[merged["quantity_unit"] == merged["unit"]]
        over = merged[merged[field] > merged["value"] * (1 + TOLERANCE)]
        frames.append(pd.DataFrame({"node_id": over["node_id"], "year": over["year"], "indicator": field,
                                    "total": over[field], "national": over["value"], "unit": over["unit"]}))
    return pd.concat(frames, ignore_index=True)


def outside_indicator_range(observations: pd.DataFrame, indicators: pd.DataFrame) -> list[Breach]:
    """A value outside its indicator's range in the indicator's unit (a share above 100 %)."""
    ind = indicators[["id", "unit", "min", "max"]].rename(columns={"id": "indicator", "unit": "unit_ind"})
    merged = observations.reset_index(names="row").merge(ind, on="indicator")
    merged = merged[merged["unit_ind"].notna() & (merged["unit"] == merged["unit_ind"])]
    low = merged["min"].notna() & (merged["value"] < merged["min"])
    high = merged["max"].notna() & (merged["value"] > merged["max"])
    return [Breach(r["row"], "value", r["value"],
                   f"a {r['indicator']} within {_range(r['min'], r['max'])} {r['unit_ind']}", "indicator-range")
            for r in merged[low | high].to_dict(orient="records")]


def outside_plausible_range(observations: pd.DataFrame, ranges: pd.DataFrame) -> list[Breach]:
    """A value about a node outside that node's plausibility range, compared in the range's unit."""
    obs = observations.reset_index(names="row")
    node = obs["node_id"].where(obs["node_id"].notna() & (obs["node_id"] != ""), None)
    obs["about"] = node.where(obs["subject_kind"] != "node", obs["subject_id"])
    merged = obs.merge(ranges.rename(columns={"node_id": "about", "unit": "unit_range"}),
                       on=["about", "indicator"], suffixes=("", "_range"))
    out = []
    for r in merged.to_dict(orient="records"):
        bound = f"{_range(r['min'], r['max'])} {r['unit_range']} (plausible {r['indicator']} of {r['about']})"
        try:
            given, target = parse_unit(r["unit"]), parse_unit(r["unit_range"])
            if given.dimension != target.dimension:
                raise UnitError("different quantities")
        except UnitError:
            out.append(Breach(r["row"], "unit", r["unit"], f"a unit comparable with {r['unit_range']}", "plausible"))
            continue
        value = r["value"] * given.factor / target.factor
        if (not is_missing(r["min"], blank_text=True) and value < r["min"]) or (not is_missing(r["max"], blank_text=True) and value > r["max"]):
            out.append(Breach(r["row"], "value", f"{r['value']:g} {r['unit']}", bound, "plausible"))
    return out


def unknown_indicators(ranges: pd.DataFrame, known: set[str]) -> list[Breach]:
    """Plausibility rules naming an indicator nobody defined: they would never fire."""
    bad = ranges[~ranges["indicator"].isin(known)]
    return [Breach(row, "indicator", value, "a defined indicator (indicators/*.csv)", "plausible")
            for row, value in bad["indicator"].items()]


def _range(low: object, high: object) -> str:
    return f"{'' if is_missing(low, blank_text=True) else _num(low)}–{'' if is_missing(high, blank_text=True) else _num(high)}"
