"""Hostile and malformed files: refused in one clear line, bounded in memory, never half-written.

Every file here is generated small in the test; the limits are lowered where a real attack needs size.
"""

from __future__ import annotations

import json

import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from chainatlas import ImportRowError
from chainatlas.errors import DataError
from chainatlas.store import readers

FIRM_HEADER = "id,name_zh,name_en,region,source_id\n"
NODE_HEADER = "id,name_zh,name_en,stage,unit,unit_value,unit_value_unit,unit_value_year,unit_value_source\n"


def _refused(atlas, kind, path, **kw) -> ImportRowError:
    before = atlas.counts()
    with pytest.raises(ImportRowError) as info:
        atlas.import_file(kind, path, **kw)
    assert atlas.counts() == before
    return info.value


# ---------------------------------------------------------------- 1. amplification and long messages
def test_xlsx_sharing_one_huge_string_is_refused_while_streaming(writable_fixture, tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "MAX_TOTAL_CHARS", 2_000_000)
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["id", "name_zh", "name_en", "region", "source_id", "note"])
    huge = "x" * readers.MAX_CELL_CHARS  # one shared string, referenced by every row
    for i in range(200):
        ws.append([f"f{i}", "企业", "Firm", "371600", "fx-report", huge])
    path = tmp_path / "amplified.xlsx"
    book.save(path)
    assert path.stat().st_size < 200_000
    before = writable_fixture.counts()
    with pytest.raises(DataError) as info:
        writable_fixture.import_file("enterprises", path, dry_run=True)
    message = str(info.value)
    assert "characters of cell text" in message and "split the file" in message
    assert len(message) < 300 and "\n" not in message
    assert writable_fixture.counts() == before


@pytest.mark.parametrize("fmt", ["csv", "json", "jsonl", "parquet"])  # XLSX itself cuts cells at the limit
def test_a_cell_over_the_declared_size_is_refused_in_one_line(writable_fixture, tmp_path, fmt):
    frame = pd.DataFrame({"id": ["f1", "f2"], "name_zh": ["甲", "乙"], "name_en": ["A", "B"],
                          "region": ["371600", "371600"], "source_id": ["fx-report"] * 2,
                          "note": ["ok", "y" * (readers.MAX_CELL_CHARS + 1)]})
    path = tmp_path / f"long.{fmt}"
    {"csv": lambda: frame.to_csv(path, index=False),
     "jsonl": lambda: frame.to_json(path, orient="records", lines=True, force_ascii=False),
     "json": lambda: path.write_text(frame.to_json(orient="records", force_ascii=False), encoding="utf-8"),
     "parquet": lambda: frame.to_parquet(path, index=False)}[fmt]()
    with pytest.raises(DataError) as info:
        writable_fixture.import_file("enterprises", path)
    message = str(info.value)
    assert "row 2 field 'note'" in message and "32,768 characters" in message and len(message) < 300


def test_too_many_records_are_refused_with_one_line(writable_fixture, tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "MAX_ROWS", 5)
    path = tmp_path / "many.csv"
    path.write_text(FIRM_HEADER + "".join(f"f{i},企业,Firm,371600,fx-report\n" for i in range(6)), encoding="utf-8")
    with pytest.raises(DataError, match="more than 5 records"):
        writable_fixture.import_file("enterprises", path)


def test_bad_values_are_quoted_cut_and_problems_capped(writable_fixture, tmp_path):
    long_region = "9" * 5_000
    path = tmp_path / "firms.csv"
    path.write_text(FIRM_HEADER + "".join(f"f{i},企业,Firm,{long_region},fx-report\n" for i in range(3_000)),
                    encoding="utf-8")
    err = _refused(writable_fixture, "enterprises", path)
    assert err.total == 3_000 and len(err.problems) <= 1_000
    message = str(err)
    assert "5,000 characters" in message and "… and 2950 more" in message
    assert len(message) < 20_000


# ---------------------------------------------------------------- 2. one line, not a crash
def test_bad_unit_value_year_beside_a_unit_value(writable_fixture, tmp_path):
    path = tmp_path / "nodes.csv"
    path.write_text(NODE_HEADER + "alu.x,铝X,Alu X,midstream,t,100,元/吨,soon,fx-report\n", encoding="utf-8")
    err = _refused(writable_fixture, "nodes", path)
    assert {(p.row, p.field) for p in err.problems} >= {(1, "unit_value_year")}
    assert "row 1 field 'unit_value_year'" in str(err)


