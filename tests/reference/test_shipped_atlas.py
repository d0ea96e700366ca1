"""The shipped reference atlas: real chains, regions, firms and figures, all checkable."""

import pandas as pd
import pytest

from chainatlas.errors import UnknownRegion
from conftest import shared_external

CHAINS = {"copper", "aluminium", "photovoltaics", "lithium-battery", "nev", "display", "coal-chemicals",
          "ic-materials"}


def test_eight_chains_of_twenty_nodes(shipped):
    chains = shipped.chains().rows.set_index("id")
    assert CHAINS <= set(chains.index)
    assert (chains.loc[list(CHAINS), "nodes"] >= 20).all()


def test_check_passes(shipped):
    report = shipped.check()
    assert report.ok, report.to_frame().head(20).to_string()


def test_chinese_chain_names(shipped):
    assert shipped.resolve_chain("铝") == "aluminium"
    assert shipped.resolve_chain("铝产业链") == "aluminium"
    assert shipped.resolve_chain("光伏") == "photovoltaics"


def test_regions_both_languages(shipped):
    assert shipped.resolve_region("滨州") == shipped.resolve_region("滨州市") == "371600"
    assert shipped.resolve_region("Tongling") == shipped.resolve_region("铜陵") == "340700"
    # 滨州市 (Shandong) and 彬州市 (Shaanxi) share a romanisation: never silently picked
    with pytest.raises(UnknownRegion, match="ambiguous") as err:
        shipped.resolve_region("Binzhou")
    assert "371600" in str(err.value) and "610482" in str(err.value)
    assert shipped.resolve_region("邹平") == "371681"
    assert shipped.resolve_region("Changzhi") == "140400"


def test_three_hundred_real_firms_in_the_regions_users_ask_about(shipped):
    firms = shipped.table("enterprises")
    assert len(firms) >= 300
    for region in ("滨州", "铜陵", "鹰潭", "上饶", "包头", "百色", "合肥", "芜湖", "滁州", "长治"):
        assert len(shipped.enterprises_in(shipped.resolve_region(region))) > 0, region
    listed = firms[firms["listed"] == True]  # noqa: E712
    assert {"600362", "000630", "601600"} <= set(listed["stock_code"])  # 江西铜业, 铜陵有色, 中国铝业


def test_every_number_has_unit_year_source(shipped):
    nodes = shipped.table("nodes")
    priced = nodes[nodes["unit_value"].notna()]
    assert priced[["unit_value_unit", "unit_value_year", "unit_value_source"]].notna().all().all()
    prod = shipped.table("production")
    with_qty = prod[prod["output"].notna() | prod["capacity"].notna()]
    assert with_qty["quantity_unit"].notna().all() and prod["source_id"].notna().all()


def test_aluminium_value_ladder(shipped):
    """The published per-tonne ladder: rod ~+500, low-voltage cable ~10×, furniture >100× rod."""
    rod_cable = shipped.value_ladder(["aluminium.primary", "aluminium.rod", "aluminium.cable-lv"])
    rod, cable = rod_cable["uplift_over_start"].iloc[1:]
    furniture = shipped.value_ladder(["aluminium.primary", "aluminium.furniture"])["uplift_over_start"].iloc[1]
    assert 0 < rod < cable < furniture
    assert 300 <= rod <= 800
    assert 7 <= cable / rod <= 14
    assert furniture / rod > 100


def test_published_facts_are_recorded(shipped):
    obs = shipped.table("observations")
    changzhi = obs[obs["subject_id"] == "140400"].set_index("indicator")["value"]
    assert changzhi["platforms_national"] == 5 and changzhi["platforms_provincial"] == 70
    assert changzhi["platforms_city"] == 179 and changzhi["high_tech_firms"] == 264


def test_battery_foil_thickness_range(shipped):
    ranges = shipped.table("plausibility").set_index(["node_id", "indicator"])
    low, high = ranges.loc[("copper.foil-battery", "thickness"), ["min", "max"]]
    assert low < 6 < high and high < 1000  # µm: 6 mm would be flagged


def test_regions_agree_with_nbs_codes():
    root = shared_external("Administrative-divisions-of-China")
    from chainatlas.reference import data_dir

    ours = pd.read_csv(data_dir() / "regions.csv", dtype=str, keep_default_na=False)
    nbs = {}
    for name, width in (("provinces.csv", 4), ("cities.csv", 2), ("areas.csv", 0)):
        df = pd.read_csv(root / name, dtype=str)
        nbs.update({code + "0" * width: n for code, n in zip(df["code"], df["name"], strict=True)})
    mainland = ours[~ours["code"].str[:2].isin(["71", "81", "82"]) & (ours["level"] != "country")]
    for level in ("province", "prefecture"):
        rows = mainland[mainland["level"] == level]
        assert len(rows) == (31 if level == "province" else 333)
        mismatched = [(c, n, nbs.get(c)) for c, n in zip(rows["code"], rows["name_zh"], strict=True) if nbs.get(c) != n]
        assert not mismatched, mismatched[:10]
    counties = mainland[mainland["level"] == "county"]
    agree = sum(nbs.get(c) == n for c, n in zip(counties["code"], counties["name_zh"], strict=True))
    assert agree / len(counties) > 0.9
