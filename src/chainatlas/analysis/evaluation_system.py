"""Evaluation indicator systems: what is measured, which way is better, how it is grouped.

A system is data (``reference/data/systems/*.toml``), not code: a list of indicators, each with a
direction (``higher`` or ``lower`` is better), the dimension it belongs to and, optionally, an expert
weight. This module only turns an already-read dict or TOML text into an :class:`IndicatorSystem`;
reading files is the reference layer's job.

An indicator may be about a chain node (``node = "pv.glass"`` with ``indicator =
"output_share_national"``); its column in a value frame is then ``"output_share_national@pv.glass"``
(see :attr:`SystemIndicator.key`). Plain indicators use their id as column name.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field

from chainatlas.errors import DataError

DIRECTIONS = ("higher", "lower")


@dataclass(frozen=True)
class Dimension:
    """A group of indicators (e.g. innovation platforms, R&D input)."""

    id: str
    name_zh: str
    name_en: str


@dataclass(frozen=True)
class SystemIndicator:
    """One indicator of a system.

    ``weight`` is the expert weight (any positive scale; normalised to sum 1 when used) and
    ``weight_source`` the source id it comes from, empty when the weight is illustrative.
    """

    id: str
    dimension: str
    direction: str = "higher"
    weight: float | None = None
    weight_source: str = ""
    node: str = ""
    name_zh: str = ""
    name_en: str = ""

    @property
    def key(self) -> str:
        """Column name of this indicator in a region × indicator value frame."""
        return f"{self.id}@{self.node}" if self.node else self.id


@dataclass(frozen=True)
class IndicatorSystem:
    """An evaluation indicator system (innovation-driven city, industrial development…)."""

    id: str
    name_zh: str
    name_en: str
    description: str = ""
    dimensions: tuple[Dimension, ...] = ()
    indicators: tuple[SystemIndicator, ...] = ()
    weights_note: str = ""
    extra: Mapping[str, object] = field(default_factory=dict, compare=False, repr=False)

    @property
    def keys(self) -> list[str]:
        """Column names of the system's indicators, in system order."""
        return [i.key for i in self.indicators]

    @property
    def directions(self) -> dict[str, str]:
        return {i.key: i.direction for i in self.indicators}

    @property
    def has_expert_weights(self) -> bool:
        return all(i.weight is not None for i in self.indicators)

    def expert_weights(self) -> dict[str, float]:
        """Expert weights by column key, normalised to sum 1.

        Raises :class:`DataError` naming the indicators without a weight.
        """
        missing = [i.key for i in self.indicators if i.weight is None]
        if missing:
            raise DataError(
                f"system {self.id!r} has no expert weight for: {', '.join(missing)}; "
                "pass weights= or use an entropy method"
            )
        total = sum(float(i.weight) for i in self.indicators)  # type: ignore[arg-type]
        return {i.key: float(i.weight) / total for i in self.indicators}  # type: ignore[arg-type]

    def indicator(self, key: str) -> SystemIndicator:
        for i in self.indicators:
            if i.key == key or i.id == key:
                return i
        raise DataError(f"system {self.id!r} has no indicator {key!r}; it has {', '.join(self.keys)}")

    def dimension_of(self, key: str) -> str:
        return self.indicator(key).dimension


