"""Chart specifications for reports and the dashboard: an SVG chain map and plotly figure dicts.

Why hand-built dicts: plotly's JSON schema is stable and these few charts (Sankey, bars, scatter)
need no Python-side figure objects; the HTML embeds plotly.js itself, so nothing is fetched.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable

import pandas as pd

from chainatlas.model.values import is_missing

STATUS_COLOURS = {"strong": "#1a9850", "present": "#91cf60", "weak": "#fdae61", "missing": "#e0e0e0",
                  "unknown": "#ffffff"}
STATUS_LABELS = {"strong": "强 strong", "present": "有 present", "weak": "弱 weak", "missing": "缺 missing",
                 "unknown": "未知 unknown"}
EVIDENCE_LABELS = {"official share": "官方份额 official share", "official statistic": "官方统计 official statistic",
                   "firm output sum": "企业产量合计 firm output sum", "firm count": "企业数 firm count",
                   "none": "无 none"}
STAGE_LABELS = {"upstream": "上游 upstream", "midstream": "中游 midstream", "downstream": "下游 downstream"}




def chain_map_svg(layers: list[dict], nodes: pd.DataFrame, links: pd.DataFrame, firms: pd.DataFrame | None = None,
                  link_prefix: str | None = None) -> str:
    """A layered upstream → downstream map: one column per layer, nodes coloured by status.

    ``nodes`` needs ``node_id``, ``name_zh``, ``name_en`` and optionally ``status`` and ``firms``;
    hovering a node shows its local firms (``<title>``). ``link_prefix`` makes nodes links (web).
    """
    box_w, box_h, gap_x, gap_y, top = 168, 46, 52, 14, 34
    info = nodes.set_index("node_id")
    pos: dict[str, tuple[float, float]] = {}
    height = 0
    for col, layer in enumerate(layers):
        for row, node in enumerate(layer["nodes"]):
            pos[node] = (12 + col * (box_w + gap_x), top + row * (box_h + gap_y))
        height = max(height, top + len(layer["nodes"]) * (box_h + gap_y))
    width = 24 + len(layers) * (box_w + gap_x) - gap_x
    parts = [f'<svg class="chain-map" viewBox="0 0 {width} {height + 10}" '
             f'width="{width}" height="{height + 10}" role="img" aria-label="chain map">',
             '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" '
             'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#888"/></marker></defs>']
    for col, layer in enumerate(layers):
        x = 12 + col * (box_w + gap_x)
        parts.append(f'<text x="{x}" y="16" class="stage-label">{html.escape(STAGE_LABELS.get(layer["stage"], layer["stage"]))}'
                     f'</text>')
    for a, b in links[["source_node", "target_node"]].itertuples(index=False):
        if a in pos and b in pos:
            x1, y1 = pos[a][0] + box_w, pos[a][1] + box_h / 2
            x2, y2 = pos[b][0], pos[b][1] + box_h / 2
            if x2 <= x1:  # same column or backwards: route around
                x2 = pos[b][0] + box_w / 2
                y2 = pos[b][1] if y2 > y1 else pos[b][1] + box_h
            mid = (x1 + x2) / 2
            parts.append(f'<path d="M{x1},{y1} C{mid},{y1} {mid},{y2} {x2},{y2}" class="edge" fill="none" '
                         f'stroke="#999" stroke-width="1.2" marker-end="url(#arrow)"/>')
    firm_names: dict[str, list[str]] = {}
    if firms is not None and len(firms):
        for node, name_zh, name_en in firms[["node_id", "name_zh", "name_en"]].itertuples(index=False):
            firm_names.setdefault(node, []).append(f"{name_zh} {name_en}")
    for node, (x, y) in pos.items():
        rec = info.loc[node] if node in info.index else {}
        status = rec.get("status", "present") if hasattr(rec, "get") else "present"
        colour = STATUS_COLOURS.get(status, "#cfe2f3")
        count = rec.get("firms") if hasattr(rec, "get") else None
        tip = f"{rec.get('name_zh', node)} {rec.get('name_en', '')} ({node})"
        if status:
            tip += f"\n{STATUS_LABELS.get(status, status)}"
            evidence = rec.get("evidence") if hasattr(rec, "get") else None
            if isinstance(evidence, str):
                tip += f" · {EVIDENCE_LABELS.get(evidence, evidence)}"
        names = firm_names.get(node, [])
        if names:
            tip += "\n" + "\n".join(names[:25]) + ("\n…" if len(names) > 25 else "")
        dash = ' stroke-dasharray="4 3"' if status in ("missing", "unknown") else ""
        label_zh = html.escape(str(rec.get("name_zh", node)))[:14]
        label_en = html.escape(str(rec.get("name_en", "")))[:26]
        badge = "" if is_missing(count) or count is None else f'<text x="{x + box_w - 6}" y="{y + 15}" class="badge" ' \
                                                           f'text-anchor="end">{int(count)}</text>'
        open_a, close_a = "", ""
        if link_prefix:
            open_a, close_a = f'<a href="{html.escape(link_prefix + node)}">', "</a>"
        parts.append(
            f'{open_a}<g class="node" data-node="{html.escape(node)}" data-status="{html.escape(str(status))}">'
            f'<title>{html.escape(tip)}</title>'
            f'<rect x="{x}" y="{y}" width="{box_w}" height="{box_h}" rx="6" fill="{colour}" stroke="#555"{dash}/>'
            f'<text x="{x + 8}" y="{y + 19}" class="zh">{label_zh}</text>'
            f'<text x="{x + 8}" y="{y + 36}" class="en">{label_en}</text>{badge}</g>{close_a}')
    parts.append("</svg>")
    return "".join(parts)


def sankey(diagnosis_dict: dict) -> dict | None:
    """Plotly Sankey of the region's output value along the chain's main paths (yuan per link).

    A flow a → b carries b's local output value; an input a the region is not known to make is labelled so.
    """
    nodes = {n["node_id"]: n for n in diagnosis_dict["nodes"]}
    labels: list[str] = []
    index: dict[str, int] = {}

    def idx(node: str) -> int:
        if node not in index:
            index[node] = len(labels)
            rec = nodes[node]
            outside = rec.get("status") in ("missing", "unknown")
            labels.append(f"{rec['name_zh']} {rec['name_en']}" + ("（非本地 not made here）" if outside else ""))
        return index[node]

    src, dst, val, text = [], [], [], []
    seen = set()
    for vp in diagnosis_dict["value_paths"]:
        path = vp["path"]
        for a, b in zip(path, path[1:], strict=False):
            if (a, b) in seen:
                continue
            seen.add((a, b))
            value = nodes[b].get("output_value")
            if is_missing(value) or not value:
                continue
            src.append(idx(a))
            dst.append(idx(b))
            val.append(value / 1e8)
            text.append(f"{nodes[b]['name_zh']}: {value / 1e8:,.1f} 亿元")
    if not val:
        return None
    return {
        "data": [{"type": "sankey", "arrangement": "snap",
                  "node": {"label": labels, "pad": 14, "thickness": 14},
                  "link": {"source": src, "target": dst, "value": val, "customdata": text,
                           "hovertemplate": "%{customdata}<extra></extra>"}}],
        "layout": {"title": {"text": "本地产值沿主要路径 Local output value along main paths (亿元 100m yuan)"},
                   "height": 360, "margin": {"l": 10, "r": 10, "t": 40, "b": 10}},
    }


def ladder_bars(value_paths: list[dict]) -> dict | None:
    """The value ladder as one bar chart: signed uplift per unit of the most common start node (linear axis).

    Paths share their start (e.g. primary aluminium), so each downstream node appears once with its
    uplift over that start: rod +500, cable +5,000 yuan per tonne. Uplifts can be negative (a step that
    sells for less per unit of input), so the axis is linear; steps that are not comparable (different
    units without an input coefficient) are left out and named in the title.
    """
    starts: dict[str, int] = {}
    for vp in value_paths:
        rows = vp["ladder"] if isinstance(vp["ladder"], list) else vp["ladder"].to_dict(orient="records")
        starts[rows[0]["node_id"]] = starts.get(rows[0]["node_id"], 0) + 1
    if not starts:
        return None
    start = max(starts, key=lambda k: starts[k])
    uplift: dict[str, tuple[str, float]] = {}
    skipped: set[str] = set()
    start_rec = None
    for vp in value_paths:
        rows = vp["ladder"] if isinstance(vp["ladder"], list) else vp["ladder"].to_dict(orient="records")
        if rows[0]["node_id"] != start:
            continue
        start_rec = rows[0]
        for r in rows[1:]:
            if is_missing(r["uplift_over_start"]):
                if r.get("comparable") is False:
                    skipped.add(r["name_en"])
            elif r["node_id"] not in uplift:
                uplift[r["node_id"]] = (f"{r['name_zh']}<br>{r['name_en']}", r["uplift_over_start"])
    if not uplift or start_rec is None:
        return None
    items = sorted(uplift.values(), key=lambda t: t[1])
    note = f" — not comparable: {', '.join(sorted(skipped))}" if skipped else ""
    return {"data": [{
        "type": "bar", "x": [t[0] for t in items], "y": [t[1] for t in items],
        "text": [f"{t[1]:+,.0f}" for t in items], "textposition": "outside",
        "marker": {"color": ["#2c7fb8" if t[1] >= 0 else "#d73027" for t in items]},
        "hovertemplate": "%{x}: %{text} yuan per " + f"{start_rec['unit']} of {start_rec['name_en']}<extra></extra>"}],
        "layout": {"title": {"text": f"增值阶梯 Value ladder: uplift over {start_rec['name_zh']} {start_rec['name_en']} "
                                     f"(yuan/{start_rec['unit']}){note}"},
                   "height": 380, "yaxis": {"type": "linear", "zeroline": True, "title": {"text": "yuan"}},
                   "margin": {"l": 60, "r": 10, "t": 40, "b": 90}}}


def top_heaviness_bars(top: dict) -> dict | None:
    """Region vs nation on the declared measure; no chart when the verdict is unknown (the reason is shown)."""
    if top.get("top_heavy") is None or top.get("region_raw_share") is None or top.get("national_raw_share") is None:
        return None
    xs = ["本地区 region", "全国 nation"]
    raw = [top["region_raw_share"], top["national_raw_share"]]
    return {"data": [
        {"type": "bar", "name": "上游及初级 upstream & primary", "x": xs, "y": raw, "marker": {"color": "#8c510a"}},
        {"type": "bar", "name": "深加工及下游 processing & downstream", "x": xs, "y": [1 - v for v in raw],
         "marker": {"color": "#01665e"}}],
        "layout": {"barmode": "stack", "height": 300, "yaxis": {"tickformat": ".0%"},
                   "title": {"text": f"结构 Mix ({top.get('measure')})"}, "margin": {"l": 50, "r": 10, "t": 40, "b": 40}}}


def _stage_count(stage: dict, key: str) -> int:
    """Links of a stage with one status; the stage table's ``present`` counts strong and weak links too."""
    if key == "present":
        return stage["present"] - stage.get("strong", 0) - stage.get("weak", 0)
    return stage.get(key, 0)


