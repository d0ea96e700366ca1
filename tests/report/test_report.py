"""The region report: self-contained, bilingual, showing the diagnosis numbers."""

import json
import re

import openpyxl
from typer.testing import CliRunner

from chainatlas.cli.main import app

EXTERNAL = re.compile(r"""(?:src|href|action)\s*=\s*["']?\s*(?:https?:)?//|url\(\s*["']?\s*(?:https?:)?//|@import""",
                      re.IGNORECASE)


def test_report_is_offline_and_complete(fixture_atlas, tmp_path):
    out, xlsx = tmp_path / "r.html", tmp_path / "r.xlsx"
    html = fixture_atlas.report("滨州", "alu", out=out, xlsx=xlsx)
    assert out.read_text(encoding="utf-8") == html
    # plotly.js is embedded whole (its own code mentions map-tile addresses it never loads here);
    # everything else in the page must not name any outside address at all
    vendored = re.search(r'<script id="vendor-plotly"[^>]*>.*?</script>', html, re.DOTALL)
    assert vendored and len(vendored.group(0)) > 1_000_000
    rest = html.replace(vendored.group(0), "")
    assert not EXTERNAL.search(rest), EXTERNAL.search(rest)
    assert "http://" not in rest and "https://" not in rest
    assert "<script src" not in html and "<link" not in html
    assert "Plotly.newPlot" in rest
    for node in ("电解铝", "Primary aluminium", "低压绝缘电缆", "铝制家具"):
        assert node in html
    for section in ('id="chain-map"', 'id="value"', 'id="structure"', 'id="peers"', 'id="firms"', 'id="sources"'):
        assert section in html
    assert "Toy price list 2023" in html  # the sources section lists the sources used
    assert "strong_share_ratio" in html  # thresholds printed
    wb = openpyxl.load_workbook(xlsx)
    assert {"links", "stages", "value_ladder", "firms", "peers", "settings", "sources"} <= set(wb.sheetnames)


def test_report_numbers_equal_diagnose_json(fixture_db, fixture_atlas, tmp_path):
    result = CliRunner().invoke(app, ["--db", str(fixture_db), "diagnose", "滨州", "--chain", "alu", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data == json.loads(fixture_atlas.diagnose("滨州", "alu").to_json())
    html = fixture_atlas.report("滨州", "alu")
    # the overall share and a ladder figure as the report prints them
    assert f"{data['overall_share'] * 100:.1f}%" in html
    cable = next(n for n in data["nodes"] if n["node_id"] == "alu.cable")
    assert f"{cable['national_share'] * 100:.1f}%" in html


def test_report_cli_writes_file(fixture_db, tmp_path):
    out = tmp_path / "x.html"
    result = CliRunner().invoke(app, ["--db", str(fixture_db), "report", "Binzhou", "--chain", "铝", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "滨州市" in out.read_text(encoding="utf-8")


def test_compare_cli_json(fixture_db, fixture_atlas):
    result = CliRunner().invoke(app, ["--db", str(fixture_db), "compare", "--chain", "alu", "--regions",
                                      "滨州,Baotou", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == json.loads(fixture_atlas.compare("alu", ["滨州", "Baotou"]).to_json())
