"""Opportunities of every region at once (``score_regions``) against the one-region scorer.

Hand-built chain (input → output): ore → metal → sheet → can, scrap → metal; a second link into
can (coating, unit kWh, no coefficient, so its cost does not count). Three regions of two provinces:

* r1 makes metal (present) and has sheet weak → candidates ore, sheet (strengthen), can, coating, scrap;
  ore is upstream of metal → supplement; can is downstream of metal → extend; scrap feeds metal → supplement.
* r2 makes nothing; its neighbour r1 in province p1 makes metal and sheet → market of ore is 0.5.
* r3 (province p2) makes can only.
"""

import json
import math

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from chainatlas.analysis.opportunities import (
    node_concentration,
    province_presence,
    score_candidates,
    score_regions,
)
from chainatlas.cli.main import app

LINKS = ["x.ore", "x.metal", "x.sheet", "x.can", "x.coating", "x.scrap"]


def _nodes() -> pd.DataFrame:
    return pd.DataFrame({
        "id": LINKS, "name_zh": ["矿", "金属", "板", "罐", "涂层", "废料"],
        "name_en": ["ore", "metal", "sheet", "can", "coating", "scrap"],
        "stage": ["upstream", "midstream", "midstream", "downstream", "midstream", "upstream"],
        "unit": ["t", "t", "t", "t", "kWh", "t"],
        "unit_value": [100.0, 1000.0, 1500.0, 4000.0, 1.0, 600.0],
    }).set_index("id", drop=False)


def _graph() -> nx.DiGraph:
    g = nx.DiGraph()
    g.add_nodes_from(LINKS)
    g.add_edge("x.ore", "x.metal", coefficient=4.0)
    g.add_edge("x.scrap", "x.metal", coefficient=math.nan)
    g.add_edge("x.metal", "x.sheet", coefficient=math.nan)
    g.add_edge("x.sheet", "x.can", coefficient=math.nan)
    g.add_edge("x.coating", "x.can", coefficient=math.nan)
    return g


def _inputs() -> dict:
    codes = ["r1", "r2", "r3"]
    status = pd.DataFrame([["missing", "present", "weak", "missing", "unknown", "missing"],
                           ["missing", "missing", "missing", "unknown", "missing", "missing"],
                           ["unknown", "missing", "missing", "strong", "missing", "missing"]],
                          index=codes, columns=LINKS)
    density = pd.DataFrame({"x.ore": [0.2, 0.1, 0.0], "x.can": [0.5, np.nan, 0.4]}, index=codes)  # others 0
    near = pd.DataFrame(False, index=codes, columns=LINKS)
    near.loc["r2", ["x.metal", "x.sheet"]] = True
    value = pd.DataFrame(1e9, index=codes, columns=LINKS)
    return {"regions": pd.DataFrame({"code": codes, "name_zh": ["甲", "乙", "丙"], "name_en": ["A", "B", "C"],
                                     "level": "prefecture"}),
            "status": status, "density": density, "near": near, "value": value,
            "hhi": {"x.ore": 0.5, "x.can": 1.0}, "capped": {"x.metal": "capped at 10 t"}}


def _all():
    d = _inputs()
    return score_regions(regions=d["regions"], chain_ids=["x"], nodes=_nodes(), graph=_graph(), status=d["status"],
                         density=d["density"], province_present=d["near"], node_hhi=d["hhi"],
                         national_value=d["value"], chain_of=dict.fromkeys(LINKS, "x"), level="prefecture",
                         capped=d["capped"])


def test_each_region_equals_the_one_region_scorer():
    d = _inputs()
    result = _all()
    for code in d["regions"]["code"]:
        st = d["status"].loc[code].to_dict()
        dens = d["density"].loc[code].to_dict()  # r2's can density is unknown (NaN) on both sides
        one = score_candidates(region={"code": code}, chain_ids=["x"], nodes=_nodes(), graph=_graph(), status=st,
                               density=dens, province_present=set(d["near"].columns[d["near"].loc[code]]),
                               node_hhi=d["hhi"], national_value=d["value"].loc[code].to_dict(),
                               chain_of=dict.fromkeys(LINKS, "x"), capped=d["capped"])
        pd.testing.assert_frame_equal(one.candidates, result.of(code).candidates, check_exact=True)


