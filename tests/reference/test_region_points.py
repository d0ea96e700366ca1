"""Every division's point is its own: none copies its parent's unless recorded as the same territory."""

from __future__ import annotations

import math
import warnings
from importlib import resources

import pandas as pd
import pytest

DATA = resources.files("chainatlas.reference") / "data"


@pytest.fixture(scope="module")
def regions() -> pd.DataFrame:
    return pd.read_csv(DATA / "regions.csv", dtype={"code": str, "parent": str})


@pytest.fixture(scope="module")
def points() -> pd.DataFrame:
    return pd.read_csv(DATA / "region_points.csv", dtype={"code": str})


def test_no_division_shares_its_parents_point_unless_recorded(regions, points):
    r = regions.set_index("code")
    has_point = regions.dropna(subset=["lon", "lat"])
    has_point = has_point[has_point["level"].isin(["province", "prefecture", "county"])]
    parent = r.reindex(has_point["parent"])
    same = has_point[(has_point["lon"].to_numpy() == parent["lon"].to_numpy())
                     & (has_point["lat"].to_numpy() == parent["lat"].to_numpy())]
    exceptions = set(points.loc[points["basis"].str.startswith("same as parent"), "code"])
    assert set(same["code"]) <= exceptions, same[["code", "name_zh", "parent"]].to_string()


def test_recorded_points_are_applied_and_sourced(regions, points):
    r = regions.set_index("code")
    for rec in points.to_dict(orient="records"):
        assert rec["code"] in r.index, rec["code"]
        assert math.isclose(r.loc[rec["code"], "lon"], rec["lon"]) and math.isclose(r.loc[rec["code"], "lat"], rec["lat"])
        assert len(str(rec["basis"])) > 20 and len(str(rec["source"])) > 20, rec["code"]


def test_points_of_the_audited_divisions(regions):
    r = regions.set_index("code")
    # Zouping and Nagqu have points of their own (they once carried their parents')
    for code in ("371681", "540600"):
        assert (r.loc[code, "lon"], r.loc[code, "lat"]) != (r.loc[r.loc[code, "parent"], "lon"],
                                                            r.loc[r.loc[code, "parent"], "lat"])
    # Dingzhou and Xinji: the centres of their published extents, inside them
    assert 38.23 < r.loc["130682", "lat"] < 38.67 and 114.80 < r.loc["130682", "lon"] < 115.25
    assert 37.63 < r.loc["130181", "lat"] < 38.14 and 115.11 < r.loc["130181", "lon"] < 115.47
    assert "139001" not in r.index and "139002" not in r.index


def test_divisions_without_a_point_are_reported(regions):
    """Divisions with no point of their own keep it empty (never the parent's); say how many remain."""
    empty = regions[regions["lon"].isna() & (regions["level"] != "country")]
    if len(empty):
        warnings.warn(f"{len(empty)} division(s) without a point: {', '.join(empty['code'])}", stacklevel=1)
    assert len(empty) < 40
