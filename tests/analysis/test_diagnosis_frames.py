"""The pure diagnosis entry point on hand-built frames (no store), as a what-if overlay would call it.

Chain ore → metal → wire (t). Nation 2023: metal 1,000 t, wire 500 t (official). GDP: nation 100, A 5 (5 %).
Region A: plant P1 makes 300 t of metal (2023) → 30 % ≥ 1.5 × 5 % → strong (firm output sum against the
official national figure of the firms' year). Removing P1 (the overlay) leaves A with no metal and the
atlas with no other maker → unknown, and the nation's 1,000 t still stands.
"""

import math

import pandas as pd
import pytest

from chainatlas.analysis.diagnosis import diagnose_frames

CHAIN = {"id": "m", "name_zh": "金属", "name_en": "Metal", "main_paths": [["ore", "metal", "wire"]]}
NODES = pd.DataFrame({"id": ["ore", "metal", "wire"], "name_zh": ["矿", "金属", "线"], "name_en": ["ore", "metal", "wire"],
                      "stage": ["upstream", "midstream", "downstream"], "primary": [False, True, False],
                      "unit": ["t"] * 3, "unit_value": [100.0, 1000.0, 1500.0], "unit_value_unit": ["yuan/t"] * 3,
                      "unit_value_year": [2023] * 3, "unit_value_source": ["p"] * 3})
LINKS = pd.DataFrame({"source_node": ["ore", "metal"], "target_node": ["metal", "wire"], "coefficient": [4.0, 1.0],
                      "coefficient_unit": ["t/t", "t/t"], "source_id": ["c", "c"]})
FIRMS = pd.DataFrame({"id": ["P1", "P2"], "province": ["A0", "B0"], "prefecture": ["A1", "B1"], "county": [None, None]})
PRODUCTION = pd.DataFrame({"enterprise_id": ["P1", "P2"], "node_id": ["metal", "wire"], "year": [2023, 2023],
                           "capacity": [math.nan, math.nan], "output": [300.0, 100.0], "revenue": [math.nan] * 2,
                           "source_id": ["r1", "r2"]}).merge(FIRMS.rename(columns={"id": "enterprise_id"}))
PRODUCTION["region"] = PRODUCTION["prefecture"]
STATS = pd.DataFrame({"region": ["100000", "100000"], "level": ["country"] * 2, "node_id": ["metal", "wire"],
                      "year": [2023, 2023], "value": [1000.0, 500.0], "source_id": ["nat", "nat"]})
BASELINES = pd.DataFrame({"region": ["100000", "A1"], "indicator": ["gdp", "gdp"], "year": [2023, 2023],
                          "value": [100.0, 5.0], "source_id": ["g", "g"]})
REGION = {"code": "A1", "name_zh": "甲", "name_en": "A", "level": "prefecture"}


def run(production, firms):
    return diagnose_frames(chain=CHAIN, nodes=NODES, links=LINKS, production=production, stats=STATS,
                           firm_regions=firms, region=REGION, baselines=BASELINES)


def test_baseline_and_overlay():
    base = run(PRODUCTION, FIRMS).nodes.set_index("node_id")
    assert base.loc["metal", "national_share"] == pytest.approx(0.3)
    assert base.loc["metal", "status"] == "strong" and base.loc["metal", "evidence"] == "firm output sum"
    assert base.loc["metal", "national_basis"] == "statistics (year of the firm figures)"
    overlay = run(PRODUCTION[PRODUCTION["enterprise_id"] != "P1"], FIRMS[FIRMS["id"] != "P1"]).nodes.set_index("node_id")
    assert overlay.loc["metal", "status"] == "unknown"
    assert overlay.loc["metal", "national_quantity"] == 1000.0
