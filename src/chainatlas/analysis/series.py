"""Time series of a figure for a region against the nation, with growth (时间序列).

Why: a latest value hides direction. Any indicator or node figure observed in several years is
shown as a series — the region beside the nation, each with its year-on-year growth and the
region's share — using only figures of the same unit (converted explicitly, never added across).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from chainatlas.errors import ChainAtlasError
from chainatlas.model.units import convert

COLUMNS = ["year", "region_value", "national_value", "unit", "region_growth", "national_growth", "share",
           "region_source", "national_source"]


def _in_unit(obs: pd.DataFrame, unit: str) -> pd.DataFrame:
    vals = []
    for v, u in zip(obs["value"], obs["unit"], strict=True):
        try:
            vals.append(float(convert(float(v), str(u), unit)))
        except ChainAtlasError:
            vals.append(math.nan)  # another quantity: left out, never added
    return obs.assign(value=vals).dropna(subset=["value"])


def series(region_obs: pd.DataFrame, national_obs: pd.DataFrame, unit: str | None = None) -> pd.DataFrame:
    """Years × (region value, national value, growth %, share %) for one indicator and node.

    Both frames carry ``year``, ``value``, ``unit``, ``source_id``. ``unit`` defaults to the
    region's latest unit (or the nation's); one figure per year is kept (the last listed). Growth is
    against the previous *listed* year and is left empty when years are not consecutive.
    """
    frames = [f for f in (region_obs, national_obs) if f is not None and len(f)]
    if not frames:
        return pd.DataFrame(columns=COLUMNS)
    if unit is None:
        unit = str(frames[0].sort_values("year")["unit"].iloc[-1])
    out = {}
    for label, f in (("region", region_obs), ("national", national_obs)):
        if f is None or f.empty:
            out[label] = pd.DataFrame(columns=["year", f"{label}_value", f"{label}_source"])
            continue
        f = _in_unit(f, unit).sort_values("year").groupby("year", as_index=False).tail(1)
        out[label] = f[["year", "value", "source_id"]].rename(
            columns={"value": f"{label}_value", "source_id": f"{label}_source"})
    df = out["region"].merge(out["national"], on="year", how="outer").sort_values("year").reset_index(drop=True)
    df["year"] = df["year"].astype(int)
    df["unit"] = unit
    for label in ("region", "national"):
        v = pd.to_numeric(df[f"{label}_value"], errors="coerce")
        prev, gap = v.shift(1), df["year"].diff()
        df[f"{label}_growth"] = np.where((gap == 1) & (prev > 0), (v / prev - 1) * 100, np.nan)
    r = pd.to_numeric(df["region_value"], errors="coerce")
    n = pd.to_numeric(df["national_value"], errors="coerce")
    df["share"] = np.where(n > 0, r / n * 100, np.nan)
    return df.reindex(columns=COLUMNS)


def series_keys(observations: pd.DataFrame, code: str, nodes: set[str], min_years: int = 2) -> list[tuple[str, str]]:
    """(indicator, node id or "") of every figure worth a series: the region's own whole-region figures
    and the chain's node figures (``nodes``), observed in ``min_years`` years or more; targets excluded."""
    obs = observations[~observations["indicator"].str.endswith("_target")]
    obs = obs.assign(node_id=obs["node_id"].fillna(""))
    obs = obs[(obs["node_id"] == "") & (obs["subject_id"] == code) | obs["node_id"].isin(nodes)]
    years = obs.groupby(["indicator", "node_id"])["year"].nunique()
    return sorted(k for k, n in years.items() if n >= min_years)
