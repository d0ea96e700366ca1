"""Figures on unverified sources carry the † mark on every face, and only those figures.

The fixture atlas's sources get flags: the statistics (fx-stat) and prices (fx-price) verified, the
firms' reports (fx-report) not. So in Binzhou's aluminium diagnosis every firm sum and every share
computed from one is marked, while the national statistics, the official share of primary aluminium
(fx-stat) and the unit values are not.
"""

from __future__ import annotations

import json
import re
import shutil

import openpyxl
import pytest
from typer.testing import CliRunner

from chainatlas import open_atlas
from chainatlas.cli.main import app
from chainatlas.report.brief.compose import compose
from chainatlas.web.app import create_app, render_get

FLAGS = ("id,title,publisher,date,kind,url,note,verified\n"
         "fx-stat,Toy statistical communique 2023,Fixture Statistics,2024-03,statistics,,checked,{stat}\n"
         "fx-price,Toy price list 2023,Fixture Bureau,2024-01,statistics,,checked,{price}\n"
         "fx-report,Toy annual reports 2023,Fixture firms,2024-04,company-report,,not checked,{report}\n")
MARK = 'class="unverified"'
FLAG_COLUMNS = ("quantity_verified", "national_verified", "share_verified")


def _flagged(fixture_db, tmp_path_factory, name: str, report: str):
    path = tmp_path_factory.mktemp(name) / "flags.duckdb"
    shutil.copy(fixture_db, path)
    flags = path.parent / "sources.csv"
    flags.write_text(FLAGS.format(stat="true", price="true", report=report), encoding="utf-8")
    with open_atlas(path) as atlas:
        atlas.import_file("sources", flags)
    return path


@pytest.fixture(scope="module")
def mixed_db(fixture_db, tmp_path_factory):
    """fx-stat and fx-price verified, fx-report not."""
    return _flagged(fixture_db, tmp_path_factory, "mixed", "false")


@pytest.fixture(scope="module")
def all_verified_db(fixture_db, tmp_path_factory):
    return _flagged(fixture_db, tmp_path_factory, "all", "true")


