"""The whole shipped atlas, level by level: parts never add up to more than their whole.

An independent oracle (plain pandas here, not the importer's magnitude rules): for every node,
indicator, year and unit, the figures of a region's direct parts (provinces of the nation,
prefectures and province-administered counties of a province, counties of a prefecture) add up to
at most the region's own figure; shares of the nation add up to at most the parent's share
(100 % for the nation); and the atlas firms located in a region add up to at most that region's
official output or capacity. Comparators are respected: a part given as a lower bound (``>=``)
still counts at its bound, a part given as an upper bound (``<=``) proves nothing, and a whole
given as a lower bound caps nothing.
"""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

TOLERANCE = 1.01  # published tables round each part (13.3 % of 41.59 Mt …)
PART_COUNTS = {"", "=", "~", ">=", ">"}  # a part at least this large
WHOLE_CAPS = {"", "=", "~", "<=", "<"}  # a whole at most this large
QUANTITIES = ("output", "capacity")
SHARES = ("output_share_national", "capacity_share_national")


def parts_above_whole(figures: pd.DataFrame, parents: pd.Series) -> pd.DataFrame:
    """Rows (whole, node, indicator, year, unit) where the parts' figures add up to more than the whole's.

    ``figures``: region, node_id, indicator, year, value, unit, comparator; ``parents``: code → parent.
    """
    f = figures.assign(comparator=figures["comparator"].fillna(""))
    f = f.assign(parent=f["region"].map(parents))
    keys = ["node_id", "indicator", "year", "unit"]
    parts = (f[f["comparator"].isin(PART_COUNTS)].groupby(["parent", *keys], as_index=False)
             .agg(parts=("value", "sum"), n=("value", "size"), members=("region", lambda s: ",".join(sorted(s)))))
    wholes = f[f["comparator"].isin(WHOLE_CAPS)][["region", *keys, "value"]].rename(
        columns={"region": "parent", "value": "whole"})
    merged = parts.merge(wholes, on=["parent", *keys])
    return merged[merged["parts"] > merged["whole"] * TOLERANCE].reset_index(drop=True)


def _figures(atlas, indicators: tuple[str, ...]) -> pd.DataFrame:
    obs = atlas.table("observations")
    f = obs[(obs["subject_kind"] == "region") & (obs["node_id"].fillna("") != "") & obs["indicator"].isin(indicators)]
    return f.rename(columns={"subject_id": "region"})[["region", "node_id", "indicator", "year", "value", "unit",
                                                       "comparator"]]


def _parents(atlas) -> pd.Series:
    regions = atlas.table("regions")
    return regions.set_index("code")["parent"]


def test_the_oracle_catches_parts_above_their_whole():
    parents = pd.Series({"370000": "100000", "140000": "100000", "371600": "370000", "100000": None})
    base = {"node_id": "aluminium.primary", "indicator": "output", "year": 2023, "unit": "t", "comparator": ""}
    ok = pd.DataFrame([{**base, "region": "100000", "value": 100.0}, {**base, "region": "370000", "value": 60.0},
                       {**base, "region": "140000", "value": 40.0}])
    assert parts_above_whole(ok, parents).empty
    over = pd.concat([ok, pd.DataFrame([{**base, "region": "371600", "value": 61.0}])], ignore_index=True)
    assert list(parts_above_whole(over, parents)["parent"]) == ["370000"]  # a prefecture above its province
    lower = ok.assign(comparator=["", ">=", ">="], value=[100.0, 70.0, 40.0])
    assert list(parts_above_whole(lower, parents)["parent"]) == ["100000"]  # lower bounds still add up
    bound = ok.assign(comparator=[">=", "", ""], value=[50.0, 60.0, 40.0])
    assert parts_above_whole(bound, parents).empty  # a national lower bound caps nothing
    other_year = ok.assign(year=[2022, 2023, 2023])
    assert parts_above_whole(other_year, parents).empty  # never across years


def test_no_part_of_any_region_adds_up_to_more_than_it(shipped):
    figures = _figures(shipped, QUANTITIES)
    parents = _parents(shipped)
    over = parts_above_whole(figures, parents)
    assert over.empty, over.to_string()
    # the comparison is not empty: provinces of the nation are compared for raw coal, ICs…
    provinces = figures[figures["region"].map(parents) == "100000"]
    compared = provinces.merge(figures[figures["region"] == "100000"], on=["node_id", "indicator", "year", "unit"])
    assert len(compared) >= 20 and compared["node_id"].nunique() >= 2


def test_shares_of_the_nation_add_up_to_at_most_their_parents(shipped):
    shares = _figures(shipped, SHARES)
    parents = _parents(shipped)
    nation = shares.drop_duplicates(["node_id", "indicator", "year"]).assign(region="100000", value=100.0,
                                                                              comparator="", unit="%")
    over = parts_above_whole(pd.concat([shares, nation], ignore_index=True), parents)
    assert over.empty, over.to_string()
    assert (shares["value"] <= 100).all()
    assert len(shares[shares["region"].map(parents) == "100000"]) >= 10


def firms_above_region(prod: pd.DataFrame, official: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Regions whose atlas firms add up to more than the region's own output or capacity; and how many compared.

    ``prod``: region, node_id, year, capacity, output, quantity_unit; ``official``: as ``_figures``.
    """
    official = official[official["comparator"].fillna("").isin(WHOLE_CAPS)]
    over, checked = [], 0
    for field in QUANTITIES:
        sums = (prod[prod[field].notna()].groupby(["region", "node_id", "year", "quantity_unit"], as_index=False)[field]
                .sum().rename(columns={"quantity_unit": "unit"}))
        merged = sums.merge(official[official["indicator"] == field], on=["region", "node_id", "year", "unit"])
        checked += len(merged)
        over.append(merged[merged[field] > merged["value"] * TOLERANCE])
    return pd.concat(over, ignore_index=True), checked


def test_the_firm_oracle_catches_firms_above_their_region():
    prod = pd.DataFrame({"region": ["150200", "150200"], "node_id": "aluminium.primary", "year": 2022,
                         "capacity": [4e6, 3e6], "output": None, "quantity_unit": "t"})
    official = pd.DataFrame([{"region": "150200", "node_id": "aluminium.primary", "indicator": "capacity",
                              "year": 2022, "value": 6e6, "unit": "t", "comparator": ""}])
    over, checked = firms_above_region(prod, official)
    assert checked == 1 and list(over["region"]) == ["150200"]
    assert firms_above_region(prod.assign(year=2023), official)[1] == 0  # never across years


@pytest.mark.parametrize("level", ["province", "prefecture", "county"])
def test_atlas_firms_in_a_region_never_exceed_its_official_figure(shipped, level):
    """Firms are booked where their plants are: a region's firms add up to at most its own statistic."""
    firms = shipped.firms_with_ancestors
    prod = shipped.table("production").merge(firms[["id", level]], left_on="enterprise_id", right_on="id")
    over, checked = firms_above_region(prod.rename(columns={level: "region"}), _figures(shipped, QUANTITIES))
    assert over.empty, over.to_string()
    if not checked:
        warnings.warn(f"no {level} has both atlas firm figures and an official figure of the same node and year",
                      stacklevel=1)
