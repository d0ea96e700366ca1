"""Region hierarchy walks on a small hand-built regions frame (no store)."""

from __future__ import annotations

import pandas as pd

from chainatlas.analysis import regions as walks
from chainatlas.analysis.lookup import resolve

# nation → two provinces → prefectures → counties; 朝阳区 twice (Beijing and Jilin), as in life
REGIONS = pd.DataFrame([
    ("100000", "中国", "China", "全国", "country", ""),
    ("110000", "北京市", "Beijing", "北京", "province", "100000"),
    ("110105", "朝阳区", "Chaoyang District", "", "county", "110000"),
    ("220000", "吉林省", "Jilin", "吉林", "province", "100000"),
    ("220100", "长春市", "Changchun", "长春", "prefecture", "220000"),
    ("220104", "朝阳区", "Chaoyang District", "", "county", "220100"),
    ("370000", "山东省", "Shandong", "山东", "province", "100000"),
    ("371600", "滨州市", "Binzhou", "滨州", "prefecture", "370000"),
    ("371681", "邹平市", "Zouping", "邹平", "county", "371600"),
    ("371602", "滨城区", "Bincheng District", "", "county", "371600"),
], columns=["code", "name_zh", "name_en", "short_zh", "level", "parent"])


def test_descendants_walk_every_level_down():
    assert set(walks.descendants(REGIONS, "370000")) == {"370000", "371600", "371681", "371602"}
    assert walks.descendants(REGIONS, "371681") == ["371681"]
    assert len(walks.descendants(REGIONS, "100000")) == len(REGIONS)


def test_ancestors_are_listed_top_first():
    assert [r["code"] for r in walks.ancestors(REGIONS, "371681")] == ["100000", "370000", "371600"]
    assert walks.ancestors(REGIONS, "371681")[-1]["name_zh"] == "滨州市"
    assert walks.ancestors(REGIONS, "100000") == []


def test_child_count():
    assert walks.child_count(REGIONS, "371600") == 2
    assert walks.child_count(REGIONS, "371681") == 0


def test_region_levels_name_each_regions_province_prefecture_county():
    levels = walks.region_levels(REGIONS).set_index("code")
    assert levels.loc["371681"].to_dict() == {"province": "370000", "prefecture": "371600", "county": "371681"}
    # a district directly under a municipality has no prefecture
    assert levels.loc["110105", "province"] == "110000" and levels.loc["110105", "county"] == "110105"
    assert pd.isna(levels.loc["110105", "prefecture"])
    assert levels.loc["100000"].isna().all()


def test_walks_end_on_a_parent_cycle():
    cyc = pd.concat([REGIONS, pd.DataFrame([("990100", "甲", "A", "", "prefecture", "990200"),
                                            ("990200", "乙", "B", "", "prefecture", "990100")],
                                           columns=REGIONS.columns)], ignore_index=True)
    assert set(walks.descendants(cyc, "990100")) == {"990100", "990200"}
    assert [r["code"] for r in walks.ancestors(cyc, "990100")] == ["990200"]
    assert walks.region_levels(cyc).set_index("code").loc["990100", "prefecture"] in ("990100", "990200")


def test_with_levels_adds_the_codes_to_firms():
    firms = pd.DataFrame({"id": ["a", "b", "c"], "region": ["371681", "220104", "999999"]})
    out = walks.with_levels(firms, walks.region_levels(REGIONS))
    assert list(out.columns) == ["id", "region", "province", "prefecture", "county"]
    assert out.loc[0, "prefecture"] == "371600" and out.loc[1, "province"] == "220000"
    assert out.loc[2, ["province", "prefecture", "county"]].isna().all()  # an unknown region: no levels


def test_walk_level_falls_back_to_province_for_the_nation():
    assert walks.walk_level("county") == "county"
    assert walks.walk_level("country") == "province"


def test_region_candidates_tell_apart_regions_of_one_name():
    candidates = walks.region_candidates(REGIONS)
    labels = {c.key: c.label for c in candidates}
    assert labels["110105"] == "朝阳区 Chaoyang District 110105 (北京市 Beijing)"
    assert labels["220104"].endswith("(吉林省 Jilin)")
    within = {c.key: c.within for c in candidates}
    assert within["371681"] == ("371600", "370000", "100000")
    assert resolve("朝阳区", candidates).key is None  # ambiguous, never decided silently
    assert resolve("滨州", candidates).key == "371600"
    assert resolve("Zouping", candidates).key == "371681"
    assert resolve("Bincheng", candidates).key == "371602"  # English without "District"