def coverage_bars(stages: list[dict]) -> dict:
    """Links per stage stacked by status: the bars add up to the stage's links."""
    labels = [STAGE_LABELS[s["stage"]] for s in stages]
    return {"data": [
        {"type": "bar", "name": status_label, "x": labels, "y": [_stage_count(s, key) for s in stages],
         "marker": {"color": STATUS_COLOURS[key]}}
        for key, status_label in STATUS_LABELS.items() if key != "unknown"] + [
        {"type": "bar", "name": STATUS_LABELS["unknown"], "x": labels, "y": [s.get("unknown", 0) for s in stages],
         "marker": {"color": "#f7f7f7", "line": {"color": "#999", "width": 1}}}],
        "layout": {"barmode": "stack", "height": 300, "title": {"text": "环节覆盖 Links by stage and status"},
                   "margin": {"l": 40, "r": 10, "t": 40, "b": 40}}}


def peer_bars(comparison: dict, focus: str) -> dict | None:
    rows = comparison.get("regions") or []
    if not rows:
        return None
    names = [f"{r['name_zh']}" for r in rows]
    colours = ["#d73027" if r["region"] == focus else "#4575b4" for r in rows]
    return {"data": [
        {"type": "bar", "name": "环节覆盖率 coverage", "x": names, "y": [r["coverage"] for r in rows],
         "marker": {"color": colours}, "yaxis": "y"},
        {"type": "scatter", "mode": "markers", "name": "企业数 firms", "x": names, "y": [r["firms"] for r in rows],
         "yaxis": "y2", "marker": {"size": 10, "color": "#333"}}],
        "layout": {"height": 340, "title": {"text": "同类地区比较 Peer comparison"},
                   "yaxis": {"tickformat": ".0%", "title": {"text": "coverage"}},
                   "yaxis2": {"overlaying": "y", "side": "right", "title": {"text": "firms"}},
                   "margin": {"l": 50, "r": 50, "t": 40, "b": 60}, "legend": {"orientation": "h"}}}


