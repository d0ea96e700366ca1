"""Opportunities and target lists on the fixture atlas (hand-checkable) and the shipped atlas.

Fixture, Binzhou × toy aluminium: missing links are bauxite, foil, furniture and wheels.
  value uplift per tonne over inputs (coefficients 1:1 where unknown): foil 26,000 − 19,000 = 7,000,
  furniture 99,000 − 19,000 = 80,000, bauxite 450 (no inputs), wheels unknown (no unit value)
  → percentiles among t-nodes with a value: bauxite 1/3, foil 2/3, furniture 1.
  Inputs all local (primary aluminium) for foil, furniture, wheels; none for bauxite.
  Market: bauxite's output (alumina) is made locally → 1.0; the others' outputs are outside the
  chain → 0.5.
"""

import json

import openpyxl
import pytest
from typer.testing import CliRunner

from chainatlas.cli.main import app
from chainatlas.errors import ChainAtlasError
from chainatlas.report.labels import header as header_label


def test_binzhou_fixture_ranking(fixture_atlas):
    o = fixture_atlas.opportunities("滨州", "alu")
    c = o.candidates.set_index("node_id")
    assert set(c.index) == {"alu.bauxite", "alu.foil", "alu.furniture", "alu.wheel"}
    assert o.candidates.iloc[0]["node_id"] == "alu.furniture"  # inputs all local, largest uplift
    assert c.loc["alu.furniture", "uplift_per_unit"] == 80_000
    assert c.loc["alu.foil", "uplift_per_unit"] == 7_000
    assert c.loc["alu.furniture", "value_uplift"] == pytest.approx(1.0)
    assert c.loc["alu.bauxite", "value_uplift"] == pytest.approx(1 / 3)
    assert c.loc["alu.furniture", "input_coverage"] == 1.0 and c.loc["alu.bauxite", "input_coverage"] == 0.0
    assert c.loc["alu.bauxite", "market"] == 1.0 and c.loc["alu.foil", "market"] == 0.5
    assert c.loc["alu.bauxite", "action"] == "supplement" and c.loc["alu.furniture", "action"] == "extend"
    assert c.loc["alu.furniture", "label_zh"] == "延链"


def test_weights_change_the_ranking_as_documented(fixture_atlas):
    by_market = fixture_atlas.opportunities("滨州", "alu", weights={
        "value_uplift": 0, "density": 0, "input_coverage": 0, "market": 1, "openness": 0})
    assert by_market.candidates.iloc[0]["node_id"] == "alu.bauxite"
    with pytest.raises(ChainAtlasError, match="unknown score component"):
        fixture_atlas.opportunities("滨州", "alu", weights={"luck": 1})


def test_strengthen_weak_links(fixture_atlas):
    o = fixture_atlas.opportunities("聊城", "alu")
    c = o.candidates.set_index("node_id")
    assert c.loc["alu.primary", "action"] == "strengthen" and c.loc["alu.primary", "status"] == "weak"
    assert "alu.alumina" not in c.index  # present links are not candidates


def test_capped_inputs_are_named(fixture_atlas):
    c = fixture_atlas.opportunities("滨州", "alu").candidates.set_index("node_id")
    assert "alu.primary: national capacity capped at 4,500,000 t (2023, fx-stat)" == c.loc["alu.foil", "capped_input"]
    assert c.loc["alu.bauxite", "capped_input"] == ""


def test_recycling_loop_is_supplement_when_the_belt_runs():
    import networkx as nx

    from chainatlas.analysis.opportunities import classify_action

    g = nx.DiGraph([("cu.scrap", "cu.recycled-rod"), ("cu.recycled-rod", "cu.wire"), ("cu.cathode", "cu.rod"),
                    ("cu.rod", "cu.wire"), ("cu.concentrate", "cu.blister")])
    assert classify_action("cu.recycled-rod", "unknown", g, {"cu.rod"}) == "supplement"  # rod shares its output
    assert classify_action("cu.scrap", "unknown", g, {"cu.wire"}) == "supplement"
    assert classify_action("cu.recycled-rod", "unknown", g, {"cu.concentrate"}) == "watch"
    assert classify_action("cu.blister", "unknown", g, {"cu.concentrate"}) == "extend"


def test_quadrant_points(fixture_atlas):
    q = fixture_atlas.opportunities("滨州", "alu").quadrant()
    assert {p["node_id"] for p in q["points"]} == {"alu.bauxite", "alu.foil", "alu.furniture", "alu.wheel"}
    assert all(0 <= p["x"] <= 1 and 0 <= p["y"] <= 1 for p in q["points"])


def test_targets_exclude_local_firms(fixture_atlas):
    t = fixture_atlas.targets("滨州", "alu.primary")
    ids = list(t.targets["id"])
    assert "fx-hongqiao" not in ids  # in Zouping, inside Binzhou
    assert set(ids) == {"fx-xinfa", "fx-baotou-al"}
    # Baotou Smelter is bigger (100 vs 40 万吨) and listed: it ranks first
    assert ids[0] == "fx-baotou-al"
    first = t.targets.iloc[0]
    assert "上市公司" in first["reason_zh"] and "listed" in first["reason_en"]
    liaocheng = t.targets.set_index("id").loc["fx-xinfa"]
    assert liaocheng["same_province"] and "同省" in liaocheng["reason_zh"]


def test_target_for_a_link_nobody_makes(fixture_atlas):
    t = fixture_atlas.targets("滨州", "alu.wheel")
    assert t.targets.empty and "no firm" in t.reason


def test_targets_cli_json_and_excel(fixture_db, fixture_atlas, tmp_path):
    xlsx = tmp_path / "t.xlsx"
    result = CliRunner().invoke(app, ["--db", str(fixture_db), "targets", "滨州", "--node", "电解铝", "--json",
                                      "--xlsx", str(xlsx)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == json.loads(fixture_atlas.targets("滨州", "alu.primary").to_json())
    wb = openpyxl.load_workbook(xlsx)
    assert wb.sheetnames[0] == "电解铝" and "links" in wb.sheetnames and "sources" in wb.sheetnames
    header = [c.value for c in wb["电解铝"][1]]
    for column in ("name_zh", "name_en", "region_name_zh", "listed", "high_tech", "chain_link", "provinces",
                   "distance_km", "reason_zh", "reason_en", "source_id"):
        assert header_label(column) in header  # Chinese-first headers
    assert wb["电解铝"].max_row == 3  # header + two firms


def test_opportunities_cli_json(fixture_db, fixture_atlas):
    result = CliRunner().invoke(app, ["--db", str(fixture_db), "opportunities", "滨州", "--chain", "alu", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == json.loads(fixture_atlas.opportunities("滨州", "alu").to_json())


def test_shipped_binzhou_extends_into_deep_processing(shipped):
    o = shipped.opportunities("滨州", "aluminium")
    top = o.candidates.head(5)
    assert "aluminium.primary" not in set(o.candidates["node_id"])  # no further primary capacity
    assert (top["stage"] != "upstream").sum() >= 3
    assert {"aluminium.cable-lv", "aluminium.foil-battery", "aluminium.furniture"} & set(top["node_id"])


def test_shipped_tongling_copper_foil(shipped):
    o = shipped.opportunities("铜陵", "copper")
    assert o.candidates.iloc[0]["node_id"] in {"copper.foil-battery", "copper.foil-pcb", "copper.strip"}
    t = shipped.targets("铜陵", "copper.foil-battery")
    assert len(t.targets) >= 3
    inside = set(shipped.enterprises_in("340700")["id"])
    assert not inside & set(t.targets["id"])