@pytest.mark.parametrize("year", ["9223372036854775808", "18446744073709551615", "3000000000", "-5", "0", "2500"])
def test_years_out_of_range_are_refused(writable_fixture, tmp_path, year):
    path = tmp_path / "prod.csv"
    path.write_text("enterprise_id,node_id,year,output,quantity_unit,source_id\n"
                    f"fx-hongqiao,alu.rod,{year},5,万吨,fx-report\n", encoding="utf-8")
    err = _refused(writable_fixture, "production", path)
    assert [(p.row, p.field, p.expected) for p in err.problems] == [(1, "year", "a year from 1949 to 2100")]


def test_uint64_parquet_year_is_refused_not_crashed(writable_fixture, tmp_path):
    table = pa.table({"enterprise_id": ["fx-hongqiao"], "node_id": ["alu.rod"],
                      "year": pa.array([2**64 - 1], pa.uint64()), "output": [5.0], "quantity_unit": ["万吨"],
                      "source_id": ["fx-report"]})
    path = tmp_path / "prod.parquet"
    pq.write_table(table, path)
    err = _refused(writable_fixture, "production", path)
    assert err.problems[0].field == "year"


def test_big_whole_numbers_beyond_the_store_column_are_refused(writable_fixture, tmp_path):
    path = tmp_path / "nodes.csv"
    path.write_text(NODE_HEADER + "alu.x,铝X,Alu X,midstream,t,100,元/吨,2147483648,fx-report\n", encoding="utf-8")
    err = _refused(writable_fixture, "nodes", path)
    assert err.problems[0].field == "unit_value_year"


def test_headers_that_collide_after_trimming_are_refused(writable_fixture, tmp_path):
    path = tmp_path / "firms.csv"
    path.write_text("id,name_zh,name_en,region,source_id,id \nf1,甲,A,371600,fx-report,f2\n", encoding="utf-8")
    with pytest.raises(DataError, match="same name after trimming"):
        writable_fixture.import_file("enterprises", path)
    path.write_text("id,name_zh,name_en,region,source_id,id\nf1,甲,A,371600,fx-report,f2\n", encoding="utf-8")
    with pytest.raises(DataError, match="same name after trimming"):
        writable_fixture.import_file("enterprises", path)


# ---------------------------------------------------------------- 3. invalid data that used to pass
@pytest.mark.parametrize("value", ["inf", "1e400", "Infinity", "-inf"])
def test_infinite_numbers_are_refused(writable_fixture, tmp_path, value):
    path = tmp_path / "prod.csv"
    path.write_text("enterprise_id,node_id,year,output,quantity_unit,source_id\n"
                    f"fx-hongqiao,alu.rod,2023,{value},万吨,fx-report\n", encoding="utf-8")
    err = _refused(writable_fixture, "production", path)
    assert err.problems[0].field == "output" and "finite" in err.problems[0].expected


def test_overflow_in_unit_conversion_is_refused(writable_fixture, tmp_path):
    path = tmp_path / "prod.csv"
    path.write_text("enterprise_id,node_id,year,output,quantity_unit,source_id\n"
                    "fx-hongqiao,alu.rod,2023,1e306,万吨,fx-report\n", encoding="utf-8")
    err = _refused(writable_fixture, "production", path)
    assert [(p.field, p.expected) for p in err.problems] == [("output", "a number that stays finite in the stored unit")]


def test_coordinates_out_of_range_and_full_width_codes(writable_fixture, tmp_path):
    path = tmp_path / "regions.csv"
    path.write_text("code,name_zh,name_en,level,parent,lon,lat\n"
                    "371699,某县,Some County,county,371600,250,37\n"
                    "371698,某区,Some District,county,371600,118,-95\n"
                    "３７１６９７,全角县,Fullwidth County,county,371600,118,37\n"
                    "37169٧,阿拉伯县,Arabic County,county,371600,118,37\n", encoding="utf-8")
    err = _refused(writable_fixture, "regions", path)
    found = {(p.row, p.field) for p in err.problems}
    assert {(1, "lon"), (2, "lat"), (4, "code")} <= found
    assert (3, "code") not in found  # NFKC makes ３７１６９７ the ASCII code 371697