ACTION_COLOURS = {"strengthen": "#1a9850", "supplement": "#4575b4", "extend": "#d73027", "watch": "#999999"}
ACTION_LABELS = {"strengthen": "强链 strengthen", "supplement": "补链 supplement", "extend": "延链 extend",
                 "watch": "观望 watch"}


def quadrant(opportunities: dict, target_url: Callable[[str], str] | None = None) -> dict | None:
    """Scatter of candidate links: x = relatedness, y = value uplift, bubble = national market.

    The report and the dashboard draw this same chart; the dashboard passes ``target_url`` (node id →
    the link's target-list page), put in each point's ``customdata`` so a click opens it.
    """
    points = opportunities.get("quadrant", {}).get("points") or []
    if not points:
        return None
    sizes = [p["size"] for p in points if not is_missing(p["size"]) and p["size"]]
    top = max(sizes) if sizes else 1.0
    data = []
    for action, label in ACTION_LABELS.items():
        pts = [p for p in points if p["action"] == action]
        if not pts:
            continue
        trace = {
            "type": "scatter", "mode": "markers+text", "name": label,
            "x": [p["x"] for p in pts], "y": [p["y"] for p in pts],
            "text": [p["name_zh"] for p in pts], "textposition": "top center",
            "hovertext": [f"{p['name_zh']} {p['name_en']} · {p.get('label') or label}" for p in pts],
            "hovertemplate": "%{hovertext}<br>relatedness %{x:.2f}<br>value uplift %{y:.2f}<extra></extra>",
            "marker": {"color": ACTION_COLOURS[action], "opacity": 0.75, "line": {"width": 1, "color": "#333"},
                       "size": [10 + 30 * math.sqrt(p["size"] / top) if not is_missing(p["size"]) and p["size"] else 10
                                for p in pts]}}
        if target_url is not None:
            trace["customdata"] = [target_url(p["node_id"]) for p in pts]
        data.append(trace)
    title = "机会象限 Opportunity quadrant (bubble = national market)"
    if target_url is not None:
        title += "（点击查看招商目标 click for targets）"
    return {"data": data, "layout": {
        "title": {"text": title}, "height": 460,
        "xaxis": {"title": {"text": "关联度 relatedness"}, "range": [-0.05, 1.05]},
        "yaxis": {"title": {"text": "增值潜力 value uplift"}, "range": [-0.05, 1.15]},
        "shapes": [{"type": "line", "x0": 0.5, "x1": 0.5, "y0": 0, "y1": 1.1, "line": {"dash": "dot", "color": "#aaa"}},
                   {"type": "line", "x0": 0, "x1": 1, "y0": 0.5, "y1": 0.5, "line": {"dash": "dot", "color": "#aaa"}}],
        "margin": {"l": 50, "r": 10, "t": 50, "b": 50}, "legend": {"orientation": "h"}}}
