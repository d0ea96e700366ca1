"""Small result base: every result prints, renders in a notebook, serialises to JSON, becomes a frame.

Why one base: the CLI's ``--json`` prints ``to_dict()``, the web app's ``.json`` twin returns it and the
report templates read it, so one method decides what every face shows.
"""

from __future__ import annotations

import html
import json
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd


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
