"""What goes into the briefing: the same facade calls as the HTML report, laid out for Word.

Order follows the "N 图 N 清单" habit: the chain map first, then the diagnosis, value ladder, peers,
opportunities, the five lists, plan targets against actual figures, time series, the point map, and
annexes with the rules and the sources.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING

import pandas as pd

from chainatlas.analysis.briefing import LIST_TITLES
from chainatlas.analysis.verification import LEGEND_ZH, MARK, is_verified
from chainatlas.report import chainmap, figures
from chainatlas.report.brief.document import Brief, Column, clip, fmt, pct, plain
from chainatlas.report.charts import STATUS_LABELS

if TYPE_CHECKING:
    from chainatlas.atlas import Atlas

STAGE_ZH = {"upstream": "上游", "midstream": "中游", "downstream": "下游"}
STATUS_ZH = {k: v.split(" ")[0] for k, v in STATUS_LABELS.items()}
NUMERALS = "一二三四五六七八九十"


def _sources(values: object) -> list[str]:
    out: list[str] = []
    if isinstance(values, pd.Series):
        values = values.tolist()
    for v in values or []:
        if isinstance(v, (list, tuple)):
            out.extend(str(x) for x in v if x)
        elif v and not (isinstance(v, float) and math.isnan(v)):
            out.append(str(v))
    return out


def marked(text: str, flag: object) -> str:
    """A cell's text with † when the figure's sources are not all verified (False); unchanged otherwise."""
    return f"{text}{MARK}" if text and flag is False else text


def verified_text(flag: object) -> str:
    """A source's ``verified`` flag in the sources annex."""
    return "已核实" if flag is True else ("未核实" + MARK if flag is False else "未复核" + MARK)


