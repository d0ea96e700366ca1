"""The region report's input-output section and what-if, the same figures the facade returns."""

from __future__ import annotations

from chainatlas.report.io_section import render_io_section


def test_report_has_io_and_whatif_sections(shipped, tmp_path):
    out = tmp_path / "r.html"
    html = shipped.report("滨州", "aluminium", out=out, whatif=["aluminium.foil-battery=50000t"])
    assert out.exists()
    assert 'id="io-multipliers"' in html and 'id="whatif"' in html
    assert "电池铝箔" in html and "065 有色金属压延加工品" in html
    w = shipped.whatif("滨州", "aluminium", add=["aluminium.foil-battery=50000t"]).to_dict()
    total = w["impact"]["totals"]["total_output"] / 1e4
    assert f"{total:,.2f}" in html      # the same number as the facade's, in 亿元
    assert 'id="src-io-nbs-2020-153"' in html  # the table's source is listed


def test_section_without_scenario():
    html = render_io_section({"region": {"name_zh": "中国", "name_en": "China"}, "table": {"id": "t", "year": 2020},
                              "method": "aflq", "delta": 0.15, "basis": "b", "warnings": [], "nodes": []})
    assert 'id="io-multipliers"' in html and 'id="whatif"' not in html
