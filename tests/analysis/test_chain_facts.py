"""Chain facts on a hand-built frame: firm × node pairs deduplicated, latest figures kept, cells summed.

Two nodes (a → b), three firms. f1 in prefecture 371600 reports output of a in 2021 (10 t) and 2023
(12 t); f2 in 371600 reports capacity of a (5 t, 2022) and makes b with no figure; f3 in 370200 is
known to make a only from a 2024 source. As of the latest figures (2023): 371600 × a has two firms,
12 + 5 = 17 t from output and capacity; f3's later row counts as a firm without a figure.
"""

import numpy as np
import pandas as pd

from chainatlas.analysis.diagnosis import prepare_chain


def _facts(year=None):
    nodes = pd.DataFrame({"id": ["x.a", "x.b"], "name_zh": ["甲", "乙"], "name_en": ["a", "b"],
                          "stage": ["upstream", "downstream"], "primary": False, "unit": "t",
                          "unit_value": [1.0, 2.0]})
    links = pd.DataFrame({"source_node": ["x.a"], "target_node": ["x.b"], "coefficient": [np.nan],
                          "coefficient_unit": [None], "source_id": [None]})
    firms = pd.DataFrame({"id": ["f1", "f2", "f3"], "province": ["370000"] * 3,
                          "prefecture": ["371600", "371600", "370200"], "county": [None] * 3})
    prod = pd.DataFrame({"enterprise_id": ["f1", "f1", "f2", "f2", "f3"],
                         "node_id": ["x.a", "x.a", "x.a", "x.b", "x.a"], "year": [2021, 2023, 2022, 2022, 2024],
                         "capacity": [np.nan, np.nan, 5.0, np.nan, np.nan],
                         "output": [10.0, 12.0, np.nan, np.nan, np.nan], "revenue": np.nan, "source_id": "s"})
    prod = prod.merge(firms.rename(columns={"id": "enterprise_id"}), on="enterprise_id")
    prod["region"] = prod["prefecture"]
    stats = pd.DataFrame(columns=["region", "level", "node_id", "year", "value", "source_id"])
    return prepare_chain({"id": "x", "name_zh": "x", "name_en": "x", "main_paths": []}, nodes, links, prod,
                         stats, firms, year=year)


def test_cells_count_firms_once_and_sum_latest_figures():
    facts = _facts()
    cells = facts.cells["prefecture"].set_index(["region", "node_id"])
    assert cells.loc[("371600", "x.a"), "firms"] == 2
    assert cells.loc[("371600", "x.a"), "firm_quantity"] == 17.0
    assert cells.loc[("371600", "x.a"), "firm_kinds"] == "capacity+output"
    assert (cells.loc[("371600", "x.a"), "firm_year"], cells.loc[("371600", "x.a"), "firm_year_min"]) == (2023, 2022)
    assert cells.loc[("370200", "x.a"), "firms"] == 1 and np.isnan(cells.loc[("370200", "x.a"), "firm_quantity"])
    assert cells.loc[("370200", "x.a"), "firm_kinds"] == ""
    assert cells.loc[("371600", "x.b"), "firms"] == 1
    assert facts.cells["province"].set_index("node_id").loc["x.a", "firms"] == 3
    assert facts.node_firms_national.to_dict() == {"x.a": 3, "x.b": 1}
    assert facts.national.loc["x.a", "national_quantity"] == 17.0
    assert facts.firms_per_region["prefecture"].to_dict() == {"370200": 1, "371600": 2}
    assert facts.firms_total == 3


def test_an_earlier_year_keeps_only_what_was_known_then():
    facts = _facts(year=2022)
    cells = facts.cells["prefecture"].set_index(["region", "node_id"])
    assert cells.loc[("371600", "x.a"), "firm_quantity"] == 15.0  # f1's 2021 output + f2's capacity
    assert ("370200", "x.a") not in cells.index                   # f3 known only from 2024
    assert facts.node_firms_national.to_dict() == {"x.a": 2, "x.b": 1}
