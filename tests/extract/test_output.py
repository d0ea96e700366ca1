"""The review file: importable rows only, reasons for the rest, text that never starts a formula."""

import csv

import pandas as pd

from chainatlas.extract.facts import Fact
from chainatlas.extract.output import Extraction, SourceInfo, importable, source_id_for
from chainatlas.store.embedded_sources import embedded_sources


def fact(**kw):
    base = dict(region="370000", node="aluminium.primary", subject="电解铝", indicator="output", value=9.8e6,
                unit="t", comparator="=", year=2023, period="", rank_scope="", file="a.txt", start=0, end=4,
                quote="山东电解铝产量980万吨")
    base.update(kw)
    return Fact(**base)


def test_reasons_a_fact_cannot_be_written():
    known = {"output"}
    assert importable(fact(), known) is None
    assert importable(fact(region=""), known) == "no region"
    assert importable(fact(year=None), known).startswith("no year")
    assert importable(fact(period="H1"), known) == "partial year (H1)"
    assert "not defined" in importable(fact(indicator="thickness"), known)
    assert "not known" in importable(fact(unit="kVAh"), known)


def test_csv_rows_and_formula_safe_text(tmp_path):
    f = fact(quote="=HYPERLINK(\"x\")", subject="电解铝")
    bad = fact(region="")
    result = Extraction([f, bad], {"a.txt": SourceInfo("doc-a", "=cmd|' /C calc'!A0", "NBS", "2024-01-01")},
                        [(bad, "no region")])
    path = tmp_path / "facts.csv"
    assert result.write_csv(path) == 1
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert rows[0]["quote"].startswith("'=") and rows[0]["source_title"].startswith("'=")
    assert (rows[0]["comparator"], rows[0]["value"], rows[0]["unit"]) == ("=", "9800000", "t")
    assert "not written: no region" in repr(result)


def test_source_ids_from_file_names():
    assert source_id_for("/x/Report 2024.html") == "doc-report-2024"
    zh_a, zh_b = source_id_for("/x/安徽.txt"), source_id_for("/x/山东.txt")
    assert zh_a.startswith("doc-") and zh_a != zh_b  # Chinese names stay apart
    assert source_id_for("/x/安徽 Report.txt").startswith("doc-report-")


def test_embedded_sources_only_for_unknown_ids():
    frame = pd.DataFrame({"source_id": ["a", "a", "b"], "source_title": ["A", "A", "B"],
                          "source_publisher": ["P", "P", "Q"]})
    batch = embedded_sources(frame, "f.csv", known={"b"})
    assert list(batch.frame["id"]) == ["a"] and batch.rows == [1]
    assert embedded_sources(frame, "f.csv", known={"a", "b"}) is None
    assert embedded_sources(frame.drop(columns="source_title"), "f.csv", known=set()) is None
