"""Target rules on small hand-built frames (no store): groups, province flags, recorded-fact reasons."""

import pandas as pd

from chainatlas.analysis.targets import group_keys, rank_targets, target_candidates

FIRMS = pd.DataFrame({
    "id": ["home-group", "home-foil", "rival", "rival-plant", "far"],
    "name_zh": ["本地集团", "本地集团箔厂", "同省对手", "对手分厂", "远方"],
    "name_en": ["Home Group", "Home foil", "Rival", "Rival plant", "Far"],
    "region": ["A1", "B1", "B2", "B3", "C1"], "province": ["A", "A", "A", "A", "C"],
    "listed": [True, True, False, False, True], "exchange": ["SZ", "SZ", "", "", "SH"],
    "stock_code": ["000001", "300001", "", "", "600001"], "high_tech": [False, True, False, False, True],
    "note": ["", "", "", "", ""], "group_id": ["", "home-group", "", "rival", ""],
})
NODES = pd.DataFrame({"name_zh": ["阴极铜", "铜箔"], "name_en": ["cathode", "foil"], "unit": ["t", "t"]},
                     index=["cathode", "foil"])
REGIONS = pd.DataFrame({"code": ["A1", "B1", "B2", "B3", "C1"], "name_zh": list("甲乙丙丁戊"),
                        "name_en": list("ABCDE"), "lon": [117.8, 117.5, 117.0, 116.0, 113.0],
                        "lat": [30.9, 30.7, 31.0, 31.5, 23.0]})


def candidates():
    firms = FIRMS.assign(group=group_keys(FIRMS).to_numpy())
    firms["group_provinces"] = firms["group"].map(firms.groupby("group")["province"].nunique())
    makers = pd.DataFrame({"enterprise_id": ["home-foil", "rival", "far"], "node_id": ["foil"] * 3,
                           "year": [2023] * 3, "output": [50_000.0, None, 8_000.0],
                           "capacity": [None, 20_000.0, None], "revenue": [None] * 3, "source_id": ["s1", "s2", "s3"]})
    made = pd.DataFrame({"enterprise_id": ["home-group", "home-foil", "rival", "far"],
                         "node_id": ["cathode", "foil", "foil", "foil"]})
    links = pd.DataFrame({"source_node": ["cathode"], "target_node": ["foil"]})
    return target_candidates(makers=makers, firms=firms, made=made, links=links, nodes=NODES, regions=REGIONS,
                             inside={"A1"}, province="A", home={"lon": 117.8, "lat": 30.9}, substitute=False)


def test_a_firm_of_a_group_with_a_plant_here_is_no_target():
    c = candidates()
    assert set(c["id"]) == {"rival", "far"}  # home-foil belongs to home-group (group_id), which is in A1


def test_group_with_a_plant_elsewhere_in_the_province_is_flagged_not_hidden():
    c = candidates().set_index("id")
    assert c.loc["rival", "group_in_province"]  # its plant rival-plant is in B3
    assert not c.loc["far", "group_in_province"]


def test_reasons_state_recorded_facts_with_year_and_source():
    t = rank_targets(region={"code": "A1", "name_zh": "甲", "name_en": "A", "level": "prefecture"},
                     node={"id": "foil", "name_zh": "铜箔", "name_en": "foil", "unit": "t", "stage": "midstream"},
                     candidates=candidates())
    r = t.targets.set_index("id")
    assert "capacity 20,000 t (2023, s2)" in r.loc["rival", "reason_en"]
    assert "the chain graph records cathode, made here, as an input of its foil" in r.loc["rival", "reason_en"]
    assert "其集团已在本省设厂" in r.loc["rival", "reason_zh"] and "同省" in r.loc["rival", "reason_zh"]
    assert "output 8,000 t (2023, s3)" in r.loc["far", "reason_en"] and "listed (SH600001)" in r.loc["far", "reason_en"]
    assert "km away" in r.loc["far", "reason_en"]
