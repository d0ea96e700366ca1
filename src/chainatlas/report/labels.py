"""Chinese-first column headers for Excel sheets, web tables and the briefing (中文 English).

Why one mapping: officials read Chinese; a header such as ``national_share`` means nothing to them.
Every face that writes a header asks :func:`header`, so a column is called the same everywhere.
A field without a label keeps its name (never silently dropped).
"""

from __future__ import annotations

import pandas as pd

LABELS: dict[str, tuple[str, str]] = {
    # identity
    "id": ("编号", "ID"), "code": ("区划代码", "Code"), "name_zh": ("名称", "Name (zh)"),
    "name_en": ("英文名称", "Name (en)"), "region": ("地区", "Region"), "region_name_zh": ("所在地区", "Region"),
    "region_name_en": ("所在地区(英文)", "Region (en)"), "province": ("省份", "Province"), "level": ("级别", "Level"),
    "node_id": ("环节编号", "Link ID"), "node_name_zh": ("环节", "Link"), "node_name_en": ("环节(英文)", "Link (en)"),
    "chain_id": ("产业链", "Chain"), "enterprise_id": ("企业编号", "Firm ID"), "stage": ("阶段", "Stage"),
    "primary": ("大宗基础产品", "Primary product"), "layer": ("层级", "Layer"), "path": ("路径", "Path"),
    "step": ("步骤", "Step"), "link": ("环节", "Link"), "sheet": ("工作表", "Sheet"),
    # diagnosis
    "status": ("状态", "Status"), "rule": ("判定依据", "Rule applied"), "firms": ("企业数", "Firms"),
    "quantity": ("数量", "Quantity"), "quantity_unit": ("单位", "Unit"), "quantity_basis": ("数量依据", "Basis"),
    "quantity_year": ("数量年份", "Year of quantity"), "quantity_sources": ("数量来源", "Sources of quantity"),
    "national_quantity": ("全国数量", "National quantity"), "national_basis": ("全国数量依据", "National basis"),
    "national_year": ("全国数量年份", "National year"), "national_sources": ("全国数量来源", "National sources"),
    "national_share": ("占全国比重", "National share"), "rank": ("位次", "Rank"),
    "regions_ranked": ("参与排名地区数", "Regions ranked"), "rank_by_firms": ("企业数位次", "Rank by firms"),
    "lq_firms": ("区位商(企业数)", "LQ (firms)"), "lq_value": ("区位商(产值)", "LQ (value)"),
    "unit_value": ("单价", "Unit value"), "unit_value_unit": ("单价单位", "Unit-value unit"),
    "unit_value_year": ("单价年份", "Unit-value year"), "unit_value_source": ("单价来源", "Unit-value source"),
    "output_value": ("产值", "Output value"), "national_output_value": ("全国产值", "National output value"),
    "links": ("环节数", "Links"), "present": ("有", "Present"), "strong": ("强", "Strong"), "weak": ("弱", "Weak"),
    "missing": ("缺", "Missing"), "coverage": ("覆盖率", "Coverage"), "value_coverage": ("产值覆盖率", "Value coverage"),
    "overall_share": ("全链占全国比重", "Overall share"), "raw_share": ("原料环节占比", "Raw-material share"),
    "top_heavy": ("头重脚轻", "Top-heavy"), "hhi": ("集中度HHI", "HHI"), "rank_by_value": ("产值位次", "Rank by value"),
    "capacity": ("产能", "Capacity"), "output": ("产量", "Output"), "revenue": ("营业收入", "Revenue"),
    "revenue_unit": ("营收单位", "Revenue unit"), "year": ("年份", "Year"), "listed": ("上市", "Listed"),
    "exchange": ("交易所", "Exchange"), "stock_code": ("股票代码", "Stock code"), "high_tech": ("高新技术企业", "High-tech"),
    "input_per_unit": ("单位投入", "Input per unit"), "coefficient_assumed": ("系数为假设", "Coefficient assumed"),
    "coefficient_source": ("系数来源", "Coefficient source"), "value_per_start_unit": ("每单位起点的价值",
                                                                                "Value per start unit"),
    "uplift_over_start": ("较起点增值", "Uplift over start"), "step_uplift": ("本步增值", "Step uplift"),
    "value_unit": ("价值单位", "Value unit"),
    # settings, sources
    "name": ("参数", "Setting"), "value": ("数值", "Value"), "default": ("默认值", "Default"),
    "meaning": ("含义", "Meaning"), "title": ("标题", "Title"), "publisher": ("发布机构", "Publisher"),
    "date": ("日期", "Date"), "kind": ("类型", "Kind"), "url": ("网址", "URL"), "note": ("备注", "Note"),
    "source_id": ("资料来源", "Source"), "unit": ("单位", "Unit"),
    # opportunities and targets
    "action": ("举措", "Action"), "label_zh": ("举措类型", "Action (zh)"), "score": ("得分", "Score"),
    "density": ("关联密度", "Density"), "input_coverage": ("本地投入覆盖", "Input coverage"),
    "market": ("市场", "Market"), "concentration": ("集中度", "Concentration"), "openness": ("开放度", "Openness"),
    "distance": ("距离", "Distance"), "inputs_local": ("本地已有投入", "Local inputs"),
    "inputs_missing": ("缺失投入", "Missing inputs"), "national_market": ("全国市场", "National market"),
    "value_uplift": ("增值潜力", "Value uplift"), "relatedness": ("关联度", "Relatedness"),
    "uplift_per_unit": ("单位增值", "Uplift per unit"), "made_node": ("所产环节", "Link made"),
    "made_name_zh": ("所产环节", "Link made"), "made_name_en": ("所产环节(英文)", "Link made (en)"),
    "substitute": ("替代环节", "Substitute link"), "chain_link": ("链上关联", "Chain link"),
    "chain_link_zh": ("链上关联(中文)", "Chain link (zh)"), "provinces": ("布局省份数", "Provinces"),
    "same_province": ("同省", "Same province"), "distance_km": ("距离(公里)", "Distance (km)"),
    "reason_zh": ("推荐理由", "Reason (zh)"), "reason_en": ("推荐理由(英文)", "Reason (en)"),
    "targets": ("目标企业数", "Targets"),
    # briefing lists
    "basis": ("依据", "Basis"), "shortfall": ("短板", "Shortfall"), "domestic_makers": ("国内生产企业数", "Domestic makers"),
    "import_dependence": ("进口依存度(%)", "Import dependence (%)"), "import_year": ("进口依存度年份", "Import year"),
    "import_source": ("进口依存度来源", "Import source"), "chokepoint": ("卡脖子", "Chokepoint"),
    "reason": ("理由", "Reason"), "links_covered": ("可补环节数", "Links covered"), "links_zh": ("可补环节", "Links"),
    "indicator": ("指标", "Indicator"), "indicator_name_zh": ("指标", "Indicator"),
    "indicator_name_en": ("指标(英文)", "Indicator (en)"), "comparator": ("比较符", "Comparator"),
    "park": ("园区", "Park"), "target": ("目标值", "Target"), "target_year": ("目标年份", "Target year"),
    "target_source": ("目标来源", "Target source"), "actual": ("实际值", "Actual"),
    "actual_comparator": ("实际值比较符", "Actual comparator"), "actual_year": ("实际年份", "Actual year"),
    "actual_source": ("实际值来源", "Actual source"), "progress": ("完成度", "Progress"),
    "region_value": ("本地区", "Region"), "national_value": ("全国", "China"),
    "region_growth": ("本地区增速(%)", "Region growth (%)"), "national_growth": ("全国增速(%)", "National growth (%)"),
    "share": ("占全国(%)", "Share (%)"), "region_source": ("本地区来源", "Region source"),
    "national_source": ("全国来源", "National source"), "lon": ("经度", "Longitude"), "lat": ("纬度", "Latitude"),
    "nodes": ("环节数", "Links"), "firm_names": ("企业", "Firms"), "focus": ("本地区", "Focus region"),
    # verification marks (analysis.verification)
    "verified": ("来源已核实", "Source verified"), "quantity_verified": ("数量已核实", "Quantity verified"),
    "national_verified": ("全国数量已核实", "National verified"), "share_verified": ("份额已核实", "Share verified"),
    "unit_value_verified": ("单价已核实", "Unit value verified"),
    "coefficient_verified": ("系数已核实", "Coefficient verified"),
}


def header(name: str) -> str:
    """``中文 English`` for a field name; the name itself when it has no label."""
    zh, en = LABELS.get(str(name), (None, None))
    return f"{zh} {en}" if zh else str(name)


def short(name: str) -> str:
    """The Chinese label alone (narrow tables such as the briefing's)."""
    return LABELS.get(str(name), (str(name), ""))[0]


def relabel(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with Chinese-first headers (duplicates get the field name appended to stay unique)."""
    seen: dict[str, int] = {}
    cols = []
    for c in frame.columns:
        h = header(c)
        if h in seen:
            h = f"{h} [{c}]"
        seen[h] = 1
        cols.append(h)
    out = frame.copy()
    out.columns = cols
    return out
