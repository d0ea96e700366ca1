"""Static figures (PNG) for the Word/PDF briefing, drawn with matplotlib offline.

Why matplotlib: plotly's static export (kaleido) needs a browser download, which an offline machine
does not have; matplotlib draws in-process. Chinese labels need a CJK font: the first installed one
of ``CJK_FONTS`` is used, and :func:`cjk_font` says clearly when none is installed.
"""

from __future__ import annotations

import io
import math
from functools import lru_cache

import pandas as pd

from chainatlas.errors import ChainAtlasError
from chainatlas.report.chainmap import MapLayout
from chainatlas.report.charts import STATUS_COLOURS

CJK_FONTS = ("WenQuanYi Micro Hei", "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "SimHei",
             "Microsoft YaHei", "PingFang SC", "Droid Sans Fallback")


def _mpl():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return matplotlib, plt


@lru_cache(maxsize=1)
def cjk_font() -> str:
    """The name of an installed CJK font for matplotlib; a clear error when there is none."""
    _mpl()
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    for name in CJK_FONTS:
        if name in installed:
            return name
    raise ChainAtlasError("no Chinese (CJK) font is installed for the briefing figures; install one, e.g. "
                          "`apt-get install fonts-wqy-microhei` (Debian) or Noto Sans CJK")


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=200)
    _, plt = _mpl()
    plt.close(fig)
    return buf.getvalue()


def _setup():
    matplotlib, plt = _mpl()
    matplotlib.rcParams["font.family"] = [cjk_font(), "DejaVu Sans"]
    matplotlib.rcParams["axes.unicode_minus"] = False
    return plt


def chain_map_png(lay: MapLayout, nodes: pd.DataFrame) -> bytes:
    """The page-fitting chain map as a PNG of the page's proportions (A4 landscape by default)."""
    plt = _setup()
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch
    from matplotlib.path import Path as MPath

    info = nodes.set_index("node_id")
    fig = plt.figure(figsize=(lay.width / 72, lay.height / 72))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, lay.width)
    ax.set_ylim(lay.height, 0)
    ax.axis("off")
    for band in lay.bands:
        if band["first"]:
            label = {"upstream": "上游", "midstream": "中游", "downstream": "下游"}.get(band["stage"], band["stage"])
            ax.text(6, band["y"] + 12, label, fontsize=lay.font_zh, color="#444", va="top")
    for e in lay.edges:
        path = MPath(e.points, [MPath.MOVETO, MPath.CURVE4, MPath.CURVE4, MPath.CURVE4])
        ax.add_patch(FancyArrowPatch(path=path, arrowstyle="-|>", mutation_scale=7, color="#888", lw=0.7))
    for node, b in lay.boxes.items():
        rec = info.loc[node] if node in info.index else pd.Series(dtype=object)
        status = rec.get("status") if isinstance(rec.get("status"), str) else ""
        ax.add_patch(FancyBboxPatch((b.x, b.y), b.w, b.h, boxstyle="round,pad=0,rounding_size=3",
                                    facecolor=STATUS_COLOURS.get(status, "#cfe2f3"), edgecolor="#555", lw=0.6,
                                    linestyle="--" if status == "missing" else "-"))
        zh = str(rec.get("name_zh", node))
        en = str(rec.get("name_en", ""))
        max_en = max(4, int((b.w - 8) / (lay.font_en * 0.55)))
        ink = ("white", "#f0f0f0") if status == "strong" else ("black", "#444")  # contrast on dark green
        ax.text(b.x + 4, b.y + b.h * 0.42, zh, fontsize=lay.font_zh, va="center", color=ink[0])
        ax.text(b.x + 4, b.y + b.h * 0.78, en if len(en) <= max_en else en[: max_en - 1] + "…",
                fontsize=lay.font_en, color=ink[1], va="center")
        count = rec.get("firms")
        if count is not None and not (isinstance(count, float) and math.isnan(count)):
            ax.text(b.x + b.w - 4, b.y + 3, str(int(count)), fontsize=lay.font_en, ha="right", va="top")
    return _png(fig)


def bars_png(labels: list[str], values: list[float], title: str, unit: str = "",
             highlight: int | None = None) -> bytes:
    """Horizontal bars (peers, value ladder); ``highlight`` marks one bar (the focus region)."""
    plt = _setup()
    n = max(len(labels), 1)
    fig, ax = plt.subplots(figsize=(7.5, 0.38 * n + 1.2))
    colours = ["#d95f02" if i == highlight else "#4575b4" for i in range(len(labels))]
    ax.barh(range(len(labels)), values, color=colours)
    ax.set_yticks(range(len(labels)), labels)
    ax.invert_yaxis()
    ax.set_title(title, fontsize=11)
    if unit:
        ax.set_xlabel(unit)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return _png(fig)


def series_png(frame: pd.DataFrame, title: str, region_label: str) -> bytes:
    """A region-vs-nation series: the region's values (left axis) and the nation's (right axis)."""
    plt = _setup()
    fig, ax = plt.subplots(figsize=(7.0, 3.0))
    unit = str(frame["unit"].iloc[0]) if len(frame) else ""
    r = pd.to_numeric(frame["region_value"], errors="coerce")
    n = pd.to_numeric(frame["national_value"], errors="coerce")
    if r.notna().any():
        ax.plot(frame["year"], r, marker="o", color="#d95f02", label=f"{region_label}")
        ax.set_ylabel(f"{region_label} ({unit})")
    if n.notna().any():
        ax2 = ax.twinx() if r.notna().any() else ax
        ax2.plot(frame["year"], n, marker="s", color="#4575b4", label="全国 China")
        ax2.set_ylabel(f"全国 ({unit})")
    ax.set_xticks(list(frame["year"]))
    for a in fig.axes:
        a.ticklabel_format(axis="y", style="plain", useOffset=False)
        a.yaxis.set_major_formatter(matplotlib_formatter())
    ax.set_title(title, fontsize=11)
    fig.legend(loc="lower right", fontsize=8, frameon=False)
    fig.tight_layout()
    return _png(fig)


def matplotlib_formatter():
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda v, _: f"{v:,.0f}" if abs(v) >= 100 else f"{v:g}")


def points_png(points: pd.DataFrame, title: str) -> bytes:
    """Regions as circles sized by firm count at their longitude/latitude (no boundary file)."""
    plt = _setup()
    fig, ax = plt.subplots(figsize=(7.5, 5.0))
    size = points["firms"].astype(float)
    scale = 600 / max(size.max(), 1)
    focus = points["focus"].astype(bool)
    ax.scatter(points.loc[~focus, "lon"], points.loc[~focus, "lat"], s=size[~focus] * scale + 12,
               color="#4575b4", alpha=0.55, edgecolor="white")
    ax.scatter(points.loc[focus, "lon"], points.loc[focus, "lat"], s=size[focus] * scale + 12,
               color="#d95f02", alpha=0.85, edgecolor="black")
    for rec in points.head(15).to_dict(orient="records"):
        ax.annotate(f"{rec['name_zh']} {int(rec['firms'])}", (rec["lon"], rec["lat"]), fontsize=7,
                    xytext=(4, 4), textcoords="offset points")
    ax.set_xlabel("经度 longitude")
    ax.set_ylabel("纬度 latitude")
    ax.set_aspect(1 / math.cos(math.radians(float(points["lat"].mean()) if len(points) else 35.0)))
    ax.set_title(title, fontsize=11)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return _png(fig)
