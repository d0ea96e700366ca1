"""Sentences → facts: region, node, indicator, value, comparator, year, rank and provenance."""

import pytest

from chainatlas.extract import extract_facts

ANHUI_ZH = "安徽光伏玻璃产量占全国一半以上，逆变器占三分之一，规上工业企业达2.2万家，工业增加值1.4万亿元，居全国第10位。"
ANHUI_EN = ("Anhui's PV glass output accounted for more than half of the national total, inverters for one-third; "
            "the province had 22,000 industrial firms above designated size, and its industrial value added "
            "reached 1.4 trillion yuan, ranking 10th in the country.")


def table(facts):
    return [(f.region, f.node, f.indicator, f.comparator, round(f.value, 3), f.unit, f.rank_scope) for f in facts]


def test_the_issue_sentence_in_chinese(gaz):
    facts = extract_facts(ANHUI_ZH, gaz, date="2024-03-11", file="anhui.txt")
    assert table(facts) == [
        ("340000", "photovoltaics.glass", "output_share_national", ">=", 50.0, "%", ""),
        ("340000", "photovoltaics.inverter", "output_share_national", "=", 33.333, "%", ""),  # subject inherited
        ("340000", "", "firms_above_size", "=", 22000.0, "firms", ""),
        ("340000", "", "industrial_value_added", "=", 1.4e12, "yuan", ""),
        ("340000", "", "industrial_value_added_rank", "=", 10.0, "rank", "country"),
    ]
    first = facts[0]
    assert ANHUI_ZH[first.start:first.end] == "一半"  # the span points at the figure in the document
    assert first.quote == ANHUI_ZH and first.file == "anhui.txt"


def test_the_issue_sentence_in_english(gaz):
    facts = extract_facts(ANHUI_EN, gaz, date="2024-03-11")
    assert [(r, n, i, v, u) for r, n, i, _c, v, u, _s in table(facts)] == [
        ("340000", "photovoltaics.glass", "output_share_national", 50.0, "%"),
        ("340000", "photovoltaics.inverter", "output_share_national", 33.333, "%"),
        ("340000", "", "firms_above_size", 22000.0, "firms"),
        ("340000", "", "industrial_value_added", 1.4e12, "yuan"),
        ("340000", "", "industrial_value_added_rank", 10.0, "rank"),
    ]
    assert facts[0].comparator == ">"  # more than half


def test_relative_years_follow_the_document_date(gaz):
    zh = extract_facts("去年全市电解铝产量达到100万吨。", gaz, date="2024-03-01")
    en = extract_facts("Shandong produced 9.8 million tonnes of primary aluminium last year.", gaz, date="2024-03-01")
    assert [f.year for f in zh] == [2023]
    assert [(f.region, f.node, f.year, f.value) for f in en] == [("370000", "aluminium.primary", 2023, 9.8e6)]


def test_comparison_bases_are_not_the_year(gaz):
    facts = extract_facts("2022年，山东氧化铝产量2800万吨，比上年增长3%。", gaz)
    assert [(f.indicator, f.year, f.value) for f in facts] == [("output", 2022, 2.8e7), ("output_growth", 2022, 3.0)]
    assert facts[1].node == "aluminium.alumina"  # the growth clause inherits its subject


@pytest.mark.parametrize("text,cmp", [("产量超过400万吨", ">"), ("产量近400万吨", "~"), ("产量约400万吨", "~"),
                                      ("产量400万吨以上", ">="), ("产量400万吨左右", "~"), ("产量不足400万吨", "<")])
def test_bounds(gaz, text, cmp):
    facts = extract_facts("2023年滨州电解铝" + text + "。", gaz)
    assert [(f.region, f.comparator) for f in facts] == [("371600", cmp)]


def test_the_most_specific_place_and_the_documents_province(gaz):
    facts = extract_facts("安徽省铜陵市电解铜产量90万吨。全省精炼铜产量占全国12%。", gaz, date="2024-01-01")
    assert [f.region for f in facts] == ["340700", "340000"]


def test_respectively_assigns_listed_subjects(gaz):
    facts = extract_facts("1至2月正极材料、负极材料、隔膜产量分别达到26.5万吨、21.5万吨、24.5亿平方米。", gaz, date="2023-04-07")
    assert [(f.node, f.value, f.period) for f in facts] == [
        ("", 2.65e5, "1-2"), ("lithium-battery.anode", 2.15e5, "1-2"), ("lithium-battery.separator", 2.45e9, "1-2")]


def test_forecasts_exports_and_subsets_are_not_facts(gaz):
    text = ("铜陵有色集团全年销售收入预计将达到1720亿元。全省出口汽车82万辆。其中6家年产值超过100亿元。"
            "East Hope is setting up a plant with capacity of 120,000 tons.")
    assert extract_facts(text, gaz, date="2019-01-11") == []


def test_a_partial_year_is_marked(gaz):
    facts = extract_facts("上半年，全国电解铝产量1741万吨。", gaz, date="2023-07-15")
    assert [(f.region, f.period, f.year) for f in facts] == [("100000", "H1", 2023)]


def test_the_documents_title_gives_the_province(gaz):
    facts = extract_facts("2023年，全省光伏玻璃产量占全国一半以上。", gaz, context="安徽这一产业跃居全国第三位")
    assert [(f.region, f.node) for f in facts] == [("340000", "photovoltaics.glass")]
    assert [f.region for f in extract_facts("2023年，全省光伏玻璃产量占全国一半以上。", gaz)] == [""]
