"""What-if scenarios: an overlay that never writes, before → after, and the input-output impact."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from chainatlas import open_atlas
from chainatlas.analysis.scenario import change_from_flag, parse_quantity, scenario_from_dict
from chainatlas.errors import ChainAtlasError

# Test-only size figures (not real statistics): Binzhou is 0.3 % of a nation whose GDP is the 2020
# table's value added, with industry a larger share of its economy than of the nation's.
BASELINES = """subject_kind,subject_id,node_id,indicator,year,value,unit,source_id,note
region,371600,,gdp,2020,3000,亿元,test-baselines,test figure
region,100000,,gdp,2020,1016422,亿元,test-baselines,test figure
region,371600,,industrial_value_added,2020,0.12,万亿元,test-baselines,test figure
region,100000,,industrial_value_added,2020,31,万亿元,test-baselines,test figure
"""
SOURCE = "id,title,publisher,date,kind,url,note\ntest-baselines,Test baselines,tests,2024,dataset,,not real\n"


@pytest.fixture(scope="module")
def sized_db(shipped_db, tmp_path_factory):
    folder = tmp_path_factory.mktemp("whatif")
    path = folder / "atlas.duckdb"
    shutil.copy(shipped_db, path)
    (folder / "src.csv").write_text(SOURCE, encoding="utf-8")
    (folder / "obs.csv").write_text(BASELINES, encoding="utf-8")
    atlas = open_atlas(path)
    atlas.import_file("sources", folder / "src.csv")
    atlas.import_file("observations", folder / "obs.csv")
    atlas.close()
    return path


@pytest.fixture()
def sized(sized_db):
    atlas = open_atlas(sized_db, read_only=True)
    yield atlas
    atlas.close()


FOIL = "aluminium.foil-battery=50000t"


def test_empty_scenario_equals_baseline(sized):
    w = sized.whatif("滨州", "aluminium")
    d = w.diagnosis
    assert not any(n["changed"] for n in d["nodes"])
    assert all(n["quantity_before"] == n["quantity_after"] or (pd.isna(n["quantity_before"])
                                                               and pd.isna(n["quantity_after"])) for n in d["nodes"])
    assert d["coverage"]["before"] == d["coverage"]["after"]
    assert d["rank"]["by_value_before"] == d["rank"]["by_value_after"]
    assert w.impact is None


def test_store_is_not_touched(sized):
    counts = sized.counts()
    before = sized.diagnose("滨州", "aluminium").to_dict()
    sized.whatif("滨州", "aluminium", add=[FOIL])
    assert sized.counts() == counts
    assert not sized.tables["production"]["source_id"].eq("whatif-scenario").any()
    assert sized.diagnose("滨州", "aluminium").to_dict()["nodes"] == before["nodes"]


def test_battery_foil_plant_fills_a_missing_link(sized):
    w = sized.whatif("滨州", "aluminium", add=[FOIL])
    node = next(n for n in w.diagnosis["nodes"] if n["node_id"] == "aluminium.foil-battery")
    assert node["status_before"] in ("missing", "unknown") and node["status_after"] not in ("missing", "unknown")
    assert node["quantity_after"] == pytest.approx(50000)
    n = sum(not x.get("external_input") for x in sized.diagnose("滨州", "aluminium").to_dict()["nodes"])
    assert w.diagnosis["coverage"]["after"] == pytest.approx(w.diagnosis["coverage"]["before"] + 1 / n)
    ladder = next(lad for lad in w.diagnosis["ladders"] if lad["path"][-1] == "aluminium.foil-battery")
    assert ladder["today_after"] > ladder["today_before"]
    text = repr(w)
    assert "input-output impact" in text and "no displacement" in text and "fixed prices" in text


def test_impact_figures_by_hand(sized):
    w = sized.whatif("滨州", "aluminium", add=[FOIL])
    t = w.impact["totals"]
    # 50,000 t × 36,000 yuan/t (the node's unit value) = 18 亿元 = 180,000 万元 of new output in sector 065
    assert t["direct_output"] == pytest.approx(50000 * 36000 / 1e4)
    assert w.impact["plants"][0]["sector"] == "065"
    table, _ = sized.io_table()
    k = table.index_of("065")
    assert t["direct_value_added"] == pytest.approx(180000 * table.value_added[k] / table.x[k])
    assert t["direct_compensation"] == pytest.approx(180000 * table.compensation[k] / table.x[k])
    lo, hi = w.impact["low"], w.impact["high"]
    for key in ("total_output", "total_value_added", "total_compensation"):
        assert lo[key] <= t[key] <= hi[key]
        assert lo[key] < hi[key]   # a regionalised table: the δ band is a real band
    # regionalised: less than the national (upper-bound) impact
    national = sized.io(None).solved
    from chainatlas.analysis.io import output_impact

    assert t["total_output"] < output_impact(national, k, 180000)["total_output"]
    assert w.io["basis"].startswith("industry sectors")


def test_doubling_a_plant_doubles_its_impact(sized):
    one = sized.whatif("滨州", "aluminium", add=[FOIL]).impact
    two = sized.whatif("滨州", "aluminium", add=["aluminium.foil-battery=10万吨"]).impact
    for part in ("totals", "low", "high"):
        for key, value in one[part].items():
            assert two[part][key] == pytest.approx(2 * value)


def test_local_sourcing_share(sized):
    none = sized.whatif("滨州", "aluminium", add=[FOIL], local_sourcing=0.0).impact["totals"]
    assert none["indirect_output"] == 0 and none["total_output"] == none["direct_output"]
    full = sized.whatif("滨州", "aluminium", add=[FOIL], local_sourcing=1.0).impact["totals"]
    half = sized.whatif("滨州", "aluminium", add=[FOIL], local_sourcing=0.5).impact["totals"]
    assert 0 < half["indirect_output"] < full["indirect_output"]
    assert half["indirect_value_added"] == pytest.approx(full["indirect_value_added"] / 2)


def test_plant_bounded_by_national_market(sized):
    w = sized.whatif("滨州", "aluminium", add=["aluminium.primary=100000万吨"])
    assert any("exceeds the national output" in x for x in w.warnings)
    primary = next(c for c in w.changes if c["node_id"] == "aluminium.primary")
    national = sized.diagnose("滨州", "aluminium").nodes.set_index("node_id").loc["aluminium.primary",
                                                                                  "national_quantity"]
    assert primary["quantity"] == pytest.approx(national)


def test_removing_a_plant(sized):
    # Yunnan Shenhuo's Funing smelter: 90万吨 of primary capacity booked at the plant (Wenshan)
    w = sized.whatif("文山", "aluminium", remove=["yunnan-shenhuo:aluminium.primary"])
    uv = sized.tables["nodes"].set_index("id").loc["aluminium.primary", "unit_value"]
    assert w.impact["totals"]["direct_output"] == pytest.approx(-900000 * uv / 1e4)
    assert w.impact["totals"]["total_value_added"] < 0
    with pytest.raises(ChainAtlasError, match="unknown enterprise"):
        sized.whatif("滨州", "aluminium", remove=["no-such-firm"])


def test_scenario_file(sized, tmp_path):
    path = tmp_path / "s.toml"
    path.write_text('name = "foil and rod"\n[[changes]]\nnode = "aluminium.foil-battery"\noutput = "5万吨"\n'
                    'local_sourcing = 0.4\n[[changes]]\naction = "add"\nnode = "电工圆铝杆"\ncapacity = 100000\n',
                    encoding="utf-8")
    w = sized.whatif("滨州", "铝", scenario=path)
    assert w.scenario == {"name": "foil and rod", "changes": 2}
    assert len(w.impact["plants"]) == 2
    assert w.impact["plants"][0]["amount"] == pytest.approx(180000)


def test_scenario_errors_name_change_and_field():
    with pytest.raises(ChainAtlasError, match="change 2 field 'local_sourcing'"):
        scenario_from_dict({"changes": [{"node": "a", "output": 1}, {"node": "a", "output": 1, "local_sourcing": 3}]})
    with pytest.raises(ChainAtlasError, match="change 1 field 'outptu'"):
        scenario_from_dict({"changes": [{"node": "a", "outptu": 1}]})
    with pytest.raises(ChainAtlasError, match="NODE=QUANTITY"):
        change_from_flag("aluminium.foil-battery")
    assert parse_quantity("5万吨") == (5.0, "万吨")
    assert parse_quantity("50,000 t") == (50000.0, "t")


def test_without_baselines_the_result_warns(shipped_db, tmp_path):
    path = tmp_path / "bare.duckdb"
    shutil.copy(shipped_db, path)
    atlas = open_atlas(path)
    atlas.store.con.execute("DELETE FROM observations WHERE subject_kind = 'region' AND subject_id = '371600' "
                            "AND indicator IN ('gdp', 'industrial_value_added', 'population_resident')")
    atlas.close()
    atlas = open_atlas(path, read_only=True)
    w = atlas.whatif("滨州", "aluminium", add=[FOIL])
    atlas.close()
    assert any("upper bounds" in x for x in w.io["warnings"])
    lo, hi = w.impact["low"]["total_output"], w.impact["high"]["total_output"]
    assert lo == pytest.approx(hi)


def test_cli_whatif_and_io(sized_db):
    from chainatlas.cli.main import app

    runner = CliRunner()
    out = runner.invoke(app, ["--db", str(sized_db), "whatif", "滨州", "--chain", "aluminium", "--add", FOIL])
    assert out.exit_code == 0, out.output
    assert ("missing → " in out.output or "unknown → " in out.output) and "value added" in out.output and "caveat" in out.output
    js = runner.invoke(app, ["--db", str(sized_db), "io", "multipliers", "--region", "滨州", "--json"])
    assert js.exit_code == 0, js.output
    import json

    doc = json.loads(js.output)
    assert len(doc["sectors"]) == 153 and doc["method"] == "aflq"
    bad = runner.invoke(app, ["--db", str(sized_db), "whatif", "滨州", "--chain", "aluminium", "--add", "nope=5t"])
    assert bad.exit_code == 1


def test_io_on_nation_is_the_national_table(sized):
    r = sized.io()
    assert r.totals["value_added"] / 1e4 == pytest.approx(1_016_422, abs=1)
    np.testing.assert_allclose(r.sectors["output_multiplier_low"], r.sectors["output_multiplier_high"])
    assert sized.io(table=2017).table["sectors"] == 149
    assert sized.io(table="nbs-2018-153").table["year"] == 2018


def test_plant_in_a_county_as_capacity_and_unit_value(sized):
    base = sized.whatif("滨州", "aluminium", add=[FOIL])
    w = sized.whatif("滨州", "aluminium", add=[FOIL], plant_region="滨城区", as_capacity=True, unit_value=30000)
    change = w.changes[0]
    assert change["capacity"] == 50000 and change["output"] is None
    assert change["region"] == sized.resolve_region("滨城区")
    assert w.impact["totals"]["direct_output"] == pytest.approx(50000 * 30000 / 1e4)
    assert w.diagnosis["coverage"] == base.diagnosis["coverage"]
    outside = sized.whatif("滨州", "aluminium", add=[FOIL], plant_region="包头")
    assert outside.impact is None and any("outside" in x for x in outside.warnings)
