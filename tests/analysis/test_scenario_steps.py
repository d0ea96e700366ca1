"""The what-if's pure steps on hand-built frames: collecting, settling, valuing the plants."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from chainatlas.analysis.scenario import Change, Scenario, collect_changes, io_plants, settle_changes

NODES = pd.DataFrame({"id": ["n.foil", "n.ingot"], "name_zh": ["箔", "锭"], "name_en": ["Foil", "Ingot"],
                      "unit": ["t", "t"], "unit_value": [40_000.0, 20_000.0], "unit_value_unit": ["yuan/t"] * 2,
                      "unit_value_year": [2020, 2023]}).set_index("id", drop=False)
# the baseline diagnosis's node rows: foil has an official national output, ingot only the atlas's firms
NATIONAL = pd.DataFrame({"national_quantity": [100_000.0, 5_000.0],
                         "national_basis": ["statistic (s1)", "atlas firms (3)"]}, index=["n.foil", "n.ingot"])


def test_collect_changes_orders_scenario_then_add_then_remove():
    own = Scenario("mine", [Change("add", node_id="n.ingot", output=1.0)])
    name, changes = collect_changes(own, add=["n.foil=2万吨"], remove=["firm-x:n.ingot"], local_sourcing=0.4,
                                    plant_region="371681", plant_year=2024)
    assert name == "mine"
    assert [c.action for c in changes] == ["add", "add", "remove"]
    foil = changes[1]
    assert (foil.output, foil.quantity_unit, foil.local_sourcing, foil.region, foil.year) == \
        (2.0, "万吨", 0.4, "371681", 2024)
    assert changes[2].enterprise_id == "firm-x" and changes[2].node_id == "n.ingot"
    assert collect_changes(None)[0] == "empty"
    assert collect_changes(None, add=["n.foil=1t"], remove=["f"])[0] == "+n.foil=1t; −f"


def test_settle_converts_units_fills_defaults_and_bounds_by_an_official_market():
    changes = [Change("add", node_id="n.foil", region="371600", output=20.0, quantity_unit="万吨"),
               Change("add", node_id="n.ingot", region="371600", output=9_000.0, quantity_unit="t"),
               Change("remove", enterprise_id="firm-x")]
    settled, warnings = settle_changes(changes, NODES, NATIONAL, "alu", 2023)
    foil, ingot, rm = settled
    assert foil.output == 100_000.0 and foil.year == 2023 and foil.unit_value == 40_000.0  # 20万吨 bounded to 10万 t
    assert "exceeds the national output" in warnings[0]
    assert ingot.output == 9_000.0  # a sum of the atlas's own firms bounds nothing
    assert warnings[1] == "n.ingot: no official national output, so the plant is not bounded by the market"
    assert rm == changes[2]


def test_a_node_outside_the_chain_is_said_to_change_nothing():
    _, warnings = settle_changes([Change("add", node_id="n.foil", region="371600", output=1.0)], NODES,
                                 NATIONAL.drop(index="n.foil"), "alu", 2023)
    assert warnings == ["n.foil is not a node of chain alu: it changes no status here"]


def test_io_plants_value_added_and_removed_plants_by_hand():
    add = Change("add", node_id="n.foil", region="371681", output=1_000.0, quantity_unit="t", unit_value=40_000.0,
                 local_sourcing=0.5)
    out = Change("add", node_id="n.foil", region="110000", output=1.0, quantity_unit="t", unit_value=1.0)
    rm = Change("remove", enterprise_id="firm-x")
    prod = pd.DataFrame({"enterprise_id": ["firm-x", "firm-x"], "node_id": ["n.ingot", "n.ingot"],
                         "year": [2021, 2022], "output": [np.nan, 300.0], "capacity": [500.0, 400.0]})
    sectors = {"n.foil": ["s33"], "n.ingot": ["s32", "s33"]}
    plants, rows, warnings = io_plants([add, out, rm], "371600", {"371600", "371681"}, NODES, sectors, 2020,
                                       {"firm-x": "371600"}, prod)
    # foil: 1,000 t × 40,000 yuan = 4,000 万元 in one sector; ingot removed: latest output 300 t × 20,000 yuan
    # = 600 万元 split over two sectors
    assert plants == [{"sector": "s33", "node_id": "n.foil", "amount": 4_000.0, "local_sourcing": 0.5},
                      {"sector": "s32", "node_id": "n.ingot", "amount": -300.0, "local_sourcing": None},
                      {"sector": "s33", "node_id": "n.ingot", "amount": -300.0, "local_sourcing": None}]
    assert [r["quantity"] for r in rows] == [1_000.0, 1.0, None]
    assert warnings == ["n.foil: the plant is outside 371600; no input-output impact for this region"]


def test_io_plants_warn_about_years_values_and_missing_sectors():
    c = Change("add", node_id="n.ingot", region="371600", output=10.0, quantity_unit="t", unit_value=25_000.0)
    _, _, warnings = io_plants([c], "371600", {"371600"}, NODES, {"n.ingot": ["s32"]}, 2020, {}, pd.DataFrame())
    assert warnings[0].startswith("n.ingot: the input-output impact values the plant at 25,000 yuan/t")
    assert warnings[1] == "n.ingot: unit value of 2023 applied to the 2020 table (fixed prices, not deflated)"
    _, _, warnings = io_plants([c], "371600", {"371600"}, NODES, {}, 2023, {}, pd.DataFrame())
    assert warnings[-1] == "n.ingot: no input-output sector declared in node_sectors.csv"


@pytest.mark.parametrize("where", ["110000", None])
def test_a_removed_plant_outside_the_region_has_no_impact(where):
    rm = Change("remove", enterprise_id="firm-x")
    plants, _, warnings = io_plants([rm], "371600", {"371600"}, NODES, {}, 2020,
                                    {"firm-x": where} if where else {}, pd.DataFrame())
    assert plants == [] and warnings == ["firm-x: the plant is outside 371600; no input-output impact here"]
