"""From store frames to chain facts (pure): which observations count, in which unit."""

from __future__ import annotations

import numpy as np
import pandas as pd

from chainatlas.analysis.chain_frames import baseline_frame, chain_facts_from_frames, chain_nodes_frame


def obs(rows):
    return pd.DataFrame(rows, columns=["subject_kind", "subject_id", "node_id", "indicator", "year", "value", "unit",
                                       "source_id", "comparator"])


def test_baselines_are_whole_region_figures_in_base_units():
    b = baseline_frame(obs([
        ("region", "371600", None, "gdp", 2020, 3000.0, "亿元", "s1", ""),
        ("region", "371600", None, "population_resident", 2020, 390.0, "万人", "s2", ""),
        ("region", "371600", "alu.ingot", "gdp", 2020, 1.0, "亿元", "s3", ""),     # bound to a node: not a size
        ("node", "alu.ingot", None, "gdp", 2020, 1.0, "亿元", "s4", ""),           # not a region
        ("region", "371600", None, "output", 2020, 1.0, "t", "s5", ""),          # not a baseline indicator
    ]))
    assert b.to_dict(orient="records") == [
        {"region": "371600", "indicator": "gdp", "year": 2020, "value": 3000e8, "unit": "亿元", "source_id": "s1"},
        {"region": "371600", "indicator": "population_resident", "year": 2020, "value": 390e4, "unit": "万人",
         "source_id": "s2"}]


def test_external_inputs_are_marked_per_chain():
    nodes = pd.DataFrame({"id": ["a", "b"]})
    cn = pd.DataFrame({"chain_id": ["c1", "c1", "c2"], "node_id": ["a", "b", "a"],
                       "external_input": pd.array([True, False, False], dtype="boolean")})
    assert list(chain_nodes_frame(nodes, cn, "c1")["external_input"]) == [True, False]
    assert list(chain_nodes_frame(nodes, cn, "c2")["external_input"]) == [False, False]
    assert "external_input" not in chain_nodes_frame(nodes, cn.drop(columns="external_input"), "c1")


def test_only_statistics_in_the_nodes_unit_and_shares_in_percent_count():
    nodes = pd.DataFrame({"id": ["c.up", "c.down"], "name_zh": ["上", "下"], "name_en": ["Up", "Down"],
                          "stage": ["upstream", "downstream"], "primary": [True, False], "unit": ["t", "t"],
                          "unit_value": [1.0, 2.0]})
    links = pd.DataFrame({"source_node": ["c.up"], "target_node": ["c.down"], "coefficient": [np.nan],
                          "coefficient_unit": [None], "source_id": [None]})
    cn = pd.DataFrame({"chain_id": ["c", "c"], "node_id": ["c.up", "c.down"]})
    regions = pd.DataFrame({"code": ["100000", "370000", "371600"], "level": ["country", "province", "prefecture"]})
    firms = pd.DataFrame({"id": ["f"], "name_zh": ["厂"], "name_en": ["Plant"], "region": ["371600"],
                          "source_id": ["s"], "note": [""], "province": ["370000"], "prefecture": ["371600"],
                          "county": [None]})
    prod = pd.DataFrame({"enterprise_id": ["f", "f"], "node_id": ["c.up", "other.node"], "year": [2022, 2022],
                         "capacity": [10.0, 5.0], "output": [np.nan, np.nan], "revenue": [np.nan, np.nan],
                         "source_id": ["s", "s"], "note": ["", ""]})
    observations = obs([
        ("region", "371600", "c.up", "output", 2022, 8.0, "t", "st1", ""),
        ("region", "371600", "c.down", "output", 2022, 8.0, "万元", "st2", ""),       # not the node's unit
        ("region", "371600", "c.up", "output_share_national", 2022, 12.0, "%", "sh1", ""),
        ("region", "371600", "c.down", "output_share_national", 2022, 0.5, "t", "sh2", ""),  # not a share
    ])
    facts = chain_facts_from_frames({"id": "c", "name_zh": "链", "name_en": "Chain", "main_paths": []}, nodes, links,
                                    cn, prod, firms, firms[["id", "region", "province", "prefecture", "county"]],
                                    observations, regions, baseline_frame(observations), None)
    assert set(facts.stats["source_id"]) == {"st1"}
    assert set(facts.shares["source_id"]) == {"sh1"}
    assert list(facts.firms["node_id"]) == ["c.up"]  # production of other chains' nodes stays out
    assert facts.firms_total == 1
