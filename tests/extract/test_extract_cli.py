"""``chainatlas extract``: prints facts, flags slips, writes a file that imports cleanly after review."""

import csv
import json

from typer.testing import CliRunner

from chainatlas.atlas import open_atlas
from chainatlas.cli.main import app

runner = CliRunner()
REPORT_ZH = ("滨州市2024年政府工作报告\n2024年1月20日\n"
             "去年，全市电解铝产量300万吨，增长5%，占全国的7.5%；铝箔厚度仅6毫米。"
             "上半年氧化铝产量200万吨。")
REPORT_EN = ("Binzhou work report, 2024-01-20\n"
             "Last year Binzhou produced 3 million tonnes of primary aluminium, up 5 percent. "
             "Its aluminium foil is only 6 mm thick.")


def run(db, *args):
    return runner.invoke(app, ["--db", str(db), *args])


def test_prints_facts_with_region_value_unit_year_and_quote(fixture_db, tmp_path):
    for name, text in (("zh.txt", REPORT_ZH), ("en.txt", REPORT_EN)):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        result = run(fixture_db, "extract", str(path))
        assert result.exit_code == 0, result.output
        assert "371600 alu.primary output 3e+06 t (2023)" in result.output
        assert "6 mm outside 4–200 µm; 6 µm fits" in result.output  # the fixture's foil range


def test_json_is_the_results_dict(fixture_db, tmp_path):
    path = tmp_path / "zh.txt"
    path.write_text(REPORT_ZH, encoding="utf-8")
    result = run(fixture_db, "extract", str(path), "--json")
    data = json.loads(result.output)
    facts = {(f["indicator"], f["node"]): f for f in data["facts"]}
    out = facts[("output", "alu.primary")]
    assert (out["region"], out["value"], out["unit"], out["year"]) == ("371600", 3e6, "t", 2023)
    assert REPORT_ZH[out["start"]:out["end"]] == "300万吨"
    assert facts[("output", "alu.alumina")]["left_out"] == "partial year (H1)"


def test_written_file_imports_cleanly_into_a_store(writable_fixture, tmp_path):
    db = writable_fixture.path
    writable_fixture.close()
    doc = tmp_path / "binzhou.txt"
    doc.write_text(REPORT_ZH, encoding="utf-8")
    out = tmp_path / "facts.csv"
    result = run(db, "extract", str(doc), "--out", str(out), "--source-id", "binzhou-report-2024",
                 "--source-title", "滨州市2024年政府工作报告", "--source-publisher", "滨州市人民政府",
                 "--source-kind", "government")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    # the fixture atlas defines output, the national share and thickness; growth is listed as left out
    assert {(r["indicator"], r["node_id"]) for r in rows} == {
        ("output", "alu.primary"), ("output_share_national", "alu.primary"), ("thickness", "alu.foil")}
    assert "6 mm outside 4–200 µm" in next(r["checks"] for r in rows if r["indicator"] == "thickness")
    # unreviewed, the file is refused whole: the atlas's plausibility range catches the slip
    result = run(db, "import", "observations", str(out))
    assert result.exit_code == 1 and "plausible thickness of alu.foil" in result.output
    # the reviewer deletes the flagged line; the rest imports as it is
    lines = out.read_text(encoding="utf-8").splitlines(keepends=True)
    out.write_text("".join(line for line in lines if "6 mm outside" not in line), encoding="utf-8")
    result = run(db, "import", "observations", str(out))
    assert result.exit_code == 0, result.output
    atlas = open_atlas(db, read_only=True)
    try:
        obs = atlas.table("observations")
        mine = obs[obs["source_id"] == "binzhou-report-2024"]
        primary = mine[(mine["node_id"] == "alu.primary") & (mine["indicator"] == "output")].iloc[0]
        assert (primary["subject_id"], primary["year"], primary["value"], primary["unit"]) == ("371600", 2023, 3e6, "t")
        assert not (mine["indicator"] == "thickness").any()
        source = atlas.table("sources").set_index("id").loc["binzhou-report-2024"]
        assert (source["publisher"], source["kind"]) == ("滨州市人民政府", "government")
    finally:
        atlas.close()
    # extracting again says the facts are already in the atlas
    again = run(db, "extract", str(doc))
    assert "duplicate: the atlas already has" in again.output


def test_a_missing_file_is_one_clear_error(fixture_db, tmp_path):
    result = run(fixture_db, "extract", str(tmp_path / "none.pdf"))
    assert result.exit_code == 1
    assert "none.pdf: no such file" in result.output
