"""The briefing facade on the fixture atlas: plan targets imported as a kind, series, lists' figures."""

import math

import pandas as pd
import pytest

from chainatlas.errors import ImportRowError


def _import(atlas, tmp_path, kind, text):
    path = tmp_path / f"{kind}.csv"
    path.write_text(text, encoding="utf-8")
    return atlas.import_file(kind, path)


def test_plan_target_kind_is_imported_and_judged_against_the_actual(writable_fixture, tmp_path):
    a = writable_fixture
    _import(a, tmp_path, "observations",
            "subject_kind,subject_id,node_id,indicator,year,value,unit,source_id\n"
            "region,371600,alu.primary,output,2022,100,万吨,fx-stat\n"
            "region,371600,alu.primary,output,2023,120,万吨,fx-stat\n"
            "region,100000,alu.primary,output,2022,380,万吨,fx-stat\n")
    _import(a, tmp_path, "plan_targets",
            "region,park,indicator,node_id,target,unit,comparator,target_year,source_id\n"
            "371600,,output,alu.primary,1.0,Mt,>=,2025,fx-stat\n"
            "371600,铝园,output,alu.primary,2,Mt,>=,2030,fx-stat\n")
    assert a.counts()["plan_targets"] == 2
    rows = a.plan_progress("滨州", as_of=2026).rows.set_index("park")
    assert rows.loc["", "actual"] == pytest.approx(1.2) and rows.loc["", "actual_year"] == 2023  # 120 万吨 = 1.2 Mt
    assert rows.loc["", "status"] == "met" and rows.loc["", "progress"] == pytest.approx(1.2)
    assert rows.loc["铝园", "status"] == "open"  # 1.2 of 2 Mt, due 2030
    s = a.series("滨州", "output", "电解铝").rows.set_index("year")
    assert s.loc[2023, "region_growth"] == pytest.approx(20.0)
    assert s.loc[2023, "national_growth"] == pytest.approx(400 / 380 * 100 - 100)
    assert s.loc[2023, "share"] == pytest.approx(30.0)  # 120 of 400 万吨


def test_plan_target_import_names_the_bad_row(writable_fixture, tmp_path):
    with pytest.raises(ImportRowError, match="target_year"):
        _import(writable_fixture, tmp_path, "plan_targets",
                "region,indicator,target,unit,target_year,source_id\n371600,output,1,Mt,soon,fx-stat\n")


def test_lists_figures_follow_the_tables(fixture_atlas):
    lists = fixture_atlas.lists("滨州", "alu")
    prod = fixture_atlas.tables["production"][["enterprise_id", "node_id"]].drop_duplicates()
    groups = prod.assign(g=prod["enterprise_id"].map(fixture_atlas.firm_groups)).groupby("node_id")["g"].nunique()
    for rec in lists.chokepoints.to_dict(orient="records"):
        assert rec["domestic_makers"] == int(groups.get(rec["node_id"], 0))
        if rec["domestic_makers"] <= 3:
            assert rec["chokepoint"] is True
    inside = set(fixture_atlas.descendants("371600")) | {p["code"] for p in fixture_atlas.parents("371600")}
    assert not set(lists.partners["code"]) & inside  # never itself or its own parts
    d = list(lists.partners["distance_km"])
    assert d == sorted(d, key=lambda x: math.inf if pd.isna(x) else x)  # nearest first
    local = set(fixture_atlas.diagnose("滨州", "alu").firms["enterprise_id"])
    assert set(lists.leading["enterprise_id"]) <= local