def compose(atlas: Atlas, region: str, chain: str, year: int | None = None,
            settings: dict[str, object] | None = None) -> tuple[Brief, list[str]]:
    """Build the briefing; returns the document and every source id it cites."""
    from chainatlas import __version__

    d = atlas.diagnose(region, chain, year, settings)
    dd = d.to_dict()
    r, c = d.region, d.chain
    code = r["code"]
    cited: list[str] = list(dd["sources"])
    b = Brief()
    sec = iter(NUMERALS)
    b.title(f"{r['name_zh']}{c['name_zh']}简报", f"{r['name_en']} — {c['name_en']} chain briefing · "
            f"数据年份 data year: {d.year or '最新 latest'} · chainatlas {__version__} · "
            f"{dt.date.today().isoformat()}")
    counts = d.status_counts()
    b.para(f"本简报覆盖{c['name_zh']}共{len(d.nodes)}个环节：强{counts['strong']}个、有{counts['present']}个、"
           f"弱{counts['weak']}个、缺{counts['missing']}个。全链占全国比重："
           f"{pct(d.overall_share) or '无数据'}。")
    b.para(f"This briefing covers {len(d.nodes)} links of the {c['name_en']} chain in {r['name_en']}: "
           f"{counts['strong']} strong, {counts['present']} present, {counts['weak']} weak, {counts['missing']} missing.",
           size=9)

    strong = "、".join(d.nodes.loc[d.nodes["status"] == "strong", "name_zh"]) or "无"
    missing = "、".join(d.nodes.loc[d.nodes["status"] == "missing", "name_zh"]) or "无"
    b.heading("要点 Key points", 2)
    b.bullets([f"强链环节 Strong links：{strong}", f"缺失环节 Missing links：{missing}",
               "以下依次为产业链全景图、环节诊断、价值阶梯、对标地区、发展机会、五张清单、规划目标进展、时间序列和地理分布；"
               "每张图表下注明资料来源和年份，规则见附录。"])
    # ---- chain map (its own landscape page)
    b.landscape()
    b.heading(f"{next(sec)}、产业链全景图 Chain map", 1)
    lay = chainmap.layout(dd["layers"], d.links)
    b.figure(figures.chain_map_png(lay, d.nodes), f"{r['name_zh']}{c['name_zh']}全景图（颜色为本地状态，数字为本地企业数）",
             width_cm=20.0)
    b.note(cited[:0] + _sources(d.nodes["quantity_sources"]) + _sources(d.firms["source_id"]), d.year,
           "深绿=强，浅绿=有，橙=弱，灰色虚线=缺")
    b.portrait()

    # ---- diagnosis
    b.heading(f"{next(sec)}、环节诊断 Diagnosis of links", 1)
    stages = pd.DataFrame(dd["stages"])
    b.table(stages, [Column("stage", "阶段", lambda v: STAGE_ZH.get(v, v)), Column("links", "环节数"),
                     Column("strong", "强"), Column("present", "有"), Column("weak", "弱"), Column("missing", "缺"),
                     Column("coverage", "覆盖率", pct), Column("value_coverage", "产值覆盖率", pct)],
            "分阶段覆盖 Coverage by stage")
    b.note(dd["sources"], d.year)
    flags = d.nodes["share_verified"] if "share_verified" in d.nodes.columns else [None] * len(d.nodes)
    status = d.nodes.assign(share_marked=[marked(pct(v), f) for v, f in zip(d.nodes["national_share"], flags,
                                                                             strict=True)])
    b.table(status, [Column("name_zh", "环节"), Column("stage", "阶段", lambda v: STAGE_ZH.get(v, v)),
                     Column("status", "状态", lambda v: STATUS_ZH.get(v, v)), Column("firms", "本地企业数"),
                     Column("share_marked", "占全国比重"), Column("rank", "全国位次"),
                     Column("rule", "判定依据")],
            "各环节状态 Status of each link")
    b.note(_sources(d.nodes["quantity_sources"]) + _sources(d.nodes["national_sources"]), d.year)
    b.para(LEGEND_ZH, size=8)

    # ---- value ladder
    b.heading(f"{next(sec)}、价值阶梯 Value ladder", 1)
    for i, vp in enumerate(dd["value_paths"][:3], start=1):
        ladder = pd.DataFrame(vp["ladder"])
        if ladder.empty:
            continue
        labels = [f"{x}" for x in ladder["name_zh"]]
        b.figure(figures.bars_png(labels, [float(v or 0) for v in ladder["value_per_start_unit"]],
                                  f"路径{i}：每吨{labels[0]}的价值（元）", "元 yuan"),
                 f"价值阶梯 路径{i} Value ladder, path {i}", width_cm=14)
        b.note(_sources(ladder["unit_value_source"]) + _sources(ladder["coefficient_source"]),
               ", ".join(sorted({plain(y) for y in ladder["unit_value_year"].dropna()})))

    # ---- peers
    b.heading(f"{next(sec)}、对标地区 Peer regions", 1)
    peers = atlas.peers(code, chain, year)  # the same comparison set as the report and the web
    comp = pd.DataFrame(atlas.compare(chain, peers, year, settings=settings).to_dict()["regions"])
    if len(comp):
        comp = comp.sort_values("firms", ascending=False)
        names = list(comp["name_zh"])
        b.figure(figures.bars_png(names, [float(v or 0) for v in comp["firms"]], "本链企业数 Firms in the chain",
                                  "家 firms", highlight=names.index(r["name_zh"]) if r["name_zh"] in names else None),
                 "对标地区企业数 Peers by firm count", width_cm=14)
        b.note(dd["sources"], d.year)
        b.table(comp, [Column("name_zh", "地区"), Column("firms", "企业数"), Column("strong", "强"),
                       Column("present", "有"), Column("weak", "弱"), Column("missing", "缺"),
                       Column("coverage", "覆盖率", pct), Column("overall_share", "占全国比重", pct)],
                "对标地区一览 Peer comparison")
        b.note(dd["sources"], d.year)

    # ---- opportunities
    b.heading(f"{next(sec)}、发展机会 Opportunities", 1)
    opps = atlas.opportunities(code, chain, year=year, settings=settings)
    b.table(opps.candidates, [Column("rank", "序"), Column("name_zh", "环节"), Column("label_zh", "举措"),
                              Column("status", "现状", lambda v: STATUS_ZH.get(v, v)),
                              Column("relatedness", "关联度", lambda v: fmt(v, 2)),
                              Column("value_uplift", "增值潜力", lambda v: fmt(v, 2)),
                              Column("score", "得分", lambda v: fmt(v, 3))],
            "补链、强链、延链机会 Links to fill, strengthen or extend", limit=12)
    b.note([s["id"] for s in atlas.sources_for(dd["sources"]).to_dict(orient="records")], d.year,
           "得分规则见附录 / scoring rules in the annex")

    # ---- the five lists
    lists = atlas.lists(code, chain, year=year, settings=settings)
    cited += lists.sources
    b.heading(f"{next(sec)}、清单 Lists", 1)
    t = LIST_TITLES
    verified = atlas.verified_sources()
    leading = lists.leading.assign(quantity_marked=[
        marked(fmt(q), is_verified(sid, verified)) for q, sid in zip(lists.leading["quantity"],
                                                                     lists.leading["source_id"], strict=True)])
    b.table(leading, [Column("node_name_zh", "环节"), Column("rank", "序"), Column("name_zh", "企业"),
                      Column("region_name_zh", "所在地"), Column("basis", "依据"), Column("quantity_marked", "数量"),
                      Column("quantity_unit", "单位"), Column("year", "年份", plain)],
            f"{t['leading'][0]} {t['leading'][1]}")
    b.note(lists.leading["source_id"], ", ".join(sorted({plain(y) for y in lists.leading["year"].dropna()})))
    b.table(lists.targets, [Column("node_name_zh", "目标环节"), Column("rank", "序"), Column("name_zh", "企业"),
                            Column("region_name_zh", "所在地"), Column("distance_km", "距离(公里)", lambda v: fmt(v, 0)),
                            Column("reason_zh", "推荐理由", lambda v: clip(v, 70))],
            f"{t['targets'][0]} {t['targets'][1]}")
    b.note(lists.targets["source_id"], None, "目标环节取发展机会前3位（不含观察类）")
    choke = lists.chokepoints[lists.chokepoints["shortfall"] | (lists.chokepoints["chokepoint"] == True)]  # noqa: E712
    b.table(choke, [Column("name_zh", "环节"), Column("status", "本地状态", lambda v: STATUS_ZH.get(v, v)),
                    Column("shortfall", "短板"), Column("domestic_makers", "国内生产企业"),
                    Column("import_dependence", "进口依存度(%)"),
                    Column("chokepoint", "卡脖子", lambda v: "待核" if v is None else fmt(v)),
                    Column("reason", "理由", lambda v: str(v).split(" / ")[0])],
            f"{t['chokepoints'][0]} {t['chokepoints'][1]}")
    b.note(lists.chokepoints["import_source"], None, "规则见附录；“待核”表示图谱缺进口依存度数据")
    b.table(lists.partners, [Column("name_zh", "地区"), Column("links_zh", "可补环节"),
                             Column("links_covered", "环节数"), Column("firms", "企业数"),
                             Column("distance_km", "距离(公里)", lambda v: fmt(v, 0))],
            f"{t['partners'][0]} {t['partners'][1]}")
    b.note([], None, "依据图谱企业分布；近者优先")
    b.table(lists.innovation, [Column("region_name_zh", "地区"), Column("indicator_name_zh", "指标"),
                               Column("value", "数值"), Column("unit", "单位"), Column("year", "年份", plain),
                               Column("note", "说明")],
            f"{t['innovation'][0]} {t['innovation'][1]}")
    b.note(lists.innovation["source_id"], None)

    # ---- plan targets
    b.heading(f"{next(sec)}、规划目标与进展 Plan targets and progress", 1)
    plan = atlas.plan_progress(code)
    cited += plan.sources
    from chainatlas.analysis.plans import STATUS_ZH as PLAN_STATUS

    b.table(plan.rows, [Column("region_name_zh", "地区"), Column("park", "园区"), Column("indicator_name_zh", "指标"),
                        Column("comparator", "比较"), Column("target", "目标值"), Column("unit", "单位"),
                        Column("target_year", "目标年", plain), Column("actual", "实际值"), Column("actual_year", "实际年", plain),
                        Column("progress", "完成度", pct), Column("status", "状态", lambda v: PLAN_STATUS.get(v, v))],
            "规划目标与实际 Targets against actual figures")
    b.note(plan.rows["target_source"].tolist() + plan.rows["actual_source"].tolist(), None,
           "实际值取同一地区、指标、环节的最新数据")

    # ---- series
    b.heading(f"{next(sec)}、时间序列 Time series", 1)
    series = atlas.series_for(code, chain)
    if not series:
        b.para("图谱中本地区及本链环节无两年以上数据。 No figure with two or more years.")
    for s in series:
        name = s.title_zh
        b.figure(figures.series_png(s.rows, name, r["name_zh"]), f"{name}（本地区与全国）", width_cm=14)
        b.table(s.rows, [Column("year", "年份", plain), Column("region_value", f"{r['name_zh']}"),
                         Column("region_growth", "增速(%)", lambda v: fmt(v, 1)), Column("national_value", "全国"),
                         Column("national_growth", "全国增速(%)", lambda v: fmt(v, 1)),
                         Column("share", "占全国(%)", lambda v: fmt(v, 1)), Column("unit", "单位")], f"{name} 数据")
        b.note(_sources(s.rows["region_source"]) + _sources(s.rows["national_source"]),
               f"{s.rows['year'].min()}–{s.rows['year'].max()}")
        cited += _sources(s.rows["region_source"]) + _sources(s.rows["national_source"])

    # ---- point map
    b.heading(f"{next(sec)}、地理分布 Where the chain is", 1)
    pts = atlas.points(code, chain)
    if len(pts.points):
        b.figure(figures.points_png(pts.points, f"{c['name_zh']}企业分布（圆圈大小=企业数）"),
                 "各地区本链企业数 Firms by region at their coordinates", width_cm=15)
        b.note(_sources(d.firms["source_id"]), None, "企业按所在地区坐标标注，不使用行政边界文件")

    # ---- annexes
    b.heading("附录一 规则 Annex 1: rules", 1)
    b.table(pd.DataFrame(d.settings), [Column("name", "参数"), Column("value", "取值"), Column("meaning", "含义")],
            "诊断规则 Diagnosis rules")
    b.table(pd.DataFrame(lists.rules), [Column("rule", "参数"), Column("value", "取值"), Column("meaning", "含义")],
            "清单规则 List rules")
    b.heading("附录二 资料来源 Annex 2: sources", 1)
    ids = sorted(set(cited))
    src = atlas.sources_for(ids)
    b.table(src, [Column("id", "编号"), Column("title", "标题"), Column("publisher", "发布机构"),
                  Column("date", "日期"), Column("verified", "核实", verified_text)],
            "本简报引用的资料 Sources cited", font=7.5)
    b.para(LEGEND_ZH, size=8)
    return b, ids
