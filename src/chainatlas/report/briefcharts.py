"""Plotly figure dicts of the briefing pack (time series, point map) shared by the report and the web.

Why plain scatter on longitude/latitude: plotly's geographic traces fetch boundary files from a CDN;
a scatter on lon/lat axes needs nothing and still shows where the chain is.
"""

from __future__ import annotations


def series_chart(s: dict) -> dict:
    """A plotly line chart of one series: the region and the nation on two axes."""
    rows = s["rows"]
    years = [r["year"] for r in rows]
    data = []
    if any(r["region_value"] is not None for r in rows):
        data.append({"type": "scatter", "mode": "lines+markers", "name": s["region"]["name_zh"], "x": years,
                     "y": [r["region_value"] for r in rows], "line": {"color": "#d95f02"}})
    if any(r["national_value"] is not None for r in rows):
        data.append({"type": "scatter", "mode": "lines+markers", "name": "全国 China", "x": years,
                     "y": [r["national_value"] for r in rows], "yaxis": "y2" if data else "y",
                     "line": {"color": "#4575b4"}})
    unit = rows[0]["unit"] if rows else ""
    return {"data": data, "layout": {"height": 280, "title": {"text": f"{s['title_zh']} ({unit})"},
                                     "xaxis": {"dtick": 1}, "yaxis2": {"overlaying": "y", "side": "right"},
                                     "margin": {"l": 60, "r": 60, "t": 40, "b": 30}}}


def points_chart(p: dict) -> dict | None:
    """Regions as circles sized by firm count at their longitude/latitude (offline, no boundary file)."""
    pts = p["points"]
    if not pts:
        return None
    top = max(r["firms"] for r in pts) or 1
    return {"data": [{"type": "scatter", "mode": "markers+text", "x": [r["lon"] for r in pts],
                      "y": [r["lat"] for r in pts], "text": [r["name_zh"] if i < 12 else "" for i, r in enumerate(pts)], "textposition": "top center",
                      "hovertext": [f"{r['name_zh']} {r['name_en']}: {r['firms']} 家 firms · {r['firm_names']}"
                                    for r in pts], "hoverinfo": "text",
                      "marker": {"size": [8 + 40 * (r["firms"] / top) ** 0.5 for r in pts],
                                 "color": ["#d95f02" if r["focus"] else "#4575b4" for r in pts], "opacity": 0.7}}],
            "layout": {"height": 460, "title": {"text": f"{p['chain']['name_zh']} 企业分布 firms by region"},
                       "xaxis": {"title": {"text": "经度 longitude"}},
                       "yaxis": {"title": {"text": "纬度 latitude"}, "scaleanchor": "x", "scaleratio": 1.2},
                       "margin": {"l": 50, "r": 10, "t": 40, "b": 40}}}