def test_full_width_code_is_stored_as_ascii(writable_fixture, tmp_path):
    path = tmp_path / "regions.csv"
    path.write_text("code,name_zh,name_en,level,parent\n３７１６９７,全角县,Fullwidth County,county,371600\n",
                    encoding="utf-8")
    writable_fixture.import_file("regions", path)
    assert writable_fixture.store.frame("SELECT code FROM regions WHERE name_en = 'Fullwidth County'")["code"][0] == "371697"


def test_ids_differing_only_by_invisible_characters_are_one_id(writable_fixture, tmp_path):
    path = tmp_path / "firms.csv"
    path.write_text(FIRM_HEADER + "zw1,甲,A,371600,fx-report\nzw\u200b1,甲,A,371600,fx-report\n"
                    "\u200b\ufeff,乙,B,371600,fx-report\n", encoding="utf-8")
    err = _refused(writable_fixture, "enterprises", path)
    found = {(p.row, p.field, p.expected.split(" (")[0]) for p in err.problems}
    assert (2, "id", "a unique id") in found
    assert (3, "id", "a value") in found  # nothing but invisible characters is blank


def test_names_lose_invisible_characters_but_keep_full_width_punctuation(writable_fixture, tmp_path):
    path = tmp_path / "firms.csv"
    path.write_text(FIRM_HEADER + "zw2,\u200b某铝业（滨州）\u2060,Some Alu,371600,fx-report\n", encoding="utf-8")
    writable_fixture.import_file("enterprises", path)
    assert writable_fixture.store.frame("SELECT name_zh FROM enterprises WHERE id = 'zw2'")["name_zh"][0] == "某铝业（滨州）"


def test_negative_figures_of_non_negative_indicators(writable_fixture, tmp_path):
    path = tmp_path / "ind.csv"
    path.write_text("id,name_zh,name_en,unit,min,max\nshare_x,占比,Share,%,0,100\n", encoding="utf-8")
    writable_fixture.import_file("indicators", path)
    path = tmp_path / "obs.csv"
    path.write_text("subject_kind,subject_id,indicator,year,value,unit,source_id\n"
                    "region,371600,share_x,2023,-3,%,fx-stat\nregion,370000,share_x,2023,130,%,fx-stat\n"
                    "region,100000,share_x,2023,40,%,fx-stat\n", encoding="utf-8")
    err = _refused(writable_fixture, "observations", path)
    assert [(p.row, p.expected) for p in err.problems] == [(1, "a value at least 0 (the indicator's range)"),
                                                           (2, "a value at most 100 (the indicator's range)")]


def test_indicator_with_min_above_max(writable_fixture, tmp_path):
    path = tmp_path / "ind.csv"
    path.write_text("id,name_zh,name_en,unit,min,max\nbad_range,坏,Bad,%,10,5\n", encoding="utf-8")
    err = _refused(writable_fixture, "indicators", path)
    assert err.problems[0].field == "max"


@pytest.mark.parametrize("body", [
    {"id": {"0": "f1"}, "name_zh": {"0": "甲"}, "name_en": {"0": "A"}, "region": {"0": "371600"}},  # columns
    {"id": ["f1"], "name_zh": ["甲"]},
    [["f1", "甲", "A", "371600"]],
    [{"id": "f1", "name_zh": {"nested": 1}, "name_en": "A", "region": "371600", "source_id": "fx-report"}],
])
def test_json_of_the_wrong_shape_is_refused(writable_fixture, tmp_path, body):
    path = tmp_path / "firms.json"
    path.write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
    before = writable_fixture.counts()
    with pytest.raises(DataError):
        writable_fixture.import_file("enterprises", path)
    assert writable_fixture.counts() == before


def test_sheet_on_a_csv_is_an_error(writable_fixture, tmp_path):
    path = tmp_path / "firms.csv"
    path.write_text(FIRM_HEADER + "f1,甲,A,371600,fx-report\n", encoding="utf-8")
    with pytest.raises(DataError, match="--sheet applies to XLSX"):
        writable_fixture.import_file("enterprises", path, sheet="data")


def test_links_with_blank_ends_beside_a_self_loop_are_refused_not_crashed(writable_fixture, tmp_path):
    # found by the property test: blank node ids reached the cycle check as NaN
    path = tmp_path / "links.csv"
    path.write_text("source_node,target_node,coefficient,coefficient_unit,source_id\n"
                    "alu.primary,alu.primary,0.0,t,fx-price\n,,0.0,t,fx-price\n", encoding="utf-8")
    err = _refused(writable_fixture, "links", path)
    assert {(p.row, p.field) for p in err.problems} >= {(1, "target_node"), (2, "source_node")}