def _diagnose_json(db) -> dict:
    result = CliRunner().invoke(app, ["--db", str(db), "diagnose", "滨州", "--chain", "alu", "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _section(html: str, sid: str) -> str:
    start = html.index(f'<section id="{sid}">')
    return html[start:html.index("</section>", start)]


def _marks_per_row(section: str) -> list[int]:
    return [row.count(MARK) for row in section.split("<tr")[2:]]  # [0] before the table, [1] the header


def _expected(d: dict) -> list[int]:
    return [sum(n[c] is False for c in FLAG_COLUMNS) for n in d["nodes"]]


def test_json_says_which_figures_rest_on_verified_sources(mixed_db):
    d = _diagnose_json(mixed_db)
    nodes = {n["node_id"]: n for n in d["nodes"]}
    alumina, primary, bauxite = nodes["alu.alumina"], nodes["alu.primary"], nodes["alu.bauxite"]
    assert alumina["quantity_verified"] is False  # Binzhou's firms' output, fx-report
    assert alumina["national_verified"] is True  # the national statistic, fx-stat
    assert alumina["share_verified"] is False  # firm sum / national: as good as its weakest source
    assert primary["share_verified"] is True  # the official share ≥ 14 %, fx-stat alone
    assert primary["quantity_verified"] is False
    assert bauxite["quantity_verified"] is None and bauxite["unit_value_verified"] is True  # no figure: no flag
    assert d["firms"] and all(f["verified"] is False for f in d["firms"])
    assert d["baseline"]["verified"] is True
    assert "†" in d["derivations"]["verified"]


def test_report_html_marks_exactly_the_unverified_figures(mixed_db, all_verified_db):
    with open_atlas(mixed_db, read_only=True) as atlas:
        html = atlas.report("滨州", "alu")
        d = json.loads(atlas.diagnose("滨州", "alu").to_json())
    expected = _expected(d)
    assert sum(expected) >= 6
    assert _marks_per_row(_section(html, "links")) == expected
    firm_rows = [r for r in _section(html, "firms").split("<tr")[1:] if "<td" in r]
    assert firm_rows and all(r.count(MARK) == 1 for r in firm_rows)
    assert _section(html, "value").count(MARK) == 0  # unit values from the verified price list
    assert "† 表示该数字所依据的资料来源尚未对照原始出处核实" in html
    sources = _section(html, "sources")
    assert re.search(r'id="src-fx-report">.*?未核实 not verified', sources, re.S)
    assert re.search(r'id="src-fx-stat">.*?已核实 verified', sources, re.S)
    lists = _section(html, "lists")
    assert "fx-report †" in lists and "fx-stat †" not in lists  # the leading-firms list cites the reports
    with open_atlas(all_verified_db, read_only=True) as atlas:
        clean = atlas.report("滨州", "alu")
    assert clean.count(MARK) == 0 and "fx-report †" not in clean


def test_report_xlsx_marks_exactly_the_unverified_figures(mixed_db, tmp_path):
    out = tmp_path / "report.xlsx"
    with open_atlas(mixed_db, read_only=True) as atlas:
        atlas.report("滨州", "alu", xlsx=out)
        d = json.loads(atlas.diagnose("滨州", "alu").to_json())
    book = openpyxl.load_workbook(out)
    rows = list(book["links"].iter_rows(values_only=True))
    head = rows[0]
    got = [sum(str(r[head.index(h)] or "").startswith("†") for h in
               ("数量已核实 Quantity verified", "全国数量已核实 National verified", "份额已核实 Share verified"))
           for r in rows[1:]]
    assert got == _expected(d)
    firms = list(book["firms"].iter_rows(values_only=True))
    col = firms[0].index("来源已核实 Source verified")
    assert {r[col] for r in firms[1:]} == {"† 未核实 unverified"}
    src = list(book["sources"].iter_rows(values_only=True))
    by_id = {r[0]: r[src[0].index("来源已核实 Source verified")] for r in src[1:]}
    assert by_id["fx-report"].startswith("†") and by_id["fx-stat"] == "已核实 verified"
    assert "legend" in book.sheetnames


def test_cli_text_lists_the_unverified_figures(mixed_db, all_verified_db):
    result = CliRunner().invoke(app, ["--db", str(mixed_db), "diagnose", "滨州", "--chain", "alu"])
    assert result.exit_code == 0, result.output
    assert "figures on unverified sources (†)" in result.output
    assert "Alumina: local quantity 1,000,000 t — fx-report" in result.output
    assert "national quantity" not in result.output  # every national figure is fx-stat
    clean = CliRunner().invoke(app, ["--db", str(all_verified_db), "diagnose", "滨州", "--chain", "alu"])
    assert "unverified sources" not in clean.output


def test_web_diagnosis_marks_exactly_the_unverified_figures(mixed_db):
    web = create_app(mixed_db)
    status, _, body = render_get(web, "/regions/371600/chains/alu")
    assert status == 200
    html = body.decode() if isinstance(body, bytes) else body
    status, _, twin = render_get(web, "/regions/371600/chains/alu.json")
    d = json.loads(twin)
    assert _marks_per_row(_section(html, "links")) == _expected(d)
    firm_rows = [r for r in _section(html, "firms").split("<tr")[1:] if "<td" in r]
    assert firm_rows and all(r.count(MARK) == 1 for r in firm_rows)
    assert "† marks a figure whose source has not been checked" in html


def test_briefing_marks_the_unverified_shares(mixed_db):
    with open_atlas(mixed_db, read_only=True) as atlas:
        brief, _ = compose(atlas, "滨州", "alu")
        d = atlas.diagnose("滨州", "alu")
    text = [p.text for p in brief.doc.paragraphs]
    assert any(t.startswith("† 表示") for t in text)
    shares = {}
    for table in brief.doc.tables:
        head = [c.text for c in table.rows[0].cells]
        if "占全国比重" in head and "判定依据" in head:
            for row in table.rows[1:]:
                cells = [c.text for c in row.cells]
                shares[cells[0]] = cells[head.index("占全国比重")]
    names = dict(zip(d.nodes["node_id"], d.nodes["name_zh"], strict=True))
    assert shares[names["alu.alumina"]].endswith("†")
    assert shares[names["alu.primary"]] and not shares[names["alu.primary"]].endswith("†")


def test_a_correction_marks_a_source_verified_and_the_marks_go(mixed_db, tmp_path):
    path = tmp_path / "store.duckdb"
    shutil.copy(mixed_db, path)
    fix = tmp_path / "fix.csv"
    fix.write_text("target_kind,target_key,field,value,author,date,reason,source_id\n"
                   "sources,fx-report,verified,true,Li Lei,2026-12-03,re-read the 2023 annual reports,\n",
                   encoding="utf-8")
    with open_atlas(path) as atlas:
        atlas.correct(fix)
    d = _diagnose_json(path)
    assert all(f["verified"] is True for f in d["firms"])
    assert sum(_expected(d)) == 0
