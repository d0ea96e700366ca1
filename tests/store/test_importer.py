"""Import validation: every problem named by file, row and field; nothing written on error."""

import json

import pandas as pd
import pytest

from chainatlas import ImportRowError, open_atlas

REGION_HEADER = "code,name_zh,name_en,short_zh,level,parent,lon,lat\n"
FIRM_HEADER = "id,name_zh,name_en,region,listed,exchange,stock_code,high_tech,above_size,uscc,source_id,note\n"


def _firms(n_good: int, bad_row: str | None = None, at: int = 7) -> str:
    rows = [f"f{i},企业{i},Firm {i},371600,false,,,,true,,fx-report,\n" for i in range(1, n_good + 1)]
    if bad_row is not None:
        rows.insert(at - 1, bad_row)
    return FIRM_HEADER + "".join(rows)


def test_csv_error_on_row_7_names_file_row_field_and_changes_nothing(writable_fixture, tmp_path):
    before = writable_fixture.counts()
    path = tmp_path / "firms.csv"
    path.write_text(_firms(9, "fbad,企业7,Firm 7,999999,false,,,,true,,fx-report,\n", at=7), encoding="utf-8")
    with pytest.raises(ImportRowError) as info:
        writable_fixture.import_file("enterprises", path)
    err = info.value
    assert (err.file, err.row, err.field) == (str(path), 7, "region")
    assert "firms.csv row 7 field 'region'" in str(err) and "'999999'" in str(err)
    assert "existing region" in str(err)
    assert writable_fixture.counts() == before


def test_all_problems_are_collected(writable_fixture, tmp_path):
    before = writable_fixture.counts()
    path = tmp_path / "firms.csv"
    body = FIRM_HEADER + (
        "a,甲,A,371600,maybe,,,,true,,fx-report,\n"     # row 1: bad bool
        ",乙,B,371600,false,,,,true,,fx-report,\n"       # row 2: missing id
        "c,丙,C,371600,false,,,,true,,no-such-source,\n"  # row 3: unknown source
    )
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ImportRowError) as info:
        writable_fixture.import_file("enterprises", path)
    where = {(p.row, p.field) for p in info.value.problems}
    assert {(1, "listed"), (2, "id"), (3, "source_id")} <= where
    assert writable_fixture.counts() == before


def test_bad_unit_is_refused(writable_fixture, tmp_path):
    before = writable_fixture.counts()
    path = tmp_path / "prod.csv"
    path.write_text(
        "enterprise_id,node_id,year,capacity,output,quantity_unit,revenue,revenue_unit,source_id,note\n"
        "fx-hongqiao,alu.rod,2023,,5,万吨,,,fx-report,\n"
        "fx-hongqiao,alu.cable,2023,,5,furlongs,,,fx-report,\n"
        "fx-hongqiao,alu.foil,2023,,5,亿元,,,fx-report,\n", encoding="utf-8")
    with pytest.raises(ImportRowError) as info:
        writable_fixture.import_file("production", path)
    problems = {(p.row, p.field): p for p in info.value.problems}
    assert (2, "quantity_unit") in problems and "furlongs" in str(problems[(2, "quantity_unit")])
    assert (3, "quantity_unit") in problems and "compatible with t" in str(problems[(3, "quantity_unit")])
    assert (1, "quantity_unit") not in problems
    assert writable_fixture.counts() == before


def test_missing_required_column(writable_fixture, tmp_path):
    before = writable_fixture.counts()
    path = tmp_path / "regions.csv"
    path.write_text("code,name_zh,level\n371602,滨城区,county\n", encoding="utf-8")
    with pytest.raises(ImportRowError, match="field 'name_en'.*required"):
        writable_fixture.import_file("regions", path)
    assert writable_fixture.counts() == before


def test_duplicate_id_is_refused(writable_fixture, tmp_path):
    before = writable_fixture.counts()
    path = tmp_path / "firms.csv"
    path.write_text(FIRM_HEADER + "d1,甲,A,371600,,,,,,,,\nd1,乙,B,371600,,,,,,,,\n", encoding="utf-8")
    with pytest.raises(ImportRowError) as info:
        writable_fixture.import_file("enterprises", path)
    assert info.value.row == 2 and "also on" in str(info.value) and "row 1" in str(info.value)
    assert writable_fixture.counts() == before


