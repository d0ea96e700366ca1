"""The HTML report and its Excel carry the briefing lists, plan targets and series with Chinese headers."""

import openpyxl

from chainatlas.report.labels import header, relabel


def test_report_has_lists_plan_series_and_points(fixture_atlas, tmp_path):
    xlsx = tmp_path / "r.xlsx"
    html = fixture_atlas.report("滨州", "alu", xlsx=xlsx)
    for anchor in ('id="lists"', 'id="list-leading"', 'id="list-chokepoints"', 'id="list-partners"', 'id="plan"',
                   'id="series"', 'id="points"', "chain-map-page"):
        assert anchor in html, anchor
    lists = fixture_atlas.lists("滨州", "alu")
    for name in lists.leading["name_zh"]:
        assert name in html
    wb = openpyxl.load_workbook(xlsx)
    assert {"重点企业清单", "招商目标清单", "短板与卡脖子环节清单", "合作伙伴清单", "创新平台清单", "规划目标与进展"} <= set(wb.sheetnames)
    head = [c.value for c in wb["links"][1]]
    assert head[0] == "环节编号 Link ID" and "占全国比重 National share" in head


def test_labels_are_chinese_first_and_keep_unknown_names():
    assert header("national_share") == "占全国比重 National share"
    assert header("some_new_field") == "some_new_field"
    import pandas as pd

    out = relabel(pd.DataFrame(columns=["name_zh", "node_name_zh", "made_name_zh"]))
    assert list(out.columns)[0] == "名称 Name (zh)" and len(set(out.columns)) == 3  # duplicates made unique
