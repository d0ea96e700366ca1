"""A chain map that fits one A4 landscape page: layers run top to bottom and wrap into rows.

Why: a left-to-right map of a 30-node chain is wider than any page, so a printout loses the
downstream half. Here each layer (stage × depth) is a band of rows; a band wraps when it holds more
nodes than fit across, and boxes, gaps and fonts are sized from the page, so the whole chain prints
on one page with labels of at least ``MIN_FONT`` points. Nodes within a band are ordered by the mean
position of their inputs, so a node fed by scrap sits under scrap, and every edge is drawn from its
own input's box to its own output's box (never routed so that it seems to come from another input).

One layout feeds two renderers: SVG (HTML report, web) and PNG through matplotlib (Word/PDF briefing).
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field
from functools import lru_cache

import pandas as pd

from chainatlas.report.charts import STAGE_LABELS, STATUS_COLOURS, STATUS_LABELS

A4_LANDSCAPE = (842.0, 595.0)  # points (1/72 inch)
MIN_FONT = 7.0  # points: the smallest label the layout accepts as readable in print
MAX_COLS = 8


@dataclass
class Box:
    node: str
    x: float
    y: float
    w: float
    h: float
    stage: str

    @property
    def bottom(self) -> tuple[float, float]:
        return (self.x + self.w / 2, self.y + self.h)

    @property
    def top(self) -> tuple[float, float]:
        return (self.x + self.w / 2, self.y)


@dataclass
class Edge:
    source: str
    target: str
    points: list[tuple[float, float]]  # a cubic Bézier: start, control 1, control 2, end


@dataclass
class MapLayout:
    width: float
    height: float
    boxes: dict[str, Box]
    edges: list[Edge]
    font_zh: float
    font_en: float
    bands: list[dict] = field(default_factory=list)  # {"stage", "y"} for stage labels

    def bounds(self) -> tuple[float, float, float, float]:
        """min x, min y, max x, max y over every box and edge point."""
        xs = [b.x for b in self.boxes.values()] + [b.x + b.w for b in self.boxes.values()]
        ys = [b.y for b in self.boxes.values()] + [b.y + b.h for b in self.boxes.values()]
        for e in self.edges:
            xs += [p[0] for p in e.points]
            ys += [p[1] for p in e.points]
        return (min(xs), min(ys), max(xs), max(ys)) if xs else (0, 0, 0, 0)


def _order(layers: list[dict], links: pd.DataFrame) -> list[list[str]]:
    """Nodes of each layer ordered by the mean position of their inputs in the layers above."""
    preds: dict[str, list[str]] = {}
    for a, b in links[["source_node", "target_node"]].itertuples(index=False):
        preds.setdefault(b, []).append(a)
    pos: dict[str, float] = {}
    out = []
    for layer in layers:
        nodes = list(layer["nodes"])
        keyed = []
        for i, n in enumerate(nodes):
            known = [pos[p] for p in preds.get(n, []) if p in pos]
            keyed.append((sum(known) / len(known) if known else (i + 0.5) / max(len(nodes), 1), n))
        keyed.sort(key=lambda k: (k[0], k[1]))
        nodes = [n for _, n in keyed]
        for i, n in enumerate(nodes):
            pos[n] = (i + 0.5) / len(nodes)
        out.append(nodes)
    return out


def _place(chunk: list[str], preds: dict[str, list[str]], placed: dict[str, Box], left: float, right: float,
           box_w: float, gap_x: float) -> list[float]:
    """Left x of each node of one row: under the mean centre of its inputs, pushed apart so none overlap.

    Placing a node under its own inputs keeps an edge from running through an unrelated box (a
    scrap-fed node sits under scrap, not in the path from ore to metal).
    """
    span = len(chunk) * box_w + (len(chunk) - 1) * gap_x
    even = [left + (right - left - span) / 2 + i * (box_w + gap_x) + box_w / 2 for i in range(len(chunk))]
    want = []
    for i, n in enumerate(chunk):
        known = [placed[p].x + placed[p].w / 2 for p in preds.get(n, []) if p in placed]
        want.append(sum(known) / len(known) if known else even[i])
    order = sorted(range(len(chunk)), key=lambda i: (want[i], chunk[i]))
    xs = [0.0] * len(chunk)
    prev = left - gap_x
    for i in order:  # left to right: no overlap
        xs[i] = max(want[i] - box_w / 2, prev + gap_x)
        prev = xs[i] + box_w
    nxt = right + gap_x
    for i in reversed(order):  # right to left: stay on the page
        xs[i] = min(xs[i], nxt - gap_x - box_w)
        nxt = xs[i]
    return xs


def layout(layers: list[dict], links: pd.DataFrame, page: tuple[float, float] = A4_LANDSCAPE,
           margin: float = 24.0, max_cols: int = MAX_COLS) -> MapLayout:
    """Place every node of ``layers`` (from :func:`chainatlas.analysis.graph.layers`) on ``page``.

    Raises ValueError when the chain is too large to print on the page with labels of ``MIN_FONT``.
    """
    ordered = _order(layers, links)
    width, height = page
    label_w = 54.0  # left column for stage labels
    usable_w = width - 2 * margin - label_w
    usable_h = height - 2 * margin
    cols = max(1, min(max_cols, max((len(n) for n in ordered), default=1)))
    rows_per_layer = [max(1, math.ceil(len(n) / cols)) for n in ordered]
    total_rows = max(1, sum(rows_per_layer))
    gap_x = min(14.0, usable_w / cols * 0.12)
    box_w = (usable_w - (cols - 1) * gap_x) / cols
    row_h = usable_h / total_rows
    box_h = min(44.0, row_h * 0.62)
    font_zh = min(11.0, box_h * 0.34, box_w / 8.5)
    font_en = min(8.0, font_zh * 0.75)
    if font_zh < MIN_FONT:
        raise ValueError(f"{sum(len(n) for n in ordered)} nodes in {total_rows} rows do not fit a "
                         f"{width:.0f}×{height:.0f} pt page with labels of {MIN_FONT} pt or more")
    boxes: dict[str, Box] = {}
    bands = []
    preds: dict[str, list[str]] = {}
    for a, b in links[["source_node", "target_node"]].itertuples(index=False):
        preds.setdefault(b, []).append(a)
    left, right = margin + label_w, margin + label_w + usable_w
    row = 0
    for layer, nodes in zip(layers, ordered, strict=True):
        bands.append({"stage": layer["stage"], "y": margin + row * row_h, "first": not bands
                      or bands[-1]["stage"] != layer["stage"]})
        for start in range(0, len(nodes), cols):
            chunk = nodes[start:start + cols]
            y = margin + row * row_h + (row_h - box_h) / 2
            for n, x in zip(chunk, _place(chunk, preds, boxes, left, right, box_w, gap_x), strict=True):
                boxes[n] = Box(n, x, y, box_w, box_h, layer["stage"])
            row += 1
    edges = []
    for a, b in links[["source_node", "target_node"]].itertuples(index=False):
        if a not in boxes or b not in boxes:
            continue
        s, t = boxes[a], boxes[b]
        if t.y > s.y + s.h / 2:  # target below: leave from the bottom, enter at the top
            (x1, y1), (x2, y2) = s.bottom, t.top
            dy = (y2 - y1) / 2
            pts = [(x1, y1), (x1, y1 + dy), (x2, y2 - dy), (x2, y2)]
        else:  # same row or above: side to side, bowing out of the row
            right = t.x > s.x
            x1 = s.x + s.w if right else s.x
            x2 = t.x if right else t.x + t.w
            y1, y2 = s.y + s.h / 2, t.y + t.h / 2
            bow = (row_h - box_h) / 2
            pts = [(x1, y1), (x1, y1 - bow), (x2, y2 - bow), (x2, y2)]
        edges.append(Edge(a, b, pts))
    return MapLayout(width, height, boxes, edges, font_zh, font_en, bands)


def _label(text: object, limit: int) -> str:
    s = "" if text is None or (isinstance(text, float) and math.isnan(text)) else str(text)
    return s if len(s) <= limit else s[: limit - 1] + "…"


def _chars(box_w: float, font: float, wide: bool) -> int:
    return max(4, int((box_w - 8) / (font * (1.0 if wide else 0.52))))


def svg(lay: MapLayout, nodes: pd.DataFrame, firms: pd.DataFrame | None = None,
        link_prefix: str | None = None) -> str:
    """The layout as an SVG sized to the page (scales to the container on screen)."""
    frame = nodes.set_index("node_id") if "node_id" in nodes.columns else nodes
    info = {str(k): v for k, v in zip(frame.index, frame.to_dict(orient="records"), strict=True)}  # one pass, not .loc
    firm_names: dict[str, list[str]] = {}
    if firms is not None and len(firms):
        for node, name_zh in firms[["node_id", "name_zh"]].itertuples(index=False):
            firm_names.setdefault(node, []).append(str(name_zh))
    parts = [f'<svg class="chain-map chain-map-page" viewBox="0 0 {lay.width:.0f} {lay.height:.0f}" '
             f'width="100%" style="max-width:{lay.width:.0f}px" role="img" aria-label="产业链图 chain map" '
             '>',
             '<defs><marker id="cm-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="5" markerHeight="5" '
             'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#777"/></marker></defs>']
    for band in lay.bands:
        if band["first"]:
            parts.append(f'<text x="6" y="{band["y"] + 14:.1f}" font-size="{lay.font_en + 1:.1f}" fill="#444">'
                         f'{html.escape(STAGE_LABELS.get(band["stage"], band["stage"]).split(" ")[0])}</text>')
    for e in lay.edges:
        (x1, y1), (c1x, c1y), (c2x, c2y), (x2, y2) = e.points
        parts.append(f'<path d="M{x1:.1f},{y1:.1f} C{c1x:.1f},{c1y:.1f} {c2x:.1f},{c2y:.1f} {x2:.1f},{y2:.1f}" '
                     f'fill="none" stroke="#999" stroke-width="0.9" marker-end="url(#cm-arrow)" '
                     f'data-from="{html.escape(e.source)}" data-to="{html.escape(e.target)}"/>')
    for node, b in lay.boxes.items():
        rec = info.get(node, {})
        status = rec.get("status") if isinstance(rec.get("status"), str) else ""
        colour = STATUS_COLOURS.get(status, "#cfe2f3")
        tip = f"{rec.get('name_zh', node)} {rec.get('name_en', '')} ({node})"
        if status:
            tip += f"\n{STATUS_LABELS.get(status, status)}"
        names = firm_names.get(node, [])
        if names:
            tip += "\n" + "\n".join(names[:25]) + ("\n…" if len(names) > 25 else "")
        dash = ' stroke-dasharray="4 3"' if status == "missing" else ""
        ink = ("white", "#f0f0f0") if status == "strong" else ("black", "#444")  # contrast on dark green
        zh = html.escape(_label(rec.get("name_zh", node), _chars(b.w, lay.font_zh, True)))
        en = html.escape(_label(rec.get("name_en", ""), _chars(b.w, lay.font_en, False)))
        count = rec.get("firms")
        badge = "" if count is None or (isinstance(count, float) and math.isnan(count)) else \
            f'<text x="{b.x + b.w - 4:.1f}" y="{b.y + lay.font_en + 2:.1f}" font-size="{lay.font_en:.1f}" ' \
            f'text-anchor="end" fill="#333">{int(count)}</text>'
        open_a, close_a = ("", "") if not link_prefix else (f'<a href="{html.escape(link_prefix + node)}">', "</a>")
        parts.append(
            f'{open_a}<g class="node" data-node="{html.escape(node)}" data-status="{html.escape(status)}">'
            f'<title>{html.escape(tip)}</title>'
            f'<rect x="{b.x:.1f}" y="{b.y:.1f}" width="{b.w:.1f}" height="{b.h:.1f}" rx="4" fill="{colour}" '
            f'stroke="#555" stroke-width="0.8"{dash}/>'
            f'<text x="{b.x + 5:.1f}" y="{b.y + b.h * 0.45:.1f}" font-size="{lay.font_zh:.1f}" fill="{ink[0]}" '
            f'class="cm-zh">{zh}</text>'
            f'<text x="{b.x + 5:.1f}" y="{b.y + b.h * 0.82:.1f}" font-size="{lay.font_en:.1f}" fill="{ink[1]}" '
            f'class="cm-en">{en}</text>{badge}</g>{close_a}')
    parts.append("</svg>")
    return "".join(parts)


def map_svg(layers: list[dict], nodes: pd.DataFrame, links: pd.DataFrame, firms: pd.DataFrame | None = None,
            link_prefix: str | None = None) -> str:
    """Drop-in for :func:`chainatlas.report.charts.chain_map_svg`: the page-fitting map.

    A chain too large for one page keeps the wide (scrolling) map rather than unreadable labels.
    """
    try:
        lay = _layout_of(tuple((layer["stage"], tuple(layer["nodes"])) for layer in layers),
                         tuple(links[["source_node", "target_node"]].itertuples(index=False, name=None)))
    except ValueError:
        from chainatlas.report.charts import chain_map_svg

        return chain_map_svg(layers, nodes, links, firms, link_prefix)
    return svg(lay, nodes, firms, link_prefix)


@lru_cache(maxsize=64)
def _layout_of(layers: tuple[tuple[str, tuple[str, ...]], ...], links: tuple[tuple[str, str], ...]) -> MapLayout:
    """:func:`layout` kept per chain shape: every region's map of a chain has the same boxes, only colours
    differ (callers only read the layout)."""
    return layout([{"stage": stage, "nodes": list(nodes)} for stage, nodes in layers],
                  pd.DataFrame(list(links), columns=["source_node", "target_node"]))
