"""Small result base: every result prints, renders in a notebook, serialises to JSON, becomes a frame.

Why one base: the CLI's ``--json`` prints ``to_dict()``, the web app's ``.json`` twin returns it and the
report templates read it, so one method decides what every face shows. The facade's own results
(tables, a chain's layout, a region's page, an evaluation with its evidence) are defined here too, so
faces and notebooks import results without importing the facade.
"""

from __future__ import annotations

import html
import json
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from chainatlas.analysis.evaluation import EvaluationResult, IndicatorSystem, SensitivityResult


def jsonable(value: Any) -> Any:
    """Make a value JSON-safe: NaN → None, numpy scalars → Python, frames → records."""
    kind = type(value)
    if kind is str or kind is int or kind is bool:  # most cells: answered before the checks below
        return value
    if kind is float:
        return None if math.isnan(value) or math.isinf(value) else value
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, (np.floating,)):
        v = float(value)
        return None if math.isnan(v) or math.isinf(v) else v
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.bool_,)):
        return bool(value)
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [jsonable(v) for v in value]
    if isinstance(value, pd.DataFrame):
        return [jsonable(r) for r in value.to_dict(orient="records")]
    if isinstance(value, pd.Series):
        return jsonable(value.to_dict())
    if hasattr(value, "to_dict") and callable(value.to_dict):
        return jsonable(value.to_dict())
    if isinstance(value, np.ndarray):
        return [jsonable(v) for v in value.tolist()]
    return value


def dumps(value: Any) -> str:
    """The project's one JSON spelling (UTF-8 text, stable key order from the dicts, 2-space indent)."""
    return json.dumps(jsonable(value), ensure_ascii=False, indent=2)


@dataclass
class Result:
    """Base class: subclasses implement ``to_dict`` and ``to_frame``."""

    def to_dict(self) -> dict:  # pragma: no cover - abstract
        raise NotImplementedError

    def to_frame(self) -> pd.DataFrame:  # pragma: no cover - abstract
        raise NotImplementedError

    def to_json(self) -> str:
        return dumps(self.to_dict())

    def _repr_html_(self) -> str:
        title = html.escape(type(self).__name__)
        return f"<h4>{title}</h4>" + self.to_frame().to_html(index=False, na_rep="")


# --------------------------------------------------------------------------- the facade's own results
@dataclass
class Table(Result):
    """A titled table result (lists of chains, search hits…)."""

    title: str
    rows: pd.DataFrame

    def to_dict(self) -> dict:
        return {"title": self.title, "rows": jsonable(self.rows)}

    def to_frame(self) -> pd.DataFrame:
        return self.rows

    def __repr__(self) -> str:
        return f"{self.title} ({len(self.rows)} rows)\n{self.rows.to_string(index=False, max_rows=40)}"


@dataclass
class ChainView(Result):
    """A chain: its nodes by layer (upstream → downstream), links and main paths."""

    chain: dict
    nodes: pd.DataFrame
    links: pd.DataFrame
    layers: list[dict]
    shared: dict[str, list[str]]

    def to_dict(self) -> dict:
        return {
            "chain": jsonable(self.chain),
            "layers": self.layers,
            "nodes": jsonable(self.nodes),
            "links": jsonable(self.links),
            "shared_nodes": self.shared,
        }

    def to_frame(self) -> pd.DataFrame:
        return self.nodes

    def __repr__(self) -> str:
        lines = [f"{self.chain['name_zh']} {self.chain['name_en']} ({self.chain['id']}): {len(self.nodes)} nodes"]
        names = dict(zip(self.nodes["id"], self.nodes["name_zh"] + " " + self.nodes["name_en"], strict=True))
        for layer in self.layers:
            lines.append(f"  [{layer['stage']} {layer['depth']}] " + "; ".join(names[n] for n in layer["nodes"]))
        return "\n".join(lines)


@dataclass
class RegionView(Result):
    """A region: identity, parents, firms, chains present and indicators with sources."""

    region: dict
    parents: list[dict]
    children: int
    enterprises: pd.DataFrame
    chains: pd.DataFrame
    observations: pd.DataFrame

    def to_dict(self) -> dict:
        return {
            "region": jsonable(self.region),
            "parents": jsonable(self.parents),
            "children": self.children,
            "chains": jsonable(self.chains),
            "enterprises": jsonable(self.enterprises),
            "observations": jsonable(self.observations),
        }

    def to_frame(self) -> pd.DataFrame:
        return self.enterprises

    def __repr__(self) -> str:
        r = self.region
        path = " / ".join(p["name_zh"] for p in self.parents)
        return (f"{r['name_zh']} {r['name_en']} ({r['code']}, {r['level']}{', in ' + path if path else ''}): "
                f"{len(self.enterprises)} firms, {len(self.chains)} chains, {len(self.observations)} indicators")


@dataclass
class Evaluation(Result):
    """An evaluation with the observations (and sources) behind it and, optionally, a sensitivity table."""

    result: EvaluationResult
    sensitivity: SensitivityResult | None
    observations: pd.DataFrame
    names: dict[str, dict]
    system: IndicatorSystem

    def to_dict(self) -> dict:
        out = self.result.to_dict()
        for item in out["regions"]:
            item.update(self.names.get(item["region"], {}))
        out["system_name"] = {"zh": self.system.name_zh, "en": self.system.name_en}
        out["observations"] = jsonable(self.observations)
        out["sensitivity"] = self.sensitivity.to_dict() if self.sensitivity is not None else None
        return jsonable(out)

    def to_frame(self) -> pd.DataFrame:
        frame = self.result.to_frame()
        names = pd.DataFrame.from_dict(self.names, orient="index")
        return names.join(frame, how="right")

    def __repr__(self) -> str:
        lines = [f"Evaluation {self.system.name_zh} {self.system.name_en} ({self.result.method}, {self.result.year})"]
        for code, row in self.result.to_frame().iterrows():
            name = self.names.get(code, {})
            change = ""
            if self.result.rank_change is not None and not pd.isna(row.get("rank_change")):
                change = f" ({int(row['rank_change']):+d})"
            lines.append(f"  {int(row['rank']):>3}{change} {name.get('name_zh', '')} {name.get('name_en', '')} "
                         f"({code}) score {row['score']:.3f}")
        if not self.result.missing.empty:
            lines.append(f"  missing: {self.result.missing}")
        if self.sensitivity is not None:
            lines.append(repr(self.sensitivity))
        return "\n".join(lines)