def test_hand_worked_components():
    c = _all().candidates.set_index(["region", "node_id"])
    # r1: actions by what it runs up- and downstream
    assert c.loc[("r1", "x.sheet"), "action"] == "strengthen"
    assert c.loc[("r1", "x.ore"), "action"] == "supplement"      # feeds metal, which r1 makes
    assert c.loc[("r1", "x.scrap"), "action"] == "supplement"
    assert c.loc[("r1", "x.can"), "action"] == "extend"          # metal upstream, nothing downstream
    assert c.loc[("r2", "x.can"), "action"] == "watch"
    # can's inputs: sheet (1500 t, 1:1) and coating (kWh, no coefficient → weight 1, cost unknown)
    assert math.isnan(c.loc[("r1", "x.can"), "uplift_per_unit"])
    assert c.loc[("r1", "x.can"), "input_coverage"] == pytest.approx(1500 / 1501)  # weak sheet counts as present
    # metal's uplift over 4 t ore and 1 t scrap: 1000 − 400 − 600 = 0
    assert c.loc[("r2", "x.metal"), "uplift_per_unit"] == 0.0
    # market: ore's output (metal) is made in r1 (1.0), only next door for r2 (0.5), nowhere near r3 (0)
    assert c.loc[("r1", "x.ore"), "market"] == 1.0
    assert c.loc[("r2", "x.ore"), "market"] == 0.5
    assert c.loc[("r3", "x.ore"), "market"] == 0.0
    assert c.loc[("r2", "x.metal"), "made_in_province"]
    assert c.loc[("r2", "x.ore"), "capped_input"] == "" and c.loc[("r2", "x.sheet"), "capped_input"] == \
        "x.metal: capped at 10 t"
    assert c.loc[("r1", "x.ore"), "openness"] == 0.5 and c.loc[("r1", "x.sheet"), "openness"] == 0.5
    assert c.loc[("r1", "x.can"), "openness"] == 0.0
    assert c.loc[("r1", "x.can"), "inputs_local"] == ["x.sheet"]
    assert c.loc[("r1", "x.can"), "inputs_missing"] == ["x.coating"]
    # ranks run 1..n within each region
    ranks = _all().candidates.groupby("region")["rank"].apply(list)
    assert ranks["r1"] == [1, 2, 3, 4, 5]


def test_node_concentration_is_a_herfindahl_index():
    counts = pd.DataFrame({"a": [3, 1], "b": [0, 2], "c": [0, 0]}, index=["r1", "r2"])
    hhi = node_concentration(counts)
    assert hhi["a"] == pytest.approx(0.75 ** 2 + 0.25 ** 2) and hhi["b"] == 1.0 and hhi["c"] == 0.0


def test_province_presence_leaves_the_region_itself_out():
    pairs = pd.DataFrame({"node_id": ["a", "a", "b", "c"], "province": ["p1", "p1", "p1", "p2"],
                          "prefecture": ["r1", "r2", "r1", None]})
    province = pd.Series(["p1", "p1", "p2", None], index=["r1", "r2", "r3", "r4"])
    near = province_presence(pairs, "prefecture", province, ["a", "b", "c"])
    assert near.loc["r1"].tolist() == [True, False, False]   # a also in r2; b only in r1 itself
    assert near.loc["r2"].tolist() == [True, True, False]
    assert near.loc["r3"].tolist() == [False, False, True]   # c made at province level in p2
    assert not near.loc["r4"].any()


@pytest.mark.parametrize(("chain", "level"), [("alu", "prefecture"), ("alu", "county"), ("alu", "province")])
def test_fixture_atlas_every_region_matches(fixture_atlas, chain, level):
    result = fixture_atlas.opportunities_all(chain, level)
    assert len(result.regions)
    for code in result.regions["code"]:
        one = fixture_atlas.opportunities(code, chain).candidates
        pd.testing.assert_frame_equal(one, result.of(code).candidates, check_exact=True)


def test_shipped_regions_match_their_rows(shipped):
    cases = {"aluminium": ["371600", "371500", "150200"], "copper": ["340700", "361100", "360600"]}
    for chain, codes in cases.items():
        result = shipped.opportunities_all(chain, "prefecture")
        assert len(result.regions) > 300
        for code in codes:
            one = shipped.opportunities(code, chain).candidates
            assert len(one)
            pd.testing.assert_frame_equal(one, result.of(code).candidates, check_exact=True)


def test_cli_all_writes_parquet_and_json(fixture_db, fixture_atlas, tmp_path):
    every = fixture_atlas.opportunities_all("alu", "prefecture")
    for name in ("o.parquet", "o.json"):
        out = tmp_path / name
        result = CliRunner().invoke(app, ["--db", str(fixture_db), "opportunities", "--all", "--level", "prefecture",
                                          "--chain", "alu", "--out", str(out)])
        assert result.exit_code == 0, result.output
    table = pd.read_parquet(tmp_path / "o.parquet")
    assert len(table) == len(every.candidates)
    assert table["score"].tolist() == every.candidates["score"].tolist()
    assert set(table.loc[table["region"] == "371600", "region_name_zh"]) == {"滨州市"}
    data = json.loads((tmp_path / "o.json").read_text(encoding="utf-8"))
    assert len(data["candidates"]) == len(every.candidates)
    missing = CliRunner().invoke(app, ["--db", str(fixture_db), "opportunities", "--all"])
    assert missing.exit_code != 0 and "--chain" in missing.output