def test_cycle_in_links_is_refused_and_named(writable_fixture, tmp_path):
    before = writable_fixture.counts()
    path = tmp_path / "links.csv"
    path.write_text("source_node,target_node,coefficient,coefficient_unit,source_id\n"
                    "alu.cable,alu.primary,,,\n", encoding="utf-8")
    with pytest.raises(ImportRowError) as info:
        writable_fixture.import_file("links", path)
    message = str(info.value)
    assert "cycle" in message and "alu.primary → alu.rod → alu.cable → alu.primary" in message
    assert info.value.row == 1
    assert writable_fixture.counts() == before


def test_dry_run_reports_and_writes_nothing(writable_fixture, tmp_path):
    before = writable_fixture.counts()
    path = tmp_path / "regions.csv"
    path.write_text(REGION_HEADER + "371602,滨城区,Bincheng District,滨城,county,371600,,\n"
                    "371600,滨州市,Binzhou City,滨州,prefecture,370000,,\n", encoding="utf-8")
    report = writable_fixture.import_file("regions", path, dry_run=True)
    assert report.added["regions"] == 1 and report.updated["regions"] == 1
    assert writable_fixture.counts() == before


def test_upsert_replaces_by_id(writable_fixture, tmp_path):
    path = tmp_path / "regions.csv"
    path.write_text(REGION_HEADER + "371600,滨州市,Binzhou City,滨州,prefecture,370000,,\n", encoding="utf-8")
    before = writable_fixture.counts()["regions"]
    report = writable_fixture.import_file("regions", path)
    assert report.updated["regions"] == 1
    assert writable_fixture.counts()["regions"] == before
    assert writable_fixture.region("371600").region["name_en"] == "Binzhou City"


def test_units_are_converted_on_import(writable_fixture, tmp_path):
    path = tmp_path / "prod.csv"
    path.write_text(
        "enterprise_id,node_id,year,capacity,output,quantity_unit,revenue,revenue_unit,source_id,note\n"
        "fx-rodworks,alu.rod,2022,30,2.5,万吨,3,亿元,fx-report,\n", encoding="utf-8")
    writable_fixture.import_file("production", path)
    row = writable_fixture.table("production").query("year == 2022").iloc[0]
    assert (row["capacity"], row["output"], row["quantity_unit"]) == (300_000, 25_000, "t")
    assert (row["revenue"], row["revenue_unit"]) == (3e8, "yuan")


def test_column_mapping_constants_and_formats(tmp_path):
    atlas = open_atlas(tmp_path / "m.duckdb", seed=False)
    rows = [{"编码": "100000", "名称": "中国", "英文": "China", "级别": "country"},
            {"编码": "370000", "名称": "山东省", "英文": "Shandong", "级别": "province", "上级": "100000"}]
    mapping = {"code": "编码", "name_zh": "名称", "name_en": "英文", "level": "级别", "parent": "上级"}
    json_path = tmp_path / "r.json"
    json_path.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    atlas.import_file("region", json_path, mapping=mapping)
    assert atlas.counts()["regions"] == 2
    xlsx = tmp_path / "r.xlsx"
    pd.DataFrame([{"编码": "371600", "名称": "滨州市", "英文": "Binzhou", "级别": "prefecture", "上级": "370000"}]
                 ).to_excel(xlsx, index=False)
    atlas.import_file("regions", xlsx, mapping=mapping)
    parquet = tmp_path / "r.parquet"
    pd.DataFrame([{"code": "371681", "name_zh": "邹平市", "name_en": "Zouping", "level": "county",
                   "parent": "371600"}]).to_parquet(parquet)
    atlas.import_file("regions", parquet)
    jsonl = tmp_path / "s.jsonl"
    jsonl.write_text('{"id": "s1", "title": "T", "publisher": "P"}\n{"id": "s2", "title": "U", "publisher": "Q"}\n',
                     encoding="utf-8")
    atlas.import_file("sources", jsonl, constants={"kind": "statistics"})
    assert atlas.counts()["regions"] == 4 and atlas.counts()["sources"] == 2
    assert set(atlas.table("sources")["kind"]) == {"statistics"}
    assert atlas.resolve_region("邹平") == "371681"
    atlas.close()


