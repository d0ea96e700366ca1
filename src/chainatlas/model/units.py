"""Units of measure and explicit conversions.

Why: chain data mixes 万吨 and t, 亿元 and 元, µm and mm. A value without its unit is meaningless and a
guessed unit is worse than none, so every conversion goes through :func:`convert`, which refuses
unknown units and units of different dimensions with a :class:`~chainatlas.errors.UnitError`.

A unit is written as in the source (``万吨``, ``亿元``, ``µm``); compound units use one slash
(``yuan/t``, ``万元/吨``, ``t/t``). Counts are split by what they count (pieces, sets, vehicles,
wafers, firms…) because converting vehicles into wafers is never meaningful.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TypeVar

from chainatlas.errors import UnitError

Number = TypeVar("Number")

# dimension -> canonical symbol
BASE = {
    "mass": "t",
    "currency": "yuan",
    "ratio": "%",
    "length": "m",
    "power": "W",
    "energy": "kWh",
    "area": "m²",
    "volume": "m³",
    "count:pcs": "pcs",
    "count:sets": "sets",
    "count:vehicles": "vehicles",
    "count:wafers": "wafers",
    "count:firms": "firms",
    "count:items": "items",
    "count:persons": "persons",
    "rank": "rank",
}

_TABLE: dict[str, tuple[str, float]] = {}


def _add(dimension: str, factor: float, *aliases: str) -> None:
    for alias in aliases:
        _TABLE[alias] = (dimension, factor)


_add("mass", 1.0, "t", "吨", "tonne", "tonnes", "ton", "tons")
_add("mass", 1e3, "kt", "千吨")
_add("mass", 1e4, "万吨", "10kt")
_add("mass", 1e6, "Mt", "百万吨", "million t", "million tonnes")
_add("mass", 1e8, "亿吨")
_add("mass", 1e-3, "kg", "公斤", "千克")
_add("mass", 10.0, "万千克", "万公斤")  # 1万千克 = 10,000 kg = 10 t; provincial bureaus print polysilicon this way
_add("mass", 1e-6, "g", "克")
_add("currency", 1.0, "yuan", "元", "CNY", "RMB", "人民币元")
_add("currency", 1e3, "千元", "thousand yuan")
_add("currency", 1e4, "万元", "10k yuan")
_add("currency", 1e6, "百万元", "million yuan", "mn yuan")
_add("currency", 1e7, "千万元")
_add("currency", 1e8, "亿元", "100m yuan")
_add("currency", 1e9, "bn yuan", "billion yuan", "十亿元")
_add("currency", 1e12, "万亿元", "trillion yuan")
_add("ratio", 1.0, "%", "percent", "百分比")
_add("ratio", 0.1, "‰", "permille")
_add("ratio", 100.0, "ratio", "share", "1")
_add("length", 1.0, "m", "米")
_add("length", 1e3, "km", "公里", "千米")
_add("length", 1e-3, "mm", "毫米")
_add("length", 1e-6, "µm", "μm", "um", "微米")
_add("length", 1e-9, "nm", "纳米")
_add("power", 1.0, "W", "瓦", "Wp")
_add("power", 1e3, "kW", "千瓦", "kWp")
_add("power", 1e6, "MW", "兆瓦", "MWp")
_add("power", 1e7, "万千瓦")
_add("power", 1e9, "GW", "吉瓦", "GWp")
_add("energy", 1e-3, "Wh")
_add("energy", 1.0, "kWh", "度", "千瓦时")
_add("energy", 1e3, "MWh", "兆瓦时")
_add("energy", 1e4, "万千瓦时")
_add("energy", 1e6, "GWh", "吉瓦时", "百万千瓦时")
_add("energy", 1e8, "亿千瓦时")
_add("area", 1.0, "m²", "m2", "平方米", "平米")
_add("area", 1e4, "万平方米", "万m²", "万m2")
_add("area", 1e6, "km²", "km2", "平方公里")
_add("volume", 1.0, "m³", "m3", "立方米")
_add("volume", 1e4, "万立方米", "万m³")
_add("volume", 1e8, "亿立方米", "亿m³")
_add("count:pcs", 1.0, "pcs", "pc", "piece", "pieces", "个", "件", "只", "颗", "块")
_add("count:pcs", 1e4, "万个", "万件", "万只", "万颗", "万块")
_add("count:pcs", 1e8, "亿个", "亿件", "亿只", "亿颗", "亿块")
_add("count:sets", 1.0, "sets", "set", "台", "套", "units")
_add("count:sets", 1e4, "万台", "万套")
_add("count:vehicles", 1.0, "vehicles", "vehicle", "辆")
_add("count:vehicles", 1e4, "万辆")
_add("count:wafers", 1.0, "wafers", "wafer", "片")
_add("count:wafers", 1e4, "万片")
_add("count:wafers", 1e8, "亿片")
_add("count:firms", 1.0, "firms", "firm", "家", "户")
_add("count:items", 1.0, "items", "item", "项")
_add("count:persons", 1.0, "persons", "person", "人")
_add("count:persons", 1e4, "万人")
_add("rank", 1.0, "rank", "位", "名")  # a position in a ranking (1 = first); never converted to anything else


@dataclass(frozen=True)
class Unit:
    """A parsed unit: its spelling, dimension (``mass``, ``currency/mass``…) and factor to base."""

    symbol: str
    dimension: str
    factor: float

    @property
    def base(self) -> str:
        """The canonical unit of this unit's dimension (``t`` for 万吨, ``yuan/t`` for 万元/吨)."""
        return "/".join(BASE[d] for d in self.dimension.split("/"))


