"""Text written to Excel stays text: no formula injection, and export → import gives the same records."""

from __future__ import annotations

from types import SimpleNamespace

import openpyxl
import pandas as pd

from chainatlas import open_atlas
from chainatlas.report.xlsx import write_targets_xlsx
from chainatlas.store.excel import excel_writer, is_risky

HOSTILE = ['=HYPERLINK("http://example.invalid","click")', "=cmd|' /C calc'!A0", "+1+2", "-3+4", "@SUM(A1)",
           "\tTab", "\rCR"]


def _cells(path):
    book = openpyxl.load_workbook(path)
    return [cell for ws in book.worksheets for row in ws.iter_rows() for cell in row if cell.value is not None]


def test_no_cell_is_a_formula_and_values_are_unchanged(tmp_path):
    path = tmp_path / "x.xlsx"
    with excel_writer(path) as writer:
        pd.DataFrame({"note": HOSTILE, "n": range(len(HOSTILE))}).to_excel(writer, index=False)
    cells = _cells(path)
    assert not [c for c in cells if c.data_type == "f"]
    risky = [c for c in cells if is_risky(c.value)]
    assert [c.value for c in risky] == HOSTILE and all(c.quotePrefix for c in risky)


def test_export_xlsx_writes_text_and_round_trips(writable_fixture, tmp_path):
    firms = tmp_path / "firms.csv"
    pd.DataFrame({"id": ["inj1", "inj2"], "name_zh": [HOSTILE[0], "正常"], "name_en": ["Hyper", HOSTILE[2]],
                  "region": ["371600", "371600"], "source_id": ["fx-report"] * 2,
                  "note": [HOSTILE[1], "-"]}).to_csv(firms, index=False)
    writable_fixture.import_file("enterprises", firms)
    out = tmp_path / "out"
    writable_fixture.export(out, "xlsx", kinds=["sources", "regions", "enterprises"])
    assert not [c for c in _cells(out / "enterprises.xlsx") if c.data_type == "f"]
    fresh = open_atlas(tmp_path / "fresh.duckdb", seed=False)
    for kind in ("sources", "regions", "enterprises"):
        fresh.import_file(kind, out / f"{kind}.xlsx")
    query = "SELECT * FROM enterprises ORDER BY id"
    pd.testing.assert_frame_equal(fresh.store.frame(query), writable_fixture.store.frame(query))
    fresh.close()


def test_targets_hand_out_writes_firm_names_as_text(tmp_path):
    targets = pd.DataFrame({"rank": [1], "name_zh": [HOSTILE[0]], "name_en": [HOSTILE[1]], "source_id": ["s1"],
                            "id": ["inj1"]})
    lists = [SimpleNamespace(node={"id": "n1", "name_zh": "铝箔", "name_en": "Foil"}, targets=targets,
                             reason=HOSTILE[4])]
    path = write_targets_xlsx(tmp_path / "t.xlsx", lists, pd.DataFrame({"id": ["s1"], "title": [HOSTILE[3]]}))
    cells = _cells(path)
    assert not [c for c in cells if c.data_type == "f"]
    assert {HOSTILE[0], HOSTILE[1], HOSTILE[3], HOSTILE[4]} <= {c.value for c in cells}