def test_skip_invalid_keeps_good_rows_and_lists_the_rest(writable_fixture, tmp_path):
    path = tmp_path / "firms.csv"
    path.write_text(_firms(3, "bad,坏,Bad,999999,,,,,,,,\n", at=2), encoding="utf-8")
    before = writable_fixture.counts()["enterprises"]
    report = writable_fixture.import_file("enterprises", path, on_error="skip")
    assert writable_fixture.counts()["enterprises"] == before + 3
    assert [(p.row, p.field) for p in report.skipped] == [(2, "region")]


def test_region_hierarchy_cycle_is_refused(writable_fixture, tmp_path):
    before = writable_fixture.counts()
    path = tmp_path / "regions.csv"
    path.write_text(REGION_HEADER + "371697,甲,A,甲,county,371698,,\n371698,乙,B,乙,county,371697,,\n"
                    "371699,丙,C,丙,county,371699,,\n", encoding="utf-8")
    with pytest.raises(ImportRowError) as info:
        writable_fixture.import_file("regions", path)
    messages = [str(p) for p in info.value.problems]
    assert any("below itself" in m for m in messages)
    assert any("row 3 field 'parent'" in m and "other than the region itself" in m for m in messages)
    assert writable_fixture.counts() == before


def test_blank_lines_keep_row_numbers(writable_fixture, tmp_path):
    path = tmp_path / "firms.csv"
    path.write_text(FIRM_HEADER + "b1,甲,A,371600,,,,,,,,\n\n" + "b2,乙,B,999999,,,,,,,,\n", encoding="utf-8")
    with pytest.raises(ImportRowError) as info:
        writable_fixture.import_file("enterprises", path)
    assert info.value.row == 3  # line 4 of the file: the blank line still counts


def test_float_coded_ids_and_bad_years(writable_fixture, tmp_path):
    parquet = tmp_path / "f.parquet"
    pd.DataFrame([{"id": "pq1", "name_zh": "甲", "name_en": "A", "region": 371600.0, "stock_code": 600362.0}]
                 ).to_parquet(parquet)
    writable_fixture.import_file("enterprises", parquet)
    firm = writable_fixture.table("enterprises").set_index("id").loc["pq1"]
    assert (firm["region"], firm["stock_code"]) == ("371600", "600362")
    path = tmp_path / "prod.csv"
    path.write_text("enterprise_id,node_id,year,capacity,output,quantity_unit,revenue,revenue_unit,source_id,note\n"
                    "pq1,alu.rod,2023.5,,\"1,5\",万吨,,,fx-report,\n", encoding="utf-8")
    with pytest.raises(ImportRowError) as info:
        writable_fixture.import_file("production", path)
    fields = {p.field for p in info.value.problems}
    assert {"year", "output"} <= fields  # a fractional year and "1,5" are errors, not guesses


def test_incompatible_units_are_refused(writable_fixture, tmp_path):
    path = tmp_path / "obs.csv"
    path.write_text("subject_kind,subject_id,node_id,indicator,year,value,unit,source_id,note\n"
                    "region,140400,,rd_spending_above_size,2022,5,t,fx-stat,\n", encoding="utf-8")
    with pytest.raises(ImportRowError, match="same kind as the indicator"):
        writable_fixture.import_file("observations", path)
    links = tmp_path / "links.csv"
    links.write_text("source_node,target_node,coefficient,coefficient_unit,source_id\n"
                     "alu.primary,alu.wheel,1010,kg/t,fx-price\n", encoding="utf-8")
    writable_fixture.import_file("links", links)
    row = writable_fixture.table("links").set_index(["source_node", "target_node"]).loc[("alu.primary", "alu.wheel")]
    assert (row["coefficient"], row["coefficient_unit"]) == (pytest.approx(1.01), "t/t")
