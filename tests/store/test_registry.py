"""import registry: all-or-nothing, bad rows named, GBK files, de-duplication, counts, reviews, diagnosis."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from chainatlas import open_atlas
from chainatlas.errors import ImportRowError
from chainatlas.store.registry_reader import credit_check_char, credit_code_ok, read_registry

HEADER = ["企业名称", "统一社会信用代码", "注册地址", "国标行业", "经营范围", "登记状态"]


def code(region: str, body: str) -> str:
    first = "91" + region + body
    return first + credit_check_char(first)


def write(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        w.writerows(rows)
    return path


BINZHOU = [
    ["滨州甲铝业有限公司", code("371681", "MA3C00001"), "山东省滨州市邹平市黛溪街道", "C3216", "电解铝生产、销售", "存续"],
    ["滨州乙铝材有限公司", code("371602", "MA3C00002"), "山东省滨州市滨城区黄河五路", "C3252", "铝板带箔制造；铝棒制造", "存续"],
    ["邹平丙铝业有限公司", code("371626", "MA3C00003"), "山东省滨州市邹平县长山镇", "C3252", "铝型材生产", "存续"],
    ["滨州丁贸易有限公司", code("371602", "MA3C00004"), "山东省滨州市滨城区", "F5164", "铝锭、铝棒销售", "存续"],
    ["滨州戊铝业有限公司", code("371602", "MA3C00005"), "山东省滨州市滨城区", "C3216", "电解铝生产", "注销"],
]


@pytest.fixture()
def store_copy(writable_shipped):
    return writable_shipped


def test_credit_code_check_character():
    good = code("371681", "MA3C00001")
    assert credit_code_ok(good)
    assert not credit_code_ok(good[:-1] + ("0" if good[-1] != "0" else "1"))
    assert not credit_code_ok("91371681MA3C0000")


def test_gbk_file_broken_rows_and_duplicates_are_reported_row_by_row(tmp_path):
    path = tmp_path / "export.csv"
    rows = [*BINZHOU[:2], ["坏行公司", "x"], [*BINZHOU[0][:1], BINZHOU[0][1], *BINZHOU[0][2:]]]
    write(path, rows, "gbk")
    chunks = list(read_registry(path))
    assert [p.row for c in chunks for p in c.problems] == [3]
    with pytest.raises(ImportRowError) as err:
        open_atlas(tmp_path / "a.duckdb").import_registry(path, date="2026-11-30")
    text = str(err.value)
    assert "row 3" in text and "broken row" in text and "row 4" in text and "also on row 1" in text


def test_import_is_all_or_nothing_unless_skip_invalid(store_copy, tmp_path):
    path = write(tmp_path / "reg.csv", [*BINZHOU, ["某公司", "", "火星路1号", "", "电解铝生产", "存续"]])
    with pytest.raises(ImportRowError, match="row 6 field 'address'"):
        store_copy.import_registry(path, date="2026-11-30")
    assert store_copy.registry_counts().rows.empty
    report = store_copy.import_registry(path, date="2026-11-30", skip_invalid=True)
    assert report.firms == 5 and [p.row for p in report.skipped] == [6]


def test_counts_skip_traders_inactive_and_curated_firms(store_copy, tmp_path):
    curated = store_copy.tables["enterprises"]
    binzhou_curated = curated[curated["region"].str.startswith("3716")].iloc[0]
    rows = [*BINZHOU, [binzhou_curated["name_zh"], "", "山东省滨州市邹平市", "C3216", "电解铝生产", "存续"]]
    store_copy.import_registry(write(tmp_path / "reg.csv", rows), date="2026-11-30")
    counts = store_copy.registry_counts("prefecture", "滨州", "aluminium").rows
    got = dict(zip(counts["node_id"], counts["firms"], strict=True))
    # trader (row 4), a deregistered firm (row 5) and the curated firm (row 6, same name) are not counted
    assert got == {"aluminium.primary": 1, "aluminium.plate-strip": 1, "aluminium.foil": 1,
                   "aluminium.billet": 1, "aluminium.profile-construction": 1}
    county = store_copy.registry_counts("county", "邹平").rows
    assert set(county["node_id"]) == {"aluminium.primary", "aluminium.profile-construction"}  # 邹平县 → 371681


def test_reviews_survive_a_reimport(store_copy, tmp_path):
    path = write(tmp_path / "reg.csv", BINZHOU)
    store_copy.import_registry(path, date="2026-11-30")
    firm = BINZHOU[2][1]
    store_copy.review_assignment(firm, "aluminium.profile-construction", "reject", "makes industrial profiles")
    store_copy.review_assignment(BINZHOU[3][1], "aluminium.billet", "accept")
    store_copy.import_registry(path, date="2026-12-01")
    got = store_copy.registry_counts("prefecture", "滨州", "aluminium").rows.set_index("node_id")["firms"]
    assert "aluminium.profile-construction" not in got.index
    assert got["aluminium.billet"] == 2
    doubtful = store_copy.registry_doubtful("滨州", "铝棒", 0.7).rows
    assert list(doubtful["decision"]) == ["accept"]


def test_binzhou_aluminium_map_shows_registry_firm_counts_per_link(store_copy, tmp_path):
    before = store_copy.diagnose("滨州", "aluminium").to_frame().set_index("node_id")["firms"]
    store_copy.import_registry(write(tmp_path / "reg.csv", BINZHOU), date="2026-11-30")
    after = store_copy.diagnose("滨州", "aluminium").to_frame().set_index("node_id")["firms"]
    added = (after - before)[lambda s: s != 0].to_dict()
    assert added == {"aluminium.primary": 1, "aluminium.plate-strip": 1, "aluminium.foil": 1,
                     "aluminium.billet": 1, "aluminium.profile-construction": 1}
