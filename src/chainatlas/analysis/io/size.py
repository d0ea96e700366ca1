"""How big a region is, and what its sector mix looks like, from the atlas's baselines.

Why estimated and said so: the atlas has no regional input-output table; a region's gross output by
sector is estimated from the national table scaled by the region's share of the nation. With GDP and
industrial value added both known (same year, same unit), industry sectors (mining, manufacturing,
utilities) are scaled by the industrial share and the other sectors by the rest of GDP, so a more
industrial region gets industry location quotients above 1. Every fallback is written into
``warnings`` and shown wherever the result is.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from chainatlas.analysis.io.table import IOTable

NATION = "100000"


@dataclass
class Baseline:
    """One size figure of the region and of the nation, same indicator, year and unit."""

    indicator: str
    region_value: float
    nation_value: float
    year: int
    unit: str
    sources: list[str] = field(default_factory=list)

    @property
    def share(self) -> float:
        return self.region_value / self.nation_value


@dataclass
class RegionShape:
    """A region's estimated gross output by sector (in the table's unit) and how it was estimated."""

    code: str
    output: np.ndarray
    national_output: np.ndarray
    basis: str
    warnings: list[str]
    baselines: list[Baseline]
    is_nation: bool = False

    @property
    def share(self) -> float:
        return float(self.output.sum() / self.national_output.sum())


def region_shape(table: IOTable, code: str, gdp: Baseline | None = None,
                 industrial_value_added: Baseline | None = None,
                 population: Baseline | None = None) -> RegionShape:
    """The region's sector outputs: GDP + industrial value added, else GDP, else population, else nation.

    The last fallback (no baseline) keeps national coefficients, which overstate a region's
    multipliers; the warning says so.
    """
    x = table.x
    if code == NATION:
        return RegionShape(code, x.copy(), x, "the nation itself: the national table", [], [], is_nation=True)
    industry = np.array([g == "industry" for g in table.groups])
    used = [b for b in (gdp, industrial_value_added, population) if b is not None]
    for b in used:
        if not (0 < b.region_value <= b.nation_value):
            raise ValueError(f"{b.indicator} of region {code} ({b.region_value} {b.unit}) must be positive and "
                             f"at most the nation's ({b.nation_value} {b.unit}), year {b.year}")
    warnings: list[str] = []
    if gdp is not None and industrial_value_added is not None and gdp.unit == industrial_value_added.unit \
            and gdp.year == industrial_value_added.year \
            and gdp.region_value > industrial_value_added.region_value \
            and gdp.nation_value > industrial_value_added.nation_value:
        s_ind = industrial_value_added.share
        s_rest = (gdp.region_value - industrial_value_added.region_value) / \
            (gdp.nation_value - industrial_value_added.nation_value)
        out = np.where(industry, x * s_ind, x * s_rest)
        basis = (f"industry sectors × industrial value added share {s_ind:.3%}, other sectors × rest-of-GDP share "
                 f"{s_rest:.3%} ({gdp.year})")
        used = [gdp, industrial_value_added]
    elif gdp is not None:
        out = x * gdp.share
        basis = f"every sector × GDP share {gdp.share:.3%} ({gdp.year})"
        warnings.append("no industrial value added of the same year and unit as GDP: the region's sector mix is "
                        "taken to equal the nation's (every SLQ = 1; only the size term of FLQ/AFLQ acts)")
        used = [gdp]
    elif industrial_value_added is not None:
        out = x * industrial_value_added.share
        basis = f"every sector × industrial value added share {industrial_value_added.share:.3%}"
        warnings.append("no GDP for the region and the nation in the same year: size from industrial value added "
                        "alone, sector mix taken to equal the nation's")
        used = [industrial_value_added]
    elif population is not None:
        out = x * population.share
        basis = f"every sector × resident population share {population.share:.3%} ({population.year})"
        warnings.append("no GDP or industrial value added: size from resident population, sector mix taken to "
                        "equal the nation's")
        used = [population]
    else:
        out = x.copy()
        basis = "no size baseline: national coefficients"
        warnings.append("no GDP, industrial value added or population for the region and the nation (indicators "
                        "gdp, industrial_value_added, population_resident): national coefficients are used, which "
                        "overstate the region's multipliers (read them as upper bounds)")
        used = []
    if used and used[0].year != table.year:
        warnings.append(f"region size is of {used[0].year}, the table of {table.year}: shares are assumed stable")
    return RegionShape(code, out, x, basis, warnings, used)


def pick_baseline(rows: pd.DataFrame, indicator: str, code: str, prefer_year: int, to_unit: str | None = None,
                  nation_fallback: dict[int, float] | None = None) -> Baseline | None:
    """The region's and the nation's figure of ``indicator`` in one year, or None.

    ``rows``: observations (subject_id, indicator, year, value, unit, source_id, comparator). The year
    is ``prefer_year`` when both figures exist for it, else the latest year with both at or before it,
    else the latest with both. Bounds (``>=`` …) are not sizes and are skipped. ``nation_fallback``
    gives the nation's value by year (in ``to_unit``) when the atlas has no national observation
    (e.g. the input-output table's own total value added for GDP in the table's year).
    """
    from chainatlas.model.units import convert

    r = rows[(rows["indicator"] == indicator) & rows["value"].notna()]
    if "comparator" in r.columns:
        r = r[r["comparator"].fillna("").isin(["", "=", "~"])]
    if to_unit is not None and len(r):
        r = r.assign(value=[float(convert(v, u, to_unit)) for v, u in zip(r["value"], r["unit"], strict=True)],
                     unit=to_unit)
    mine = r[r["subject_id"] == code].drop_duplicates("year", keep="last").set_index("year")
    nation = r[r["subject_id"] == NATION].drop_duplicates("year", keep="last").set_index("year")
    years = sorted(set(mine.index) & set(nation.index))
    fallback_years = sorted(set(mine.index) & set(nation_fallback or {}))
    candidates = years or fallback_years
    if not candidates:
        return None
    before = [y for y in candidates if y <= prefer_year]
    year = prefer_year if prefer_year in candidates else (before[-1] if before else candidates[-1])
    rec = mine.loc[year]
    if year in nation.index:
        nat, nat_src = float(nation.loc[year, "value"]), [str(nation.loc[year, "source_id"])]
    else:
        nat, nat_src = float((nation_fallback or {})[year]), []
    return Baseline(indicator, float(rec["value"]), nat, int(year), str(rec["unit"]),
                    [str(rec["source_id"]), *nat_src])


def shape_from_observations(table: IOTable, code: str, rows: pd.DataFrame) -> RegionShape:
    """The region's shape from its and the nation's whole-region observations (``rows``).

    GDP and industrial value added are compared in 亿元; when the atlas has no national GDP of the
    table's year, the table's own total value added (its GDP, 万元 → 亿元) stands in for it.
    """
    gdp_nation = {table.year: float(table.value_added.sum() / 1e4)}
    gdp = pick_baseline(rows, "gdp", code, table.year, "亿元", gdp_nation)
    iva = pick_baseline(rows, "industrial_value_added", code, table.year, "亿元")
    pop = pick_baseline(rows, "population_resident", code, table.year)
    return region_shape(table, code, gdp, iva, pop)