def _text(d: Mapping, name: str, where: str, required: bool = True) -> str:
    value = d.get(name, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise DataError(f"{where} field {name!r}: expected text, got {value!r}")
    if required and not value.strip():
        raise DataError(f"{where} field {name!r}: required")
    return value.strip()


def system_from_dict(d: Mapping) -> IndicatorSystem:
    """Build an :class:`IndicatorSystem` from a parsed TOML dict (format in DATA.md, systems/*.toml).

    Every problem names the system, the indicator and the field.
    """
    sid = _text(d, "id", "system")
    where = f"system {sid!r}"
    dims: list[Dimension] = []
    for k, raw in enumerate(d.get("dimensions", []) or [], start=1):
        w = f"{where} dimension #{k}"
        dims.append(Dimension(_text(raw, "id", w), _text(raw, "name_zh", w), _text(raw, "name_en", w)))
    dim_ids = {x.id for x in dims}
    if len(dim_ids) != len(dims):
        raise DataError(f"{where}: duplicate dimension ids")
    inds: list[SystemIndicator] = []
    for k, raw in enumerate(d.get("indicators", []) or [], start=1):
        iid = _text(raw, "id", f"{where} indicator #{k}")
        w = f"{where} indicator {iid!r}"
        dim = _text(raw, "dimension", w)
        if dim_ids and dim not in dim_ids:
            raise DataError(f"{w} field 'dimension': {dim!r} is not one of {', '.join(sorted(dim_ids))}")
        direction = _text(raw, "direction", w, required=False) or "higher"
        if direction not in DIRECTIONS:
            raise DataError(f"{w} field 'direction': got {direction!r}; expected higher or lower")
        weight = raw.get("weight")
        if weight is not None:
            if isinstance(weight, bool) or not isinstance(weight, int | float):
                raise DataError(f"{w} field 'weight': expected a number, got {weight!r}")
            weight = float(weight)
            if not math.isfinite(weight) or weight <= 0:
                raise DataError(f"{w} field 'weight': expected a positive number, got {weight!r}")
        inds.append(
            SystemIndicator(
                id=iid,
                dimension=dim,
                direction=direction,
                weight=weight,
                weight_source=_text(raw, "source", w, required=False),
                node=_text(raw, "node", w, required=False),
                name_zh=_text(raw, "name_zh", w, required=False),
                name_en=_text(raw, "name_en", w, required=False),
            )
        )
    if not inds:
        raise DataError(f"{where}: no [[indicators]]")
    keys = [i.key for i in inds]
    dupes = sorted({x for x in keys if keys.count(x) > 1})
    if dupes:
        raise DataError(f"{where}: duplicate indicators {', '.join(dupes)}")
    known = {"id", "name_zh", "name_en", "description", "dimensions", "indicators", "weights_note"}
    return IndicatorSystem(
        id=sid,
        name_zh=_text(d, "name_zh", where),
        name_en=_text(d, "name_en", where),
        description=_text(d, "description", where, required=False),
        dimensions=tuple(dims),
        indicators=tuple(inds),
        weights_note=_text(d, "weights_note", where, required=False),
        extra={k: v for k, v in d.items() if k not in known},
    )


def load_system(source: str | Mapping) -> IndicatorSystem:
    """Parse a system from TOML text or an already-parsed dict (no file access: pass the text)."""
    if isinstance(source, Mapping):
        return system_from_dict(source)
    try:
        data = tomllib.loads(source)
    except tomllib.TOMLDecodeError as exc:
        raise DataError(f"indicator system TOML: {exc}") from exc
    return system_from_dict(data)


def indicator_table(observations, keys: list[str], regions: list[str], year: int | None = None):
    """Region × indicator values of ``keys`` in one year, the observations used, and that year.

    ``observations``: region observations of ``regions``. A key ``indicator@node`` reads the
    figures about that node. Without ``year``, the year with the most figures is used (the latest of
    equally covered years).
    """
    import numpy as np

    obs = observations.copy()
    node = obs["node_id"].fillna("")
    obs["key"] = np.where(node != "", obs["indicator"] + "@" + node, obs["indicator"])
    obs = obs[obs["key"].isin(keys)]
    if year is None and len(obs):
        year = int(obs.groupby("year").size().sort_values(kind="stable").index[-1])
    used = obs[obs["year"] == year] if year is not None else obs.iloc[0:0]
    values = used.pivot_table(index="subject_id", columns="key", values="value", aggfunc="first")
    return values.reindex(index=regions, columns=keys), used, year
