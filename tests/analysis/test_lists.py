"""The briefing lists' rules on hand-built frames: each expectation is worked out by hand."""

import math

import pandas as pd
import pytest

from chainatlas.analysis.lists import ListRules, chokepoints, innovation, leading_firms, partners
from chainatlas.analysis.plans import plan_progress
from chainatlas.analysis.series import series

NODES = pd.DataFrame({"node_id": ["a", "b", "c", "d"], "name_zh": ["甲", "乙", "丙", "丁"],
                      "name_en": ["A", "B", "C", "D"], "stage": ["upstream", "midstream", "midstream", "downstream"],
                      "status": ["strong", "missing", "weak", "missing"]})


def test_chokepoint_rule_uses_makers_and_import_dependence():
    makers = pd.Series({"a": 40, "b": 2, "c": 10, "d": 12})
    imports = pd.DataFrame({"node_id": ["c", "d", "d"], "value": [72.0, 10.0, 30.0], "year": [2022, 2021, 2023],
                            "source_id": ["s1", "s2", "s3"]})
    out = chokepoints(NODES, makers, imports, ListRules(import_dependence_min=50, domestic_makers_max=3)).set_index("node_id")
    assert out.loc["b", "chokepoint"] is True and "2" in out.loc["b", "reason"]  # only 2 makers
    assert out.loc["c", "chokepoint"] is True and out.loc["c", "import_dependence"] == 72  # 72 % ≥ 50 %
    assert out.loc["d", "chokepoint"] is False  # latest (2023) 30 % < 50 %, 12 makers > 3
    assert out.loc["d", "import_year"] == 2023 and out.loc["d", "import_source"] == "s3"
    assert out.loc["a", "chokepoint"] is None  # 40 makers, import share unknown: not a silent "no"
    assert list(out["shortfall"]) == [False, True, True, True]


def test_partners_are_strong_regions_nearest_first():
    # counts: region × node firm counts; the focus region (R0) lacks b and d
    counts = pd.DataFrame({"a": [3, 0, 0, 0], "b": [0, 2, 1, 0], "d": [0, 0, 1, 1]},
                          index=["R0", "far", "near", "tiny"])
    regions = pd.DataFrame({"code": ["R0", "far", "near", "tiny"], "name_zh": ["本地", "远", "近", "小"],
                            "name_en": ["Home", "Far", "Near", "Tiny"], "lon": [117.0, 120.0, 117.5, 130.0],
                            "lat": [37.0, 30.0, 37.0, 45.0]})
    out = partners({"code": "R0", "lon": 117.0, "lat": 37.0}, ["b", "d"], counts, regions, exclude={"R0"},
                   rules=ListRules(partner_min_firms=2))
    # far: 2 firms in b (≥2) → strong in b; near: 1 in b (not ≥2, not the most) but d: 1 = the most → strong;
    # tiny: 1 in d = the most (tie) → strong. Nearest first: near (~44 km), far, tiny.
    assert list(out["code"]) == ["near", "far", "tiny"]
    assert out.loc[0, "links"] == ["d"] and out.loc[1, "links"] == ["b"]
    assert out.loc[0, "distance_km"] == pytest.approx(44.4, abs=1.0)


def test_leading_firms_rank_by_output_then_capacity():
    firms = pd.DataFrame({
        "node_id": ["a", "a", "a", "a", "b"], "enterprise_id": ["f1", "f2", "f3", "f4", "f5"],
        "name_zh": ["一", "二", "三", "四", "五"], "name_en": ["1", "2", "3", "4", "5"], "region": ["R0"] * 5,
        "output": [10.0, None, 30.0, 5.0, None], "capacity": [None, 99.0, None, None, None],
        "revenue": [None, None, None, None, 7.0], "quantity_unit": ["t"] * 5, "year": [2023] * 5,
        "source_id": ["s"] * 5})
    out = leading_firms(firms, NODES, ListRules(leading_per_link=3))
    a = out[out["node_id"] == "a"]
    assert list(a["enterprise_id"]) == ["f3", "f1", "f4"]  # by output; f2 has capacity only → after
    assert list(out[out["node_id"] == "b"]["basis"]) == ["营收 revenue"]


def test_plan_progress_converts_units_and_judges_comparators():
    targets = pd.DataFrame({"region": ["Z", "Z", "Z"], "park": ["园", "园", ""],
                            "indicator": ["capacity", "firms_target", "capacity"], "node_id": ["", "", "n"],
                            "target": [2.0, 20.0, 100.0], "unit": ["Mt", "家", "万吨"], "comparator": [">=", ">=", ">="],
                            "target_year": [2020, 2020, 2030], "source_id": ["p", "p", "p"], "note": ["", "", ""]})
    actuals = pd.DataFrame({"region": ["Z", "Z", "Z"], "indicator": ["capacity", "capacity", "capacity"],
                            "node_id": ["", "", "n"], "value": [1500000.0, 2_500_000.0, 80.0],
                            "unit": ["t", "t", "万吨"], "year": [2019, 2022, 2024], "source_id": ["a", "b", "c"],
                            "comparator": ["", "", ""]})
    out = plan_progress(targets, actuals, as_of=2025)
    assert out.loc[0, "actual"] == pytest.approx(2.5) and out.loc[0, "status"] == "met"  # 2.5 Mt ≥ 2 Mt (2022)
    assert out.loc[0, "progress"] == pytest.approx(1.25)
    assert out.loc[1, "status"] == "unknown" and math.isnan(out.loc[1, "actual"])
    assert out.loc[2, "status"] == "open"  # 80 of 100 万吨, target year 2030 not reached


def test_series_growth_and_share():
    reg = pd.DataFrame({"year": [2021, 2022, 2024], "value": [10.0, 12.0, 15.0], "unit": ["万吨"] * 3,
                        "source_id": ["r"] * 3})
    nat = pd.DataFrame({"year": [2021, 2022], "value": [1.0, 1.1], "unit": ["Mt", "Mt"], "source_id": ["n", "n"]})
    out = series(reg, nat).set_index("year")
    assert out.loc[2022, "region_growth"] == pytest.approx(20.0)
    assert out.loc[2022, "national_value"] == pytest.approx(110.0)  # 1.1 Mt = 110 万吨
    assert out.loc[2022, "national_growth"] == pytest.approx(10.0)
    assert out.loc[2021, "share"] == pytest.approx(10.0)
    assert math.isnan(out.loc[2024, "region_growth"])  # 2023 missing: no growth across a gap


def test_innovation_keeps_latest_per_region_and_indicator():
    obs = pd.DataFrame({"subject_id": ["P", "P", "C"], "indicator": ["rd_spending", "rd_spending", "platforms_city"],
                        "value": [1.0, 2.0, 5.0], "unit": ["亿元", "亿元", "个"], "year": [2020, 2021, 2021],
                        "source_id": ["x", "y", "z"], "note": ["", "", ""], "comparator": ["", "", ""]})
    ind = pd.DataFrame({"id": ["rd_spending", "platforms_city"], "name_zh": ["R&D经费", "市级平台"],
                        "name_en": ["R&D", "city platforms"]})
    out = innovation(obs, ["C", "P"], ind, {"C": "市", "P": "省"})
    assert list(out["region"]) == ["C", "P"] and out.loc[1, "value"] == 2.0 and out.loc[1, "source_id"] == "y"
