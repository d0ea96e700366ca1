"""Small pure steps the facade used to hold, on hand-built frames: briefing lists, plans, series,
region pages, the point map and the evaluation's indicator table."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd

from chainatlas.analysis.evaluation_system import indicator_table
from chainatlas.analysis.lists import TARGET_COLUMNS, import_dependence, node_makers, target_rows
from chainatlas.analysis.plans import with_legacy_targets
from chainatlas.analysis.regions import chains_served, making_regions
from chainatlas.analysis.series import series_keys

OBS_COLUMNS = ["subject_kind", "subject_id", "node_id", "indicator", "year", "value", "unit", "source_id", "note",
               "comparator"]


def obs(rows):
    return pd.DataFrame(rows, columns=OBS_COLUMNS)


def test_node_makers_count_groups_not_plants():
    made = pd.DataFrame({"enterprise_id": ["chalco", "chalco-baotou", "solo", "solo"],
                         "node_id": ["ingot", "ingot", "ingot", "foil"]})
    groups = pd.Series({"chalco": "code:601600", "chalco-baotou": "code:601600", "solo": "id:solo"})
    assert node_makers(made, groups).to_dict() == {"foil": 1, "ingot": 2}


def test_import_dependence_reads_node_subjects_and_the_nation_in_percent():
    o = obs([("node", "n1", None, "import_dependence", 2022, 70.0, "%", "s1", "", ""),
             ("region", "100000", "n2", "import_dependence", 2022, 40.0, "%", "s2", "", ""),
             ("region", "370000", "n2", "import_dependence", 2022, 90.0, "%", "s3", "", ""),  # a province: no
             ("node", "n1", None, "import_dependence", 2021, 0.7, "share", "s4", "", ""),      # not in %
             ("node", "n3", None, "import_dependence", 2022, 10.0, "%", "s5", "", "")])        # not asked
    got = import_dependence(o, ["n1", "n2"])
    assert got.to_dict(orient="records") == [{"node_id": "n1", "value": 70.0, "year": 2022, "source_id": "s1"},
                                             {"node_id": "n2", "value": 40.0, "year": 2022, "source_id": "s2"}]


def test_target_rows_name_their_node_and_keep_the_columns_when_empty():
    tl = SimpleNamespace(node={"id": "n1", "name_zh": "箔", "name_en": "Foil"},
                         targets=pd.DataFrame({"rank": [1], "id": ["f"], "name_zh": ["厂"]}))
    empty = SimpleNamespace(node={"id": "n2", "name_zh": "锭", "name_en": "Ingot"}, targets=pd.DataFrame())
    rows = target_rows([tl, empty])
    assert list(rows.columns) == TARGET_COLUMNS and len(rows) == 1
    assert rows.loc[0, ["node_id", "node_name_en", "id"]].tolist() == ["n1", "Foil", "f"]
    assert list(target_rows([empty]).columns) == TARGET_COLUMNS


def test_legacy_targets_join_plan_targets_as_floors():
    plan = pd.DataFrame({"region": ["371600"], "park": [""], "indicator": ["output"], "node_id": ["n1"],
                         "target": [5.0], "unit": ["t"], "comparator": ["<="], "target_year": [2025],
                         "source_id": ["p"], "note": [""]})
    o = obs([("region", "371600", None, "capacity_target", 2025, 9.0, "t", "s", "plan", None),
             ("region", "371600", None, "gdp", 2025, 1.0, "亿元", "s", "", None)])
    got = with_legacy_targets(plan, o)
    assert got["indicator"].tolist() == ["output", "capacity"]  # capacity_target is measured as capacity
    assert got["comparator"].tolist() == ["<=", ">="]
    assert with_legacy_targets(plan.iloc[0:0], o)["target"].tolist() == [9.0]


def test_series_keys_need_enough_years_and_skip_targets():
    o = obs([("region", "r", None, "gdp", y, 1.0, "亿元", "s", "", "") for y in (2020, 2021)]
            + [("region", "r", None, "gdp_target", y, 1.0, "亿元", "s", "", "") for y in (2020, 2021)]
            + [("region", "100000", "n1", "output", y, 1.0, "t", "s", "", "") for y in (2020, 2021, 2022)]
            + [("region", "100000", None, "gdp", y, 1.0, "亿元", "s", "", "") for y in (2020, 2021)]
            + [("region", "r", "n2", "output", 2020, 1.0, "t", "s", "", "")])
    assert series_keys(o, "r", {"n1", "n2"}) == [("gdp", ""), ("output", "n1")]
    assert series_keys(o, "r", {"n1"}, min_years=3) == [("output", "n1")]


def test_chains_served_count_firms_and_nodes_per_chain():
    made = pd.DataFrame({"enterprise_id": ["a", "a", "b"], "node_id": ["x", "y", "x"]})
    cn = pd.DataFrame({"chain_id": ["c1", "c1", "c2"], "node_id": ["x", "y", "y"]})
    chains = pd.DataFrame({"id": ["c1", "c2"], "name_zh": ["甲", "乙"], "name_en": ["A", "B"]})
    got = chains_served(made, cn, chains)
    assert got.to_dict(orient="records") == [
        {"chain_id": "c1", "firms": 2, "nodes": 2, "name_zh": "甲", "name_en": "A"},
        {"chain_id": "c2", "firms": 1, "nodes": 1, "name_zh": "乙", "name_en": "B"}]


def test_making_regions_place_firms_at_their_regions_point():
    made = pd.DataFrame({"enterprise_id": ["a", "b", "c"], "node_id": ["x", "y", "x"]})
    firms = pd.DataFrame({"id": ["a", "b", "c"], "name_zh": ["乙厂", "甲厂", "丙厂"], "prefecture": ["p1", "p1", "p2"]})
    regions = pd.DataFrame({"code": ["p1", "p2"], "name_zh": ["一", "二"], "name_en": ["One", "Two"],
                            "lon": [117.0, np.nan], "lat": [37.0, np.nan]})
    got = making_regions(made, firms, regions, "prefecture", "p1")
    assert got.to_dict(orient="records") == [{"code": "p1", "name_zh": "一", "name_en": "One", "lon": 117.0,
                                              "lat": 37.0, "firms": 2, "nodes": 2, "firm_names": "乙厂、甲厂",
                                              "focus": True}]  # p2 has no point


def test_indicator_table_picks_the_best_covered_year_and_node_keys():
    o = obs([("region", "a", None, "gdp", 2021, 1.0, "亿元", "s", "", ""),
             ("region", "b", None, "gdp", 2021, 2.0, "亿元", "s", "", ""),
             ("region", "a", None, "gdp", 2022, 3.0, "亿元", "s", "", ""),
             ("region", "a", "n", "output_share_national", 2021, 5.0, "%", "s", "", ""),
             ("region", "a", None, "population_resident", 2021, 9.0, "万人", "s", "", "")])
    values, used, year = indicator_table(o, ["gdp", "output_share_national@n"], ["a", "b", "c"])
    assert year == 2021 and len(used) == 3
    assert values.loc["a"].tolist() == [1.0, 5.0] and values.loc["b", "gdp"] == 2.0
    assert values.loc["c"].isna().all()
    values, _, year = indicator_table(o, ["gdp"], ["a"], 2022)
    assert year == 2022 and values.loc["a", "gdp"] == 3.0
