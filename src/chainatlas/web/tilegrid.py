"""The offline region map drawn: the tile grid of China's 34 provincial-level regions
(:mod:`chainatlas.model.tilegrid`), or a user's GeoJSON.

Why a tile grid by default: a map with official boundaries must be an approved map in China, and a
grid of equal squares also gives small regions (Shanghai, Macao) the same visual weight as large
ones. Users who hold an approved boundary file can point ``CHAINATLAS_GEOJSON`` at it; it is read
from disk and drawn with a plain equirectangular projection, never fetched.
"""

from __future__ import annotations

import html
import json
import math
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from chainatlas.model.tilegrid import TILES

TILE, GAP = 74, 6
NO_DATA = "#eeeeee"


@dataclass
class Shade:
    """A sequential colour scale from pale to dark blue over ``[low, high]``."""

    low: float
    high: float

    def __call__(self, value: float | None) -> str:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return NO_DATA
        t = 0.0 if self.high <= self.low else (value - self.low) / (self.high - self.low)
        t = min(max(t, 0.0), 1.0)
        pale, dark = (222, 235, 247), (8, 69, 148)
        r, g, b = (round(p + (d - p) * t) for p, d in zip(pale, dark, strict=True))
        return f"#{r:02x}{g:02x}{b:02x}"

    @classmethod
    def over(cls, values: list[float | None]) -> Shade:
        known = [v for v in values if v is not None and not (isinstance(v, float) and math.isnan(v))]
        return cls(min(known, default=0.0), max(known, default=0.0))


def _text_colour(fill: str) -> str:
    r, g, b = (int(fill[i:i + 2], 16) for i in (1, 3, 5))
    return "#ffffff" if 0.299 * r + 0.587 * g + 0.114 * b < 140 else "#222222"


def tile_svg(values: dict[str, float | None], href: dict[str, str], label: str, fmt: str = "{:,.0f}") -> str:
    """The grid as inline SVG: one linked square per province, shaded by ``values[code]``."""
    shade = Shade.over(list(values.values()))
    rows = max(r for r, _, _, _ in TILES.values()) + 1
    cols = max(c for _, c, _, _ in TILES.values()) + 1
    width, height = cols * (TILE + GAP) + GAP, rows * (TILE + GAP) + GAP
    parts = [f'<svg class="tile-map" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
             f'role="img" aria-label="{html.escape(label)}">']
    for code, (row, col, zh, en) in TILES.items():
        x, y = GAP + col * (TILE + GAP), GAP + row * (TILE + GAP)
        value = values.get(code)
        fill = shade(value)
        ink = _text_colour(fill)
        shown = "—" if value is None else fmt.format(value)
        parts.append(
            f'<a href="{html.escape(href.get(code, "/regions/" + code))}"><g class="tile" data-code="{code}">'
            f'<title>{html.escape(f"{zh} {en} ({code}): {label} {shown}")}</title>'
            f'<rect x="{x}" y="{y}" width="{TILE}" height="{TILE}" rx="6" fill="{fill}" stroke="#fff"/>'
            f'<text x="{x + TILE / 2}" y="{y + 26}" text-anchor="middle" class="tile-zh" fill="{ink}">{zh}</text>'
            f'<text x="{x + TILE / 2}" y="{y + 42}" text-anchor="middle" class="tile-en" fill="{ink}">'
            f'{html.escape(en[:13])}</text>'
            f'<text x="{x + TILE / 2}" y="{y + 62}" text-anchor="middle" class="tile-value" fill="{ink}">'
            f'{html.escape(shown)}</text></g></a>')
    parts.append("</svg>")
    return "".join(parts)


# ---------------------------------------------------------------------- a user's GeoJSON
GEOJSON_ENV = "CHAINATLAS_GEOJSON"
MAX_GEOJSON_BYTES = 64 * 1024 * 1024


def geojson_path() -> Path | None:
    """The user's boundary file named by ``CHAINATLAS_GEOJSON``, if set and present."""
    value = os.environ.get(GEOJSON_ENV)
    if not value:
        return None
    path = Path(value).expanduser()
    return path if path.is_file() else None


@lru_cache(maxsize=2)
def _load_geojson(path: str, mtime: float) -> dict:
    size = Path(path).stat().st_size
    if size > MAX_GEOJSON_BYTES:
        raise ValueError(f"{path} is {size} bytes; at most {MAX_GEOJSON_BYTES} are read")
    return json.loads(Path(path).read_text(encoding="utf-8"))


def _feature_code(props: dict, names: dict[str, str]) -> str | None:
    """The region code a feature stands for: an ``adcode``/``code`` property, else its name."""
    for key in ("adcode", "code", "region", "gb"):
        value = str(props.get(key) or "")
        if len(value) == 6 and value.isdigit():
            return value
    for key in ("name", "name_zh", "NAME", "name_en"):
        value = str(props.get(key) or "")
        if value in names:
            return names[value]
    return None


def _rings(geometry: dict) -> list[list[list[float]]]:
    kind, coords = geometry.get("type"), geometry.get("coordinates") or []
    if kind == "Polygon":
        return list(coords)
    if kind == "MultiPolygon":
        return [ring for polygon in coords for ring in polygon]
    return []


def geojson_svg(path: Path, values: dict[str, float | None], href: dict[str, str], names: dict[str, str],
                label: str, fmt: str = "{:,.0f}", width: int = 820) -> str:
    """The user's boundaries as inline SVG paths (equirectangular, centred latitude), shaded like the grid."""
    data = _load_geojson(str(path), path.stat().st_mtime)
    features = data.get("features", []) if data.get("type") == "FeatureCollection" else [data]
    shapes = []
    for feature in features:
        rings = _rings(feature.get("geometry") or {})
        if rings:
            shapes.append((_feature_code(feature.get("properties") or {}, names), feature.get("properties") or {},
                           rings))
    points = [pt for _, _, rings in shapes for ring in rings for pt in ring]
    if not points:
        return '<p class="muted">GeoJSON 文件中没有多边形 The GeoJSON file holds no polygons.</p>'
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    k = math.cos(math.radians((min(lats) + max(lats)) / 2))
    span_x, span_y = (max(lons) - min(lons)) * k or 1.0, (max(lats) - min(lats)) or 1.0
    scale = width / span_x
    height = round(span_y * scale)
    shade = Shade.over(list(values.values()))
    parts = [f'<svg class="geo-map" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
             f'aria-label="{html.escape(label)}">']
    for code, props, rings in shapes:
        d = " ".join("M" + " L".join(f"{(x - min(lons)) * k * scale:.1f},{(max(lats) - y) * scale:.1f}"
                                     for x, y, *_ in ring) + " Z" for ring in rings if ring)
        value = values.get(code) if code else None
        title = f"{props.get('name', code or '')}: {label} {'—' if value is None else fmt.format(value)}"
        shape = (f'<path d="{d}" fill="{shade(value)}" stroke="#fff" stroke-width="0.6">'
                 f'<title>{html.escape(title)}</title></path>')
        parts.append(f'<a href="{html.escape(href.get(code, "/regions/" + code))}">{shape}</a>' if code else shape)
    parts.append("</svg>")
    return "".join(parts)