def _simple(text: str) -> tuple[str, float]:
    key = text.strip()
    if key in _TABLE:
        return _TABLE[key]
    lowered = key.lower()
    for alias, entry in _TABLE.items():
        if alias.lower() == lowered and alias.isascii() and len(alias) > 2:
            return entry
    raise UnitError(f"unknown unit {text!r}; known units include t, 万吨, yuan, 亿元, %, µm, MW, kWh, m², pcs")


@lru_cache(maxsize=1024)
def parse_unit(text: str) -> Unit:
    """Parse a unit string; raise :class:`UnitError` if it is unknown or empty."""
    if text is None or not str(text).strip():
        raise UnitError("missing unit: every value needs one (e.g. t, 万吨, 亿元, %)")
    text = str(text).strip()
    parts = text.split("/")
    if len(parts) > 2:
        raise UnitError(f"unit {text!r} has more than one '/'")
    if len(parts) == 2:
        dim_a, f_a = _simple(parts[0])
        dim_b, f_b = _simple(parts[1])
        return Unit(text, f"{dim_a}/{dim_b}", f_a / f_b)
    dim, factor = _simple(text)
    return Unit(text, dim, factor)


def is_known(text: str | None) -> bool:
    """True when ``text`` parses as a unit."""
    try:
        parse_unit(text)  # type: ignore[arg-type]
    except UnitError:
        return False
    return True


def conversion_factor(from_unit: str, to_unit: str) -> float:
    """The number to multiply a value in ``from_unit`` by to express it in ``to_unit``."""
    a, b = parse_unit(from_unit), parse_unit(to_unit)
    if a.dimension != b.dimension:
        raise UnitError(
            f"cannot convert {from_unit!r} ({a.dimension}) to {to_unit!r} ({b.dimension}): different quantities"
        )
    return a.factor / b.factor


def convert(value: Number, from_unit: str, to_unit: str) -> Number:
    """Convert ``value`` (a number, numpy array or pandas Series) from one unit to another.

    >>> convert(2.5, "万吨", "t")
    25000.0
    >>> convert(6, "µm", "mm")
    0.006
    """
    factor = conversion_factor(from_unit, to_unit)
    return value * factor if factor != 1.0 else value  # type: ignore[operator,return-value]


def to_base(value: Number, unit: str) -> tuple[Number, str]:
    """Express ``value`` in the canonical unit of its dimension; returns (value, base symbol)."""
    parsed = parse_unit(unit)
    return convert(value, unit, parsed.base), parsed.base


def compatible(a: str, b: str) -> bool:
    """True when both units parse and measure the same kind of quantity."""
    try:
        return parse_unit(a).dimension == parse_unit(b).dimension
    except UnitError:
        return False
